import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../store/postgres/index.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';

/**
 * The PostgreSQL server the tests use (TEST_DATABASE_URL); the development and CI machines run one
 * on 127.0.0.1 with trust authentication.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One place for a store's data (a SQLite file, a PostgreSQL schema), opened as often as a test likes. */
export interface StoreLocation {
  /** Opens a new handle on the same data. */
  open(): Promise<Store>;
  /** Runs one SQL statement directly against the data (for tests that break the database on purpose). */
  exec(sql: string): Promise<void>;
  /** Removes the data; handles must be closed first. */
  remove(): Promise<void>;
}

export interface StoreBackend {
  name: 'SQLite' | 'PostgreSQL';
  /** A new, empty location of its own: parallel test files never share one. */
  create(): Promise<StoreLocation>;
}

/** A fresh schema name per test location, so test files running in parallel do not collide. */
export function freshSchemaName(): string {
  return `test_${process.pid}_${randomBytes(6).toString('hex')}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

async function execIn(schema: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const sqliteBackend: StoreBackend = {
  name: 'SQLite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'werkraum-store-'));
    const file = join(dir, 'nested', 'test.sqlite');
    let opened: Store | undefined;
    return {
      async open() {
        opened = openSqliteStore(file);
        return opened;
      },
      async exec(sql) {
        const { default: Database } = await import('better-sqlite3');
        const db = new Database(file);
        try {
          db.exec(sql);
        } finally {
          db.close();
        }
      },
      async remove() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const postgresBackend: StoreBackend = {
  name: 'PostgreSQL',
  async create() {
    const schema = freshSchemaName();
    return {
      open: () => openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 }),
      exec: (sql) => execIn(schema, sql),
      remove: () => dropSchema(schema),
    };
  },
};

/** Both implementations of the store interface; the contract tests run against each. */
export const STORE_BACKENDS: StoreBackend[] = [sqliteBackend, postgresBackend];
