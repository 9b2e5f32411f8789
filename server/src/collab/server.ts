import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { COLLAB_CLOSE, COLLAB_MAX_MESSAGE_BYTES, COLLAB_PATH_PREFIX, COLLAB_RATE_LIMITS } from '@werkraum/shared/closeCodes';
import { renderNotesHtml, renderNotesMarkdown, DEFAULT_NOTES_FIELD } from './render.js';
import type { CollabStore } from './store.js';
import { verifyCollabToken, type CollabClaims } from './tokens.js';
import type { ConnectionPolicy, WriteCheck } from './validate.js';

/** Top-level message types of the y-websocket protocol (as the stock client numbers them). */
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
const MESSAGE_QUERY_AWARENESS = 3;

/**
 * Cap for ws itself: ws refuses a longer message as soon as its frame header announces the length,
 * without buffering it, and closes with 1009; the server turns that close into its own 4413 (see
 * `accept`), so every oversize message, whatever its size, ends with 4413 and the stock client
 * stops resending it.
 */
const WS_MAX_PAYLOAD = COLLAB_MAX_MESSAGE_BYTES;
/** How long a slow reader closed with 4508 may take for the close handshake before its socket is cut. */
const SLOW_READER_GRACE_MS = 10_000;
/** Longest presence (awareness) state of one client, as JSON, characters. */
const MAX_AWARENESS_STATE_CHARS = 16 * 1024;
/** How long a used token id is remembered after the token's expiry (clock skew between tests and servers). */
const USED_TOKEN_SLACK_MS = 5_000;
/** A client normally speaks for exactly one awareness client id (its Y.Doc); a few more are tolerated. */
const MAX_AWARENESS_CLIENTS_PER_CONNECTION = 8;
/** Allowed document names: they travel unencoded in the client's URL (`serverUrl + '/' + name`); ids are base64url. */
const DOC_NAME = /^[A-Za-z0-9][A-Za-z0-9._:~_-]{0,199}$/u;
/** How long `close()` waits for clients to answer the close handshake before cutting them off. */
const SHUTDOWN_GRACE_MS = 1_000;

/** True for a valid collaboration document name (what may follow `/collab/`). */
export function isValidCollabDocName(name: string): boolean {
  return DOC_NAME.test(name);
}

/** True when an HTTP upgrade request is for the collaboration socket (the caller routes it to `handleUpgrade`). */
export function isCollabRequest(request: IncomingMessage): boolean {
  return (request.url ?? '').startsWith(COLLAB_PATH_PREFIX);
}

/** Options of `CollabServer`. */
export interface CollabServerOptions {
  /** Where documents live; every editor update is appended here before anyone else sees it. */
  store: CollabStore;
  /** HMAC secret of the access tokens (see tokens.ts); at least 16 bytes. */
  secret: Buffer;
  /** Wall clock in ms, for token expiry; tests pass their own. */
  now?: () => number;
  /** Unload a document this long after its last connection left (default 30 s). */
  idleUnloadMs?: number;
  /** Compact a document's stored updates into one after this many appended updates (default 500). */
  compactAfterUpdates?: number;
  /** Presence changes of a document are collected and sent as one message this often (default 100 ms). */
  awarenessFlushMs?: number;
  /** Ping every connection this often; one that has not answered the previous ping is dropped (default 30 s). */
  pingIntervalMs?: number;
  /**
   * Extra check at connect time, after the token is verified: may this person still open this
   * document? Closes with `accessRevoked` when it answers false. Tokens live a minute; this closes
   * the gap between a removal and the token's expiry.
   */
  authorize?: (claims: CollabClaims) => boolean | Promise<boolean>;
  /**
   * What may stand at the top level of a document, by its name: root name -> the Yjs types
   * allowed directly in it. Updates that put anything else there are refused (4400).
   */
  allowedRoots?: (docName: string) => RootRules;
  /**
   * What the server knows about the person behind a connection (display name, role, the room's
   * private writing), asked when the connection opens and again on `refreshPolicies`.
   */
  connectionPolicy?: (claims: CollabClaims) => ConnectionPolicy | Promise<ConnectionPolicy>;
  /**
   * Checks a write on a scratch copy of the document with the update applied: a reason refuses it
   * (closed with 4400, not stored, not relayed), null accepts it.
   */
  validate?: (check: WriteCheck) => string | null;
  /** The budget of every connection (defaults: COLLAB_RATE_LIMITS); tests lower or raise it. */
  limits?: Partial<CollabLimits>;
  /** Where problems are reported (the app's logger); defaults to console.error. */
  log?: (message: string, error?: unknown) => void;
  /**
   * The other server processes holding documents (several processes behind a load balancer): every
   * stored update and every presence change goes to them, theirs come in. Absent for one process.
   */
  relay?: CollabRelay;
  /**
   * With several processes: claims a token id for all of them (a token opens one connection in the
   * whole installation, not one per process); false refuses the connection as a reused token.
   */
  claimToken?: (tokenId: string, expiresAt: number) => Promise<boolean>;
  /** With a relay: how long a gap in the received sequence numbers may stay before the document is re-read from the store (default 1 s). */
  catchUpMs?: number;
}

/**
 * Carries a document's updates and presence between the processes that hold it (see
 * cluster/collabRelay.ts for the Redis implementation). Delivery may be lost or late: every update
 * carries its sequence number from the store, and a process that sees a gap re-reads the store.
 */
export interface CollabRelay {
  publishUpdate(doc: string, seq: number, update: Uint8Array): void;
  publishAwareness(doc: string, update: Uint8Array): void;
  /** Called once by the server with its handlers for what other processes publish. */
  connect(handlers: { update(doc: string, seq: number, update: Uint8Array): void; awareness(doc: string, update: Uint8Array): void }): void;
}

/** Origin of changes that came from another process (not relayed back to the bus). */
const REMOTE = Symbol('remote process');

/** The budget of one connection, see COLLAB_RATE_LIMITS. */
export type CollabLimits = { -readonly [K in keyof typeof COLLAB_RATE_LIMITS]: number };

/** A token bucket: `take` answers false once more was taken than the rate refills (plus the burst). */
class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(amount: number): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    this.tokens -= amount;
    return this.tokens >= 0;
  }
}

/** Counters for monitoring and tests. */
export interface CollabStats {
  /** Documents held in memory. */
  documents: number;
  /** Open, accepted connections. */
  connections: number;
}

