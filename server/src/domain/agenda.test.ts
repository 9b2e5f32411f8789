import { describe, expect, it } from 'vitest';
import { DEFAULT_WARNING_THRESHOLDS, deadline, remainingMs } from '@werkraum/shared/agendaClock';
import type { AgendaBlockInput, AgendaControl } from '@werkraum/shared/protocol';
import type { AgendaRecord } from '../store/types.js';
import {
  addBlock,
  agendaView,
  controlAgenda,
  deleteBlock,
  duplicateBlock,
  emptyAgenda,
  moderationNotes,
  moveBlock,
  replaceBlocks,
  updateBlock,
} from './agenda.js';
import { DomainError } from './errors.js';

const MIN = 60_000;
/** Server time at which the tests start running blocks. */
const T0 = Date.parse('2026-12-01T13:00:00.000Z');
/** T0 plus minutes. */
const at = (minutes: number) => T0 + minutes * MIN;

function input(title: string, plannedMinutes: number, extra: Partial<AgendaBlockInput> = {}): AgendaBlockInput {
  return { title, type: 'other', plannedMinutes, description: '', moderationNotes: '', ...extra };
}

/** An agenda with blocks a, b, c, … (10, 20, 5, 15 minutes) appended in order. */
function agendaOf(count = 3): AgendaRecord {
  const specs: [string, number][] = [
    ['a', 10],
    ['b', 20],
    ['c', 5],
    ['d', 15],
  ];
  let agenda = emptyAgenda('w1');
  let after: string | null = null;
  for (const [id, minutes] of specs.slice(0, count)) {
    agenda = addBlock(agenda, after, input(`Block ${id.toUpperCase()}`, minutes, { description: `about ${id}`, moderationNotes: `note ${id}` }), id);
    after = id;
  }
  return agenda;
}

const ids = (agenda: AgendaRecord) => agenda.blocks.map((block) => block.id);

/** Runs control actions in order, each at its own time (minutes after T0). */
function run(agenda: AgendaRecord, steps: [number, AgendaControl][]): AgendaRecord {
  return steps.reduce((current, [minutes, control]) => controlAgenda(current, control, at(minutes)), agenda);
}

