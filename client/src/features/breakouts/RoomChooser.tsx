import { useTranslation } from 'react-i18next';
import { canChooseRoom, roomSizes } from '@werkraum/shared/breakoutAssignment';
import type { BreakoutRound } from '@werkraum/shared/protocol';
import { useAppStore } from '../../store/index.js';
import { useAgendaAction } from '../agenda/useAgenda.js';
import { FormError } from '../../ui/FormError.js';

/** In a round where participants choose, the rooms with their tasks and free places. */
export function RoomChooser({ round }: { round: BreakoutRound }) {
  const { t } = useTranslation();
  const personId = useAppStore((state) => state.session?.personId ?? '');
  const { send, error } = useAgendaAction();
  const rooms = round.rooms.filter((room) => room.closedAt === null);
  const sizes = roomSizes(rooms.map((room) => ({ id: room.id })), round.assignments);
  return (
    <section className="card" aria-labelledby="choose-room-heading">
      <h2 id="choose-room-heading">{t('breakouts.chooseRoom')}</h2>
      <ul className="plain-list room-choices">
        {rooms.map((room) => {
          const mine = round.assignments[personId] === room.id;
          const fits = canChooseRoom({ id: room.id, cap: round.roomCap }, round.assignments, personId);
          return (
            <li key={room.id} className="room-card">
              <h3>{room.name}</h3>
              {room.task ? <p>{room.task}</p> : null}
              <p className="muted">
                {t('breakouts.people', { count: sizes[room.id] ?? 0 })}
                {round.roomCap !== null ? ` / ${round.roomCap}` : ''}
                {!fits ? ` · ${t('breakouts.full')}` : ''}
              </p>
              <button
                type="button"
                className={mine ? 'primary' : ''}
                aria-pressed={mine}
                disabled={!fits}
                onClick={() => void send('breakout:assign', { roundId: round.id, personId, roomId: room.id })}
              >
                {t('breakouts.join', { room: room.name })}
              </button>
            </li>
          );
        })}
      </ul>
      <FormError message={error} />
    </section>
  );
}
