/**
 * A simulated participant of a Werkraum workshop, doing what the browser client does
 * (client/src/realtime/session.ts, collab.ts, clock.ts, dispatch.ts):
 *
 * - socket.io (websocket transport, protocol version in the handshake), `session:join`, then
 *   `agenda:get` + `breakout:get` + `poll:list`, and a burst of 5 `clock:ping`s;
 * - the notes of the room it is in: `notes:token`, then a y-websocket connection to /collab with
 *   presence (name and colour in awareness); when a breakout round puts it in a room, the view
 *   switches: plenary notes closed, the room's notes opened;
 * - re-reads the polls (`poll:list`) on every 'poll:changed' and answers open polls (optional);
 * - every 30 s a `clock:ping`, every 45 s a fresh `notes:token` (collab.ts renews it that often).
 *
 * What it measures: join time (connect -> join acknowledged), join-and-sync time (connect -> the
 * plenary notes synced), room switch time (round opened -> room notes synced), the receipt time of
 * every moderator action (by key, matched with the send time in the orchestrator), note-edit
 * propagation (via NotesClient), and reconnect time.
 */
import { io } from 'socket.io-client';
import { NotesClient } from './notes-client.mjs';
import { now } from './util.mjs';

const ACK_TIMEOUT_MS = 20_000;

export class Participant {
  /**
   * @param {object} spec { id, workshopId, secret, name, editRate, answerPolls }
   * @param {object} ctx  { port, protocolVersion, hists, receipt(key, at), error(text), counters, random }
   */
  constructor(spec, ctx) {
    this.spec = spec;
    this.ctx = ctx;
    this.socket = null;
    this.notes = null;
    this.roomId = null;
    this.personId = null;
    this.personToken = null;
    this.pollSeen = new Map();
    this.pollsReading = false;
    this.pollsStale = false;
    this.answered = new Set();
    this.openedRounds = new Set();
    this.nextEditAt = Infinity;
    this.nextPingAt = Infinity;
    this.nextTokenAt = Infinity;
    this.switching = null;
    this.leaving = false;
  }

  request(event, payload, socket = this.socket) {
    return socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck(event, payload)
      .then((result) => {
        if (!result.ok) throw new Error(`${event}: ${result.error.code} ${result.error.message}`);
        return result.data;
      });
  }