/** Asserts that `action` throws a DomainError with `code` (and `field`, when given). */
function expectDomainError(action: () => unknown, code: string, field?: string): DomainError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected a DomainError ${code}`).toBeInstanceOf(DomainError);
  const error = thrown as DomainError;
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
  if (field !== undefined) expect(error.field).toBe(field);
  return error;
}

/** Deep-freezes a value so that any mutation by a "pure" transform throws. */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) frozen(child);
    Object.freeze(value);
  }
  return value;
}

describe('emptyAgenda', () => {
  it('has no blocks, has not started and carries the default warnings', () => {
    expect(emptyAgenda('w1')).toEqual({
      workshopId: 'w1',
      version: 0,
      blocks: [],
      run: { status: 'notStarted', timer: null, actuals: [], log: [] },
      warningThresholds: [
        { kind: 'fraction', remaining: 0.2 },
        { kind: 'fraction', remaining: 0.05 },
        { kind: 'absolute', remainingMs: 60_000 },
      ],
    });
    // A copy: changing an agenda's thresholds cannot touch the shared defaults.
    expect(emptyAgenda('w1').warningThresholds).not.toBe(DEFAULT_WARNING_THRESHOLDS);
  });
});

describe('block editing', () => {
  describe('addBlock', () => {
    it('adds the first block with afterBlockId null, keeping every given field', () => {
      const empty = frozen(emptyAgenda('w1'));
      const agenda = addBlock(
        empty,
        null,
        input('Ankommen', 5, { type: 'arrival', description: 'Kamera an', moderationNotes: 'Link in den Chat' }),
        'x1',
      );
      expect(agenda.blocks).toEqual([
        { id: 'x1', title: 'Ankommen', type: 'arrival', plannedMinutes: 5, description: 'Kamera an', moderationNotes: 'Link in den Chat' },
      ]);
      expect(empty.blocks).toEqual([]);
      expect(agenda.run).toBe(empty.run);
      expect(agenda.version).toBe(0);
    });

    it('puts a block with null before all others, and after the named block otherwise', () => {
      const agenda = frozen(agendaOf(3));
      expect(ids(addBlock(agenda, null, input('First', 1), 'n'))).toEqual(['n', 'a', 'b', 'c']);
      expect(ids(addBlock(agenda, 'a', input('After A', 1), 'n'))).toEqual(['a', 'n', 'b', 'c']);
      expect(ids(addBlock(agenda, 'c', input('Last', 1), 'n'))).toEqual(['a', 'b', 'c', 'n']);
      expect(ids(agenda)).toEqual(['a', 'b', 'c']);
    });

    it('refuses an afterBlockId that is not on the agenda', () => {
      expectDomainError(() => addBlock(agendaOf(2), 'zz', input('X', 1), 'n'), 'invalid_state', 'blockId');
    });
  });

  describe('updateBlock', () => {
    it('changes only the given fields of only that block', () => {
      const agenda = frozen(agendaOf(3));
      const changed = updateBlock(agenda, 'b', { title: 'Neuer Titel', plannedMinutes: 25 });
      expect(changed.blocks[1]).toEqual({
        id: 'b',
        title: 'Neuer Titel',
        type: 'other',
        plannedMinutes: 25,
        description: 'about b',
        moderationNotes: 'note b',
      });
      expect(changed.blocks[0]).toBe(agenda.blocks[0]);
      expect(changed.blocks[2]).toBe(agenda.blocks[2]);
      expect(agenda.blocks[1]!.title).toBe('Block B');
    });

    it('ignores fields given as undefined and can clear notes with an empty string', () => {
      const changed = updateBlock(agendaOf(2), 'a', { title: undefined, moderationNotes: '', type: 'input' });
      expect(changed.blocks[0]).toEqual({
        id: 'a',
        title: 'Block A',
        type: 'input',
        plannedMinutes: 10,
        description: 'about a',
        moderationNotes: '',
      });
    });

    it('refuses an unknown block', () => {
      expectDomainError(() => updateBlock(agendaOf(2), 'zz', { title: 'X' }), 'invalid_state', 'blockId');
    });
  });

  describe('duplicateBlock', () => {
    it('puts a copy with a new id right after the block', () => {
      const agenda = frozen(agendaOf(3));
      const copied = duplicateBlock(agenda, 'b', 'b2');
      expect(ids(copied)).toEqual(['a', 'b', 'b2', 'c']);
      expect(copied.blocks[2]).toEqual({ ...agenda.blocks[1]!, id: 'b2' });
      expect(ids(duplicateBlock(agenda, 'c', 'c2'))).toEqual(['a', 'b', 'c', 'c2']);
    });

    it('refuses an unknown block', () => {
      expectDomainError(() => duplicateBlock(agendaOf(2), 'zz', 'n'), 'invalid_state', 'blockId');
    });
  });

  describe('deleteBlock', () => {
    it('removes the block', () => {
      const agenda = frozen(agendaOf(3));
      expect(ids(deleteBlock(agenda, 'b'))).toEqual(['a', 'c']);
      expect(ids(deleteBlock(agenda, 'a'))).toEqual(['b', 'c']);
    });

    it('refuses the running block, also while it is paused, but deletes others meanwhile', () => {
      const running = run(agendaOf(3), [[0, { action: 'start', blockId: 'b' }]]);
      expectDomainError(() => deleteBlock(running, 'b'), 'invalid_state');
      const paused = run(running, [[1, { action: 'pause' }]]);
      expectDomainError(() => deleteBlock(paused, 'b'), 'invalid_state');
      expect(ids(deleteBlock(running, 'c'))).toEqual(['a', 'b']);
      // Once it has run, it stays for the documentation; blocks that never ran can still go.
      const ended = run(running, [[2, { action: 'endBlock' }]]);
      expectDomainError(() => deleteBlock(ended, 'b'), 'invalid_state');
      expect(ids(deleteBlock(ended, 'a'))).toEqual(['b', 'c']);
    });

    it('refuses an unknown block', () => {
      expectDomainError(() => deleteBlock(agendaOf(2), 'zz'), 'invalid_state', 'blockId');
    });
  });

  describe('moveBlock', () => {
    it('moves to the start, to the end, and clamps an index beyond the end', () => {
      const agenda = frozen(agendaOf(4));
      expect(ids(moveBlock(agenda, 'c', 0))).toEqual(['c', 'a', 'b', 'd']);
      expect(ids(moveBlock(agenda, 'a', 3))).toEqual(['b', 'c', 'd', 'a']);
      expect(ids(moveBlock(agenda, 'b', 99))).toEqual(['a', 'c', 'd', 'b']);
      expect(ids(moveBlock(agenda, 'd', 1))).toEqual(['a', 'd', 'b', 'c']);
      expect(ids(moveBlock(agenda, 'b', 1))).toEqual(['a', 'b', 'c', 'd']);
      expect(ids(agenda)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('keeps the block itself unchanged', () => {
      const agenda = agendaOf(3);
      expect(moveBlock(agenda, 'a', 2).blocks[2]).toBe(agenda.blocks[0]);
    });

    it('refuses an unknown block', () => {
      expectDomainError(() => moveBlock(agendaOf(2), 'zz', 0), 'invalid_state', 'blockId');
    });
  });

  describe('replaceBlocks', () => {
    const inputs = [input('Eins', 5, { type: 'arrival' }), input('Zwei', 30, { moderationNotes: 'psst' })];
    const counter = () => {
      let n = 0;
      return () => `new${++n}`;
    };

    it('replaces every block with new ids, in order', () => {
      const replaced = replaceBlocks(frozen(agendaOf(3)), inputs, counter());
      expect(replaced.blocks).toEqual([
        { id: 'new1', title: 'Eins', type: 'arrival', plannedMinutes: 5, description: '', moderationNotes: '' },
        { id: 'new2', title: 'Zwei', type: 'other', plannedMinutes: 30, description: '', moderationNotes: 'psst' },
      ]);
      expect(replaced.run).toEqual({ status: 'notStarted', timer: null, actuals: [], log: [] });
    });

    it('is refused while the workshop runs, also between blocks', () => {
      const running = run(agendaOf(2), [[0, { action: 'start' }]]);
      expectDomainError(() => replaceBlocks(running, inputs, counter()), 'invalid_state');
      const between = run(running, [[3, { action: 'endBlock' }]]);
      expect(between.run.status).toBe('running');
      expectDomainError(() => replaceBlocks(between, inputs, counter()), 'invalid_state');
    });

    it('refuses once the workshop has run, so its record stays for the documentation', () => {
      const ended = run(agendaOf(2), [
        [0, { action: 'start' }],
        [5, { action: 'endWorkshop' }],
      ]);
      expect(ended.run.log).toHaveLength(2);
      expectDomainError(() => replaceBlocks(ended, inputs, counter()), 'invalid_state');
    });
  });
});

describe('controlAgenda', () => {
  const ALL_ACTIONS: AgendaControl[] = [
    { action: 'start' },
    { action: 'next' },
    { action: 'previous' },
    { action: 'jump', blockId: 'a' },
    { action: 'pause' },
    { action: 'resume' },
    { action: 'extend', minutes: 1 },
    { action: 'setRemaining', seconds: 60 },
    { action: 'endBlock' },
    { action: 'endWorkshop' },
  ];

  it.each(ALL_ACTIONS.map((control) => [control.action, control] as const))('refuses %s on an empty agenda', (_name, control) => {
    expectDomainError(() => controlAgenda(emptyAgenda('w1'), control, T0), 'invalid_state');
  });

  describe('start', () => {
    it('starts the first block with its planned time as the allotted time', () => {
      const agenda = frozen(agendaOf(3));
      const started = controlAgenda(agenda, { action: 'start' }, T0);
      expect(started.run).toEqual({
        status: 'running',
        timer: { blockId: 'a', startedAt: T0, allottedMs: 10 * MIN, pausedAt: null, pausedMs: 0 },
        actuals: [{ blockId: 'a', startedAt: T0, endedAt: null }],
        log: [{ at: T0, blockId: 'a', kind: 'start' }],
      });
      expect(started.blocks).toBe(agenda.blocks);
      expect(agenda.run.status).toBe('notStarted');
    });

    it('starts the given block', () => {
      const started = controlAgenda(agendaOf(3), { action: 'start', blockId: 'b' }, T0);
      expect(started.run.timer).toEqual({ blockId: 'b', startedAt: T0, allottedMs: 20 * MIN, pausedAt: null, pausedMs: 0 });
      expect(started.run.actuals).toEqual([{ blockId: 'b', startedAt: T0, endedAt: null }]);
    });

    it('refuses an unknown block', () => {
      expectDomainError(() => controlAgenda(agendaOf(3), { action: 'start', blockId: 'zz' }, T0), 'invalid_state', 'blockId');
    });

    it('refuses to start while running, also between blocks', () => {
      const running = run(agendaOf(3), [[0, { action: 'start' }]]);
      expectDomainError(() => controlAgenda(running, { action: 'start' }, at(1)), 'invalid_state');
      expectDomainError(() => controlAgenda(running, { action: 'start', blockId: 'c' }, at(1)), 'invalid_state');
      const between = run(running, [[2, { action: 'endBlock' }]]);
      expectDomainError(() => controlAgenda(between, { action: 'start' }, at(3)), 'invalid_state');
    });
  });

  describe('next', () => {
    it('goes through every block to ended, recording start and end of each', () => {
      const agenda = agendaOf(3);
      const first = run(agenda, [[0, { action: 'start' }]]);
      const second = controlAgenda(first, { action: 'next' }, at(11));
      expect(second.run.status).toBe('running');
      expect(second.run.timer).toEqual({ blockId: 'b', startedAt: at(11), allottedMs: 20 * MIN, pausedAt: null, pausedMs: 0 });
      const third = controlAgenda(second, { action: 'next' }, at(30));
      expect(third.run.timer).toEqual({ blockId: 'c', startedAt: at(30), allottedMs: 5 * MIN, pausedAt: null, pausedMs: 0 });
      const ended = controlAgenda(third, { action: 'next' }, at(36));
      expect(ended.run).toEqual({
        status: 'ended',
        timer: null,
        actuals: [
          { blockId: 'a', startedAt: at(0), endedAt: at(11) },
          { blockId: 'b', startedAt: at(11), endedAt: at(30) },
          { blockId: 'c', startedAt: at(30), endedAt: at(36) },
        ],
        log: [
          { at: at(0), blockId: 'a', kind: 'start' },
          { at: at(11), blockId: 'a', kind: 'end' },
          { at: at(11), blockId: 'b', kind: 'start' },
          { at: at(30), blockId: 'b', kind: 'end' },
          { at: at(30), blockId: 'c', kind: 'start' },
          { at: at(36), blockId: 'c', kind: 'end' },
        ],
      });
      expectDomainError(() => controlAgenda(ended, { action: 'next' }, at(37)), 'invalid_state');
    });

    it('is refused before the start', () => {
      expectDomainError(() => controlAgenda(agendaOf(3), { action: 'next' }, T0), 'invalid_state');
    });
  });

  describe('previous', () => {
    it('ends the running block and runs the previous one again', () => {
      const agenda = run(agendaOf(3), [
        [0, { action: 'start' }],
        [10, { action: 'next' }],
        [12, { action: 'previous' }],
      ]);
      expect(agenda.run.timer).toEqual({ blockId: 'a', startedAt: at(12), allottedMs: 10 * MIN, pausedAt: null, pausedMs: 0 });
      expect(agenda.run.actuals).toEqual([
        { blockId: 'a', startedAt: at(0), endedAt: at(10) },
        { blockId: 'b', startedAt: at(10), endedAt: at(12) },
        { blockId: 'a', startedAt: at(12), endedAt: null },
      ]);
    });

    it('restarts the first block when there is nothing before it', () => {
      const agenda = run(agendaOf(3), [
        [0, { action: 'start' }],
        [4, { action: 'previous' }],
      ]);
      expect(agenda.run.timer).toEqual({ blockId: 'a', startedAt: at(4), allottedMs: 10 * MIN, pausedAt: null, pausedMs: 0 });
      expect(agenda.run.actuals).toEqual([
        { blockId: 'a', startedAt: at(0), endedAt: at(4) },
        { blockId: 'a', startedAt: at(4), endedAt: null },
      ]);
    });

    it('is refused before the start', () => {
      expectDomainError(() => controlAgenda(agendaOf(3), { action: 'previous' }, T0), 'invalid_state');
    });
  });

  describe('jump', () => {
    it('ends the running block and starts the given one', () => {
      const agenda = run(agendaOf(4), [
        [0, { action: 'start' }],
        [3, { action: 'jump', blockId: 'c' }],
      ]);
      expect(agenda.run.status).toBe('running');
      expect(agenda.run.timer).toEqual({ blockId: 'c', startedAt: at(3), allottedMs: 5 * MIN, pausedAt: null, pausedMs: 0 });
      expect(agenda.run.actuals).toEqual([
        { blockId: 'a', startedAt: at(0), endedAt: at(3) },
        { blockId: 'c', startedAt: at(3), endedAt: null },
      ]);
      // next continues after the block jumped to.
      expect(controlAgenda(agenda, { action: 'next' }, at(8)).run.timer?.blockId).toBe('d');
    });

    it('runs the workshop again after it ended', () => {
      const ended = run(agendaOf(2), [
        [0, { action: 'start' }],
        [5, { action: 'endWorkshop' }],
      ]);
      const again = controlAgenda(ended, { action: 'jump', blockId: 'b' }, at(7));
      expect(again.run.status).toBe('running');
      expect(again.run.timer).toEqual({ blockId: 'b', startedAt: at(7), allottedMs: 20 * MIN, pausedAt: null, pausedMs: 0 });
      expect(again.run.actuals).toEqual([
        { blockId: 'a', startedAt: at(0), endedAt: at(5) },
        { blockId: 'b', startedAt: at(7), endedAt: null },
      ]);
      expect(again.run.log.map((entry) => [entry.kind, entry.blockId, entry.at])).toEqual([
        ['start', 'a', at(0)],
        ['end', 'a', at(5)],
        ['start', 'b', at(7)],
      ]);
    });

    it('refuses an unknown block', () => {
      const running = run(agendaOf(2), [[0, { action: 'start' }]]);
      expectDomainError(() => controlAgenda(running, { action: 'jump', blockId: 'zz' }, at(1)), 'invalid_state', 'blockId');
    });
  });

  describe('pause and resume', () => {
    it('does not count the pause: remaining time is frozen, the deadline moves by the pause length', () => {
      const started = run(agendaOf(2), [[0, { action: 'start' }]]);
      expect(deadline(started.run.timer!)).toBe(at(10));

      const paused = controlAgenda(started, { action: 'pause' }, at(2));
      expect(paused.run.timer).toEqual({ blockId: 'a', startedAt: at(0), allottedMs: 10 * MIN, pausedAt: at(2), pausedMs: 0 });
      expect(remainingMs(paused.run.timer!, at(2))).toBe(8 * MIN);
      // Five minutes later nothing has run off.
      expect(remainingMs(paused.run.timer!, at(7))).toBe(8 * MIN);

      const resumed = controlAgenda(paused, { action: 'resume' }, at(7));
      expect(resumed.run.timer).toEqual({ blockId: 'a', startedAt: at(0), allottedMs: 10 * MIN, pausedAt: null, pausedMs: 5 * MIN });
      expect(remainingMs(resumed.run.timer!, at(7))).toBe(8 * MIN);
      expect(remainingMs(resumed.run.timer!, at(9))).toBe(6 * MIN);
      expect(deadline(resumed.run.timer!)).toBe(at(15));
      expect(resumed.run.log).toEqual([
        { at: at(0), blockId: 'a', kind: 'start' },
        { at: at(2), blockId: 'a', kind: 'pause' },
        { at: at(7), blockId: 'a', kind: 'resume' },
      ]);
      // The pause is part of the block's actual run.
      const ended = controlAgenda(resumed, { action: 'next' }, at(15));
      expect(ended.run.actuals[0]).toEqual({ blockId: 'a', startedAt: at(0), endedAt: at(15) });
    });

    it('adds up several pauses', () => {
      const agenda = run(agendaOf(2), [
        [0, { action: 'start' }],
        [1, { action: 'pause' }],
        [3, { action: 'resume' }],
        [4, { action: 'pause' }],
        [7, { action: 'resume' }],
      ]);
      expect(agenda.run.timer).toMatchObject({ pausedAt: null, pausedMs: 5 * MIN });
      expect(remainingMs(agenda.run.timer!, at(7))).toBe(8 * MIN);
      expect(deadline(agenda.run.timer!)).toBe(at(15));
    });

    it('leaves the agenda untouched when pausing a paused block or resuming a running one', () => {
      const running = run(agendaOf(2), [[0, { action: 'start' }]]);
      expect(controlAgenda(running, { action: 'resume' }, at(1))).toBe(running);
      const paused = controlAgenda(running, { action: 'pause' }, at(1));
      expect(controlAgenda(paused, { action: 'pause' }, at(2))).toBe(paused);
    });

    it('refuses pause and resume without a running block', () => {
      const before = agendaOf(2);
      const between = run(before, [
        [0, { action: 'start' }],
        [3, { action: 'endBlock' }],
      ]);
      const ended = run(before, [
        [0, { action: 'start' }],
        [3, { action: 'endWorkshop' }],
      ]);
      for (const agenda of [before, between, ended]) {
        expectDomainError(() => controlAgenda(agenda, { action: 'pause' }, at(4)), 'invalid_state');
        expectDomainError(() => controlAgenda(agenda, { action: 'resume' }, at(4)), 'invalid_state');
      }
    });
  });

  describe('extend and setRemaining', () => {
    it('extends by +1 and +5 minutes and logs the change', () => {
      const agenda = run(agendaOf(2), [
        [0, { action: 'start' }],
        [2, { action: 'extend', minutes: 1 }],
        [3, { action: 'extend', minutes: 5 }],
      ]);
      expect(agenda.run.timer).toEqual({ blockId: 'a', startedAt: at(0), allottedMs: 16 * MIN, pausedAt: null, pausedMs: 0 });
      expect(deadline(agenda.run.timer!)).toBe(at(16));
      expect(agenda.run.log).toEqual([
        { at: at(0), blockId: 'a', kind: 'start' },
        { at: at(2), blockId: 'a', kind: 'extend', deltaMs: 60_000 },
        { at: at(3), blockId: 'a', kind: 'extend', deltaMs: 300_000 },
      ]);
    });

    it('shortens with a negative number, never below the time already run', () => {
      const shortened = run(agendaOf(2), [
        [0, { action: 'start' }],
        [2, { action: 'extend', minutes: -3 }],
      ]);
      expect(shortened.run.timer!.allottedMs).toBe(7 * MIN);
      expect(shortened.run.log.at(-1)).toEqual({ at: at(2), blockId: 'a', kind: 'extend', deltaMs: -180_000 });

      const cut = controlAgenda(shortened, { action: 'extend', minutes: -10 }, at(4));
      expect(cut.run.timer!.allottedMs).toBe(4 * MIN);
      expect(remainingMs(cut.run.timer!, at(4))).toBe(0);
      expect(cut.run.log.at(-1)).toEqual({ at: at(4), blockId: 'a', kind: 'extend', deltaMs: -180_000 });
    });

    it('extends an overrun block from now', () => {
      const agenda = run(agendaOf(2), [
        [0, { action: 'start' }],
        [12, { action: 'extend', minutes: 5 }],
      ]);
      expect(agenda.run.timer!.allottedMs).toBe(17 * MIN);
      expect(remainingMs(agenda.run.timer!, at(12))).toBe(5 * MIN);
      expect(agenda.run.log.at(-1)).toEqual({ at: at(12), blockId: 'a', kind: 'extend', deltaMs: 420_000 });
    });

    it('extends a paused block without counting the pause', () => {
      const agenda = run(agendaOf(2), [
        [0, { action: 'start' }],
        [2, { action: 'pause' }],
        [6, { action: 'extend', minutes: 5 }],
        [8, { action: 'resume' }],
      ]);
      expect(agenda.run.timer).toEqual({ blockId: 'a', startedAt: at(0), allottedMs: 15 * MIN, pausedAt: null, pausedMs: 6 * MIN });
      expect(remainingMs(agenda.run.timer!, at(8))).toBe(13 * MIN);
    });

    it('sets the remaining time and logs the change of the allotted time', () => {
      const agenda = run(agendaOf(2), [
        [0, { action: 'start' }],
        [4, { action: 'setRemaining', seconds: 120 }],
      ]);
      expect(agenda.run.timer!.allottedMs).toBe(6 * MIN);
      expect(remainingMs(agenda.run.timer!, at(4))).toBe(120_000);
      expect(agenda.run.log.at(-1)).toEqual({ at: at(4), blockId: 'a', kind: 'setRemaining', deltaMs: -240_000 });

      const more = controlAgenda(agenda, { action: 'setRemaining', seconds: 30 * 60 }, at(5));
      expect(more.run.timer!.allottedMs).toBe(35 * MIN);
      expect(remainingMs(more.run.timer!, at(5))).toBe(30 * MIN);
      expect(more.run.log.at(-1)).toEqual({ at: at(5), blockId: 'a', kind: 'setRemaining', deltaMs: 29 * MIN });
    });

    it('refuses extend and setRemaining without a running block', () => {
      const between = run(agendaOf(2), [
        [0, { action: 'start' }],
        [3, { action: 'endBlock' }],
      ]);
      for (const agenda of [agendaOf(2), between]) {
        expectDomainError(() => controlAgenda(agenda, { action: 'extend', minutes: 5 }, at(4)), 'invalid_state');
        expectDomainError(() => controlAgenda(agenda, { action: 'setRemaining', seconds: 60 }, at(4)), 'invalid_state');
      }
    });
  });

  describe('endBlock', () => {
    it('ends the running block and waits between blocks; next starts the following block', () => {
      const between = run(agendaOf(3), [
        [0, { action: 'start' }],
        [8, { action: 'endBlock' }],
      ]);
      expect(between.run).toEqual({
        status: 'running',
        timer: null,
        actuals: [{ blockId: 'a', startedAt: at(0), endedAt: at(8) }],
        log: [
          { at: at(0), blockId: 'a', kind: 'start' },
          { at: at(8), blockId: 'a', kind: 'end' },
        ],
      });
      expectDomainError(() => controlAgenda(between, { action: 'endBlock' }, at(9)), 'invalid_state');

      const next = controlAgenda(between, { action: 'next' }, at(11));
      expect(next.run.timer).toEqual({ blockId: 'b', startedAt: at(11), allottedMs: 20 * MIN, pausedAt: null, pausedMs: 0 });
      expect(next.run.actuals).toEqual([
        { blockId: 'a', startedAt: at(0), endedAt: at(8) },
        { blockId: 'b', startedAt: at(11), endedAt: null },
      ]);
      expect(next.run.log.slice(2)).toEqual([{ at: at(11), blockId: 'b', kind: 'start' }]);
    });

    it('ends the workshop when next follows the end of the last block', () => {
      const agenda = run(agendaOf(2), [
        [0, { action: 'start', blockId: 'b' }],
        [5, { action: 'endBlock' }],
        [6, { action: 'next' }],
      ]);
      expect(agenda.run.status).toBe('ended');
      expect(agenda.run.timer).toBeNull();
      expect(agenda.run.log.map((entry) => entry.kind)).toEqual(['start', 'end']);
    });

    it('keeps a block that has run on the agenda, so next continues after it and its times are documented', () => {
      const between = run(agendaOf(3), [
        [0, { action: 'start', blockId: 'b' }],
        [5, { action: 'endBlock' }],
      ]);
      expectDomainError(() => deleteBlock(between, 'b'), 'invalid_state');
      const next = controlAgenda(between, { action: 'next' }, at(6));
      expect(next.run.timer?.blockId).toBe('c');
    });
  });

  describe('endWorkshop', () => {
    it('ends the running block and the workshop', () => {
      const agenda = run(agendaOf(3), [
        [0, { action: 'start' }],
        [3, { action: 'endWorkshop' }],
      ]);
      expect(agenda.run).toEqual({
        status: 'ended',
        timer: null,
        actuals: [{ blockId: 'a', startedAt: at(0), endedAt: at(3) }],
        log: [
          { at: at(0), blockId: 'a', kind: 'start' },
          { at: at(3), blockId: 'a', kind: 'end' },
        ],
      });
    });

    it('ends the workshop between blocks without another end entry', () => {
      const agenda = run(agendaOf(3), [
        [0, { action: 'start' }],
        [3, { action: 'endBlock' }],
        [4, { action: 'endWorkshop' }],
      ]);
      expect(agenda.run.status).toBe('ended');
      expect(agenda.run.log.map((entry) => [entry.kind, entry.at])).toEqual([
        ['start', at(0)],
        ['end', at(3)],
      ]);
    });

    it('is refused before the start and after the end', () => {
      expectDomainError(() => controlAgenda(agendaOf(2), { action: 'endWorkshop' }, T0), 'invalid_state');
      const ended = run(agendaOf(2), [
        [0, { action: 'start' }],
        [3, { action: 'endWorkshop' }],
      ]);
      expectDomainError(() => controlAgenda(ended, { action: 'endWorkshop' }, at(4)), 'invalid_state');
    });
  });

  describe('actuals and log', () => {
    it('records every run of a block, also when a block runs again', () => {
      const agenda = run(agendaOf(3), [
        [0, { action: 'start' }],
        [10, { action: 'next' }],
        [25, { action: 'previous' }],
        [27, { action: 'next' }],
        [40, { action: 'next' }],
      ]);
      expect(agenda.run.actuals).toEqual([
        { blockId: 'a', startedAt: at(0), endedAt: at(10) },
        { blockId: 'b', startedAt: at(10), endedAt: at(25) },
        { blockId: 'a', startedAt: at(25), endedAt: at(27) },
        { blockId: 'b', startedAt: at(27), endedAt: at(40) },
        { blockId: 'c', startedAt: at(40), endedAt: null },
      ]);
      expect(agenda.run.log.map((entry) => `${entry.kind}:${entry.blockId}@${(entry.at - T0) / MIN}`)).toEqual([
        'start:a@0',
        'end:a@10',
        'start:b@10',
        'end:b@25',
        'start:a@25',
        'end:a@27',
        'start:b@27',
        'end:b@40',
        'start:c@40',
      ]);
    });

    it('closes a pause in progress with a resume entry when the block ends', () => {
      const agenda = run(agendaOf(2), [
        [0, { action: 'start' }],
        [2, { action: 'pause' }],
        [5, { action: 'next' }],
      ]);
      expect(agenda.run.log).toEqual([
        { at: at(0), blockId: 'a', kind: 'start' },
        { at: at(2), blockId: 'a', kind: 'pause' },
        { at: at(5), blockId: 'a', kind: 'resume' },
        { at: at(5), blockId: 'a', kind: 'end' },
        { at: at(5), blockId: 'b', kind: 'start' },
      ]);
      expect(agenda.run.actuals[0]).toEqual({ blockId: 'a', startedAt: at(0), endedAt: at(5) });
      // The next block starts fresh, not paused.
      expect(agenda.run.timer).toEqual({ blockId: 'b', startedAt: at(5), allottedMs: 20 * MIN, pausedAt: null, pausedMs: 0 });
    });

    it.each([
      ['endBlock', { action: 'endBlock' }],
      ['endWorkshop', { action: 'endWorkshop' }],
      ['jump', { action: 'jump', blockId: 'b' }],
      ['previous', { action: 'previous' }],
    ] as [string, AgendaControl][])('closes a pause in progress on %s, too', (_name, control) => {
      const paused = run(agendaOf(2), [
        [0, { action: 'start' }],
        [2, { action: 'pause' }],
      ]);
      const after = controlAgenda(paused, control, at(4));
      expect(after.run.log.slice(2, 4)).toEqual([
        { at: at(4), blockId: 'a', kind: 'resume' },
        { at: at(4), blockId: 'a', kind: 'end' },
      ]);
      expect(after.run.actuals[0]).toEqual({ blockId: 'a', startedAt: at(0), endedAt: at(4) });
    });

    it('never changes the agenda it was given', () => {
      const agenda = frozen(run(agendaOf(3), [[0, { action: 'start' }]]));
      const snapshot = JSON.stringify(agenda);
      for (const control of ALL_ACTIONS) {
        try {
          controlAgenda(agenda, control, at(1));
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
        }
      }
      expect(JSON.stringify(agenda)).toBe(snapshot);
    });
  });
});

describe('agendaView and moderationNotes', () => {
  it('shows everyone the blocks without moderation notes, with the run and the warnings', () => {
    const agenda = run(agendaOf(2), [[0, { action: 'start' }]]);
    const view = agendaView(agenda);
    expect(view).toEqual({
      blocks: [
        { id: 'a', title: 'Block A', type: 'other', plannedMinutes: 10, description: 'about a' },
        { id: 'b', title: 'Block B', type: 'other', plannedMinutes: 20, description: 'about b' },
      ],
      run: agenda.run,
      warningThresholds: agenda.warningThresholds,
    });
    for (const block of view.blocks) expect(Object.keys(block)).not.toContain('moderationNotes');
    expect(JSON.stringify(view)).not.toContain('note a');
    // The stored record keeps its notes.
    expect(agenda.blocks[0]!.moderationNotes).toBe('note a');
  });

  it('maps block ids to their notes, leaving out blocks without notes', () => {
    let agenda = agendaOf(3);
    agenda = updateBlock(agenda, 'b', { moderationNotes: '' });
    expect(moderationNotes(agenda)).toEqual({ a: 'note a', c: 'note c' });
    expect(moderationNotes(emptyAgenda('w1'))).toEqual({});
  });
});
