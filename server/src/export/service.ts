/**
 * Produces the documentation in one format: loads the input, builds the model, renders. Markdown
 * and HTML are rendered on the spot (a few milliseconds); DOCX and ZIP are built in worker threads
 * and PDFs printed by Chromium from a worker thread of their own, at most `maxHeavy` at a time
 * (beyond that `export_busy`). The event loop only loads the model and hands it over.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DocumentationFormat, DocumentationSection } from '@werkraum/shared/protocol';
import type { Language } from '@werkraum/shared/roles';
import { DomainError } from '../domain/errors.js';
import { ALL_DATES, loadDocumentationInput, loadSeriesDocumentationInputs, type DocumentationSources } from './load.js';
import { renderMarkdown } from './markdown.js';
import { buildDocumentationModel, buildSeriesDocumentationModel, type DocumentationModel } from './model.js';
import { NO_CHROMIUM_MESSAGE, PdfPrinter, PdfUnavailableError } from './pdf.js';
import { runExportJob, type ExportJob, type ExportJobInput, type ExportJobResult } from './worker.js';
import type { ArchiveAttachment } from './archive.js';

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

/** The built worker next to this module, when the server runs from its build. */
function builtWorkerFile(): string | undefined {
  const sibling = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(sibling) ? sibling : undefined;
}

/** The ArrayBuffers of these views that can be handed to a worker instead of copied. */
export function transferables(views: readonly Uint8Array[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const view of views) {
    // Only a view that owns its whole buffer: a Buffer from Node's shared pool must not be detached.
    if (view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.byteLength > 0) buffers.add(view.buffer);
  }
  return [...buffers];
}

/** Sends one job to a worker and waits for its answer (several jobs may be in flight on one worker). */
function runOnWorker(
  worker: Worker,
  job: ExportJob,
  transfer: readonly ArrayBuffer[],
  timeoutMs: number,
  events: { onTimeout: () => void; onDone: () => void; onError: () => void },
): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      events.onTimeout();
      reject(new DomainError('export_busy', 'The export took too long.'));
    }, timeoutMs);
    const onMessage = (message: ExportJobResult) => {
      if (message.id !== job.id) return;
      cleanup();
      events.onDone();
      if (message.ok) resolve(message.data);
      else if (message.unavailable) reject(new PdfUnavailableError(message.message));
      else reject(new Error(`export failed: ${message.message}`));
    };
    const onError = (error: Error) => {
      cleanup();
      events.onError();
      reject(error);
    };
    // A thread stopped for another job's time-out takes its other jobs with it: they fail at once.
    const onExit = () => onError(new Error('export failed: the export thread stopped'));
    const cleanup = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job, [...transfer]);
  });
}

/** Starts an export worker thread that does not keep the process alive. */
function spawnExportWorker(file: string): Worker {
  const worker = new Worker(file, { workerData: { exportWorker: true } });
  worker.unref();
  return worker;
}

/** Export threads at most (jobs beyond wait for one to become free). */
export const EXPORT_THREADS_MAX = 3;

/** Runs export jobs in worker threads when the built worker is there, else in this thread. */
export class ExportWorkers {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly waiting: { resolve: (worker: Worker) => void; reject: (error: Error) => void }[] = [];
  private nextId = 1;
  private readonly workerFile: string | undefined;
  private readonly maxThreads: number;
  private closed = false;

  constructor(options: { workerFile?: string | undefined; maxThreads?: number } = {}) {
    this.workerFile = options.workerFile ?? builtWorkerFile();
    this.maxThreads = Math.max(1, options.maxThreads ?? EXPORT_THREADS_MAX);
  }

  /** Whether jobs leave the main thread (true when the server runs from its build). */
  get threaded(): boolean {
    return this.workerFile !== undefined;
  }

  /**
   * Runs a DOCX, HTML or ZIP job. The buffers in `transfer` move to the worker instead of being copied
   * (the caller must not use them afterwards).
   */
  async run(job: Extract<ExportJobInput, { kind: 'docx' | 'html' | 'zip' }>, transfer: readonly ArrayBuffer[] = []): Promise<Uint8Array> {
    const full: ExportJob = { ...job, id: this.nextId++ };
    if (!this.workerFile) return runExportJob(full);
    const worker = await this.acquire(this.workerFile);
    const drop = () => {
      this.all.delete(worker);
      void worker.terminate();
      // A waiting job gets a fresh thread in place of the dropped one.
      const next = this.waiting.shift();
      if (next) next.resolve(this.spawn(this.workerFile!));
    };
    return runOnWorker(worker, full, transfer, WORKER_TIMEOUT_MS, { onTimeout: drop, onDone: () => this.release(worker), onError: drop });
  }

  /** An idle thread, a new one below the limit, or the next one to become free. */
  private acquire(file: string): Promise<Worker> {
    if (this.closed) return Promise.reject(new DomainError('unavailable', 'The server is shutting down.'));
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.all.size < this.maxThreads) return Promise.resolve(this.spawn(file));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(worker: Worker): void {
    if (!this.all.has(worker)) return;
    const next = this.waiting.shift();
    if (next) next.resolve(worker);
    else this.idle.push(worker);
  }

