import type { PollAnswer } from '@werkraum/shared/protocol';

/** What this browser remembers of its answer to an anonymous poll (the server cannot tell it). */
export interface StoredBallot {
  ballotToken: string;
  answer: PollAnswer;
}

/** One ballot per person and poll: several people may answer in the same browser. */
const key = (pollId: string, personId: string) => `werkraum:ballot:${pollId}:${personId}`;

/** This browser's ballot for an anonymous poll, if it answered. */
export function loadBallot(pollId: string, personId: string): StoredBallot | null {
  try {
    const raw = localStorage.getItem(key(pollId, personId));
    return raw ? (JSON.parse(raw) as StoredBallot) : null;
  } catch {
    return null;
  }
}

/** Keeps the ballot token so the answer can be changed while the poll is open. */
export function saveBallot(pollId: string, personId: string, ballot: StoredBallot): void {
  localStorage.setItem(key(pollId, personId), JSON.stringify(ballot));
}
