import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { LIMITS, RECONNECT_GRACE_MS } from '@werkraum/shared/limits';
import { BoardRasterizer } from './board/rasterizer.js';
import { singleProcess, type Cluster } from './cluster/index.js';
import { ClusterPeople } from './cluster/people.js';
import { CollabServer } from './collab/server.js';
import { AgendaDomain } from './domain/agenda.js';
import { BoardDomain } from './domain/board.js';
import { BreakoutDomain } from './domain/breakouts.js';
import { DocumentationDomain } from './domain/documentation.js';
import { DocumentationExporter, ThreadedPdfPrinter } from './export/service.js';
import { documentationFindings } from './export/findings.js';
import type { DocumentationFindings } from './export/model.js';
import { NotesDomain } from './domain/notes.js';
import { MediaDomain, type IssuedMediaToken, type RoomService } from './domain/media.js';
import type { LiveKitSettings } from './config.js';
import { checkDocumentWrite, documentRoots } from './collab/validate.js';
import { PeopleDomain } from './domain/people.js';
import { PollDomain } from './domain/polls.js';
import { FindingsDomain } from './domain/findings.js';
import { SpeakingDomain } from './domain/speaking.js';
import { readBoard } from '@werkraum/shared/board';
import { roomDocName } from '@werkraum/shared/rooms';
import type { Scheduler } from './domain/presence.js';
import type { Store } from './store/types.js';
import { SeriesDomain } from './domain/series.js';
import { createHttpApp } from './transport/http.js';
import { DEFAULT_RATE_LIMITS, rateLimiters, type RateLimitSettings } from './transport/rateLimit.js';
import { SOCKET_UNSENT_BYTES_MAX, attachSocketTransport, socketNotifier, type AppServer } from './transport/socket.js';

/** socket.io heartbeat: a ping every 15 s, a connection without an answer for 10 s more is closed. */
export const SOCKET_PING_INTERVAL_MS = 15_000;
/** See {@link SOCKET_PING_INTERVAL_MS}. */
export const SOCKET_PING_TIMEOUT_MS = 10_000;

/** What the app is built from; tests pass their own store, clock and grace period. */
export interface AppDeps {
  store: Store;
  /** The server clock (wall time); tests may shift it. */
  now?: () => Date;
  publicUrl?: string;
  clientDir?: string;
  reconnectGraceMs?: number;
  scheduler?: Scheduler;
  /** Key for collaboration tokens; a random one per process by default. */
  collabSecret?: Buffer;
  /** How often access to collaboration documents is checked against the clock (ms). */
  accessCheckMs?: number;
  /** At most one announcement of changed people per workshop in this many ms (PeopleDomain's default when absent). */
  peopleAnnounceMs?: number;
  /** At most one live poll count per poll in this many ms (PollDomain's default when absent). */
  pollAnnounceMs?: number;
  /** Seeds for random room assignment; tests pass a fixed one. */
  randomSeed?: () => number;
  log?: (message: string, error?: unknown) => void;
  /** When set, creating a workshop requires this key (the CREATE_KEY setting). */
  createKey?: string;
  /** When set, the template library takes templates from holders of this key (the TEMPLATE_KEY setting). */
  templateKey?: string;
  /** Per-address limits; the defaults of a public server when absent (tests pass their own). */
  rateLimits?: RateLimitSettings;
  /** Proxies in front of the server that append to X-Forwarded-For (TRUST_PROXY); 0 when absent. */
  trustProxy?: number;
  /** Time limit of one board PNG render (ms). */
  renderTimeoutMs?: number;
  /**
   * Key of the keyed hash behind anonymous poll voter keys; keep it outside the database and the same
   * across restarts (index.ts loads it from VOTER_KEY_SECRET or the data directory). A random one per
   * process when absent.
   */
  voterKeySecret?: Buffer;
  /** Unsent bytes a socket.io connection may pile up before it is closed; default 4 MiB. */
  socketUnsentBytesMax?: number;
  /** The LiveKit server for audio and video; off when absent. */
  liveKit?: LiveKitSettings | null;
  /** LiveKit's RoomService; LiveKit's own client on `liveKit.url` when absent. */
  liveKitRoomService?: RoomService;
  /** The other processes of the installation (Redis); one process when absent. Closed with the app. */
  cluster?: Cluster;
  /** The closing round's findings for the documentation, when that capability is there. */
  findingsProvider?: (workshopId: string) => Promise<DocumentationFindings | null>;
  /** Chromium for PDF exports; default WERKRAUM_CHROMIUM or /usr/bin/chromium. */
  chromiumPath?: string;
  /** DOCX, PDF and ZIP exports at once; default 2. */
  heavyExportsMax?: number;
}

