import { Redis } from 'ioredis';

/** The test machines run Redis on 127.0.0.1 (TEST_REDIS_URL to use another). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key a test installation left under its prefix (socket.io streams, claims, secrets). */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
