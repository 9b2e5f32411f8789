/**
 * Worker thread of the documentation exports: builds DOCX files, packs ZIP archives and prints
 * PDFs off the server's event loop. Started by ExportWorkers and ThreadedPdfPrinter (service.ts)
 * from the built server. Export threads run at a lower scheduling priority than the live
 * workshop, and so does the Chromium a PDF thread starts (a child inherits its thread's priority).
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { packDocumentation, type ArchiveAttachment } from './archive.js';
import { renderDocx } from './docx.js';
import { renderHtml } from './html.js';
import type { DocumentationModel } from './model.js';
import { PdfPrinter, PdfUnavailableError } from './pdf.js';

/** A job for the worker. */
export type ExportJobInput =
  | { kind: 'docx'; model: DocumentationModel }
  /** The HTML document, as UTF-8 bytes (megabytes of data URIs: neither rendered nor encoded on the event loop). */
  | { kind: 'html'; model: DocumentationModel }
  /** The archive of a model, with the PDF printed for it (if any) and the attachments' bytes. */
  | { kind: 'zip'; model: DocumentationModel; pdf: Uint8Array | null; attachments: ArchiveAttachment[] }
  /** A model's HTML (or a given HTML) printed by this thread's Chromium. */
  | { kind: 'pdf'; source: { model: DocumentationModel } | { html: string }; executablePath?: string | undefined; timeoutMs?: number | undefined }
  /** Closes the thread's browser before the thread is stopped. */
  | { kind: 'close' };
/** A job with its id. */
export type ExportJob = ExportJobInput & { id: number };

/** The worker's answer (`unavailable`: no browser to print with). */
export type ExportJobResult = { id: number; ok: true; data: Uint8Array } | { id: number; ok: false; message: string; unavailable?: boolean };

/** Niceness of export threads: the live workshop comes first. */
export const EXPORT_THREAD_NICENESS = 10;

let printer: PdfPrinter | undefined;

/** Runs one job (also used in-process when no built worker is there). */
export async function runExportJob(job: ExportJob): Promise<Uint8Array> {
  switch (job.kind) {
    case 'docx':
      return renderDocx(job.model);
    case 'html':
      return new TextEncoder().encode(renderHtml(job.model));
    case 'zip':
      return packDocumentation(job.model, job.pdf, job.attachments);
    case 'pdf':
      printer ??= new PdfPrinter({ executablePath: job.executablePath, ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}) });
      return printer.print('html' in job.source ? job.source.html : renderHtml(job.source.model));
    case 'close': {
      const open = printer;
      printer = undefined;
      await open?.close();
      return new Uint8Array(0);
    }
  }
}

// Only when started as the export worker (this module is also imported in-process).
if (parentPort && (workerData as { exportWorker?: boolean } | null)?.exportWorker === true) {
  const port = parentPort;
  try {
    // On Linux this lowers this thread only (and what it starts), not the server's main thread.
    setPriority(EXPORT_THREAD_NICENESS);
  } catch {
    // Not permitted here: the work still runs, at normal priority.
  }
  port.on('message', (job: ExportJob) => {
    runExportJob(job).then(
      (result) => {
        // A copy owns its memory, so it can be transferred (a Buffer may sit in Node's shared pool).
        const data = result.slice();
        port.postMessage({ id: job.id, ok: true, data } satisfies ExportJobResult, [data.buffer]);
      },
      (error: unknown) =>
        port.postMessage({
          id: job.id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
          ...(error instanceof PdfUnavailableError ? { unavailable: true } : {}),
        } satisfies ExportJobResult),
    );
  });
}
