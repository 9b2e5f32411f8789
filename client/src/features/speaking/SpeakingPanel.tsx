import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deadline } from '@werkraum/shared/agendaClock';
import type { SpeakingOrder, SpeakingRound } from '@werkraum/shared/protocol';
import { useShallow } from 'zustand/react/shallow';
import { useCountdown, useServerNow } from '../../realtime/clock.js';
import { ClockWarnings } from '../agenda/WarningNotice.js';
import { useAppStore } from '../../store/index.js';
import { useAgendaAction, useIsFacilitator } from '../agenda/useAgenda.js';
import { TextField } from '../../ui/Field.js';
import { FormError } from '../../ui/FormError.js';
import '../findings/findings.css';

/** Names of rounds facilitators start most often, offered while typing. */
const ROUND_SUGGESTIONS = ['roundIntro', 'roundFlash', 'roundClosing'] as const;

/** A person's display name from the store ('?' once they left the list). */
function useNameOf(): (personId: string | null | undefined) => string {
  const people = useAppStore((state) => state.peopleById);
  return (personId) => (personId ? (people[personId]?.displayName ?? '?') : '');
}

/**
 * The speaking order: everyone raises and lowers their hand; facilitators call the next hand and
 * lead rounds ("Vorstellungsrunde", "Blitzlicht", "Abschlussrunde") with an optional time per
 * speaker on the server clock; everyone sees who speaks now and who is next.
 */
export function SpeakingPanel() {
  const { t } = useTranslation();
  const speaking = useAppStore((state) => state.speaking);
  const personId = useAppStore((state) => state.session?.personId);
  const facilitator = useIsFacilitator();
  const nameOf = useNameOf();
  const { send, error } = useAgendaAction();
  const place = speaking.hands.findIndex((hand) => hand.personId === personId);
  const raised = place >= 0;

  return (
    <section className="card speaking-panel" aria-labelledby="speaking-heading" data-testid="speaking-panel">
      <h2 id="speaking-heading">{t('speaking.heading')}</h2>
      {speaking.round ? <CurrentRound round={speaking.round} facilitator={facilitator} /> : null}
      <div aria-live="polite">
        {speaking.called ? (
          <p data-testid="called">{speaking.called.personId === personId ? t('speaking.youAreCalled') : t('speaking.called', { name: nameOf(speaking.called.personId) })}</p>
        ) : null}
        {raised ? <p className="muted">{t('speaking.yourPlace', { place: place + 1 })}</p> : null}
      </div>
      <div className="button-row">
        <button type="button" aria-pressed={raised} className={raised ? '' : 'primary'} onClick={() => void send('speaking:hand', { raised: !raised })}>
          {raised ? t('speaking.lowerHand') : t('speaking.raiseHand')}
        </button>
      </div>
      {facilitator ? (
        <>
          <h3>{t('speaking.queue', { count: speaking.hands.length })}</h3>
          {speaking.hands.length > 0 ? (
            <ol className="hand-queue" data-testid="hand-queue">
              {speaking.hands.map((hand) => (
                <li key={hand.personId}>{nameOf(hand.personId)}</li>
              ))}
            </ol>
          ) : (
            <p className="muted">{t('speaking.noHands')}</p>
          )}
          <div className="button-row">
            <button type="button" disabled={speaking.hands.length === 0} onClick={() => void send('speaking:callNext', {})}>
              {t('speaking.callNext')}
            </button>
            <button type="button" disabled={speaking.hands.length === 0 && !speaking.called} onClick={() => void send('speaking:lowerAll', {})}>
              {t('speaking.lowerAll')}
            </button>
          </div>
          {!speaking.round ? <StartRound /> : null}
        </>
      ) : null}
      <FormError message={error} />
    </section>
  );
}

