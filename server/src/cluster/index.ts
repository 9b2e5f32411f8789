import { randomBytes } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { CollabRelay } from '../collab/server.js';
import { localBus, redisBus, type ClusterBus } from './bus.js';
import { redisCollabRelay } from './collabRelay.js';
import { redisCallState } from './mediaCalls.js';
import type { CallState } from '../domain/media.js';
import { redisRateLimits } from './rateLimits.js';
import type { LimiterFactory } from '../transport/rateLimit.js';

/**
 * What connects the processes of one installation: a message bus and, for socket.io, an adapter
 * that carries room broadcasts to every process. One process (no REDIS_URL) gets a local bus and
 * socket.io's in-memory adapter.
 */
export interface Cluster {
  bus: ClusterBus;
  /** Collaboration updates and presence between processes; undefined for one process. */
  collabRelay: CollabRelay | undefined;
  /** socket.io's adapter across processes; undefined for one process. */
  adapter: ReturnType<typeof createAdapter> | undefined;
  /**
   * A secret all processes share (the key of the collaboration tokens, which one process issues and
   * another may check): the first process creates it in Redis. Undefined for one process.
   */
  sharedSecret(name: string): Promise<Buffer | undefined>;
  /** Marks a collaboration token as used in the whole installation; false when another process saw it first. */
  claimToken?: (tokenId: string, expiresAt: number) => Promise<boolean>;
  /**
   * The per-address rate limits counted for the whole installation (token buckets in Redis);
   * undefined for one process, which counts in memory.
   */
  rateLimiter?: LimiterFactory;
  /**
   * Who is in which audio/video call and who speaks there, for the whole installation (hashes in
   * Redis): LiveKit's webhooks reach one process. Undefined for one process, which keeps it in memory.
   */
  calls?: CallState;
  /** Takes a named claim for `ms` if nobody holds it (so one process does a job); always true for one process. */
  claim(key: string, ms: number): Promise<boolean>;
  /** Whether Redis answers (for the health check); always true for one process. */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}

export function singleProcess(): Cluster {
  return { bus: localBus(), collabRelay: undefined, adapter: undefined, sharedSecret: async () => undefined, claim: async () => true, reachable: async () => true, close: async () => undefined };
}

/**
 * Connects to Redis. `prefix` separates installations (and test runs) sharing one Redis.
 *
 * socket.io goes through @socket.io/redis-streams-adapter rather than the plain pub/sub adapter:
 * a stream keeps the broadcasts of the last moments, so a process whose Redis connection blips
 * catches up instead of silently missing them.
 */
export async function redisCluster(url: string, prefix: string, log: (message: string, error?: unknown) => void): Promise<Cluster> {
  const bus = await redisBus(url, prefix, log);
  const collabRelay = await redisCollabRelay(url, prefix, bus.processId, log);
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  client.on('error', (error: Error) => log('redis connection error', error.message));
  await client.connect();
  const adapter = createAdapter(client, { streamName: `${prefix}:socket.io`, channelPrefix: `${prefix}:socket.io` });
  const rateLimits = await redisRateLimits(url, prefix, log);
  const calls = await redisCallState(url, prefix, log);
  return {
    bus,
    collabRelay,
    adapter,
    rateLimiter: (name, limit) => rateLimits.limiter(name, limit),
    calls,
    async sharedSecret(name) {
      const key = `${prefix}:secret:${name}`;
      await client.set(key, randomBytes(32).toString('base64'), 'NX');
      const value = await client.get(key);
      if (!value) throw new Error(`Redis lost the shared secret ${name}.`);
      return Buffer.from(value, 'base64');
    },
    async claimToken(tokenId, expiresAt) {
      const ms = Math.max(1_000, expiresAt - Date.now() + 10_000);
      return (await client.set(`${prefix}:collab-token:${tokenId}`, '1', 'PX', ms, 'NX')) === 'OK';
    },
    async claim(key, ms) {
      return (await client.set(`${prefix}:claim:${key}`, bus.processId, 'PX', ms, 'NX')) === 'OK';
    },
    async reachable() {
      try {
        return (await Promise.race([client.ping(), new Promise((resolve) => setTimeout(resolve, 1_000, 'timeout'))])) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await bus.close();
      await collabRelay.close();
      await rateLimits.close();
      await calls.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
