import type { Database } from 'better-sqlite3';

/** Everything stored for one document, read at once. */
export interface StoredDocument {
  /** The document's updates in sequence order; applying all of them (in any order) gives the document. */
  updates: Uint8Array[];
  /** Sequence number of the last update (0 when the document has none yet). */
  lastSeq: number;
}

/**
 * Durable storage of Yjs documents as an append-only log of updates per document.
 *
 * Contract the collaboration server relies on:
 * - `appendUpdate` resolves only once the update is durable; its sequence numbers grow strictly per
 *   document, also across compactions. Calls may overlap (one per connection): allocation must be atomic.
 * - `loadDocument` is one read (one query, one snapshot).
 * - `compact` atomically replaces all updates with `seq <= throughSeq` by the one `merged` update,
 *   which must contain all of them; updates appended after `throughSeq` stay untouched.
 */
export interface CollabStore {
  /** Reads all stored updates of a document in one query. An unknown document has no updates. */
  loadDocument(name: string): Promise<StoredDocument>;
  /** Appends one update durably and resolves with its sequence number. */
  appendUpdate(name: string, update: Uint8Array): Promise<number>;
  /** Replaces the updates up to `throughSeq` by `merged`, in one transaction. */
  compact(name: string, merged: Uint8Array, throughSeq: number): Promise<void>;
  /** Number of stored rows and their total size (for statistics, compaction decisions and tests). */
  size(name: string): Promise<{ rows: number; bytes: number }>;
  /** Deletes a document entirely (for example when its workshop is deleted). */
  deleteDocument(name: string): Promise<void>;
  /** Names of the stored documents that start with `prefix` (for example one room's private drafts). */
  listDocuments(prefix: string): Promise<string[]>;
}

interface UpdateRow {
  seq: number;
  data: Buffer;
}

/**
 * A `CollabStore` on a better-sqlite3 database (the app's own file, in WAL mode). Creates its table
 * if missing. better-sqlite3 is synchronous: each call commits before its promise resolves, so
 * "appended" really means "on disk in the WAL"; with `synchronous = NORMAL` that survives a killed
 * process (only an OS crash or power loss can drop the last commits).
 */
export function sqliteCollabStore(db: Database): CollabStore {
  db.exec(`CREATE TABLE IF NOT EXISTS collab_updates (
     doc TEXT NOT NULL,
     seq INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (doc, seq)
   ) WITHOUT ROWID`);

  const statements = {
    load: db.prepare<[string], UpdateRow>('SELECT seq, data FROM collab_updates WHERE doc = ? ORDER BY seq'),
    // The next seq is computed inside the INSERT itself (one statement, one implicit transaction), so two
    // appends can never get the same number; MAX over the primary key is an index lookup.
    append: db.prepare<[string, string, Buffer], { seq: number }>(
      `INSERT INTO collab_updates (doc, seq, data)
       VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM collab_updates WHERE doc = ?), ?)
       RETURNING seq`,
    ),
    deleteThrough: db.prepare<[string, number]>('DELETE FROM collab_updates WHERE doc = ? AND seq <= ?'),
    insertAt: db.prepare<[string, number, Buffer]>('INSERT INTO collab_updates (doc, seq, data) VALUES (?, ?, ?)'),
    size: db.prepare<[string], { rows: number; bytes: number | null }>(
      'SELECT COUNT(*) AS rows, SUM(LENGTH(data)) AS bytes FROM collab_updates WHERE doc = ?',
    ),
    listByPrefix: db.prepare<[string], { doc: string }>("SELECT DISTINCT doc FROM collab_updates WHERE doc >= ? ORDER BY doc"),
    deleteAll: db.prepare<[string]>('DELETE FROM collab_updates WHERE doc = ?'),
  };

  // The merged update takes the number of the last update it replaces, so later appends keep
  // growing from there and a reload still sees the rows in order.
  const compactTx = db.transaction((name: string, merged: Buffer, throughSeq: number) => {
    statements.deleteThrough.run(name, throughSeq);
    statements.insertAt.run(name, throughSeq, merged);
  });

  return {
    async loadDocument(name) {
      const rows = statements.load.all(name);
      return {
        // Copy out of the Buffer views: Yjs decoders only need Uint8Array, and plain arrays keep no pool references.
        updates: rows.map((row) => new Uint8Array(row.data)),
        lastSeq: rows.length > 0 ? rows[rows.length - 1]!.seq : 0,
      };
    },
    async appendUpdate(name, update) {
      const row = statements.append.get(name, name, toBuffer(update));
      if (!row) throw new Error('append returned no sequence number');
      return row.seq;
    },
    async compact(name, merged, throughSeq) {
      if (!Number.isInteger(throughSeq) || throughSeq < 1) throw new Error(`bad throughSeq ${throughSeq}`);
      compactTx(name, toBuffer(merged), throughSeq);
    },
    async size(name) {
      const row = statements.size.get(name);
      return { rows: row?.rows ?? 0, bytes: row?.bytes ?? 0 };
    },
    async deleteDocument(name) {
      statements.deleteAll.run(name);
    },
    async listDocuments(prefix) {
      // A range scan on the primary key instead of LIKE, whose wildcards could hide in a prefix.
      const names: string[] = [];
      for (const { doc } of statements.listByPrefix.iterate(prefix)) {
        if (!doc.startsWith(prefix)) break;
        names.push(doc);
      }
      return names;
    },
  };
}

/** better-sqlite3 stores a Buffer as a BLOB (a plain Uint8Array would be rejected). */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
