import type * as Y from 'yjs';

/** What `useSyncExternalStore` needs to show something read from a Yjs document. */
export interface DocSnapshotStore<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

/** Per document, how many updates it has had since a view first looked at it (one listener per document). */
const versions = new WeakMap<Y.Doc, { value: number }>();

function versionOf(doc: Y.Doc): { value: number } {
  let version = versions.get(doc);
  if (!version) {
    const counter = { value: 0 };
    doc.on('update', () => {
      counter.value += 1;
    });
    versions.set(doc, counter);
    version = counter;
  }
  return version;
}

/**
 * A document read as a snapshot that stays the same object until the document changes.
 *
 * Whether the snapshot is current is decided by the document's own update count, not by a
 * subscriber having heard of the change: React reads the snapshot while rendering and subscribes
 * only later (in an effect), and an update that lands in between (the first sync of a board opened
 * on demand that already has cards) would otherwise leave the view on the empty board until the
 * next change. React reads the snapshot again right after subscribing and sees the new count.
 */
export function docSnapshotStore<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): DocSnapshotStore<T> {
  const version = versionOf(doc);
  let cache: { version: number; value: T } | null = null;
  return {
    subscribe(listener) {
      doc.on('update', listener);
      return () => doc.off('update', listener);
    },
    getSnapshot() {
      if (cache?.version !== version.value) cache = { version: version.value, value: read(doc) };
      return cache.value;
    },
  };
}
