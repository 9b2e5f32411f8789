import pg from 'pg';
import type { Store } from '../types.js';
import { postgresCollabStore } from './collab.js';
import { createDb, SCHEMA_NAME } from './db.js';
import { postgresDocumentStore } from './documents.js';
import { migratePostgres } from './migrations.js';
import { postgresAnswerStore } from './polls.js';
import { postgresDocumentationStore } from './documentation.js';
import { postgresTemplateStore } from './templates.js';
import { postgresWorkshopStore } from './workshops.js';

export interface PostgresStoreOptions {
  /** postgres://user@host:port/database (the DATABASE_URL setting). */
  connectionString: string;
  /** Schema for all tables (created if missing); `public` by default. Tests use one schema each. */
  schema?: string;
  /** Connections in the pool (one pool per process). */
  maxConnections?: number;
}

/** The PostgreSQL store with its pool, for callers that need the database itself (health checks, tests). */
export interface PostgresStore extends Store {
  pool: pg.Pool;
}

/**
 * Opens the PostgreSQL store: one pool, migrations applied (safely when several processes start at
 * once). The store is assembled from one module per area (workshops and people, versioned
 * documents, poll answers, collaboration updates); a new area adds a module and a migration.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name "${schema}".`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${schema}`,
  });
  // An idle connection that breaks (database restart) must not crash the process; the pool replaces it.
  pool.on('error', (error) => console.error('PostgreSQL connection error', error.message));
  const client = await pool.connect().catch(async (error: unknown) => {
    await pool.end().catch(() => undefined);
    throw error;
  });
  try {
    await migratePostgres(client, schema);
  } catch (error) {
    client.release();
    await pool.end().catch(() => undefined);
    throw error;
  }
  client.release();

  const db = createDb(pool);
  const answers = postgresAnswerStore(db);
  const { drain, ...answerMethods } = answers;
  return {
    pool,
    collab: postgresCollabStore(db),
    ...postgresWorkshopStore(db),
    ...postgresDocumentStore(db),
    ...postgresTemplateStore(db),
    ...postgresDocumentationStore(db),
    ...answerMethods,
    async close() {
      await drain();
      await pool.end();
    },
  };
}
