import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { openSqliteStore } from '../sqlite.js';
import { openPostgresStore, type PostgresStoreOptions } from './index.js';

/** Tables the copy fills first (others refer to them); every other shared table follows. */
const FIRST = ['workshops', 'people'];
/** Tables that only one store has, or that the copy derives itself. */
const SKIP = new Set(['schema_migrations', 'collab_documents', 'sqlite_sequence']);
const BATCH = 500;

export interface CopyReport {
  /** Rows copied per table. */
  tables: Record<string, number>;
}

/**
 * Copies a SQLite installation (the file in DATA_DIR) into an empty PostgreSQL database: every table
 * both schemas have, column by column, in one transaction. Both schemas are first brought to their
 * latest migration. Refuses when the PostgreSQL side already holds workshops.
 */
export async function copySqliteToPostgres(sqliteFile: string, target: PostgresStoreOptions): Promise<CopyReport> {
  if (!existsSync(sqliteFile)) throw new Error(`No SQLite database at ${sqliteFile}.`);
  // Opening runs the migrations of both stores, so both have their latest tables.
  await openSqliteStore(sqliteFile).close();
  const store = await openPostgresStore(target);
  const source = new Database(sqliteFile, { readonly: true });
  const client = await store.pool.connect();
  try {
    const existing = await client.query('SELECT 1 FROM workshops LIMIT 1');
    if (existing.rowCount) throw new Error('The PostgreSQL database already holds workshops; copy only into an empty one.');
    const sqliteTables = new Set(
      source.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => row.name),
    );
    const { rows: columnRows } = await client.query<{ table_name: string; column_name: string; data_type: string; column_default: string | null }>(
      `SELECT table_name, column_name, data_type, column_default FROM information_schema.columns
       WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    );
    const pgTables = new Map<string, typeof columnRows>();
    for (const row of columnRows) pgTables.set(row.table_name, [...(pgTables.get(row.table_name) ?? []), row]);
    const shared = [...pgTables.keys()].filter((name) => sqliteTables.has(name) && !SKIP.has(name));
    const ordered = [...FIRST.filter((name) => shared.includes(name)), ...shared.filter((name) => !FIRST.includes(name)).sort()];

    const report: CopyReport = { tables: {} };
    await client.query('BEGIN');
    for (const table of ordered) {
      const sqliteColumns = new Set(source.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((row) => row.name));
      const columns = pgTables.get(table)!.filter((column) => sqliteColumns.has(column.column_name));
      // A PostgreSQL sequence (people's join order) is filled in the SQLite order instead of copied.
      const serial = columns.find((column) => column.column_default?.startsWith('nextval('));
      const copied = columns.filter((column) => column !== serial);
      const order = serial ? ` ORDER BY ${table === 'people' ? 'workshop_id, ' : ''}${serial.column_name}` : '';
      const select = source.prepare(`SELECT ${copied.map((column) => `"${column.column_name}"`).join(', ')} FROM "${table}"${order}`).raw(true);
      let batch: unknown[][] = [];
      let count = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const values: unknown[] = [];
        const tuples = batch.map((row) => `(${row.map((value) => (values.push(value), `$${values.length}`)).join(', ')})`);
        await client.query(`INSERT INTO ${table} (${copied.map((column) => `"${column.column_name}"`).join(', ')}) VALUES ${tuples.join(', ')}`, values);
        count += batch.length;
        batch = [];
      };
      for (const raw of select.iterate() as Iterable<unknown[]>) {
        batch.push(raw.map((value, index) => (copied[index]!.data_type === 'boolean' && typeof value === 'number' ? value === 1 : value)));
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      report.tables[table] = count;
    }
    // The sequence counters of the collaboration documents continue from the copied updates.
    if (shared.includes('collab_updates')) {
      await client.query('INSERT INTO collab_documents (doc, last_seq) SELECT doc, MAX(seq) FROM collab_updates GROUP BY doc');
    }
    await client.query('COMMIT');
    return report;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
    source.close();
    await store.close();
  }
}
