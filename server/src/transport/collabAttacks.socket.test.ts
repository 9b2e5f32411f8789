/**
 * The collaboration socket under attack, through the app's own port with stock clients (y-websocket's
 * provider, or ws speaking the protocol with y-protocols): floods, paused readers, oversize messages,
 * reused tokens, borrowed presence names and participants writing what the room's rules forbid.
 * Each attacker is closed with the documented code while everyone else keeps working.
 */
import { connect as netConnect, type NetConnectOpts, type Socket } from 'node:net';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { addCard, deleteItems, readBoard, updateItem, type BoardSnapshot } from '@werkraum/shared/board';
import { COLLAB_CLOSE, COLLAB_MAX_MESSAGE_BYTES } from '@werkraum/shared/closeCodes';
import type { CollabGrant } from '@werkraum/shared/protocol';
import { PLENARY_ROOM, draftDocName, roomDocName } from '@werkraum/shared/rooms';
import { renderNotesMarkdown } from '../collab/render.js';
import { okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { NotesHarness, type CollabClient } from '../test/notesHarness.js';

/** Waits for network round trips of large amounts of data on a busy machine; they end as soon as the state is reached. */
const LONG_WAIT_MS = 30_000;

const idOf = (client: TestClient) => client.snapshot!.session.personId;

/** Appends a paragraph to a notes document, as the editor would. */
function writeParagraph(doc: Y.Doc, text: string): void {
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [paragraph]);
}

/** A raw client speaking the protocol with y-protocols, whose TCP socket the test holds (to stop reading it). */
interface RawCollab {
  ws: WebSocket;
  tcp: () => Socket;
  messages: Uint8Array[];
  /** The close code the client saw. */
  closed: Promise<number>;
}

