import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { openConfiguredStore } from '../store/open.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from '../test/storeBackends.js';
import { workshopRecord } from '../test/factories.js';
import { createApp } from '../app.js';
import { TEST_REDIS_URL, dropRedisPrefix } from '../test/redis.js';
import { redisCluster } from './index.js';
import { randomBytes } from 'node:crypto';


describe('scaled-mode settings', () => {
  it('without DATABASE_URL and REDIS_URL nothing changes: SQLite, one process', () => {
    const config = readConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.redisPrefix).toBe('werkraum');
    expect(config.collabSecret).toBeUndefined();
  });

  it('reads DATABASE_URL, REDIS_URL, REDIS_PREFIX and COLLAB_SECRET and refuses values that cannot work', () => {
    const config = readConfig({
      DATABASE_URL: 'postgres://app@db:5432/werkraum',
      REDIS_URL: 'redis://cache:6379',
      REDIS_PREFIX: 'conference',
      COLLAB_SECRET: 'x'.repeat(32),
    });
    expect(config).toMatchObject({ databaseUrl: 'postgres://app@db:5432/werkraum', redisUrl: 'redis://cache:6379', redisPrefix: 'conference' });
    expect(config.collabSecret?.length).toBe(32);
    expect(() => readConfig({ DATABASE_URL: 'mysql://app:secret@db/werkraum' })).toThrow(/DATABASE_URL must start with postgres/);
    // The password is not repeated in the message.
    expect(() => readConfig({ DATABASE_URL: 'mysql://app:secret@db/werkraum' })).not.toThrow(/secret/);
    expect(() => readConfig({ REDIS_URL: 'redis://cache:6379' })).toThrow(/set DATABASE_URL too/);
    expect(() => readConfig({ DATABASE_URL: 'postgres://db/w', REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL must start with redis/);
    expect(() => readConfig({ COLLAB_SECRET: 'short' })).toThrow(/COLLAB_SECRET/);
  });

  it('DATABASE_URL with ?schema= opens the PostgreSQL store in that schema', async () => {
    const schema = freshSchemaName();
    const { store, description } = await openConfiguredStore({ databaseUrl: `${TEST_DATABASE_URL}?schema=${schema}`, dataDir: '/nonexistent' });
    try {
      expect(description).toContain(`schema ${schema}`);
      const workshop = workshopRecord();
      await store.insertWorkshop(workshop);
      expect(await store.getWorkshop(workshop.id)).toEqual(workshop);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  it('GET /api/health reports store and Redis, and answers 503 once Redis is gone', async () => {
    const schema = freshSchemaName();
    const { store } = await openConfiguredStore({ databaseUrl: `${TEST_DATABASE_URL}?schema=${schema}`, dataDir: '/nonexistent' });
    const prefix = `test-${randomBytes(6).toString('hex')}`;
    const cluster = await redisCluster(TEST_REDIS_URL, prefix, () => undefined);
    const app = createApp({ store, cluster, log: () => undefined });
    try {
      const port = await app.listen(0, '127.0.0.1');
      const healthy = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toMatchObject({ ok: true, store: 'reachable', redis: 'reachable' });
      await cluster.close();
      const broken = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(broken.status).toBe(503);
      expect(await broken.json()).toMatchObject({ ok: false, store: 'reachable', redis: 'unreachable' });
    } finally {
      await app.close();
      await dropSchema(schema);
      await dropRedisPrefix(prefix);
    }
  });
});
