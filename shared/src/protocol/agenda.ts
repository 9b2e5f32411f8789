import { z } from 'zod';
import { AGENDA_BLOCK_TYPES, type AgendaBlockType } from '../agendaBlockTypes.js';
import type { BlockActual, BlockTimer, WarningThreshold } from '../agendaClock.js';
import { LIMITS } from '../limits.js';
import { safeText } from './text.js';

const blockId = z.string().min(1).max(64);

/** The editable fields of an agenda block, without defaults (a patch names only what changes). */
const agendaBlockFields = z.object({
  title: safeText(z.string().trim().min(1, 'Please enter a title.').max(LIMITS.blockTitleMax)),
  type: z.enum(AGENDA_BLOCK_TYPES),
  plannedMinutes: z.number().int('Whole minutes, please.').min(1).max(LIMITS.blockMinutesMax),
  description: safeText(z.string().max(LIMITS.blockDescriptionMax), 'multiline'),
  moderationNotes: safeText(z.string().max(LIMITS.blockDescriptionMax), 'multiline'),
});

/** A whole agenda block; description and moderation notes may be left out. */
export const agendaBlockInput = agendaBlockFields.extend({
  description: agendaBlockFields.shape.description.default(''),
  moderationNotes: agendaBlockFields.shape.moderationNotes.default(''),
});
/** A valid agenda block as a client or integrator sends it. */
export type AgendaBlockInput = z.output<typeof agendaBlockInput>;

/** A whole agenda as sent with PUT /api/workshops/:id/agenda (JSON) or `agenda:replace`. */
export const agendaReplaceRequest = z.object({
  blocks: z.array(agendaBlockInput).max(LIMITS.agendaBlocksMax),
  /** When given ("14:00"), the workshop's start moves to this time of day (same date), as a pasted time table says. */
  startTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:MM.')
    .optional(),
});

/** One warning point of the clock: a share of the block's time or an absolute rest. */
export const warningThreshold = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fraction'), remaining: z.number().gt(0).lt(1) }),
  z.object({ kind: z.literal('absolute'), remainingMs: z.number().int().min(1_000).max(3_600_000) }),
]);

/** One action of the moderation on the running agenda. */
export const agendaControl = z.discriminatedUnion('action', [
  /** Starts the workshop with the first block (or the given one). */
  z.object({ action: z.literal('start'), blockId: blockId.optional() }),
  /** Ends the running block and starts the next; after the last block the workshop ends. */
  z.object({ action: z.literal('next') }),
  /** Ends the running block and runs the previous one again. */
  z.object({ action: z.literal('previous') }),
  /** Ends the running block and starts the given one. */
  z.object({ action: z.literal('jump'), blockId }),
  z.object({ action: z.literal('pause') }),
  z.object({ action: z.literal('resume') }),
  /** Adds (or with a negative number takes away) time of the running block. */
  z.object({ action: z.literal('extend'), minutes: z.number().int().min(-600).max(600).refine((n) => n !== 0, 'Not zero.') }),
  /** Sets the running block's remaining time. */
  z.object({ action: z.literal('setRemaining'), seconds: z.number().int().min(0).max(36_000) }),
  /** Ends the running block early without starting the next one. */
  z.object({ action: z.literal('endBlock') }),
  /** Ends the workshop. */
  z.object({ action: z.literal('endWorkshop') }),
]);
/** One control action. */
export type AgendaControl = z.output<typeof agendaControl>;

const addBlockRequest = z.object({ afterBlockId: blockId.nullable().default(null), block: agendaBlockInput });
const updateBlockRequest = z.object({
  blockId,
  patch: agendaBlockFields.partial().refine((patch) => Object.values(patch).some((value) => value !== undefined), 'Nothing to change.'),
});
const blockRequest = z.object({ blockId });
const moveBlockRequest = z.object({ blockId, toIndex: z.number().int().min(0).max(LIMITS.agendaBlocksMax) });
const settingsRequest = z.object({ warningThresholds: z.array(warningThreshold).max(6) });

