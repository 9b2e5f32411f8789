import { Redis } from 'ioredis';
import type { CollabRelay } from '../collab/server.js';

const UPDATE = 1;
const AWARENESS = 2;

/**
 * Collaboration updates and presence between processes over Redis pub/sub (as Hocuspocus's Redis
 * extension does): one channel per installation, binary messages
 * `[kind u8][seq f64][process id 8 bytes][name length u16][name][payload]`. Pub/sub may drop a
 * message (a reconnect); the sequence numbers let the receiver notice and re-read the store.
 */
export async function redisCollabRelay(
  url: string,
  prefix: string,
  processId: string,
  log: (message: string, error?: unknown) => void,
): Promise<CollabRelay & { close(): Promise<void> }> {
  const channel = `${prefix}:collab`;
  const self = Buffer.from(processId.slice(0, 16).padEnd(16, '0'), 'hex');
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  for (const client of [publisher, subscriber]) client.on('error', (error: Error) => log('redis collaboration relay error', error.message));
  await publisher.connect();
  await subscriber.connect();
  await subscriber.subscribe(channel);
  let handlers: Parameters<CollabRelay['connect']>[0] | undefined;

  subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
    if (!handlers || message.length < 19) return;
    if (message.subarray(9, 17).equals(self)) return;
    const kind = message.readUInt8(0);
    const seq = message.readDoubleBE(1);
    const nameLength = message.readUInt16BE(17);
    const name = message.subarray(19, 19 + nameLength).toString('utf8');
    const payload = new Uint8Array(message.subarray(19 + nameLength));
    if (kind === UPDATE) handlers.update(name, seq, payload);
    else if (kind === AWARENESS) handlers.awareness(name, payload);
  });

  const publish = (kind: number, name: string, seq: number, payload: Uint8Array) => {
    const nameBytes = Buffer.from(name, 'utf8');
    const header = Buffer.alloc(19);
    header.writeUInt8(kind, 0);
    header.writeDoubleBE(seq, 1);
    self.copy(header, 9);
    header.writeUInt16BE(nameBytes.length, 17);
    const message = Buffer.concat([header, nameBytes, payload]);
    publisher.publish(channel, message).catch((error: unknown) => log('redis collaboration publish failed', error));
  };

  return {
    publishUpdate: (name, seq, update) => publish(UPDATE, name, seq, update),
    publishAwareness: (name, update) => publish(AWARENESS, name, 0, update),
    connect(next) {
      handlers = next;
    },
    async close() {
      subscriber.disconnect();
      await publisher.quit().catch(() => publisher.disconnect());
    },
  };
}
