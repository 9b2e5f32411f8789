import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BoardState } from '@werkraum/shared/protocol';

/**
 * A stand-in for the server behind the tab's socket: it answers session:resume and board:state,
 * holds each board's voting, and can leave a request unanswered until the test lets it go.
 */
const server = vi.hoisted(() => {
  type Handler = (...args: unknown[]) => void;
  const listeners = new Map<string, Handler[]>();
  const state = {
    connected: false,
    /** Whether this connection holds a session (after session:resume). */
    joined: false,
    role: 'participant' as string,
    voting: 'none' as 'none' | 'open',
    /** board:state requests that wait for the test to answer them. */
    held: [] as (() => void)[],
    holdReads: false,
    reads: 0,
  };
  const socket = {
    get connected() {
      return state.connected;
    },
    on(event: string, handler: Handler) {
      listeners.set(event, [...(listeners.get(event) ?? []), handler]);
      return socket;
    },
    off() {
      return socket;
    },
    once() {
      return socket;
    },
    connect() {},
    disconnect() {},
  };
  const emit = (event: string, ...args: unknown[]) => {
    for (const handler of listeners.get(event) ?? []) handler(...args);
  };
  return { state, socket, emit };
});

vi.mock('./socket.js', () => {
  class RequestError extends Error {
    readonly code: string;
    constructor(error: { code: string; message: string }) {
      super(error.message);
      this.code = error.code;
    }
  }
  const request = async (_socket: unknown, event: string, payload: { roomId?: string }) => {
    const { state } = server;
    if (!state.connected) throw new RequestError({ code: 'timeout', message: 'offline' });
    if (event === 'session:resume') {
      state.joined = true;
      return {
        session: { workshopId: 'w1', personId: 'p1', personToken: 't', role: state.role },
        workshop: { id: 'w1', title: 'Werkstatt' },
        people: [],
      };
    }
    if (event === 'board:state') {
      state.reads += 1;
      if (!state.joined) throw new RequestError({ code: 'not_joined', message: 'Join the workshop first.' });
      // The answer is what the server holds when it reads, not when the request was sent.
      if (state.holdReads) await new Promise<void>((resolve) => state.held.push(resolve));
      const facilitator = state.role !== 'participant';
      return {
        roomId: payload.roomId!,
        privateWriting: false,
        voting: { status: state.voting, dotsPerPerson: 3, target: 'cards', revealed: false, myVotes: [], counts: facilitator ? {} : null, voters: 0 },
      } satisfies BoardState;
    }
    throw new RequestError({ code: 'internal', message: `not in this test: ${event}` });
  };
  return { RequestError, request, connectSocket: () => server.socket };
});
vi.mock('./identity.js', () => ({
  loadIdentity: () => ({ personToken: 't', displayName: 'Paul', role: 'participant', linkSecret: 's' }),
  saveIdentity: () => undefined,
  forgetIdentity: () => undefined,
}));
vi.mock('./clock.js', () => ({ startClockSync: () => undefined }));
vi.mock('../features/findings/loadFindings.js', () => ({ loadPlenaryTools: async () => undefined }));

const { workshopSession } = await import('./session.js');
const { useAppStore } = await import('../store/index.js');

/** Lets every pending promise (requests, their answers) run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const voting = () => useAppStore.getState().boardStates.plenary?.voting;

/** The socket connects and the session resumes. */
async function connect() {
  server.state.connected = true;
  server.emit('connect');
  await settle();
}

function disconnect() {
  server.state.connected = false;
  server.state.joined = false;
  server.emit('disconnect', 'transport close');
}

/** The server changes the board and tells the connected tab. */
async function startVoting() {
  server.state.voting = 'open';
  if (server.state.connected && server.state.joined) server.emit('board:changed', { roomId: 'plenary' });
  await settle();
}

describe('the board state a tab shows follows the server', () => {
  let hide: (() => void) | null = null;

  beforeEach(async () => {
    hide?.();
    hide = null;
    disconnect();
    Object.assign(server.state, { role: 'participant', voting: 'none', held: [], holdReads: false, reads: 0 });
    useAppStore.setState({ boardStates: {}, session: null });
    workshopSession.socket();
    workshopSession.open('w1');
    await connect();
  });

  it('reads the state when the board opens and again when the server says it changed', async () => {
    hide = workshopSession.showBoard('plenary');
    await settle();
    expect(voting()?.status).toBe('none');
    await startVoting();
    expect(voting()?.status).toBe('open');
  });

  it('keeps the answer of an earlier read when the read asked for after a change fails', async () => {
    hide = workshopSession.showBoard('plenary');
    await settle();
    // The board opened; its read is still under way when voting starts.
    server.state.holdReads = true;
    hide();
    hide = workshopSession.showBoard('plenary');
    await settle();
    server.state.voting = 'open';
    server.state.holdReads = false;
    // The read of the change goes out over a connection that has just lost its session.
    server.state.joined = false;
    server.emit('board:changed', { roomId: 'plenary' });
    await settle();
    server.state.joined = true;
    for (const answer of server.state.held.splice(0)) answer();
    await settle();
    expect(voting()?.status).toBe('open');
  });

  it('reads a board opened before the session was resumed once it is', async () => {
    disconnect();
    useAppStore.setState({ boardStates: {} });
    server.state.voting = 'open';
    hide = workshopSession.showBoard('plenary');
    await settle();
    expect(voting()).toBeUndefined();
    await connect();
    expect(voting()?.status).toBe('open');
  });

  it('reads a shown board again after a reconnect: changes made while the connection was lost are not announced again', async () => {
    hide = workshopSession.showBoard('plenary');
    await settle();
    expect(voting()?.status).toBe('none');
    disconnect();
    await startVoting();
    await connect();
    expect(voting()?.status).toBe('open');
  });

  it('reads a shown board again when one’s own role changes (the moderation sees the counts)', async () => {
    useAppStore.setState({ peopleById: {}, peopleOrder: [] });
    hide = workshopSession.showBoard('plenary');
    await settle();
    expect(voting()?.counts).toBeNull();
    server.state.role = 'coModerator';
    server.emit('people:upserted', { people: [{ id: 'p1', displayName: 'Paul', role: 'coModerator' }] });
    await settle();
    expect(voting()?.counts).toEqual({});
  });
});
