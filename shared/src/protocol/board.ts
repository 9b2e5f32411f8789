import { z } from 'zod';

const roomId = z.string().min(1).max(64);
const itemId = z.string().min(1).max(64);
const roomRequest = z.object({ roomId });

/** What dot votes go on. */
export const VOTE_TARGETS = ['cards', 'clusters'] as const;

/** The state of a room's board that the server decides (not part of the shared document). */
export interface BoardState {
  roomId: string;
  /** New cards of participants stay in their private drafts until the moderation reveals them. */
  privateWriting: boolean;
  voting: {
    status: 'none' | 'open' | 'closed';
    dotsPerPerson: number;
    target: (typeof VOTE_TARGETS)[number];
    /** Whether everyone sees the counts (the moderation always does). */
    revealed: boolean;
    /** This person's dots (an item may hold several). */
    myVotes: string[];
    /** Dots per item id, where this person may see them; null while hidden. */
    counts: Record<string, number> | null;
    /** How many people have placed at least one dot. */
    voters: number;
  };
}

/** Schemas of the board events a client sends. */
export const boardClientEvents = {
  'board:token': z.object({ roomId, drafts: z.boolean().default(false) }),
  'board:state': roomRequest,
  'board:setPrivateWriting': z.object({ roomId, on: z.boolean() }),
  'board:reveal': roomRequest,
  'board:startVoting': z.object({ roomId, dotsPerPerson: z.number().int().min(1).max(20), target: z.enum(VOTE_TARGETS) }),
  'board:vote': z.object({ roomId, itemId }),
  'board:unvote': z.object({ roomId, itemId }),
  'board:endVoting': roomRequest,
  'board:revealVotes': z.object({ roomId, revealed: z.boolean() }),
  'board:preview': roomRequest,
};

/** Board events a client sends. */
export interface BoardClientEvents {
  /** A token for the room's board (or, with drafts, for this person's private cards of that board). */
  'board:token': { request: { roomId: string; drafts?: boolean }; response: { docName: string; token: string; mode: 'edit' | 'read' } };
  /** The board's server-side state for this person. */
  'board:state': { request: z.input<typeof roomRequest>; response: BoardState };
  /** Facilitators: private writing (Metaplan card query) on or off. */
  'board:setPrivateWriting': { request: { roomId: string; on: boolean }; response: BoardState };
  /** Facilitators: move everyone's private cards onto the board. */
  'board:reveal': { request: z.input<typeof roomRequest>; response: { revealed: number } };
  /** Facilitators: start dot voting with N dots per person. */
  'board:startVoting': { request: { roomId: string; dotsPerPerson: number; target: 'cards' | 'clusters' }; response: BoardState };
  /** Room members: put a dot on a card or cluster (refused past the limit). */
  'board:vote': { request: { roomId: string; itemId: string }; response: BoardState };
  /** Room members: take one of their dots back. */
  'board:unvote': { request: { roomId: string; itemId: string }; response: BoardState };
  /** Facilitators: end the voting (no more dots). */
  'board:endVoting': { request: z.input<typeof roomRequest>; response: BoardState };
  /** Facilitators: show the counts to everyone (or hide them again). */
  'board:revealVotes': { request: { roomId: string; revealed: boolean }; response: BoardState };
  /** Facilitators: the board as SVG, for the rooms overview. */
  'board:preview': { request: z.input<typeof roomRequest>; response: { svg: string } };
}

/** Board events the server sends. */
export interface BoardServerEvents {
  /** A room's board state changed (voting, private writing): re-read it with 'board:state'. */
  'board:changed': { roomId: string };
}
