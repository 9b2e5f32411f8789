import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';
import './findings.css';

/** For the breakout overview: how many findings a room has proposed, so facilitators see which rooms still need a visit. */
export function RoomFindingCount({ roundId, roomId }: { roundId: string; roomId: string }) {
  const { t } = useTranslation();
  const count = useAppStore((state) => state.findingCounts.find((entry) => entry.roundId === roundId && entry.roomId === roomId));
  const proposals = count?.proposals ?? 0;
  return (
    <p className={`muted room-finding-count${proposals === 0 ? ' findings-none' : ''}`} data-testid="room-finding-count">
      {t('findings.proposedCount', { count: proposals })}
    </p>
  );
}
