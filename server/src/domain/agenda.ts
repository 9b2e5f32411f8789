import {
  DEFAULT_WARNING_THRESHOLDS,
  extendTimer,
  pauseTimer,
  resumeTimer,
  setRemaining,
  startTimer,
  type BlockTimer,
  type WarningThreshold,
} from '@werkraum/shared/agendaClock';
import { withTimeOfDay } from '@werkraum/shared/agendaImport';
import type {
  AgendaBlockInput,
  AgendaControl,
  AgendaLogEntry,
  AgendaRun,
  AgendaSnapshot,
  AgendaView,
} from '@werkraum/shared/protocol';
import { LIMITS } from '@werkraum/shared/limits';
import { isFacilitator } from '@werkraum/shared/roles';
import type { AgendaBlockRecord, AgendaRecord, AgendaStore, WorkshopStore } from '../store/types.js';
import { DomainError } from './errors.js';
import type { Notifier } from './notifier.js';
import type { Actor, PeopleDomain } from './people.js';
import { requireRole } from './people.js';
import { newId } from './secrets.js';
import { updateVersioned } from './versioned.js';
import { requireWorkshop, workshopInfo } from './workshops.js';

const MINUTE = 60_000;

/** A fresh agenda: no blocks, not started, default warnings. */
export function emptyAgenda(workshopId: string): AgendaRecord {
  return {
    workshopId,
    version: 0,
    blocks: [],
    run: { status: 'notStarted', timer: null, actuals: [], log: [] },
    warningThresholds: [...DEFAULT_WARNING_THRESHOLDS],
  };
}

function indexOf(agenda: AgendaRecord, blockId: string): number {
  const index = agenda.blocks.findIndex((block) => block.id === blockId);
  if (index < 0) throw new DomainError('invalid_state', 'This block is not on the agenda.', 'blockId');
  return index;
}

function toRecord(id: string, input: AgendaBlockInput): AgendaBlockRecord {
  return {
    id,
    title: input.title,
    type: input.type,
    plannedMinutes: input.plannedMinutes,
    description: input.description,
    moderationNotes: input.moderationNotes,
  };
}

function withBlocks(agenda: AgendaRecord, blocks: AgendaBlockRecord[]): AgendaRecord {
  return { ...agenda, blocks };
}

function requireRoom(agenda: AgendaRecord): void {
  if (agenda.blocks.length >= LIMITS.agendaBlocksMax) {
    throw new DomainError('invalid_state', `An agenda has at most ${LIMITS.agendaBlocksMax} blocks.`);
  }
}

/** Adds a block after `afterBlockId` (or first with null). */
export function addBlock(agenda: AgendaRecord, afterBlockId: string | null, input: AgendaBlockInput, id: string): AgendaRecord {
  requireRoom(agenda);
  const at = afterBlockId === null ? 0 : indexOf(agenda, afterBlockId) + 1;
  const blocks = [...agenda.blocks];
  blocks.splice(at, 0, toRecord(id, input));
  return withBlocks(agenda, blocks);
}

/** Changes fields of a block. */
export function updateBlock(agenda: AgendaRecord, blockId: string, patch: Partial<AgendaBlockInput>): AgendaRecord {
  const index = indexOf(agenda, blockId);
  const blocks = [...agenda.blocks];
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  blocks[index] = { ...blocks[index]!, ...defined };
  return withBlocks(agenda, blocks);
}

/** Copies a block to right after itself. */
export function duplicateBlock(agenda: AgendaRecord, blockId: string, id: string): AgendaRecord {
  requireRoom(agenda);
  const index = indexOf(agenda, blockId);
  const blocks = [...agenda.blocks];
  blocks.splice(index + 1, 0, { ...blocks[index]!, id });
  return withBlocks(agenda, blocks);
}

/** Deletes a block; a block that is running or has run stays (its times belong to the documentation). */
export function deleteBlock(agenda: AgendaRecord, blockId: string): AgendaRecord {
  indexOf(agenda, blockId);
  if (agenda.run.timer?.blockId === blockId) throw new DomainError('invalid_state', 'The running block cannot be deleted.');
  if (agenda.run.actuals.some((actual) => actual.blockId === blockId)) {
    throw new DomainError('invalid_state', 'A block that has run stays on the agenda for the documentation.');
  }
  return withBlocks(
    agenda,
    agenda.blocks.filter((block) => block.id !== blockId),
  );
}

