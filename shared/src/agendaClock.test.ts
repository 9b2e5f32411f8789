import { describe, it, expect } from 'vitest';
import {
  DEFAULT_WARNING_THRESHOLDS,
  OVERRUN_WARNING_KEY,
  crossedWarnings,
  deadline,
  effectiveDeadline,
  elapsedMs,
  extendTimer,
  isOverrun,
  nextWarningInMs,
  pauseTimer,
  projectSchedule,
  PLAN_REBASE_AFTER_MS,
  remainingMs,
  resumeTimer,
  setRemaining,
  startTimer,
  warningKey,
} from './agendaClock.js';
import type { BlockActual, BlockTimer, PlannedBlock, ScheduleRow, WarningThreshold } from './agendaClock.js';

const T0 = 1_700_000_000_000;
const SEC = 1_000;
const MIN = 60_000;

describe('block timer', () => {
  it('starts running with the planned duration', () => {
    expect(startTimer('b1', 10 * MIN, T0)).toEqual({
      blockId: 'b1',
      startedAt: T0,
      allottedMs: 10 * MIN,
      pausedAt: null,
      pausedMs: 0,
    });
  });

  it('clamps a negative planned duration to 0 and rejects non-finite numbers', () => {
    expect(startTimer('b1', -5, T0).allottedMs).toBe(0);
    expect(() => startTimer('b1', Number.NaN, T0)).toThrow(RangeError);
    expect(() => startTimer('b1', 10, Infinity)).toThrow(RangeError);
  });

  it('counts down while running and goes negative when overrun', () => {
    const timer = startTimer('b1', 10 * MIN, T0);
    expect(deadline(timer)).toBe(T0 + 10 * MIN);
    expect(elapsedMs(timer, T0 + 3 * MIN)).toBe(3 * MIN);
    expect(remainingMs(timer, T0 + 3 * MIN)).toBe(7 * MIN);
    expect(remainingMs(timer, T0 + 10 * MIN)).toBe(0);
    expect(isOverrun(timer, T0 + 10 * MIN)).toBe(false);
    expect(remainingMs(timer, T0 + 10 * MIN + 1)).toBe(-1);
    expect(isOverrun(timer, T0 + 10 * MIN + 1)).toBe(true);
  });

  it('treats a now before the start as nothing elapsed', () => {
    const timer = startTimer('b1', 10 * MIN, T0);
    expect(elapsedMs(timer, T0 - 500)).toBe(0);
    expect(remainingMs(timer, T0 - 500)).toBe(10 * MIN);
  });

  it('freezes while paused and moves the deadline by the pause on resume', () => {
    const running = startTimer('b1', 10 * MIN, T0);
    const paused = pauseTimer(running, T0 + 4 * MIN);
    expect(paused).toEqual({ ...running, pausedAt: T0 + 4 * MIN });
    // Frozen: the same at any later time.
    expect(remainingMs(paused, T0 + 4 * MIN)).toBe(6 * MIN);
    expect(remainingMs(paused, T0 + 9 * MIN)).toBe(6 * MIN);
    expect(elapsedMs(paused, T0 + 9 * MIN)).toBe(4 * MIN);
    // deadline() ignores the pause in progress; effectiveDeadline() treats it as ending now.
    expect(deadline(paused)).toBe(T0 + 10 * MIN);
    expect(effectiveDeadline(paused, T0 + 9 * MIN)).toBe(T0 + 15 * MIN);
    expect(effectiveDeadline(running, T0 + 9 * MIN)).toBe(T0 + 10 * MIN);

    const resumed = resumeTimer(paused, T0 + 9 * MIN);
    expect(resumed).toEqual({ ...running, pausedAt: null, pausedMs: 5 * MIN });
    expect(deadline(resumed)).toBe(T0 + 15 * MIN);
    expect(remainingMs(resumed, T0 + 9 * MIN)).toBe(6 * MIN);
    expect(remainingMs(resumed, T0 + 10 * MIN)).toBe(5 * MIN);
  });

  it('accumulates several pauses', () => {
    let timer = startTimer('b1', 10 * MIN, T0);
    timer = pauseTimer(timer, T0 + 1 * MIN);
    timer = resumeTimer(timer, T0 + 2 * MIN);
    timer = pauseTimer(timer, T0 + 3 * MIN);
    timer = resumeTimer(timer, T0 + 6 * MIN);
    expect(timer.pausedMs).toBe(4 * MIN);
    expect(elapsedMs(timer, T0 + 7 * MIN)).toBe(3 * MIN);
    expect(remainingMs(timer, T0 + 7 * MIN)).toBe(7 * MIN);
  });

  it('pausing a paused timer and resuming a running one change nothing', () => {
    const running = startTimer('b1', 10 * MIN, T0);
    const paused = pauseTimer(running, T0 + MIN);
    expect(pauseTimer(paused, T0 + 2 * MIN)).toBe(paused);
    expect(resumeTimer(running, T0 + 2 * MIN)).toBe(running);
  });

  it('does not let a resume before the pause shorten the past', () => {
    const paused = pauseTimer(startTimer('b1', 10 * MIN, T0), T0 + 2 * MIN);
    expect(resumeTimer(paused, T0 + MIN).pausedMs).toBe(0);
    expect(pauseTimer(startTimer('b1', 10 * MIN, T0), T0 - 5).pausedAt).toBe(T0);
  });

  it('extends by +1 / +5 minutes', () => {
    const timer = startTimer('b1', 10 * MIN, T0);
    const plusOne = extendTimer(timer, MIN, T0 + 4 * MIN);
    expect(plusOne.allottedMs).toBe(11 * MIN);
    expect(remainingMs(plusOne, T0 + 4 * MIN)).toBe(7 * MIN);
    const plusSix = extendTimer(plusOne, 5 * MIN, T0 + 4 * MIN);
    expect(plusSix.allottedMs).toBe(16 * MIN);
    expect(deadline(plusSix)).toBe(T0 + 16 * MIN);
  });

  it('extending an overrun block counts from now', () => {
    const timer = startTimer('b1', 10 * MIN, T0);
    const now = T0 + 12 * MIN; // 2 minutes over
    const extended = extendTimer(timer, 5 * MIN, now);
    expect(extended.allottedMs).toBe(17 * MIN);
    expect(remainingMs(extended, now)).toBe(5 * MIN);
  });

  it('shortens, but never below the elapsed time', () => {
    const timer = startTimer('b1', 10 * MIN, T0);
    const now = T0 + 4 * MIN;
    expect(extendTimer(timer, -MIN, now).allottedMs).toBe(9 * MIN);
    const cut = extendTimer(timer, -8 * MIN, now);
    expect(cut.allottedMs).toBe(4 * MIN);
    expect(remainingMs(cut, now)).toBe(0);
    expect(isOverrun(cut, now)).toBe(false);
  });

  it('shortening an overrun block or by 0 changes nothing', () => {
    const timer = startTimer('b1', 10 * MIN, T0);
    expect(extendTimer(timer, -MIN, T0 + 12 * MIN)).toBe(timer);
    expect(extendTimer(timer, -MIN, T0 + 10 * MIN)).toBe(timer);
    expect(extendTimer(timer, 0, T0 + 5 * MIN)).toBe(timer);
    expect(() => extendTimer(timer, Number.NaN, T0)).toThrow(RangeError);
  });

  it('extends and shortens while paused against the frozen elapsed time', () => {
    const paused = pauseTimer(startTimer('b1', 10 * MIN, T0), T0 + 4 * MIN);
    const later = T0 + 20 * MIN;
    const extended = extendTimer(paused, MIN, later);
    expect(extended.allottedMs).toBe(11 * MIN);
    expect(remainingMs(extended, later)).toBe(7 * MIN);
    expect(extendTimer(paused, -20 * MIN, later).allottedMs).toBe(4 * MIN);
  });

  it('sets the remaining time', () => {
    const timer = startTimer('b1', 10 * MIN, T0);
    const now = T0 + 4 * MIN;
    const three = setRemaining(timer, 3 * MIN, now);
    expect(three.allottedMs).toBe(7 * MIN);
    expect(remainingMs(three, now)).toBe(3 * MIN);
    // Also from an overrun block, and paused with pauses in the past.
    expect(remainingMs(setRemaining(timer, 3 * MIN, T0 + 15 * MIN), T0 + 15 * MIN)).toBe(3 * MIN);
    const paused = pauseTimer(resumeTimer(pauseTimer(timer, T0 + MIN), T0 + 2 * MIN), T0 + 5 * MIN);
    const set = setRemaining(paused, 2 * MIN, T0 + 30 * MIN);
    expect(set.allottedMs).toBe(6 * MIN);
    expect(remainingMs(set, T0 + 30 * MIN)).toBe(2 * MIN);
    // Negative counts as 0; the same value returns the same timer.
    expect(remainingMs(setRemaining(timer, -MIN, now), now)).toBe(0);
    expect(setRemaining(timer, 6 * MIN, now)).toBe(timer);
  });
});

