/**
 * Produces the documentation in one format: loads the input, builds the model, renders. Markdown
 * and HTML are rendered on the spot (a few milliseconds); DOCX and ZIP are built in worker threads
 * and PDFs printed by Chromium, at most `maxHeavy` at a time (beyond that `export_busy`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DocumentationFormat, DocumentationSection } from '@werkraum/shared/protocol';
import type { Language } from '@werkraum/shared/roles';
import { DomainError } from '../domain/errors.js';
import { renderHtml } from './html.js';
import { ALL_DATES, loadDocumentationInput, loadSeriesDocumentationInputs, type DocumentationSources } from './load.js';
import { renderMarkdown } from './markdown.js';
import { buildDocumentationModel, buildSeriesDocumentationModel, type DocumentationModel } from './model.js';
import { PdfPrinter, PdfUnavailableError } from './pdf.js';
import { runExportJob, type ExportJob, type ExportJobInput, type ExportJobResult } from './worker.js';
import type { ZipEntry } from './zip.js';

/** Content types of the formats. */
export const DOCUMENTATION_CONTENT_TYPES: Record<DocumentationFormat, string> = {
  markdown: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  zip: 'application/zip',
};

/** File extensions of the formats. */
export const DOCUMENTATION_EXTENSIONS: Record<DocumentationFormat, string> = { markdown: 'md', html: 'html', docx: 'docx', pdf: 'pdf', zip: 'zip' };

/** Heavy exports at once (DOCX, PDF, ZIP) by default. */
export const HEAVY_EXPORTS_MAX = 2;
/** Time limit of one worker job (ms). */
const WORKER_TIMEOUT_MS = 60_000;

/** Runs export jobs in worker threads when the built worker is there, else in this thread. */
export class ExportWorkers {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private nextId = 1;
  private readonly workerFile: string | undefined;

  constructor(options: { workerFile?: string | undefined } = {}) {
    const sibling = fileURLToPath(new URL('./worker.js', import.meta.url));
    this.workerFile = options.workerFile ?? (existsSync(sibling) ? sibling : undefined);
  }

  /** Whether jobs leave the main thread (true when the server runs from its build). */
  get threaded(): boolean {
    return this.workerFile !== undefined;
  }

