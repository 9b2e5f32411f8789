import type { Scheduler } from '../domain/presence.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/** A Scheduler whose timers run only when the test advances time. */
export class FakeScheduler implements Scheduler {
  /** Milliseconds advanced so far. */
  now = 0;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, seq: id, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers scheduled and not yet run or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let dueId: number | undefined;
      let due: Timer | undefined;
      for (const [id, timer] of this.timers) {
        if (timer.at > target) continue;
        if (!due || timer.at < due.at || (timer.at === due.at && timer.seq < due.seq)) {
          due = timer;
          dueId = id;
        }
      }
      if (!due || dueId === undefined) break;
      this.timers.delete(dueId);
      this.now = due.at;
      due.callback();
    }
    this.now = target;
  }
}
