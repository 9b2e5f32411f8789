import Database from 'better-sqlite3';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { waitFor } from '../test/waitFor.js';
import { COLLAB_CLOSE, COLLAB_MAX_MESSAGE_BYTES } from '@werkraum/shared/closeCodes';
import { CollabServer, type CollabServerOptions } from './server.js';
import { sqliteCollabStore, type CollabStore } from './store.js';
import { signCollabToken, type CollabClaims } from './tokens.js';

/** Waits here are for network round trips on a busy 2-core machine; they end as soon as the state is reached. */
const WAIT_MS = 10_000;
const secret = Buffer.alloc(32, 42);

interface Harness {
  collab: CollabServer;
  store: CollabStore;
  /** ws://127.0.0.1:port/collab — the provider appends `/<doc>`. */
  url: string;
  logs: string[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  // Last in, first out: providers before the server before the database.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(
  options: Partial<CollabServerOptions> & { wrapStore?: (store: CollabStore) => CollabStore } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'collab-server-'));
  const db = new Database(join(dir, 'app.sqlite'));
  db.pragma('journal_mode = WAL');
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const baseStore = sqliteCollabStore(db);
  const store = options.wrapStore ? options.wrapStore(baseStore) : baseStore;
  const logs: string[] = [];
  const collab = new CollabServer({
    secret,
    awarenessFlushMs: 20,
    log: (message) => logs.push(message),
    ...options,
    store,
  });
  const http: Server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  http.on('upgrade', (request, socket, head) => {
    // What app.ts will do: the collab path goes to the collab server, other upgrades are not ours here.
    if (!collab.handleUpgrade(request, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    await collab.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  const { port } = http.address() as AddressInfo;
  return { collab, store, url: `ws://127.0.0.1:${port}/collab`, logs };
}

function token(doc: string, mode: CollabClaims['mode'] = 'edit', personId = 'p1', now = Date.now()): string {
  return signCollabToken(secret, { doc, mode, personId, workshopId: 'w1' }, now);
}

interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close codes this client has seen, in order. */
  closeCodes: number[];
  /** Set once the provider gave up (a permanent close code). */
  closed: { code: number; reason: string } | undefined;
}

/** A stock y-websocket client in Node, as the browser would connect. */
/**
 * A stock provider. A token opens one connection only: with `renew`, the client fetches a fresh one
 * whenever its connection drops (as the app's client does), so its automatic reconnects get in.
 */
function connect(h: Harness, docName: string, params: Record<string, string>, doc = new Y.Doc(), renew?: () => Record<string, string>): Client {
  const provider = new WebsocketProvider(h.url, docName, doc, {
    // ws stands in for the browser's WebSocket; the provider only uses the standard interface.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params,
    // In one Node process a BroadcastChannel would sync the clients directly, around the server.
    disableBc: true,
    maxBackoffTime: 200,
  });
  const client: Client = { doc, provider, closeCodes: [], closed: undefined };
  provider.on('connection-close', (event: { code: number } | null) => {
    if (event) client.closeCodes.push(event.code);
  });
  provider.on('closed', (event: { code: number; reason: string }) => {
    client.closed = event;
  });
  if (renew) {
    provider.on('status', ({ status }: { status: string }) => {
      if (status === 'disconnected') provider.params = renew();
    });
  }
  cleanups.push(() => {
    provider.destroy();
    doc.destroy();
  });
  return client;
}

async function synced(...clients: Client[]): Promise<void> {
  await waitFor(() => clients.every((c) => c.provider.synced), 'clients synced', WAIT_MS);
}

/** The document as the store has it (a fresh load, not the server's memory). */
async function fromStore(h: Harness, name: string): Promise<Y.Doc> {
  await h.collab.flush();
  const doc = new Y.Doc();
  for (const update of (await h.store.loadDocument(name)).updates) Y.applyUpdate(doc, update);
  return doc;
}

/** A raw WebSocket speaking the protocol by hand, for what the stock client never sends. */
async function rawClient(h: Harness, docName: string, query: string) {
  const ws = new WebSocket(`${h.url}/${docName}${query}`);
  const messages: Uint8Array[] = [];
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (data) => messages.push(new Uint8Array(data as Buffer)));
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  cleanups.push(() => ws.terminate());
  return { ws, messages, closed };
}

type RawClient = Awaited<ReturnType<typeof rawClient>>;

function syncMessage(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

describe('CollabServer with stock y-websocket clients', () => {
  test('two editors edit text and a rich-text fragment concurrently and converge; the store has it all', async () => {
    const h = await startServer();
    const a = connect(h, 'notes-1', { token: token('notes-1', 'edit', 'pa') });
    const b = connect(h, 'notes-1', { token: token('notes-1', 'edit', 'pb') });
    await synced(a, b);

    // Concurrent: both edit before seeing each other's changes.
    a.doc.getText('t').insert(0, 'Hello from A. ');
    b.doc.getText('t').insert(0, 'Hello from B. ');
    const paragraph = (text: string) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(text)]);
      return p;
    };
    a.doc.getXmlFragment('default').insert(0, [paragraph('A writes')]);
    b.doc.getXmlFragment('default').insert(0, [paragraph('B writes')]);
    for (let i = 0; i < 20; i++) {
      a.doc.getText('t').insert(a.doc.getText('t').length, 'a');
      b.doc.getText('t').insert(0, 'b');
    }

    await waitFor(
      () =>
        a.doc.getText('t').length === 28 + 40 &&
        a.doc.getText('t').toString() === b.doc.getText('t').toString() &&
        a.doc.getXmlFragment('default').length === 2 &&
        a.doc.getXmlFragment('default').toString() === b.doc.getXmlFragment('default').toString(),
      'convergence',
      WAIT_MS,
    );
    const stored = await fromStore(h, 'notes-1');
    expect(stored.getText('t').toString()).toBe(a.doc.getText('t').toString());
    expect(stored.getXmlFragment('default').toString()).toBe(a.doc.getXmlFragment('default').toString());
    expect(h.collab.stats()).toEqual({ documents: 1, connections: 2 });
  });

  test('a late joiner receives the whole document', async () => {
    const h = await startServer();
    const a = connect(h, 'doc', { token: token('doc') });
    await synced(a);
    a.doc.getText('t').insert(0, 'written before you came');
    const late = connect(h, 'doc', { token: token('doc', 'read', 'p2') });
    await waitFor(() => late.doc.getText('t').toString() === 'written before you came', 'late joiner content', WAIT_MS);
  });

  test('a read-only client receives everything, but its edits (updates and sync step 2) go nowhere', async () => {
    const h = await startServer();
    const editor = connect(h, 'ro', { token: token('ro', 'edit', 'ed') });
    await synced(editor);
    editor.doc.getText('t').insert(0, 'base');

    // The reader has an offline edit before it connects: that travels in its sync step 2.
    const readerDoc = new Y.Doc();
    readerDoc.getText('t').insert(0, 'OFFLINE');
    const reader = connect(h, 'ro', { token: token('ro', 'read', 'rd') }, readerDoc);
    await synced(reader);
    await waitFor(() => reader.doc.getText('t').toString().includes('base'), 'reader gets the document', WAIT_MS);

    // An edit as an update message, then a presence change on the same socket: once the editor sees
    // the presence, the server has handled the edit before it (messages of a connection keep their order).
    reader.doc.getText('t').insert(0, 'HACK');
    reader.provider.awareness.setLocalStateField('marker', 1);
    await waitFor(
      () => editor.provider.awareness.getStates().get(reader.doc.clientID)?.marker === 1,
      'reader presence reaches the editor',
      WAIT_MS,
    );

    // Updates still flow to the reader.
    editor.doc.getText('t').insert(editor.doc.getText('t').length, '!');
    await waitFor(() => reader.doc.getText('t').toString().includes('base!'), 'reader receives later edits', WAIT_MS);
    // A second editor joining now sees only the editor's content.
    const other = connect(h, 'ro', { token: token('ro', 'edit', 'ot') });
    await synced(other);
    await waitFor(() => other.doc.getText('t').toString() === 'base!', 'second editor content', WAIT_MS);

    expect(editor.doc.getText('t').toString()).toBe('base!');
    const stored = await fromStore(h, 'ro');
    expect(stored.getText('t').toString()).toBe('base!');
  });

  test.each([
    ['a missing token', () => ({}), 'doc', COLLAB_CLOSE.missingToken],
    ['a token with a bad signature', () => ({ token: signCollabToken(Buffer.alloc(32, 1), claimsFor('doc'), Date.now()) }), 'doc', COLLAB_CLOSE.invalidToken],
    ['a malformed token', () => ({ token: 'not-a-token' }), 'doc', COLLAB_CLOSE.invalidToken],
    ['an expired token', () => ({ token: token('doc', 'edit', 'p1', Date.now() - 120_000) }), 'doc', COLLAB_CLOSE.expiredToken],
    ['a token for another document', () => ({ token: token('other-doc') }), 'doc', COLLAB_CLOSE.documentMismatch],
    ['an invalid document name', () => ({ token: token('doc') }), '..%2Fetc', COLLAB_CLOSE.invalidDocument],
  ])('refuses %s with its close code, and the client stops retrying', async (_what, params, docName, code) => {
    const h = await startServer();
    const client = connect(h, docName, params());
    await waitFor(() => client.closed, 'permanent close', WAIT_MS);
    expect(client.closed?.code).toBe(code);
    expect(client.closeCodes).toEqual([code]);
    expect(client.provider.synced).toBe(false);
    expect(h.collab.stats()).toEqual({ documents: 0, connections: 0 });
  });

  test('presence reaches the others in batches and is removed when its client disconnects', async () => {
    const h = await startServer({ awarenessFlushMs: 50 });
    const a = connect(h, 'aw', { token: token('aw', 'edit', 'pa') });
    const b = connect(h, 'aw', { token: token('aw', 'read', 'pb') });
    await synced(a, b);
    const aId = a.doc.clientID;

    let updatesAboutA = 0;
    b.provider.awareness.on('update', ({ added, updated }: { added: number[]; updated: number[] }, origin: unknown) => {
      if (origin !== 'local' && [...added, ...updated].includes(aId)) updatesAboutA++;
    });
    // Twenty cursor moves in a burst: the server passes on the latest one, in one (or two) messages.
    for (let i = 1; i <= 20; i++) a.provider.awareness.setLocalState({ user: 'Ann', cursor: i });
    await waitFor(() => b.provider.awareness.getStates().get(aId)?.cursor === 20, 'latest cursor at B', WAIT_MS);
    expect(updatesAboutA).toBeGreaterThanOrEqual(1);
    expect(updatesAboutA).toBeLessThanOrEqual(3);

    a.provider.destroy();
    await waitFor(() => !b.provider.awareness.getStates().has(aId), 'presence removed at B', WAIT_MS);
    await waitFor(() => h.collab.stats().connections === 1, 'server saw the disconnect', WAIT_MS);
  });

  test('a newcomer gets the presence of those already there; query-awareness is answered', async () => {
    const h = await startServer();
    const a = connect(h, 'aw2', { token: token('aw2') });
    a.provider.awareness.setLocalState({ user: 'Ann' });
    await synced(a);
    const raw = await rawClient(h, 'aw2', `?token=${token('aw2', 'read', 'p9')}`);
    const awarenessStates = () =>
      raw.messages
        .map((m) => decoding.createDecoder(m))
        .filter((d) => decoding.readVarUint(d) === 1)
        .map((d) => {
          const probe = new awarenessProtocol.Awareness(new Y.Doc());
          awarenessProtocol.applyAwarenessUpdate(probe, decoding.readVarUint8Array(d), 'test');
          const states = new Map(probe.getStates());
          probe.destroy();
          return states;
        });
    await waitFor(() => awarenessStates().some((s) => s.get(a.doc.clientID)?.user === 'Ann'), 'presence on join', WAIT_MS);
    const before = awarenessStates().length;
    raw.ws.send(Uint8Array.of(3));
    await waitFor(() => awarenessStates().length > before, 'answer to query-awareness', WAIT_MS);
    expect(awarenessStates().at(-1)?.get(a.doc.clientID)).toEqual({ user: 'Ann' });
  });

  test('closeConnections closes exactly the matching connections with the given code', async () => {
    const h = await startServer();
    const moved1 = connect(h, 'room-a', { token: token('room-a', 'edit', 'moved') });
    const moved2 = connect(h, 'room-b', { token: token('room-b', 'read', 'moved') });
    const stays = connect(h, 'room-a', { token: token('room-a', 'edit', 'stays') });
    await synced(moved1, moved2, stays);

    expect(h.collab.closeConnections((c) => c.personId === 'moved', COLLAB_CLOSE.accessRevoked)).toBe(2);
    await waitFor(() => moved1.closed && moved2.closed, 'both closed', WAIT_MS);
    expect(moved1.closed?.code).toBe(COLLAB_CLOSE.accessRevoked);
    expect(moved2.closed?.code).toBe(COLLAB_CLOSE.accessRevoked);
    expect(stays.closeCodes).toEqual([]);
    expect(h.collab.stats().connections).toBe(1);

    // The one left still edits, and what a closed client types afterwards reaches nobody.
    moved1.doc.getText('t').insert(0, 'too late ');
    stays.doc.getText('t').insert(0, 'still here');
    const check = connect(h, 'room-a', { token: token('room-a', 'read', 'check') });
    await waitFor(() => check.doc.getText('t').toString() === 'still here', 'edits still flow', WAIT_MS);
  });

  test('the authorize hook is asked at connect time; a no closes with accessRevoked', async () => {
    const asked: string[] = [];
    const h = await startServer({
      authorize: async (claims) => {
        asked.push(claims.personId);
        return claims.personId !== 'removed';
      },
    });
    const removed = connect(h, 'auth', { token: token('auth', 'edit', 'removed') });
    const member = connect(h, 'auth', { token: token('auth', 'edit', 'member') });
    await synced(member);
    await waitFor(() => removed.closed, 'removed person refused', WAIT_MS);
    expect(removed.closed?.code).toBe(COLLAB_CLOSE.accessRevoked);
    expect(asked.sort()).toEqual(['member', 'removed']);
  });

  test('bad input closes only that connection (4400/4413) and the server keeps serving', async () => {
    const h = await startServer();
    const a = connect(h, 'robust', { token: token('robust', 'edit', 'pa') });
    const b = connect(h, 'robust', { token: token('robust', 'edit', 'pb') });
    await synced(a, b);
    a.doc.getText('t').insert(0, 'safe');
    await waitFor(() => b.doc.getText('t').toString() === 'safe', 'first edit', WAIT_MS);

    await h.collab.flush();
    const rowsBefore = (await h.store.size('robust')).rows;
    // A token opens one connection: each attempt gets its own.
    const t = () => `?token=${token('robust', 'edit', 'evil')}`;
    const garbage = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    const cases: [string, (ws: WebSocket) => void, number][] = [
      ['bad varint', (ws) => ws.send(garbage), COLLAB_CLOSE.badMessage],
      ['unknown type', (ws) => ws.send(Uint8Array.of(7, 0)), COLLAB_CLOSE.badMessage],
      ['auth from a client', (ws) => ws.send(Uint8Array.of(2, 0)), COLLAB_CLOSE.badMessage],
      ['truncated sync', (ws) => ws.send(Uint8Array.of(0, 2, 50, 1)), COLLAB_CLOSE.badMessage],
      ['unknown sync type', (ws) => ws.send(syncMessage(9, Uint8Array.of(0, 0))), COLLAB_CLOSE.badMessage],
      ['garbage update', (ws) => ws.send(syncMessage(syncProtocol.messageYjsUpdate, Uint8Array.of(5, 200, 3, 9, 9, 9))), COLLAB_CLOSE.badMessage],
      ['garbage state vector', (ws) => ws.send(syncMessage(syncProtocol.messageYjsSyncStep1, Uint8Array.of(9, 1))), COLLAB_CLOSE.badMessage],
      ['garbage awareness', (ws) => ws.send(Uint8Array.of(1, 4, 1, 1, 1, 1)), COLLAB_CLOSE.badMessage],
      ['text frame', (ws) => ws.send('hello'), COLLAB_CLOSE.badMessage],
      ['oversized message', (ws) => ws.send(new Uint8Array(COLLAB_MAX_MESSAGE_BYTES + 1)), COLLAB_CLOSE.messageTooLarge],
    ];
    for (const [what, send, code] of cases) {
      const raw = await rawClient(h, 'robust', t());
      send(raw.ws);
      expect(await raw.closed, what).toBe(code);
    }

    // Nothing unreadable reached the store; the others never noticed and still work.
    await h.collab.flush();
    expect((await h.store.size('robust')).rows).toBe(rowsBefore);
    expect(a.closeCodes).toEqual([]);
    expect(b.closeCodes).toEqual([]);
    b.doc.getText('t').insert(4, ' and sound');
    await waitFor(() => a.doc.getText('t').toString() === 'safe and sound', 'edits after the attacks', WAIT_MS);
    expect((await fromStore(h, 'robust')).getText('t').toString()).toBe('safe and sound');
    expect(h.collab.stats().connections).toBe(2);
  });

  test('an idle document is unloaded (compacted) and reloads from the store with the same content', async () => {
    const h = await startServer({ idleUnloadMs: 50 });
    const a = connect(h, 'idle', { token: token('idle') });
    await synced(a);
    for (let i = 0; i < 10; i++) a.doc.getText('t').insert(i, String(i));
    a.doc.getXmlFragment('default').insert(0, [new Y.XmlElement('paragraph')]);
    await waitFor(async () => (await fromStore(h, 'idle')).getText('t').length === 10, 'edits stored', WAIT_MS);
    const expected = Y.encodeStateVector(a.doc);
    const text = a.doc.getText('t').toString();
    a.provider.destroy();

    await waitFor(() => h.collab.stats().documents === 0, 'document unloaded', WAIT_MS);
    await h.collab.flush();
    expect((await h.store.size('idle')).rows).toBe(1);

    const again = connect(h, 'idle', { token: token('idle', 'read', 'p2') });
    await synced(again);
    expect(again.doc.getText('t').toString()).toBe(text);
    expect(again.doc.getXmlFragment('default').length).toBe(1);
    expect(Y.encodeStateVector(again.doc)).toEqual(expected);
    expect(h.collab.stats().documents).toBe(1);
  });

  test('compaction after N updates keeps the content identical and reduces the stored rows', async () => {
    const h = await startServer({ compactAfterUpdates: 10 });
    const a = connect(h, 'compact', { token: token('compact', 'edit', 'pa') });
    const b = connect(h, 'compact', { token: token('compact', 'read', 'pb') });
    await synced(a, b);
    for (let i = 0; i < 45; i++) {
      // One transaction per insert: 45 updates, 45 messages.
      a.doc.getText('t').insert(i, String.fromCharCode(97 + (i % 26)));
    }
    a.doc.getText('t').delete(0, 5);
    await waitFor(() => b.doc.getText('t').toString() === a.doc.getText('t').toString(), 'B has everything', WAIT_MS);
    await h.collab.flush();
    const { rows } = await h.store.size('compact');
    expect(rows).toBeLessThan(10);
    expect(rows).toBeGreaterThanOrEqual(1);
    const stored = await fromStore(h, 'compact');
    expect(stored.getText('t').toString()).toBe(a.doc.getText('t').toString());
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(a.doc));
  });

  test('when the store fails, the update is neither applied nor relayed; the client reconnects and re-sends it', async () => {
    let failing = false;
    const h = await startServer({
      wrapStore: (store) => ({
        ...store,
        appendUpdate: (name, update) => (failing ? Promise.reject(new Error('disk full')) : store.appendUpdate(name, update)),
      }),
    });
    const a = connect(h, 'fail', { token: token('fail', 'edit', 'pa') }, new Y.Doc(), () => ({ token: token('fail', 'edit', 'pa') }));
    const b = connect(h, 'fail', { token: token('fail', 'edit', 'pb') });
    await synced(a, b);

    failing = true;
    a.doc.getText('t').insert(0, 'precious');
    await waitFor(() => a.closeCodes.includes(COLLAB_CLOSE.internalError), 'writer closed with 4500', WAIT_MS);
    expect(b.doc.getText('t').toString()).toBe('');
    expect(h.logs.some((l) => l.includes('could not store'))).toBe(true);

    // 4500 is transient: the provider reconnects; once the store works its sync step 2 carries the edit.
    failing = false;
    await waitFor(() => b.doc.getText('t').toString() === 'precious', 'edit arrives after recovery', WAIT_MS);
    expect((await fromStore(h, 'fail')).getText('t').toString()).toBe('precious');
    expect(a.closed).toBeUndefined();
  });

  test('renderDocument renders from memory and from the store', async () => {
    const h = await startServer({ idleUnloadMs: 30 });
    const a = connect(h, 'render', { token: token('render') });
    await synced(a);
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('Hi <b>there</b>')]);
    a.doc.getXmlFragment('default').insert(0, [p]);
    await waitFor(async () => (await h.collab.renderDocument('render', 'html')) === '<p>Hi &lt;b&gt;there&lt;/b&gt;</p>', 'rendered from memory', WAIT_MS);
    a.provider.destroy();
    await waitFor(() => h.collab.stats().documents === 0, 'unloaded', WAIT_MS);
    expect(await h.collab.renderDocument('render', 'markdown')).toBe('Hi \\<b\\>there\\</b\\>\n');
    expect(await h.collab.renderDocument('never-written', 'html')).toBe('');
    // Rendering from the store does not keep the document in memory.
    expect(h.collab.stats().documents).toBe(0);
  });

  test('with 40 clients in one document, a burst of presence changes costs each client one or two messages, not 40', async () => {
    const h = await startServer({ awarenessFlushMs: 100 });
    const count = 40;
    const clients: RawClient[] = [];
    for (let i = 0; i < count; i++) clients.push(await rawClient(h, 'crowd', `?token=${token('crowd', 'read', `p${i}`)}`));
    // Attached once the server's sync step 1 arrived.
    await waitFor(() => clients.every((c) => c.messages.length >= 1), 'all attached', WAIT_MS);
    const awarenessMessages = (c: RawClient) =>
      c.messages.filter((m) => decoding.readVarUint(decoding.createDecoder(m)) === 1);
    const before = clients.map((c) => awarenessMessages(c).length);

    // Every client announces itself in the same instant (as after a room opens).
    clients.forEach((c, i) => {
      const update = encoding.createEncoder();
      encoding.writeVarUint(update, 1); // one state
      encoding.writeVarUint(update, 1000 + i); // client id
      encoding.writeVarUint(update, 1); // clock
      encoding.writeVarString(update, JSON.stringify({ user: `P${i}` }));
      const message = encoding.createEncoder();
      encoding.writeVarUint(message, 1);
      encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
      c.ws.send(encoding.toUint8Array(message));
    });

    const statesSeenBy = (c: RawClient) => {
      const probe = new awarenessProtocol.Awareness(new Y.Doc());
      for (const m of awarenessMessages(c)) {
        const d = decoding.createDecoder(m);
        decoding.readVarUint(d);
        awarenessProtocol.applyAwarenessUpdate(probe, decoding.readVarUint8Array(d), 'test');
      }
      const size = probe.getStates().size - 1; // minus the probe's own
      probe.destroy();
      return size;
    };
    await waitFor(() => clients.every((c) => statesSeenBy(c) === count), 'everyone sees everyone', WAIT_MS);
    const received = clients.map((c, i) => awarenessMessages(c).length - before[i]!);
    // The stock server would send each client 40 messages here (1,600 in all).
    for (const n of received) expect(n).toBeLessThanOrEqual(3);
  });

  test('edits that arrive together are relayed as one merged update; everyone converges, senders too', async () => {
    const h = await startServer();
    const writers: RawClient[] = [];
    for (let i = 0; i < 4; i++) writers.push(await rawClient(h, 'burst', `?token=${token('burst', 'edit', `w${i}`)}`));
    const watcher = await rawClient(h, 'burst', `?token=${token('burst', 'read', 'watcher')}`);
    await waitFor(() => [...writers, watcher].every((c) => c.messages.length >= 1), 'all attached', WAIT_MS);
    const updatesOf = (c: RawClient) =>
      c.messages.filter((m) => {
        const d = decoding.createDecoder(m);
        return decoding.readVarUint(d) === 0 && decoding.readVarUint(d) === syncProtocol.messageYjsUpdate;
      });
    const textOf = (c: RawClient) => {
      const doc = new Y.Doc();
      for (const m of updatesOf(c)) {
        const d = decoding.createDecoder(m);
        decoding.readVarUint(d);
        decoding.readVarUint(d);
        Y.applyUpdate(doc, decoding.readVarUint8Array(d));
      }
      return doc.getText('t').toString();
    };

    // Each writer makes five edits in its own document and sends them at once, all writers in the same instant.
    const sources = writers.map(() => new Y.Doc());
    writers.forEach((writer, i) => {
      const source = sources[i]!;
      source.on('update', (update: Uint8Array) => writer.ws.send(syncMessage(syncProtocol.messageYjsUpdate, update)));
      for (let k = 0; k < 5; k++) source.getText('t').insert(source.getText('t').length, `${i}${k};`);
    });
    const everything = Array.from({ length: 4 }, (_, i) => Array.from({ length: 5 }, (_, k) => `${i}${k};`).join(''));
    const complete = (text: string) => everything.every((part) => text.includes(part)) && text.length === everything.join('').length;
    await waitFor(() => complete(textOf(watcher)), 'the watcher has all 20 edits', WAIT_MS);
    // Every writer gets the others' edits (its own may come back inside a merged update).
    for (const writer of writers) await waitFor(() => everything.every((part, i) => writer === writers[i] || textOf(writer).includes(part)), 'others edits', WAIT_MS);
    // 20 edits reached the watcher in fewer messages than edits.
    expect(updatesOf(watcher).length).toBeLessThan(20);
    expect((await fromStore(h, 'burst')).getText('t').toString()).toBe(textOf(watcher));
  });

  test('a peer that stops answering pings is dropped and its presence removed', async () => {
    const h = await startServer({ pingIntervalMs: 40 });
    const watcher = connect(h, 'ping', { token: token('ping', 'read', 'w') });
    await synced(watcher);
    // autoPong off: this peer is "dead" to the server, though its TCP connection stays open.
    const ws = new WebSocket(`${h.url}/ping?token=${token('ping', 'read', 'dead')}`, { autoPong: false });
    ws.on('error', () => {});
    cleanups.push(() => ws.terminate());
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));
    const message = encoding.createEncoder();
    encoding.writeVarUint(message, 1);
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1);
    encoding.writeVarUint(update, 777);
    encoding.writeVarUint(update, 1);
    encoding.writeVarString(update, '{"user":"ghost"}');
    encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
    ws.send(encoding.toUint8Array(message));
    await waitFor(() => watcher.provider.awareness.getStates().has(777), 'ghost visible', WAIT_MS);

    expect(await closed).toBe(1006); // terminated, no close frame
    await waitFor(() => !watcher.provider.awareness.getStates().has(777), 'ghost removed', WAIT_MS);
    expect(watcher.closeCodes).toEqual([]); // the stock client answers pings and stays
  });

  test('a document that cannot be loaded closes the connection with internalError, and the client retries', async () => {
    let loads = 0;
    const h = await startServer({
      wrapStore: (store) => ({
        ...store,
        loadDocument: (name) => (++loads === 1 ? Promise.reject(new Error('disk on fire')) : store.loadDocument(name)),
      }),
    });
    const a = connect(h, 'flaky', { token: token('flaky') }, new Y.Doc(), () => ({ token: token('flaky') }));
    await synced(a);
    expect(a.closeCodes).toEqual([COLLAB_CLOSE.internalError]);
    expect(loads).toBe(2);
  });

  test('close() ends every connection with serverShutdown, keeps all stored, and refuses newcomers', async () => {
    const h = await startServer();
    const a = connect(h, 'bye', { token: token('bye') });
    await synced(a);
    a.doc.getText('t').insert(0, 'saved');
    await waitFor(async () => (await fromStore(h, 'bye')).getText('t').toString() === 'saved', 'stored', WAIT_MS);
    await h.collab.close();
    await waitFor(() => a.closeCodes.includes(COLLAB_CLOSE.serverShutdown), 'shutdown code', WAIT_MS);
    expect(h.collab.stats()).toEqual({ documents: 0, connections: 0 });
    // After close() the WebSocket server itself answers upgrades with HTTP 503; clients retry later.
    await expect(rawClient(h, 'bye', `?token=${token('bye')}`)).rejects.toThrow(/503/);
    expect((await fromStore(h, 'bye')).getText('t').toString()).toBe('saved');
    a.provider.destroy();
  });
});

function claimsFor(doc: string): CollabClaims {
  return { doc, mode: 'edit', personId: 'p1', workshopId: 'w1' };
}
