import { nextCountdownChangeAt } from '@werkraum/shared/clock';

/** The estimate of the server clock a scheduler reads (a `ServerClock` fits). */
export interface ServerNow {
  /** Estimated server time now (ms). */
  now(): number;
}

/** The timer functions a scheduler uses; the browser's by default, fake ones in tests. */
export interface TimerFunctions {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserTimers: TimerFunctions = {
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Calls `onBoundary` at the next second boundary of any of its anchors, on the server clock:
 * the boundaries of an anchor `a` are `a + n·1000` (for a countdown the anchor is its deadline, so
 * the calls come exactly when the displayed second changes, see `countdownText`).
 *
 * Not a free-running interval: each call arms one timeout to the next boundary, converted to local
 * time with the current clock estimate. Call {@link BoundaryScheduler.reschedule} when the estimate
 * changes and {@link BoundaryScheduler.setAnchors} when a deadline moves (pause, resume, extension):
 * the next call then comes at the new boundary. A timeout that fires before its boundary (timer
 * granularity, or an estimate that moved) is re-armed for the rest without calling `onBoundary`.
 */
export class BoundaryScheduler {
  readonly #clock: ServerNow;
  readonly #onBoundary: () => void;
  readonly #timers: TimerFunctions;
  #anchors: number[] = [];
  #handle: unknown = null;
  /** The server time the armed timeout is for; null when none is armed. */
  #target: number | null = null;

  constructor(clock: ServerNow, onBoundary: () => void, timers: TimerFunctions = browserTimers) {
    this.#clock = clock;
    this.#onBoundary = onBoundary;
    this.#timers = timers;
  }

  /** The server time of the next call, or null when there is none (no anchors, or stopped). */
  get nextAt(): number | null {
    return this.#target;
  }

  /** Replaces the anchors (non-finite ones are ignored) and schedules the next call from now. */
  setAnchors(anchors: readonly number[]): void {
    this.#anchors = anchors.filter((anchor) => Number.isFinite(anchor));
    this.reschedule();
  }

  /** Schedules the next call again from the current estimate of the server time. */
  reschedule(): void {
    this.#clear();
    const now = this.#clock.now();
    let next: number | null = null;
    for (const anchor of this.#anchors) {
      const at = nextCountdownChangeAt(anchor, now);
      if (at !== null && (next === null || at < next)) next = at;
    }
    if (next !== null) this.#arm(next);
  }

  /** Cancels the pending call; `setAnchors` or `reschedule` start again. */
  stop(): void {
    this.#clear();
    this.#anchors = [];
  }

  #arm(target: number): void {
    this.#target = target;
    // Whole milliseconds, rounded up: a timeout never fires before its delay has passed.
    const delay = Math.max(0, Math.ceil(target - this.#clock.now()));
    this.#handle = this.#timers.setTimeout(() => this.#fire(), delay);
  }

  #fire(): void {
    const target = this.#target;
    this.#handle = null;
    this.#target = null;
    if (target === null) return;
    if (this.#clock.now() < target) {
      this.#arm(target);
      return;
    }
    this.#onBoundary();
    // onBoundary may have set new anchors (and armed a timeout) itself.
    if (this.#target === null) this.reschedule();
  }

  #clear(): void {
    if (this.#handle !== null) this.#timers.clearTimeout(this.#handle);
    this.#handle = null;
    this.#target = null;
  }
}
