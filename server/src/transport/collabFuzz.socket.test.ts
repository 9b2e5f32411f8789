/**
 * Generated Yjs updates (fast-check, fixed seed) sent through the app's collaboration socket by
 * stock clients: random element trees, texts, marks and attributes in the notes fragment, random
 * items and values in the board maps, content under foreign roots, and random bytes. Whatever
 * arrives, the server keeps answering, stores only what passes its checks (so the stored documents
 * pass them as a whole), and the documents still render (notes HTML/Markdown, board
 * SVG/PNG/outline), also after a restart.
 */
import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { addCard, boardProblems, readBoard } from '@werkraum/shared/board';
import type { CollabGrant } from '@werkraum/shared/protocol';
import { PLENARY_ROOM, roomDocName } from '@werkraum/shared/rooms';
import { renderNotesMarkdown } from '../collab/render.js';
import { notesFragmentProblem } from '../collab/validate.js';
import { okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { NotesHarness, type CollabClient } from '../test/notesHarness.js';

const SEED = 20_261_212;
const NOTES_CASES = 80;
const BOARD_CASES = 80;
const BYTE_CASES = 120;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// ---- generated content ----

const oddNumber = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e9, -1e8, 1e308, 5e-324);
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  oddNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }),
  fc.object({ maxDepth: 1, maxKeys: 3 }),
);

/** A description of an XML node, turned into Yjs types by `buildNode`. */
type NodeSpec = { element: string; attrs: Record<string, unknown>; children: NodeSpec[] } | { text: string; marks: Record<string, unknown> };

const nodeName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('paragraph', 'heading', 'bulletList', 'orderedList', 'listItem', 'blockquote', 'codeBlock', 'hardBreak', 'horizontalRule') },
  { weight: 2, arbitrary: fc.constantFrom('script', 'img', 'div', 'doc', 'text', 'iframe', '__proto__', 'constructor') },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
);
const attrName = fc.oneof(fc.constantFrom('level', 'language', 'start', 'type', 'href', 'onclick', 'style', 'class', '__proto__'), fc.string({ minLength: 1, maxLength: 8 }));
const markName = fc.oneof(fc.constantFrom('bold', 'italic', 'strike', 'code', 'link', 'underline', 'blink', 'bold--abcdefgh', 'link--12345678'), fc.string({ minLength: 1, maxLength: 8 }));
const markValue = fc.oneof(fc.constant(true), fc.constant(null), fc.constant({}), fc.record({ href: fc.oneof(fc.webUrl(), fc.constant('javascript:alert(1)'), fc.integer()) }), value);

/** Trees of any names, attributes and marks. */
const { node: hostileNode } = fc.letrec<{ node: NodeSpec; element: NodeSpec; text: NodeSpec }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('text'), tie('element')),
  element: fc.record({
    element: nodeName,
    attrs: fc.dictionary(attrName, value, { maxKeys: 3 }),
    children: fc.array(tie('node'), { maxLength: 3 }),
  }),
  text: fc.record({ text: fc.string({ maxLength: 30 }), marks: fc.dictionary(markName, markValue, { maxKeys: 2 }) }),
}));
/** Trees of what the editor writes (schema node types, their attributes, its marks), so that many writes are accepted and build up content. */
const { node: editorNode } = fc.letrec<{ node: NodeSpec; element: NodeSpec; text: NodeSpec }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('text'), tie('element')),
  element: fc.oneof(
    fc.record({ element: fc.constantFrom('paragraph', 'blockquote', 'bulletList', 'orderedList', 'listItem', 'codeBlock'), attrs: fc.constant({}), children: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ element: fc.constant('heading'), attrs: fc.record({ level: fc.integer({ min: 1, max: 6 }) }), children: fc.array(tie('text'), { maxLength: 2 }) }),
  ),
  text: fc.record({
    text: fc.string({ minLength: 1, maxLength: 30 }),
    marks: fc.dictionary(fc.constantFrom('bold', 'italic', 'strike', 'code'), fc.constant({}), { maxKeys: 2 }),
  }),
}));
const node = fc.oneof({ weight: 3, arbitrary: editorNode }, { weight: 1, arbitrary: hostileNode });
const editorElement = editorNode.filter((spec) => 'element' in spec);