/** An agenda block as everyone sees it (moderation notes travel separately, to the moderation only). */
export interface AgendaBlockView {
  id: string;
  title: string;
  type: AgendaBlockType;
  plannedMinutes: number;
  description: string;
}

/** A line of the run's record: what the moderation did and when (server ms). */
export interface AgendaLogEntry {
  at: number;
  blockId: string;
  kind: 'start' | 'end' | 'pause' | 'resume' | 'extend' | 'setRemaining';
  /** For extend / setRemaining: the change of the block's allotted time. */
  deltaMs?: number;
}

/** How the agenda is running. `timer` is set while a block runs (also while paused). */
export interface AgendaRun {
  status: 'notStarted' | 'running' | 'ended';
  timer: BlockTimer | null;
  actuals: BlockActual[];
  log: AgendaLogEntry[];
}

/** The agenda as everyone sees it. */
export interface AgendaView {
  blocks: AgendaBlockView[];
  run: AgendaRun;
  warningThresholds: WarningThreshold[];
}

/** What `agenda:get` returns: the agenda, the moderation notes for facilitators, and the server time. */
export interface AgendaSnapshot {
  agenda: AgendaView;
  /** Private moderation notes by block id; only for moderators and co-moderators. */
  moderationNotes: Record<string, string> | null;
  serverTime: number;
}

/** Schemas of the agenda and clock events a client sends. */
export const agendaClientEvents = {
  'clock:ping': z.object({}).optional(),
  'agenda:get': z.object({}).optional(),
  'agenda:addBlock': addBlockRequest,
  'agenda:updateBlock': updateBlockRequest,
  'agenda:duplicateBlock': blockRequest,
  'agenda:deleteBlock': blockRequest,
  'agenda:moveBlock': moveBlockRequest,
  'agenda:replace': agendaReplaceRequest,
  'agenda:updateSettings': settingsRequest,
  'agenda:control': agendaControl,
};

/** Agenda and clock events a client sends. */
export interface AgendaClientEvents {
  /** Anyone: the server's time now, for estimating the clock offset. */
  'clock:ping': { request: Record<string, never> | undefined; response: { serverTime: number } };
  /** Anyone joined: the agenda (with moderation notes for facilitators). */
  'agenda:get': { request: Record<string, never> | undefined; response: AgendaSnapshot };
  /** Facilitators: add a block after another (or at the start with null). */
  'agenda:addBlock': { request: z.input<typeof addBlockRequest>; response: { blockId: string } };
  /** Facilitators: change a block. */
  'agenda:updateBlock': { request: z.input<typeof updateBlockRequest>; response: { blockId: string } };
  /** Facilitators: copy a block right after itself. */
  'agenda:duplicateBlock': { request: z.input<typeof blockRequest>; response: { blockId: string } };
  /** Facilitators: delete a block that is not running. */
  'agenda:deleteBlock': { request: z.input<typeof blockRequest>; response: { blockId: string } };
  /** Facilitators: move a block to a position. */
  'agenda:moveBlock': { request: z.input<typeof moveBlockRequest>; response: { blockId: string } };
  /** Facilitators: replace all blocks (time-table import) before the workshop runs. */
  'agenda:replace': { request: z.input<typeof agendaReplaceRequest>; response: { blocks: number } };
  /** Facilitators: the warning thresholds of the clock. */
  'agenda:updateSettings': { request: z.input<typeof settingsRequest>; response: { ok: true } };
  /** Facilitators: run the agenda (start, next, pause, extend, ...). */
  'agenda:control': { request: z.input<typeof agendaControl>; response: { run: AgendaRun } };
}

/** Agenda events the server sends. */
export interface AgendaServerEvents {
  /** The blocks or settings changed (to everyone in the workshop). */
  'agenda:changed': AgendaView;
  /** The run changed: a block started, paused, got more time... (to everyone). */
  'agenda:run': { run: AgendaRun; serverTime: number };
  /** The moderation notes changed (to facilitators only). */
  'agenda:notes': { moderationNotes: Record<string, string> };
}
