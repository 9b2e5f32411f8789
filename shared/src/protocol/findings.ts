import { z } from 'zod';
import { safeText } from './text.js';

const id = z.string().min(1).max(64);

/** Longest finding, characters. */
export const FINDING_TEXT_MAX = 500;
/** Longest heading a finding is grouped under, characters. */
export const FINDING_HEADING_MAX = 120;
/** Longest notes passage kept as a finding's source, characters. */
export const FINDING_EXCERPT_MAX = 2_000;
/** Most findings one workshop keeps. */
export const FINDINGS_MAX = 500;

/** Where a finding came from: a room's notes passage, a board card or cluster, or a room member's proposal. */
export const FINDING_SOURCE_KINDS = ['notes', 'card', 'cluster', 'proposal'] as const;
/** One kind of source. */
export type FindingSourceKind = (typeof FINDING_SOURCE_KINDS)[number];

/** One source of a finding; a merged finding keeps the sources of every finding merged into it. */
export interface FindingSource {
  kind: FindingSourceKind;
  /** The breakout round and room the source belongs to (null: the plenary). */
  roundId: string | null;
  roomId: string | null;
  /** The card or cluster id on the room's board; null for notes and proposals. */
  itemId: string | null;
  /** The words of the source: the notes passage, the card text, the cluster title with its cards, the proposal. */
  excerpt: string;
}

/** A finding as the moderation and the people of its room see it. */
export interface Finding {
  id: string;
  text: string;
  /** The heading it is grouped under; '' for none. */
  heading: string;
  /** Marked as a priority by the moderation. */
  priority: boolean;
  /** Position in the workshop's list (0 first); the per-round list keeps the same order. */
  order: number;
  roundId: string | null;
  roomId: string | null;
  sources: FindingSource[];
  /** People who agreed while it was presented. */
  agreements: number;
  createdAt: number;
}

/** A card or cluster of a room's board that can become a finding. */
export interface BoardItemChoice {
  id: string;
  kind: 'card' | 'cluster';
  /** The card text or the cluster title. */
  text: string;
  /** Cluster: how many cards it holds. */
  cards: number;
}

/** How many findings each room proposed, for the overview. */
export interface RoomFindingCount {
  roundId: string;
  roomId: string;
  proposals: number;
  findings: number;
}

const findingText = safeText(z.string().trim().min(1, 'Please write the finding.').max(FINDING_TEXT_MAX), 'multiline');
const findingRef = z.object({ findingId: id });

const proposeRequest = z.object({ roundId: id, roomId: id, text: findingText });
const fromNotesRequest = z.object({
  roundId: id,
  roomId: id,
  excerpt: safeText(z.string().trim().min(1, 'Select a passage of the notes.').max(FINDING_EXCERPT_MAX), 'multiline'),
  /** The wording of the finding; the passage itself (shortened) when absent. */
  text: findingText.optional(),
});
const fromBoardRequest = z.object({ roundId: id, roomId: id, itemId: id });
const updateRequest = z
  .object({
    findingId: id,
    text: findingText.optional(),
    heading: safeText(z.string().trim().max(FINDING_HEADING_MAX)).optional(),
    priority: z.boolean().optional(),
  })
  .refine((v) => v.text !== undefined || v.heading !== undefined || v.priority !== undefined, 'Nothing to change.');
const mergeRequest = z.object({
  /** The finding that stays. */
  findingId: id,
  /** The findings merged into it (their sources and agreements move over). */
  mergeIds: z.array(id).min(1, 'Choose a finding to merge.').max(FINDINGS_MAX),
});
const moveRequest = z.object({
  findingId: id,
  /** The finding it goes in front of; null moves it to the end. */
  beforeId: id.nullable(),
});

/** Schemas of the findings events a client sends. */
export const findingsClientEvents = {
  'findings:list': z.object({}).optional(),
  'findings:propose': proposeRequest,
  'findings:fromNotes': fromNotesRequest,
  'findings:fromBoard': fromBoardRequest,
  'findings:boardItems': z.object({ roundId: id, roomId: id }),
  'findings:update': updateRequest,
  'findings:merge': mergeRequest,
  'findings:move': moveRequest,
  'findings:delete': findingRef,
};

/** Findings events a client sends. */
export interface FindingsClientEvents {
  /**
   * Anyone joined: the findings this person may see, in their order (facilitators: all; participants:
   * those of the rooms they sat in), and per room how many were proposed.
   */
  'findings:list': { request: Record<string, never> | undefined; response: { findings: Finding[]; counts: RoomFindingCount[] } };
  /** Anyone in a breakout room: propose a finding for that room. */
  'findings:propose': { request: z.input<typeof proposeRequest>; response: { findingId: string } };
  /** Facilitators: turn a selected passage of a room's notes into a finding. */
  'findings:fromNotes': { request: z.input<typeof fromNotesRequest>; response: { findingId: string } };
  /** Facilitators: turn a card or a whole cluster of a room's board into a finding (the server reads the words). */
  'findings:fromBoard': { request: z.input<typeof fromBoardRequest>; response: { findingId: string } };
  /** Facilitators: the cards and clusters of a room's board to choose from. */
  'findings:boardItems': { request: { roundId: string; roomId: string }; response: { items: BoardItemChoice[] } };
  /** Facilitators: change wording, heading or priority (only the fields sent). */
  'findings:update': { request: z.input<typeof updateRequest>; response: { findingId: string } };
  /** Facilitators: merge duplicates into one finding that keeps every source. */
  'findings:merge': { request: z.input<typeof mergeRequest>; response: { findingId: string } };
  /** Facilitators: move a finding in front of another one (or to the end). */
  'findings:move': { request: z.input<typeof moveRequest>; response: { findingId: string } };
  /** Facilitators: delete a finding. */
  'findings:delete': { request: z.input<typeof findingRef>; response: { findingId: string } };
}

/** Findings events the server sends. */
export interface FindingsServerEvents {
  /** The findings changed (to everyone in the workshop): read them again with `findings:list`. */
  'findings:changed': { version: number };
}
