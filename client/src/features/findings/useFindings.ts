import { useAppStore } from '../../store/index.js';
import type { BreakoutRound } from '@werkraum/shared/protocol';

/** The name of a room of a round ('' when unknown or the plenary). */
export function roomName(rounds: readonly BreakoutRound[], roundId: string | null, roomId: string | null): string {
  return rounds.find((round) => round.id === roundId)?.rooms.find((room) => room.id === roomId)?.name ?? '';
}

/** The title of the agenda block a round belongs to. */
export function useRoundTitle(): (roundId: string | null) => string {
  const rounds = useAppStore((state) => state.rounds);
  const blocks = useAppStore((state) => state.agenda?.blocks);
  return (roundId) => {
    const round = rounds.find((candidate) => candidate.id === roundId);
    return (round && blocks?.find((block) => block.id === round.blockId)?.title) ?? '';
  };
}
