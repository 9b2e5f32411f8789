/**
 * The running agenda block's timer and the live re-planning of the rest of the agenda.
 *
 * Pure arithmetic on server epoch milliseconds: every function takes the time as an argument
 * (`now`) and returns new values instead of mutating, so the server (which owns the clock) and the
 * clients (which use their estimate of the server clock, see clock.ts) compute the same numbers.
 */

/** The clock of the running agenda block as the server stores it and sends it to clients. */
export interface BlockTimer {
  /** The agenda block this timer belongs to. */
  blockId: string;
  /** Server epoch ms when the block started. */
  startedAt: number;
  /** Planned duration plus extensions (minus shortening); never below 0. */
  allottedMs: number;
  /** Server epoch ms when the current pause began; null while running. */
  pausedAt: number | null;
  /** Total duration of completed pauses (the current one is not included until it ends). */
  pausedMs: number;
}

/** Throws on NaN and infinities, which would otherwise poison a timer that is stored and broadcast. */
function assertFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}

/** Starts a fresh timer for a block at `now`; a negative planned duration counts as 0. */
export function startTimer(blockId: string, plannedMs: number, now: number): BlockTimer {
  assertFinite('plannedMs', plannedMs);
  assertFinite('now', now);
  return { blockId, startedAt: now, allottedMs: Math.max(0, plannedMs), pausedAt: null, pausedMs: 0 };
}

/**
 * The server time at which the block's allotted time runs out:
 * `startedAt + allottedMs + pausedMs`.
 *
 * This ignores a pause in progress: while paused, the value is the deadline as it was when the
 * pause began, and it moves later by the pause's length once the timer resumes. For the deadline
 * "as if it resumed now", use {@link effectiveDeadline}.
 */
export function deadline(timer: BlockTimer): number {
  return timer.startedAt + timer.allottedMs + timer.pausedMs;
}

/** The deadline as if a running pause ended at `now` (`now + remaining` while paused); equal to {@link deadline} while running. */
export function effectiveDeadline(timer: BlockTimer, now: number): number {
  return timer.pausedAt === null ? deadline(timer) : now + remainingMs(timer, now);
}

/**
 * Running time of the block at `now`, excluding pauses; frozen while paused. Never negative (a
 * `now` before the start, e.g. from an imprecise client clock estimate, counts as 0).
 */
export function elapsedMs(timer: BlockTimer, now: number): number {
  // While paused, time stands still at the moment the pause began.
  const reference = timer.pausedAt ?? now;
  return Math.max(0, reference - timer.startedAt - timer.pausedMs);
}

/** Time left at `now`: `allottedMs - elapsed`; negative when overrun, frozen while paused. */
export function remainingMs(timer: BlockTimer, now: number): number {
  return timer.allottedMs - elapsedMs(timer, now);
}

/** True when the allotted time has run out and time is still going on (remaining < 0; exactly 0 is not yet overrun). */
export function isOverrun(timer: BlockTimer, now: number): boolean {
  return remainingMs(timer, now) < 0;
}

/** Pauses the timer at `now`; returns the timer unchanged when it is already paused. */
export function pauseTimer(timer: BlockTimer, now: number): BlockTimer {
  if (timer.pausedAt !== null) return timer;
  assertFinite('now', now);
  // A pause cannot begin before the block did; clamping keeps elapsed time from going negative.
  return { ...timer, pausedAt: Math.max(now, timer.startedAt) };
}

/** Resumes a paused timer at `now`, adding the pause to `pausedMs`; returns the timer unchanged when it is running. */
export function resumeTimer(timer: BlockTimer, now: number): BlockTimer {
  if (timer.pausedAt === null) return timer;
  assertFinite('now', now);
  // A `now` before the pause began would shorten the block's past; count such a pause as zero.
  const pause = Math.max(0, now - timer.pausedAt);
  return { ...timer, pausedAt: null, pausedMs: timer.pausedMs + pause };
}

/**
 * Extends (positive delta, the "+1 min" / "+5 min" buttons) or shortens (negative delta) the block.
 *
 * - Extending an overrun block counts from now: 2 minutes over, "+5 min" leaves 5 minutes, not 3;
 *   the overrun so far is absorbed into `allottedMs`.
 * - Shortening never cuts below the time already elapsed (remaining stays >= 0), and shortening a
 *   block that is already overrun changes nothing.
 * Works the same while paused (elapsed time is frozen then).
 */
export function extendTimer(timer: BlockTimer, deltaMs: number, now: number): BlockTimer {
  assertFinite('deltaMs', deltaMs);
  assertFinite('now', now);
  const elapsed = elapsedMs(timer, now);
  let allottedMs: number;
  if (deltaMs >= 0) {
    allottedMs = Math.max(timer.allottedMs, elapsed) + deltaMs;
  } else {
    if (timer.allottedMs <= elapsed) return timer;
    allottedMs = Math.max(timer.allottedMs + deltaMs, elapsed);
  }
  return allottedMs === timer.allottedMs ? timer : { ...timer, allottedMs };
}

