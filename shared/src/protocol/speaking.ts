import { z } from 'zod';
import type { BlockTimer } from '../agendaClock.js';
import { safeText } from './text.js';

const id = z.string().min(1).max(64);

/** Longest title of a speaking round, characters. */
export const SPEAKING_TITLE_MAX = 120;
/** Most speakers in one round. */
export const SPEAKERS_MAX = 500;

/** How a round's order is made: the order of the people list, random, or the order the facilitator set. */
export const SPEAKING_ORDERS = ['list', 'random', 'custom'] as const;
/** One way to order a round. */
export type SpeakingOrder = (typeof SPEAKING_ORDERS)[number];

/** A raised hand. */
export interface RaisedHand {
  personId: string;
  /** Server ms when the hand went up (the queue's order). */
  at: number;
}

/** One turn of a round as recorded. */
export interface SpeakingTurn {
  personId: string;
  /** Spoken time without pauses, ms; 0 for a skipped turn. */
  spokenMs: number;
  skipped: boolean;
}

/** A round in progress ("Vorstellungsrunde", "Blitzlicht", "Abschlussrunde"). */
export interface SpeakingRound {
  id: string;
  title: string;
  /** The speakers in order. */
  order: string[];
  /** Index into `order` of the person speaking now. */
  position: number;
  /** Time per speaker, ms; null for no limit. */
  speakerMs: number | null;
  /**
   * The current speaker's clock on the server (startTimer/pauseTimer arithmetic of the agenda,
   * `blockId` is the round id); allotted time 0 when there is no limit.
   */
  timer: BlockTimer;
  startedAt: number;
  /** The turns finished so far. */
  turns: SpeakingTurn[];
}

/** A round that ended, for the documentation. */
export interface SpeakingRecord {
  id: string;
  title: string;
  startedAt: number;
  endedAt: number;
  speakerMs: number | null;
  turns: SpeakingTurn[];
}

/** The speaking order of a workshop as everyone sees it. */
export interface SpeakingState {
  /** Raised hands in the order they went up. */
  hands: RaisedHand[];
  /** The person a facilitator called last, until the next call or until all hands are lowered. */
  called: { personId: string; at: number } | null;
  round: SpeakingRound | null;
  /** Rounds held, oldest first. */
  history: SpeakingRecord[];
}

const startRequest = z.object({
  title: safeText(z.string().trim().min(1, 'Please name the round.').max(SPEAKING_TITLE_MAX)),
  order: z.enum(SPEAKING_ORDERS),
  /** The speakers in order, for `custom` (the list and random orders take the people present). */
  personIds: z.array(id).max(SPEAKERS_MAX).optional(),
  /** Seconds per speaker; null for no limit. */
  speakerSeconds: z.number().int().min(5).max(3_600).nullable().default(null),
});
const controlRequest = z.object({ action: z.enum(['next', 'skip', 'back', 'pause', 'resume', 'end']) });
const handRequest = z.object({ raised: z.boolean() });

/** Schemas of the speaking events a client sends. */
export const speakingClientEvents = {
  'speaking:get': z.object({}).optional(),
  'speaking:hand': handRequest,
  'speaking:callNext': z.object({}).optional(),
  'speaking:lowerAll': z.object({}).optional(),
  'speaking:start': startRequest,
  'speaking:control': controlRequest,
};

/** Speaking events a client sends. */
export interface SpeakingClientEvents {
  /** Anyone joined: the hands, the round and the rounds held. */
  'speaking:get': { request: Record<string, never> | undefined; response: { speaking: SpeakingState; serverTime: number } };
  /** Anyone joined: raise or lower one's own hand. */
  'speaking:hand': { request: z.input<typeof handRequest>; response: { raised: boolean } };
  /** Facilitators: call the first hand in the queue (its hand goes down). */
  'speaking:callNext': { request: Record<string, never> | undefined; response: { personId: string | null } };
  /** Facilitators: lower every hand. */
  'speaking:lowerAll': { request: Record<string, never> | undefined; response: { lowered: number } };
  /** Facilitators: start a round over the people present, in the chosen order. */
  'speaking:start': { request: z.input<typeof startRequest>; response: { roundId: string } };
  /** Facilitators: next speaker, skip, back, pause, resume, end the round. */
  'speaking:control': { request: z.input<typeof controlRequest>; response: { speaking: SpeakingState } };
}

/** Speaking events the server sends to everyone in the workshop. */
export interface SpeakingServerEvents {
  'speaking:changed': { speaking: SpeakingState; serverTime: number };
}