  run(job: ExportJobInput): Promise<Uint8Array> {
    const full: ExportJob = { ...job, id: this.nextId++ };
    if (!this.workerFile) return runExportJob(full);
    const worker = this.idle.pop() ?? this.spawn(this.workerFile);
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.all.delete(worker);
        void worker.terminate();
        reject(new DomainError('export_busy', 'The export took too long.'));
      }, WORKER_TIMEOUT_MS);
      const onMessage = (message: ExportJobResult) => {
        if (message.id !== full.id) return;
        cleanup();
        this.idle.push(worker);
        if (message.ok) resolve(message.data);
        else reject(new Error(`export failed: ${message.message}`));
      };
      const onError = (error: Error) => {
        cleanup();
        this.all.delete(worker);
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(full);
    });
  }

  private spawn(file: string): Worker {
    const worker = new Worker(file, { workerData: { exportWorker: true } });
    worker.unref();
    this.all.add(worker);
    return worker;
  }

  async close(): Promise<void> {
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** One produced file. */
export interface ExportResult {
  body: Uint8Array | string;
  contentType: string;
  fileName: string;
}

/** Options of one export. */
export interface ExportRequest {
  format: DocumentationFormat;
  language: Language;
  excluded: readonly DocumentationSection[];
  /** Base URL of attachment links, ending with `/`. */
  attachmentBaseUrl: string;
  now: number;
  /** One date of a series (its id), or `all` for the whole series in one document; the current date when absent. */
  dateId?: string | undefined;
  /** Who reads it (see LoadOptions); facilitators when absent. */
  audience?: 'facilitators' | 'participants';
}

/** Produces documentation exports with a limit on heavy work at once. */
export class DocumentationExporter {
  private heavy = 0;
  readonly workers: ExportWorkers;
  readonly printer: PdfPrinter;
  private readonly maxHeavy: number;

  constructor(
    private readonly sources: DocumentationSources,
    options: { printer?: PdfPrinter; workers?: ExportWorkers; maxHeavy?: number } = {},
  ) {
    this.printer = options.printer ?? new PdfPrinter();
    this.workers = options.workers ?? new ExportWorkers();
    this.maxHeavy = options.maxHeavy ?? HEAVY_EXPORTS_MAX;
  }

  /** The model of a workshop's documentation (undefined for an unknown workshop). */
  async model(workshopId: string, request: Omit<ExportRequest, 'format'>, images: boolean): Promise<DocumentationModel | undefined> {
    const options = { language: request.language, excluded: request.excluded };
    if (request.dateId === ALL_DATES) {
      const dates = await loadSeriesDocumentationInputs(this.sources, workshopId, {
        images,
        language: request.language,
        attachmentBaseUrl: request.attachmentBaseUrl,
        now: request.now,
        audience: request.audience ?? 'facilitators',
      });
      if (!dates) return undefined;
      if (!dates.some((date) => date.input !== null)) throw new DomainError('invalid_state', 'No date of this series has been held yet.', 'date');
      return buildSeriesDocumentationModel(dates, options);
    }
    const input = await loadDocumentationInput(this.sources, workshopId, {
      images,
      language: request.language,
      attachmentBaseUrl: request.attachmentBaseUrl,
      now: request.now,
      dateId: request.dateId,
      audience: request.audience ?? 'facilitators',
    });
    return input ? buildDocumentationModel(input, { language: request.language, excluded: request.excluded }) : undefined;
  }

  /** Produces one export; undefined for an unknown workshop. */
  async export(workshopId: string, request: ExportRequest): Promise<ExportResult | undefined> {
    const { format } = request;
    if (format === 'pdf' && !this.printer.available()) {
      throw new DomainError('unavailable', 'PDF needs Chromium on the server: install the Debian package "chromium" (or set WERKRAUM_CHROMIUM). The other formats work without it.');
    }
    // HTML draws every board too: for participants (anyone with the link, once published) it counts
    // against the same limit; facilitators' live preview stays free of it.
    const heavy = format === 'docx' || format === 'pdf' || format === 'zip' || (format === 'html' && request.audience === 'participants');
    if (heavy) {
      if (this.heavy >= this.maxHeavy) throw new DomainError('export_busy', 'Other documentation exports are running; please try again in a few seconds.');
      this.heavy += 1;
    }
    try {
      const model = await this.model(workshopId, request, format !== 'markdown');
      if (!model) return undefined;
      const fileName = `${model.fileBase}.${DOCUMENTATION_EXTENSIONS[format]}`;
      const contentType = DOCUMENTATION_CONTENT_TYPES[format];
      switch (format) {
        case 'markdown':
          return { body: renderMarkdown(model), contentType, fileName };
        case 'html':
          return { body: renderHtml(model), contentType, fileName };
        case 'docx':
          return { body: await this.workers.run({ kind: 'docx', model }), contentType, fileName };
        case 'pdf':
          return { body: await this.pdf(renderHtml(model)), contentType, fileName };
        case 'zip':
          return { body: await this.zip(workshopId, model), contentType, fileName };
      }
    } finally {
      if (heavy) this.heavy -= 1;
    }
  }

  private async pdf(html: string): Promise<Uint8Array> {
    try {
      return await this.printer.print(html);
    } catch (error) {
      if (error instanceof PdfUnavailableError) throw new DomainError('unavailable', error.message);
      throw error;
    }
  }

  private async zip(workshopId: string, model: DocumentationModel): Promise<Uint8Array> {
    const text = (value: string) => new TextEncoder().encode(value);
    const html = renderHtml(model);
    const entries: ZipEntry[] = [
      { path: `${model.fileBase}.html`, data: text(html), compress: true },
      { path: `${model.fileBase}.md`, data: text(renderMarkdown(model)), compress: true },
      { path: `${model.fileBase}.docx`, data: await this.workers.run({ kind: 'docx', model }), compress: false },
    ];
    if (this.printer.available()) {
      try {
        entries.push({ path: `${model.fileBase}.pdf`, data: await this.printer.print(html), compress: false });
      } catch (error) {
        // The archive is still useful without its PDF.
        this.sources.log?.('documentation: PDF left out of the ZIP', error);
      }
    }
    const dateSections = [model, ...(model.series?.parts ?? [])];
    const rooms = [
      ...dateSections.flatMap((sections) => (sections.breakouts ?? []).flatMap((round) => round.rooms)),
      ...dateSections.flatMap((sections) => (sections.plenary ? [sections.plenary] : [])),
    ];
    for (const room of rooms) {
      if (!room.board) continue;
      entries.push({ path: `boards/${room.id}.svg`, data: text(room.board.svg), compress: true });
      if (room.board.png) {
        entries.push({ path: `images/board-${room.id}.png`, data: room.board.png, compress: false });
        entries.push({ path: `boards/${room.id}.png`, data: room.board.png, compress: false });
      }
    }
    for (const attachment of model.attachments ?? []) {
      const stored = await this.sources.store.getAttachment(workshopId, attachment.id);
      if (stored) entries.push({ path: `attachments/${stored.record.name}`, data: new Uint8Array(stored.data), compress: false });
    }
    return this.workers.run({ kind: 'zip', entries });
  }

  async close(): Promise<void> {
    await Promise.all([this.workers.close(), this.printer.close()]);
  }
}