/** One edit of a notes document, as a client could send it. */
type NotesOp =
  | { op: 'insert'; at: number; nodes: NodeSpec[] }
  | { op: 'delete'; at: number; length: number }
  | { op: 'typeInto'; at: number; offset: number; text: string; marks: Record<string, unknown> }
  | { op: 'setAttribute'; at: number; name: string; value: unknown }
  | { op: 'foreignRoot'; root: string; kind: 'text' | 'array' | 'map' }
  | { op: 'stringsInFragment'; text: string }
  | { op: 'deepQuotes'; depth: number };

const notesOp: fc.Arbitrary<NotesOp> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(8), nodes: fc.array(editorElement, { minLength: 1, maxLength: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(8), nodes: fc.array(node, { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(8), length: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('typeInto' as const), at: fc.nat(8), offset: fc.nat(40), text: fc.string({ maxLength: 20 }), marks: fc.oneof(fc.constant({}), fc.constant({ bold: {} }), fc.dictionary(markName, markValue, { maxKeys: 2 })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setAttribute' as const), at: fc.nat(8), name: attrName, value }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('foreignRoot' as const), root: fc.constantFrom('default2', 'items', 'settings', 'prosemirror'), kind: fc.constantFrom('text' as const, 'array' as const, 'map' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('stringsInFragment' as const), text: fc.string({ minLength: 1, maxLength: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deepQuotes' as const), depth: fc.integer({ min: 1, max: 200 }) }) },
);

/** One edit of a board, as a client could send it. */
type BoardOp =
  | { op: 'card'; text: string; x: number; y: number }
  | { op: 'item'; id: string; fields: Record<string, unknown> }
  | { op: 'field'; at: number; key: string; value: unknown }
  | { op: 'primitive'; id: string; value: unknown }
  | { op: 'nested'; at: number; key: string; kind: 'array' | 'map' | 'text'; values: unknown[] }
  | { op: 'delete'; at: number }
  | { op: 'setting'; key: string; value: unknown }
  | { op: 'foreignRoot'; root: string };

const itemKey = fc.oneof(fc.constantFrom('kind', 'text', 'title', 'x', 'y', 'w', 'h', 'color', 'points', 'size', 'order', 'clusterId', 'locked', 'authorId', 'authorName', 'createdAt'), fc.string({ maxLength: 8 }));
/** What the board model writes: new cards, moved items, changed texts, deletions. */
const validBoardOp: fc.Arbitrary<BoardOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('card' as const), text: fc.string({ maxLength: 40 }), x: fc.integer({ min: -2_000, max: 2_000 }), y: fc.integer({ min: -2_000, max: 2_000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('field' as const), at: fc.nat(10), key: fc.constantFrom('x', 'y'), value: fc.integer({ min: -5_000, max: 5_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('field' as const), at: fc.nat(10), key: fc.constant('color'), value: fc.constantFrom('yellow', 'green', 'blue') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(10) }) },
);
const hostileBoardOp: fc.Arbitrary<BoardOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('item' as const),
      id: fc.oneof(fc.uuid(), fc.string({ maxLength: 300 })),
      fields: fc.record(
        { kind: fc.oneof(fc.constantFrom('card', 'cluster', 'stroke', 'label'), value), x: fc.oneof(fc.integer({ min: -500, max: 500 }), oddNumber, value), y: fc.oneof(fc.integer({ min: -500, max: 500 }), value), w: fc.oneof(fc.integer({ min: 1, max: 400 }), oddNumber, value), h: fc.oneof(fc.integer({ min: 1, max: 400 }), oddNumber), text: fc.oneof(fc.string({ maxLength: 40 }), value), color: fc.oneof(fc.constantFrom('yellow', 'green', 'url(x)'), value), points: fc.array(fc.oneof(fc.integer(), oddNumber), { maxLength: 12 }), locked: fc.oneof(fc.boolean(), value) },
        { requiredKeys: [] },
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('field' as const), at: fc.nat(10), key: itemKey, value: fc.oneof(value, oddNumber) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('primitive' as const), id: fc.string({ maxLength: 10 }), value }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nested' as const), at: fc.nat(10), key: itemKey, kind: fc.constantFrom('array' as const, 'map' as const, 'text' as const), values: fc.array(value, { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setting' as const), key: fc.oneof(fc.constantFrom('locked', 'showAuthors'), fc.string({ maxLength: 6 })), value }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('foreignRoot' as const), root: fc.constantFrom('default', 'other', 'items2') }) },
);
const boardOp = fc.oneof({ weight: 3, arbitrary: validBoardOp }, { weight: 1, arbitrary: hostileBoardOp });

