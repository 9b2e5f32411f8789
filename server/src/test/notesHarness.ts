import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { CollabGrant } from '@werkraum/shared/protocol';
import { createApp } from '../app.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { Harness, TEST_GRACE_MS, type StartOptions, type TestServer } from './harness.js';

/** The collaboration key of apps started by {@link NotesHarness.startNotes}, so tests can check and forge tokens. */
export const TEST_COLLAB_SECRET = Buffer.alloc(32, 7);

/** Options of {@link NotesHarness.startNotes}: those of Harness.start plus the collaboration settings of createApp. */
export interface NotesStartOptions extends Pick<StartOptions, 'dataFile' | 'reconnectGraceMs' | 'now' | 'wrapStore'> {
  /** createApp's `randomSeed`: a fixed seed makes random room assignment predictable. */
  randomSeed?: () => number;
  /** createApp's `accessCheckMs`: how often access to open documents is checked against the clock. */
  accessCheckMs?: number;
  /** createApp's `collabSecret`; {@link TEST_COLLAB_SECRET} unless given. */
  collabSecret?: Buffer;
}

/** A stock y-websocket client connected to an app's own port, as the browser connects. */
export interface CollabClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close codes of every connection of this client that ended, in order (null event: closed locally, not listed). */
  closeCodes: number[];
  /** Set once the provider gave up because of a permanent close code (4400-4499). */
  closed: { code: number; reason: string } | undefined;
  /** Disconnects and destroys the provider and its document (idempotent). */
  destroy(): void;
}

/**
 * A Harness that starts apps with the collaboration settings (`accessCheckMs`, `collabSecret`,
 * `randomSeed`) and connects stock `y-websocket` providers to the app's port under `/collab`.
 * `cleanup()` destroys the providers, then closes the apps started here, then does the rest.
 */
export class NotesHarness extends Harness {
  private readonly notesServers: TestServer[] = [];
  private readonly collabClients: CollabClient[] = [];

  /** Starts an app on port 0 (real SQLite file in a temp dir). */
  async startNotes(options: NotesStartOptions = {}): Promise<TestServer> {
    const dataFile = options.dataFile ?? this.tempDataFile();
    const real: Store = openSqliteStore(dataFile);
    const store = options.wrapStore ? options.wrapStore(real) : real;
    const logs: TestServer['logs'] = [];
    const app = createApp({
      store,
      reconnectGraceMs: options.reconnectGraceMs ?? TEST_GRACE_MS,
      collabSecret: options.collabSecret ?? TEST_COLLAB_SECRET,
      log: (message, error) => logs.push({ message, error }),
      ...(options.randomSeed ? { randomSeed: options.randomSeed } : {}),
      ...(options.accessCheckMs !== undefined ? { accessCheckMs: options.accessCheckMs } : {}),
      ...(options.now ? { now: options.now } : {}),
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
    this.notesServers.push(server);
    return server;
  }

  /**
   * Connects a stock WebsocketProvider to `ws://127.0.0.1:<port>/collab/<docName>?token=<token>`.
   * `grant` is what 'notes:token' answered, or any document name and token (to test refusals).
   */
  collab(server: TestServer, grant: Pick<CollabGrant, 'docName' | 'token'>, doc = new Y.Doc()): CollabClient {
    const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}/collab`, grant.docName, doc, {
      // ws stands in for the browser's WebSocket; the provider only uses the standard interface.
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: grant.token },
      // In one Node process a BroadcastChannel would sync providers directly, around the server.
      disableBc: true,
      maxBackoffTime: 200,
    });
    let destroyed = false;
    const client: CollabClient = {
      doc,
      provider,
      closeCodes: [],
      closed: undefined,
      destroy() {
        if (destroyed) return;
        destroyed = true;
        provider.destroy();
        doc.destroy();
      },
    };
    provider.on('connection-close', (event: { code: number } | null) => {
      if (event) client.closeCodes.push(event.code);
    });
    provider.on('closed', (event: { code: number; reason: string }) => {
      client.closed = event;
    });
    this.collabClients.push(client);
    return client;
  }

  override async cleanup(): Promise<void> {
    for (const client of this.collabClients.splice(0)) client.destroy();
    await Promise.all(this.notesServers.splice(0).map((server) => server.close()));
    await super.cleanup();
  }
}
