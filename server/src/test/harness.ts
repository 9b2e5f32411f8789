import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { Ack } from '@werkraum/shared/errors';
import {
  PROTOCOL_VERSION,
  type ClientEventName,
  type ClientEvents,
  type PersonView,
  type ServerEvents,
  type WorkshopSnapshot,
} from '@werkraum/shared/protocol';
import type { Role } from '@werkraum/shared/roles';
import { createApp, type App } from '../app.js';
import type { LiveKitSettings } from '../config.js';
import type { RoomService } from '../domain/media.js';
import type { Cluster } from '../cluster/index.js';
import { openPostgresStore } from '../store/postgres/index.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { NO_RATE_LIMITS, type RateLimitSettings } from '../transport/rateLimit.js';
import { WAIT_TIMEOUT_MS, nextEvent, waitFor } from './waitFor.js';
import { TEST_DATABASE_URL, dropSchema } from './storeBackends.js';
import { createHash } from 'node:crypto';

export { nextEvent, waitFor } from './waitFor.js';

/** Reconnect grace used by the harness: short, so "left" arrives quickly in tests. */
export const TEST_GRACE_MS = 200;
/** Live poll counts in tests: short, but long enough that quick answers share one announcement. */
export const TEST_POLL_ANNOUNCE_MS = 30;
/** Announcements of changed people in tests (see TEST_POLL_ANNOUNCE_MS). */
export const TEST_PEOPLE_ANNOUNCE_MS = 30;
/** The voter key secret of test servers (the same across restarts, as the real server's file keeps it). */
export const TEST_VOTER_KEY_SECRET = Buffer.from('test voter key secret, not for production use', 'utf8');

/** A running app on 127.0.0.1 with a SQLite file in a temp dir. */
export interface TestServer {
  app: App;
  port: number;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  dataFile: string;
  store: Store;
  /** Everything the app logged (its `log` dependency); a healthy run logs nothing. */
  logs: { message: string; error?: unknown }[];
  /** Closes the app (idempotent). The data file stays until the harness cleans up. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Reuse this SQLite file (restart tests); a new temp file otherwise. */
  dataFile?: string;
  reconnectGraceMs?: number;
  /** Wraps the real store, e.g. to hold its answers back. */
  wrapStore?: (store: Store) => Store;
  /** The server clock (e.g. a TestClock's `now`); real time when absent. */
  now?: () => Date;
  /** createApp's `clientDir`: a built client to serve. */
  clientDir?: string;
  /** createApp's `randomSeed`: a fixed seed makes random room assignment predictable. */
  randomSeed?: () => number;
  /** createApp's `accessCheckMs`: how often access to open documents is checked against the clock. */
  accessCheckMs?: number;
  /** createApp's `collabSecret`, so tests can check and forge tokens. */
  collabSecret?: Buffer;
  /** createApp's `pollAnnounceMs`; short by default so that tests go through the throttle without waiting long. */
  pollAnnounceMs?: number;
  /** createApp's `peopleAnnounceMs`; short by default, like `pollAnnounceMs`. */
  peopleAnnounceMs?: number;
  /** createApp's `rateLimits`: off unless a test sets them (tests make many attempts from one address). */
  rateLimits?: RateLimitSettings;
  /** createApp's `trustProxy`. */
  trustProxy?: number;
  /** createApp's `createKey`. */
  createKey?: string;
  /** createApp's `templateKey`. */
  templateKey?: string;
  /** createApp's `renderTimeoutMs`. */
  renderTimeoutMs?: number;
  /** createApp's `socketUnsentBytesMax`. */
  socketUnsentBytesMax?: number;
  /** createApp's `liveKit` (e.g. a FakeLiveKit's settings); audio and video are off when absent. */
  liveKit?: LiveKitSettings;
  /** createApp's `liveKitRoomService`. */
  liveKitRoomService?: RoomService;
  /** createApp's `voterKeySecret`; TEST_VOTER_KEY_SECRET unless set. */
  voterKeySecret?: Buffer;
  /** Opens the store instead of the SQLite file (several processes on one PostgreSQL schema). */
  openStore?: () => Promise<Store>;
  /** createApp's `cluster` (several processes on one Redis). */
  cluster?: Cluster;
  /** createApp's `chromiumPath` (PDF exports). */
  chromiumPath?: string;
}

/**
 * TEST_STORE=postgres runs the harness's servers on PostgreSQL: each data file becomes a schema of
 * its own (the same file, the same schema, so restart tests keep their data).
 */
export const TEST_STORE: 'postgres' | 'sqlite' = process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
/** The PostgreSQL schema that stands for a data file under TEST_STORE=postgres. */
export const schemaOf = (dataFile: string) => `test_h${createHash('sha256').update(dataFile).digest('hex').slice(0, 24)}`;

