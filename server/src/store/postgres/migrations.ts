import type pg from 'pg';

/**
 * Schema migrations of the PostgreSQL store, applied in order; the table `schema_migrations`
 * remembers which ran. Never edit a migration that has shipped: append a new one.
 *
 * Texts keep the exact strings the domain wrote (timestamps, JSON), as the SQLite store does, so
 * both stores return identical records.
 */
export const PG_MIGRATIONS: string[] = [
  `CREATE TABLE workshops (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     starts_at TEXT NOT NULL,
     time_zone TEXT,
     language TEXT NOT NULL,
     description TEXT NOT NULL,
     moderator_names TEXT NOT NULL,
     co_moderator_names TEXT NOT NULL,
     created_at TEXT NOT NULL,
     moderator_secret_hash TEXT NOT NULL,
     co_moderator_secret_hash TEXT NOT NULL,
     participant_secret_hash TEXT NOT NULL
   );
   CREATE TABLE people (
     id TEXT PRIMARY KEY,
     workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
     display_name TEXT NOT NULL,
     role TEXT NOT NULL,
     list_in_documentation BOOLEAN NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     joined_at TEXT NOT NULL,
     removed_at TEXT,
     seq BIGSERIAL NOT NULL
   );
   CREATE INDEX people_by_workshop ON people(workshop_id, seq);
   CREATE TABLE agendas (
     workshop_id TEXT PRIMARY KEY REFERENCES workshops(id) ON DELETE CASCADE,
     version INTEGER NOT NULL,
     blocks_json TEXT NOT NULL,
     run_json TEXT NOT NULL,
     settings_json TEXT NOT NULL
   );
   CREATE TABLE workshop_documents (
     workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     version INTEGER NOT NULL,
     body_json TEXT NOT NULL,
     PRIMARY KEY (workshop_id, kind)
   );
   CREATE TABLE poll_named_answers (
     poll_id TEXT NOT NULL,
     person_id TEXT NOT NULL,
     answer_json TEXT NOT NULL,
     PRIMARY KEY (poll_id, person_id)
   );
   CREATE TABLE poll_voters (
     poll_id TEXT NOT NULL,
     voter_key TEXT NOT NULL,
     PRIMARY KEY (poll_id, voter_key)
   );
   CREATE TABLE poll_ballots (
     poll_id TEXT NOT NULL,
     ballot_key TEXT NOT NULL,
     answer_json TEXT NOT NULL,
     PRIMARY KEY (poll_id, ballot_key)
   );
   CREATE TABLE collab_documents (
     doc TEXT PRIMARY KEY,
     last_seq BIGINT NOT NULL
   );
   CREATE TABLE collab_updates (
     doc TEXT NOT NULL,
     seq BIGINT NOT NULL,
     data BYTEA NOT NULL,
     PRIMARY KEY (doc, seq)
   );`,
  // The installation's template library (TEMPLATE_KEY).
  `CREATE TABLE workshop_templates (
     id TEXT PRIMARY KEY,
     body_json TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  // The documentation: its settings and publication, uploaded attachments (bytes in the row), and
  // the organisation people may give.
  `ALTER TABLE people ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
   CREATE TABLE documentation (
     workshop_id TEXT PRIMARY KEY REFERENCES workshops(id) ON DELETE CASCADE,
     published_at TEXT,
     compiled_by TEXT NOT NULL,
     excluded_json TEXT NOT NULL
   );
   CREATE TABLE attachments (
     id TEXT PRIMARY KEY,
     workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     content_type TEXT NOT NULL,
     size INTEGER NOT NULL,
     uploaded_at TEXT NOT NULL,
     seq INTEGER NOT NULL,
     data BYTEA NOT NULL
   );
   CREATE INDEX attachments_by_workshop ON attachments(workshop_id, seq);`,
  // The documentation's "next steps" ("Wie geht es weiter"), written by the facilitators like "compiled by".
  `ALTER TABLE documentation ADD COLUMN next_steps TEXT NOT NULL DEFAULT '';`,
];

/**
 * Applies the migrations that have not run yet, in one transaction under an advisory lock, so
 * several processes starting at once apply each migration exactly once (the others wait, then
 * find nothing left to do).
 */
export async function migratePostgres(client: pg.PoolClient, schema: string, migrations: string[] = PG_MIGRATIONS): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('werkraum-migrations:' || $1, 0))", [schema]);
    // `schema` is checked against SCHEMA_NAME by the caller; identifiers cannot be bound parameters.
    if (schema !== 'public') await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`The database schema is at version ${current}, newer than this server (${migrations.length}).`);
    }
    for (let version = current; version < migrations.length; version += 1) {
      await client.query(migrations[version]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version + 1]);
    }
    await client.query('COMMIT');
    return migrations.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
