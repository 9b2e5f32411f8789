import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CollabServer } from '../collab/server.js';
import { createWorkshop } from '../domain/workshops.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { renderMarkdown } from './markdown.js';
import { PdfPrinter } from './pdf.js';
import { chromiumPath } from './pdf.js';
import { DocumentationExporter, ExportWorkers, ThreadedPdfPrinter, transferables } from './service.js';

/** A printer that holds every print until released (to have exports running at the same time). */
class HeldPrinter extends PdfPrinter {
  readonly waiting: (() => void)[] = [];
  override available(): boolean {
    return true;
  }
  override print(): Promise<Uint8Array> {
    return new Promise((resolve) => this.waiting.push(() => resolve(new TextEncoder().encode('%PDF-held'))));
  }
}

describe('DocumentationExporter', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function setUp(options: { printer?: PdfPrinter; workers?: ExportWorkers; findings?: boolean } = {}) {
    const store: Store = openSqliteStore(':memory:');
    const collab = new CollabServer({ store: store.collab, secret: Buffer.alloc(32, 3) });
    const { workshop } = await createWorkshop(
      store,
      { title: 'Zukunftswerkstatt Ölmühle', startsAt: '2025-03-05T09:30:00+01:00', language: 'de', description: '', moderatorNames: 'Mara', coModeratorNames: '', timeZone: 'Europe/Berlin' } as never,
      new Date('2025-03-01T10:00:00Z'),
    );
    const exporter = new DocumentationExporter(
      {
        store,
        collab,
        boardVotes: async () => ({}),
        ...(options.findings ? { findingsProvider: async () => ({ items: [{ title: 'Treffpunkt im Quartier', text: 'Ein Raum für alle.', details: ['5 Stimmen'] }] }) } : {}),
      },
      { maxHeavy: 2, ...(options.printer ? { printer: options.printer } : {}), ...(options.workers ? { workers: options.workers } : {}) },
    );
    cleanups.push(async () => {
      await exporter.close();
      await collab.close();
      await store.close();
    });
    return { exporter, workshopId: workshop.id, store, collab };
  }

  const request = (format: 'pdf' | 'markdown' | 'docx' | 'zip') => ({
    format,
    language: 'de' as const,
    excluded: [],
    attachmentBaseUrl: 'http://host/api/workshops/x/attachments/',
    now: Date.parse('2025-03-05T12:00:00Z'),
  });

  it('runs at most two heavy exports at once and refuses a third with export_busy, while Markdown still works', async () => {
    const printer = new HeldPrinter();
    const { exporter, workshopId } = await setUp({ printer });
    const first = exporter.export(workshopId, request('pdf'));
    const second = exporter.export(workshopId, request('pdf'));
    await expect.poll(() => printer.waiting.length).toBe(2);
    await expect(exporter.export(workshopId, request('pdf'))).rejects.toMatchObject({ code: 'export_busy' });
    const markdown = await exporter.export(workshopId, request('markdown'));
    expect(markdown?.fileName).toBe('zukunftswerkstatt-oelmuehle-2025-03-05.md');
    for (const release of printer.waiting.splice(0)) release();
    expect((await first)?.contentType).toBe('application/pdf');
    await second;
    // Once they finished, the next one runs.
    const third = exporter.export(workshopId, request('pdf'));
    await expect.poll(() => printer.waiting.length).toBe(1);
    printer.waiting.pop()!();
    expect((await third)?.fileName).toBe('zukunftswerkstatt-oelmuehle-2025-03-05.pdf');
  });

  it('renders the findings that the findings provider contributes', async () => {
    const { exporter, workshopId } = await setUp({ findings: true });
    const model = await exporter.model(workshopId, request('markdown'), false);
    expect(model?.findings?.items[0]?.title).toBe('Treffpunkt im Quartier');
    const md = renderMarkdown(model!);
    expect(md).toContain('## Ergebnisse\n\n### Treffpunkt im Quartier\n\nEin Raum für alle.\n\n- 5 Stimmen');
    const without = await exporter.model(workshopId, { ...request('markdown'), excluded: ['findings'] }, false);
    expect(without?.findings).toBeNull();
  });

  // The server runs DOCX and ZIP jobs in worker threads from its build (tests run from sources).
  const builtWorker = fileURLToPath(new URL('../../dist/export/worker.js', import.meta.url));
  it.skipIf(!existsSync(builtWorker))('builds DOCX files in a worker thread of the built server', async () => {
    const workers = new ExportWorkers({ workerFile: builtWorker });
    expect(workers.threaded).toBe(true);
    const { exporter, workshopId } = await setUp({ workers });
    const result = await exporter.export(workshopId, request('docx'));
    const files = unzipSync(result!.body as Uint8Array);
    expect(strFromU8(files['word/document.xml']!)).toContain('Zukunftswerkstatt Ölmühle');
  });

  /** Linux /proc: the niceness of each thread of this process, and this process's Chromium children. */
  function niceness(stat: string): number {
    // Fields after the command name (which may hold spaces) start with the state (field 3); nice is field 19.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  }
  function threadNiceness(): Map<number, number> {
    const threads = new Map<number, number>();
    for (const task of readdirSync('/proc/self/task')) {
      try {
        threads.set(Number(task), niceness(readFileSync(`/proc/self/task/${task}/stat`, 'utf8')));
      } catch {
        // The thread ended while we looked.
      }
    }
    return threads;
  }
  /** Chromium processes this process started, with their niceness. */
  function browserChildren(): { pid: number; nice: number }[] {
    const found: { pid: number; nice: number }[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === process.pid && /chrom/i.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) found.push({ pid: Number(entry), nice: niceness(stat) });
      } catch {
        // The process ended while we looked.
      }
    }
    return found;
  }

  it.skipIf(!existsSync(builtWorker) || !chromiumPath() || process.platform !== 'linux')(
    'prints PDFs in a worker thread below the live workshop priority, whose Chromium ends with the server',
    async () => {
      const mainNice = threadNiceness().get(process.pid)!;
      const before = new Set(threadNiceness().keys());
      const printer = new ThreadedPdfPrinter({ workerFile: builtWorker });
      expect(printer.threaded).toBe(true);
      const { exporter, workshopId } = await setUp({ printer });
      const first = await exporter.export(workshopId, request('pdf'));
      const second = await exporter.export(workshopId, request('pdf'));
      for (const result of [first, second]) expect(new TextDecoder().decode((result!.body as Uint8Array).slice(0, 5))).toBe('%PDF-');
      // One browser for both prints, started by the printing thread at its priority, which the
      // browser keeps (run as root, Chromium would otherwise raise itself above the server).
      const browsers = browserChildren();
      expect(browsers.length).toBe(1);
      expect(browsers[0]!.nice).toBeGreaterThanOrEqual(10);
      // The printing thread was lowered; the server's main thread kept its priority.
      const after = threadNiceness();
      expect(after.get(process.pid)).toBe(mainNice);
      expect([...after].filter(([tid, nice]) => !before.has(tid) && nice >= 10).length).toBeGreaterThan(0);
      await printer.close();
      await expect.poll(() => browserChildren().length, { timeout: 10_000 }).toBe(0);
      await expect(printer.print('<p>x</p>')).rejects.toThrow(/closed/);
    },
    60_000,
  );

  it.skipIf(!existsSync(builtWorker))('packs the ZIP in a worker thread from the model, with the PDF and the attachments as they were stored', async () => {
    const workers = new ExportWorkers({ workerFile: builtWorker });
    const printer = new ThreadedPdfPrinter({ workerFile: builtWorker });
    const { exporter, workshopId, store } = await setUp({ workers, printer });
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    const record = { id: 'a1', workshopId, name: 'Präsentation Jürgen Weiß.pdf', size: bytes.byteLength, contentType: 'application/pdf', uploadedAt: '2025-03-05T10:00:00Z' };
    expect(await store.insertAttachment(record, bytes, 1_000_000)).toBe('saved');
    for (let run = 0; run < 2; run += 1) {
      const result = await exporter.export(workshopId, request('zip'));
      const files = unzipSync(result!.body as Uint8Array);
      const base = 'zukunftswerkstatt-oelmuehle-2025-03-05';
      expect(strFromU8(files[`${base}.md`]!)).toContain('# Zukunftswerkstatt Ölmühle');
      expect(strFromU8(files[`${base}.html`]!)).toContain('<html lang="de"');
      expect(strFromU8(unzipSync(files[`${base}.docx`]!)['word/document.xml']!)).toContain('Zukunftswerkstatt Ölmühle');
      if (printer.available()) expect(strFromU8(files[`${base}.pdf`]!.slice(0, 5))).toBe('%PDF-');
      // The stored bytes are unchanged in the archive, also on the second export (nothing detached).
      expect(Buffer.from(files['attachments/Präsentation Jürgen Weiß.pdf']!).equals(bytes)).toBe(true);
      expect((await store.getAttachment(workshopId, 'a1'))!.data.equals(bytes)).toBe(true);
    }
  }, 60_000);

  it.skipIf(!existsSync(builtWorker))('queues export jobs beyond the thread limit and runs them all, and refuses new ones once closed', async () => {
    const workers = new ExportWorkers({ workerFile: builtWorker, maxThreads: 1 });
    const { exporter, workshopId } = await setUp({ workers });
    const model = (await exporter.model(workshopId, request('markdown'), true))!;
    const pages = await Promise.all([1, 2, 3].map(() => workers.run({ kind: 'html', model })));
    for (const page of pages) expect(new TextDecoder().decode(page)).toContain('Zukunftswerkstatt Ölmühle');
    await workers.close();
    await expect(workers.run({ kind: 'html', model })).rejects.toMatchObject({ code: 'unavailable' });
  });

  it.skipIf(!existsSync(builtWorker))('fails a job at once when its thread is stopped under it, instead of waiting for the time limit', async () => {
    const workers = new ExportWorkers({ workerFile: builtWorker, maxThreads: 1 });
    const { exporter, workshopId } = await setUp({ workers });
    const model = (await exporter.model(workshopId, request('markdown'), true))!;
    const running = workers.run({ kind: 'docx', model });
    await workers.close();
    await expect(running).rejects.toThrow(/stopped/);
  });

  it('does not read or draw the documents of sections that are left out', async () => {
    const { exporter, workshopId, collab } = await setUp();
    const snapshot = vi.spyOn(collab, 'snapshot');
    await exporter.model(workshopId, request('markdown'), false);
    expect(snapshot.mock.calls.map(([name]) => name)).toEqual(expect.arrayContaining([expect.stringMatching(/plenary/)]));
    snapshot.mockClear();
    await exporter.model(workshopId, { ...request('markdown'), excluded: ['plenary', 'breakouts'] }, false);
    expect(snapshot.mock.calls.map(([name]) => name).filter((name) => /plenary/.test(name))).toEqual([]);
  });

  it('hands only buffers a view owns wholly to a worker (never a pooled Buffer, each buffer once)', () => {
    const own = new Uint8Array(64);
    const pooled = Buffer.from('klein');
    const slice = new Uint8Array(own.buffer, 8, 8);
    expect(pooled.byteLength).toBeLessThan(pooled.buffer.byteLength);
    expect(transferables([own, pooled, slice, own, new Uint8Array(0)])).toEqual([own.buffer]);
  });
});