/** What POST /api/workshops answered, plus the secrets taken from the links. */
export interface CreatedWorkshop {
  id: string;
  links: Record<Role, string>;
  keys: { moderator: string; coModerator: string };
  /** The part after '#' of each link. */
  secrets: Record<Role, string>;
  body: Record<string, unknown>;
}

/** The people a client sees: its join snapshot with every later upsert/removal applied. */
export type PeopleView = Map<string, PersonView>;

/** A socket.io client that records everything the server sends it. */
export interface TestClient {
  socket: Socket;
  /** Every server event received, in order. */
  received: { event: string; payload: unknown }[];
  /** The snapshot of the last successful join/resume on this client. */
  snapshot: WorkshopSnapshot | undefined;
  /** People as this client sees them (after join/resume). */
  people: PeopleView;
  /** Sends a protocol event and waits for its acknowledgement. */
  call<K extends ClientEventName>(event: K, payload: ClientEvents[K]['request']): Promise<Ack<ClientEvents[K]['response']>>;
  /** Sends anything (any event name, any arguments) and waits for an acknowledgement. */
  raw(event: string, ...args: unknown[]): Promise<Ack<unknown>>;
  /** Payloads of one server event received so far. */
  eventsOf<E extends keyof ServerEvents>(event: E): ServerEvents[E][];
  /** join + record the snapshot. */
  join(workshop: CreatedWorkshop, role: Role, displayName: string, listInDocumentation?: boolean): Promise<WorkshopSnapshot>;
  /** resume + record the snapshot. */
  resume(workshopId: string, personToken: string): Promise<WorkshopSnapshot>;
  close(): void;
}

