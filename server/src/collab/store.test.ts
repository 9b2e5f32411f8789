import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { sqliteCollabStore, type CollabStore } from './store.js';

let dir: string;
let db: Database.Database;
let store: CollabStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'collab-store-'));
  db = new Database(join(dir, 'app.sqlite'));
  db.pragma('journal_mode = WAL');
  store = sqliteCollabStore(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function textUpdates(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < count; i++) doc.getText('t').insert(i, String(i % 10));
  return updates;
}

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc.getText('t').toString();
}

describe('sqliteCollabStore', () => {
  test('an unknown document is empty', async () => {
    expect(await store.loadDocument('nothing')).toEqual({ updates: [], lastSeq: 0 });
    expect(await store.size('nothing')).toEqual({ rows: 0, bytes: 0 });
  });

  test('appends get growing sequence numbers per document and load back in order', async () => {
    const updates = textUpdates(5);
    const seqs = [];
    for (const u of updates) seqs.push(await store.appendUpdate('a', u));
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(await store.appendUpdate('b', updates[0]!)).toBe(1);
    const loaded = await store.loadDocument('a');
    expect(loaded.lastSeq).toBe(5);
    expect(loaded.updates).toEqual(updates);
    expect(textOf(loaded.updates)).toBe('01234');
  });

  test('compaction replaces rows up to a sequence number by one merged row, in one transaction', async () => {
    const updates = textUpdates(10);
    for (const u of updates.slice(0, 8)) await store.appendUpdate('a', u);
    const merged = Y.mergeUpdates(updates.slice(0, 6));
    await store.compact('a', merged, 6);
    // Rows 7 and 8 stay; the merged row takes number 6.
    expect((await store.size('a')).rows).toBe(3);
    expect(textOf((await store.loadDocument('a')).updates)).toBe('01234567');
    // Later appends keep counting from the highest number.
    expect(await store.appendUpdate('a', updates[8]!)).toBe(9);
    await store.compact('a', Y.mergeUpdates(updates.slice(0, 9)), 9);
    const loaded = await store.loadDocument('a');
    expect(loaded).toMatchObject({ lastSeq: 9 });
    expect(loaded.updates).toHaveLength(1);
    expect(await store.appendUpdate('a', updates[9]!)).toBe(10);
    expect(textOf((await store.loadDocument('a')).updates)).toBe('0123456789');
  });

  test('a failing compaction changes nothing', async () => {
    for (const u of textUpdates(3)) await store.appendUpdate('a', u);
    const before = await store.loadDocument('a');
    await expect(store.compact('a', new Uint8Array([0, 0]), 0)).rejects.toThrow(/throughSeq/);
    // Force the insert to fail after the delete ran inside the transaction: a trigger aborts it.
    db.exec(`CREATE TRIGGER no_insert BEFORE INSERT ON collab_updates WHEN NEW.doc = 'a' BEGIN SELECT RAISE(ABORT, 'nope'); END`);
    await expect(store.compact('a', Y.mergeUpdates(before.updates), 3)).rejects.toThrow(/nope/);
    expect(await store.loadDocument('a')).toEqual(before);
  });

  test('deleteDocument removes one document only; the table survives a second store on the same file', async () => {
    const [u] = textUpdates(1);
    await store.appendUpdate('a', u!);
    await store.appendUpdate('b', u!);
    await store.deleteDocument('a');
    const again = sqliteCollabStore(db);
    expect((await again.loadDocument('a')).updates).toHaveLength(0);
    expect((await again.loadDocument('b')).updates).toHaveLength(1);
  });
});
