import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  addCard,
  addCluster,
  addLabel,
  addStroke,
  appendStrokePoints,
  boardBounds,
  bringToFront,
  cardsOfCluster,
  clusterAt,
  clusterOf,
  deleteItems,
  escapeMarkdown,
  moveItems,
  outline,
  randomId,
  readBoard,
  setCardsCluster,
  setSetting,
  updateItem,
} from './model.js';
import type { BoardSnapshot, CardItem, ClusterItem } from './model.js';

/** A document with a fixed client id, so order keys are predictable. */
function newDoc(clientID = 1): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

/** Ids id1, id2, … */
function counter(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

/** Exchanges the full state both ways. */
function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'remote');
}

function card(snapshot: BoardSnapshot, id: string): CardItem {
  const found = snapshot.cards.find((c) => c.id === id);
  if (!found) throw new Error(`no card ${id}`);
  return found;
}

function cluster(snapshot: BoardSnapshot, id: string): ClusterItem {
  const found = snapshot.clusters.find((c) => c.id === id);
  if (!found) throw new Error(`no cluster ${id}`);
  return found;
}

function positions(snapshot: BoardSnapshot): Record<string, [number, number]> {
  return Object.fromEntries(snapshot.items.filter((i) => i.kind !== 'stroke').map((i) => [i.id, [i.x, i.y]]));
}