/** Sets the time left at `now` ("3 minutes left"), by adjusting `allottedMs`; a negative value counts as 0. */
export function setRemaining(timer: BlockTimer, remainingMs: number, now: number): BlockTimer {
  assertFinite('remainingMs', remainingMs);
  assertFinite('now', now);
  const allottedMs = elapsedMs(timer, now) + Math.max(0, remainingMs);
  return allottedMs === timer.allottedMs ? timer : { ...timer, allottedMs };
}

// ---------------------------------------------------------------------------------------------
// Warnings

/**
 * A point at which the moderator (and participants) are warned that time is running out:
 * a fraction of the allotted time remaining (`remaining: 0.2` = 20%), or an absolute time remaining.
 */
export type WarningThreshold =
  | { kind: 'fraction'; remaining: number }
  | { kind: 'absolute'; remainingMs: number };

/** Default warnings: 20% and 5% of the allotted time remaining, and 1 minute remaining. */
export const DEFAULT_WARNING_THRESHOLDS: readonly WarningThreshold[] = Object.freeze([
  Object.freeze({ kind: 'fraction', remaining: 0.2 }),
  Object.freeze({ kind: 'fraction', remaining: 0.05 }),
  Object.freeze({ kind: 'absolute', remainingMs: 60_000 }),
] as const);

/** Key of the warning that the block has overrun its allotted time. */
export const OVERRUN_WARNING_KEY = 'overrun';

/** A warning that has fired: a stable key and the remaining time at which it fires. */
export interface CrossedWarning {
  /** Stable per threshold ("fraction:0.2", "absolute:60000", "overrun"), independent of the block and of extensions. */
  key: string;
  /** The remaining time (ms) at which this warning fires, e.g. 60_000 for the 1-minute warning; 0 for overrun. */
  remainingMs: number;
}

/** Stable key of a threshold, so clients can remember which warnings they already showed. */
export function warningKey(threshold: WarningThreshold): string {
  return threshold.kind === 'fraction' ? `fraction:${threshold.remaining}` : `absolute:${threshold.remainingMs}`;
}

/**
 * The thresholds of a timer that can fire, in ms remaining, deduplicated by key, largest first.
 * Thresholds at or above the allotted time are left out: they would fire the moment the block
 * starts (a 1-minute warning in a 30-second block is noise).
 */
function activeThresholds(
  timer: BlockTimer,
  thresholds: readonly WarningThreshold[],
): { key: string; remainingMs: number }[] {
  const byKey = new Map<string, number>();
  for (const threshold of thresholds) {
    // Fractions are of the allotted time, so extending the block moves the warning with it.
    // Rounded to whole ms so the reported threshold is exact (0.07 * 600_000 is 42000.00000000001 in floats).
    const ms =
      threshold.kind === 'fraction'
        ? Math.round(threshold.remaining * timer.allottedMs)
        : threshold.remainingMs;
    if (!Number.isFinite(ms) || ms >= timer.allottedMs) continue;
    byKey.set(warningKey(threshold), ms);
  }
  return [...byKey].map(([key, ms]) => ({ key, remainingMs: ms })).sort((a, b) => b.remainingMs - a.remainingMs);
}

/**
 * The warnings that have been crossed at `now` (remaining <= threshold), plus 'overrun' when
 * remaining < 0, in the order they were crossed.
 *
 * Thresholds at or above the allotted time never fire (a 1-minute warning of a 30 s block).
 * Keys are stable per threshold, so a client keeps the keys it has shown for the current block run
 * (identified by `blockId` + `startedAt`) and fires each warning once; after an extension a
 * warning may be crossed a second time, which the remembered key suppresses. A client that joins
 * late sees every warning already crossed and may prefer to mark them shown without firing.
 */
export function crossedWarnings(
  timer: BlockTimer,
  now: number,
  thresholds: readonly WarningThreshold[] = DEFAULT_WARNING_THRESHOLDS,
): CrossedWarning[] {
  const remaining = remainingMs(timer, now);
  const crossed = activeThresholds(timer, thresholds).filter((threshold) => remaining <= threshold.remainingMs);
  if (remaining < 0) crossed.push({ key: OVERRUN_WARNING_KEY, remainingMs: 0 });
  return crossed;
}

/**
 * Milliseconds from `now` until the next warning is crossed, so a client schedules one timeout
 * instead of polling; null when nothing more will fire (all crossed, or the timer is paused and
 * time stands still). Overrun means remaining < 0, so it is reported 1 ms after the deadline.
 * Call again after each timeout and after every timer change.
 */