/** Who speaks now and who is next, the speaker's remaining time, and the facilitators' controls. */
function CurrentRound({ round, facilitator }: { round: SpeakingRound; facilitator: boolean }) {
  const { t } = useTranslation();
  const nameOf = useNameOf();
  const personId = useAppStore((state) => state.session?.personId);
  const { send, error } = useAgendaAction();
  const timed = round.speakerMs !== null;
  const paused = round.timer.pausedAt !== null;
  // The same countdown as the agenda clock: the same second on every screen, held during a pause.
  const countdown = useCountdown(timed ? deadline(round.timer) : null, round.timer.pausedAt);
  const speaker = round.order[round.position];
  const next = round.order[round.position + 1];
  const overrun = countdown?.overrun ?? false;
  const thresholds = useAppStore((state) => state.agenda?.warningThresholds);
  // The warnings are worked out on the turn's own second boundaries, like the countdown.
  const now = useServerNow(timed ? [deadline(round.timer)] : undefined);

  return (
    <div className={`clock speaking-round ${overrun ? 'clock-overrun' : ''} ${paused ? 'clock-paused' : ''}`} data-testid="speaking-round">
      <p className="clock-label">{round.title}</p>
      <p className="speaking-now" data-testid="speaker-now">
        {speaker === personId ? t('speaking.youSpeak') : t('speaking.now', { name: nameOf(speaker) })}
      </p>
      <p className="muted" data-testid="speaker-next">
        {next ? t('speaking.next', { name: nameOf(next) }) : t('speaking.last')} · {t('speaking.position', { position: round.position + 1, total: round.order.length })}
      </p>
      {timed ? (
        <p className="clock-time">
          <span className="visually-hidden">{overrun ? t('agenda.overrun') : t('agenda.remaining')}: </span>
          <span role="timer" aria-live="off">
            {countdown?.text}
          </span>
          {paused ? <span className="clock-state"> {t('agenda.paused')}</span> : null}
        </p>
      ) : null}
      {timed ? (
        <ClockWarnings
          timer={round.timer}
          thresholds={thresholds}
          now={now}
          runKey={`${round.id}:${round.position}:${round.timer.startedAt}`}
          overrunText={t('speaking.timeUp')}
          soundToggle={false}
          testId="speaking-warning"
        />
      ) : null}
      {facilitator ? (
        <div className="button-row stage-controls">
          <button type="button" disabled={round.position === 0} onClick={() => void send('speaking:control', { action: 'back' })}>
            {t('speaking.back')}
          </button>
          <button type="button" className="primary" onClick={() => void send('speaking:control', { action: 'next' })}>
            {t('speaking.nextSpeaker')}
          </button>
          <button type="button" onClick={() => void send('speaking:control', { action: 'skip' })}>
            {t('speaking.skip')}
          </button>
          {timed ? (
            <button type="button" onClick={() => void send('speaking:control', { action: paused ? 'resume' : 'pause' })}>
              {paused ? t('speaking.resume') : t('speaking.pause')}
            </button>
          ) : null}
          <button type="button" className="danger" onClick={() => void send('speaking:control', { action: 'end' })}>
            {t('speaking.end')}
          </button>
        </div>
      ) : null}
      <FormError message={error} />
    </div>
  );
}

/** Facilitators: start a round over the people present, in list order, random, or an order they set. */
function StartRound() {
  const { t } = useTranslation();
  const present = useAppStore(useShallow((state) => state.peopleOrder.filter((id) => state.peopleById[id]?.connection === 'online')));
  const nameOf = useNameOf();
  const { send, error } = useAgendaAction();
  const [title, setTitle] = useState('');
  const [order, setOrder] = useState<SpeakingOrder>('list');
  const [seconds, setSeconds] = useState('');
  const [custom, setCustom] = useState<string[] | null>(null);
  const list = custom ?? present;

  function move(index: number, by: number) {
    const next = [...list];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    setCustom(next);
  }

  return (
    <form
      className="speaking-start"
      onSubmit={async (event) => {
        event.preventDefault();
        const speakerSeconds = seconds.trim() ? Number(seconds) : null;
        await send('speaking:start', { title, order, speakerSeconds, ...(order === 'custom' ? { personIds: list } : {}) });
      }}
    >
      <h3>{t('speaking.startHeading')}</h3>
      <TextField label={t('speaking.title')} value={title} list="speaking-round-names" maxLength={120} required onChange={(event) => setTitle(event.target.value)} />
      <datalist id="speaking-round-names">
        {ROUND_SUGGESTIONS.map((key) => (
          <option key={key} value={t(`speaking.${key}`)} />
        ))}
      </datalist>
      <div className="field">
        <label htmlFor="speaking-order">{t('speaking.order')}</label>
        <select id="speaking-order" value={order} onChange={(event) => setOrder(event.target.value as SpeakingOrder)}>
          <option value="list">{t('speaking.orders.list')}</option>
          <option value="random">{t('speaking.orders.random')}</option>
          <option value="custom">{t('speaking.orders.custom')}</option>
        </select>
      </div>
      {order === 'custom' ? (
        <ol className="plain-list speaking-custom" aria-label={t('speaking.orders.custom')}>
          {list.map((id, index) => (
            <li key={id}>
              {nameOf(id)}{' '}
              <button type="button" disabled={index === 0} aria-label={t('speaking.earlier', { name: nameOf(id) })} onClick={() => move(index, -1)}>
                ↑
              </button>
              <button type="button" disabled={index === list.length - 1} aria-label={t('speaking.later', { name: nameOf(id) })} onClick={() => move(index, 1)}>
                ↓
              </button>
              <button type="button" aria-label={t('speaking.leaveOut', { name: nameOf(id) })} onClick={() => setCustom(list.filter((other) => other !== id))}>
                ×
              </button>
            </li>
          ))}
        </ol>
      ) : null}
      <TextField
        label={t('speaking.seconds')}
        hint={t('speaking.secondsHint')}
        type="number"
        inputMode="numeric"
        min={5}
        max={3600}
        value={seconds}
        onChange={(event) => setSeconds(event.target.value)}
      />
      <button type="submit" className="primary" disabled={!title.trim()}>
        {t('speaking.start')}
      </button>
      <FormError message={error} />
    </form>
  );
}