  openSocket() {
    const socket = io(`http://127.0.0.1:${this.ctx.port}`, {
      auth: { protocolVersion: this.ctx.protocolVersion },
      transports: ['websocket'],
      // Reconnects are driven (and measured) by the benchmark, not left to the backoff.
      reconnection: false,
      // Without this, io() would share one connection among all participants of a process.
      forceNew: true,
      timeout: 30_000,
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => reject(new Error(`connect_error: ${error.message}`)));
    });
  }

  attachListeners(socket) {
    const { ctx, spec } = this;
    socket.on('agenda:run', ({ run }) => ctx.receipt(`run:${spec.workshopId}:${run.log.length}`, now()));
    socket.on('poll:changed', ({ pollId }) => {
      const n = (this.pollSeen.get(pollId) ?? 0) + 1;
      this.pollSeen.set(pollId, n);
      ctx.receipt(`poll:${pollId}:${n}`, now());
      void this.loadPolls();
    });
    socket.on('breakout:changed', ({ rounds }) => this.onRounds(rounds, now()));
    socket.on('people:upserted', () => ctx.counters.peopleUpserted++);
    socket.on('poll:results', () => ctx.counters.pollResults++);
    socket.on('poll:participation', () => ctx.counters.pollResults++);
    socket.on('disconnect', (reason) => {
      if (!this.leaving) ctx.error(`socket disconnected: ${reason}`);
    });
  }

  /** Connect, join, load the workshop like the client, open the plenary notes. */
  async join() {
    const t0 = now();
    this.socket = await this.openSocket();
    this.attachListeners(this.socket);
    const snapshot = await this.request('session:join', {
      workshopId: this.spec.workshopId,
      linkSecret: this.spec.secret,
      displayName: this.spec.name,
    });
    const joinedAt = now();
    this.ctx.hists.add('join', joinedAt - t0);
    this.personId = snapshot.session.personId;
    this.personToken = snapshot.session.personToken;
    void this.loadWorkshop(this.socket);
    void this.clockBurst(this.socket);
    const rounds = await this.request('breakout:get', {});
    this.onRounds(rounds.rounds, joinedAt, false);
    if (!this.roomId) await this.openNotes('plenary');
    else await this.switching;
    this.ctx.hists.add('joinSync', now() - t0);
    const r = this.ctx.random;
    this.nextPingAt = now() + 30_000 * r();
    this.nextTokenAt = now() + 45_000 * r();
  }

  async loadWorkshop(socket) {
    try {
      await Promise.all([this.request('agenda:get', {}, socket), this.loadPolls(socket)]);
    } catch (error) {
      this.ctx.error(`load: ${error.message}`);
    }
  }

  async clockBurst(socket) {
    for (let i = 0; i < 5 && socket.connected; i++) {
      await this.request('clock:ping', {}, socket).catch(() => undefined);
    }
  }

  /** Re-reads the polls; changes during a read cause exactly one more read (as the client does). */
  async loadPolls(socket = this.socket) {
    if (this.pollsReading) {
      this.pollsStale = true;
      return;
    }
    this.pollsReading = true;
    try {
      do {
        this.pollsStale = false;
        const { polls } = await this.request('poll:list', {}, socket);
        if (this.spec.answerPolls > 0) {
          for (const { poll, answered } of polls) {
            if (poll.status !== 'open' || answered || this.answered.has(poll.id)) continue;
            this.answered.add(poll.id);
            if (this.ctx.random() >= this.spec.answerPolls) continue;
            // People take a few seconds to read and click.
            const delay = 1_000 + 5_000 * this.ctx.random();
            setTimeout(() => {
              if (!this.socket?.connected) return;
              this.request('poll:answer', { pollId: poll.id, answer: { optionIds: [poll.options[0].id] } })
                .then(() => this.ctx.counters.answers++)
                .catch((error) => this.ctx.error(`answer: ${error.message}`));
            }, delay).unref();
          }
        }
      } while (this.pollsStale);
    } catch (error) {
      if (this.socket?.connected) this.ctx.error(`poll:list: ${error.message}`);
    } finally {
      this.pollsReading = false;
    }
  }

  /** Follows breakout rounds: when a round opens with this person in a room, the view switches to it. */
  onRounds(rounds, receivedAt, record = true) {
    let target = null;
    for (const round of rounds) {
      if (round.openedAt === null) continue;
      if (!this.openedRounds.has(round.id)) {
        this.openedRounds.add(round.id);
        if (record) this.ctx.receipt(`round:${this.spec.workshopId}:${round.id}`, receivedAt);
      }
      // Open and not yet over (the benchmark never ends a round while measuring).
      if (round.closedAt === null && round.endedAt === null) target = round.assignments[this.personId] ?? null;
    }
    if (target && target !== this.roomId) {
      this.roomId = target;
      const started = receivedAt;
      this.switching = this.openNotes(target).then(
        () => this.ctx.hists.add('roomSwitch', now() - started),
        (error) => this.ctx.error(`room switch: ${error.message}`),
      );
    }
  }

  async openNotes(roomId) {
    const previous = this.notes;
    this.notes = null;
    previous?.destroy();
    const grant = await this.request('notes:token', { roomId });
    const notes = new NotesClient({
      kind: 'werkraum',
      port: this.ctx.port,
      docName: grant.docName,
      token: grant.token,
      name: this.spec.name,
      onLatency: this.spec.measure === false ? undefined : (ms, sentAt) => this.ctx.inWindow(sentAt) && this.ctx.hists.add('edit', ms),
    });
    this.notes = notes;
    // As collab.ts does on a permanent close (expired token, access changed): ask for a new token and connect again.
    notes.provider.on('connection-close', (event) => {
      if (!event || event.code < 4400 || event.code >= 4500 || this.notes !== notes) return;
      this.ctx.error(`notes closed with ${event.code}, renewing the token`);
      this.request('notes:token', { roomId })
        .then((renewed) => {
          if (this.notes !== notes) return;
          notes.provider.params = { token: renewed.token };
          notes.provider.connect();
        })
        .catch((error) => this.ctx.error(`token after close: ${error.message}`));
    });
    await notes.connect();
    if (grant.mode !== 'edit') this.ctx.error(`notes of ${roomId} are ${grant.mode}`);
    return notes;
  }

  /** The notes of the room this person is in (the plenary's until a round places them) are synced. */
  get inRoom() {
    const room = this.roomId ?? 'plenary';
    return Boolean(this.notes?.synced && this.notes.docName.endsWith(`:${room}`));
  }

  /** Called by the generator's ticker; does whatever is due. */
  tick(t, editing) {
    if (editing && t >= this.nextEditAt && this.notes?.synced) {
      this.notes.edit();
      this.ctx.counters.edits++;
      this.nextEditAt = t + (1000 / this.spec.editRate) * (0.5 + this.ctx.random());
    }
    if (t >= this.nextPingAt && this.socket?.connected) {
      this.nextPingAt = t + 30_000;
      void this.request('clock:ping', {}).catch(() => undefined);
    }
    if (t >= this.nextTokenAt && this.socket?.connected && this.notes) {
      this.nextTokenAt = t + 45_000;
      void this.request('notes:token', { roomId: this.roomId ?? 'plenary' })
        .then((grant) => {
          if (this.notes && this.notes.docName === grant.docName) this.notes.provider.params = { token: grant.token };
        })
        .catch((error) => this.ctx.error(`token renewal: ${error.message}`));
    }
  }

  startEditing(t) {
    if (this.spec.editRate > 0) this.nextEditAt = t + (1000 / this.spec.editRate) * this.ctx.random();
  }

  /**
   * A network blip: both connections drop at once. Like the client, the person comes back with a
   * new socket.io connection and `session:resume` (then reloads agenda, rounds and polls in the
   * background), while y-websocket reconnects to the notes with the token it holds (renewed every
   * 45 s, so still valid). Records the time until the socket is resumed, until the notes are
   * synced, and until both (the person is fully back).
   */
  async reconnect() {
    const old = this.socket;
    this.leaving = true;
    old.disconnect();
    this.leaving = false;
    const t0 = now();
    const socketBack = (async () => {
      const socket = await this.openSocket();
      this.attachListeners(socket);
      const snapshot = await this.request('session:resume', { workshopId: this.spec.workshopId, personToken: this.personToken }, socket);
      this.personId = snapshot.session.personId;
      this.socket = socket;
      const at = now();
      void this.loadWorkshop(socket);
      void this.request('breakout:get', {}, socket).catch(() => undefined);
      void this.clockBurst(socket);
      return at;
    })();
    const notesBack = (async () => {
      const ms = await this.notes.reconnect();
      return t0 + ms;
    })();
    const [socketAt, notesAt] = await Promise.all([socketBack, notesBack]);
    this.ctx.hists.add('reconnectSocket', socketAt - t0);
    this.ctx.hists.add('reconnectNotes', notesAt - t0);
    this.ctx.hists.add('reconnect', Math.max(socketAt, notesAt) - t0);
  }

  close() {
    this.leaving = true;
    this.nextEditAt = Infinity;
    this.notes?.destroy();
    this.socket?.disconnect();
  }
}