/** Moves a block to a position (clamped to the list). */
export function moveBlock(agenda: AgendaRecord, blockId: string, toIndex: number): AgendaRecord {
  const from = indexOf(agenda, blockId);
  const blocks = [...agenda.blocks];
  const [block] = blocks.splice(from, 1);
  blocks.splice(Math.min(toIndex, blocks.length), 0, block!);
  return withBlocks(agenda, blocks);
}

/** Replaces every block (time-table import); refused once the workshop runs. */
export function replaceBlocks(agenda: AgendaRecord, inputs: AgendaBlockInput[], newBlockId: () => string): AgendaRecord {
  if (agenda.run.status !== 'notStarted') {
    // After the start the run's record (actual times, pauses) belongs to the documentation.
    throw new DomainError('invalid_state', 'The agenda can be replaced only before the workshop starts.');
  }
  return {
    ...withBlocks(
      agenda,
      inputs.map((input) => toRecord(newBlockId(), input)),
    ),
    run: { status: 'notStarted', timer: null, actuals: [], log: [] },
  };
}

function log(run: AgendaRun, entry: AgendaLogEntry): AgendaLogEntry[] {
  return [...run.log, entry];
}

/** Ends the running block (if any) at `now`. */
function endRunning(run: AgendaRun, now: number): AgendaRun {
  const timer = run.timer;
  if (!timer) return run;
  // A pause in progress ends with the block: resume first so the record holds the pause.
  const settled = timer.pausedAt === null ? run : { ...run, log: log(run, { at: now, blockId: timer.blockId, kind: 'resume' }) };
  const actuals = settled.actuals.map((actual, index) =>
    index === settled.actuals.length - 1 && actual.blockId === timer.blockId && actual.endedAt === null ? { ...actual, endedAt: now } : actual,
  );
  return { ...settled, timer: null, actuals, log: log(settled, { at: now, blockId: timer.blockId, kind: 'end' }) };
}

function startBlock(agenda: AgendaRecord, run: AgendaRun, index: number, now: number): AgendaRun {
  const block = agenda.blocks[index];
  if (!block) throw new DomainError('invalid_state', 'There is no such block on the agenda.');
  const timer: BlockTimer = startTimer(block.id, block.plannedMinutes * MINUTE, now);
  return {
    status: 'running',
    timer,
    actuals: [...run.actuals, { blockId: block.id, startedAt: now, endedAt: null }],
    log: log(run, { at: now, blockId: block.id, kind: 'start' }),
  };
}

/** The block the run is at: the running one, else the one that ran last (blocks that ran cannot be deleted). */
function currentIndex(agenda: AgendaRecord): number {
  const blockId = agenda.run.timer?.blockId ?? agenda.run.actuals.at(-1)?.blockId;
  return blockId === undefined ? -1 : agenda.blocks.findIndex((block) => block.id === blockId);
}

function requireTimer(run: AgendaRun): BlockTimer {
  if (!run.timer) throw new DomainError('invalid_state', 'No block is running.');
  return run.timer;
}

/**
 * Applies one moderation action to the run at server time `now`. Every change is logged, so
 * actual times, pauses and extensions can be documented later.
 */
