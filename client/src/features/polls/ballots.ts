import type { PollView } from '@werkraum/shared/protocol';

/**
 * What this browser remembers of its answer to an anonymous poll: only the ballot token, which
 * changing the answer needs, and only while the poll is open and allows changes. The answer itself is
 * not kept, so a shared computer does not show who answered what.
 */
export interface StoredBallot {
  ballotToken: string;
}

/** Where ballots are kept (localStorage in the browser). */
export type BallotStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const PREFIX = 'werkraum:ballot:';
/** One ballot per person and poll: several people may answer in the same browser. */
const key = (pollId: string, personId: string) => `${PREFIX}${pollId}:${personId}`;

const browserStorage = (): BallotStorage | null => (typeof localStorage === 'undefined' ? null : localStorage);

/** This browser's ballot for an anonymous poll, if it answered and may still change the answer. */
export function loadBallot(pollId: string, personId: string, storage = browserStorage()): StoredBallot | null {
  try {
    const raw = storage?.getItem(key(pollId, personId));
    if (!raw) return null;
    const { ballotToken } = JSON.parse(raw) as Partial<StoredBallot>;
    return typeof ballotToken === 'string' ? { ballotToken } : null;
  } catch {
    return null;
  }
}

/** Keeps the ballot token so the answer can be changed while the poll is open (nothing when it cannot change). */
export function saveBallot(view: PollView, personId: string, ballotToken: string, storage = browserStorage()): void {
  if (!view.poll.anonymous || !view.poll.allowChange) return;
  try {
    storage?.setItem(key(view.poll.id, personId), JSON.stringify({ ballotToken } satisfies StoredBallot));
  } catch {
    // Storage full or blocked: the answer counts, it just cannot be changed from this browser.
  }
}

/**
 * Forgets the ballots of polls that are closed (and any stored in an older form with the answer):
 * once a poll is closed, nothing in this browser needs to link a person to it.
 */
export function forgetSettledBallots(views: readonly PollView[], storage = browserStorage()): void {
  if (!storage) return;
  const closed = new Set(views.filter((view) => view.poll.status === 'closed').map((view) => view.poll.id));
  try {
    const keys: string[] = [];
    for (let index = 0; index < storage.length; index += 1) {
      const name = storage.key(index);
      if (name?.startsWith(PREFIX)) keys.push(name);
    }
    for (const name of keys) {
      const pollId = name.slice(PREFIX.length, name.lastIndexOf(':'));
      const raw = storage.getItem(name) ?? '';
      if (closed.has(pollId) || raw.includes('"answer"')) storage.removeItem(name);
    }
  } catch {
    // Blocked storage holds nothing to forget.
  }
}
