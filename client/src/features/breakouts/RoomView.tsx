import { useTranslation } from 'react-i18next';
import type { BreakoutRoom } from '@werkraum/shared/protocol';
import { graceText, useCountdown } from '../../realtime/clock.js';
import { useAppStore } from '../../store/index.js';
import { BoardPanel } from '../board/BoardPanel.js';
import { NotesPanel } from '../notes/NotesPanel.js';
import { useAgendaAction, useIsFacilitator } from '../agenda/useAgenda.js';
import { useRoomMembers, type LiveRound } from './useBreakouts.js';
import { FormError } from '../../ui/FormError.js';

/** A breakout room as its members see it: name, members and help first, then messages, task, notes and board. */
export function RoomView({ live, room }: { live: LiveRound; room: BreakoutRoom }) {
  const { t } = useTranslation();
  const { round, state } = live;
  // The grace countdown changes on its own seconds (the return time's), on every screen together.
  const grace = useCountdown(state.phase === 'returning' ? state.returnAt : null);
  const members = useRoomMembers(round, room.id);
  const personId = useAppStore((store) => store.session?.personId);
  const facilitator = useIsFacilitator();
  const { send, error } = useAgendaAction();
  const helpSent = round.helpRequests.some((request) => request.personId === personId && request.resolvedAt === null);
  const messages = round.broadcasts.filter((message) => message.roomId === null || message.roomId === room.id).slice(-3).reverse();

  return (
    <section className="card room-view" aria-labelledby="room-heading" data-room-id={room.id}>
      <p className="clock-label">{t('breakouts.room')}</p>
      <h1 id="room-heading">{room.name}</h1>
      {/* Help and the members come first: on a phone they are reachable without scrolling. */}
      <div className="room-top">
        <div>
          <h2>{t('breakouts.members')}</h2>
          <ul className="plain-list room-members">
            {members.map((person) => (
              <li key={person.id}>
                <span className={`presence-dot presence-${person.connection}`} aria-hidden="true" /> {person.displayName}
                {person.id === personId ? ` (${t('workshop.you')})` : ''}
                {person.id === room.hostId ? ` · ${t('breakouts.host')}` : ''}
                <span className="visually-hidden"> · {t(`presence.${person.connection}`)}</span>
              </li>
            ))}
          </ul>
        </div>
        {facilitator ? null : (
          <div className="button-row">
            <button type="button" disabled={helpSent} onClick={() => void send('breakout:help', { roundId: round.id })}>
              {t('breakouts.askHelp')}
            </button>
          </div>
        )}
      </div>
      <p role="status" className="muted">
        {helpSent ? t('breakouts.helpSent') : ''}
      </p>
      <FormError message={error} />
      {state.phase === 'returning' && state.returnAt !== null ? (
        <p className="warning-notice" data-testid="returning-notice">
          {/* Announced once; the seconds tick silently (a live region would read every one). */}
          <span role="status">{t('breakouts.returningSoon')}</span>{' '}
          <span role="timer" aria-live="off">
            {graceText(grace)}
          </span>
        </p>
      ) : null}
      <div aria-live="polite" className="broadcasts">
        {messages.map((message) => (
          <p key={message.id} className="broadcast" data-testid="broadcast">
            <strong>{t('breakouts.fromModeration')}:</strong> {message.text}
          </p>
        ))}
      </div>
      {room.task ? (
        <div className="room-task">
          <h2>{t('breakouts.task')}</h2>
          <p>{room.task}</p>
        </div>
      ) : null}
      <div className="room-work">
        <NotesPanel roomId={room.id} heading={t('notes.room')} />
        <BoardPanel roomId={room.id} heading={t('board.room')} />
      </div>
    </section>
  );
}
