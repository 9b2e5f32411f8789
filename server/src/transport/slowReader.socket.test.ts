import { afterEach, describe, expect, it } from 'vitest';
import { Harness, nextEvent, waitFor } from '../test/harness.js';
import { guardUnsent, SOCKET_UNSENT_PACKETS_MAX, type EngineConnection } from './socket.js';

/** The raw TCP socket under a socket.io client's WebSocket (socket.io-client uses `ws` in Node). */
function tcpOf(client: { socket: { io: unknown } }): { pause(): void; resume(): void } {
  const engine = (client.socket.io as { engine: { transport: { ws: { _socket: { pause(): void; resume(): void } } } } }).engine;
  return engine.transport.ws._socket;
}

describe('a socket.io client that stops reading', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  it('is closed once its unsent bytes pass the bound, while a reading client stays', async () => {
    const server = await harness.start({ socketUnsentBytesMax: 256 * 1024 });
    const slow = await harness.connect(server);
    const fast = await harness.connect(server);
    const serverSockets = await server.app.io.fetchSockets();
    expect(serverSockets).toHaveLength(2);
    tcpOf(slow).pause();
    let fastReceived = 0;
    fast.socket.on('bulk', () => (fastReceived += 1));
    const chunk = 'x'.repeat(512 * 1024);
    const emitAll = (event: string) => (server.app.io as unknown as { emit(event: string, payload: string): void }).emit(event, chunk);
    // 40 × 512 KiB = 20 MiB: far more than the kernel's socket buffers take for the paused reader.
    for (let i = 0; i < 40; i++) {
      emitAll('bulk');
      await new Promise((resolve) => setImmediate(resolve));
    }
    // 20 MiB through the fast reader takes a while on a busy machine; the bound is what is tested.
    await waitFor(async () => (await server.app.io.fetchSockets()).length === 1, 'slow reader closed', 15_000);
    expect((await server.app.io.fetchSockets())[0]!.id).toBe(fast.socket.id);
    await waitFor(() => fastReceived === 40, 'fast reader got everything', 15_000);
    expect(server.logs.map((entry) => entry.message)).toEqual([expect.stringMatching(/closed: its client stopped reading/)]);
    // The slow client notices once it reads again (a transport close: the stock client reconnects).
    tcpOf(slow).resume();
    expect(await nextEvent(slow.socket, 'disconnect')).toBe('transport close');
  }, 40_000);
});

describe('guardUnsent', () => {
  /** A stand-in for an engine.io connection with adjustable backlog. */
  function fakeConnection() {
    const listeners: (() => void)[] = [];
    const state = { bufferedAmount: 0, terminated: 0, closed: 0 };
    const conn: EngineConnection = {
      transport: {
        socket: {
          get bufferedAmount() {
            return state.bufferedAmount;
          },
          terminate: () => (state.terminated += 1),
        },
      },
      writeBuffer: [],
      on: (_event, listener) => listeners.push(listener),
      close: () => (state.closed += 1),
    };
    return { conn, state, send: () => listeners.forEach((listener) => listener()) };
  }

  it('terminates a WebSocket past the byte bound once, and only then', () => {
    const { conn, state, send } = fakeConnection();
    const closedWith: unknown[] = [];
    guardUnsent(conn, 1_000, (why) => closedWith.push(why));
    state.bufferedAmount = 1_000;
    send();
    expect(state.terminated).toBe(0);
    state.bufferedAmount = 1_001;
    send();
    send();
    expect(state.terminated).toBe(1);
    expect(closedWith).toEqual([{ bytes: 1_001, packets: 0 }]);
  });

  it('closes a long-polling client that stopped polling once too many packets wait', () => {
    const { conn, state, send } = fakeConnection();
    conn.transport = { socket: undefined };
    guardUnsent(conn, 1_000, () => undefined);
    conn.writeBuffer = Array.from({ length: SOCKET_UNSENT_PACKETS_MAX }, () => ({}));
    send();
    expect(state.closed).toBe(0);
    conn.writeBuffer.push({});
    send();
    expect(state.closed).toBe(1);
  });
});
