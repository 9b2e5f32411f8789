import type { DocumentationSection } from '@werkraum/shared/protocol';
import type { DocumentationStore } from '../types.js';
import type { Db } from './db.js';
import { toAttachment, type AttachmentRow } from '../rows.js';



const ATTACHMENT_COLUMNS = 'id, workshop_id, name, content_type, size, uploaded_at';

/** The documentation's settings and its attachments, as in the SQLite store. */
export function postgresDocumentationStore(db: Db): DocumentationStore {
  return {
    async getDocumentationSettings(workshopId) {
      const { rows } = await db.query<{ published_at: string | null; compiled_by: string; next_steps: string; excluded_json: string }>(
        'SELECT published_at, compiled_by, next_steps, excluded_json FROM documentation WHERE workshop_id = $1',
        [workshopId],
      );
      const row = rows[0];
      return (
        row && {
          publishedAt: row.published_at,
          compiledBy: row.compiled_by,
          nextSteps: row.next_steps,
          excluded: JSON.parse(row.excluded_json) as DocumentationSection[],
        }
      );
    },
    async saveDocumentationSettings(workshopId, settings) {
      await db.query(
        `INSERT INTO documentation (workshop_id, published_at, compiled_by, next_steps, excluded_json) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workshop_id) DO UPDATE SET published_at = EXCLUDED.published_at, compiled_by = EXCLUDED.compiled_by,
           next_steps = EXCLUDED.next_steps, excluded_json = EXCLUDED.excluded_json`,
        [workshopId, settings.publishedAt, settings.compiledBy, settings.nextSteps, JSON.stringify(settings.excluded)],
      );
    },
    async insertAttachment(record, data, workshopLimitBytes) {
      // The limit check and the insert hold the workshop's row lock, so two uploads cannot both fit.
      return db.transaction(async (client) => {
        await client.query('SELECT id FROM workshops WHERE id = $1 FOR UPDATE', [record.workshopId]);
        const { rows } = await client.query<{ total: string | null; seq: string | null }>(
          'SELECT SUM(size) AS total, MAX(seq) AS seq FROM attachments WHERE workshop_id = $1',
          [record.workshopId],
        );
        const used = Number(rows[0]?.total ?? 0);
        if (used + record.size > workshopLimitBytes) return 'too_large' as const;
        await client.query(
          `INSERT INTO attachments (id, workshop_id, name, content_type, size, uploaded_at, seq, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [record.id, record.workshopId, record.name, record.contentType, record.size, record.uploadedAt, Number(rows[0]?.seq ?? 0) + 1, data],
        );
        return 'saved' as const;
      });
    },
    async listAttachments(workshopId) {
      const { rows } = await db.query<AttachmentRow>(`SELECT ${ATTACHMENT_COLUMNS} FROM attachments WHERE workshop_id = $1 ORDER BY seq`, [workshopId]);
      return rows.map(toAttachment);
    },
    async getAttachment(workshopId, id) {
      const { rows } = await db.query<AttachmentRow & { data: Buffer }>(
        `SELECT ${ATTACHMENT_COLUMNS}, data FROM attachments WHERE workshop_id = $1 AND id = $2`,
        [workshopId, id],
      );
      const row = rows[0];
      return row ? { record: toAttachment(row), data: row.data } : undefined;
    },
    async deleteAttachment(workshopId, id) {
      const result = await db.query('DELETE FROM attachments WHERE workshop_id = $1 AND id = $2', [workshopId, id]);
      return result.rowCount === 1;
    },
  };
}
