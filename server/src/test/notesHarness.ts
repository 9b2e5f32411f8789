import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { CollabGrant } from '@werkraum/shared/protocol';
import { Harness, type StartOptions, type TestServer } from './harness.js';

/** The collaboration key of apps started by {@link NotesHarness.startNotes}, so tests can check and forge tokens. */
export const TEST_COLLAB_SECRET = Buffer.alloc(32, 7);

/** Options of {@link NotesHarness.startNotes}: those of Harness.start plus the collaboration settings of createApp. */
export type NotesStartOptions = StartOptions;

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
 * `cleanup()` destroys the providers, then closes the apps and does the rest.
 */
export class NotesHarness extends Harness {
  private readonly collabClients: CollabClient[] = [];

  /** Starts an app on port 0 (real SQLite file in a temp dir) with the test collaboration key. */
  startNotes(options: NotesStartOptions = {}): Promise<TestServer> {
    return this.start({ collabSecret: TEST_COLLAB_SECRET, ...options });
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
    await super.cleanup();
  }
}
