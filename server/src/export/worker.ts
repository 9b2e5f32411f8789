/**
 * Worker thread of the documentation exports: builds DOCX files and packs ZIP archives off the
 * server's event loop. Started by ExportWorkers (service.ts) from the built server.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { renderDocx } from './docx.js';
import type { DocumentationModel } from './model.js';
import { packZip, type ZipEntry } from './zip.js';

/** A job for the worker. */
export type ExportJobInput = { kind: 'docx'; model: DocumentationModel } | { kind: 'zip'; entries: ZipEntry[] };
/** A job with its id. */
export type ExportJob = ExportJobInput & { id: number };

/** The worker's answer. */
export type ExportJobResult = { id: number; ok: true; data: Uint8Array } | { id: number; ok: false; message: string };

/** Runs one job (also used in-process when no built worker is there). */
export async function runExportJob(job: ExportJob): Promise<Uint8Array> {
  return job.kind === 'docx' ? renderDocx(job.model) : packZip(job.entries);
}

// Only when started as the export worker (this module is also imported in-process).
if (parentPort && (workerData as { exportWorker?: boolean } | null)?.exportWorker === true) {
  const port = parentPort;
  port.on('message', (job: ExportJob) => {
    runExportJob(job).then(
      (result) => {
        // A copy owns its memory, so it can be transferred (a Buffer may sit in Node's shared pool).
        const data = result.slice();
        port.postMessage({ id: job.id, ok: true, data } satisfies ExportJobResult, [data.buffer]);
      },
      (error: unknown) => port.postMessage({ id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies ExportJobResult),
    );
  });
}

