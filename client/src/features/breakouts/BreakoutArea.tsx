import { useTranslation } from 'react-i18next';
import { breakoutState } from '@werkraum/shared/breakoutPhase';
import { NotesPanel } from '../notes/NotesPanel.js';
import { useAppStore } from '../../store/index.js';
import { useIsFacilitator } from '../agenda/useAgenda.js';
import { BreakoutOverview } from './BreakoutOverview.js';
import { RoomChooser } from './RoomChooser.js';
import { useLiveRound } from './useBreakouts.js';

/**
 * Breakouts in the plenary view: the moderation sees the running round (or the next prepared one,
 * or the last one) to assign and follow the rooms; participants of a self-select round choose a
 * room, and after a round they can read their room's notes.
 */
export function BreakoutArea({ now }: { now: number }) {
  const { t } = useTranslation();
  const facilitator = useIsFacilitator();
  const live = useLiveRound(now);
  const rounds = useAppStore((state) => state.rounds);
  const timer = useAppStore((state) => state.agenda?.run.timer ?? null);
  const blockOrder = useAppStore((state) => state.agenda?.blocks.map((block) => block.id).join(' ') ?? '');
  const personId = useAppStore((state) => state.session?.personId ?? '');
  const order = blockOrder.split(' ');
  // A round whose block left the agenda never opens: it is not offered anywhere.
  const onAgenda = rounds.filter((round) => order.includes(round.blockId));
  const prepared = onAgenda
    .filter((round) => breakoutState(round, timer, now).phase === 'prepared')
    .sort((a, b) => order.indexOf(a.blockId) - order.indexOf(b.blockId))[0];
  const closed = onAgenda
    .filter((round) => breakoutState(round, timer, now).phase === 'closed')
    .sort((a, b) => order.indexOf(b.blockId) - order.indexOf(a.blockId))[0];
  const round = live?.round ?? prepared ?? closed;
  if (!round) return null;
  if (facilitator) return <BreakoutOverview round={round} now={now} />;
  if (round === closed) {
    // Back in the plenary, a participant can still read what their room wrote.
    const roomId = round.assignments[personId];
    const room = round.rooms.find((candidate) => candidate.id === roomId);
    return room ? <NotesPanel roomId={room.id} heading={t('notes.pastRoom', { room: room.name })} /> : null;
  }
  if (round.assignmentMode === 'selfSelect' && !round.assignments[personId]) return <RoomChooser round={round} />;
  return null;
}
