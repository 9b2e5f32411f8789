/**
 * Fixed sets of choices that the UI offers and the protocol checks. Kept apart from the zod
 * schemas so the browser can use them without loading zod.
 */

/** How people get into breakout rooms. */
export const ASSIGNMENT_MODES = ['random', 'manual', 'selfSelect', 'keepGroups'] as const;
/** One assignment mode. */
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

/** The kinds of poll. */
export const POLL_TYPES = ['single', 'multiple', 'scale', 'text', 'yesNo'] as const;
/** One kind of poll. */
export type PollType = (typeof POLL_TYPES)[number];

/** Who sees a poll's results while it runs. */
export const RESULTS_VISIBILITY = ['live', 'afterClose', 'moderators'] as const;
/** One visibility setting. */
export type ResultsVisibility = (typeof RESULTS_VISIBILITY)[number];

/** The fixed options of a yes/no/abstain poll. */
export const YES_NO_OPTIONS = ['yes', 'no', 'abstain'] as const;
