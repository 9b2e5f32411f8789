import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../store/postgres/index.js';
import { Harness, type StartOptions, type TestServer } from '../test/harness.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from '../test/storeBackends.js';
import { TEST_REDIS_URL, dropRedisPrefix } from '../test/redis.js';
import type { RateLimitSettings } from '../transport/rateLimit.js';
import { redisCluster } from './index.js';
import { redisRateLimits } from './rateLimits.js';
import { Redis } from 'ioredis';

interface ErrorBody {
  error: { code: string; retryAfterMs?: number };
}

/**
 * A TCP relay to the test Redis that can be cut and restored, standing in for a Redis server that
 * stops and comes back (the real one is shared with other tests).
 */
class RedisRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async open(): Promise<string> {
    const target = new URL(TEST_REDIS_URL);
    this.server = createServer((socket) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const end of [socket, upstream]) {
        this.sockets.add(end);
        end.on('error', () => undefined);
        end.on('close', () => {
          this.sockets.delete(end);
          socket.destroy();
          upstream.destroy();
        });
      }
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Drops every connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

/**
 * The per-address limits of several processes on one Redis count for the installation: an address
 * spreading its attempts over the processes gets the configured budget once, not once per process.
 */
describe('rate limits across processes on one Redis', () => {
  const harness = new Harness();
  const schemas: string[] = [];
  const prefixes: string[] = [];
  const relays: RedisRelay[] = [];

  afterEach(async () => {
    await harness.cleanup();
    for (const relay of relays.splice(0)) await relay.cut();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
    for (const prefix of prefixes.splice(0)) await dropRedisPrefix(prefix);
  });

  const limits = (overrides: Partial<RateLimitSettings>): RateLimitSettings => ({ create: null, join: null, badKey: null, ...overrides });

  /** Processes of one installation (one schema, one Redis prefix); `redisUrls` may route one through a relay. */
  async function processes(redisUrls: string[], options: StartOptions, clusterLog: (message: string) => void = () => undefined): Promise<TestServer[]> {
    const schema = freshSchemaName();
    schemas.push(schema);
    const prefix = `test-${randomBytes(6).toString('hex')}`;
    prefixes.push(prefix);
    const started: TestServer[] = [];
    for (const url of redisUrls) {
      started.push(
        await harness.start({
          ...options,
          openStore: () => openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 }),
          cluster: await redisCluster(url, prefix, clusterLog),
        }),
      );
    }
    return started;
  }

  it('a Redis bucket: a burst of the count, then the wait for one attempt; check spends nothing; it expires once refilled', async () => {
    const prefix = `test-${randomBytes(6).toString('hex')}`;
    prefixes.push(prefix);
    const shared = await redisRateLimits(TEST_REDIS_URL, prefix, () => undefined);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const limiter = shared.limiter('badKey', { count: 3, perMs: 60_000 });
      expect(await limiter.check('192.0.2.1')).toEqual({ ok: true });
      // A check leaves no bucket behind.
      expect(await redis.exists(`${prefix}:rate:badKey:192.0.2.1`)).toBe(0);
      for (let i = 0; i < 3; i++) expect(await limiter.take('192.0.2.1')).toEqual({ ok: true });
      const refused = await limiter.take('192.0.2.1');
      expect(refused.ok).toBe(false);
      // One attempt per 20 s, less the moments since the first take.
      expect(!refused.ok && refused.retryAfterMs).toBeGreaterThan(19_000);
      expect(!refused.ok && refused.retryAfterMs).toBeLessThanOrEqual(20_000);
      expect((await limiter.check('192.0.2.1')).ok).toBe(false);
      expect((await limiter.take('2001:db8:1:2::/64')).ok).toBe(true);
      const ttl = await redis.pttl(`${prefix}:rate:badKey:192.0.2.1`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      redis.disconnect();
      await shared.close();
    }
  });

  const moderationWith = (server: TestServer, workshopId: string, key: string) =>
    fetch(`${server.baseUrl}/api/workshops/${workshopId}`, { headers: { authorization: `Bearer ${key}` } });

