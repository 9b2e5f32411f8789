import pg from 'pg';

/** The one connection pool of a process, with the two ways the store modules use it. */
export interface Db {
  pool: pg.Pool;
  /** One statement on any pooled connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

export function createDb(pool: pg.Pool): Db {
  return {
    pool,
    query: (text, values) => pool.query(text, values),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/** Names usable as a schema without quoting (settings and tests choose them, never users). */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
