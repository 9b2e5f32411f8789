import { describe, expect, it } from 'vitest';
import { Pacer } from './pacer.js';
import type { Scheduler } from './presence.js';

/** A scheduler whose timers run only when the test says so. */
function manualScheduler() {
  const timers = new Map<number, { callback: () => void; ms: number }>();
  let next = 1;
  const scheduler: Scheduler = {
    setTimeout: (callback, ms) => {
      timers.set(next, { callback, ms });
      return next++;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  };
  const runAll = () => {
    for (const [id, timer] of [...timers]) {
      timers.delete(id);
      timer.callback();
    }
  };
  return { scheduler, timers, runAll };
}

describe('Pacer', () => {
  it('runs the first request at once and the requests within the interval together, once, at its end', () => {
    const { scheduler, timers, runAll } = manualScheduler();
    const pacer = new Pacer(60_000, scheduler);
    const runs: string[] = [];
    pacer.request('poll', () => runs.push('first'));
    expect(runs).toEqual(['first']);
    pacer.request('poll', () => runs.push('second'));
    pacer.request('poll', () => runs.push('third'));
    expect(runs).toEqual(['first']);
    expect([...timers.values()].map((timer) => timer.ms)).toEqual([expect.any(Number)]);
    expect([...timers.values()][0]!.ms).toBeGreaterThan(59_000);
    runAll();
    // Only the latest request runs: it announces the state at that moment.
    expect(runs).toEqual(['first', 'third']);
  });

  it('keeps keys apart', () => {
    const { scheduler, runAll } = manualScheduler();
    const pacer = new Pacer(60_000, scheduler);
    const runs: string[] = [];
    pacer.request('a', () => runs.push('a1'));
    pacer.request('b', () => runs.push('b1'));
    pacer.request('a', () => runs.push('a2'));
    expect(runs).toEqual(['a1', 'b1']);
    runAll();
    expect(runs).toEqual(['a1', 'b1', 'a2']);
  });

  it('cancel drops the pending run; dispose drops all', () => {
    const { scheduler, timers, runAll } = manualScheduler();
    const pacer = new Pacer(60_000, scheduler);
    const runs: string[] = [];
    pacer.request('a', () => runs.push('a1'));
    pacer.request('a', () => runs.push('a2'));
    pacer.cancel('a');
    expect(timers.size).toBe(0);
    pacer.request('b', () => runs.push('b1'));
    pacer.request('b', () => runs.push('b2'));
    pacer.dispose();
    expect(timers.size).toBe(0);
    runAll();
    expect(runs).toEqual(['a1', 'b1']);
  });

  it('with no interval every request runs at once', () => {
    const pacer = new Pacer(0, manualScheduler().scheduler);
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) pacer.request('a', () => runs.push(i));
    expect(runs).toEqual([0, 1, 2]);
  });
});
