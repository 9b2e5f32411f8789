import { createServer, type Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { LIMITS, RECONNECT_GRACE_MS } from '@werkraum/shared/limits';
import { AgendaDomain } from './domain/agenda.js';
import { BreakoutDomain } from './domain/breakouts.js';
import { PeopleDomain } from './domain/people.js';
import { PollDomain } from './domain/polls.js';
import type { Scheduler } from './domain/presence.js';
import type { Store } from './store/types.js';
import { createHttpApp } from './transport/http.js';
import { attachSocketTransport, socketNotifier, type AppServer } from './transport/socket.js';

/** What the app is built from; tests pass their own store, clock and grace period. */
export interface AppDeps {
  store: Store;
  /** The server clock (wall time); tests may shift it. */
  now?: () => Date;
  publicUrl?: string;
  clientDir?: string;
  reconnectGraceMs?: number;
  scheduler?: Scheduler;
  /** Seeds for random room assignment; tests pass a fixed one. */
  randomSeed?: () => number;
  log?: (message: string, error?: unknown) => void;
}

/** The assembled server, not yet listening. */
export interface App {
  http: HttpServer;
  io: AppServer;
  /** Starts listening; port 0 picks a free port. Resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  /** Closes connections, timers and the store. */
  close(): Promise<void>;
}

/** Builds the whole server (HTTP API, static client, socket.io) without listening. */
export function createApp(deps: AppDeps): App {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  let io: AppServer | undefined;
  const notifier = socketNotifier(() => {
    if (!io) throw new Error('socket server not ready');
    return io;
  });
  // Domains that react to each other are wired through late-bound hooks.
  let breakouts: BreakoutDomain | undefined;
  const people = new PeopleDomain({
    store: deps.store,
    notifier,
    now,
    reconnectGraceMs: deps.reconnectGraceMs ?? RECONNECT_GRACE_MS,
    ...(deps.scheduler ? { scheduler: deps.scheduler } : {}),
    onError: (error) => log('presence update failed', error),
    onJoined: (person) => breakouts!.onJoined(person),
  });

  const clock = () => now().getTime();
  const agenda = new AgendaDomain({
    store: deps.store,
    notifier,
    people,
    clock,
    onRunChanged: (workshopId, before, after) => breakouts!.onRunChanged(workshopId, before, after),
  });
  breakouts = new BreakoutDomain({ store: deps.store, notifier, people, clock, ...(deps.randomSeed ? { randomSeed: deps.randomSeed } : {}) });

  const polls = new PollDomain({ store: deps.store, notifier, people, clock });

  const expressApp = createHttpApp({
    store: deps.store,
    people,
    agenda,
    polls,
    now,
    log,
    ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
    ...(deps.clientDir ? { clientDir: deps.clientDir } : {}),
  });
  const http = createServer(expressApp);
  io = new Server(http, {
    maxHttpBufferSize: LIMITS.socketMessageBytes,
    serveClient: false,
    // Cross-origin browsers are not invited: the client is served from the same origin.
    cors: { origin: false },
  }) as AppServer;
  attachSocketTransport(io, { store: deps.store, people, agenda, breakouts, polls, clock, log });

  return {
    http,
    io,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          const address = http.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    async close() {
      people.dispose();
      await new Promise<void>((resolve) => io!.close(() => resolve()));
      await deps.store.close();
    },
  };
}
