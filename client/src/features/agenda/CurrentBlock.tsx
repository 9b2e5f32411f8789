import { useTranslation } from 'react-i18next';
import { deadline } from '@werkraum/shared/agendaClock';
import { formatTimeOfDay } from '../../app/format.js';
import { useCountdown, useServerNow } from '../../realtime/clock.js';
import { useAppStore } from '../../store/index.js';
import { useSchedule, useTimerAnchors } from './useAgenda.js';
import { WarningNotice } from './WarningNotice.js';

/**
 * The running block and its remaining time, the same second on every client: the server sends the
 * block's deadline, each client counts down on its estimate of the server clock.
 */
export function CurrentBlock() {
  const { t, i18n } = useTranslation();
  const agenda = useAppStore((state) => state.agenda);
  const startsAt = useAppStore((state) => state.workshop?.startsAt);
  const now = useServerNow(useTimerAnchors());
  const schedule = useSchedule(now);
  const timer = agenda?.run.timer ?? null;
  // The countdown follows the deadline's own seconds; a pause holds it at the value of its start.
  const countdown = useCountdown(timer ? deadline(timer) : null, timer?.pausedAt ?? null);
  if (!agenda || !startsAt) return null;

  const { run, blocks } = agenda;
  const block = timer ? blocks.find((candidate) => candidate.id === timer.blockId) : undefined;
  const currentIndex = blocks.findIndex((candidate) => candidate.id === (timer?.blockId ?? run.actuals.at(-1)?.blockId));
  const nextBlock = run.status === 'notStarted' ? blocks[0] : blocks[currentIndex + 1];
  const delta = schedule ? Math.round(schedule.deltaMs / 60_000) : 0;

  let body;
  if (run.status === 'notStarted') {
    body = <p>{t('agenda.notStarted')} {t('agenda.plannedStart', { time: formatTimeOfDay(Date.parse(startsAt), i18n.language) })}</p>;
  } else if (run.status === 'ended') {
    body = <p>{t('agenda.ended')}</p>;
  } else if (!timer || !block) {
    body = <p>{t('agenda.betweenBlocks')}</p>;
  } else {
    const overrun = countdown?.overrun ?? false;
    body = (
      <div className={`clock ${overrun ? 'clock-overrun' : ''} ${timer.pausedAt !== null ? 'clock-paused' : ''}`}>
        <p className="clock-label">{t('agenda.running')}</p>
        <p className="clock-title" data-testid="current-block-title">
          {block.title}
        </p>
        <p className="clock-time">
          <span
            role="timer"
            aria-live="off"
            aria-label={`${overrun ? t('agenda.overrun') : t('agenda.remaining')}: ${countdown?.text ?? ''}`}
            data-testid="remaining-time"
          >
            {countdown?.text}
          </span>
          {timer.pausedAt !== null ? <span className="clock-state"> {t('agenda.paused')}</span> : null}
        </p>
      </div>
    );
  }

  return (
    <div className="current-block" data-run-status={run.status}>
      {body}
      {run.status !== 'ended' && nextBlock ? <p className="muted">{t('agenda.next', { title: nextBlock.title })}</p> : null}
      {schedule && run.status === 'running' ? (
        <p className="muted" data-testid="schedule-summary">
          {t('agenda.projectedEnd', { time: formatTimeOfDay(schedule.projectedEnd, i18n.language) })} ·{' '}
          {delta > 0 ? t('agenda.behind', { minutes: delta }) : delta < 0 ? t('agenda.ahead', { minutes: -delta }) : t('agenda.onTime')}
        </p>
      ) : null}
      {timer ? <WarningNotice now={now} /> : null}
    </div>
  );
}
