import type { Scheduler } from './presence.js';

/**
 * Paces announcements per key (a poll, a workshop): the first request after a quiet interval runs
 * at once, requests within the interval after it run together once at its end. Many changes in a
 * short time (everyone answering a poll, everyone arriving) then cost a message to everyone per
 * interval instead of one per change, while a single change still goes out without delay.
 */
export class Pacer {
  private readonly entries = new Map<string, { lastAt: number; timer: unknown; run: (() => void) | undefined }>();

  constructor(
    private readonly intervalMs: number,
    private readonly scheduler: Scheduler = globalThis,
  ) {}

  /** Runs `run` now, or at the end of the key's interval (then only the latest `run` of the requests). */
  request(key: string, run: () => void): void {
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { lastAt: -Infinity, timer: undefined, run: undefined }));
    entry.run = run;
    if (entry.timer !== undefined) return;
    const wait = entry.lastAt + this.intervalMs - performance.now();
    if (wait <= 0) this.fire(entry);
    else {
      const due = entry;
      due.timer = this.scheduler.setTimeout(() => this.fire(due), wait);
    }
  }

  /** Drops the key's pending run: the caller has just announced everything it would have. */
  cancel(key: string): void {
    const entry = this.entries.get(key);
    if (entry?.timer === undefined) return;
    this.scheduler.clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.run = undefined;
  }

  /** Stops every pending run (server shutdown). */
  dispose(): void {
    for (const entry of this.entries.values()) if (entry.timer !== undefined) this.scheduler.clearTimeout(entry.timer);
    this.entries.clear();
  }

  private fire(entry: { lastAt: number; timer: unknown; run: (() => void) | undefined }): void {
    const run = entry.run;
    entry.timer = undefined;
    entry.run = undefined;
    entry.lastAt = performance.now();
    run?.();
  }
}
