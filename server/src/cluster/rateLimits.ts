import { Redis } from 'ioredis';
import type { AddressLimiter, LimitName, RateLimit, Verdict } from '../transport/rateLimit.js';

/**
 * The per-address token buckets of the whole installation, kept in Redis: one hash per limit and
 * address (`<prefix>:rate:<limit>:<address>`, fields `tokens` and `at`), read, refilled and spent
 * by one Lua script, so processes taking from the same bucket at once cannot both spend its last
 * token. Time is the Redis server's (`TIME`), so the processes' clocks do not matter. A bucket
 * expires `perMs` after its last spend: by then it has refilled completely and behaves like a new
 * one.
 *
 * KEYS[1] the bucket; ARGV count, perMs, spend (1: take, 0: check).
 * Answers 0 when allowed, else the milliseconds until one attempt is earned back (at least 1).
 */
const TOKEN_BUCKET = `
if redis.replicate_commands then redis.replicate_commands() end
local count = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local tokens = count
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
if stored[1] and stored[2] then
  local elapsed = math.max(0, now - tonumber(stored[2]))
  tokens = math.min(count, tonumber(stored[1]) + elapsed * count / perMs)
end
if tokens >= 1 then
  if ARGV[3] == '1' then
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', tostring(now))
    redis.call('PEXPIRE', KEYS[1], perMs)
  end
  return 0
end
return math.max(1, math.ceil((1 - tokens) * perMs / count))
`;

/** Answers of Redis slower than this count as an outage (the attempt is let through). */
const COMMAND_TIMEOUT_MS = 1_000;
/** At most one warning per this interval while Redis is unreachable. */
const WARN_EVERY_MS = 10_000;

type BucketClient = Redis & { werkraumTokenBucket(key: string, count: number, perMs: number, spend: 0 | 1): Promise<number> };

export interface RedisRateLimits {
  limiter(name: LimitName, limit: RateLimit): AddressLimiter;
  close(): Promise<void>;
}

/**
 * Connects the shared buckets. Its own connection without an offline queue and with a short
 * command timeout: while Redis is away a take fails at once instead of waiting for a reconnect,
 * and fails open (allowed, with a warning in the log), because an outage of Redis must not lock
 * everyone out. For that time the limits do not hold.
 */
export async function redisRateLimits(url: string, prefix: string, log: (message: string, error?: unknown) => void): Promise<RedisRateLimits> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS }) as BucketClient;
  client.on('error', (error: Error) => log('redis rate limit connection error', error.message));
  client.defineCommand('werkraumTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET });
  await client.connect();

  let warnedAt = -Infinity;
  let allowedSinceWarning = 0;
  const failOpen = (name: LimitName, error: unknown): Verdict => {
    allowedSinceWarning += 1;
    const now = Date.now();
    if (now - warnedAt >= WARN_EVERY_MS) {
      log(
        `rate limit ${name}: Redis did not answer, ${allowedSinceWarning} check(s) let through uncounted since the last warning`,
        error instanceof Error ? error.message : error,
      );
      warnedAt = now;
      allowedSinceWarning = 0;
    }
    return { ok: true };
  };

  return {
    limiter(name, limit) {
      const run = async (key: string, spend: 0 | 1): Promise<Verdict> => {
        try {
          const retryAfterMs = Number(await client.werkraumTokenBucket(`${prefix}:rate:${name}:${key}`, limit.count, limit.perMs, spend));
          return retryAfterMs > 0 ? { ok: false, retryAfterMs } : { ok: true };
        } catch (error) {
          return failOpen(name, error);
        }
      };
      return { take: (key) => run(key, 1), check: (key) => run(key, 0) };
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