/** One accepted WebSocket, its claims and what it controls. */
class Connection {
  /** Awareness client ids this connection introduced; removed when it closes. */
  readonly awarenessClients = new Set<number>();
  /** Messages of one connection are handled strictly in order, each after the previous one's store write. */
  queue: Promise<void> = Promise.resolve();
  /** Messages received and not yet fully handled. */
  pending = 0;
  /** False once the server refused this connection: its queued messages are then dropped. */
  acceptingInput = true;
  detached = false;
  alive = true;
  doc: LoadedDoc | undefined;
  /** Who is behind the connection (null without a `connectionPolicy` option). */
  policy: ConnectionPolicy | null = null;
  readonly messages: TokenBucket;
  readonly bytes: TokenBucket;

  constructor(
    readonly ws: WebSocket,
    readonly claims: CollabClaims,
    limits: CollabLimits,
  ) {
    this.messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
    this.bytes = new TokenBucket(limits.bytesPerSecond, limits.byteBurst);
  }
}

/** A document held in memory with its connections and presence. */
interface LoadedDoc {
  name: string;
  ydoc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  conns: Set<Connection>;
  /** Highest sequence number known to be stored for this document. */
  lastSeq: number;
  /** Appends started whose update is not yet applied: compaction and unloading wait until this is 0. */
  inflight: number;
  /** Rows in the store for this document, as far as this process knows (decides whether compaction pays). */
  storedRows: number;
  updatesSinceCompaction: number;
  compactionQueued: boolean;
  /** Awareness client ids changed since the last flush. */
  pendingAwareness: Set<number>;
  awarenessTimer: NodeJS.Timeout | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  /** Stored and applied updates not yet relayed, with their senders (see `relay`). */
  relayQueue: { update: Uint8Array; from: Connection }[];
  relayScheduled: boolean;
  /**
   * A scratch copy of the document, equal to `ydoc` between writes: each incoming update is applied
   * here first and checked; only an accepted one is stored and applied to `ydoc`.
   */
  shadow: Y.Doc;
  /** Writes of one document run one at a time (check, store, apply), so `ydoc` is the state before each. */
  writeLock: Promise<void>;
  /**
   * With a relay: every stored update up to this sequence number is in `ydoc` (the limit of a safe
   * compaction, as other processes append too); numbers seen above it wait in `aheadSeqs`.
   */
  contiguousSeq: number;
  aheadSeqs: Set<number>;
  catchUpTimer: NodeJS.Timeout | undefined;
}

/** Root name -> the Yjs type constructors that may stand directly in that root, or 'any' content. */
export type RootRules = Record<string, 'any' | readonly (abstract new (...args: never[]) => unknown)[]>;

/**
 * Whether every top-level item of an update sits in an allowed root with an allowed type (for
 * example only XML elements and text in a notes document's `default` fragment). Deletions and
 * nested content are not checked here.
 */
function rootsAllowed(structs: ReturnType<typeof Y.decodeUpdate>['structs'], rules: RootRules): boolean {
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || typeof struct.parent !== 'string') continue;
    const allowed = rules[struct.parent];
    if (!allowed) return false;
    // Deleted content carries no type any more; deleting is always allowed.
    if (allowed === 'any' || struct.content instanceof Y.ContentDeleted) continue;
    const content = struct.content as { type?: unknown };
    if (!(content instanceof Y.ContentType) || !allowed.some((type) => content.type instanceof type)) return false;
  }
  return true;
}

/** A refusal: the message is malformed, of an unknown type, or otherwise not acceptable. */
class BadMessage extends Error {}