describe('adding items', () => {
  it('adds a card with defaults and reads it back as a plain object', () => {
    const doc = newDoc();
    const id = addCard(doc, { text: 'Mehr Pausen', x: 10, y: 20, authorId: 'p1', authorName: 'Anna', createdAt: 1000 }, undefined, counter());
    expect(id).toBe('id1');
    expect(readBoard(doc)).toEqual({
      settings: { showAuthors: true, locked: false },
      items: [
        {
          kind: 'card',
          id: 'id1',
          text: 'Mehr Pausen',
          color: 'yellow',
          x: 10,
          y: 20,
          w: 160,
          h: 100,
          authorId: 'p1',
          authorName: 'Anna',
          clusterId: null,
          order: 'a0000001V',
          locked: false,
          createdAt: 1000,
        },
      ],
      clusters: [],
      cards: [expect.objectContaining({ id: 'id1' })],
      strokes: [],
      labels: [],
    });
  });

  it('stores each item as a Y.Map with its kind and fields, keyed by id', () => {
    const doc = newDoc();
    addCluster(doc, { id: 'k', title: 'Themen', x: 0, y: 0 });
    addStroke(doc, { id: 's', points: [1, 2, 0.5, 3, 4, 0.7], color: '#ff0000', size: 6, authorId: 'p1' });
    addLabel(doc, { id: 'l', text: 'Parkplatz', x: 5, y: 6 });
    const items = doc.getMap<Y.Map<unknown>>('items');
    expect([...items.keys()].sort()).toEqual(['k', 'l', 's']);
    expect(items.get('k')!.toJSON()).toEqual({ kind: 'cluster', title: 'Themen', x: 0, y: 0, w: 364, h: 164, order: 'a0000001V', locked: false });
    expect(items.get('s')!.get('points')).toBeInstanceOf(Y.Array);
    expect(items.get('l')!.toJSON()).toEqual({ kind: 'label', text: 'Parkplatz', x: 5, y: 6, order: 'a2000001V' });
    const snapshot = readBoard(doc);
    expect(snapshot.strokes).toEqual([
      { kind: 'stroke', id: 's', points: [1, 2, 0.5, 3, 4, 0.7], x: 0, y: 0, color: '#ff0000', size: 6, authorId: 'p1', order: 'a1000001V' },
    ]);
    expect(snapshot.items.map((i) => i.id)).toEqual(['k', 's', 'l']);
  });

  it('gives each new item an order key after the last one', () => {
    const doc = newDoc(62);
    const ids = counter();
    addCard(doc, { x: 0, y: 0 }, undefined, ids);
    addCard(doc, { x: 0, y: 0 }, undefined, ids);
    addLabel(doc, { x: 0, y: 0 }, undefined, ids);
    expect(readBoard(doc).items.map((i) => i.order)).toEqual(['a0000010V', 'a1000010V', 'a2000010V']);
  });

  it('appends points to a stroke while it is drawn, relative to a moved stroke', () => {
    const doc = newDoc();
    addStroke(doc, { id: 's', points: [0, 0, 0.5] });
    appendStrokePoints(doc, 's', [10, 10, 0.5]);
    moveItems(doc, ['s'], 100, 0);
    appendStrokePoints(doc, 's', [120, 10, 0.9, 999]);
    const [stroke] = readBoard(doc).strokes;
    expect(stroke).toMatchObject({ x: 100, y: 0, points: [0, 0, 0.5, 10, 10, 0.5, 20, 10, 0.9] });
  });

  it('reads plain-array points and bad fields defensively', () => {
    const doc = newDoc();
    doc.transact(() => {
      const items = doc.getMap<unknown>('items');
      items.set('junk', 42);
      items.set('odd', new Y.Map<unknown>([['kind', 'sticker'], ['order', 'a0']]));
      items.set('s', new Y.Map<unknown>([['kind', 'stroke'], ['points', [1, 2, 0.5, 3, 'x', 0.5, 7]], ['color', 'url(#x)'], ['order', 'a1']]));
      items.set('c', new Y.Map<unknown>([['kind', 'card'], ['color', 'purple'], ['w', -5], ['clusterId', 'gone'], ['order', 'a2']]));
    });
    const snapshot = readBoard(doc);
    expect(snapshot.items.map((i) => i.id)).toEqual(['s', 'c']);
    expect(snapshot.strokes[0]).toMatchObject({ points: [1, 2, 0.5, 3, 0, 0.5], color: '#1c1917', size: 4, x: 0, y: 0 });
    expect(snapshot.cards[0]).toMatchObject({ color: 'yellow', w: 160, h: 100, clusterId: null, text: '', x: 0, y: 0 });
  });

  it('makes UUIDs without an injected id generator, also where only getRandomValues exists', () => {
    const doc = newDoc();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(addCard(doc, { x: 0, y: 0 })).toMatch(uuid);
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => a.fill(0xff) });
    try {
      expect(randomId()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('cuts texts at the limit', () => {
    const doc = newDoc();
    addCard(doc, { id: 'c', text: 'x'.repeat(600), x: 0, y: 0 });
    expect(card(readBoard(doc), 'c').text).toHaveLength(500);
  });
});

describe('clusters', () => {
  /** A cluster at (100, 100) and four unclustered cards a–d. */
  function board() {
    const doc = newDoc();
    addCluster(doc, { id: 'k', title: 'Zeit', x: 100, y: 100 });
    for (const id of ['a', 'b', 'c', 'd']) addCard(doc, { id, text: id, x: 0, y: 600, createdAt: 0 });
    return doc;
  }

  it('lays cards out in a grid inside the cluster and grows it to fit', () => {
    const doc = board();
    expect(setCardsCluster(doc, ['a', 'b', 'c'], 'k')).toEqual(['a', 'b', 'c']);
    let snapshot = readBoard(doc);
    // Two columns fit the default width (364 = 16 + 160 + 12 + 160 + 16); the header is 48 high.
    expect(positions(snapshot)).toMatchObject({ k: [100, 100], a: [116, 148], b: [288, 148], c: [116, 260], d: [0, 600] });
    // Two rows: 48 + 100 + 12 + 100 + 16.
    expect(cluster(snapshot, 'k')).toMatchObject({ w: 364, h: 276 });
    expect(cardsOfCluster(snapshot, 'k').map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(clusterOf(snapshot, 'a')?.id).toBe('k');
    expect(clusterOf(snapshot, 'd')).toBeNull();

    // A card added later goes to the next free cell.
    setCardsCluster(doc, ['d'], 'k');
    snapshot = readBoard(doc);
    expect(positions(snapshot)).toMatchObject({ a: [116, 148], b: [288, 148], c: [116, 260], d: [288, 260] });
    expect(cluster(snapshot, 'k')).toMatchObject({ w: 364, h: 276 });
  });

  it('grows a narrow cluster to the width of one card', () => {
    const doc = newDoc();
    addCluster(doc, { id: 'k', x: 0, y: 0, w: 100, h: 60 });
    addCard(doc, { id: 'a', x: 500, y: 500, clusterId: 'k' });
    const snapshot = readBoard(doc);
    expect(positions(snapshot)).toMatchObject({ a: [16, 48] });
    expect(cluster(snapshot, 'k')).toMatchObject({ w: 192, h: 164 });
  });

  it('takes cards out of a cluster: they stay put, the rest closes the gap, the cluster does not shrink', () => {
    const doc = board();
    setCardsCluster(doc, ['a', 'b', 'c', 'd'], 'k');
    expect(setCardsCluster(doc, ['b'], null)).toEqual(['b']);
    const snapshot = readBoard(doc);
    expect(card(snapshot, 'b')).toMatchObject({ clusterId: null, x: 288, y: 148 });
    expect(positions(snapshot)).toMatchObject({ a: [116, 148], c: [288, 148], d: [116, 260] });
    expect(cluster(snapshot, 'k')).toMatchObject({ w: 364, h: 276 });
  });

  it('moves cards from one cluster to another', () => {
    const doc = board();
    addCluster(doc, { id: 'm', title: 'Geld', x: 600, y: 100 });
    setCardsCluster(doc, ['a', 'b'], 'k');
    setCardsCluster(doc, ['a'], 'm');
    const snapshot = readBoard(doc);
    expect(card(snapshot, 'a')).toMatchObject({ clusterId: 'm', x: 616, y: 148 });
    expect(card(snapshot, 'b')).toMatchObject({ clusterId: 'k', x: 116, y: 148 });
  });

  it('changes nothing for an unknown cluster, locked cards or cards already there', () => {
    const doc = board();
    updateItem(doc, 'c', { locked: true });
    expect(setCardsCluster(doc, ['a'], 'nope')).toEqual([]);
    expect(setCardsCluster(doc, ['c', 'x', 'k'], 'k')).toEqual([]);
    setCardsCluster(doc, ['a'], 'k');
    expect(setCardsCluster(doc, ['a'], 'k')).toEqual([]);
    expect(card(readBoard(doc), 'c').clusterId).toBeNull();
  });

  it('moving a cluster moves its cards, once', () => {
    const doc = board();
    setCardsCluster(doc, ['a', 'b'], 'k');
    moveItems(doc, ['k', 'a'], 10, -5);
    const snapshot = readBoard(doc);
    expect(positions(snapshot)).toMatchObject({ k: [110, 95], a: [126, 143], b: [298, 143], c: [0, 600] });
  });

  it('deleting a cluster keeps its cards, unclustered, where they were', () => {
    const doc = board();
    setCardsCluster(doc, ['a', 'b'], 'k');
    expect(deleteItems(doc, ['k'])).toEqual(['k']);
    const snapshot = readBoard(doc);
    expect(snapshot.clusters).toEqual([]);
    expect(snapshot.cards.map((c) => [c.id, c.clusterId, c.x, c.y])).toEqual([
      ['a', null, 116, 148],
      ['b', null, 288, 148],
      ['c', null, 0, 600],
      ['d', null, 0, 600],
    ]);
  });

  it('adds a card straight into a cluster', () => {
    const doc = board();
    addCard(doc, { id: 'e', x: 0, y: 0, clusterId: 'k' });
    addCard(doc, { id: 'f', x: 0, y: 0, clusterId: 'missing' });
    const snapshot = readBoard(doc);
    expect(card(snapshot, 'e')).toMatchObject({ clusterId: 'k', x: 116, y: 148 });
    expect(card(snapshot, 'f')).toMatchObject({ clusterId: null, x: 0, y: 0 });
  });

  it('finds the topmost cluster under a point', () => {
    const doc = newDoc();
    addCluster(doc, { id: 'low', x: 0, y: 0, w: 400, h: 400 });
    addCluster(doc, { id: 'high', x: 200, y: 200 });
    const snapshot = readBoard(doc);
    expect(clusterAt(snapshot, 250, 250)?.id).toBe('high');
    expect(clusterAt(snapshot, 50, 50)?.id).toBe('low');
    expect(clusterAt(snapshot, 1000, 50)).toBeNull();
  });
});

describe('moving, updating, deleting, ordering', () => {
  it('moves items by a delta; locked items stay', () => {
    const doc = newDoc();
    addCard(doc, { id: 'a', x: 10, y: 10 });
    addCard(doc, { id: 'b', x: 50, y: 50, locked: true });
    addLabel(doc, { id: 'l', x: 0, y: 0 });
    addStroke(doc, { id: 's', points: [0, 0, 0.5] });
    moveItems(doc, ['a', 'b', 'l', 's', 'nope'], 5, 7);
    const snapshot = readBoard(doc);
    expect(positions(snapshot)).toEqual({ a: [15, 17], b: [50, 50], l: [5, 7] });
    expect(snapshot.strokes[0]).toMatchObject({ x: 5, y: 7, points: [0, 0, 0.5] });
  });

  it('updates only valid fields of the item kind and writes nothing when nothing changes', () => {
    const doc = newDoc();
    addCard(doc, { id: 'a', text: 'alt', x: 0, y: 0 });
    expect(updateItem(doc, 'a', { text: 'neu', color: 'blue', w: 200 })).toBe(true);
    updateItem(doc, 'a', { color: 'black' as never, h: -1, title: 'x', clusterId: 'k' } as never);
    expect(card(readBoard(doc), 'a')).toMatchObject({ text: 'neu', color: 'blue', w: 200, h: 100, clusterId: null });
    expect(doc.getMap<Y.Map<unknown>>('items').get('a')!.has('title')).toBe(false);

    let updates = 0;
    doc.on('update', () => updates++);
    updateItem(doc, 'a', { text: 'neu', color: 'blue' });
    expect(updates).toBe(0);
    expect(updateItem(doc, 'nope', { text: 'x' })).toBe(false);
  });

  it('unlocks through updateItem, then deletes', () => {
    const doc = newDoc();
    addCard(doc, { id: 'a', x: 0, y: 0, locked: true });
    expect(deleteItems(doc, ['a', 'nope'])).toEqual([]);
    updateItem(doc, 'a', { locked: false });
    expect(deleteItems(doc, ['a'])).toEqual(['a']);
    expect(readBoard(doc).items).toEqual([]);
  });

  it('brings items to the front keeping their relative order; a cluster brings its cards', () => {
    const doc = newDoc();
    addCluster(doc, { id: 'k', x: 0, y: 0 });
    addCard(doc, { id: 'a', x: 0, y: 0, clusterId: 'k' });
    addCard(doc, { id: 'b', x: 0, y: 0 });
    addLabel(doc, { id: 'l', x: 0, y: 0 });
    bringToFront(doc, ['b']);
    expect(readBoard(doc).items.map((i) => [i.id, i.order])).toEqual([
      ['k', 'a0000001V'],
      ['a', 'a1000001V'],
      ['l', 'a3000001V'],
      ['b', 'a4000001V'],
    ]);
    bringToFront(doc, ['k']);
    expect(readBoard(doc).items.map((i) => [i.id, i.order])).toEqual([
      ['l', 'a3000001V'],
      ['b', 'a4000001V'],
      ['k', 'a5000001V'],
      ['a', 'a6000001V'],
    ]);
  });

  it('changes settings', () => {
    const doc = newDoc();
    setSetting(doc, 'showAuthors', false);
    setSetting(doc, 'locked', true);
    expect(readBoard(doc).settings).toEqual({ showAuthors: false, locked: true });
  });
});

describe('bounds', () => {
  it('covers every item plus padding', () => {
    const doc = newDoc();
    addCard(doc, { x: 10, y: 20 }, undefined, counter('c'));
    addCluster(doc, { x: -100, y: 0 }, undefined, counter('k'));
    addStroke(doc, { points: [500, 500, 0.5, 520, 510, 0.5], size: 10 }, undefined, counter('s'));
    addLabel(doc, { text: 'abcd\nx', x: 0, y: -50 }, undefined, counter('l'));
    // Card to 170 × 120, cluster from -100 to 264 × 164, stroke to 525 × 515, label from y -50 (4 chars × 11 wide, 2 × 24 high).
    expect(boardBounds(readBoard(doc))).toEqual({ minX: -140, minY: -90, maxX: 565, maxY: 555 });
    expect(boardBounds(readBoard(doc), 0)).toEqual({ minX: -100, minY: -50, maxX: 525, maxY: 515 });
  });

  it('is a square around the origin for an empty board', () => {
    expect(boardBounds(readBoard(newDoc()), 10)).toEqual({ minX: -10, minY: -10, maxX: 10, maxY: 10 });
  });
});

describe('concurrent editing', () => {
  it('converges when one moves a card while the other puts it into a cluster', () => {
    const a = newDoc(1);
    const b = newDoc(2);
    addCluster(a, { id: 'k', title: 'K', x: 100, y: 100 });
    addCard(a, { id: 'c', text: 'c', x: 0, y: 500, createdAt: 0 });
    sync(a, b);

    moveItems(a, ['c'], 30, 0);
    setCardsCluster(b, ['c'], 'k');
    sync(a, b);

    const snapshotA = readBoard(a);
    expect(snapshotA).toEqual(readBoard(b));
    expect(card(snapshotA, 'c').clusterId).toBe('k');
    expect(cluster(snapshotA, 'k')).toMatchObject({ w: 364, h: 164 });
  });

  it('keeps both cards added at the same time, with distinct orders', () => {
    const a = newDoc(1);
    const b = newDoc(2);
    addCard(a, { id: 'first', x: 0, y: 0, createdAt: 0 });
    sync(a, b);
    addCard(a, { id: 'fromA', text: 'A', x: 0, y: 0, createdAt: 0 });
    addCard(b, { id: 'fromB', text: 'B', x: 0, y: 0, createdAt: 0 });
    sync(a, b);

    const snapshot = readBoard(a);
    expect(snapshot).toEqual(readBoard(b));
    expect(snapshot.cards.map((c) => [c.id, c.order])).toEqual([
      ['first', 'a0000001V'],
      ['fromA', 'a1000001V'],
      ['fromB', 'a1000002V'],
    ]);
    // The next card goes after both.
    addCard(b, { id: 'next', x: 0, y: 0 });
    expect(readBoard(b).items.at(-1)).toMatchObject({ id: 'next', order: 'a2000002V' });
  });

  it('treats a card of a concurrently deleted cluster as unclustered on both sides', () => {
    const a = newDoc(1);
    const b = newDoc(2);
    addCluster(a, { id: 'k', x: 0, y: 0 });
    addCard(a, { id: 'c', x: 500, y: 500 });
    sync(a, b);
    deleteItems(a, ['k']);
    setCardsCluster(b, ['c'], 'k');
    sync(a, b);
    const snapshot = readBoard(a);
    expect(snapshot).toEqual(readBoard(b));
    expect(snapshot.clusters).toEqual([]);
    expect(card(snapshot, 'c').clusterId).toBeNull();
  });

  it('converges on concurrent deletes and edits of the same item', () => {
    const a = newDoc(1);
    const b = newDoc(2);
    addCard(a, { id: 'c', text: 'x', x: 0, y: 0 });
    addCard(a, { id: 'd', text: 'y', x: 0, y: 0 });
    sync(a, b);
    deleteItems(a, ['c']);
    updateItem(b, 'c', { text: 'edited' });
    updateItem(a, 'd', { text: 'from a' });
    updateItem(b, 'd', { color: 'green' });
    sync(a, b);
    const snapshot = readBoard(a);
    expect(snapshot).toEqual(readBoard(b));
    expect(snapshot.cards.map((c) => [c.id, c.text, c.color])).toEqual([['d', 'from a', 'green']]);
  });
});

describe('undo', () => {
  it('an UndoManager tracking one origin undoes only that person changes', () => {
    const doc = newDoc();
    const anna = { person: 'anna' };
    const ben = { person: 'ben' };
    const undo = new Y.UndoManager([doc.getMap('items'), doc.getMap('settings')], {
      trackedOrigins: new Set([anna]),
      captureTimeout: 0,
    });
    addCluster(doc, { id: 'k', x: 0, y: 0 }, anna);
    addCard(doc, { id: 'a', text: 'Anna', x: 500, y: 0 }, anna);
    addCard(doc, { id: 'b', text: 'Ben', x: 700, y: 0 }, ben);
    setCardsCluster(doc, ['a'], 'k', anna);
    updateItem(doc, 'b', { text: 'Ben 2' }, ben);
    moveItems(doc, ['a'], 0, 40, anna);

    undo.undo(); // the move
    let snapshot = readBoard(doc);
    expect(card(snapshot, 'a')).toMatchObject({ x: 16, y: 48, clusterId: 'k' });
    undo.undo(); // into the cluster: position and cluster size back
    snapshot = readBoard(doc);
    expect(card(snapshot, 'a')).toMatchObject({ x: 500, y: 0, clusterId: null });
    undo.undo(); // Anna's card
    snapshot = readBoard(doc);
    expect(snapshot.cards.map((c) => [c.id, c.text])).toEqual([['b', 'Ben 2']]);
    expect(snapshot.clusters.map((c) => c.id)).toEqual(['k']);

    undo.redo();
    expect(readBoard(doc).cards.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('does not undo changes that arrived from another replica', () => {
    const a = newDoc(1);
    const b = newDoc(2);
    const mine = 'me';
    const undo = new Y.UndoManager(a.getMap('items'), { trackedOrigins: new Set([mine]), captureTimeout: 0 });
    addCard(a, { id: 'mine', x: 0, y: 0 }, mine);
    addCard(b, { id: 'theirs', x: 0, y: 0 }, 'them');
    sync(a, b);
    undo.undo();
    sync(a, b);
    expect(readBoard(a).cards.map((c) => c.id)).toEqual(['theirs']);
    expect(readBoard(b)).toEqual(readBoard(a));
    expect(undo.canUndo()).toBe(false);
  });
});

describe('outline', () => {
  function workshop() {
    const doc = newDoc();
    addCluster(doc, { id: 'k1', title: 'Zeit', x: 0, y: 0 });
    addCluster(doc, { id: 'k2', title: 'Geld & *Budget*', x: 600, y: 0 });
    addCluster(doc, { id: 'k3', title: '', x: 0, y: 800 });
    addCard(doc, { id: 'a', text: 'Mehr Pausen', authorName: 'Anna', x: 0, y: 0, clusterId: 'k1' });
    addCard(doc, { id: 'b', text: 'Pünktlich\nanfangen', authorName: 'Ben', x: 0, y: 0, clusterId: 'k1' });
    addCard(doc, { id: 'c', text: '# 1. <b>Reisekosten</b>', authorName: 'Cem', x: 0, y: 0, clusterId: 'k2' });
    addCard(doc, { id: 'd', text: '- offen', authorName: '', x: 50, y: 900 });
    addCard(doc, { id: 'e', text: 'Sonstiges', authorName: 'Eva', x: 10, y: 900 });
    addCard(doc, { id: 'blank', text: '  ', x: 0, y: 0 });
    return doc;
  }

  it('lists clusters and cards by dots, then position, with escaped text and authors', () => {
    const snapshot = readBoard(workshop());
    const votes = { a: 1, b: 3, c: 2, k2: 3, e: 1 };
    expect(outline(snapshot, votes)).toBe(
      [
        '## Geld \\& \\*Budget\\* (5 dots)',
        '',
        '- \\# 1. \\<b\\>Reisekosten\\</b\\> (2 dots) — Cem',
        '',
        '## Zeit (4 dots)',
        '',
        '- Pünktlich anfangen (3 dots) — Ben',
        '- Mehr Pausen (1 dot) — Anna',
        '',
        '## Untitled',
        '',
        '## Unclustered',
        '',
        '- Sonstiges (1 dot) — Eva',
        '- \\- offen',
        '',
      ].join('\n'),
    );
  });

  it('orders by position without votes and leaves authors out when asked, with other labels', () => {
    const snapshot = readBoard(workshop());
    expect(
      outline(snapshot, undefined, { showAuthors: false, unclustered: 'Ohne Gruppe', untitled: 'Ohne Titel', dots: (n) => `${n} Punkte` }),
    ).toBe(
      [
        '## Zeit',
        '',
        '- Mehr Pausen',
        '- Pünktlich anfangen',
        '',
        '## Geld \\& \\*Budget\\*',
        '',
        '- \\# 1. \\<b\\>Reisekosten\\</b\\>',
        '',
        '## Ohne Titel',
        '',
        '## Ohne Gruppe',
        '',
        '- Sonstiges',
        '- \\- offen',
        '',
      ].join('\n'),
    );
  });

  it('follows the board setting for authors and is empty for an empty board', () => {
    const doc = workshop();
    setSetting(doc, 'showAuthors', false);
    expect(outline(readBoard(doc))).not.toContain('—');
    expect(outline(readBoard(newDoc()))).toBe('');
  });

  it('escapes Markdown', () => {
    expect(escapeMarkdown('  a_b  [link](x) `code` ~~s~~ | \\ ')).toBe('a\\_b \\[link\\](x) \\`code\\` \\~\\~s\\~\\~ \\| \\\\');
    expect(escapeMarkdown('1. eins')).toBe('1\\. eins');
    expect(escapeMarkdown('+ plus')).toBe('\\+ plus');
    expect(escapeMarkdown('> quote')).toBe('\\> quote');
  });
});