export function nextWarningInMs(
  timer: BlockTimer,
  now: number,
  thresholds: readonly WarningThreshold[] = DEFAULT_WARNING_THRESHOLDS,
): number | null {
  if (timer.pausedAt !== null) return null;
  const remaining = remainingMs(timer, now);
  let next: number | null = null;
  for (const threshold of activeThresholds(timer, thresholds)) {
    if (remaining > threshold.remainingMs) {
      const wait = remaining - threshold.remainingMs;
      if (next === null || wait < next) next = wait;
    }
  }
  if (remaining >= 0) {
    // Remaining must drop below 0; on a millisecond clock that is 1 ms after it reaches 0.
    const wait = remaining + 1;
    if (next === null || wait < next) next = wait;
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// Live re-planning

/** An agenda block as planned: its id and planned duration. */
export interface PlannedBlock {
  id: string;
  plannedMs: number;
}

/** One run of a block: when it started and ended (null while it is still running). */
export interface BlockActual {
  blockId: string;
  startedAt: number;
  endedAt: number | null;
}

/** Where a block stands in the live schedule. */
export type ScheduleStatus = 'done' | 'running' | 'upcoming' | 'skipped';

/** One block in the live schedule: planned, projected and actual times (server epoch ms). */
export interface ScheduleRow {
  blockId: string;
  /** Start according to the plan: plannedStart plus the planned durations of the blocks before. */
  plannedStart: number;
  plannedEnd: number;
  /** Best current guess: actual times for done blocks, the re-chained times for upcoming ones, the plan for skipped ones. */
  projectedStart: number;
  projectedEnd: number;
  /** First start over all runs of the block; null if it never ran. */
  actualStart: number | null;
  /** Last end over all runs of the block; null if it never ran or is running. */
  actualEnd: number | null;
  status: ScheduleStatus;
}

/**
 * How far the workshop's first start may lie from its planned start before the plan is compared
 * from the first start instead: a workshop run on another day than planned (or rehearsed the day
 * before) is not "14070 minutes ahead of plan".
 */
export const PLAN_REBASE_AFTER_MS = 3 * 60 * 60_000;

/** The live schedule of the whole agenda. */
export interface Schedule {
  /**
   * The start the planned times chain from: the planned start, or, when the workshop started more
   * than {@link PLAN_REBASE_AFTER_MS} away from it, its first actual start.
   */
  plannedStart: number;
  /** True when `plannedStart` is not the planned start but the moved one. */
  rebased: boolean;
  rows: ScheduleRow[];
  /** End of the last block according to the plan. */
  plannedEnd: number;
  /** Projected end of the workshop: the latest projected end of all blocks that are not skipped. */
  projectedEnd: number;
  /** projectedEnd - plannedEnd; positive = behind plan, negative = ahead. */
  deltaMs: number;
}

/** Input to {@link projectSchedule}. */
export interface ProjectScheduleInput {
  /** The agenda in order; ids are unique. */
  blocks: readonly PlannedBlock[];
  /** Planned start of the workshop (server epoch ms). */
  plannedStart: number;
  /** All runs of blocks so far, in any order; runs of unknown block ids are ignored. */
  actuals: readonly BlockActual[];
  /** The running block's timer, or null between blocks; ignored when its block is not in `blocks`. */
  running: BlockTimer | null;
  /** Current server time. */
  now: number;
}

/**
 * Re-plans the agenda live.
 *
 * - Planned times chain from `plannedStart` by `plannedMs`, or from the first actual start when
 *   that lies more than {@link PLAN_REBASE_AFTER_MS} away from `plannedStart` (another day than
 *   planned), so ahead/behind compares like with like. Before the first start the plan stands.
 * - The "current" block is the running one or, between blocks, the block of the most recent run.
 * - Done blocks (with at least one finished run) use their actuals: first start, last end (a block
 *   may run more than once when the moderator goes back). An unfinished run of a block other than
 *   the running one is stale and ignored.
 * - The running block starts at its first actual start and is projected to end at
 *   max(now, deadline); while paused, its deadline keeps moving (now + remaining).
 * - Never-run blocks before the current one (the moderator jumped ahead) are 'skipped', with
 *   projected = planned; they do not count towards the projected end.
 * - Never-run blocks after the current one are 'upcoming' and chain, in agenda order, from the
 *   running block's projected end; between blocks, from max(now, end of the most recent run);
 *   before the workshop starts, from max(now, plannedStart). Done blocks after the current one
 *   (the moderator went back) keep their actuals and take no time in the chain.
 */
export function projectSchedule(input: ProjectScheduleInput): Schedule {
  const { blocks, actuals, running, now } = input;
  const { plannedStart, rebased } = comparablePlannedStart(input);

  const indexById = new Map<string, number>();
  blocks.forEach((block, index) => {
    if (!indexById.has(block.id)) indexById.set(block.id, index);
  });
  const runningIndex = running === null ? undefined : indexById.get(running.blockId);
  const runningTimer = runningIndex === undefined ? null : running;

  // Aggregate the runs per block: first start and last end over finished runs.
  const firstStart = new Map<string, number>();
  const lastEnd = new Map<string, number>();
  let latestRun: { index: number; startedAt: number; endedAt: number } | null = null;
  for (const actual of actuals) {
    const index = indexById.get(actual.blockId);
    if (index === undefined) continue;
    const isRunningBlock = runningTimer !== null && actual.blockId === runningTimer.blockId;
    // An open run only makes sense for the running block; anywhere else it is left over from a crash.
    if (actual.endedAt === null && !isRunningBlock) continue;
    firstStart.set(actual.blockId, Math.min(firstStart.get(actual.blockId) ?? Infinity, actual.startedAt));
    if (actual.endedAt !== null) {
      lastEnd.set(actual.blockId, Math.max(lastEnd.get(actual.blockId) ?? -Infinity, actual.endedAt));
      if (latestRun === null || actual.startedAt > latestRun.startedAt) {
        latestRun = { index, startedAt: actual.startedAt, endedAt: actual.endedAt };
      }
    }
  }

  // The block the moderator is at; everything never run before it was skipped.
  const currentIndex = runningIndex ?? latestRun?.index ?? -1;

  // Where the upcoming blocks start chaining.
  let runningProjectedEnd = 0;
  let cursor: number;
  if (runningTimer !== null) {
    runningProjectedEnd = Math.max(now, effectiveDeadline(runningTimer, now));
    cursor = runningProjectedEnd;
  } else if (latestRun !== null) {
    cursor = Math.max(now, latestRun.endedAt);
  } else {
    cursor = Math.max(now, plannedStart);
  }

  const rows: ScheduleRow[] = [];
  let plannedCursor = plannedStart;
  let projectedEnd = -Infinity;
  blocks.forEach((block, index) => {
    const plannedBlockStart = plannedCursor;
    const plannedBlockEnd = plannedBlockStart + block.plannedMs;
    plannedCursor = plannedBlockEnd;
    const planned = { blockId: block.id, plannedStart: plannedBlockStart, plannedEnd: plannedBlockEnd };

    let row: ScheduleRow;
    if (runningTimer !== null && index === runningIndex) {
      const actualStart = Math.min(firstStart.get(block.id) ?? Infinity, runningTimer.startedAt);
      row = {
        ...planned,
        projectedStart: actualStart,
        projectedEnd: runningProjectedEnd,
        actualStart,
        actualEnd: null,
        status: 'running',
      };
    } else if (lastEnd.has(block.id)) {
      const actualStart = firstStart.get(block.id) ?? 0;
      const actualEnd = lastEnd.get(block.id) ?? 0;
      row = { ...planned, projectedStart: actualStart, projectedEnd: actualEnd, actualStart, actualEnd, status: 'done' };
    } else if (index < currentIndex) {
      row = {
        ...planned,
        projectedStart: plannedBlockStart,
        projectedEnd: plannedBlockEnd,
        actualStart: null,
        actualEnd: null,
        status: 'skipped',
      };
    } else {
      const projectedStart = cursor;
      cursor += block.plannedMs;
      row = { ...planned, projectedStart, projectedEnd: cursor, actualStart: null, actualEnd: null, status: 'upcoming' };
    }
    if (row.status !== 'skipped') projectedEnd = Math.max(projectedEnd, row.projectedEnd);
    rows.push(row);
  });

  const plannedEnd = plannedCursor;
  // Without any counted block (an empty agenda) there is nothing to be behind or ahead of.
  const finalProjectedEnd = projectedEnd === -Infinity ? plannedEnd : projectedEnd;
  return { plannedStart, rebased, rows, plannedEnd, projectedEnd: finalProjectedEnd, deltaMs: finalProjectedEnd - plannedEnd };
}

/** The start the plan is compared from; see {@link projectSchedule}. */
function comparablePlannedStart(input: ProjectScheduleInput): { plannedStart: number; rebased: boolean } {
  const known = new Set(input.blocks.map((block) => block.id));
  let firstStart = Infinity;
  for (const actual of input.actuals) {
    if (known.has(actual.blockId)) firstStart = Math.min(firstStart, actual.startedAt);
  }
  if (input.running !== null && known.has(input.running.blockId)) firstStart = Math.min(firstStart, input.running.startedAt);
  // Before the first start the plan stands as planned.
  return firstStart !== Infinity && Math.abs(firstStart - input.plannedStart) > PLAN_REBASE_AFTER_MS
    ? { plannedStart: firstStart, rebased: true }
    : { plannedStart: input.plannedStart, rebased: false };
}