export function controlAgenda(agenda: AgendaRecord, control: AgendaControl, now: number): AgendaRecord {
  const run = agenda.run;
  const next = (value: AgendaRun): AgendaRecord => ({ ...agenda, run: value });
  if (agenda.blocks.length === 0) throw new DomainError('invalid_state', 'The agenda has no blocks yet.');
  switch (control.action) {
    case 'start': {
      if (run.status === 'running') throw new DomainError('invalid_state', 'The workshop is already running.');
      const index = control.blockId === undefined ? 0 : indexOf(agenda, control.blockId);
      return next(startBlock(agenda, run, index, now));
    }
    case 'next': {
      if (run.status !== 'running') throw new DomainError('invalid_state', 'The workshop is not running.');
      const index = currentIndex(agenda) + 1;
      const ended = endRunning(run, now);
      return next(index < agenda.blocks.length ? startBlock(agenda, ended, index, now) : { ...ended, status: 'ended' });
    }
    case 'previous': {
      if (run.status === 'notStarted') throw new DomainError('invalid_state', 'The workshop has not started.');
      const index = Math.max(0, currentIndex(agenda) - 1);
      return next(startBlock(agenda, endRunning(run, now), index, now));
    }
    case 'jump':
      return next(startBlock(agenda, endRunning(run, now), indexOf(agenda, control.blockId), now));
    case 'pause': {
      const timer = requireTimer(run);
      if (timer.pausedAt !== null) return agenda;
      return next({ ...run, timer: pauseTimer(timer, now), log: log(run, { at: now, blockId: timer.blockId, kind: 'pause' }) });
    }
    case 'resume': {
      const timer = requireTimer(run);
      if (timer.pausedAt === null) return agenda;
      return next({ ...run, timer: resumeTimer(timer, now), log: log(run, { at: now, blockId: timer.blockId, kind: 'resume' }) });
    }
    case 'extend': {
      const timer = requireTimer(run);
      const changed = extendTimer(timer, control.minutes * MINUTE, now);
      const deltaMs = changed.allottedMs - timer.allottedMs;
      return next({ ...run, timer: changed, log: log(run, { at: now, blockId: timer.blockId, kind: 'extend', deltaMs }) });
    }
    case 'setRemaining': {
      const timer = requireTimer(run);
      const changed = setRemaining(timer, control.seconds * 1000, now);
      const deltaMs = changed.allottedMs - timer.allottedMs;
      return next({ ...run, timer: changed, log: log(run, { at: now, blockId: timer.blockId, kind: 'setRemaining', deltaMs }) });
    }
    case 'endBlock':
      requireTimer(run);
      return next(endRunning(run, now));
    case 'endWorkshop':
      if (run.status !== 'running') throw new DomainError('invalid_state', 'The workshop is not running.');
      return next({ ...endRunning(run, now), status: 'ended' });
  }
}

/** The agenda as everyone sees it: without moderation notes. */
export function agendaView(agenda: AgendaRecord): AgendaView {
  return {
    blocks: agenda.blocks.map(({ moderationNotes: _notes, ...block }) => block),
    run: agenda.run,
    warningThresholds: agenda.warningThresholds,
  };
}

/** The moderation notes by block id. */
export function moderationNotes(agenda: AgendaRecord): Record<string, string> {
  return Object.fromEntries(agenda.blocks.filter((block) => block.moderationNotes).map((block) => [block.id, block.moderationNotes]));
}

/** Dependencies of the agenda domain. */
export interface AgendaDeps {
  store: AgendaStore & WorkshopStore;
  notifier: Notifier;
  people: PeopleDomain;
  /** Server time in ms: the one clock every client shows. */
  clock: () => number;
  /** Called after the run changed (a block started or ended), for rounds that follow the agenda. */
  onRunChanged?: (workshopId: string, before: AgendaRun, after: AgendaRun) => Promise<void>;
}

/** What an agenda change touched, to tell the right people. */
type Change = 'blocks' | 'run' | 'settings';

/**
 * The agenda of a workshop: editing by the moderation, running it along one server clock, and
 * telling every client. Changes are read-modify-write with a version check, retried on conflict.
 */
export class AgendaDomain {
  constructor(private readonly deps: AgendaDeps) {}

  /** The agenda for a joined person; moderation notes only for facilitators. */
  async snapshot(actor: Actor): Promise<AgendaSnapshot> {
    const person = await this.deps.people.current(actor);
    const agenda = await this.load(actor.workshopId);
    return {
      agenda: agendaView(agenda),
      moderationNotes: isFacilitator(person.role) ? moderationNotes(agenda) : null,
      serverTime: this.deps.clock(),
    };
  }

  /** The stored agenda (or an empty one) of a workshop. */
  async load(workshopId: string): Promise<AgendaRecord> {
    return (await this.deps.store.getAgenda(workshopId)) ?? emptyAgenda(workshopId);
  }

  /** Facilitators: add a block. */
  async addBlock(actor: Actor, input: { afterBlockId: string | null; block: AgendaBlockInput }): Promise<{ blockId: string }> {
    const id = newId();
    await this.change(actor, 'blocks', (agenda) => addBlock(agenda, input.afterBlockId, input.block, id));
    return { blockId: id };
  }

