/** The roles a person can hold in a workshop, most powerful first. */
export const ROLES = ['moderator', 'coModerator', 'participant'] as const;

/** A person's role in one workshop. */
export type Role = (typeof ROLES)[number];

/** Whether the role runs the workshop (moderator or co-moderator). */
export function isFacilitator(role: Role): boolean {
  return role === 'moderator' || role === 'coModerator';
}

/** The languages the UI and a workshop's documentation come in. */
export const LANGUAGES = ['de', 'en'] as const;

/** A UI / workshop language. */
export type Language = (typeof LANGUAGES)[number];

/** How a person's connection looks to everyone else. */
export const CONNECTION_STATES = ['online', 'reconnecting', 'left'] as const;

/** A person's connection state. */
export type ConnectionState = (typeof CONNECTION_STATES)[number];
