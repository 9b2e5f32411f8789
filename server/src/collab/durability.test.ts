import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { waitFor } from '../test/waitFor.js';
import { signCollabToken } from './tokens.js';

const here = dirname(fileURLToPath(import.meta.url));
const serverDir = resolve(here, '../..');
const distDir = join(serverDir, 'dist/collab');
const script = join(distDir, 'testServer.js');
const secret = Buffer.alloc(32, 9);
const WAIT_MS = 15_000;

/**
 * The server runs as plain node on the compiled code. `npm test` builds before testing; when the
 * compiled collab module is missing or older than its source (a test run without a build), build it.
 */
beforeAll(() => {
  const stale = readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .some((f) => {
      const out = join(distDir, f.replace(/\.ts$/, '.js'));
      return !existsSync(out) || statSync(out).mtimeMs < statSync(join(here, f)).mtimeMs;
    });
  if (stale) {
    execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['tsc', '-b', serverDir], {
      cwd: resolve(serverDir, '..'),
      stdio: 'inherit',
    });
  }
}, 180_000);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** Starts the server process on `dbFile` and resolves with its port once it listens. */
async function startProcess(
  dbFile: string,
  compactAfter: number,
  writeDelayMs: number,
): Promise<{ child: ChildProcess; port: number }> {
  const args = [script, dbFile, secret.toString('hex'), String(compactAfter), String(writeDelayMs)];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error('server process did not start')), WAIT_MS);
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^LISTENING (\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
  });
  return { child, port };
}

function client(port: number, docName: string, mode: 'edit' | 'read', personId: string) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/collab`, docName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token: signCollabToken(secret, { doc: docName, mode, personId, workshopId: 'w' }, Date.now()) },
    disableBc: true,
  });
  cleanups.push(() => {
    provider.destroy();
    doc.destroy();
  });
  return { doc, provider };
}

/** True when `have` contains every insertion `need` has (no deletions happen in this test). */
function containsAll(have: Y.Doc, need: Y.Doc): boolean {
  const haveSv = Y.decodeStateVector(Y.encodeStateVector(have));
  for (const [clientId, clock] of Y.decodeStateVector(Y.encodeStateVector(need))) {
    if ((haveSv.get(clientId) ?? 0) < clock) return false;
  }
  return true;
}

test.each([
  { killAfter: 20, compactAfter: 500, writeDelayMs: 0 },
  { killAfter: 150, compactAfter: 40, writeDelayMs: 0 },
  // Slow writes keep many edits between "received" and "stored": only relaying after the write saves them.
  { killAfter: 60, compactAfter: 25, writeDelayMs: 3 },
])(
  'a server killed with SIGKILL during a burst loses no edit another client had received ($killAfter received, compaction every $compactAfter, writes delayed $writeDelayMs ms)',
  async ({ killAfter, compactAfter, writeDelayMs }) => {
    const dir = mkdtempSync(join(tmpdir(), 'collab-durability-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbFile = join(dir, 'app.sqlite');
    const first = await startProcess(dbFile, compactAfter, writeDelayMs);

    const a = client(first.port, 'burst', 'edit', 'writer');
    const b = client(first.port, 'burst', 'read', 'watcher');
    await waitFor(() => a.provider.synced && b.provider.synced, 'both synced', WAIT_MS);

    // B observes; after `killAfter` received edits the server dies, mid-burst, without warning.
    // (Edits that arrive together are relayed as one merged update: count the edits, not the messages.)
    let killed = false;
    b.doc.on('update', () => {
      const received = b.doc.getText('t').toString().split(',').length - 1;
      if (!killed && received >= killAfter) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    });
    // What B has once its connection is gone: everything the server ever sent it.
    let seenByB: Uint8Array | undefined;
    b.provider.on('connection-close', () => {
      seenByB ??= Y.encodeStateAsUpdate(b.doc);
    });

    // A writes 300 inserts in a burst, yielding now and then so sending and relaying overlap.
    for (let i = 0; i < 300 && !killed; i++) {
      a.doc.getText('t').insert(a.doc.getText('t').length, `${i},`);
      if (i % 5 === 4) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => seenByB, 'B disconnected by the kill', WAIT_MS);
    await new Promise<void>((r) => (first.child.exitCode !== null || first.child.signalCode !== null ? r() : first.child.once('exit', () => r())));
    expect(first.child.signalCode).toBe('SIGKILL');
    a.provider.destroy(); // A still has unsent edits; it must not bring them back and mask a loss.
    b.provider.destroy();

    const bDoc = new Y.Doc();
    Y.applyUpdate(bDoc, seenByB!);
    const bText = bDoc.getText('t').toString();
    expect(bText.length).toBeGreaterThan(0);

    // Restart on the same file; a fresh client must find every edit B had received.
    const second = await startProcess(dbFile, compactAfter, 0);
    const fresh = client(second.port, 'burst', 'read', 'fresh');
    await waitFor(() => fresh.provider.synced, 'fresh client synced', WAIT_MS);
    const freshText = fresh.doc.getText('t').toString();
    expect(freshText.startsWith(bText)).toBe(true);
    expect(containsAll(fresh.doc, bDoc)).toBe(true);
    // Sanity: the edits arrived in order and none is garbled.
    expect(freshText).toBe(
      Array.from({ length: freshText.split(',').length - 1 }, (_, i) => `${i},`).join(''),
    );
  },
  60_000,
);