describe('warnings', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_WARNING_THRESHOLDS).toEqual([
      { kind: 'fraction', remaining: 0.2 },
      { kind: 'fraction', remaining: 0.05 },
      { kind: 'absolute', remainingMs: 60_000 },
    ]);
    expect(DEFAULT_WARNING_THRESHOLDS.map(warningKey)).toEqual(['fraction:0.2', 'fraction:0.05', 'absolute:60000']);
  });

  // A 10-minute block: 20% = 120 s, 1 minute = 60 s, 5% = 30 s remaining.
  const timer = startTimer('b1', 10 * MIN, T0);
  const at = (remaining: number) => T0 + 10 * MIN - remaining;

  it('crosses each threshold exactly at remaining <= threshold', () => {
    expect(crossedWarnings(timer, T0)).toEqual([]);
    expect(crossedWarnings(timer, at(120_001))).toEqual([]);
    expect(crossedWarnings(timer, at(120_000))).toEqual([{ key: 'fraction:0.2', remainingMs: 120_000 }]);
    expect(crossedWarnings(timer, at(60_001)).map((w) => w.key)).toEqual(['fraction:0.2']);
    expect(crossedWarnings(timer, at(60_000))).toEqual([
      { key: 'fraction:0.2', remainingMs: 120_000 },
      { key: 'absolute:60000', remainingMs: 60_000 },
    ]);
    expect(crossedWarnings(timer, at(30_000))).toEqual([
      { key: 'fraction:0.2', remainingMs: 120_000 },
      { key: 'absolute:60000', remainingMs: 60_000 },
      { key: 'fraction:0.05', remainingMs: 30_000 },
    ]);
    // Exactly 0 is not overrun yet; 1 ms later it is.
    expect(crossedWarnings(timer, at(0)).map((w) => w.key)).toEqual(['fraction:0.2', 'absolute:60000', 'fraction:0.05']);
    expect(crossedWarnings(timer, at(-1))).toEqual([
      { key: 'fraction:0.2', remainingMs: 120_000 },
      { key: 'absolute:60000', remainingMs: 60_000 },
      { key: 'fraction:0.05', remainingMs: 30_000 },
      { key: OVERRUN_WARNING_KEY, remainingMs: 0 },
    ]);
  });

  it('never fires thresholds at or above the block length', () => {
    const short = startTimer('b1', 30 * SEC, T0);
    // 1 minute warning of a 30 s block: never; 20% = 6 s and 5% = 1.5 s do.
    expect(crossedWarnings(short, T0)).toEqual([]);
    expect(crossedWarnings(short, T0 + 30 * SEC + 1).map((w) => w.key)).toEqual([
      'fraction:0.2',
      'fraction:0.05',
      OVERRUN_WARNING_KEY,
    ]);
    // A 1-minute block would otherwise warn "1 minute left" the moment it starts.
    const oneMinute = startTimer('b1', MIN, T0);
    expect(crossedWarnings(oneMinute, T0)).toEqual([]);
    expect(crossedWarnings(oneMinute, T0 + MIN).map((w) => w.key)).toEqual(['fraction:0.2', 'fraction:0.05']);
    // A zero-length block only overruns.
    const empty = startTimer('b1', 0, T0);
    expect(crossedWarnings(empty, T0)).toEqual([]);
    expect(crossedWarnings(empty, T0 + 1)).toEqual([{ key: OVERRUN_WARNING_KEY, remainingMs: 0 }]);
  });

  it('fractions follow extensions of the allotted time', () => {
    const now = at(100_000); // 20% (120 s) crossed
    expect(crossedWarnings(timer, now).map((w) => w.key)).toEqual(['fraction:0.2']);
    const extended = extendTimer(timer, 5 * MIN, now); // 15 min allotted, 6:40 left, 20% = 180 s
    expect(crossedWarnings(extended, now)).toEqual([]);
    expect(crossedWarnings(extended, now + 220_000)).toEqual([{ key: 'fraction:0.2', remainingMs: 180_000 }]);
  });

  it('supports custom thresholds and ignores duplicates and non-finite ones', () => {
    const thresholds: WarningThreshold[] = [
      { kind: 'absolute', remainingMs: 5 * MIN },
      { kind: 'absolute', remainingMs: 5 * MIN },
      { kind: 'fraction', remaining: 0.5 },
      { kind: 'absolute', remainingMs: Number.NaN },
    ];
    expect(crossedWarnings(timer, at(4 * MIN), thresholds)).toEqual([
      { key: 'absolute:300000', remainingMs: 300_000 },
      { key: 'fraction:0.5', remainingMs: 300_000 },
    ]);
    expect(crossedWarnings(timer, at(-1), [])).toEqual([{ key: OVERRUN_WARNING_KEY, remainingMs: 0 }]);
  });

  it('rounds fractional thresholds to whole ms', () => {
    const odd = startTimer('b1', 1_001, T0);
    // 5% of 1001 ms = 50.05 ms -> 50; 20% = 200.2 -> 200.
    expect(crossedWarnings(odd, T0 + 1_001 - 50).map((w) => w.remainingMs)).toEqual([200, 50]);
    expect(crossedWarnings(odd, T0 + 1_001 - 51).map((w) => w.remainingMs)).toEqual([200]);
    // 0.07 * 600_000 is 42000.00000000001 in floating point.
    expect(crossedWarnings(timer, at(42_000), [{ kind: 'fraction', remaining: 0.07 }])).toEqual([
      { key: 'fraction:0.07', remainingMs: 42_000 },
    ]);
    expect(nextWarningInMs(timer, T0, [{ kind: 'fraction', remaining: 0.07 }])).toBe(558_000);
  });

  it('tells how long until the next warning', () => {
    expect(nextWarningInMs(timer, T0)).toBe(8 * MIN);
    expect(nextWarningInMs(timer, at(120_000))).toBe(60_000);
    expect(nextWarningInMs(timer, at(60_000))).toBe(30_000);
    expect(nextWarningInMs(timer, at(30_000))).toBe(30_001);
    expect(nextWarningInMs(timer, at(0))).toBe(1);
    expect(nextWarningInMs(timer, at(-1))).toBeNull();
    expect(nextWarningInMs(timer, at(5))).toBe(6);
    // Stepping through: every scheduled wake-up crosses a new warning.
    let now = T0;
    const fired: string[] = [];
    for (let wait = nextWarningInMs(timer, now); wait !== null; wait = nextWarningInMs(timer, now)) {
      now += wait;
      for (const warning of crossedWarnings(timer, now)) {
        if (!fired.includes(warning.key)) fired.push(warning.key);
      }
    }
    expect(fired).toEqual(['fraction:0.2', 'absolute:60000', 'fraction:0.05', OVERRUN_WARNING_KEY]);
    expect(now).toBe(T0 + 10 * MIN + 1);
  });

  it('returns null while paused, and honours custom thresholds', () => {
    expect(nextWarningInMs(pauseTimer(timer, T0 + MIN), T0 + 2 * MIN)).toBeNull();
    expect(nextWarningInMs(timer, T0, [{ kind: 'absolute', remainingMs: 9 * MIN }])).toBe(MIN);
    expect(nextWarningInMs(timer, T0, [])).toBe(10 * MIN + 1);
    // A threshold too large for the block is not waited for.
    expect(nextWarningInMs(startTimer('b1', 30 * SEC, T0), T0, [{ kind: 'absolute', remainingMs: MIN }])).toBe(
      30 * SEC + 1,
    );
  });
});