/** The assembled server, not yet listening. */
export interface App {
  http: HttpServer;
  io: AppServer;
  /** Starts listening; port 0 picks a free port. Resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  /** The collaboration server (notes, boards) on the same port. */
  collab: CollabServer;
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
  const cluster = deps.cluster ?? singleProcess();
  const sharedPeople = cluster.bus.shared ? new ClusterPeople(cluster.bus, (key, ms) => cluster.claim(key, ms), log) : undefined;
  // Domains that react to each other are wired through late-bound hooks.
  let breakouts: BreakoutDomain | undefined;
  let accessChanged: (workshopId: string) => Promise<unknown> = async () => undefined;
  const people = new PeopleDomain({
    store: deps.store,
    notifier,
    now,
    reconnectGraceMs: deps.reconnectGraceMs ?? RECONNECT_GRACE_MS,
    ...(deps.scheduler ? { scheduler: deps.scheduler } : {}),
    ...(deps.peopleAnnounceMs !== undefined ? { announceIntervalMs: deps.peopleAnnounceMs } : {}),
    onError: (error) => log('presence update failed', error),
    onJoined: (person) => breakouts!.onJoined(person),
    onAccessChanged: (workshopId) => accessChanged(workshopId),
    ...(sharedPeople ? { shared: sharedPeople } : {}),
  });
  sharedPeople?.attach(people);

  const clock = () => now().getTime();
  const agenda = new AgendaDomain({
    store: deps.store,
    notifier,
    people,
    clock,
    onRunChanged: (workshopId, before, after) => breakouts!.onRunChanged(workshopId, before, after),
  });
  breakouts = new BreakoutDomain({
    store: deps.store,
    notifier,
    people,
    clock,
    onChanged: (workshopId) => accessChanged(workshopId),
    ...(deps.randomSeed ? { randomSeed: deps.randomSeed } : {}),
  });

  const polls = new PollDomain({
    store: deps.store,
    notifier,
    people,
    clock,
    voterKeySecret: deps.voterKeySecret ?? randomBytes(32),
    ...(deps.pollAnnounceMs !== undefined ? { announceIntervalMs: deps.pollAnnounceMs } : {}),
    ...(deps.scheduler ? { scheduler: deps.scheduler } : {}),
    onError: (error) => log('poll announcement failed', error),
    onAnswersChanged: (pollId) => cluster.bus.publish('poll:answers', pollId),
  });
  cluster.bus.on('poll:answers', (pollId) => polls.forgetAnswers(pollId as string));
  // Tokens for the collaboration socket are signed with a key that lives only in this process: they
  // are short-lived and fetched again after a restart.
  const collabSecret = deps.collabSecret ?? randomBytes(32);
  let notes: NotesDomain | undefined;
  const collab = new CollabServer({
    store: deps.store.collab,
    secret: collabSecret,
    now: clock,
    // A token fetched before a move, a removal or the end of a round does not open the room afterwards.
    authorize: (claims) => notes!.allows(claims),
    allowedRoots: documentRoots,
    // Who writes (name, role, private writing) and what the documents may hold, checked at write time.
    connectionPolicy: (claims) => notes!.policy(claims),
    validate: checkDocumentWrite,
    log: (message, error) => log(`collab: ${message}`, error),
    ...(cluster.collabRelay ? { relay: cluster.collabRelay } : {}),
    ...(cluster.claimToken ? { claimToken: cluster.claimToken } : {}),
  });
  notes = new NotesDomain({ store: deps.store, people, collab, secret: collabSecret, clock });
  // PNGs are drawn in a worker thread of this app, with a time limit and a cache per board version.
  const rasterizer = new BoardRasterizer(deps.renderTimeoutMs !== undefined ? { timeoutMs: deps.renderTimeoutMs } : {});
  const board = new BoardDomain({ store: deps.store, notifier, people, notes, collab, clock, rasterizer });
  const series = new SeriesDomain({
    store: deps.store,
    notifier,
    people,
    polls,
    renderNotes: (workshopId, roomId) => notes.render(workshopId, roomId, 'markdown'),
    renderBoardOutline: async (workshopId, roomId) => String(await board.render(workshopId, roomId, 'outline')),
    clock,
    onAdvanced: (workshopId) => accessChanged(workshopId).then(() => undefined),
  });
  const findings = new FindingsDomain({
    store: deps.store,
    notifier,
    people,
    clock,
    roomOf: (workshopId, personId) => breakouts!.roomOf(workshopId, personId),
    readBoard: async (workshopId, roomId) => {
      const doc = await collab.snapshot(roomDocName('board', workshopId, roomId));
      try {
        return readBoard(doc);
      } finally {
        doc.destroy();
      }
    },
    notesHtml: (workshopId, roomId) => notes!.render(workshopId, roomId, 'html'),
    boardSvg: async (workshopId, roomId) => String(await board.render(workshopId, roomId, 'svg')),
  });
  const speaking = new SpeakingDomain({ store: deps.store, notifier, people, clock });
  // The documentation draws every board of a workshop: its own rasterizer, with room in its cache for
  // all boards of a large workshop, so a preview that is fetched again does not draw them again and
  // the boards' live previews keep their cache.
  const exportRasterizer = new BoardRasterizer({ cacheEntries: 64, ...(deps.renderTimeoutMs !== undefined ? { timeoutMs: deps.renderTimeoutMs } : {}) });
  const documentation = new DocumentationDomain({ store: deps.store, people, notifier, secret: collabSecret, clock, now });
  const exporter = new DocumentationExporter(
    {
      store: deps.store,
      collab,
      rasterizer: exportRasterizer,
      boardVotes: (workshopId, roomId) => board.votes(workshopId, roomId),
      findingsProvider: deps.findingsProvider ?? ((workshopId) => documentationFindings(deps.store, workshopId)),
      log,
    },
    {
      printer: new ThreadedPdfPrinter(deps.chromiumPath !== undefined ? { executablePath: deps.chromiumPath } : {}),
      ...(deps.heavyExportsMax !== undefined ? { maxHeavy: deps.heavyExportsMax } : {}),
    },
  );
  // With Redis the buckets are shared, so N processes do not allow N times the limit.
  const limits = rateLimiters(deps.rateLimits ?? DEFAULT_RATE_LIMITS, deps.trustProxy ?? 0, clock, cluster.rateLimiter);
  const media = new MediaDomain({
    store: deps.store,
    people,
    notifier,
    clock,
    settings: deps.liveKit ?? null,
    ...(deps.liveKitRoomService ? { roomService: deps.liveKitRoomService } : {}),
    log,
    // With Redis, who is in a call is known on every process (a webhook reaches only one).
    ...(cluster.calls ? { calls: cluster.calls } : {}),
    ...(cluster.bus.shared
      ? { shared: { issued: (entry: IssuedMediaToken) => cluster.bus.publish('media:issued', entry), claim: (key: string, ms: number) => cluster.claim(key, ms) } }
      : {}),
  });
  cluster.bus.on('media:issued', (entry) => media.rememberIssued(entry as IssuedMediaToken));
  accessChanged = (workshopId) => {
    // Taking people out of calls they left waits on LiveKit; the change itself does not.
    media.revalidate(workshopId).catch((error: unknown) => log('media access check failed', error));
    return notes.revalidate(workshopId);
  };
  // Access that ends with time (a round's grace period running out) is checked every few seconds.
  const revalidation = setInterval(() => {
    notes.revalidateAll().catch((error: unknown) => log('collab access check failed', error));
    media.revalidateAll().catch((error: unknown) => log('media access check failed', error));
  }, deps.accessCheckMs ?? 2_000);
  revalidation.unref();

