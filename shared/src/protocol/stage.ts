import { z } from 'zod';

const id = z.string().min(1).max(64);

/** What a facilitator can put on everyone's screen. */
export const STAGE_KINDS = ['notes', 'board', 'findings', 'finding'] as const;
/** One kind of stage content. */
export type StageKind = (typeof STAGE_KINDS)[number];

/** One finding as it is shown on the stage. */
export interface StageFinding {
  id: string;
  text: string;
  heading: string;
  priority: boolean;
  roundId: string | null;
  roomId: string | null;
  /** The room's name at the time it is shown; '' for the plenary. */
  roomName: string;
  agreements: number;
}

/** What is on everyone's screen now; `null` when everyone is in their own view. */
export type StageView = {
  /** Server ms when this was put on the stage or stepped. */
  since: number;
  /** Whether participants may agree with the finding shown. */
  reactions: boolean;
} & (
  | { kind: 'notes'; roundId: string | null; roomId: string; roomName: string; html: string }
  | { kind: 'board'; roundId: string | null; roomId: string; roomName: string; svg: string }
  | { kind: 'findings'; roundId: string | null; findings: StageFinding[] }
  | { kind: 'finding'; roundId: string | null; index: number; total: number; finding: StageFinding | null }
);

const showRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('notes'), roundId: id.nullable(), roomId: id }),
  z.object({ kind: z.literal('board'), roundId: id.nullable(), roomId: id }),
  z.object({ kind: z.literal('findings'), roundId: id.nullable() }),
  z.object({ kind: z.literal('finding'), roundId: id.nullable(), index: z.number().int().min(0).max(10_000).default(0) }),
]);
const stepRequest = z.object({ direction: z.enum(['next', 'back']) });
const reactionsRequest = z.object({ allowed: z.boolean() });
const agreeRequest = z.object({ findingId: id, agree: z.boolean() });

/** Schemas of the stage events a client sends. */
export const stageClientEvents = {
  'stage:get': z.object({}).optional(),
  'stage:show': showRequest,
  'stage:step': stepRequest,
  'stage:stop': z.object({}).optional(),
  'stage:reactions': reactionsRequest,
  'stage:agree': agreeRequest,
};

/** Stage events a client sends. */
export interface StageClientEvents {
  /** Anyone joined: what is on the stage now, and which findings this person agreed with. */
  'stage:get': { request: Record<string, never> | undefined; response: { stage: StageView | null; agreed: string[] } };
  /** Facilitators: put a room's notes or board, the findings list or one finding at a time on everyone's screen. */
  'stage:show': { request: z.input<typeof showRequest>; response: { stage: StageView | null } };
  /** Facilitators: one finding forward or back (closing round). */
  'stage:step': { request: z.input<typeof stepRequest>; response: { stage: StageView | null } };
  /** Facilitators: everyone back to their own view. */
  'stage:stop': { request: Record<string, never> | undefined; response: { stage: null } };
  /** Facilitators: allow or stop agreement reactions. */
  'stage:reactions': { request: z.input<typeof reactionsRequest>; response: { stage: StageView | null } };
  /** Anyone joined: agree with the finding on the stage (once per person) or take it back. */
  'stage:agree': { request: z.input<typeof agreeRequest>; response: { agreements: number; agreed: boolean } };
}

/** Stage events the server sends to everyone in the workshop. */
export interface StageServerEvents {
  /** The stage changed (shown, stepped, stopped, new agreement count). */
  'stage:changed': { stage: StageView | null };
}
