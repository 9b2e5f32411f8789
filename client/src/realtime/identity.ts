import type { Role } from '@werkraum/shared/roles';

/** What this browser remembers about its person in one workshop. */
export interface StoredIdentity {
  personToken: string;
  displayName: string;
  role: Role;
  /** The link secret this identity joined with, so opening the same link again resumes it. */
  linkSecret: string | null;
}

/** Links of a workshop this browser created (secrets exist in clear nowhere else). */
export interface CreatedWorkshop {
  id: string;
  title: string;
  startsAt: string;
  links: { moderator: string; coModerator: string; participant: string };
}

const identityKey = (workshopId: string) => `werkraum:identity:${workshopId}`;
const CREATED_KEY = 'werkraum:created';

function readJson<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

/** The identity this browser holds in a workshop, if any. */
export function loadIdentity(workshopId: string): StoredIdentity | null {
  return readJson<StoredIdentity>(identityKey(workshopId));
}

/** Remembers this browser's identity in a workshop. */
export function saveIdentity(workshopId: string, identity: StoredIdentity): void {
  localStorage.setItem(identityKey(workshopId), JSON.stringify(identity));
}

/** Forgets the identity (removed, or unknown to the server). */
export function forgetIdentity(workshopId: string): void {
  localStorage.removeItem(identityKey(workshopId));
}

/** Workshops created in this browser, newest first. */
export function loadCreatedWorkshops(): CreatedWorkshop[] {
  return readJson<CreatedWorkshop[]>(CREATED_KEY) ?? [];
}

/** Remembers a workshop created in this browser with its links. */
export function saveCreatedWorkshop(workshop: CreatedWorkshop): void {
  const others = loadCreatedWorkshops().filter((w) => w.id !== workshop.id);
  localStorage.setItem(CREATED_KEY, JSON.stringify([workshop, ...others].slice(0, 50)));
}
