import { z } from 'zod';
import { ASSIGNMENT_MODES, type AssignmentMode } from '../choices.js';
import { LIMITS } from '../limits.js';
import { safeText } from './text.js';

const id = z.string().min(1).max(64);

const roomInput = z.object({
  /** Keep the id of an existing room so its members, notes and board stay with it. */
  id: id.optional(),
  name: safeText(z.string().trim().min(1, 'Please name the room.').max(LIMITS.roomNameMax)),
  task: safeText(z.string().max(LIMITS.roomTaskMax), 'multiline').default(''),
  /** A co-moderator who hosts the room (assigned to it, not moved by automatic assignment). */
  hostId: id.nullable().default(null),
});

export { ASSIGNMENT_MODES, type AssignmentMode } from '../choices.js';

export const saveRoundRequest = z.object({
  /** The agenda block (of type breakout) that runs this round. */
  blockId: id,
  rooms: z.array(roomInput).min(1, 'A round needs at least one room.').max(LIMITS.roomsMax),
  assignmentMode: z.enum(ASSIGNMENT_MODES),
  /** Self-select: most people per room; null for no limit. */
  roomCap: z.number().int().min(1).max(500).nullable().default(null),
  /** Seconds between the end of the round and everyone being back in the plenary. */
  graceSeconds: z.number().int().min(0).max(600).default(60),
  /** Headings (one per line) that every room's notes start with. */
  notesTemplate: safeText(z.string().max(LIMITS.roomTaskMax), 'multiline').default(''),
});
/** A round as the moderation prepares it. */
export type SaveRoundRequest = z.output<typeof saveRoundRequest>;

const roundRef = z.object({ roundId: id });
const assignRequest = z.object({ roundId: id, personId: id, roomId: id.nullable() });
const autoAssignRequest = z.object({
  roundId: id,
  mode: z.enum(['random', 'balanced', 'keepGroups']),
  seed: z.number().int().optional(),
});
const closeRequest = z.object({ roundId: id, roomId: id.nullable() });
const broadcastRequest = z.object({
  roundId: id,
  roomId: id.nullable(),
  text: safeText(z.string().trim().min(1, 'Please write a message.').max(LIMITS.broadcastMax), 'multiline'),
});
const resolveHelpRequest = z.object({ roundId: id, requestId: id });
const visitRequest = z.object({ roundId: id, roomId: id.nullable() });

/** A breakout room: a stable id that its notes, board and audio/video room use too. */
export interface BreakoutRoom {
  id: string;
  name: string;
  task: string;
  hostId: string | null;
  /** Server ms when the moderation closed this room early; null while open. */
  closedAt: number | null;
}

/** A message from the moderation to all rooms or one. */
export interface Broadcast {
  id: string;
  at: number;
  fromPersonId: string;
  roomId: string | null;
  text: string;
}

/** Someone in a room asks for a moderator. */
export interface HelpRequest {
  id: string;
  roomId: string;
  personId: string;
  at: number;
  resolvedAt: number | null;
}

/** A breakout round: its rooms, who sits where, and its messages. */
export interface BreakoutRound {
  id: string;
  blockId: string;
  rooms: BreakoutRoom[];
  assignmentMode: AssignmentMode;
  roomCap: number | null;
  graceSeconds: number;
  /** Headings (one per line) that every room's notes start with; '' for empty notes. */
  notesTemplate: string;
  /** personId -> roomId. */
  assignments: Record<string, string>;
  /** Facilitators visiting a room: personId -> roomId. */
  visits: Record<string, string>;
  /** Server ms when the rooms opened (the block started); null while prepared. */
  openedAt: number | null;
  /** Server ms when the round's block ended; returning to the plenary takes graceSeconds more. */
  endedAt: number | null;
  /** Server ms when the moderation closed all rooms at once (everyone back without grace). */
  closedAt: number | null;
  broadcasts: Broadcast[];
  helpRequests: HelpRequest[];
}

/** Schemas of the breakout events a client sends. */
export const breakoutClientEvents = {
  'breakout:get': z.object({}).optional(),
  'breakout:saveRound': saveRoundRequest,
  'breakout:deleteRound': roundRef,
  'breakout:assign': assignRequest,
  'breakout:autoAssign': autoAssignRequest,
  'breakout:close': closeRequest,
  'breakout:broadcast': broadcastRequest,
  'breakout:help': roundRef,
  'breakout:resolveHelp': resolveHelpRequest,
  'breakout:visit': visitRequest,
};

/** Breakout events a client sends. */
export interface BreakoutClientEvents {
  /** Anyone joined: every round of the workshop. */
  'breakout:get': { request: Record<string, never> | undefined; response: { rounds: BreakoutRound[] } };
  /** Facilitators: create or change the round of a breakout block (also while it runs). */
  'breakout:saveRound': { request: z.input<typeof saveRoundRequest>; response: { roundId: string } };
  /** Facilitators: delete a round that has not opened. */
  'breakout:deleteRound': { request: z.input<typeof roundRef>; response: { roundId: string } };
  /** Facilitators: put a person into a room (null: back to the plenary). Participants: choose a room in self-select mode. */
  'breakout:assign': { request: z.input<typeof assignRequest>; response: { roundId: string } };
  /** Facilitators: assign everyone automatically. */
  'breakout:autoAssign': { request: z.input<typeof autoAssignRequest>; response: { roundId: string } };
  /** Facilitators: close one room now, or all (roomId null). */
  'breakout:close': { request: z.input<typeof closeRequest>; response: { roundId: string } };
  /** Facilitators: a message to all rooms (roomId null) or one. */
  'breakout:broadcast': { request: z.input<typeof broadcastRequest>; response: { broadcastId: string } };
  /** Room members: ask for a moderator. */
  'breakout:help': { request: z.input<typeof roundRef>; response: { requestId: string } };
  /** Facilitators: mark a help request as handled. */
  'breakout:resolveHelp': { request: z.input<typeof resolveHelpRequest>; response: { requestId: string } };
  /** Facilitators: go to a room (null: back to the plenary). */
  'breakout:visit': { request: z.input<typeof visitRequest>; response: { roundId: string } };
}

/** Breakout events the server sends. */
export interface BreakoutServerEvents {
  /** The rounds changed (to everyone in the workshop). */
  'breakout:changed': { rounds: BreakoutRound[]; serverTime: number };
}
