import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('readConfig: the hardening settings', () => {
  it('defaults to the limits of a public server, no create key and no trusted proxy', () => {
    const config = readConfig({});
    expect(config.createKey).toBeUndefined();
    expect(config.trustProxy).toBe(0);
    expect(config.renderTimeoutMs).toBe(10_000);
    expect(config.rateLimits).toEqual({
      create: { count: 30, perMs: 3_600_000 },
      join: { count: 600, perMs: 60_000 },
      badKey: { count: 30, perMs: 60_000 },
    });
  });

  it('reads CREATE_KEY, RATE_LIMIT_*, TRUST_PROXY and RENDER_TIMEOUT_MS', () => {
    const config = readConfig({
      CREATE_KEY: 'k',
      RATE_LIMIT_CREATE: 'off',
      RATE_LIMIT_JOIN: '20/s',
      RATE_LIMIT_BAD_KEY: '5/min',
      TRUST_PROXY: 'true',
      RENDER_TIMEOUT_MS: '2000',
    });
    expect(config.createKey).toBe('k');
    expect(config.rateLimits).toEqual({ create: null, join: { count: 20, perMs: 1_000 }, badKey: { count: 5, perMs: 60_000 } });
    expect(config.trustProxy).toBe(1);
    expect(config.renderTimeoutMs).toBe(2_000);
    expect(readConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('refuses values that cannot work, naming the setting', () => {
    expect(() => readConfig({ RATE_LIMIT_JOIN: 'lots' })).toThrow(/RATE_LIMIT_JOIN/);
    expect(() => readConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
    expect(() => readConfig({ RENDER_TIMEOUT_MS: '5' })).toThrow(/RENDER_TIMEOUT_MS/);
    expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});
