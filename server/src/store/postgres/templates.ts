import type { TemplateLibraryStore } from '../types.js';
import type { Db } from './db.js';

/** The installation's template library (TEMPLATE_KEY), as in the SQLite store. */
export function postgresTemplateStore(db: Db): TemplateLibraryStore {
  return {
    async listTemplates() {
      const { rows } = await db.query<{ id: string; body_json: string; created_at: string }>(
        'SELECT id, body_json, created_at FROM workshop_templates ORDER BY created_at, id',
      );
      return rows.map((row) => ({ id: row.id, body: JSON.parse(row.body_json) as unknown, createdAt: row.created_at }));
    },
    async getTemplate(id) {
      const { rows } = await db.query<{ id: string; body_json: string; created_at: string }>(
        'SELECT id, body_json, created_at FROM workshop_templates WHERE id = $1',
        [id],
      );
      const row = rows[0];
      return row && { id: row.id, body: JSON.parse(row.body_json) as unknown, createdAt: row.created_at };
    },
    async insertTemplate(entry) {
      await db.query('INSERT INTO workshop_templates (id, body_json, created_at) VALUES ($1, $2, $3)', [entry.id, JSON.stringify(entry.body), entry.createdAt]);
    },
    async deleteTemplate(id) {
      const result = await db.query('DELETE FROM workshop_templates WHERE id = $1', [id]);
      return result.rowCount === 1;
    },
  };
}