  /** Facilitators: change a block. */
  async updateBlock(actor: Actor, input: { blockId: string; patch: Partial<AgendaBlockInput> }): Promise<{ blockId: string }> {
    await this.change(actor, 'blocks', (agenda) => updateBlock(agenda, input.blockId, input.patch));
    return { blockId: input.blockId };
  }

  /** Facilitators: duplicate a block. */
  async duplicateBlock(actor: Actor, input: { blockId: string }): Promise<{ blockId: string }> {
    const id = newId();
    await this.change(actor, 'blocks', (agenda) => duplicateBlock(agenda, input.blockId, id));
    return { blockId: id };
  }

  /** Facilitators: delete a block. */
  async deleteBlock(actor: Actor, input: { blockId: string }): Promise<{ blockId: string }> {
    await this.change(actor, 'blocks', (agenda) => deleteBlock(agenda, input.blockId));
    return { blockId: input.blockId };
  }

  /** Facilitators: move a block. */
  async moveBlock(actor: Actor, input: { blockId: string; toIndex: number }): Promise<{ blockId: string }> {
    await this.change(actor, 'blocks', (agenda) => moveBlock(agenda, input.blockId, input.toIndex));
    return { blockId: input.blockId };
  }

  /** Facilitators (or a moderation key over HTTP): replace every block, optionally moving the start time. */
  async replace(actor: Actor | { workshopId: string; viaKey: true }, input: { blocks: AgendaBlockInput[]; startTime?: string | undefined }) {
    const record = await this.change(actor, 'blocks', (agenda) => replaceBlocks(agenda, input.blocks, newId));
    if (input.startTime) {
      const workshop = await requireWorkshop(this.deps.store, actor.workshopId);
      const startsAt = withTimeOfDay(workshop.startsAt, input.startTime, workshop.timeZone);
      if (startsAt !== workshop.startsAt) {
        await this.deps.store.updateWorkshopStart(workshop.id, startsAt);
        this.deps.notifier.toWorkshop(workshop.id, 'workshop:updated', workshopInfo({ ...workshop, startsAt }));
      }
    }
    return record;
  }

  /** Facilitators: warning thresholds of the clock. */
  async updateSettings(actor: Actor, input: { warningThresholds: WarningThreshold[] }): Promise<{ ok: true }> {
    await this.change(actor, 'settings', (agenda) => ({ ...agenda, warningThresholds: input.warningThresholds }));
    return { ok: true };
  }

  /** Facilitators: run the agenda. */
  async control(actor: Actor, control: AgendaControl): Promise<{ run: AgendaRun }> {
    const record = await this.change(actor, 'run', (agenda) => controlAgenda(agenda, control, this.deps.clock()));
    return { run: record.run };
  }

  private async change(
    actor: Actor | { workshopId: string; viaKey: true },
    what: Change,
    apply: (agenda: AgendaRecord) => AgendaRecord,
  ): Promise<AgendaRecord> {
    if (!('viaKey' in actor)) requireRole(await this.deps.people.current(actor), ['moderator', 'coModerator'], 'change the agenda');
    await requireWorkshop(this.deps.store, actor.workshopId);
    // The version the change was applied to (the last attempt's), to tell what the change did.
    let before: AgendaRecord | undefined;
    const { record, changed } = await updateVersioned(
      `agenda:${actor.workshopId}`,
      () => this.load(actor.workshopId),
      (next) => this.deps.store.saveAgenda(next),
      (current) => {
        before = current;
        return apply(current);
      },
    );
    if (changed) {
      this.announce(record, what);
      if (what === 'run' && before) await this.deps.onRunChanged?.(record.workshopId, before.run, record.run);
    }
    return record;
  }

  private announce(record: AgendaRecord, what: Change): void {
    const { notifier } = this.deps;
    if (what === 'run') {
      notifier.toWorkshop(record.workshopId, 'agenda:run', { run: record.run, serverTime: this.deps.clock() });
      return;
    }
    notifier.toWorkshop(record.workshopId, 'agenda:changed', agendaView(record));
    if (what === 'blocks') notifier.toFacilitators(record.workshopId, 'agenda:notes', { moderationNotes: moderationNotes(record) });
  }
}
