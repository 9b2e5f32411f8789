import { join } from 'node:path';
import { readConfig } from './config.js';
import { copySqliteToPostgres } from './store/postgres/copyFromSqlite.js';

/**
 * `node server/dist/copyToPostgres.js`: moves a single-process installation to scaled mode by
 * copying DATA_DIR's SQLite database into the empty PostgreSQL database of DATABASE_URL
 * (`?schema=` as for the server). Stop the server first; the SQLite file is only read.
 */
async function main(): Promise<void> {
  const config = readConfig();
  if (!config.databaseUrl) throw new Error('Set DATABASE_URL to the PostgreSQL database to copy into.');
  const url = new URL(config.databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  const file = join(config.dataDir, 'werkraum.sqlite');
  const report = await copySqliteToPostgres(file, { connectionString: url.toString(), ...(schema ? { schema } : {}) });
  console.log(`Copied ${file} into PostgreSQL ${url.host}${url.pathname}${schema ? ` (schema ${schema})` : ''}:`);
  for (const [table, rows] of Object.entries(report.tables)) console.log(`  ${table}: ${rows} rows`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
