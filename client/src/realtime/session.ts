import type { LinkInfo, WorkshopSnapshot } from '@werkraum/shared/protocol';
import { useAppStore } from '../store/index.js';
import { applySnapshot, attachDispatch } from './dispatch.js';
import { loadPlenaryTools } from '../features/findings/loadFindings.js';
import { forgetIdentity, loadIdentity, saveIdentity } from './identity.js';
import { startClockSync } from './clock.js';
import { RequestError, connectSocket, request, type AppSocket } from './socket.js';

/** Codes after which the stored identity is useless and the person must join anew. */
const IDENTITY_GONE = new Set(['removed', 'unknown_identity', 'workshop_not_found']);

/**
 * This tab's connection to one workshop: one socket, joined or resumed, and resumed again after
 * every reconnect so the person keeps their identity through network loss and server restarts.
 */
class WorkshopSession {
  private socketInstance: AppSocket | null = null;
  private workshopId: string | null = null;
  private readonly store = useAppStore;
  /** Whether this connection holds a joined or resumed session (requests that need one can go out). */
  private ready = false;
  private readonly readyListeners = new Set<() => void>();

  /** True while the socket is connected and its session joined or resumed. */
  isReady(): boolean {
    return this.ready && this.socketInstance?.connected === true;
  }

  /** Calls `listener` every time the session becomes ready (after joining, and after each resume). */
  onReady(listener: () => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  private markReady(): void {
    this.ready = true;
    this.reloadBoards();
    for (const listener of [...this.readyListeners]) listener();
  }

  /** The tab's socket, connected on first use. */
  socket(): AppSocket {
    if (this.socketInstance) return this.socketInstance;
    const socket = connectSocket();
    this.socketInstance = socket;
    const state = () => this.store.getState();
    socket.on('connect', () => {
      state().setConnection('connected');
      void this.resumeCurrent();
    });
    socket.on('disconnect', (reason) => {
      this.ready = false;
      state().setConnection(reason === 'io server disconnect' ? 'offline' : 'reconnecting');
    });
    socket.on('connect_error', (error) => {
      const data = (error as Error & { data?: { code?: string } }).data;
      if (data?.code === 'protocol_mismatch') {
        state().endSession({ code: 'protocol_mismatch', message: error.message });
        state().setConnection('offline');
        return;
      }
      state().setConnection(state().session ? 'reconnecting' : 'connecting');
    });
    attachDispatch(
      socket,
      this.store,
      (reason) => {
        if (this.workshopId) forgetIdentity(this.workshopId);
        state().endSession({ code: reason, message: reason });
      },
      // A new co-moderator needs the moderation notes and the dot counts, a former one must lose them.
      () => {
        void this.loadAgenda();
        this.reloadBoards();
      },
      () => void this.loadPolls(),
      (roomId) => {
        // Only boards this tab shows are of interest.
        if (this.shownBoards.has(roomId) || this.store.getState().boardStates[roomId]) void this.loadBoardState(roomId);
      },
    );
    startClockSync(socket);
    return socket;
  }

  /** Where a join link leads (title, role), before the person types a name. */
  inspectLink(workshopId: string, linkSecret: string): Promise<LinkInfo> {
    return request(this.socket(), 'session:inspectLink', { workshopId, linkSecret });
  }

  /** Joins as a new person and remembers the identity in this browser. */
  async join(input: { workshopId: string; linkSecret: string; displayName: string; listInDocumentation: boolean; organisation?: string }): Promise<WorkshopSnapshot> {
    await this.freshConnection(input.workshopId);
    const snapshot = await request(this.socket(), 'session:join', input);
    saveIdentity(input.workshopId, {
      personToken: snapshot.session.personToken,
      displayName: input.displayName,
      role: snapshot.session.role,
      linkSecret: input.linkSecret,
    });
    this.workshopId = input.workshopId;
    applySnapshot(this.store, snapshot);
    this.markReady();
    void this.loadAgenda();
    return snapshot;
  }

  /** Shows the workshop: resumes the stored identity now and after every reconnect. */
  open(workshopId: string): void {
    if (this.workshopId === workshopId && this.store.getState().session?.workshopId === workshopId) return;
    this.workshopId = workshopId;
    const socket = this.socket();
    if (socket.connected) void this.resumeCurrent();
  }

  private async resumeCurrent(): Promise<void> {
    const workshopId = this.workshopId;
    if (!workshopId) return;
    const identity = loadIdentity(workshopId);
    if (!identity) return;
    try {
      const snapshot = await request(this.socket(), 'session:resume', { workshopId, personToken: identity.personToken });
      if (this.workshopId !== workshopId) return;
      saveIdentity(workshopId, { ...identity, role: snapshot.session.role, displayName: ownName(snapshot) ?? identity.displayName });
      applySnapshot(this.store, snapshot);
      this.markReady();
      await this.loadAgenda();
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      if (IDENTITY_GONE.has(error.code)) {
        forgetIdentity(workshopId);
        this.store.getState().endSession({ code: error.code, message: error.message });
      } else if (error.code === 'invalid_state') {
        // This connection already holds a session (a resume raced a join): nothing to do.
        this.markReady();
      } else {
        this.store.getState().endSession({ code: error.code, message: error.message });
      }
    }
  }

  /** Fetches the agenda and the breakout rounds (after joining, reconnecting, or a change of one's own role). */
  private async loadAgenda(): Promise<void> {
    void this.loadDocumentation();
    try {
      const [agenda, breakouts, polls, series] = await Promise.all([
        request(this.socket(), 'agenda:get', {}),
        request(this.socket(), 'breakout:get', {}),
        request(this.socket(), 'poll:list', {}),
        request(this.socket(), 'series:get', {}),
      ]);
      this.store.getState().setSeries(series);
      this.store.getState().setAgendaSnapshot(agenda);
      this.store.getState().setRounds(breakouts.rounds);
      this.store.getState().setPolls(polls.polls);
      void loadPlenaryTools(this.socket(), this.store);
    } catch {
      // The next reconnect fetches it again; the page shows the agenda as missing meanwhile.
    }
  }

  /** Reads the documentation's state (publication, settings, attachments); a server without it leaves it unknown. */
  async loadDocumentation(): Promise<boolean> {
    try {
      this.store.getState().setDocumentation(await request(this.socket(), 'documentation:get', {}));
      return true;
    } catch {
      // Unknown until the next change or reconnect; the documentation view says so.
      return false;
    }
  }

  /** Boards this tab shows now (their state is read again whenever the server says it changed). */
  private readonly shownBoards = new Map<string, number>();

  /** A board panel shows `roomId` until the returned function is called. */
  showBoard(roomId: string): () => void {
    this.shownBoards.set(roomId, (this.shownBoards.get(roomId) ?? 0) + 1);
    void this.loadBoardState(roomId);
    return () => {
      const left = (this.shownBoards.get(roomId) ?? 1) - 1;
      if (left > 0) this.shownBoards.set(roomId, left);
      else this.shownBoards.delete(roomId);
    };
  }

  /** Per board, the read under way; `stale` when the board changed (or the session came back) after it was asked. */
  private readonly boardReads = new Map<string, { stale: boolean }>();

  /**
   * Reads what the server decided about a room's board (voting, private writing). One read per
   * board at a time: a change announced while one is under way causes exactly one more read
   * afterwards, so the last answer applied is never older than the last change heard of, and an
   * earlier good answer is never thrown away because a later read failed. Without a session (not
   * yet resumed, connection lost) nothing is asked: the server would answer not_joined, and every
   * time the session is (re)established the boards of interest are read again anyway.
   */
  async loadBoardState(roomId: string): Promise<void> {
    const running = this.boardReads.get(roomId);
    if (running) {
      running.stale = true;
      return;
    }
    const read = { stale: true };
    this.boardReads.set(roomId, read);
    try {
      while (read.stale && this.isReady()) {
        read.stale = false;
        try {
          this.store.getState().setBoardState(await request(this.socket(), 'board:state', { roomId }));
        } catch {
          // No access (yet), or the session was lost meanwhile: the next change or resume reads again.
        }
      }
    } finally {
      this.boardReads.delete(roomId);
    }
  }

  /**
   * Reads every board this tab shows or has read before again: after a (re)join, where changes made
   * while the connection was lost were announced to nobody here, and after a change of one's own
   * role, which changes what the server shows (the moderation sees the counts).
   */
  private reloadBoards(): void {
    const rooms = new Set([...this.shownBoards.keys(), ...Object.keys(this.store.getState().boardStates)]);
    for (const roomId of rooms) void this.loadBoardState(roomId);
  }

  private pollsReading = false;
  private pollsStale = false;

  /**
   * Re-reads the polls after one was created, changed, opened, closed or published. Changes that
   * arrive during a read cause exactly one more read afterwards, not one each.
   */
  private async loadPolls(): Promise<void> {
    if (this.pollsReading) {
      this.pollsStale = true;
      return;
    }
    this.pollsReading = true;
    try {
      do {
        this.pollsStale = false;
        const { polls } = await request(this.socket(), 'poll:list', {});
        this.store.getState().setPolls(polls);
      } while (this.pollsStale);
    } catch {
      // The next change or reconnect reads them again.
    } finally {
      this.pollsReading = false;
    }
  }

  /** A socket that has joined a workshop cannot join another: start a new connection first. */
  private async freshConnection(workshopId: string): Promise<void> {
    if (!this.store.getState().session) return;
    const socket = this.socket();
    this.workshopId = workshopId;
    this.ready = false;
    socket.disconnect();
    await new Promise<void>((resolve) => {
      socket.once('connect', () => resolve());
      socket.connect();
    });
  }
}

function ownName(snapshot: WorkshopSnapshot): string | undefined {
  return snapshot.people.find((person) => person.id === snapshot.session.personId)?.displayName;
}

/** The workshop session of this tab. */
export const workshopSession = new WorkshopSession();
