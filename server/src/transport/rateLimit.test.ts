import { describe, expect, it } from 'vitest';
import { RateLimiter, clientAddress, parseRateLimit, retryAfterSeconds } from './rateLimit.js';

describe('RateLimiter (token bucket per address)', () => {
  it('allows a burst of the full count, then one attempt per earned interval', () => {
    let now = 0;
    const limiter = new RateLimiter({ count: 3, perMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 20_000 });
    // Another address has its own bucket.
    expect(limiter.take('b').ok).toBe(true);
    now = 19_999;
    expect(limiter.take('a').ok).toBe(false);
    now = 20_000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    // A long pause refills only up to the count.
    now = 10 * 60_000;
    for (let i = 0; i < 3; i++) expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('check does not spend an attempt; no limit allows everything', () => {
    const limiter = new RateLimiter({ count: 1, perMs: 1_000 }, () => 0);
    expect(limiter.check('a').ok).toBe(true);
    expect(limiter.check('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.check('a')).toEqual({ ok: false, retryAfterMs: 1_000 });
    const open = new RateLimiter(null);
    for (let i = 0; i < 1_000; i++) expect(open.take('a').ok).toBe(true);
  });

  it('forgets refilled buckets instead of growing without bound', () => {
    let now = 0;
    const limiter = new RateLimiter({ count: 1, perMs: 1_000 }, () => now);
    for (let i = 0; i < 10_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    now = 1_000;
    limiter.take('new');
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(1);
  });
});

describe('rate limit settings', () => {
  it('reads counts per second, minute and hour, and off', () => {
    expect(parseRateLimit('X', '30/h', null)).toEqual({ count: 30, perMs: 3_600_000 });
    expect(parseRateLimit('X', '600/min', null)).toEqual({ count: 600, perMs: 60_000 });
    expect(parseRateLimit('X', ' 10 / s ', null)).toEqual({ count: 10, perMs: 1_000 });
    expect(parseRateLimit('X', 'off', { count: 1, perMs: 1 })).toBeNull();
    expect(parseRateLimit('X', '0', { count: 1, perMs: 1 })).toBeNull();
    expect(parseRateLimit('X', undefined, { count: 1, perMs: 1 })).toEqual({ count: 1, perMs: 1 });
    for (const bad of ['30', '30/week', '-1/h', 'many/h', '1.5/h']) expect(() => parseRateLimit('RATE_LIMIT_JOIN', bad, null)).toThrow(/RATE_LIMIT_JOIN/);
  });

  it('rounds Retry-After up to whole seconds, at least one', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1_001)).toBe(2);
    expect(retryAfterSeconds(0)).toBe(1);
  });
});

describe('clientAddress', () => {
  it('uses the peer address unless proxies are trusted', () => {
    expect(clientAddress('192.0.2.1', '203.0.113.9', 0)).toBe('192.0.2.1');
    expect(clientAddress('::ffff:192.0.2.1', undefined, 0)).toBe('192.0.2.1');
  });

  it('takes the entry the trusted proxies added, not what the client forged', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', '1.2.3.4, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', '1.2.3.4, 203.0.113.9, 10.0.0.2', 2)).toBe('203.0.113.9');
    // Fewer entries than trusted proxies: the left-most one there is.
    expect(clientAddress('10.0.0.1', '203.0.113.9', 3)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
  });

  it('counts IPv6 addresses per /64 network', () => {
    expect(clientAddress('2001:db8:1:2:aaaa::1', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('2001:db8:1:2:bbbb:cccc:dddd:eeee', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('2001:db8::1', undefined, 0)).toBe('2001:db8:0:0::/64');
    expect(clientAddress('::1', undefined, 0)).toBe('0:0:0:0::/64');
  });
});