  private spawn(file: string): Worker {
    const worker = spawnExportWorker(file);
    this.all.add(worker);
    return worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new DomainError('unavailable', 'The server is shutting down.'));
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/**
 * Prints PDFs in one worker thread of its own, which keeps one Chromium: the browser's protocol
 * traffic (the finished PDF arrives as megabytes of base64) is decoded there, not on the server's
 * event loop. Without the built worker (tests from sources) it prints in this thread.
 */
export class ThreadedPdfPrinter extends PdfPrinter {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly workerFile: string | undefined;
  private shut = false;

  constructor(private readonly settings: { executablePath?: string | undefined; timeoutMs?: number; workerFile?: string | undefined } = {}) {
    super(settings);
    this.workerFile = settings.workerFile ?? builtWorkerFile();
  }

  /** Whether prints leave the main thread. */
  get threaded(): boolean {
    return this.workerFile !== undefined;
  }

  override print(html: string): Promise<Uint8Array> {
    return this.workerFile ? this.inThread({ html }) : super.print(html);
  }

  /** The model goes to the printing thread, which renders its HTML there (megabytes of data URIs). */
  override printDocument(model: DocumentationModel): Promise<Uint8Array> {
    return this.workerFile ? this.inThread({ model }) : super.printDocument(model);
  }

  private async inThread(source: { model: DocumentationModel } | { html: string }): Promise<Uint8Array> {
    if (this.shut) throw new PdfUnavailableError('The PDF printer is closed.');
    if (!this.available()) throw new PdfUnavailableError(NO_CHROMIUM_MESSAGE);
    const worker = (this.worker ??= spawnExportWorker(this.workerFile!));
    const job: ExportJob = { kind: 'pdf', source, executablePath: this.settings.executablePath, timeoutMs: this.settings.timeoutMs, id: this.nextId++ };
    const drop = () => {
      // A thread that failed or hangs is replaced on the next print (its browser closes with it).
      if (this.worker === worker) this.worker = undefined;
      void worker.terminate();
    };
    return runOnWorker(worker, job, [], WORKER_TIMEOUT_MS, { onTimeout: drop, onDone: () => undefined, onError: drop });
  }

  override async close(): Promise<void> {
    this.shut = true;
    const worker = this.worker;
    this.worker = undefined;
    await super.close();
    if (!worker) return;
    // The browser is closed by its own thread first, so no Chromium outlives the server.
    await runOnWorker(worker, { kind: 'close', id: this.nextId++ }, [], 5_000, { onTimeout: () => undefined, onDone: () => undefined, onError: () => undefined }).catch(() => undefined);
    await worker.terminate();
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
    this.printer = options.printer ?? new ThreadedPdfPrinter();
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
        excluded: request.excluded,
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
      excluded: request.excluded,
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
          return { body: await this.workers.run({ kind: 'html', model }), contentType, fileName };
        case 'docx':
          return { body: await this.workers.run({ kind: 'docx', model }), contentType, fileName };
        case 'pdf':
          return { body: await this.pdf(model), contentType, fileName };
        case 'zip':
          return { body: await this.zip(workshopId, model), contentType, fileName };
      }
    } finally {
      if (heavy) this.heavy -= 1;
    }
  }

  private async pdf(model: DocumentationModel): Promise<Uint8Array> {
    try {
      return await this.printer.printDocument(model);
    } catch (error) {
      if (error instanceof PdfUnavailableError) throw new DomainError('unavailable', error.message);
      throw error;
    }
  }

  /** The ZIP is assembled in a worker from the model; only the PDF and the attachments' bytes are added here. */
  private async zip(workshopId: string, model: DocumentationModel): Promise<Uint8Array> {
    let pdf: Uint8Array | null = null;
    if (this.printer.available()) {
      try {
        pdf = await this.printer.printDocument(model);
      } catch (error) {
        // The archive is still useful without its PDF.
        this.sources.log?.('documentation: PDF left out of the ZIP', error);
      }
    }
    const attachments: ArchiveAttachment[] = [];
    for (const attachment of model.attachments ?? []) {
      const stored = await this.sources.store.getAttachment(workshopId, attachment.id);
      // A copy of its own, so it can move to the packing thread (the stored buffer may be shared).
      if (stored) attachments.push({ name: stored.record.name, data: new Uint8Array(stored.data) });
    }
    // The PDF and the attachments move to the packing thread rather than being copied on this one;
    // the model (with board pictures that may be shared with the rasterizer's cache) is copied.
    return this.workers.run({ kind: 'zip', model, pdf, attachments }, transferables([...(pdf ? [pdf] : []), ...attachments.map((item) => item.data)]));
  }

  async close(): Promise<void> {
    await Promise.all([this.workers.close(), this.printer.close()]);
  }
}
