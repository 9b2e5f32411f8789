import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { breakoutState } from '@werkraum/shared/breakoutPhase';
import { LIMITS } from '@werkraum/shared/limits';
import type { BreakoutRound, PersonView } from '@werkraum/shared/protocol';
import { formatTimeOfDay } from '../../app/format.js';
import { graceText, useCountdown } from '../../realtime/clock.js';
import { useAppStore } from '../../store/index.js';
import { useAgendaAction } from '../agenda/useAgenda.js';
import { BoardPreview } from '../board/BoardPreview.js';
import { NotesPreview } from '../notes/NotesPreview.js';
import { FormError } from '../../ui/FormError.js';
import { RoomFindingCount } from '../findings/RoomFindingCount.js';
import { Dialog } from '../../ui/Dialog.js';

/** The moderation's view of a round: rooms with members, moving people, help requests, messages, closing. */
export function BreakoutOverview({ round, now }: { round: BreakoutRound; now: number }) {
  const { t, i18n } = useTranslation();
  const formId = useId();
  const [confirmCloseAll, setConfirmCloseAll] = useState(false);
  const timer = useAppStore((state) => state.agenda?.run.timer ?? null);
  const blockTitle = useAppStore((state) => state.agenda?.blocks.find((block) => block.id === round.blockId)?.title ?? '');
  const people = useAppStore(useShallow((state) => state.peopleOrder.map((id) => state.peopleById[id]!)));
  const myId = useAppStore((state) => state.session?.personId);
  const { send, error } = useAgendaAction();
  const state = breakoutState(round, timer, now);
  const grace = useCountdown(state.phase === 'returning' ? state.returnAt : null);
  const byId = new Map(people.map((person) => [person.id, person]));
  const nameOf = (personId: string) => byId.get(personId)?.displayName ?? '?';
  const roomName = (roomId: string | null) => round.rooms.find((room) => room.id === roomId)?.name ?? t('breakouts.allRooms');
  const unassigned = people.filter((person) => person.role === 'participant' && person.connection !== 'left' && !round.assignments[person.id]);
  const openHelp = round.helpRequests.filter((request) => request.resolvedAt === null);
  const running = state.phase === 'open' || state.phase === 'returning';
  const closed = state.phase === 'closed';

  const moveSelect = (person: PersonView) => (
    <label className="move-select">
      <span className="visually-hidden">{t('breakouts.moveTo', { name: person.displayName })}</span>
      <select
        value={round.assignments[person.id] ?? ''}
        disabled={closed}
        onChange={(event) => void send('breakout:assign', { roundId: round.id, personId: person.id, roomId: event.currentTarget.value || null })}
      >
        <option value="">{t('breakouts.plenary')}</option>
        {round.rooms
          .filter((room) => room.closedAt === null)
          .map((room) => (
            <option key={room.id} value={room.id}>
              {room.name}
            </option>
          ))}
      </select>
    </label>
  );

  const broadcast = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const text = String(data.get('text') ?? '').trim();
    if (!text) return;
    if (await send('breakout:broadcast', { roundId: round.id, roomId: String(data.get('roomId') ?? '') || null, text })) form.reset();
  };

  return (
    <section className="card breakout-overview" aria-labelledby={`${formId}-heading`}>
      <h2 id={`${formId}-heading`}>
        {t('breakouts.overview')}: {blockTitle}
      </h2>
      <p role="status" data-testid="round-phase" data-phase={state.phase}>
        {state.phase === 'prepared'
          ? t('breakouts.prepared')
          : state.phase === 'open'
            ? t('breakouts.open')
            : state.phase === 'returning'
              ? t('breakouts.returningSoon')
              : t('breakouts.closed')}
        {state.phase === 'returning' && state.returnAt !== null ? (
          <span role="timer" aria-live="off">
            {' '}
            {graceText(grace)}
          </span>
        ) : null}
      </p>

      {openHelp.length > 0 ? (
        <div className="help-requests" role="region" aria-label={t('breakouts.helpRequests')}>
          <h3>{t('breakouts.helpRequests')}</h3>
          <ul className="plain-list">
            {openHelp.map((request) => (
              <li key={request.id} className="help-request">
                {t('breakouts.helpIn', { name: nameOf(request.personId), room: roomName(request.roomId) })}{' '}
                <button type="button" className="primary" onClick={() => void send('breakout:visit', { roundId: round.id, roomId: request.roomId })}>
                  {t('breakouts.goThere', { room: roomName(request.roomId) })}
                </button>{' '}
                <button type="button" onClick={() => void send('breakout:resolveHelp', { roundId: round.id, requestId: request.id })}>
                  {t('breakouts.resolve')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {!closed ? (
        <div className="button-row">
          <button type="button" onClick={() => void send('breakout:autoAssign', { roundId: round.id, mode: 'random' })}>
            {t('breakouts.assignRandom')}
          </button>
          <button type="button" onClick={() => void send('breakout:autoAssign', { roundId: round.id, mode: 'balanced' })}>
            {t('breakouts.assignBalanced')}
          </button>
          <button type="button" onClick={() => void send('breakout:autoAssign', { roundId: round.id, mode: 'keepGroups' })}>
            {t('breakouts.assignKeep')}
          </button>
          {running ? (
            <button type="button" className="danger" onClick={() => setConfirmCloseAll(true)}>
              {t('breakouts.closeAll')}
            </button>
          ) : null}
        </div>
      ) : null}

      <div className="room-grid">
        {round.rooms.map((room) => {
          const members = people.filter((person) => round.assignments[person.id] === room.id || round.visits[person.id] === room.id);
          const online = members.filter((person) => person.connection === 'online').length;
          return (
            <article key={room.id} className={`room-card ${room.closedAt !== null ? 'room-closed' : ''}`} aria-labelledby={`${formId}-${room.id}`} data-room-id={room.id}>
              <h3 id={`${formId}-${room.id}`}>{room.name}</h3>
              {room.task ? <p className="muted room-task-short">{room.task}</p> : null}
              <p className="muted">
                {t('breakouts.people', { count: members.length })} · {t('breakouts.online', { count: online })}
              </p>
              <ul className="plain-list">
                {members.length === 0 ? <li className="muted">{t('breakouts.nobody')}</li> : null}
                {members.map((person) => (
                  <li key={person.id} className="room-member">
                    <span className={`presence-dot presence-${person.connection}`} aria-hidden="true" /> {person.displayName}
                    {person.id === room.hostId ? ` · ${t('breakouts.host')}` : ''}
                    {round.visits[person.id] === room.id ? ` · ${t('breakouts.visiting')}` : ''} {person.role === 'participant' ? moveSelect(person) : null}
                  </li>
                ))}
              </ul>
              {state.phase !== 'prepared' ? <RoomFindingCount roundId={round.id} roomId={room.id} /> : null}
              {state.phase !== 'prepared' ? <NotesPreview roomId={room.id} roomName={room.name} /> : null}
              {state.phase !== 'prepared' ? <BoardPreview roomId={room.id} roomName={room.name} /> : null}
              {running && room.closedAt === null ? (
                <div className="button-row">
                  <button type="button" onClick={() => void send('breakout:visit', { roundId: round.id, roomId: room.id })} disabled={round.visits[myId ?? ''] === room.id}>
                    {t('breakouts.goThere', { room: room.name })}
                  </button>
                  <button type="button" className="danger" onClick={() => void send('breakout:close', { roundId: round.id, roomId: room.id })}>
                    {t('breakouts.closeRoom', { room: room.name })}
                  </button>
                </div>
              ) : null}
            </article>
          );
        })}
      </div>

      {unassigned.length > 0 && !closed ? (
        <div>
          <h3>{t('breakouts.unassigned', { count: unassigned.length })}</h3>
          <ul className="plain-list">
            {unassigned.map((person) => (
              <li key={person.id} className="room-member">
                {person.displayName} {moveSelect(person)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {!closed ? (
        <form className="broadcast-form" onSubmit={(event) => void broadcast(event)}>
          <h3>{t('breakouts.broadcast')}</h3>
          <div className="field">
            <label htmlFor={`${formId}-text`}>{t('breakouts.broadcastText')}</label>
            <textarea id={`${formId}-text`} name="text" rows={2} maxLength={LIMITS.broadcastMax} required />
          </div>
          <div className="inline-form">
            <div className="field">
              <label htmlFor={`${formId}-to`}>{t('breakouts.broadcastTo')}</label>
              <select id={`${formId}-to`} name="roomId" defaultValue="">
                <option value="">{t('breakouts.allRooms')}</option>
                {round.rooms.map((room) => (
                  <option key={room.id} value={room.id}>
                    {room.name}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="primary">
              {t('breakouts.send')}
            </button>
          </div>
        </form>
      ) : null}
      {round.broadcasts.length > 0 ? (
        <details>
          <summary>{t('breakouts.sentMessages')}</summary>
          <ul className="plain-list">
            {round.broadcasts.map((message) => (
              <li key={message.id}>
                {formatTimeOfDay(message.at, i18n.language)} · {roomName(message.roomId)}: {message.text}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <FormError message={error} />
      <Dialog open={confirmCloseAll} title={t('layout.confirmCloseAll')} onClose={() => setConfirmCloseAll(false)}>
        <p>{t('layout.confirmCloseAllText')}</p>
        <div className="button-row">
          <button
            type="button"
            className="danger"
            onClick={() => {
              setConfirmCloseAll(false);
              void send('breakout:close', { roundId: round.id, roomId: null });
            }}
          >
            {t('breakouts.closeAll')}
          </button>
          <button type="button" onClick={() => setConfirmCloseAll(false)} autoFocus>
            {t('layout.cancel')}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
