/**
 * Per-address rate limits as token buckets: each address may spend `capacity` attempts at once and
 * earns them back evenly over `perMs`. Used for creating workshops, join and resume attempts, and
 * failed keys, so nobody can guess secrets or fill the database at machine speed.
 *
 * One process keeps the buckets in memory; several processes (Redis) keep them in Redis, so the
 * limits hold for the whole installation (`server/src/cluster/rateLimits.ts`). Both answer through
 * the async `AddressLimiter`.
 */
import { isIP } from 'node:net';

/** One limit: at most `count` attempts per `perMs` milliseconds (a burst of `count` is allowed). */
export interface RateLimit {
  count: number;
  perMs: number;
}

/** The limits the server applies; `null` turns one off. */
export interface RateLimitSettings {
  /** Workshops created per address. */
  create: RateLimit | null;
  /** Join, resume and link inspection attempts per address (socket events). */
  join: RateLimit | null;
  /** Failed API keys, create keys and link secrets per address. */
  badKey: RateLimit | null;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The limits of a server on the open internet (README, settings). */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  create: { count: 30, perMs: HOUR },
  join: { count: 600, perMs: MINUTE },
  badKey: { count: 30, perMs: MINUTE },
};

/** No limits at all (tests that do not test limits, benchmarks). */
export const NO_RATE_LIMITS: RateLimitSettings = { create: null, join: null, badKey: null };

const UNITS: Record<string, number> = { s: 1_000, sec: 1_000, m: MINUTE, min: MINUTE, h: HOUR, hour: HOUR };

/**
 * Reads a limit setting such as `30/h`, `600/min` or `10/s`; `off` or `0` turns it off.
 * Throws a message naming the setting for anything else.
 */
export function parseRateLimit(name: string, value: string | undefined, fallback: RateLimit | null): RateLimit | null {
  if (value === undefined || value.trim() === '') return fallback;
  const text = value.trim().toLowerCase();
  if (text === 'off' || text === '0') return null;
  const match = /^(\d+)\s*\/\s*([a-z]+)$/.exec(text);
  const unit = match ? UNITS[match[2]!] : undefined;
  const count = match ? Number(match[1]) : NaN;
  if (!match || unit === undefined || !Number.isSafeInteger(count) || count < 1) {
    throw new Error(`${name} must look like "30/h", "600/min" or "10/s" (or "off"), got "${value}".`);
  }
  return { count, perMs: unit };
}

/** What a take answers: allowed, or the wait until one attempt is earned back. */
export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before full ones are forgotten. */
const PRUNE_ABOVE = 10_000;

/** Token buckets for one kind of attempt, one bucket per address. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;

  constructor(
    private readonly limit: RateLimit | null,
    private readonly now: () => number = Date.now,
  ) {
    this.ratePerMs = limit ? limit.count / limit.perMs : 0;
  }

  /** Spends one attempt of `key`, or says how long to wait. */
  take(key: string): Verdict {
    const verdict = this.check(key);
    if (verdict.ok && this.limit) this.buckets.get(key)!.tokens -= 1;
    return verdict;
  }

  /** Whether `key` has an attempt left, without spending it (failed keys are spent afterwards). */
  check(key: string): Verdict {
    if (!this.limit) return { ok: true };
    const bucket = this.refill(key);
    if (bucket.tokens >= 1) return { ok: true };
    return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / this.ratePerMs) };
  }

  private refill(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= PRUNE_ABOVE) this.prune(now);
      bucket = { tokens: this.limit!.count, at: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.limit!.count, bucket.tokens + (now - bucket.at) * this.ratePerMs);
    bucket.at = now;
    return bucket;
  }

  /** Forgets buckets that have refilled completely (they behave like new ones). */
  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.ratePerMs >= this.limit!.count) this.buckets.delete(key);
    }
  }
}

/**
 * One kind of per-address attempt, counted in this process or, with Redis, in the whole
 * installation. Same token-bucket semantics either way.
 */
export interface AddressLimiter {
  /** Spends one attempt of `key`, or says how long to wait. */
  take(key: string): Promise<Verdict>;
  /** Whether `key` has an attempt left, without spending it (failed keys are spent afterwards). */
  check(key: string): Promise<Verdict>;
}

/** The kinds of per-address limits (also part of their Redis keys). */
export type LimitName = keyof RateLimitSettings;

/** Makes the limiter of one kind for a limit that is on (the cluster's shared buckets). */
export type LimiterFactory = (name: LimitName, limit: RateLimit) => AddressLimiter;

/** In-memory buckets of this process behind the async interface (they answer at once). */
export function localLimiter(limit: RateLimit | null, now: () => number = Date.now): AddressLimiter {
  const limiter = new RateLimiter(limit, now);
  return {
    take: async (key) => limiter.take(key),
    check: async (key) => limiter.check(key),
  };
}

const UNLIMITED: AddressLimiter = { take: async () => ({ ok: true }), check: async () => ({ ok: true }) };

/** The limiters of one server, built from its settings. */
export interface RateLimiters {
  create: AddressLimiter;
  join: AddressLimiter;
  badKey: AddressLimiter;
  /** How many proxies in front of the server add to X-Forwarded-For (0: use the peer address). */
  trustProxy: number;
}

/**
 * Builds the limiters from settings: in memory, or from `shared` (Redis buckets of the whole
 * installation) when given. A limit that is off never asks anyone.
 */
export function rateLimiters(settings: RateLimitSettings, trustProxy = 0, now: () => number = Date.now, shared?: LimiterFactory): RateLimiters {
  const build = (name: LimitName): AddressLimiter => {
    const limit = settings[name];
    if (!limit) return UNLIMITED;
    return shared ? shared(name, limit) : localLimiter(limit, now);
  };
  return { create: build('create'), join: build('join'), badKey: build('badKey'), trustProxy };
}

/**
 * The address a limit counts against. Without trusted proxies it is the peer address; with
 * `trustProxy` proxies it is the address the outermost trusted proxy saw (taken from the right end
 * of X-Forwarded-For, the part clients cannot forge). IPv6 addresses count per /64 network, since
 * one host usually holds a whole /64.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: number): string {
  let address = peer ?? 'unknown';
  if (trustProxy > 0 && forwardedFor !== undefined) {
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const chain = [...hops, address];
    address = chain[Math.max(0, chain.length - 1 - trustProxy)]!;
  }
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) return address.slice(7);
  if (isIP(address) === 6) {
    const [head = '', tail = ''] = address.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
    return `${groups.slice(0, 4).map((g) => g || '0').join(':')}::/64`;
  }
  return address;
}

/** Seconds for a Retry-After header (at least 1). */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