describe('the collaboration socket against hostile and broken clients', () => {
  const harness = new NotesHarness();
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mia: TestClient;
  let ana: TestClient;
  let ben: TestClient;
  const raws: WebSocket[] = [];

  afterEach(async () => {
    for (const ws of raws.splice(0)) ws.terminate();
    await harness.cleanup();
  });

  async function start(): Promise<void> {
    server = await harness.startNotes();
    workshop = await harness.createWorkshop(server);
    mia = await harness.join(server, workshop, 'moderator', 'Mia');
    ana = await harness.join(server, workshop, 'participant', 'Ana');
    ben = await harness.join(server, workshop, 'participant', 'Ben');
  }

  const notesDoc = () => roomDocName('notes', workshop.id, PLENARY_ROOM);
  const boardDoc = () => roomDocName('board', workshop.id, PLENARY_ROOM);

  async function grant(client: TestClient, kind: 'notes' | 'board' | 'drafts'): Promise<CollabGrant> {
    if (kind === 'notes') return okData(await client.call('notes:token', { roomId: PLENARY_ROOM }));
    return okData(await client.call('board:token', kind === 'drafts' ? { roomId: PLENARY_ROOM, drafts: true } : { roomId: PLENARY_ROOM }));
  }

  /** A stock provider with a fresh token, synced with the server. */
  async function open(client: TestClient, kind: 'notes' | 'board' | 'drafts'): Promise<CollabClient> {
    const collab = harness.collab(server, await grant(client, kind));
    await waitFor(() => collab.provider.synced, `synced on ${kind}`);
    return collab;
  }

  /** Waits until the provider gave up with a permanent close code and returns that code. */
  async function closeCodeOf(collab: CollabClient): Promise<number> {
    return (await waitFor(() => collab.closed, 'the connection closed by the server', LONG_WAIT_MS)).code;
  }

  /** A raw WebSocket on a document, opened with `token`; resolves once the server's first message arrived. */
  async function rawCollab(docName: string, token: string): Promise<RawCollab> {
    let socket: Socket | undefined;
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/collab/${docName}?token=${encodeURIComponent(token)}`, {
      // Hold on to the TCP socket: a test stops reading it like a frozen laptop would.
      createConnection: (options: object) => {
        socket = netConnect(options as NetConnectOpts);
        return socket;
      },
    });
    raws.push(ws);
    const messages: Uint8Array[] = [];
    ws.on('message', (data) => messages.push(new Uint8Array(data as Buffer)));
    ws.on('error', () => {});
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await waitFor(() => messages.length > 0 || ws.readyState === WebSocket.CLOSED, 'the first message or a close');
    return { ws, tcp: () => socket!, messages, closed };
  }

  /** The board as the collaboration server holds it now (memory, else store). */
  async function serverBoard(): Promise<BoardSnapshot> {
    const doc = await server.app.collab.snapshot(boardDoc());
    try {
      return readBoard(doc);
    } finally {
      doc.destroy();
    }
  }

  /** A document read fresh from the store (not the server's memory). */
  async function storedDoc(name: string): Promise<Y.Doc> {
    await server.app.collab.flush();
    const doc = new Y.Doc();
    for (const update of (await server.store.collab.loadDocument(name)).updates) Y.applyUpdate(doc, update);
    return doc;
  }

  async function storedBoard(): Promise<BoardSnapshot> {
    const doc = await storedDoc(boardDoc());
    try {
      return readBoard(doc);
    } finally {
      doc.destroy();
    }
  }

  async function health(): Promise<number> {
    return (await fetch(`${server.baseUrl}/api/health`)).status;
  }

  it('a flood of updates is closed with 4429; the board, the other editors and other documents carry on', async () => {
    await start();
    const anaBoard = await open(ana, 'board');
    const benBoard = await open(ben, 'board');
    const miaNotes = await open(mia, 'notes');
    const benNotes = await open(ben, 'notes');
    const card = addCard(anaBoard.doc, { text: 'Flut', x: 0, y: 0, authorId: idOf(ana), authorName: 'Ana' });
    await waitFor(() => readBoard(benBoard.doc).cards.length === 1, 'the card reaches Ben');

    // 3,000 separate edits, each its own message, as fast as the client can send them.
    for (let i = 1; i <= 3_000; i++) updateItem(anaBoard.doc, card, { x: i % 1_000 });
    expect(await closeCodeOf(anaBoard)).toBe(COLLAB_CLOSE.rateLimited);
    expect(anaBoard.closeCodes).toEqual([COLLAB_CLOSE.rateLimited]);

    // The server answers; Ben and Mia were not touched and still edit both documents.
    expect(await health()).toBe(200);
    writeParagraph(miaNotes.doc, 'Nach der Flut');
    await waitFor(() => renderNotesMarkdown(benNotes.doc) === 'Nach der Flut\n', 'Mia’s paragraph reaches Ben');
    updateItem(benBoard.doc, card, { text: 'Ben war hier' });
    await waitFor(async () => (await serverBoard()).cards[0]?.text === 'Ben war hier', 'Ben’s edit on the server');
    expect(benBoard.closeCodes).toEqual([]);
    expect(miaNotes.closeCodes).toEqual([]);
    expect(benNotes.closeCodes).toEqual([]);
    // Memory and store agree; what Ben sees is what is stored.
    expect(await storedBoard()).toEqual(await serverBoard());
    await waitFor(() => readBoard(benBoard.doc).cards[0]?.text === 'Ben war hier', 'Ben’s own view');
    expect(readBoard(benBoard.doc)).toEqual(await storedBoard());
  });

  it('a reader that stops reading is closed with 4508 and dropped; the others receive everything and keep editing', async () => {
    await start();
    const benNotes = await open(ben, 'notes');
    const readerGrant = await grant(ana, 'notes');
    const reader = await rawCollab(readerGrant.docName, readerGrant.token);
    // A proper client: it asks for the document (sync step 1) and gets it, then its laptop freezes.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeSyncStep1(encoder, new Y.Doc());
    reader.ws.send(encoding.toUint8Array(encoder));
    await waitFor(() => reader.messages.length >= 2, 'the reader’s sync step 2');
    reader.tcp().pause();

    // Mia writes large paragraphs from several connections (each within its own budget) until the
    // server gives up on the reader: the kernel's buffers plus 4 MiB must fill up first.
    const chunk = 'x'.repeat(512 * 1024);
    const slowReaderClosed = () => server.logs.some((entry) => entry.message.includes('closing a slow reader'));
    let written = 0;
    for (let writer = 0; writer < 12 && !slowReaderClosed(); writer++) {
      const miaNotes = await open(mia, 'notes');
      for (let i = 0; i < 6; i++) writeParagraph(miaNotes.doc, `${writer}.${i} ${chunk}`);
      written += 6;
      // Everything written so far has been relayed to Ben, who reads.
      await waitFor(() => benNotes.doc.getXmlFragment('default').length === written, `${written} paragraphs reach Ben`, LONG_WAIT_MS);
      miaNotes.destroy();
    }
    expect(slowReaderClosed()).toBe(true);
    // The reader no longer counts as connected: nothing more is held for it.
    // (Ben's is the only connection left: the writers have left, the reader was dropped while it still holds its socket open.)
    await waitFor(() => server.app.collab.stats().connections === 1, 'only Ben connected');
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);

    // Ben keeps working: his edit is stored and reaches a new editor.
    writeParagraph(benNotes.doc, 'Ben schreibt weiter');
    const late = await open(mia, 'notes');
    await waitFor(() => late.doc.getXmlFragment('default').length === written + 1, 'Ben’s paragraph reaches Mia', LONG_WAIT_MS);
    expect(benNotes.closeCodes).toEqual([]);
    expect(await health()).toBe(200);

    // When the frozen laptop reads again, it learns why it was closed: 4508 (transient, it reconnects with a fresh token).
    reader.tcp().resume();
    expect(await reader.closed).toBe(COLLAB_CLOSE.slowReader);
    const again = await open(ana, 'notes');
    await waitFor(() => again.doc.getXmlFragment('default').length === written + 1, 'the reader re-syncs', LONG_WAIT_MS);
  }, 120_000);

  it('an oversize message is closed with 4413 (never 1009), is not stored, and the others are unaffected', async () => {
    await start();
    const anaNotes = await open(ana, 'notes');
    const benNotes = await open(ben, 'notes');
    writeParagraph(benNotes.doc, 'Vorher');
    await waitFor(() => renderNotesMarkdown(anaNotes.doc) === 'Vorher\n', 'Ben’s paragraph reaches Ana');

    // The stock client sends a 3 MiB paragraph as one message.
    writeParagraph(anaNotes.doc, 'y'.repeat(3 * 1024 * 1024));
    expect(await closeCodeOf(anaNotes)).toBe(COLLAB_CLOSE.messageTooLarge);
    expect(anaNotes.closeCodes).toEqual([COLLAB_CLOSE.messageTooLarge]);

    // One byte over the limit, from a raw client, is refused the same way.
    const rawGrant = await grant(ana, 'notes');
    const raw = await rawCollab(rawGrant.docName, rawGrant.token);
    raw.ws.send(new Uint8Array(COLLAB_MAX_MESSAGE_BYTES + 1));
    expect(await raw.closed).toBe(COLLAB_CLOSE.messageTooLarge);

    writeParagraph(benNotes.doc, 'Nachher');
    const fresh = await open(mia, 'notes');
    await waitFor(() => renderNotesMarkdown(fresh.doc) === 'Vorher\n\nNachher\n', 'Ben’s second paragraph');
    expect(benNotes.closeCodes).toEqual([]);
    const stored = await storedDoc(notesDoc());
    expect(renderNotesMarkdown(stored)).toBe('Vorher\n\nNachher\n');
    stored.destroy();
  });

  it('a token opens one connection only: reusing it is refused with 4403, also after the first connection ended', async () => {
    await start();
    const answer = await grant(ana, 'notes');
    const first = harness.collab(server, answer);
    await waitFor(() => first.provider.synced, 'the first connection synced');
    const second = harness.collab(server, answer);
    expect(await closeCodeOf(second)).toBe(COLLAB_CLOSE.invalidToken);
    expect(second.provider.synced).toBe(false);

    // The first connection is untouched.
    const benNotes = await open(ben, 'notes');
    writeParagraph(first.doc, 'Ana, einmal');
    await waitFor(() => renderNotesMarkdown(benNotes.doc) === 'Ana, einmal\n', 'Ana’s paragraph reaches Ben');
    expect(first.closeCodes).toEqual([]);

    first.destroy();
    const raw = await rawCollab(answer.docName, answer.token);
    expect(await raw.closed).toBe(COLLAB_CLOSE.invalidToken);
    // The refused connections wrote nothing.
    const stored = await storedDoc(notesDoc());
    expect(renderNotesMarkdown(stored)).toBe('Ana, einmal\n');
    stored.destroy();
  });

  it('presence names are set by the server: a client claiming another name is shown under its own', async () => {
    await start();
    const anaNotes = await open(ana, 'notes');
    const benNotes = await open(ben, 'notes');
    const miaNotes = await open(mia, 'notes');
    const userOf = (observer: CollabClient, of: CollabClient) =>
      (observer.provider.awareness.getStates().get(of.doc.clientID) as { user?: { name?: string; color?: string }; cursor?: unknown } | undefined)?.user;

    miaNotes.provider.awareness.setLocalStateField('user', { name: 'Mia', color: '#0000ff' });
    anaNotes.provider.awareness.setLocalStateField('user', { name: 'Mia', color: '#ff0000' });
    await waitFor(() => userOf(benNotes, anaNotes)?.color === '#ff0000', 'Ana’s presence reaches Ben');
    await waitFor(() => userOf(benNotes, miaNotes)?.color === '#0000ff', 'Mia’s presence reaches Ben');
    expect(userOf(benNotes, anaNotes)).toEqual({ name: 'Ana', color: '#ff0000' });
    expect(userOf(benNotes, miaNotes)).toEqual({ name: 'Mia', color: '#0000ff' });

    // Another try under Ben's name, and one with a name that is not a string.
    anaNotes.provider.awareness.setLocalStateField('user', { name: 'Ben', color: '#00ff00' });
    await waitFor(() => userOf(miaNotes, anaNotes)?.color === '#00ff00', 'Ana’s second presence reaches Mia');
    expect(userOf(miaNotes, anaNotes)).toEqual({ name: 'Ana', color: '#00ff00' });
    anaNotes.provider.awareness.setLocalStateField('user', { name: { toString: 'Mia' }, color: '#00ff01' });
    await waitFor(() => userOf(miaNotes, anaNotes)?.color === '#00ff01', 'Ana’s third presence reaches Mia');
    expect(userOf(miaNotes, anaNotes)).toEqual({ name: 'Ana', color: '#00ff01' });

    // Everyone sees the others under their own names: one Mia, one Ana, no false Ben (Ben set no presence).
    const othersSeenBy = (observer: CollabClient) =>
      [...observer.provider.awareness.getStates()]
        .filter(([clientId]) => clientId !== observer.doc.clientID)
        .map(([, state]) => (state as { user?: { name?: unknown } }).user?.name)
        .filter((name) => name !== undefined);
    expect(othersSeenBy(anaNotes)).toEqual(['Mia']);
    expect(othersSeenBy(miaNotes)).toEqual(['Ana']);
    expect(othersSeenBy(benNotes).sort()).toEqual(['Ana', 'Mia']);
    expect(anaNotes.closeCodes).toEqual([]);
  });

  it('participants cannot move, delete or unlock locked items, edit a locked board, or bypass private writing', async () => {
    await start();
    const miaBoard = await open(mia, 'board');
    const benBoard = await open(ben, 'board');
    const locked = addCard(miaBoard.doc, { text: 'Festgelegt', x: 0, y: 0, locked: true, authorName: 'Mia' });
    const free = addCard(miaBoard.doc, { text: 'Frei', x: 300, y: 0, authorName: 'Mia' });
    await waitFor(async () => (await serverBoard()).cards.length === 2, 'both cards on the server');
    await waitFor(() => readBoard(benBoard.doc).cards.length === 2, 'both cards reach Ben');

    /** Ana tries something with a fresh connection; it is refused with 4400 and nothing changes anywhere. */
    const refused = async (what: string, attempt: (doc: Y.Doc) => void) => {
      const before = await serverBoard();
      const anaBoard = await open(ana, 'board');
      attempt(anaBoard.doc);
      expect(await closeCodeOf(anaBoard), what).toBe(COLLAB_CLOSE.badMessage);
      expect(await serverBoard(), what).toEqual(before);
      expect(await storedBoard(), what).toEqual(before);
      // Ben still has the board as it was, and his connection was not touched.
      expect(readBoard(benBoard.doc), what).toEqual(before);
      expect(benBoard.closeCodes, what).toEqual([]);
      anaBoard.destroy();
    };

    await refused('moving a locked card', (doc) => updateItem(doc, locked, { x: 500, y: 500 }));
    await refused('editing a locked card', (doc) => updateItem(doc, locked, { text: 'Übermalt' }));
    // deleteItems skips locked items, so the attacker deletes the map entry directly.
    await refused('deleting a locked card', (doc) => doc.getMap('items').delete(locked));
    await refused('unlocking a locked card', (doc) => updateItem(doc, locked, { locked: false }));
    await refused('locking a card', (doc) => updateItem(doc, free, { locked: true }));
    await refused('changing the board settings', (doc) => doc.getMap('settings').set('locked', true));

    // What participants may do still goes through, for Ana too.
    const anaBoard = await open(ana, 'board');
    updateItem(anaBoard.doc, free, { x: 320 });
    await waitFor(() => readBoard(benBoard.doc).cards.find((card) => card.id === free)?.x === 320, 'Ana’s move reaches Ben');
    expect(anaBoard.closeCodes).toEqual([]);
    anaBoard.destroy();

    // A locked board: participants change nothing at all.
    miaBoard.doc.getMap('settings').set('locked', true);
    await waitFor(async () => (await server.app.collab.snapshot(boardDoc())).getMap('settings').get('locked') === true, 'the board is locked');
    await refused('moving a free card on a locked board', (doc) => updateItem(doc, free, { x: 0, y: 300 }));
    await refused('adding a card to a locked board', (doc) => addCard(doc, { text: 'Trotzdem', x: 600, y: 0 }));
    await refused('deleting a free card on a locked board', (doc) => deleteItems(doc, [free]));
    miaBoard.doc.getMap('settings').set('locked', false);
    await waitFor(async () => (await server.app.collab.snapshot(boardDoc())).getMap('settings').get('locked') === false, 'the board is unlocked');

    // Private writing: no card straight onto the board, no entry into someone else's drafts.
    okData(await mia.call('board:setPrivateWriting', { roomId: PLENARY_ROOM, on: true }));
    await refused('a card straight onto the board during private writing', (doc) =>
      addCard(doc, { text: 'Vorbei an den Entwürfen', x: 600, y: 0, authorId: idOf(ana), authorName: 'Ana' }),
    );
    const benDrafts = await open(ben, 'drafts');
    addCard(benDrafts.doc, { text: 'Bens Geheimnis', x: 0, y: 0, authorId: idOf(ben), authorName: 'Ben' });
    const benDraftsName = draftDocName(workshop.id, PLENARY_ROOM, idOf(ben));
    await waitFor(async () => readBoard(await server.app.collab.snapshot(benDraftsName)).cards.length === 1, 'Ben’s draft stored');
    const anaDrafts = await grant(ana, 'drafts');
    expect(anaDrafts.docName).toBe(draftDocName(workshop.id, PLENARY_ROOM, idOf(ana)));
    // Ana's drafts token on Ben's drafts: refused before anything is read or written.
    const intruder = harness.collab(server, { docName: benDraftsName, token: anaDrafts.token });
    expect(await closeCodeOf(intruder)).toBe(COLLAB_CLOSE.documentMismatch);
    expect(intruder.provider.synced).toBe(false);
    expect(readBoard(intruder.doc).cards).toEqual([]);
    const benStored = await storedDoc(benDraftsName);
    expect(readBoard(benStored).cards.map((card) => card.text)).toEqual(['Bens Geheimnis']);
    benStored.destroy();
    expect(benDrafts.closeCodes).toEqual([]);
    expect(await health()).toBe(200);
  });
});
