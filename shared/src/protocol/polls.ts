import { z } from 'zod';
import { POLL_TYPES, RESULTS_VISIBILITY, type PollType, type ResultsVisibility } from '../choices.js';
import { LIMITS } from '../limits.js';
import { safeText } from './text.js';

const id = z.string().min(1).max(64);

export { POLL_TYPES, RESULTS_VISIBILITY, YES_NO_OPTIONS, type PollType, type ResultsVisibility } from '../choices.js';

const option = z.object({ id: id.optional(), label: safeText(z.string().trim().min(1, 'Options need a text.').max(LIMITS.pollOptionMax)) });

/** The fields of a poll definition, before the checks across fields (`checkPoll`). */
export const pollFields = z.object({
  blockId: id.nullable().default(null),
  question: safeText(z.string().trim().min(1, 'Please enter a question.').max(LIMITS.pollQuestionMax), 'multiline'),
  type: z.enum(POLL_TYPES),
  options: z.array(option).max(LIMITS.pollOptionsMax).default([]),
  /** Multiple choice: most options a person may tick. */
  maxChoices: z.number().int().min(1).max(LIMITS.pollOptionsMax).nullable().default(null),
  scale: z
    .object({
      min: z.number().int().min(0).max(1),
      max: z.number().int().min(2).max(10),
      minLabel: safeText(z.string().max(LIMITS.pollOptionMax)).default(''),
      maxLabel: safeText(z.string().max(LIMITS.pollOptionMax)).default(''),
    })
    .nullable()
    .default(null),
  anonymous: z.boolean().default(true),
  resultsVisibility: z.enum(RESULTS_VISIBILITY).default('live'),
  allowChange: z.boolean().default(true),
});

/** The checks across a poll's fields: enough options, distinct option ids, a range for scales. */
export function checkPoll(
  poll: { type: PollType; options: { id?: string | undefined }[]; maxChoices: number | null; scale: unknown },
  context: z.RefinementCtx,
): void {
  if ((poll.type === 'single' || poll.type === 'multiple') && poll.options.length < 2) {
    context.addIssue({ code: 'custom', path: ['options'], message: 'A choice poll needs at least two options.' });
  }
  const seen = new Set<string>();
  poll.options.forEach((option, index) => {
    if (option.id === undefined) return;
    if (seen.has(option.id)) context.addIssue({ code: 'custom', path: ['options', index, 'id'], message: 'Each option needs its own id.' });
    seen.add(option.id);
  });
  if (poll.type === 'multiple' && poll.maxChoices !== null && poll.maxChoices > poll.options.length) {
    context.addIssue({ code: 'custom', path: ['maxChoices'], message: 'A person cannot choose more options than the poll has.' });
  }
  if (poll.type === 'scale' && !poll.scale) {
    context.addIssue({ code: 'custom', path: ['scale'], message: 'A rating scale needs its range.' });
  }
}

/** A poll as the moderation prepares it. */
export const pollInput = pollFields.superRefine(checkPoll);
/** A valid poll definition. */
export type PollInput = z.output<typeof pollInput>;

/** One person's answer: the chosen options, a value on the scale, or a short text. */
export const pollAnswer = z.union([
  z.object({ optionIds: z.array(id).min(1, 'Please choose an option.').max(LIMITS.pollOptionsMax) }),
  z.object({ value: z.number().int().min(0).max(10) }),
  z.object({ text: safeText(z.string().trim().min(1, 'Please write an answer.').max(LIMITS.pollTextAnswerMax), 'multiline') }),
]);
/** One person's answer. */
export type PollAnswer = z.output<typeof pollAnswer>;

/** A poll with its state. */
export interface Poll {
  id: string;
  blockId: string | null;
  question: string;
  type: PollType;
  options: { id: string; label: string }[];
  maxChoices: number | null;
  scale: { min: number; max: number; minLabel: string; maxLabel: string } | null;
  anonymous: boolean;
  resultsVisibility: ResultsVisibility;
  allowChange: boolean;
  status: 'draft' | 'open' | 'closed';
  /** The moderation showed the results to everyone. */
  published: boolean;
  openedAt: number | null;
  closedAt: number | null;
}

/** Counted results of a poll. */
export interface PollResults {
  pollId: string;
  /** People who answered. */
  participants: number;
  /** Choice polls: votes per option id (and per yes/no/abstain); scale: votes per value as a string. */
  counts: Record<string, number>;
  /** Scale: the mean value; null without answers. */
  mean: number | null;
  /** Open text: every answer. */
  texts: string[];
  /** Open text: words with how often they occur (for a word cloud), most frequent first. */
  words: { word: string; count: number }[];
  /** Named polls, for the moderation: who answered what (option ids, value or text per person). */
  byPerson: Record<string, PollAnswer> | null;
}

/** A poll as one person sees it: results only where that person may see them, and whether they answered. */
export interface PollView {
  poll: Poll;
  results: PollResults | null;
  answered: boolean;
  /** This person's answer, for named polls (anonymous answers are not linked to anyone). */
  myAnswer: PollAnswer | null;
}

const pollRef = z.object({ pollId: id });

/** Schemas of the poll events a client sends. */
export const pollClientEvents = {
  'poll:list': z.object({}).optional(),
  'poll:create': pollInput,
  'poll:update': z.object({ pollId: id, poll: pollInput }),
  'poll:delete': pollRef,
  'poll:open': pollRef,
  'poll:close': pollRef,
  'poll:publish': z.object({ pollId: id, published: z.boolean() }),
  'poll:answer': z.object({ pollId: id, answer: pollAnswer, ballotToken: z.string().min(16).max(200).optional() }),
};

/** Poll events a client sends. */
export interface PollClientEvents {
  /** Anyone joined: every poll as this person may see it. */
  'poll:list': { request: Record<string, never> | undefined; response: { polls: PollView[] } };
  /** Facilitators: prepare a poll (optionally attached to an agenda block). */
  'poll:create': { request: z.input<typeof pollInput>; response: { pollId: string } };
  /** Facilitators: change a poll that has not been opened. */
  'poll:update': { request: { pollId: string; poll: z.input<typeof pollInput> }; response: { pollId: string } };
  /** Facilitators: delete a poll that never opened. */
  'poll:delete': { request: z.input<typeof pollRef>; response: { pollId: string } };
  /** Facilitators: open (launch or reopen) a poll. */
  'poll:open': { request: z.input<typeof pollRef>; response: { pollId: string } };
  /** Facilitators: close a poll; no more answers. */
  'poll:close': { request: z.input<typeof pollRef>; response: { pollId: string } };
  /** Facilitators: show the results to everyone (or hide them again). */
  'poll:publish': { request: { pollId: string; published: boolean }; response: { pollId: string } };
  /**
   * Anyone joined: answer an open poll. For anonymous polls the answer is stored without any link
   * to the person; changing it needs the ballot token the first answer returned.
   */
  'poll:answer': {
    request: { pollId: string; answer: z.input<typeof pollAnswer>; ballotToken?: string };
    response: { pollId: string; ballotToken: string | null };
  };
}

/** Poll events the server sends. */
export interface PollServerEvents {
  /** A poll was created, changed, opened, closed or published: re-read the polls. */
  'poll:changed': { pollId: string };
  /** New results (sent only to people who may see them). */
  'poll:results': PollResults;
  /** How many people answered, for people who may not see the results yet. */
  'poll:participation': { pollId: string; participants: number };
}
