import Database from 'better-sqlite3';
import pg from 'pg';
import { TEST_STORE, schemaOf, type TestServer } from './harness.js';
import { TEST_DATABASE_URL } from './storeBackends.js';

/**
 * Direct SQL access to the data of a test server, on the store the harness runs on (the SQLite file,
 * or its PostgreSQL schema under TEST_STORE=postgres): for tests that check what storage holds, or
 * that change it behind the server's back as an old version would have left it.
 * Placeholders are written `?` on both stores.
 */
export interface StoreReader {
  kind: 'sqlite' | 'postgres';
  /** The rows of one statement. */
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs one statement (writes only when opened `writable`). */
  run(sql: string, params?: unknown[]): Promise<void>;
  /** The names of the store's own tables. */
  tables(): Promise<string[]>;
  /** The columns of a table, in their order. */
  columns(table: string): Promise<string[]>;
  /** Every row of every table, as table name and column values. */
  everyRow(): Promise<{ table: string; row: Record<string, unknown> }[]>;
  close(): Promise<void>;
}

const numbered = (sql: string) => {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
};
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Opens the data of `server` (read-only unless `writable`); it may be in use by the server. */
export async function openStoreReader(server: Pick<TestServer, 'dataFile'>, options: { writable?: boolean } = {}): Promise<StoreReader> {
  const reader = TEST_STORE === 'postgres' ? await postgresReader(server.dataFile, options.writable ?? false) : sqliteReader(server.dataFile, options.writable ?? false);
  return {
    ...reader,
    async everyRow() {
      const rows: { table: string; row: Record<string, unknown> }[] = [];
      for (const table of await reader.tables()) {
        for (const row of await reader.all(`SELECT * FROM ${quoted(table)}`)) rows.push({ table, row });
      }
      return rows;
    },
  };
}

/** Runs `use` with a reader on the data of `server` and closes it afterwards. */
export async function withStoreReader<T>(server: Pick<TestServer, 'dataFile'>, use: (reader: StoreReader) => Promise<T>, options: { writable?: boolean } = {}): Promise<T> {
  const reader = await openStoreReader(server, options);
  try {
    return await use(reader);
  } finally {
    await reader.close();
  }
}

function sqliteReader(dataFile: string, writable: boolean): Omit<StoreReader, 'everyRow'> {
  const db = new Database(dataFile, writable ? {} : { readonly: true, fileMustExist: true });
  return {
    kind: 'sqlite',
    all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
    run: async (sql, params = []) => void db.prepare(sql).run(...params),
    tables: async () =>
      (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
        (row) => row.name,
      ),
    columns: async (table) => (db.prepare(`PRAGMA table_info(${quoted(table)})`).all() as { name: string }[]).map((column) => column.name),
    close: async () => void db.close(),
  };
}

async function postgresReader(dataFile: string, writable: boolean): Promise<Omit<StoreReader, 'everyRow'>> {
  const schema = schemaOf(dataFile);
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
  await client.connect();
  if (!writable) await client.query('SET default_transaction_read_only = on');
  const all = async <T>(sql: string, params: unknown[] = []) => (await client.query(numbered(sql), params)).rows as T[];
  return {
    kind: 'postgres',
    all,
    run: async (sql, params = []) => void (await client.query(numbered(sql), params)),
    tables: async () =>
      (await all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name", [schema])).map(
        (row) => row.name,
      ),
    columns: async (table) =>
      (await all<{ name: string }>('SELECT column_name AS name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position', [schema, table])).map(
        (row) => row.name,
      ),
    close: () => client.end(),
  };
}

/**
 * PostgreSQL: every page of every relation of the server's schema (tables, their indexes and TOAST
 * data) as stored, dead row versions included, read with pageinspect (the test database user is a
 * superuser, as page inspection needs). What someone with a copy of the data directory finds for
 * this schema, the counterpart of a SQLite file's pages; the cluster's shared write-ahead log is not
 * examined.
 */
export async function postgresRawPages(server: Pick<TestServer, 'dataFile'>): Promise<{ owner: string; pgno: number; page: Buffer }[]> {
  const create = () => withStoreReader(server, (db) => db.run('CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public'), { writable: true });
  // Another test file may be creating it at the same moment.
  await create().catch(create);
  return withStoreReader(server, async (db) => {
    const relations = await db.all<{ oid: number; owner: string; blocks: number }>(
      `SELECT c.oid::integer AS oid, c.relname AS owner, (pg_relation_size(c.oid) / current_setting('block_size')::integer)::integer AS blocks
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')
       UNION ALL
       SELECT t.oid::integer, c.relname || ' (toast)', (pg_relation_size(t.oid) / current_setting('block_size')::integer)::integer
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class t ON t.oid = c.reltoastrelid
        WHERE n.nspname = current_schema()`,
    );
    const pages: { owner: string; pgno: number; page: Buffer }[] = [];
    for (const { oid, owner, blocks } of relations) {
      for (let pgno = 0; pgno < blocks; pgno += 1) {
        const [row] = await db.all<{ page: Buffer }>('SELECT public.get_raw_page(CAST(CAST(? AS oid) AS regclass)::text, ?) AS page', [oid, pgno]);
        pages.push({ owner, pgno, page: row!.page });
      }
    }
    return pages;
  });
}