  it('failed keys sent alternately to two processes are limited after the count in total; the 429 carries Retry-After; the refill lets one through again', async () => {
    const [a, b] = (await processes([TEST_REDIS_URL, TEST_REDIS_URL], { rateLimits: limits({ badKey: { count: 4, perMs: 2_000 } }) })) as [TestServer, TestServer];
    const workshop = await harness.createWorkshop(a);
    for (let i = 0; i < 4; i++) expect((await moderationWith(i % 2 ? b : a, workshop.id, `wrong-${i}`)).status).toBe(403);
    // Per process this would be 2 of 4; for the installation the budget is spent, on both processes, also for the right key.
    for (const server of [a, b]) {
      const refused = await moderationWith(server, workshop.id, workshop.keys.moderator);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      const body = (await refused.json()) as ErrorBody;
      expect(body.error.code).toBe('rate_limited');
      // One attempt is earned back every 500 ms.
      expect(body.error.retryAfterMs).toBeGreaterThan(0);
      expect(body.error.retryAfterMs).toBeLessThanOrEqual(500);
    }
    // After the refill the right key gets through again, on the other process too.
    await expect.poll(async () => (await moderationWith(b, workshop.id, workshop.keys.moderator)).status, { timeout: 3_000, interval: 100 }).toBe(200);
  });

  it('failed link secrets over the socket count across processes; join attempts too', async () => {
    const [a, b] = (await processes([TEST_REDIS_URL, TEST_REDIS_URL], {
      rateLimits: limits({ join: { count: 5, perMs: 60_000 }, badKey: { count: 3, perMs: 60_000 } }),
    })) as [TestServer, TestServer];
    const workshop = await harness.createWorkshop(a);
    const onA = await harness.connect(a);
    const onB = await harness.connect(b);
    const wrongJoin = { workshopId: workshop.id, linkSecret: 'x'.repeat(32), displayName: 'Eve', listInDocumentation: false };
    for (let i = 0; i < 3; i++) {
      expect(await (i % 2 ? onB : onA).call('session:join', wrongJoin)).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    }
    for (const client of [onA, onB]) {
      const refused = await client.call('session:join', { ...wrongJoin, linkSecret: workshop.secrets.participant });
      expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      // One failed key per 20 s is earned back.
      expect(!refused.ok && refused.error.retryAfterMs).toBeGreaterThan(19_000);
    }

    // The join limit (every attempt, good or bad) also counts once for the installation.
    const [c, d] = (await processes([TEST_REDIS_URL, TEST_REDIS_URL], { rateLimits: limits({ join: { count: 3, perMs: 60_000 } }) })) as [TestServer, TestServer];
    const other = await harness.createWorkshop(c);
    for (let i = 0; i < 3; i++) await (await harness.connect(i % 2 ? d : c)).join(other, 'participant', `P${i}`);
    for (const server of [c, d]) {
      const late = await harness.connect(server);
      expect(await late.call('session:inspectLink', { workshopId: other.id, linkSecret: other.secrets.participant })).toMatchObject({
        ok: false,
        error: { code: 'rate_limited' },
      });
    }
  });

  it('Redis unreachable: attempts are let through with a warning in the log; back again, the limits count again', async () => {
    const relay = new RedisRelay();
    relays.push(relay);
    const relayed = await relay.open();
    const logged: string[] = [];
    const [a, b] = (await processes([relayed, TEST_REDIS_URL], { rateLimits: limits({ badKey: { count: 2, perMs: 60_000 } }) }, (message) => logged.push(message))) as [
      TestServer,
      TestServer,
    ];
    const workshop = await harness.createWorkshop(a);

    await relay.cut();
    // Far beyond the limit, every request is answered (not 429, not left hanging), the right key too.
    for (let i = 0; i < 5; i++) expect((await moderationWith(a, workshop.id, `wrong-${i}`)).status).toBe(403);
    expect((await moderationWith(a, workshop.id, workshop.keys.moderator)).status).toBe(200);
    expect(logged.some((message) => /^rate limit badKey: Redis did not answer/.test(message))).toBe(true);
    // Nothing was counted meanwhile: the other process still has the whole budget for the address.
    expect((await moderationWith(b, workshop.id, 'wrong-b')).status).toBe(403);

    await relay.open();
    // Once A is connected again its failed keys count in the shared bucket again (1 left after B's).
    await expect.poll(async () => (await moderationWith(a, workshop.id, 'wrong-again')).status, { timeout: 10_000, interval: 200 }).toBe(429);
    expect((await moderationWith(b, workshop.id, workshop.keys.moderator)).status).toBe(429);
  });
});