/** Asserts an ok acknowledgement and returns its data. */
export function okData<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`Expected ok ack, got error ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

/** The part of a link after '#'. */
export function secretOf(link: string): string {
  const index = link.indexOf('#');
  if (index < 0) throw new Error(`No '#' in link ${link}`);
  return link.slice(index + 1);
}

/**
 * Starts servers and clients for a test file and tears all of them down in `cleanup()`
 * (call it in afterEach).
 */
export class Harness {
  private readonly servers: TestServer[] = [];
  private readonly clients: TestClient[] = [];
  private readonly dirs: string[] = [];

  /** A fresh path for a SQLite file in a new temp dir. */
  tempDataFile(): string {
    const dir = mkdtempSync(join(tmpdir(), 'werkraum-test-'));
    this.dirs.push(dir);
    return join(dir, 'test.sqlite');
  }

  /** Starts an app on port 0 with a short reconnect grace. */
  async start(options: StartOptions = {}): Promise<TestServer> {
    const dataFile = options.dataFile ?? this.tempDataFile();
    const real = options.openStore
      ? await options.openStore()
      : TEST_STORE === 'postgres'
        ? await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema: schemaOf(dataFile), maxConnections: 4 })
        : openSqliteStore(dataFile);
    const store = options.wrapStore ? options.wrapStore(real) : real;
    const logs: TestServer['logs'] = [];
    const app = createApp({
      store,
      reconnectGraceMs: options.reconnectGraceMs ?? TEST_GRACE_MS,
      log: (message, error) => logs.push({ message, error }),
      ...(options.now ? { now: options.now } : {}),
      ...(options.randomSeed ? { randomSeed: options.randomSeed } : {}),
      ...(options.clientDir ? { clientDir: options.clientDir } : {}),
      ...(options.accessCheckMs !== undefined ? { accessCheckMs: options.accessCheckMs } : {}),
      ...(options.collabSecret ? { collabSecret: options.collabSecret } : {}),
      rateLimits: options.rateLimits ?? NO_RATE_LIMITS,
      ...(options.cluster ? { cluster: options.cluster } : {}),
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
      ...(options.createKey !== undefined ? { createKey: options.createKey } : {}),
      ...(options.templateKey !== undefined ? { templateKey: options.templateKey } : {}),
      ...(options.renderTimeoutMs !== undefined ? { renderTimeoutMs: options.renderTimeoutMs } : {}),
      ...(options.socketUnsentBytesMax !== undefined ? { socketUnsentBytesMax: options.socketUnsentBytesMax } : {}),
      ...(options.liveKit ? { liveKit: options.liveKit } : {}),
      ...(options.liveKitRoomService ? { liveKitRoomService: options.liveKitRoomService } : {}),
      ...(options.chromiumPath !== undefined ? { chromiumPath: options.chromiumPath } : {}),
      pollAnnounceMs: options.pollAnnounceMs ?? TEST_POLL_ANNOUNCE_MS,
      voterKeySecret: options.voterKeySecret ?? TEST_VOTER_KEY_SECRET,
      peopleAnnounceMs: options.peopleAnnounceMs ?? TEST_PEOPLE_ANNOUNCE_MS,
    });
    const port = await app.listen(0, '127.0.0.1');
    let closing: Promise<void> | undefined;
    const server: TestServer = {
      app,
      port,
      baseUrl: `http://127.0.0.1:${port}`,
      dataFile,
      store,
      logs,
      close() {
        closing ??= app.close();
        return closing;
      },
    };
    this.servers.push(server);
    return server;
  }

  /** Creates a workshop over HTTP; throws unless the answer is 201. */
  async createWorkshop(server: TestServer, overrides: Record<string, unknown> = {}): Promise<CreatedWorkshop> {
    const response = await fetch(`${server.baseUrl}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validWorkshopBody(overrides)),
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== 201) throw new Error(`POST /api/workshops answered ${response.status}: ${JSON.stringify(body)}`);
    const links = body.links as Record<Role, string>;
    return {
      id: body.id as string,
      links,
      keys: body.keys as CreatedWorkshop['keys'],
      secrets: {
        moderator: secretOf(links.moderator),
        coModerator: secretOf(links.coModerator),
        participant: secretOf(links.participant),
      },
      body,
    };
  }

  /** Opens a socket (without joining) and waits until it is connected. */
  async connect(server: TestServer, auth: Record<string, unknown> = { protocolVersion: PROTOCOL_VERSION }): Promise<TestClient> {
    const client = this.socketClient(server, auth);
    if (!client.socket.connected) await nextEvent(client.socket, 'connect');
    return client;
  }

  /** A socket client that is connecting (not awaited), e.g. to watch for connect_error. */
  socketClient(server: TestServer, auth: Record<string, unknown> = { protocolVersion: PROTOCOL_VERSION }): TestClient {
    const socket = io(server.baseUrl, {
      auth,
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const client = makeClient(socket);
    this.clients.push(client);
    return client;
  }

  /** Connects and joins through the link of `role`. */
  async join(server: TestServer, workshop: CreatedWorkshop, role: Role, displayName: string, listInDocumentation = false) {
    const client = await this.connect(server);
    await client.join(workshop, role, displayName, listInDocumentation);
    return client;
  }

  /** Connects and resumes with a person token. */
  async resume(server: TestServer, workshopId: string, personToken: string) {
    const client = await this.connect(server);
    await client.resume(workshopId, personToken);
    return client;
  }

  /** Closes every client and server and removes the temp dirs. */
  async cleanup(): Promise<void> {
    for (const client of this.clients.splice(0)) client.close();
    const servers = this.servers.splice(0);
    await Promise.all(servers.map((server) => server.close()));
    if (TEST_STORE === 'postgres') {
      for (const file of new Set(servers.map((server) => server.dataFile))) await dropSchema(schemaOf(file));
    }
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** A valid body for POST /api/workshops. */
export function validWorkshopBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Retro Q3',
    startsAt: '2026-12-01T14:00:00+01:00',
    timeZone: 'Europe/Berlin',
    language: 'de',
    description: 'Looking back at the quarter.',
    moderatorNames: 'Mia',
    coModeratorNames: 'Cem',
    ...overrides,
  };
}

function makeClient(socket: Socket): TestClient {
  const received: TestClient['received'] = [];
  const client: TestClient = {
    socket,
    received,
    snapshot: undefined,
    people: new Map(),
    call(event, payload) {
      return socket.timeout(WAIT_TIMEOUT_MS).emitWithAck(event, payload) as Promise<never>;
    },
    raw(event, ...args) {
      return socket.timeout(WAIT_TIMEOUT_MS).emitWithAck(event, ...args) as Promise<Ack<unknown>>;
    },
    eventsOf(event) {
      return received.filter((entry) => entry.event === event).map((entry) => entry.payload) as never[];
    },
    async join(workshop, role, displayName, listInDocumentation = false) {
      const ack = await client.call('session:join', {
        workshopId: workshop.id,
        linkSecret: workshop.secrets[role],
        displayName,
        listInDocumentation,
      });
      return adopt(okData(ack));
    },
    async resume(workshopId, personToken) {
      return adopt(okData(await client.call('session:resume', { workshopId, personToken })));
    },
    close() {
      socket.disconnect();
    },
  };
  const adopt = (snapshot: WorkshopSnapshot) => {
    client.snapshot = snapshot;
    client.people = new Map(snapshot.people.map((person) => [person.id, person]));
    return snapshot;
  };
  socket.onAny((event: string, payload: unknown) => {
    received.push({ event, payload });
    if (!client.snapshot) return;
    if (event === 'people:upserted') {
      for (const person of (payload as { people: PersonView[] }).people) client.people.set(person.id, person);
    } else if (event === 'people:removed') {
      client.people.delete((payload as { personId: string }).personId);
    }
  });
  return client;
}

/** The people a client sees, sorted by id, for comparing views between clients. */
export function sortedPeople(people: PeopleView): PersonView[] {
  return [...people.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Waits until a client sees a person matching `predicate`. */
export function waitForPerson(client: TestClient, personId: string, predicate: (person: PersonView) => boolean, what: string) {
  return waitFor(() => {
    const person = client.people.get(personId);
    return person && predicate(person) ? person : undefined;
  }, what);
}