  const expressApp = createHttpApp({
    liveKitWebhook: (body, authorization) => media.webhook(body, authorization),
    store: deps.store,
    people,
    agenda,
    polls,
    notes,
    board,
    series,
    findings,
    speaking,
    documentation,
    exporter,
    now,
    log,
    limits,
    reachability: async () => ({
      store: await Promise.race([
        deps.store.getWorkshop('health-check').then(() => true, () => false),
        new Promise<boolean>((resolve) => setTimeout(resolve, 2_000, false).unref()),
      ]),
      redis: cluster.bus.shared ? await cluster.reachable() : null,
    }),
    ...(deps.createKey ? { createKey: deps.createKey } : {}),
    ...(deps.templateKey ? { templateKey: deps.templateKey } : {}),
    ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
    ...(deps.clientDir ? { clientDir: deps.clientDir } : {}),
  });
  const http = createServer(expressApp);
  io = new Server(http, {
    maxHttpBufferSize: LIMITS.socketMessageBytes,
    pingInterval: SOCKET_PING_INTERVAL_MS,
    pingTimeout: SOCKET_PING_TIMEOUT_MS,
    serveClient: false,
    // Upgrades that are not socket.io's are handled below (collaboration) or refused there.
    destroyUpgrade: false,
    // Cross-origin browsers are not invited: the client is served from the same origin.
    cors: { origin: false },
    // Several processes: room broadcasts reach the sockets of every process (Redis).
    ...(cluster.adapter ? { adapter: cluster.adapter } : {}),
  }) as AppServer;
  attachSocketTransport(io, {
    store: deps.store,
    people,
    agenda,
    breakouts,
    polls,
    notes,
    media,
    board,
    series,
    findings,
    speaking,
    documentation,
    clock,
    log,
    limits,
    unsentBytesMax: deps.socketUnsentBytesMax ?? SOCKET_UNSENT_BYTES_MAX,
  });
  // One port for everything: socket.io takes /socket.io/, the collaboration server /collab/, any other upgrade is refused.
  http.on('upgrade', (request, socket, head) => {
    if (collab.handleUpgrade(request, socket, head)) return;
    if (!(request.url ?? '').startsWith('/socket.io/')) socket.destroy();
  });

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
    collab,
    async close() {
      clearInterval(revalidation);
      people.dispose();
      polls.dispose();
      sharedPeople?.dispose();
      await collab.close();
      await rasterizer.close();
      await exporter.close();
      await exportRasterizer.close();
      await new Promise<void>((resolve) => io!.close(() => resolve()));
      await deps.store.close();
      await cluster.close();
    },
  };
}
