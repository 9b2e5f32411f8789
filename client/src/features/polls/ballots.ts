import type { PollAnswer } from '@werkraum/shared/protocol';

/** What this browser remembers of its answer to an anonymous poll (the server cannot tell it). */
export interface StoredBallot {
  ballotToken: string;
  answer: PollAnswer;
}

const key = (pollId: string) => `werkraum:ballot:${pollId}`;

/** This browser's ballot for an anonymous poll, if it answered. */
export function loadBallot(pollId: string): StoredBallot | null {
  try {
    const raw = localStorage.getItem(key(pollId));
    return raw ? (JSON.parse(raw) as StoredBallot) : null;
  } catch {
    return null;
  }
}

/** Keeps the ballot token so the answer can be changed while the poll is open. */
export function saveBallot(pollId: string, ballot: StoredBallot): void {
  localStorage.setItem(key(pollId), JSON.stringify(ballot));
}
