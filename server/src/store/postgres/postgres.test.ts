import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from '../../test/storeBackends.js';
import { PG_MIGRATIONS } from './migrations.js';
import { openPostgresStore, type PostgresStore } from './index.js';

/** What only the PostgreSQL store has to show: several processes starting at once, transactions. */
describe('PostgreSQL store', () => {
  const schemas: string[] = [];
  const stores: PostgresStore[] = [];
  const open = async (schema: string) => {
    const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    stores.push(store);
    return store;
  };
  const schema = () => {
    const name = freshSchemaName();
    schemas.push(name);
    return name;
  };

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const name of schemas.splice(0)) await dropSchema(name);
  });

  it('several processes starting at once apply each migration exactly once', async () => {
    const name = schema();
    const opened = await Promise.all([open(name), open(name), open(name), open(name)]);
    const { rows } = await opened[0]!.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(PG_MIGRATIONS.map((_, index) => index + 1));
    // Opening again later changes nothing.
    const later = await open(name);
    const again = await later.pool.query('SELECT version FROM schema_migrations');
    expect(again.rowCount).toBe(PG_MIGRATIONS.length);
  });

  it('refuses to start on a schema newer than this server', async () => {
    const name = schema();
    const store = await open(name);
    await store.pool.query('INSERT INTO schema_migrations (version) VALUES ($1)', [PG_MIGRATIONS.length + 1]);
    await expect(openPostgresStore({ connectionString: TEST_DATABASE_URL, schema: name })).rejects.toThrow(/newer than this server/);
  });

  it('refuses a schema name that would need quoting', async () => {
    await expect(openPostgresStore({ connectionString: TEST_DATABASE_URL, schema: 'x; DROP TABLE y' })).rejects.toThrow(/Invalid schema/);
  });

  it('a failing compaction changes nothing', async () => {
    const store = await open(schema());
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 3; i++) doc.getText('t').insert(i, 'x');
    for (const u of updates) await store.collab.appendUpdate('a', u);
    const before = await store.collab.loadDocument('a');
    // The insert of the merged row fails after the delete ran inside the transaction.
    await store.pool.query(`CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'nope'; END $$ LANGUAGE plpgsql`);
    await store.pool.query(`CREATE TRIGGER no_insert BEFORE INSERT ON collab_updates FOR EACH ROW WHEN (NEW.doc = 'a' AND NEW.seq = 3) EXECUTE FUNCTION refuse()`);
    await expect(store.collab.compact('a', Y.mergeUpdates(before.updates), 3)).rejects.toThrow(/nope/);
    expect(await store.collab.loadDocument('a')).toEqual(before);
  });

  it('an unreachable database fails the start with an error, not a hang', async () => {
    await expect(openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toThrow();
  });

  it('keeps its tables inside its own schema', async () => {
    const name = schema();
    await open(name);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [name],
    );
    await client.end();
    expect(rows.map((row) => row.table_name)).toContain('collab_updates');
    expect(rows.map((row) => row.table_name)).toContain('schema_migrations');
  });
});
