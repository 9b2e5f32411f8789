import { breakoutState } from '@werkraum/shared/breakoutPhase';
import { useAppStore } from '../../store/index.js';
import { useIsFacilitator } from '../agenda/useAgenda.js';
import { BreakoutOverview } from './BreakoutOverview.js';
import { RoomChooser } from './RoomChooser.js';
import { useLiveRound } from './useBreakouts.js';

/**
 * Breakouts in the plenary view: the moderation sees the running round (or the next prepared one)
 * to assign and follow the rooms; participants of a self-select round choose a room.
 */
export function BreakoutArea({ now }: { now: number }) {
  const facilitator = useIsFacilitator();
  const live = useLiveRound(now);
  const rounds = useAppStore((state) => state.rounds);
  const timer = useAppStore((state) => state.agenda?.run.timer ?? null);
  const blockOrder = useAppStore((state) => state.agenda?.blocks.map((block) => block.id).join(' ') ?? '');
  const personId = useAppStore((state) => state.session?.personId ?? '');
  const order = blockOrder.split(' ');
  const prepared = rounds
    .filter((round) => breakoutState(round, timer, now).phase === 'prepared')
    .sort((a, b) => order.indexOf(a.blockId) - order.indexOf(b.blockId))[0];
  const round = live?.round ?? prepared;
  if (!round) return null;
  if (facilitator) return <BreakoutOverview round={round} now={now} />;
  if (round.assignmentMode === 'selfSelect' && !round.assignments[personId]) return <RoomChooser round={round} />;
  return null;
}
