/**
 * A collaboration server alone in its own process, for the durability test: the test runs the
 * compiled file with plain `node` and kills it with SIGKILL in the middle of a burst of edits.
 *
 * Usage: node dist/collab/testServer.js <sqlite file> <secret as hex> [compactAfterUpdates] [writeDelayMs]
 * `writeDelayMs` delays every append before it commits, like a slower disk or a remote database:
 * a server that relayed before the write returned would then lose relayed edits to a kill.
 * Listens on 127.0.0.1 on a free port and prints `LISTENING <port>` once it accepts connections.
 * Not part of the app: nothing imports it.
 */
import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CollabServer } from './server.js';
import { sqliteCollabStore, type CollabStore } from './store.js';

const [file, secretHex, compactAfter, writeDelayMs] = process.argv.slice(2);
if (!file || !secretHex) {
  console.error('usage: node testServer.js <sqlite file> <secret hex> [compactAfterUpdates] [writeDelayMs]');
  process.exit(2);
}

// The same settings as the app's database (server/src/store/sqlite.ts).
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');

const sqlite = sqliteCollabStore(db);
const delay = Number(writeDelayMs ?? 0);
const store: CollabStore =
  delay > 0
    ? {
        ...sqlite,
        appendUpdate: (name, update) =>
          new Promise((resolve) => setTimeout(resolve, delay)).then(() => sqlite.appendUpdate(name, update)),
      }
    : sqlite;

const collab = new CollabServer({
  store,
  secret: Buffer.from(secretHex, 'hex'),
  ...(compactAfter ? { compactAfterUpdates: Number(compactAfter) } : {}),
});
const http = createServer((_request, response) => {
  response.statusCode = 404;
  response.end();
});
http.on('upgrade', (request, socket, head) => {
  if (!collab.handleUpgrade(request, socket, head)) socket.destroy();
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${(http.address() as AddressInfo).port}\n`);
});

// A graceful stop, for completeness; the durability test uses SIGKILL, which nothing can catch.
process.on('SIGTERM', () => {
  void collab.close().finally(() => {
    db.close();
    process.exit(0);
  });
});
