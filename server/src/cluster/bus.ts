import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Messages between the server processes of one installation. With one process nothing needs to
 * travel and the local bus drops everything; with several, Redis pub/sub carries them. A process
 * never receives its own messages.
 */
export interface ClusterBus {
  /** This process's id (random per start). */
  readonly processId: string;
  /** Whether other processes may exist (a Redis connection). */
  readonly shared: boolean;
  publish(topic: string, payload: unknown): void;
  /** Handles messages of a topic from other processes (`from` is the sending process). */
  on(topic: string, handler: (payload: unknown, from: string) => void): void;
  close(): Promise<void>;
}

/** The bus of a single process: nobody else to tell. */
export function localBus(): ClusterBus {
  return {
    processId: randomBytes(8).toString('hex'),
    shared: false,
    publish() {},
    on() {},
    async close() {},
  };
}

/**
 * A bus on Redis pub/sub, one channel per installation (`prefix`). Messages are small JSON
 * notices ("the people of workshop W changed"); the data itself stays in the store.
 */
export async function redisBus(url: string, prefix: string, log: (message: string, error?: unknown) => void): Promise<ClusterBus> {
  const processId = randomBytes(8).toString('hex');
  const channel = `${prefix}:bus`;
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  for (const client of [publisher, subscriber]) client.on('error', (error: Error) => log('redis bus connection error', error.message));
  await publisher.connect();
  await subscriber.connect();
  const handlers = new Map<string, ((payload: unknown, from: string) => void)[]>();
  subscriber.on('message', (_channel: string, text: string) => {
    let message: { topic: string; from: string; payload: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.from === processId) return;
    for (const handler of handlers.get(message.topic) ?? []) {
      try {
        handler(message.payload, message.from);
      } catch (error) {
        log(`cluster message ${message.topic} failed`, error);
      }
    }
  });
  await subscriber.subscribe(channel);
  return {
    processId,
    shared: true,
    publish(topic, payload) {
      publisher.publish(channel, JSON.stringify({ topic, from: processId, payload })).catch((error: unknown) => log('redis publish failed', error));
    },
    on(topic, handler) {
      const list = handlers.get(topic) ?? [];
      list.push(handler);
      handlers.set(topic, list);
    },
    async close() {
      subscriber.disconnect();
      await publisher.quit().catch(() => publisher.disconnect());
    },
  };
}
