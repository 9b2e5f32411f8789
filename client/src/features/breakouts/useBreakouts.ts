import { deadline } from '@werkraum/shared/agendaClock';
import { breakoutState, currentRoomOf, type BreakoutState } from '@werkraum/shared/breakoutPhase';
import type { BreakoutRoom, BreakoutRound, PersonView } from '@werkraum/shared/protocol';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../store/index.js';

/** A round with its phase at a moment. */
export interface LiveRound {
  round: BreakoutRound;
  state: BreakoutState;
}

/**
 * The server times whose second grid the phases of rounds follow (see `useServerNow`): the running
 * block's deadline and the moments running rounds were ended by the moderation; a phase changes at
 * such a moment or whole seconds (the grace) after it.
 */
export function useRoundAnchors(): readonly number[] {
  const key = useAppStore((state) => {
    const timer = state.agenda?.run.timer;
    const anchors = timer ? [deadline(timer)] : [];
    for (const round of state.rounds) {
      if (round.openedAt !== null && round.closedAt === null && round.endedAt !== null) anchors.push(round.endedAt);
    }
    return [...new Set(anchors)].join(' ');
  });
  return key === '' ? [] : key.split(' ').map(Number);
}

/**
 * The round that is open or returning now, with its phase. The server ends a round when the next
 * one starts; should two still overlap (records of earlier versions), the one opened last counts.
 */
export function useLiveRound(now: number): LiveRound | null {
  const rounds = useAppStore((state) => state.rounds);
  const timer = useAppStore((state) => state.agenda?.run.timer ?? null);
  for (const round of [...rounds].sort((a, b) => (b.openedAt ?? 0) - (a.openedAt ?? 0))) {
    const state = breakoutState(round, timer, now);
    if (state.phase === 'open' || state.phase === 'returning') return { round, state };
  }
  return null;
}

/** The room this person is in now (null: the plenary). */
export function useMyRoom(now: number): (LiveRound & { room: BreakoutRoom }) | null {
  const live = useLiveRound(now);
  const personId = useAppStore((state) => state.session?.personId);
  if (!live || !personId) return null;
  const roomId = currentRoomOf(live.round, live.state, personId);
  const room = live.round.rooms.find((candidate) => candidate.id === roomId);
  return room ? { ...live, room } : null;
}

/** The people in a room (assigned, or visiting facilitators), in the order of the people list. */
export function useRoomMembers(round: BreakoutRound, roomId: string): PersonView[] {
  return useAppStore(
    useShallow((state) =>
      state.peopleOrder
        .map((id) => state.peopleById[id]!)
        .filter((person) => round.assignments[person.id] === roomId || round.visits[person.id] === roomId),
    ),
  );
}
