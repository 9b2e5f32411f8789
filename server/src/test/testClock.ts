/**
 * A server clock that only moves when the test moves it, for createApp's `now`: time arithmetic
 * (timers, pauses, deadlines) can be tested to the millisecond without waiting.
 */
export class TestClock {
  private current: number;

  constructor(start: number | string) {
    this.current = typeof start === 'string' ? Date.parse(start) : start;
    if (!Number.isFinite(this.current)) throw new Error(`TestClock: bad start ${String(start)}`);
  }

  /** Pass this to createApp / Harness.start as `now`. */
  readonly now = (): Date => new Date(this.current);

  /** The current time in epoch ms. */
  get ms(): number {
    return this.current;
  }

  /** Moves the clock forward (or back, with a negative value) by `ms`. */
  advance(ms: number): number {
    this.current += ms;
    return this.current;
  }

  /** Sets the clock to an absolute time. */
  set(time: number | string): number {
    this.current = typeof time === 'string' ? Date.parse(time) : time;
    return this.current;
  }
}

/** Milliseconds in a minute, for readable clock arithmetic in tests. */
export const MINUTE_MS = 60_000;