/** A refusal with its own close code (budget exceeded). */
class Refusal extends BadMessage {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/**
 * Yjs collaboration server speaking the y-websocket protocol (sync steps 1/2, updates, awareness,
 * awareness query), so the stock `y-websocket` `WebsocketProvider` connects to `/collab/<doc>?token=…`.
 *
 * Durability: an editor's update is appended to the store before it is applied to the in-memory
 * document or relayed, so nothing another client has received can be lost by a crash. The store
 * is compacted in the background.
 *
 * Presence: awareness changes are batched per document and flushed every `awarenessFlushMs` as one
 * combined message to every connection. The stock server sends each change to every client at
 * once, which is N² messages when N clients move their cursors; batching makes it at most N
 * messages per flush interval, each carrying all changes of that interval, and a client that moved
 * ten times in an interval is sent once, with its latest state. Trade-offs: cursors and names
 * arrive up to `awarenessFlushMs` later; the bytes are still proportional to (changes × clients),
 * only the message count, the per-message overhead and the encoding work (once per flush, not once
 * per receiver) shrink; intermediate cursor positions are skipped.
 *
 * Integration (app.ts): `http.on('upgrade', (req, socket, head) => { if (!collab.handleUpgrade(req, socket, head)) ... })`
 * — a false return means the path is not `/collab/…`; leave such sockets to socket.io.
 */
export class CollabServer {
  private readonly store: CollabStore;
  private readonly secret: Buffer;
  private readonly now: () => number;
  private readonly idleUnloadMs: number;
  private readonly compactAfterUpdates: number;
  private readonly awarenessFlushMs: number;
  private readonly authorize: ((claims: CollabClaims) => boolean | Promise<boolean>) | undefined;
  private readonly allowedRoots: ((docName: string) => RootRules) | undefined;
  private readonly connectionPolicy: ((claims: CollabClaims) => ConnectionPolicy | Promise<ConnectionPolicy>) | undefined;
  private readonly validate: ((check: WriteCheck) => string | null) | undefined;
  private readonly limits: CollabLimits;
  /** Ids of tokens that opened a connection, with their expiry: a token opens one connection only. */
  private readonly usedTokens = new Map<string, number>();
  private readonly log: (message: string, error?: unknown) => void;
  private readonly wss: WebSocketServer;
  private readonly docs = new Map<string, LoadedDoc>();
  private readonly loading = new Map<string, Promise<LoadedDoc>>();
  private readonly connections = new Set<Connection>();
  /** Compactions run one after another per document, so an older snapshot never lands after a newer one. */
  private readonly compactionChains = new Map<string, Promise<void>>();
  /** Background work (compactions, unloads) that `flush()` and `close()` wait for. */
  private readonly background = new Set<Promise<unknown>>();
  /** The tail of every connection's message queue that has not settled yet. */
  private readonly inputQueues = new Set<Promise<void>>();
  /**
   * Connections that closed by themselves with messages still queued. Their edits are still stored,
   * applied and relayed, so their document stays loaded until they are done.
   */
  private readonly draining = new Set<Connection>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly peers: CollabRelay | undefined;
  private readonly claimToken: ((tokenId: string, expiresAt: number) => Promise<boolean>) | undefined;
  private readonly catchUpMs: number;
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(options: CollabServerOptions) {
    this.store = options.store;
    this.secret = options.secret;
    this.now = options.now ?? Date.now;
    this.idleUnloadMs = options.idleUnloadMs ?? 30_000;
    this.compactAfterUpdates = Math.max(1, options.compactAfterUpdates ?? 500);
    this.awarenessFlushMs = options.awarenessFlushMs ?? 100;
    this.authorize = options.authorize;
    this.allowedRoots = options.allowedRoots;
    this.connectionPolicy = options.connectionPolicy;
    this.validate = options.validate;
    this.limits = { ...COLLAB_RATE_LIMITS, ...options.limits };
    this.log = options.log ?? ((message, error) => console.error(message, error ?? ''));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD, perMessageDeflate: false });
    this.pingTimer = setInterval(() => this.pingAll(), options.pingIntervalMs ?? 30_000);
    this.pingTimer.unref();
    this.peers = options.relay;
    this.claimToken = options.claimToken;
    this.catchUpMs = options.catchUpMs ?? 1_000;
    this.peers?.connect({
      update: (name, seq, update) => this.remoteUpdate(name, seq, update),
      awareness: (name, update) => this.remoteAwareness(name, update),
    });
  }

  /** An update another process stored: applied (and sent to this process's editors) if the document is held here. */
  private remoteUpdate(name: string, seq: number, update: Uint8Array): void {
    const doc = this.docs.get(name);
    const loading = doc ? Promise.resolve(doc) : this.loading.get(name);
    if (!loading) return;
    this.track(
      loading.then((loaded) =>
        this.exclusive(loaded, async () => {
          if (this.docs.get(name) !== loaded || seq <= loaded.contiguousSeq || loaded.aheadSeqs.has(seq)) return;
          this.applyRemote(loaded, update);
          loaded.storedRows++;
          this.noteSeq(loaded, seq);
        }),
      ),
    );
  }

  /** Applies another process's update to the document and its scratch copy, and sends it to the editors here. */
  private applyRemote(doc: LoadedDoc, update: Uint8Array): void {
    Y.applyUpdate(doc.ydoc, update, REMOTE);
    Y.applyUpdate(doc.shadow, update, REMOTE);
    const message = syncUpdateMessage(update);
    for (const conn of doc.conns) this.send(conn, message);
  }

  private remoteAwareness(name: string, update: Uint8Array): void {
    const doc = this.docs.get(name);
    if (!doc) return;
    try {
      awarenessProtocol.applyAwarenessUpdate(doc.awareness, update, REMOTE);
    } catch (error) {
      this.log(`collab: presence from another process for ${name} could not be applied`, error);
    }
  }

  /** Records a stored sequence number as applied; a gap that stays is filled from the store. */
  private noteSeq(doc: LoadedDoc, seq: number): void {
    doc.lastSeq = Math.max(doc.lastSeq, seq);
    if (!this.peers) {
      doc.contiguousSeq = doc.lastSeq;
      return;
    }
    if (seq <= doc.contiguousSeq) return;
    doc.aheadSeqs.add(seq);
    while (doc.aheadSeqs.delete(doc.contiguousSeq + 1)) doc.contiguousSeq++;
    if (doc.aheadSeqs.size > 0 && !doc.catchUpTimer) {
      doc.catchUpTimer = setTimeout(() => {
        doc.catchUpTimer = undefined;
        if (doc.aheadSeqs.size > 0 && this.docs.get(doc.name) === doc) this.track(this.exclusive(doc, () => this.catchUp(doc)));
      }, this.catchUpMs);
      doc.catchUpTimer.unref();
    }
  }

  /** Re-reads a document whose relayed updates have a gap (a lost message) and applies what is missing. */
  private async catchUp(doc: LoadedDoc): Promise<void> {
    if (doc.aheadSeqs.size === 0) return;
    const stored = await this.store.loadDocument(doc.name);
    if (this.docs.get(doc.name) !== doc) return;
    const temp = new Y.Doc();
    this.applyStored(temp, doc.name, stored.updates);
    const missing = Y.encodeStateAsUpdate(temp, Y.encodeStateVector(doc.ydoc));
    temp.destroy();
    if (!isEmptyUpdate(missing)) this.applyRemote(doc, missing);
    doc.storedRows = stored.updates.length;
    doc.lastSeq = Math.max(doc.lastSeq, stored.lastSeq);
    doc.contiguousSeq = Math.max(doc.contiguousSeq, stored.lastSeq);
    for (const seq of doc.aheadSeqs) if (seq <= doc.contiguousSeq) doc.aheadSeqs.delete(seq);
    while (doc.aheadSeqs.delete(doc.contiguousSeq + 1)) doc.contiguousSeq++;
  }

  /**
   * Takes an HTTP upgrade request. Returns false (and leaves the socket alone) when the path is not
   * under `/collab/`; otherwise completes the WebSocket handshake and either serves the connection
   * or closes it at once with the close code that says why (so the client sees the code, which a
   * refused handshake could not carry).
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!isCollabRequest(request)) return false;
    // A socket error before the handshake completes must not become an uncaught exception.
    socket.on('error', () => socket.destroy());
    const decision = this.closing
      ? ({ ok: false, code: COLLAB_CLOSE.serverShutdown, reason: 'server shutting down' } as const)
      : this.checkRequest(request);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      // ws closes with 1009 when a frame announces more than maxPayload (before reading it): the
      // documented code for an oversize message is 4413, which the stock client treats as final.
      const close = ws.close.bind(ws);
      ws.close = (code?: number, reason?: string | Buffer) =>
        code === 1009 ? close(COLLAB_CLOSE.messageTooLarge, 'message too large') : close(code, reason);
      ws.on('error', (error) => {
        // Protocol errors of a client (oversize or malformed frames) are its input, not our failure: one line.
        this.log(`collab: connection error: ${error.message}`);
      });
      if (!decision.ok) {
        ws.close(decision.code, decision.reason);
        return;
      }
      this.accept(ws, decision.claims, decision.tokenId, decision.expiresAt);
    });
    return true;
  }

  /**
   * Closes every connection whose claims match, with `code` (for example `COLLAB_CLOSE.accessRevoked`
   * when a person moves to another room or is removed). Returns how many were closed.
   */
  closeConnections(predicate: (claims: CollabClaims) => boolean, code: number, reason = 'access changed'): number {
    let closed = 0;
    for (const conn of [...this.connections]) {
      if (predicate(conn.claims)) {
        this.refuse(conn, code, reason);
        closed++;
      }
    }
    return closed;
  }

  /**
   * Writes a first update into a document nobody has written yet (a template). Returns whether it
   * wrote; `makeUpdate` returning null writes nothing.
   */
  initializeIfEmpty(name: string, makeUpdate: () => Uint8Array | null): Promise<boolean> {
    return this.writeAsServer(name, (doc) => (doc.lastSeq > 0 || doc.storedRows > 0 || doc.inflight > 0 ? null : makeUpdate()));
  }

  /**
   * Changes a document on behalf of the server (for example moving revealed cards onto a board):
   * `change` edits a copy, and the difference goes through the same store-then-apply-then-relay
   * path as an editor's update, so open editors, memory and store agree. Returns whether it wrote.
   */
  change(name: string, change: (copy: Y.Doc) => void): Promise<boolean> {
    return this.writeAsServer(name, (doc) => {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc.ydoc));
      const before = Y.encodeStateVector(copy);
      change(copy);
      const update = Y.encodeStateAsUpdate(copy, before);
      copy.destroy();
      return isEmptyUpdate(update) ? null : update;
    });
  }

  /** A copy of a document's current content (from memory, else the store); the caller may change it freely. */
  async snapshot(name: string): Promise<Y.Doc> {
    const loaded = this.docs.get(name);
    const copy = new Y.Doc();
    if (loaded) Y.applyUpdate(copy, Y.encodeStateAsUpdate(loaded.ydoc));
    else this.applyStored(copy, name, (await this.store.loadDocument(name)).updates);
    return copy;
  }

  private async writeAsServer(name: string, makeUpdate: (doc: LoadedDoc) => Uint8Array | null): Promise<boolean> {
    if (!isValidCollabDocName(name)) throw new Error(`invalid document name ${name}`);
    const doc = await this.acquire(name);
    try {
      return await this.exclusive(doc, () => this.writeAsServerNow(doc, makeUpdate));
    } finally {
      if (doc.conns.size === 0) this.scheduleIdle(doc);
    }
  }

  private async writeAsServerNow(doc: LoadedDoc, makeUpdate: (doc: LoadedDoc) => Uint8Array | null): Promise<boolean> {
    {
      const update = makeUpdate(doc);
      if (!update) return false;
      // The server's own writes are trusted (templates, reveal); the scratch copy follows them.
      Y.applyUpdate(doc.shadow, update, 'server');
      doc.inflight++;
      let seq: number;
      try {
        seq = await this.store.appendUpdate(doc.name, update);
      } catch (error) {
        this.rebuildShadow(doc);
        throw error;
      } finally {
        doc.inflight--;
      }
      this.noteSeq(doc, seq);
      doc.storedRows++;
      doc.updatesSinceCompaction++;
      this.peers?.publishUpdate(doc.name, seq, update);
      Y.applyUpdate(doc.ydoc, update, 'server');
      const message = syncUpdateMessage(update);
      for (const conn of doc.conns) this.send(conn, message);
      return true;
    }
  }

  /** The claims of every open connection, for periodic access checks. */
  connectedClaims(): CollabClaims[] {
    return [...this.connections].map((conn) => conn.claims);
  }

  /** Documents in memory and open connections. */
  stats(): CollabStats {
    return { documents: this.docs.size, connections: this.connections.size };
  }

  /**
   * Renders a document as HTML or Markdown: from memory when it is loaded, otherwise read from the
   * store into a temporary document (which is not kept, so rendering does not fill the memory).
   */
  async renderDocument(name: string, format: 'html' | 'markdown', field = DEFAULT_NOTES_FIELD): Promise<string> {
    const render = format === 'html' ? renderNotesHtml : renderNotesMarkdown;
    const loaded = this.docs.get(name);
    if (loaded) return render(loaded.ydoc, field);
    const temp = new Y.Doc();
    try {
      this.applyStored(temp, name, (await this.store.loadDocument(name)).updates);
      return render(temp, field);
    } finally {
      temp.destroy();
    }
  }

  /** Waits until every message received so far is handled and background compactions are done. */
  async flush(): Promise<void> {
    const seen = new Set<Promise<unknown>>();
    for (;;) {
      // Work settled here may queue more (an update triggers a compaction): repeat until nothing is new.
      const pending = [...this.inputQueues, ...this.background, ...this.loading.values()].filter((p) => !seen.has(p));
      if (pending.length === 0) return;
      for (const p of pending) seen.add(p);
      await Promise.allSettled(pending);
    }
  }

  /**
   * Shuts down: refuses new connections, closes all with `serverShutdown` (clients reconnect to the
   * next server and re-sync), waits for store writes in flight, compacts and unloads every
   * document, and stops timers.
   */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.pingTimer);
    const sockets = [...this.connections].map((c) => c.ws);
    for (const conn of [...this.connections]) this.refuse(conn, COLLAB_CLOSE.serverShutdown, 'server shutting down');
    await this.flush();
    await Promise.allSettled([...this.loading.values()]);
    for (const doc of [...this.docs.values()]) this.unload(doc);
    await this.flush();
    await waitForSockets(sockets, SHUTDOWN_GRACE_MS);
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  // ---- connections ----

  /** Checks path and token before the handshake; the verdict is delivered as a close code after it. */
  private checkRequest(
    request: IncomingMessage,
  ): { ok: true; claims: CollabClaims; tokenId: string; expiresAt: number } | { ok: false; code: number; reason: string } {
    let url: URL;
    let docName: string;
    try {
      url = new URL(request.url ?? '', 'http://collab.invalid');
      // URL resolves dot segments ("/collab/../x" is "/x"), so the prefix is checked again here.
      if (!url.pathname.startsWith(COLLAB_PATH_PREFIX)) throw new Error('outside the collab path');
      docName = decodeURIComponent(url.pathname.slice(COLLAB_PATH_PREFIX.length));
    } catch {
      return { ok: false, code: COLLAB_CLOSE.invalidDocument, reason: 'invalid document path' };
    }
    if (!isValidCollabDocName(docName)) {
      return { ok: false, code: COLLAB_CLOSE.invalidDocument, reason: 'invalid document name' };
    }
    const token = url.searchParams.get('token');
    if (!token) return { ok: false, code: COLLAB_CLOSE.missingToken, reason: 'missing token' };
    const verdict = verifyCollabToken(this.secret, token, this.now());
    if (!verdict.ok) {
      return verdict.reason === 'expired'
        ? { ok: false, code: COLLAB_CLOSE.expiredToken, reason: 'token expired' }
        : { ok: false, code: COLLAB_CLOSE.invalidToken, reason: `invalid token (${verdict.reason})` };
    }
    if (verdict.claims.doc !== docName) {
      return { ok: false, code: COLLAB_CLOSE.documentMismatch, reason: 'token is for another document' };
    }
    if (this.usedTokens.has(verdict.tokenId)) {
      return { ok: false, code: COLLAB_CLOSE.invalidToken, reason: 'token already used' };
    }
    this.rememberToken(verdict.tokenId, verdict.expiresAt);
    return { ok: true, claims: verdict.claims, tokenId: verdict.tokenId, expiresAt: verdict.expiresAt };
  }

  /** Marks a token as used until it expires (then it is refused as expired anyway). */
  private rememberToken(id: string, expiresAt: number): void {
    const now = this.now();
    if (this.usedTokens.size >= 1_000) {
      for (const [known, expiry] of this.usedTokens) if (expiry + USED_TOKEN_SLACK_MS < now) this.usedTokens.delete(known);
    }
    this.usedTokens.set(id, expiresAt);
  }

  private accept(ws: WebSocket, claims: CollabClaims, tokenId: string, expiresAt: number): void {
    const conn = new Connection(ws, claims, this.limits);
    this.connections.add(conn);
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('close', () => this.detach(conn));
    ws.on('pong', () => {
      conn.alive = true;
    });
    // Messages that arrive while the document loads wait in the queue behind the attach step.
    this.enqueue(conn, () =>
      this.attach(conn, tokenId, expiresAt).catch((error: unknown) => {
        this.log(`collab: could not open document ${claims.doc}`, error);
        this.refuse(conn, COLLAB_CLOSE.internalError, 'document unavailable');
      }),
    );
  }

  /** Runs `task` after everything queued before on this connection; tracks it for flush() and unloading. */
  private enqueue(conn: Connection, task: () => Promise<void>): void {
    conn.pending++;
    const tail = conn.queue.then(task).finally(() => {
      conn.pending--;
      this.inputQueues.delete(tail);
      if (conn.pending === 0 && this.draining.delete(conn) && conn.doc && conn.doc.conns.size === 0) {
        this.scheduleIdle(conn.doc);
      }
    });
    conn.queue = tail;
    this.inputQueues.add(tail);
  }

  private async attach(conn: Connection, tokenId: string, expiresAt: number): Promise<void> {
    if (this.claimToken && !(await this.claimToken(tokenId, expiresAt))) {
      this.refuse(conn, COLLAB_CLOSE.invalidToken, 'token already used');
      return;
    }
    if (this.authorize && !(await this.authorize(conn.claims))) {
      this.refuse(conn, COLLAB_CLOSE.accessRevoked, 'access revoked');
      return;
    }
    if (this.connectionPolicy) conn.policy = await this.connectionPolicy(conn.claims);
    const doc = await this.acquire(conn.claims.doc);
    if (!conn.acceptingInput) {
      if (doc.conns.size === 0) this.scheduleIdle(doc);
      return;
    }
    conn.doc = doc;
    if (conn.detached) {
      // The client left while the document loaded; edits it sent before leaving are still handled.
      if (doc.conns.size === 0) this.scheduleIdle(doc);
      return;
    }
    doc.conns.add(conn);
    clearTimeout(doc.idleTimer);
    doc.idleTimer = undefined;
    // Server side of the handshake: ask for what the client has (sync step 1), and show who is here.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, doc.ydoc);
    this.send(conn, encoding.toUint8Array(encoder));
    if (doc.awareness.getStates().size > 0) {
      this.send(conn, awarenessMessage(doc.awareness, [...doc.awareness.getStates().keys()]));
    }
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (!conn.acceptingInput) return;
    const bytes = toUint8Array(data);
    if (bytes.byteLength > COLLAB_MAX_MESSAGE_BYTES) {
      this.refuseInput(conn, COLLAB_CLOSE.messageTooLarge, 'message too large');
      return;
    }
    // Both buckets are charged, so a flood of tiny messages and a stream of large ones both run dry.
    const withinMessages = conn.messages.take(1);
    if (!conn.bytes.take(bytes.byteLength) || !withinMessages) {
      this.refuseInput(conn, COLLAB_CLOSE.rateLimited, 'too many messages');
      return;
    }
    if (!isBinary) {
      this.refuseInput(conn, COLLAB_CLOSE.badMessage, 'expected a binary message');
      return;
    }
    this.enqueue(conn, () => this.handleMessage(conn, bytes));
  }

  /** Handles one message; never throws (a failure closes this connection only). */
  private async handleMessage(conn: Connection, bytes: Uint8Array): Promise<void> {
    // Input queued before the server refused the connection is dropped. A client that closed by
    // itself still gets its already-sent edits stored: it may never come back to resend them.
    if (!conn.acceptingInput) return;
    const doc = conn.doc;
    if (!doc) return;
    try {
      const decoder = decoding.createDecoder(bytes);
      const type = decoding.readVarUint(decoder);
      // From a client that has left, only edits still count: its presence is already removed.
      if (conn.detached && type !== MESSAGE_SYNC) return;
      switch (type) {
        case MESSAGE_SYNC:
          await this.handleSync(conn, doc, decoder);
          break;
        case MESSAGE_AWARENESS:
          this.handleAwareness(conn, doc, decoding.readVarUint8Array(decoder));
          break;
        case MESSAGE_QUERY_AWARENESS:
          this.send(conn, awarenessMessage(doc.awareness, [...doc.awareness.getStates().keys()]));
          break;
        case MESSAGE_AUTH: // the server sends auth messages, a client never does
        default:
          throw new BadMessage(`unknown message type ${type}`);
      }
    } catch (error) {
      // Refused input is the client's problem, not the server's: one line, no stack.
      const reason = error instanceof Error ? error.message : String(error);
      this.refuseInput(conn, error instanceof Refusal ? error.code : COLLAB_CLOSE.badMessage, reason.slice(0, 200));
    }
  }

  /** Refuses a connection's input: one log line (who, which document, why) and the close code. */
  private refuseInput(conn: Connection, code: number, reason: string): void {
    if (!conn.acceptingInput) return;
    this.log(`collab: refused input from ${conn.claims.personId} on ${conn.claims.doc} (${code}): ${reason}`);
    // The close reason must fit a control frame (123 bytes).
    this.refuse(conn, code, code === COLLAB_CLOSE.badMessage ? 'bad message' : reason.slice(0, 100));
  }

  /**
   * Asks `connectionPolicy` again for every open connection whose claims match (for example when
   * private writing is switched, or a person's name or role changed).
   */
  async refreshPolicies(predicate: (claims: CollabClaims) => boolean): Promise<void> {
    const policy = this.connectionPolicy;
    if (!policy) return;
    await Promise.all(
      [...this.connections]
        .filter((conn) => predicate(conn.claims))
        .map(async (conn) => {
          conn.policy = await policy(conn.claims);
        }),
    );
  }

  private async handleSync(conn: Connection, doc: LoadedDoc, decoder: decoding.Decoder): Promise<void> {
    const syncType = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    switch (syncType) {
      case syncProtocol.messageYjsSyncStep1: {
        // Reply with everything the client is missing (sync step 2); a malformed state vector throws here.
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        syncProtocol.writeSyncStep2(encoder, doc.ydoc, payload);
        this.send(conn, encoding.toUint8Array(encoder));
        return;
      }
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate:
        // Sync step 2 carries the client's edits just like an update, so read-only clients lose both.
        if (conn.claims.mode !== 'edit') return;
        await this.persistAndApply(conn, doc, payload);
        return;
      default:
        throw new BadMessage(`unknown sync message type ${syncType}`);
    }
  }

  /** The write path: validate, append durably, then apply and relay. */
  private async persistAndApply(conn: Connection, doc: LoadedDoc, update: Uint8Array): Promise<void> {
    if (isEmptyUpdate(update)) return; // a client with nothing new still answers sync step 1
    let decoded: ReturnType<typeof Y.decodeUpdate>;
    try {
      // Parse fully before storing: a row that cannot be decoded would break every later load.
      decoded = Y.decodeUpdate(update);
    } catch {
      throw new BadMessage('undecodable update');
    }
    if (this.allowedRoots && !rootsAllowed(decoded.structs, this.allowedRoots(doc.name))) {
      throw new BadMessage('update writes outside the document structure');
    }
    await this.exclusive(doc, () => this.writeChecked(conn, doc, update));
  }

  /** Runs one write of a document after the previous one has finished (see `LoadedDoc.writeLock`). */
  private exclusive<T>(doc: LoadedDoc, task: () => Promise<T>): Promise<T> {
    const run = doc.writeLock.then(task);
    doc.writeLock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Applies an update to the document's scratch copy and checks the result. Returns why it is
   * refused, or null; after a refusal the copy is rebuilt from the live document.
   */
  private checkOnShadow(doc: LoadedDoc, update: Uint8Array, policy: ConnectionPolicy | null, origin: unknown): string | null {
    let transaction: Y.Transaction | undefined;
    const capture = (tr: Y.Transaction) => {
      transaction ??= tr;
    };
    const pendingBefore = hasPending(doc.shadow);
    doc.shadow.on('afterTransaction', capture);
    let problem: string | null = null;
    try {
      Y.applyUpdate(doc.shadow, update, origin);
      if (this.validate && !pendingBefore && hasPending(doc.shadow)) {
        // Content waiting for something the server does not have could not be checked now.
        problem = 'update depends on content the server does not have';
      } else if (this.validate && transaction) {
        problem = this.validate({ docName: doc.name, before: doc.ydoc, after: doc.shadow, transaction, policy });
      }
    } catch {
      problem = 'update could not be applied';
    } finally {
      doc.shadow.off('afterTransaction', capture);
    }
    if (problem !== null) this.rebuildShadow(doc);
    return problem;
  }

  /** Makes the scratch copy equal to the live document again. */
  private rebuildShadow(doc: LoadedDoc): void {
    doc.shadow.destroy();
    doc.shadow = new Y.Doc({ gc: doc.ydoc.gc });
    Y.applyUpdate(doc.shadow, Y.encodeStateAsUpdate(doc.ydoc));
  }

  /** The write path of an editor's update: check, append durably, then apply and relay. */
  private async writeChecked(conn: Connection, doc: LoadedDoc, update: Uint8Array): Promise<void> {
    if (!conn.acceptingInput) return;
    const problem = this.checkOnShadow(doc, update, conn.policy, conn);
    if (problem !== null) throw new BadMessage(`invalid change: ${problem}`);
    doc.inflight++;
    let seq: number;
    try {
      seq = await this.store.appendUpdate(doc.name, update);
    } catch (error) {
      doc.inflight--;
      this.rebuildShadow(doc);
      this.log(`collab: could not store an update of ${doc.name}`, error);
      // Nothing was applied or relayed; the client keeps the edit and re-sends it after reconnecting.
      this.refuse(conn, COLLAB_CLOSE.internalError, 'storage failed');
      return;
    }
    // Stored: from here on the update is applied and relayed even if its sender is already gone.
    doc.inflight--;
    this.noteSeq(doc, seq);
    doc.storedRows++;
    doc.updatesSinceCompaction++;
    this.peers?.publishUpdate(doc.name, seq, update);
    try {
      Y.applyUpdate(doc.ydoc, update, conn);
    } catch (error) {
      this.log(`collab: update of ${doc.name} could not be applied`, error);
      throw new BadMessage('update could not be applied');
    }
    this.relay(doc, conn, update);
    if (doc.updatesSinceCompaction >= this.compactAfterUpdates) this.scheduleCompaction(doc);
  }

  /**
   * Relays an update to the document's other connections once the updates that arrived together
   * (read in the same turn of the event loop) are all in: as one merged update, so a burst of k
   * edits in a room of N costs N messages instead of k x N. Idle, this adds nothing noticeable (the
   * relay runs right after the current turn); under load the batches grow by themselves.
   *
   * Updates are relayed as received (not from the doc's 'update' event): an update that is still
   * waiting for a missing earlier one would not appear in that event, yet the other clients must
   * have it too; `Y.mergeUpdates` keeps such updates.
   */
  private relay(doc: LoadedDoc, from: Connection, update: Uint8Array): void {
    doc.relayQueue.push({ update, from });
    if (doc.relayScheduled) return;
    doc.relayScheduled = true;
    setImmediate(() => this.flushRelay(doc));
  }

  private flushRelay(doc: LoadedDoc): void {
    doc.relayScheduled = false;
    const queued = doc.relayQueue.splice(0);
    if (queued.length === 0) return;
    const senders = new Set(queued.map((entry) => entry.from));
    const message = syncUpdateMessage(queued.length === 1 ? queued[0]!.update : Y.mergeUpdates(queued.map((entry) => entry.update)));
    // With several senders each also gets the others' edits, and its own again (applying a known update changes nothing).
    const skip = senders.size === 1 ? queued[0]!.from : undefined;
    for (const other of doc.conns) {
      if (other !== skip) this.send(other, message);
    }
  }

  private handleAwareness(conn: Connection, doc: LoadedDoc, update: Uint8Array): void {
    // The stock client sends every awareness update it receives back to the server (its update
    // handler does not look at the origin): each flush to a document of N people comes back N
    // times. Those echoes change nothing; they are recognised without parsing their JSON.
    if (isAwarenessEcho(doc.awareness, update)) return;
    // Malformed updates throw (bad varints, bad JSON) and close this connection in handleMessage.
    awarenessProtocol.applyAwarenessUpdate(doc.awareness, checkedAwareness(update, conn.policy), conn);
    if (conn.awarenessClients.size > MAX_AWARENESS_CLIENTS_PER_CONNECTION) {
      throw new BadMessage('too many awareness clients');
    }
  }

  /** Closes a connection from the server side with a code; its queued input is dropped. */
  private refuse(conn: Connection, code: number, reason: string): void {
    conn.acceptingInput = false;
    if (conn.ws.readyState === WebSocket.OPEN || conn.ws.readyState === WebSocket.CONNECTING) {
      conn.ws.close(code, reason);
    }
    this.detach(conn);
  }

  /** Removes a connection from its document and its presence from everyone's view. */
  private detach(conn: Connection): void {
    if (conn.detached) return;
    conn.detached = true;
    this.connections.delete(conn);
    if (conn.pending > 0 && conn.acceptingInput) this.draining.add(conn);
    const doc = conn.doc;
    if (!doc) return;
    doc.conns.delete(conn);
    if (conn.awarenessClients.size > 0) {
      awarenessProtocol.removeAwarenessStates(doc.awareness, [...conn.awarenessClients], conn);
    }
    if (doc.conns.size === 0) this.scheduleIdle(doc);
  }

  private send(conn: Connection, message: Uint8Array): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    // A client that does not read (a paused tab, a stalled network) would make the server hold every
    // update for it. Past the limit its pending updates are dropped: it reconnects and re-syncs.
    // Checked before sending, so one large message (a first sync) always goes out.
    if (conn.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.log(`collab: closing a slow reader (${conn.claims.personId} on ${conn.claims.doc}): ${conn.ws.bufferedAmount} bytes unsent`);
      const ws = conn.ws;
      this.refuse(conn, COLLAB_CLOSE.slowReader, 'not reading');
      // The close frame waits behind the unsent data; a reader that never comes back is cut off.
      setTimeout(() => ws.terminate(), SLOW_READER_GRACE_MS).unref();
      return;
    }
    conn.ws.send(message, (error) => {
      // A failed send means the socket is gone; 'close' cleans up. Logging keeps it visible.
      if (error) this.log('collab: send failed', error);
    });
  }

  private pingAll(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        // No pong since the last ping: a dead peer (sleeping laptop, lost network). 'close' detaches it.
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }

  // ---- documents ----

  private acquire(name: string): Promise<LoadedDoc> {
    const loaded = this.docs.get(name);
    if (loaded) return Promise.resolve(loaded);
    let loading = this.loading.get(name);
    if (!loading) {
      loading = this.load(name).finally(() => this.loading.delete(name));
      this.loading.set(name, loading);
    }
    return loading;
  }

  /** Loads a document with one store read. */
  private async load(name: string): Promise<LoadedDoc> {
    const stored = await this.store.loadDocument(name);
    const ydoc = new Y.Doc();
    this.applyStored(ydoc, name, stored.updates);
    const awareness = new awarenessProtocol.Awareness(ydoc);
    // The server is no participant: without this it would show up as a present user with an empty state.
    awareness.setLocalState(null);
    const doc: LoadedDoc = {
      name,
      ydoc,
      awareness,
      conns: new Set(),
      lastSeq: stored.lastSeq,
      inflight: 0,
      storedRows: stored.updates.length,
      updatesSinceCompaction: 0,
      compactionQueued: false,
      pendingAwareness: new Set(),
      awarenessTimer: undefined,
      idleTimer: undefined,
      relayQueue: [],
      relayScheduled: false,
      shadow: new Y.Doc(),
      writeLock: Promise.resolve(),
      contiguousSeq: stored.lastSeq,
      aheadSeqs: new Set(),
      catchUpTimer: undefined,
    };
    Y.applyUpdate(doc.shadow, Y.encodeStateAsUpdate(ydoc));
    awareness.on(
      'update',
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        if (origin instanceof Connection) {
          for (const id of added) origin.awarenessClients.add(id);
          for (const id of updated) origin.awarenessClients.add(id);
          for (const id of removed) origin.awarenessClients.delete(id);
        }
        for (const id of added) doc.pendingAwareness.add(id);
        for (const id of updated) doc.pendingAwareness.add(id);
        for (const id of removed) doc.pendingAwareness.add(id);
        this.scheduleAwarenessFlush(doc);
        // This process's presence changes go to the other processes holding the document.
        if (this.peers && origin !== REMOTE) {
          const changed = [...added, ...updated, ...removed];
          if (changed.length > 0) this.peers.publishAwareness(name, awarenessProtocol.encodeAwarenessUpdate(doc.awareness, changed));
        }
      },
    );
    this.docs.set(name, doc);
    if (this.closing) this.scheduleIdle(doc);
    return doc;
  }

  /**
   * Applies stored updates in one transaction. Should one row be unreadable (it passed validation
   * but Yjs cannot integrate it), the others are applied one by one so the document still opens.
   */
  private applyStored(ydoc: Y.Doc, name: string, updates: Uint8Array[]): void {
    if (updates.length === 0) return;
    try {
      Y.applyUpdate(ydoc, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
    } catch (error) {
      this.log(`collab: stored updates of ${name} do not merge; applying them one by one`, error);
      for (const update of updates) {
        try {
          Y.applyUpdate(ydoc, update);
        } catch (inner) {
          this.log(`collab: skipping an unreadable stored update of ${name}`, inner);
        }
      }
    }
  }

  private scheduleAwarenessFlush(doc: LoadedDoc): void {
    if (doc.awarenessTimer) return;
    doc.awarenessTimer = setTimeout(() => this.flushAwareness(doc), this.awarenessFlushMs);
    doc.awarenessTimer.unref();
  }

  /** Sends all presence changes since the last flush as one message to every connection of the document. */
  private flushAwareness(doc: LoadedDoc): void {
    doc.awarenessTimer = undefined;
    if (doc.pendingAwareness.size === 0) return;
    const clients = [...doc.pendingAwareness];
    doc.pendingAwareness.clear();
    // Also sent back to the client that made the change: the stock client closes a connection that
    // has not received anything for 30 s, and its own 15-second awareness renewal coming back is
    // what keeps a lone editor's connection alive (as with the stock server).
    const message = awarenessMessage(doc.awareness, clients);
    for (const conn of doc.conns) this.send(conn, message);
  }

  private scheduleIdle(doc: LoadedDoc): void {
    clearTimeout(doc.idleTimer);
    doc.idleTimer = setTimeout(() => this.unloadIfIdle(doc), this.closing ? 0 : this.idleUnloadMs);
    doc.idleTimer.unref();
  }

  private unloadIfIdle(doc: LoadedDoc): void {
    doc.idleTimer = undefined;
    if (doc.conns.size > 0 || this.docs.get(doc.name) !== doc) return;
    if (doc.inflight > 0 || [...this.draining].some((c) => c.doc === doc)) {
      this.scheduleIdle(doc);
      return;
    }
    this.unload(doc);
  }

  /**
   * Drops a document from memory after compacting it. It leaves the map at once: a connection that
   * arrives meanwhile loads it again from the store, which holds the same content before and after
   * the (atomic) compaction.
   */
  private unload(doc: LoadedDoc): void {
    if (this.docs.get(doc.name) !== doc) return;
    this.docs.delete(doc.name);
    clearTimeout(doc.idleTimer);
    clearTimeout(doc.awarenessTimer);
    clearTimeout(doc.catchUpTimer);
    for (const conn of doc.conns) this.refuse(conn, COLLAB_CLOSE.serverShutdown, 'document unloaded');
    const done = (doc.storedRows > 1 ? this.compact(doc) : Promise.resolve()).finally(() => {
      doc.awareness.destroy();
      doc.shadow.destroy();
      doc.ydoc.destroy();
    });
    this.track(done);
  }

  /** Compaction is queued, not run inline: the update that triggered it is already relayed. */
  private scheduleCompaction(doc: LoadedDoc): void {
    if (doc.compactionQueued) return;
    doc.compactionQueued = true;
    // Tracked from now on, so flush() also waits for a compaction that has not started yet.
    this.track(
      new Promise((resolve) => setImmediate(resolve)).then(() => {
        doc.compactionQueued = false;
        if (this.docs.get(doc.name) === doc) return this.compact(doc);
        return undefined;
      }),
    );
  }

  /**
   * Replaces the stored rows by one snapshot of the in-memory document. Only when no append is
   * between store and memory (`inflight` 0): then every row up to `contiguousSeq` is in the
   * snapshot (with one process that is `lastSeq`; with several, rows other processes appended and
   * this one has not received yet stay).
   */
  private compact(doc: LoadedDoc): Promise<void> {
    if (doc.inflight > 0 || doc.contiguousSeq === 0 || doc.storedRows <= 1) return Promise.resolve();
    // encodeStateAsUpdate also carries updates still waiting for missing predecessors, so nothing stored is dropped.
    const merged = Y.encodeStateAsUpdate(doc.ydoc);
    const throughSeq = doc.contiguousSeq;
    const rowsBefore = doc.storedRows;
    const updatesBefore = doc.updatesSinceCompaction;
    doc.storedRows = 1;
    doc.updatesSinceCompaction = 0;
    const previous = this.compactionChains.get(doc.name) ?? Promise.resolve();
    const run = previous
      .then(() => this.store.compact(doc.name, merged, throughSeq))
      .catch((error: unknown) => {
        // The rows are still there, so nothing is lost; the next trigger tries again.
        this.log(`collab: compaction of ${doc.name} failed`, error);
        doc.storedRows += rowsBefore - 1;
        doc.updatesSinceCompaction += updatesBefore;
      });
    this.compactionChains.set(doc.name, run);
    void run.finally(() => {
      if (this.compactionChains.get(doc.name) === run) this.compactionChains.delete(doc.name);
    });
    return run;
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => this.log('collab: background task failed', error));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}