/** Random bytes, bare or wrapped in the protocol's message types, so they reach the decoders behind them. */
const byteMessage = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fc.constantFrom([0, 0], [0, 1], [0, 2], [1]), fc.uint8Array({ maxLength: 200 })).map(([prefix, bytes]) => {
    const encoder = encoding.createEncoder();
    for (const byte of prefix) encoding.writeVarUint(encoder, byte);
    encoding.writeVarUint8Array(encoder, bytes);
    return encoding.toUint8Array(encoder);
  }),
);

// ---- applying generated edits ----

function buildNode(spec: NodeSpec, depth = 0): Y.XmlElement | Y.XmlText {
  if ('text' in spec) return new Y.XmlText(spec.text);
  const element = new Y.XmlElement(spec.element);
  for (const [name, attr] of Object.entries(spec.attrs)) element.setAttribute(name, attr as string);
  if (depth < 6) element.insert(0, spec.children.map((child) => buildNode(child, depth + 1)));
  return element;
}

/** Marks are applied once the texts are part of the document (formatting needs an integrated type). */
function applyMarks(spec: NodeSpec, built: Y.XmlElement | Y.XmlText): void {
  if ('text' in spec) {
    if (built instanceof Y.XmlText && spec.text.length > 0 && Object.keys(spec.marks).length > 0) built.format(0, spec.text.length, spec.marks);
    return;
  }
  if (!(built instanceof Y.XmlElement)) return;
  const children = built.toArray();
  spec.children.forEach((child, index) => {
    const match = children[index];
    if (match instanceof Y.XmlElement || match instanceof Y.XmlText) applyMarks(child, match);
  });
}

/** All elements of a fragment, in document order (targets for edits). */
function elementsOf(fragment: Y.XmlFragment): Y.XmlElement[] {
  return [...fragment.createTreeWalker((type) => type instanceof Y.XmlElement)] as Y.XmlElement[];
}

function applyNotesOp(doc: Y.Doc, op: NotesOp): void {
  const fragment = doc.getXmlFragment('default');
  switch (op.op) {
    case 'insert': {
      const built = op.nodes.map((spec) => buildNode(spec));
      doc.transact(() => {
        fragment.insert(Math.min(op.at, fragment.length), built);
        op.nodes.forEach((spec, index) => applyMarks(spec, built[index]!));
      });
      return;
    }
    case 'delete':
      if (fragment.length > 0) fragment.delete(Math.min(op.at, fragment.length - 1), Math.min(op.length, fragment.length - Math.min(op.at, fragment.length - 1)));
      return;
    case 'typeInto': {
      const elements = elementsOf(fragment);
      const target = elements[op.at % Math.max(1, elements.length)];
      if (!target) return;
      const text = target.toArray().find((child): child is Y.XmlText => child instanceof Y.XmlText);
      if (text) text.insert(Math.min(op.offset, text.length), op.text, op.marks as Record<string, unknown>);
      else target.insert(0, [new Y.XmlText(op.text)]);
      return;
    }
    case 'setAttribute': {
      const elements = elementsOf(fragment);
      elements[op.at % Math.max(1, elements.length)]?.setAttribute(op.name, op.value as string);
      return;
    }
    case 'foreignRoot':
      if (op.kind === 'text') doc.getText(op.root).insert(0, 'x');
      else if (op.kind === 'array') doc.getArray(op.root).insert(0, [1]);
      else doc.getMap(op.root).set('x', 1);
      return;
    case 'stringsInFragment': {
      // Another client that took the root for plain text: its update integrates as strings in the fragment.
      const other = new Y.Doc();
      other.getText('default').insert(0, op.text);
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
      other.destroy();
      return;
    }
    case 'deepQuotes': {
      doc.transact(() => {
        let parent: Y.XmlFragment | Y.XmlElement = fragment;
        for (let level = 0; level < op.depth; level++) {
          const quote = new Y.XmlElement('blockquote');
          parent.insert(parent === fragment ? fragment.length : 0, [quote]);
          parent = quote;
        }
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [new Y.XmlText('tief')]);
        parent.insert(0, [paragraph]);
      });
      return;
    }
  }
}

function toYValue(kind: 'array' | 'map' | 'text', values: unknown[]): Y.Text | Y.Array<unknown> | Y.Map<unknown> {
  if (kind === 'text') return new Y.Text(values.map(String).join(''));
  if (kind === 'array') {
    const array = new Y.Array<unknown>();
    array.push(values);
    return array;
  }
  const map = new Y.Map<unknown>();
  values.forEach((entry, index) => map.set(String(index), entry));
  return map;
}