describe('projectSchedule', () => {
  // Agenda: a 10 min, b 20 min, c 15 min, d 5 min; planned 10:00 = T0.
  const blocks: PlannedBlock[] = [
    { id: 'a', plannedMs: 10 * MIN },
    { id: 'b', plannedMs: 20 * MIN },
    { id: 'c', plannedMs: 15 * MIN },
    { id: 'd', plannedMs: 5 * MIN },
  ];
  const planned = {
    a: [T0, T0 + 10 * MIN],
    b: [T0 + 10 * MIN, T0 + 30 * MIN],
    c: [T0 + 30 * MIN, T0 + 45 * MIN],
    d: [T0 + 45 * MIN, T0 + 50 * MIN],
  } as const;
  const PLANNED_END = T0 + 50 * MIN;

  /** A row from compact arguments: [projectedStart, projectedEnd], [actualStart, actualEnd]. */
  function row(
    id: keyof typeof planned,
    status: ScheduleRow['status'],
    projected: readonly [number, number],
    actual: readonly [number | null, number | null] = [null, null],
  ): ScheduleRow {
    return {
      blockId: id,
      plannedStart: planned[id][0],
      plannedEnd: planned[id][1],
      projectedStart: projected[0],
      projectedEnd: projected[1],
      actualStart: actual[0],
      actualEnd: actual[1],
      status,
    };
  }

  function project(actuals: BlockActual[], running: BlockTimer | null, now: number) {
    return projectSchedule({ blocks, plannedStart: T0, actuals, running, now });
  }

  it('not yet started, before the planned start: the plan', () => {
    const schedule = project([], null, T0 - 15 * MIN);
    expect(schedule).toEqual({
      plannedStart: T0,
      rebased: false,
      rows: [
        row('a', 'upcoming', planned.a),
        row('b', 'upcoming', planned.b),
        row('c', 'upcoming', planned.c),
        row('d', 'upcoming', planned.d),
      ],
      plannedEnd: PLANNED_END,
      projectedEnd: PLANNED_END,
      deltaMs: 0,
    });
  });

  it('not yet started, 5 minutes after the planned start: everything slides from now', () => {
    const now = T0 + 5 * MIN;
    const schedule = project([], null, now);
    expect(schedule.rows).toEqual([
      row('a', 'upcoming', [now, now + 10 * MIN]),
      row('b', 'upcoming', [now + 10 * MIN, now + 30 * MIN]),
      row('c', 'upcoming', [now + 30 * MIN, now + 45 * MIN]),
      row('d', 'upcoming', [now + 45 * MIN, now + 50 * MIN]),
    ]);
    expect(schedule.projectedEnd).toBe(PLANNED_END + 5 * MIN);
    expect(schedule.deltaMs).toBe(5 * MIN);
  });

  it('on time', () => {
    const actuals: BlockActual[] = [
      { blockId: 'a', startedAt: T0, endedAt: T0 + 10 * MIN },
      { blockId: 'b', startedAt: T0 + 10 * MIN, endedAt: null },
    ];
    const running = startTimer('b', 20 * MIN, T0 + 10 * MIN);
    const schedule = project(actuals, running, T0 + 15 * MIN);
    expect(schedule).toEqual({
      plannedStart: T0,
      rebased: false,
      rows: [
        row('a', 'done', planned.a, [T0, T0 + 10 * MIN]),
        row('b', 'running', planned.b, [T0 + 10 * MIN, null]),
        row('c', 'upcoming', planned.c),
        row('d', 'upcoming', planned.d),
      ],
      plannedEnd: PLANNED_END,
      projectedEnd: PLANNED_END,
      deltaMs: 0,
    });
  });

  it('behind: a ran 4 minutes long and b has overrun by 3 minutes', () => {
    const actuals: BlockActual[] = [
      { blockId: 'a', startedAt: T0, endedAt: T0 + 14 * MIN },
      { blockId: 'b', startedAt: T0 + 14 * MIN, endedAt: null },
    ];
    const running = startTimer('b', 20 * MIN, T0 + 14 * MIN);
    const now = T0 + 37 * MIN;
    const schedule = project(actuals, running, now);
    expect(schedule.rows).toEqual([
      row('a', 'done', [T0, T0 + 14 * MIN], [T0, T0 + 14 * MIN]),
      // Overrun: it ends no earlier than now.
      row('b', 'running', [T0 + 14 * MIN, now], [T0 + 14 * MIN, null]),
      row('c', 'upcoming', [now, now + 15 * MIN]),
      row('d', 'upcoming', [now + 15 * MIN, now + 20 * MIN]),
    ]);
    expect(schedule.projectedEnd).toBe(T0 + 57 * MIN);
    expect(schedule.deltaMs).toBe(7 * MIN);
  });

  it('ahead: a ended 3 minutes early and b was set to end soon', () => {
    const actuals: BlockActual[] = [
      { blockId: 'a', startedAt: T0, endedAt: T0 + 7 * MIN },
      { blockId: 'b', startedAt: T0 + 7 * MIN, endedAt: null },
    ];
    const now = T0 + 12 * MIN;
    const running = setRemaining(startTimer('b', 20 * MIN, T0 + 7 * MIN), 5 * MIN, now);
    const schedule = project(actuals, running, now);
    expect(schedule.rows).toEqual([
      row('a', 'done', [T0, T0 + 7 * MIN], [T0, T0 + 7 * MIN]),
      row('b', 'running', [T0 + 7 * MIN, T0 + 17 * MIN], [T0 + 7 * MIN, null]),
      row('c', 'upcoming', [T0 + 17 * MIN, T0 + 32 * MIN]),
      row('d', 'upcoming', [T0 + 32 * MIN, T0 + 37 * MIN]),
    ]);
    expect(schedule.deltaMs).toBe(-13 * MIN);
  });

  it('paused: the running block’s end moves with now', () => {
    const actuals: BlockActual[] = [
      { blockId: 'a', startedAt: T0, endedAt: T0 + 10 * MIN },
      { blockId: 'b', startedAt: T0 + 10 * MIN, endedAt: null },
    ];
    const running = pauseTimer(startTimer('b', 20 * MIN, T0 + 10 * MIN), T0 + 20 * MIN); // 10 min left
    for (const pausedFor of [0, 4 * MIN]) {
      const now = T0 + 20 * MIN + pausedFor;
      const schedule = project(actuals, running, now);
      expect(schedule.rows[1]).toEqual(row('b', 'running', [T0 + 10 * MIN, now + 10 * MIN], [T0 + 10 * MIN, null]));
      expect(schedule.rows[2]).toEqual(row('c', 'upcoming', [now + 10 * MIN, now + 25 * MIN]));
      expect(schedule.deltaMs).toBe(pausedFor);
    }
  });

  it('paused after the deadline: the running block ends no earlier than now', () => {
    const actuals: BlockActual[] = [{ blockId: 'a', startedAt: T0, endedAt: null }];
    const running = pauseTimer(startTimer('a', 10 * MIN, T0), T0 + 12 * MIN);
    const now = T0 + 13 * MIN;
    const schedule = project(actuals, running, now);
    expect(schedule.rows[0]).toEqual(row('a', 'running', [T0, now], [T0, null]));
    expect(schedule.rows[1]).toEqual(row('b', 'upcoming', [now, now + 20 * MIN]));
    expect(schedule.deltaMs).toBe(3 * MIN);
  });

  it('extended: the extension pushes everything after it', () => {
    const actuals: BlockActual[] = [
      { blockId: 'a', startedAt: T0, endedAt: T0 + 10 * MIN },
      { blockId: 'b', startedAt: T0 + 10 * MIN, endedAt: null },
    ];
    const now = T0 + 25 * MIN;
    const running = extendTimer(startTimer('b', 20 * MIN, T0 + 10 * MIN), 5 * MIN, now);
    const schedule = project(actuals, running, now);
    expect(schedule.rows[1]).toEqual(row('b', 'running', [T0 + 10 * MIN, T0 + 35 * MIN], [T0 + 10 * MIN, null]));
    expect(schedule.rows[3]).toEqual(row('d', 'upcoming', [T0 + 50 * MIN, T0 + 55 * MIN]));
    expect(schedule.deltaMs).toBe(5 * MIN);
  });

  it('skipped: the moderator jumped from a to c', () => {
    const actuals: BlockActual[] = [
      { blockId: 'a', startedAt: T0, endedAt: T0 + 10 * MIN },
      { blockId: 'c', startedAt: T0 + 10 * MIN, endedAt: null },
    ];
    const running = startTimer('c', 15 * MIN, T0 + 10 * MIN);
    const schedule = project(actuals, running, T0 + 12 * MIN);
    expect(schedule.rows).toEqual([
      row('a', 'done', planned.a, [T0, T0 + 10 * MIN]),
      row('b', 'skipped', planned.b),
      row('c', 'running', [T0 + 10 * MIN, T0 + 25 * MIN], [T0 + 10 * MIN, null]),
      row('d', 'upcoming', [T0 + 25 * MIN, T0 + 30 * MIN]),
    ]);
    // The skipped block's planned end (T0 + 30 min) does not count: the workshop ends at d's end.
    expect(schedule.projectedEnd).toBe(T0 + 30 * MIN);
    expect(schedule.deltaMs).toBe(-20 * MIN);
  });

  it('skipped blocks stay skipped between blocks', () => {
    const actuals: BlockActual[] = [
      { blockId: 'a', startedAt: T0, endedAt: T0 + 10 * MIN },
      { blockId: 'c', startedAt: T0 + 10 * MIN, endedAt: T0 + 20 * MIN },
    ];
    const now = T0 + 22 * MIN;
    const schedule = project(actuals, null, now);
    expect(schedule.rows.map((r) => r.status)).toEqual(['done', 'skipped', 'done', 'upcoming']);
    // Between blocks, the next one can start now at the earliest.
    expect(schedule.rows[3]).toEqual(row('d', 'upcoming', [now, now + 5 * MIN]));
    expect(schedule.deltaMs).toBe(now + 5 * MIN - PLANNED_END);
  });

  it('jumped back: b runs again after c, using its first start; d chains after b', () => {
    const actuals: BlockActual[] = [
      { blockId: 'a', startedAt: T0, endedAt: T0 + 10 * MIN },
      { blockId: 'b', startedAt: T0 + 10 * MIN, endedAt: T0 + 30 * MIN },
      { blockId: 'c', startedAt: T0 + 30 * MIN, endedAt: T0 + 40 * MIN },
      { blockId: 'b', startedAt: T0 + 40 * MIN, endedAt: null },
    ];
    const running = startTimer('b', 5 * MIN, T0 + 40 * MIN);
    const schedule = project(actuals, running, T0 + 41 * MIN);
    expect(schedule.rows).toEqual([
      row('a', 'done', planned.a, [T0, T0 + 10 * MIN]),
      row('b', 'running', [T0 + 10 * MIN, T0 + 45 * MIN], [T0 + 10 * MIN, null]),
      row('c', 'done', [T0 + 30 * MIN, T0 + 40 * MIN], [T0 + 30 * MIN, T0 + 40 * MIN]),
      row('d', 'upcoming', [T0 + 45 * MIN, T0 + 50 * MIN]),
    ]);
    expect(schedule.deltaMs).toBe(0);
  });

  it('jumped back and ended: a block run twice uses first start and last end; actuals in any order', () => {
    const actuals: BlockActual[] = [
      { blockId: 'b', startedAt: T0 + 40 * MIN, endedAt: T0 + 44 * MIN },
      { blockId: 'c', startedAt: T0 + 30 * MIN, endedAt: T0 + 40 * MIN },
      { blockId: 'a', startedAt: T0, endedAt: T0 + 10 * MIN },
      { blockId: 'b', startedAt: T0 + 10 * MIN, endedAt: T0 + 30 * MIN },
    ];
    const now = T0 + 46 * MIN;
    const schedule = project(actuals, null, now);
    expect(schedule.rows).toEqual([
      row('a', 'done', planned.a, [T0, T0 + 10 * MIN]),
      row('b', 'done', [T0 + 10 * MIN, T0 + 44 * MIN], [T0 + 10 * MIN, T0 + 44 * MIN]),
      row('c', 'done', [T0 + 30 * MIN, T0 + 40 * MIN], [T0 + 30 * MIN, T0 + 40 * MIN]),
      row('d', 'upcoming', [now, now + 5 * MIN]),
    ]);
    expect(schedule.deltaMs).toBe(now + 5 * MIN - PLANNED_END);
  });

  it('after the last block ended: all done, projected end is the actual end', () => {
    const actuals: BlockActual[] = [
      { blockId: 'a', startedAt: T0 + 2 * MIN, endedAt: T0 + 12 * MIN },
      { blockId: 'b', startedAt: T0 + 12 * MIN, endedAt: T0 + 35 * MIN },
      { blockId: 'c', startedAt: T0 + 35 * MIN, endedAt: T0 + 48 * MIN },
      { blockId: 'd', startedAt: T0 + 48 * MIN, endedAt: T0 + 53 * MIN },
    ];
    const schedule = project(actuals, null, T0 + 70 * MIN);
    expect(schedule.rows.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(schedule.rows[3]).toEqual(row('d', 'done', [T0 + 48 * MIN, T0 + 53 * MIN], [T0 + 48 * MIN, T0 + 53 * MIN]));
    expect(schedule.projectedEnd).toBe(T0 + 53 * MIN);
    expect(schedule.deltaMs).toBe(3 * MIN);
  });

  it('ignores stale open runs of blocks that are not running and runs of unknown blocks', () => {
    const actuals: BlockActual[] = [
      { blockId: 'a', startedAt: T0, endedAt: null }, // left open by a crash
      { blockId: 'zz', startedAt: T0, endedAt: T0 + MIN },
    ];
    const schedule = project(actuals, null, T0 - MIN);
    expect(schedule.rows.map((r) => r.status)).toEqual(['upcoming', 'upcoming', 'upcoming', 'upcoming']);
    expect(schedule.deltaMs).toBe(0);
  });

  it('ignores a running timer whose block is not on the agenda', () => {
    const schedule = project([], startTimer('zz', 10 * MIN, T0), T0 - MIN);
    expect(schedule.rows.map((r) => r.status)).toEqual(['upcoming', 'upcoming', 'upcoming', 'upcoming']);
  });

  it('handles an empty agenda', () => {
    expect(projectSchedule({ blocks: [], plannedStart: T0, actuals: [], running: null, now: T0 + MIN })).toEqual({
      plannedStart: T0,
      rebased: false,
      rows: [],
      plannedEnd: T0,
      projectedEnd: T0,
      deltaMs: 0,
    });
  });

  describe('run on another day than planned', () => {
    const DAY = 24 * 60 * MIN;

    it('compares with the plan moved to the first start, not with the planned day (10 days early, 2 minutes behind)', () => {
      const start = T0 - 10 * DAY + 7 * MIN;
      const actuals: BlockActual[] = [
        { blockId: 'a', startedAt: start, endedAt: start + 12 * MIN },
        { blockId: 'b', startedAt: start + 12 * MIN, endedAt: null },
      ];
      const schedule = project(actuals, startTimer('b', 20 * MIN, start + 12 * MIN), start + 15 * MIN);
      expect(schedule.rebased).toBe(true);
      expect(schedule.plannedStart).toBe(start);
      expect(schedule.rows[0]).toMatchObject({ plannedStart: start, plannedEnd: start + 10 * MIN, status: 'done' });
      expect(schedule.plannedEnd).toBe(start + 50 * MIN);
      expect(schedule.deltaMs).toBe(2 * MIN);
    });

    it('does the same a day late', () => {
      const start = T0 + DAY;
      const schedule = project([{ blockId: 'a', startedAt: start, endedAt: null }], startTimer('a', 10 * MIN, start), start + MIN);
      expect(schedule.deltaMs).toBe(0);
      expect(schedule.rows[3]).toMatchObject({ plannedEnd: start + 50 * MIN, projectedEnd: start + 50 * MIN });
    });

    it('keeps the planned start for a start up to three hours away from it', () => {
      const start = T0 + PLAN_REBASE_AFTER_MS;
      const schedule = project([{ blockId: 'a', startedAt: start, endedAt: null }], startTimer('a', 10 * MIN, start), start + MIN);
      expect(schedule.rebased).toBe(false);
      expect(schedule.deltaMs).toBe(PLAN_REBASE_AFTER_MS);
    });

    it('keeps the plan as planned before the first start', () => {
      const schedule = project([], null, T0 + 2 * DAY);
      expect(schedule).toMatchObject({ rebased: false, plannedStart: T0 });
    });
  });
});