/**
 * An awareness update as the server accepts it: every state is a JSON object (or null, leaving) of
 * bounded size, and the name a client shows for its person (`user.name`, what the editor's carets
 * display) is that person's display name: a different one is replaced, so nobody shows a caret
 * under someone else's name. Malformed input throws.
 */
export function checkedAwareness(update: Uint8Array, policy: ConnectionPolicy | null): Uint8Array {
  const decoder = decoding.createDecoder(update);
  const encoder = encoding.createEncoder();
  const entries = decoding.readVarUint(decoder);
  if (entries > MAX_AWARENESS_CLIENTS_PER_CONNECTION) throw new BadMessage('too many awareness clients');
  encoding.writeVarUint(encoder, entries);
  for (let index = 0; index < entries; index += 1) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    if (json.length > MAX_AWARENESS_STATE_CHARS) throw new BadMessage('presence state too large');
    const state: unknown = JSON.parse(json);
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new BadMessage('presence state is not an object');
    let out = json;
    if (state !== null && policy && 'user' in state) {
      const user = (state as { user: unknown }).user;
      const fields = typeof user === 'object' && user !== null && !Array.isArray(user) ? user : {};
      if ((fields as { name?: unknown }).name !== policy.displayName) {
        out = JSON.stringify({ ...state, user: { ...fields, name: policy.displayName } });
      }
    }
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, out);
  }
  if (decoding.hasContent(decoder)) throw new BadMessage('trailing bytes in a presence update');
  return encoding.toUint8Array(encoder);
}