function applyBoardOp(doc: Y.Doc, op: BoardOp): void {
  const items = doc.getMap<unknown>('items');
  const ids = [...items.keys()].sort();
  const idAt = (at: number) => ids[at % Math.max(1, ids.length)];
  switch (op.op) {
    case 'card':
      addCard(doc, { text: op.text, x: op.x, y: op.y });
      return;
    case 'item': {
      const map = new Y.Map<unknown>();
      doc.transact(() => {
        items.set(op.id, map);
        for (const [key, field] of Object.entries(op.fields)) map.set(key, field);
      });
      return;
    }
    case 'field': {
      const target = items.get(idAt(op.at) ?? '');
      if (target instanceof Y.Map) target.set(op.key, op.value);
      return;
    }
    case 'primitive':
      items.set(op.id, op.value);
      return;
    case 'nested': {
      const target = items.get(idAt(op.at) ?? '');
      if (target instanceof Y.Map) target.set(op.key, toYValue(op.kind, op.values));
      return;
    }
    case 'delete': {
      const id = idAt(op.at);
      if (id !== undefined) items.delete(id);
      return;
    }
    case 'setting':
      doc.getMap('settings').set(op.key, op.value);
      return;
    case 'foreignRoot':
      doc.getText(op.root).insert(0, 'x');
      return;
  }
}

