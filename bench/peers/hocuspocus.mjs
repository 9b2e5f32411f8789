/**
 * Peer under test: @hocuspocus/server 3.4.4 (the newest release whose engines allow Node 20; 4.x
 * wants Node 22), with its defaults: no extensions (so no persistence and no auth hooks), quiet.
 * Clients speak Hocuspocus' own protocol, so the benchmark drives it with @hocuspocus/provider.
 * PORT=0 picks a free port; prints "listening <port>".
 */
import { Server } from '@hocuspocus/server';

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: process.env.HOST ?? '127.0.0.1',
  quiet: true,
  stopOnSignals: true,
});
await server.listen();
console.log(`listening ${server.address.port}`);
