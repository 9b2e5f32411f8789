import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';

/**
 * Reads a SQLite database the way someone who copied its files would: raw pages of the main file
 * and of the write-ahead log, plus read-only SQL. For tests that check what storage reveals.
 */

/** One frame of a write-ahead log: a page image, and whether it ends a transaction. */
export interface WalFrame {
  pgno: number;
  commit: boolean;
  page: Buffer;
}

/** The frames of the current generation of a WAL file (those whose salts match its header). */
export interface WalFile {
  pageSize: number;
  frames: WalFrame[];
  /** The whole file, stale frames included. */
  bytes: Buffer;
}

const WAL_MAGIC = [0x377f0682, 0x377f0683];

/** Parses `<file>-wal`; undefined when there is none (or it is empty). */
export function readWal(walPath: string): WalFile | undefined {
  if (!existsSync(walPath)) return undefined;
  const bytes = readFileSync(walPath);
  if (bytes.length < 32) return undefined;
  if (!WAL_MAGIC.includes(bytes.readUInt32BE(0))) throw new Error(`${walPath} is not a SQLite WAL file`);
  const pageSize = bytes.readUInt32BE(8);
  const salt1 = bytes.readUInt32BE(16);
  const salt2 = bytes.readUInt32BE(20);
  const frames: WalFrame[] = [];
  for (let offset = 32; offset + 24 + pageSize <= bytes.length; offset += 24 + pageSize) {
    if (bytes.readUInt32BE(offset + 8) !== salt1 || bytes.readUInt32BE(offset + 12) !== salt2) break;
    frames.push({
      pgno: bytes.readUInt32BE(offset),
      commit: bytes.readUInt32BE(offset + 4) !== 0,
      page: bytes.subarray(offset + 24, offset + 24 + pageSize),
    });
  }
  return { pageSize, frames, bytes };
}

/** The pages of a main database file, by page number (1-based). */
export function readPages(dbPath: string): Map<number, Buffer> {
  const bytes = readFileSync(dbPath);
  const pages = new Map<number, Buffer>();
  if (bytes.length < 100) return pages;
  const raw = bytes.readUInt16BE(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  for (let offset = 0, pgno = 1; offset + pageSize <= bytes.length; offset += pageSize, pgno += 1) {
    pages.set(pgno, bytes.subarray(offset, offset + pageSize));
  }
  return pages;
}

/**
 * Every committed state the files hold: the main file's pages, then the pages after each
 * transaction in the WAL, in order. What someone with a copy of the files can reconstruct.
 */
export function committedStates(dbPath: string): Map<number, Buffer>[] {
  let current = readPages(dbPath);
  const states = [current];
  const wal = readWal(`${dbPath}-wal`);
  if (!wal) return states;
  let pending = new Map<number, Buffer>();
  for (const frame of wal.frames) {
    pending.set(frame.pgno, frame.page);
    if (!frame.commit) continue;
    current = new Map([...current, ...pending]);
    states.push(current);
    pending = new Map();
  }
  return states;
}

/** How often `needle` (UTF-8) occurs in `haystack`. */
export function occurrences(haystack: Buffer, needle: string): number {
  const pattern = Buffer.from(needle, 'utf8');
  let count = 0;
  for (let at = haystack.indexOf(pattern); at >= 0; at = haystack.indexOf(pattern, at + 1)) count += 1;
  return count;
}

/** Byte offset of `needle` in `page`, or -1. */
export function offsetIn(page: Buffer, needle: string): number {
  return page.indexOf(Buffer.from(needle, 'utf8'));
}

/** Opens the database read-only (it may be in use by the server). */
export function openReadOnly(dbPath: string): Database.Database {
  return new Database(dbPath, { readonly: true, fileMustExist: true });
}

/** Which b-tree (table or index name) each page currently belongs to, by page number. */
export function pageOwners(db: Database.Database): Map<number, string> {
  const rows = db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[];
  return new Map(rows.map((row) => [row.pageno, row.name]));
}

/** Every row of every table (sqlite internals excluded), as table name and column values. */
export function everyRow(db: Database.Database): { table: string; row: Record<string, unknown> }[] {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
  return tables.flatMap(({ name }) =>
    (db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).all() as Record<string, unknown>[]).map((row) => ({ table: name, row })),
  );
}
