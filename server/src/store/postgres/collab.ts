import type { CollabStore } from '../../collab/store.js';
import type { Db } from './db.js';

/**
 * Collaboration updates in PostgreSQL. Sequence numbers come from a counter row per document
 * (`collab_documents.last_seq`), raised by the same statement that inserts the update: the row lock
 * makes concurrent appends (from any process) take distinct, gap-free numbers in commit order.
 * A compaction keeps the counter, so numbers keep growing afterwards.
 */
export function postgresCollabStore(db: Db): CollabStore {
  return {
    async loadDocument(name) {
      const { rows } = await db.query<{ seq: string; data: Buffer }>('SELECT seq, data FROM collab_updates WHERE doc = $1 ORDER BY seq', [name]);
      return {
        updates: rows.map((row) => new Uint8Array(row.data)),
        lastSeq: rows.length > 0 ? Number(rows[rows.length - 1]!.seq) : 0,
      };
    },
    async appendUpdate(name, update) {
      const { rows } = await db.query<{ seq: string }>(
        `WITH next AS (
           INSERT INTO collab_documents (doc, last_seq) VALUES ($1, 1)
           ON CONFLICT (doc) DO UPDATE SET last_seq = collab_documents.last_seq + 1
           RETURNING last_seq
         )
         INSERT INTO collab_updates (doc, seq, data) SELECT $1, last_seq, $2 FROM next RETURNING seq`,
        [name, Buffer.from(update.buffer, update.byteOffset, update.byteLength)],
      );
      if (!rows[0]) throw new Error('append returned no sequence number');
      return Number(rows[0].seq);
    },
    async compact(name, merged, throughSeq) {
      if (!Number.isInteger(throughSeq) || throughSeq < 1) throw new Error(`bad throughSeq ${throughSeq}`);
      await db.transaction(async (client) => {
        await client.query('DELETE FROM collab_updates WHERE doc = $1 AND seq <= $2', [name, throughSeq]);
        await client.query('INSERT INTO collab_updates (doc, seq, data) VALUES ($1, $2, $3)', [
          name,
          throughSeq,
          Buffer.from(merged.buffer, merged.byteOffset, merged.byteLength),
        ]);
      });
    },
    async size(name) {
      const { rows } = await db.query<{ rows: string; bytes: string | null }>(
        'SELECT COUNT(*) AS rows, SUM(octet_length(data)) AS bytes FROM collab_updates WHERE doc = $1',
        [name],
      );
      return { rows: Number(rows[0]?.rows ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
    },
    async deleteDocument(name) {
      await db.transaction(async (client) => {
        await client.query('DELETE FROM collab_updates WHERE doc = $1', [name]);
        await client.query('DELETE FROM collab_documents WHERE doc = $1', [name]);
      });
    },
    async listDocuments(prefix) {
      // starts_with instead of LIKE, whose wildcards could hide in a prefix; byte order as in SQLite.
      const { rows } = await db.query<{ doc: string }>(
        'SELECT DISTINCT doc COLLATE "C" AS doc FROM collab_updates WHERE starts_with(doc, $1) ORDER BY 1',
        [prefix],
      );
      return rows.map((row) => row.doc);
    },
  };
}
