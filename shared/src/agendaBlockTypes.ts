/** The kinds of agenda block a workshop is made of; the type decides how a block runs and is documented. */
export const AGENDA_BLOCK_TYPES = [
  'arrival',
  'input',
  'discussion',
  'poll',
  'breakout',
  'break',
  'closing',
  'review',
  'other',
] as const;

/** One kind of agenda block (arrival, input talk, plenary discussion, poll, breakout, break, closing, review of an earlier date, other). */
export type AgendaBlockType = (typeof AGENDA_BLOCK_TYPES)[number];
