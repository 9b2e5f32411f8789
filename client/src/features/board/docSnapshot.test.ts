import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, readBoard } from '@werkraum/shared/board';
import { docSnapshotStore } from './docSnapshot.js';

/** A card the moderation wrote on the server's copy, as an update for other copies. */
function serverUpdateWithCard(text: string): Uint8Array {
  const server = new Y.Doc();
  addCard(server, { text, color: 'yellow', x: 0, y: 0, authorId: 'p-mod', authorName: 'Mara' });
  return Y.encodeStateAsUpdate(server);
}

describe('a board document read for React', () => {
  it('keeps the same snapshot while the document does not change, and a new one after each change', () => {
    const doc = new Y.Doc();
    const store = docSnapshotStore(doc, readBoard);
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.getSnapshot().cards.length));
    const first = store.getSnapshot();
    expect(store.getSnapshot()).toBe(first);
    Y.applyUpdate(doc, serverUpdateWithCard('Sportvereine'));
    expect(store.getSnapshot()).not.toBe(first);
    expect(store.getSnapshot().cards.map((card) => card.text)).toEqual(['Sportvereine']);
    expect(seen).toEqual([1]);
  });

  it('shows an update that arrived between the first render and the subscription', () => {
    // React renders (reads the snapshot), then subscribes in an effect; the provider's sync can land
    // in between (a board opened on demand while it already has cards), and React then asks again.
    const doc = new Y.Doc();
    const store = docSnapshotStore(doc, readBoard);
    const rendered = store.getSnapshot();
    expect(rendered.cards).toEqual([]);
    Y.applyUpdate(doc, serverUpdateWithCard('Sportvereine'));
    store.subscribe(() => undefined);
    const checked = store.getSnapshot();
    expect(checked).not.toBe(rendered);
    expect(checked.cards.map((card) => card.text)).toEqual(['Sportvereine']);
  });

  it('shows an update that arrived while nobody was subscribed (between two views of the same document)', () => {
    const doc = new Y.Doc();
    const store = docSnapshotStore(doc, readBoard);
    const unsubscribe = store.subscribe(() => undefined);
    store.getSnapshot();
    unsubscribe();
    Y.applyUpdate(doc, serverUpdateWithCard('Stadtbibliothek'));
    store.subscribe(() => undefined);
    expect(store.getSnapshot().cards.map((card) => card.text)).toEqual(['Stadtbibliothek']);
  });
});
