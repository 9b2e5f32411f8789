import { resolve } from 'node:path';
import { DEFAULT_RENDER_TIMEOUT_MS } from './board/rasterizer.js';
import { DEFAULT_RATE_LIMITS, parseRateLimit, type RateLimitSettings } from './transport/rateLimit.js';

/** Settings from the environment, with the defaults of the embedded single-process setup. */
export interface Config {
  port: number;
  host: string | undefined;
  dataDir: string;
  publicUrl: string | undefined;
  /** When set, creating a workshop requires this key (CREATE_KEY). */
  createKey: string | undefined;
  /** When set, facilitators who hold this key keep templates in the installation's library (TEMPLATE_KEY). */
  templateKey: string | undefined;
  /** Per-address limits (RATE_LIMIT_CREATE, RATE_LIMIT_JOIN, RATE_LIMIT_BAD_KEY). */
  rateLimits: RateLimitSettings;
  /** Proxies in front of the server that append to X-Forwarded-For (TRUST_PROXY); 0 trusts none. */
  trustProxy: number;
  /** Time limit of one board PNG render, ms (RENDER_TIMEOUT_MS). */
  renderTimeoutMs: number;
  /** The LiveKit server for audio and video (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET); null turns A/V off. */
  liveKit: LiveKitSettings | null;
  /** Key for anonymous poll voter keys (VOTER_KEY_SECRET); generated in the data directory when unset. */
  voterKeySecret: string | undefined;
  /** PostgreSQL instead of the embedded SQLite file (DATABASE_URL, postgres://...). */
  databaseUrl: string | undefined;
  /** Redis that connects several server processes (REDIS_URL, redis://...). */
  redisUrl: string | undefined;
  /** Key of the collaboration tokens shared by all processes (COLLAB_SECRET, at least 32 characters); random per process, or kept in Redis, when unset. */
  collabSecret: Buffer | undefined;
  /** Prefix of every Redis key and channel, so installations can share a Redis (REDIS_PREFIX). */
  redisPrefix: string;
}

/** Where the LiveKit server is and the key pair that signs its tokens and API calls. */
export interface LiveKitSettings {
  /** The address browsers connect to (`wss://...`); the server calls its HTTP API on the same host. */
  url: string;
  apiKey: string;
  apiSecret: string;
}

/** Reads the three LiveKit settings: all or none, with a URL browsers can open. */
export function readLiveKit(env: NodeJS.ProcessEnv): LiveKitSettings | null {
  const url = env.LIVEKIT_URL?.trim() ?? '';
  const apiKey = env.LIVEKIT_API_KEY?.trim() ?? '';
  const apiSecret = env.LIVEKIT_API_SECRET?.trim() ?? '';
  if (!url && !apiKey && !apiSecret) return null;
  const missing = [['LIVEKIT_URL', url], ['LIVEKIT_API_KEY', apiKey], ['LIVEKIT_API_SECRET', apiSecret]].filter(([, value]) => !value).map(([name]) => name);
  if (missing.length > 0) throw new Error(`Audio and video need LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET together; missing: ${missing.join(', ')}.`);
  if (!/^(wss?|https?):\/\/[^\s]+$/.test(url)) throw new Error(`LIVEKIT_URL must start with wss://, ws://, https:// or http://, got "${url}".`);
  return { url: url.replace(/\/+$/, ''), apiKey, apiSecret };
}

/** Reads a whole number setting within bounds or throws a message naming it. */
function wholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${value}".`);
  }
  return number;
}

/**
 * Reads PORT, HOST, DATA_DIR, PUBLIC_URL, CREATE_KEY, TEMPLATE_KEY, RATE_LIMIT_*, TRUST_PROXY,
 * RENDER_TIMEOUT_MS, VOTER_KEY_SECRET, the LIVEKIT_* settings, DATABASE_URL, REDIS_URL, REDIS_PREFIX
 * and COLLAB_SECRET; refuses values that cannot work.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = wholeNumber('PORT', env.PORT, 3000, 0, 65535);
  if (env.PUBLIC_URL && !/^https?:\/\//.test(env.PUBLIC_URL)) {
    throw new Error(`PUBLIC_URL must start with http:// or https://, got "${env.PUBLIC_URL}".`);
  }
  if (env.VOTER_KEY_SECRET && env.VOTER_KEY_SECRET.length < 32) {
    throw new Error('VOTER_KEY_SECRET must be at least 32 characters long (for example: openssl rand -base64 32).');
  }
  const trust = env.TRUST_PROXY?.trim().toLowerCase();
  const trustProxy = trust === 'true' ? 1 : trust === 'false' ? 0 : wholeNumber('TRUST_PROXY', trust, 0, 0, 10);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, got "${databaseUrl.replace(/:[^:@/]*@/, ':***@')}".`);
  }
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    throw new Error(`REDIS_URL must start with redis:// or rediss://, got "${redisUrl.replace(/:[^:@/]*@/, ':***@')}".`);
  }
  if (redisUrl && !databaseUrl) {
    throw new Error('REDIS_URL connects several processes, which must share one database: set DATABASE_URL too.');
  }
  return {
    port,
    host: env.HOST || undefined,
    dataDir: resolve(env.DATA_DIR || './data'),
    publicUrl: env.PUBLIC_URL || undefined,
    createKey: env.CREATE_KEY || undefined,
    templateKey: env.TEMPLATE_KEY || undefined,
    rateLimits: {
      create: parseRateLimit('RATE_LIMIT_CREATE', env.RATE_LIMIT_CREATE, DEFAULT_RATE_LIMITS.create),
      join: parseRateLimit('RATE_LIMIT_JOIN', env.RATE_LIMIT_JOIN, DEFAULT_RATE_LIMITS.join),
      badKey: parseRateLimit('RATE_LIMIT_BAD_KEY', env.RATE_LIMIT_BAD_KEY, DEFAULT_RATE_LIMITS.badKey),
    },
    trustProxy,
    renderTimeoutMs: wholeNumber('RENDER_TIMEOUT_MS', env.RENDER_TIMEOUT_MS, DEFAULT_RENDER_TIMEOUT_MS, 100, 600_000),
    liveKit: readLiveKit(env),
    voterKeySecret: env.VOTER_KEY_SECRET || undefined,
    databaseUrl,
    redisUrl,
    redisPrefix: env.REDIS_PREFIX?.trim() || 'werkraum',
    collabSecret: collabSecretOf(env.COLLAB_SECRET),
  };
}

function collabSecretOf(value: string | undefined): Buffer | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 32) throw new Error('COLLAB_SECRET must be at least 32 characters long.');
  return Buffer.from(value, 'utf8');
}
