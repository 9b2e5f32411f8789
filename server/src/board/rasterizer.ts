/**
 * Rasterizes SVG documents to PNG in a worker thread, so a large board never stalls the event loop
 * (clocks, notes and votes of every workshop run on it). One worker renders one picture at a time;
 * a render that takes longer than the time limit is abandoned, the worker terminated and a fresh
 * one started for the next picture. Results are kept in a small cache keyed by the SVG text and
 * the pixel size, so the same board version is rasterized once.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Longest a single PNG render may take before it is abandoned (ms). */
export const DEFAULT_RENDER_TIMEOUT_MS = 10_000;
/** Renders waiting for the worker beyond this many are refused at once. */
export const RENDER_QUEUE_MAX = 16;
/** Rendered pictures kept for repeated requests. */
export const RENDER_CACHE_ENTRIES = 16;

/** Why a render did not produce a picture. */
export class RenderError extends Error {
  constructor(
    readonly reason: 'timeout' | 'busy' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

/** One picture to draw: the SVG text and the zoom that gives the wanted pixel size. */
export interface RasterJob {
  svg: string;
  zoom: number;
}

interface Pending {
  job: RasterJob;
  key: string;
  resolve: (png: Buffer) => void;
  reject: (error: Error) => void;
}

// The worker is plain JavaScript evaluated from this string: it needs no build step and loads the
// native resvg binding by the path this module resolves, in tests (TypeScript sources) and in dist alike.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Resvg } = require(workerData.resvgPath);
parentPort.on('message', (job) => {
  try {
    const resvg = new Resvg(job.svg, {
      fitTo: { mode: 'zoom', value: job.zoom },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
      logLevel: 'off',
    });
    const png = resvg.render().asPng();
    const bytes = new Uint8Array(png.buffer, png.byteOffset, png.byteLength).slice();
    parentPort.postMessage({ ok: true, png: bytes }, [bytes.buffer]);
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message || error) });
  }
});
`;

/** Options of {@link BoardRasterizer}. */
export interface RasterizerOptions {
  /** Time limit of one render (ms); default {@link DEFAULT_RENDER_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Cached pictures; default {@link RENDER_CACHE_ENTRIES}, 0 turns the cache off. */
  cacheEntries?: number;
}

/** A worker thread that turns SVG into PNG, one job at a time, with a time limit and a cache. */
export class BoardRasterizer {
  private worker: Worker | undefined;
  private current: (Pending & { timer: NodeJS.Timeout }) | undefined;
  private readonly queue: Pending[] = [];
  private readonly cache = new Map<string, Buffer>();
  private readonly timeoutMs: number;
  private readonly cacheEntries: number;
  private closed = false;
  /** Workers started so far (a timed-out render replaces its worker). */
  workersStarted = 0;

  constructor(options: RasterizerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS;
    this.cacheEntries = options.cacheEntries ?? RENDER_CACHE_ENTRIES;
  }

  /** The PNG of an SVG at the given zoom; from the cache when the same picture was drawn lately. */
  rasterize(job: RasterJob): Promise<Buffer> {
    if (this.closed) return Promise.reject(new RenderError('failed', 'The renderer is closed.'));
    const key = createHash('sha256').update(job.svg).update(`\0${job.zoom}`).digest('base64');
    const cached = this.cache.get(key);
    if (cached) {
      // Re-insert: the Map's order is the least recently used first.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return Promise.resolve(cached);
    }
    if (this.queue.length >= RENDER_QUEUE_MAX) {
      return Promise.reject(new RenderError('busy', 'Too many pictures are being rendered; try again shortly.'));
    }
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ job, key, resolve, reject });
      this.next();
    });
  }

  /** Stops the worker and refuses what is still waiting. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new RenderError('failed', 'The renderer was closed.');
    for (const pending of this.queue.splice(0)) pending.reject(error);
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.reject(error);
      this.current = undefined;
    }
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private spawn(): Worker {
    const resvgPath = createRequire(import.meta.url).resolve('@resvg/resvg-js');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { resvgPath } });
    this.workersStarted += 1;
    // An idle renderer must not keep the process alive.
    worker.unref();
    worker.on('message', (message: { ok: true; png: Uint8Array } | { ok: false; message: string }) => {
      const current = this.current;
      if (!current || worker !== this.worker) return;
      clearTimeout(current.timer);
      this.current = undefined;
      if (message.ok) {
        const png = Buffer.from(message.png.buffer, message.png.byteOffset, message.png.byteLength);
        this.remember(current.key, png);
        current.resolve(png);
      } else {
        current.reject(new RenderError('failed', `The board could not be rendered: ${message.message}`));
      }
      this.next();
    });
    const lost = (why: string) => {
      if (worker !== this.worker) return;
      this.worker = undefined;
      const current = this.current;
      this.current = undefined;
      if (current) {
        clearTimeout(current.timer);
        current.reject(new RenderError('failed', `The renderer stopped: ${why}`));
      }
      this.next();
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return worker;
  }

  private next(): void {
    if (this.current || this.closed) return;
    const pending = this.queue.shift();
    if (!pending) return;
    this.worker ??= this.spawn();
    const worker = this.worker;
    const timer = setTimeout(() => {
      if (this.current?.timer !== timer) return;
      this.current = undefined;
      // The stuck worker is dropped before it is terminated, so its exit does not touch the next job.
      this.worker = undefined;
      void worker.terminate();
      pending.reject(new RenderError('timeout', `Rendering took longer than ${this.timeoutMs} ms and was stopped.`));
      this.next();
    }, this.timeoutMs);
    timer.unref();
    this.current = { ...pending, timer };
    worker.postMessage(pending.job);
  }

  private remember(key: string, png: Buffer): void {
    if (this.cacheEntries <= 0) return;
    this.cache.set(key, png);
    while (this.cache.size > this.cacheEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}
