import { deadline, type BlockTimer } from './agendaClock.js';
import type { BreakoutRound } from './protocol/breakouts.js';

/** Where a breakout round stands at a moment. */
export type BreakoutPhase = 'prepared' | 'open' | 'returning' | 'closed';

/** A round's phase and, once it is ending, when everyone is back in the plenary. */
export interface BreakoutState {
  phase: BreakoutPhase;
  /** Server ms when the round ends (time up or ended by the moderation); null while it runs open-ended. */
  endsAt: number | null;
  /** Server ms when everyone is back in the plenary: endsAt + grace. */
  returnAt: number | null;
}

/**
 * The phase of a round at server time `now`, derived from its own record and the running block's
 * timer, so server and clients agree without the server sending ticks: rooms open when the block
 * starts; when the block's time is up (or the moderation ends it) a grace period begins, after
 * which everyone is back in the plenary. Extending the block moves the end; pausing holds it.
 */
export function breakoutState(round: BreakoutRound, timer: BlockTimer | null, now: number): BreakoutState {
  if (round.openedAt === null) return { phase: 'prepared', endsAt: null, returnAt: null };
  if (round.closedAt !== null && now >= round.closedAt) return { phase: 'closed', endsAt: round.closedAt, returnAt: round.closedAt };
  const graceMs = round.graceSeconds * 1000;
  let endsAt = round.endedAt;
  if (endsAt === null && timer && timer.blockId === round.blockId) {
    // A pause holds the end, unless the time was already up when the pause began.
    if (timer.pausedAt === null || timer.pausedAt >= deadline(timer)) endsAt = deadline(timer);
  }
  if (endsAt === null) return { phase: 'open', endsAt: null, returnAt: null };
  const returnAt = endsAt + graceMs;
  if (now < endsAt) return { phase: 'open', endsAt, returnAt };
  return { phase: now < returnAt ? 'returning' : 'closed', endsAt, returnAt };
}

/**
 * The room a person is in at `now`: their assigned (or, for facilitators, visited) room while the
 * round is open or returning and that room is not closed; null means the plenary.
 */
export function currentRoomOf(round: BreakoutRound, state: BreakoutState, personId: string): string | null {
  if (state.phase !== 'open' && state.phase !== 'returning') return null;
  const roomId = round.visits[personId] ?? round.assignments[personId];
  if (!roomId) return null;
  const room = round.rooms.find((candidate) => candidate.id === roomId);
  return room && room.closedAt === null ? room.id : null;
}
