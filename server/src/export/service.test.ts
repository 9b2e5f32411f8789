import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { CollabServer } from '../collab/server.js';
import { createWorkshop } from '../domain/workshops.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { renderMarkdown } from './markdown.js';
import { PdfPrinter } from './pdf.js';
import { DocumentationExporter, ExportWorkers } from './service.js';

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
    return { exporter, workshopId: workshop.id };
  }

  const request = (format: 'pdf' | 'markdown' | 'docx') => ({
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
});