describe('generated Yjs updates through the collaboration socket', () => {
  const harness = new NotesHarness();
  afterEach(() => harness.cleanup());

  it(`${NOTES_CASES} notes, ${BOARD_CASES} board and ${BYTE_CASES} byte cases: the server lives, stores only what passes, and everything renders`, async () => {
    const server: TestServer = await harness.startNotes();
    const workshop: CreatedWorkshop = await harness.createWorkshop(server);
    const mia = await harness.join(server, workshop, 'moderator', 'Mia');
    const ana = await harness.join(server, workshop, 'participant', 'Ana');
    const notesName = roomDocName('notes', workshop.id, PLENARY_ROOM);
    const boardName = roomDocName('board', workshop.id, PLENARY_ROOM);

    const grant = async (client: TestClient, kind: 'notes' | 'board'): Promise<CollabGrant> =>
      okData(await client.call(kind === 'notes' ? 'notes:token' : 'board:token', { roomId: PLENARY_ROOM }));
    const open = async (client: TestClient, kind: 'notes' | 'board'): Promise<CollabClient> => {
      const collab = harness.collab(server, await grant(client, kind));
      await waitFor(() => collab.provider.synced || collab.closed, `synced on ${kind}`, 10_000);
      return collab;
    };
    // Observers that only read: they must end up with exactly what the server has.
    const notesObserver = await open(mia, 'notes');
    const boardObserver = await open(mia, 'board');
    let marker = 0;

    /** Applies the generated edits on a fresh connection and waits until the server has handled them (accepted or refused). */
    const runCase = async (client: TestClient, kind: 'notes' | 'board', apply: (doc: Y.Doc) => void) => {
      const attacker = await open(client, kind);
      const observer = kind === 'notes' ? notesObserver : boardObserver;
      try {
        apply(attacker.doc);
      } catch {
        // Some generated edits are impossible even locally (Yjs refuses them); what got through is sent.
      }
      marker += 1;
      const mine = marker;
      attacker.provider.awareness.setLocalStateField('marker', mine);
      await waitFor(
        () =>
          attacker.closed ||
          (observer.provider.awareness.getStates().get(attacker.doc.clientID) as { marker?: number } | undefined)?.marker === mine,
        `case ${mine} handled`,
        10_000,
      );
      attacker.destroy();
    };

    const notesCases = fc.sample(fc.array(notesOp, { minLength: 1, maxLength: 3 }), { seed: SEED, numRuns: NOTES_CASES });
    for (const [index, ops] of notesCases.entries()) {
      await runCase(index % 2 === 0 ? ana : mia, 'notes', (doc) => ops.forEach((op) => applyNotesOp(doc, op)));
    }
    const boardCases = fc.sample(fc.array(boardOp, { minLength: 1, maxLength: 3 }), { seed: SEED + 1, numRuns: BOARD_CASES });
    for (const [index, ops] of boardCases.entries()) {
      await runCase(index % 2 === 0 ? ana : mia, 'board', (doc) => ops.forEach((op) => applyBoardOp(doc, op)));
    }

    const byteCases = fc.sample(byteMessage, { seed: SEED + 2, numRuns: BYTE_CASES });
    for (const [index, bytes] of byteCases.entries()) {
      const target = await grant(index % 2 === 0 ? ana : mia, index % 3 === 0 ? 'board' : 'notes');
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/collab/${target.docName}?token=${encodeURIComponent(target.token)}`);
      const received: Uint8Array[] = [];
      let closed = false;
      ws.on('message', (data) => received.push(new Uint8Array(data as Buffer)));
      ws.on('close', () => (closed = true));
      ws.on('error', () => {});
      await waitFor(() => received.length > 0 || closed, `byte case ${index} connected`, 10_000);
      ws.send(bytes);
      // Then ask for the presence: an answer means the server is past the bytes and still serving this connection.
      const before = received.length;
      ws.send(Uint8Array.of(3));
      await waitFor(() => closed || received.slice(before).some((message) => message[0] === 1), `byte case ${index} handled`, 10_000);
      ws.terminate();
    }

    const health = await fetch(`${server.baseUrl}/api/health`);
    expect(health.status).toBe(200);

    /** The stored documents: every write that was kept passes the server's own checks, and the observers have it all. */
    const stored = async (name: string) => {
      await server.app.collab.flush();
      const doc = new Y.Doc();
      for (const update of (await server.store.collab.loadDocument(name)).updates) Y.applyUpdate(doc, update);
      return doc;
    };
    const storedNotes = await stored(notesName);
    expect(notesFragmentProblem(storedNotes.getXmlFragment('default'))).toBeNull();
    expect([...storedNotes.share.keys()].filter((root) => root !== 'default')).toEqual([]);
    const storedBoard = await stored(boardName);
    expect(boardProblems(storedBoard)).toEqual([]);
    expect([...storedBoard.share.keys()].filter((root) => root !== 'items' && root !== 'settings')).toEqual([]);
    await waitFor(() => renderNotesMarkdown(notesObserver.doc) === renderNotesMarkdown(storedNotes), 'the notes observer has what is stored');
    await waitFor(() => JSON.stringify(readBoard(boardObserver.doc)) === JSON.stringify(readBoard(storedBoard)), 'the board observer has what is stored');
    expect(notesObserver.closeCodes).toEqual([]);
    expect(boardObserver.closeCodes).toEqual([]);
    // Some generated writes were accepted, not everything was refused.
    expect(storedNotes.getXmlFragment('default').length).toBeGreaterThan(0);
    expect(readBoard(storedBoard).items.length).toBeGreaterThan(0);
    const expectedMarkdown = renderNotesMarkdown(storedNotes);
    storedNotes.destroy();
    storedBoard.destroy();

    /** Every export answers with content, before and after a restart (which reads the store). */
    const exportsOf = async (running: TestServer) => {
      const get = (path: string) =>
        fetch(`${running.baseUrl}/api/workshops/${workshop.id}/${path}`, { headers: { authorization: `Bearer ${workshop.keys.moderator}` } });
      const html = await get(`notes/${PLENARY_ROOM}?format=html`);
      expect(html.status).toBe(200);
      await html.text();
      const markdown = await get(`notes/${PLENARY_ROOM}?format=markdown`);
      expect(markdown.status).toBe(200);
      expect(await markdown.text()).toBe(expectedMarkdown);
      const svg = await get(`boards/${PLENARY_ROOM}?format=svg`);
      expect(svg.status).toBe(200);
      expect(await svg.text()).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      const png = await get(`boards/${PLENARY_ROOM}?format=png`);
      expect(png.status).toBe(200);
      expect([...Buffer.from(await png.arrayBuffer()).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      const outline = await get(`boards/${PLENARY_ROOM}?format=outline`);
      expect(outline.status).toBe(200);
      await outline.text();
    };
    await exportsOf(server);
    expect(okData(await mia.call('notes:preview', { roomId: PLENARY_ROOM })).html).toEqual(expect.any(String));
    expect(okData(await mia.call('board:preview', { roomId: PLENARY_ROOM })).svg).toMatch(/^<svg/);
    // Refusals leave one line each; nothing was stored that could not be applied or loaded again.
    expect(server.logs.map((entry) => entry.message).filter((message) => /could not|do not merge|unreadable|background task failed/.test(message))).toEqual([]);

    await server.close();
    await exportsOf(await harness.startNotes({ dataFile: server.dataFile }));
  }, 300_000);
});
