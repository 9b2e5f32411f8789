import { join } from 'node:path';
import { openPostgresStore } from './postgres/index.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

/** The store the settings ask for: PostgreSQL when DATABASE_URL is set, else the embedded SQLite file in DATA_DIR. */
export async function openConfiguredStore(config: { databaseUrl: string | undefined; dataDir: string }): Promise<{ store: Store; description: string }> {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    const store = await openPostgresStore({ connectionString: url.toString(), ...(schema ? { schema } : {}) });
    return { store, description: `PostgreSQL ${url.host}${url.pathname}${schema ? ` (schema ${schema})` : ''}` };
  }
  const file = join(config.dataDir, 'werkraum.sqlite');
  return { store: openSqliteStore(file), description: file };
}