function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(encoder);
}

function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** Whether a document holds content waiting for something it has not received. */
function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}

/** An update with no structs and an empty delete set (what a client with nothing new sends). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function waitForSockets(sockets: WebSocket[], timeoutMs: number): Promise<void> {
  const open = sockets.filter((ws) => ws.readyState !== WebSocket.CLOSED);
  if (open.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    let remaining = open.length;
    const timer = setTimeout(resolve, timeoutMs);
    for (const ws of open) {
      ws.once('close', () => {
        remaining--;
        if (remaining === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

const NULL_STATE = new TextEncoder().encode('null');

/**
 * Whether an awareness update only repeats states this document already has: every entry's clock is
 * at most the known clock of its client, and none is a removal (a removal with the known clock
 * still counts, as in `applyAwarenessUpdate`). Reads the entries without decoding their states;
 * malformed input throws, like `applyAwarenessUpdate` would.
 */
export function isAwarenessEcho(awareness: awarenessProtocol.Awareness, update: Uint8Array): boolean {
  const decoder = decoding.createDecoder(update);
  const entries = decoding.readVarUint(decoder);
  if (entries === 0) return false;
  for (let index = 0; index < entries; index += 1) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarUint8Array(decoder);
    const known = awareness.meta.get(clientId);
    if (!known || clock > known.clock) return false;
    if (state.length === NULL_STATE.length && state.every((byte, at) => byte === NULL_STATE[at])) return false;
  }
  return !decoding.hasContent(decoder);
}
