import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgendaControl } from '@werkraum/shared/protocol';
import { useAppStore } from '../../store/index.js';
import { BlockPollLauncher } from '../polls/PollsPanel.js';
import { useAgendaAction } from './useAgenda.js';
import { FormError } from '../../ui/FormError.js';
import { Dialog } from '../../ui/Dialog.js';

/** The moderation's controls for the running agenda; the server decides and tells every client. */
export function RunControls() {
  const { t } = useTranslation();
  const run = useAppStore((state) => state.agenda?.run);
  const hasBlocks = useAppStore((state) => (state.agenda?.blocks.length ?? 0) > 0);
  const { send, error, busy } = useAgendaAction();
  const minutesId = useId();
  const [confirmEnd, setConfirmEnd] = useState(false);
  if (!run || !hasBlocks) return null;

  const control = (action: AgendaControl) => void send('agenda:control', action);
  const timer = run.timer;
  const setRemaining = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const minutes = Number(new FormData(event.currentTarget).get('minutes'));
    if (Number.isFinite(minutes) && minutes >= 0) control({ action: 'setRemaining', seconds: Math.round(minutes * 60) });
  };

  return (
    <div role="group" aria-label={t('agenda.controls')} className="run-controls">
      {run.status === 'notStarted' ? (
        <button type="button" className="primary" disabled={busy} onClick={() => control({ action: 'start' })}>
          {t('agenda.start')}
        </button>
      ) : null}
      {run.status === 'running' ? (
        <>
          <div className="button-row">
            <button type="button" disabled={busy} onClick={() => control({ action: 'previous' })}>
              {t('agenda.previousBlock')}
            </button>
            {timer ? (
              timer.pausedAt === null ? (
                <button type="button" disabled={busy} onClick={() => control({ action: 'pause' })}>
                  {t('agenda.pause')}
                </button>
              ) : (
                <button type="button" disabled={busy} onClick={() => control({ action: 'resume' })}>
                  {t('agenda.resume')}
                </button>
              )
            ) : null}
            {timer ? (
              <>
                <button type="button" disabled={busy} onClick={() => control({ action: 'extend', minutes: 1 })}>
                  {t('agenda.extend1')}
                </button>
                <button type="button" disabled={busy} onClick={() => control({ action: 'extend', minutes: 5 })}>
                  {t('agenda.extend5')}
                </button>
                <button type="button" disabled={busy} onClick={() => control({ action: 'endBlock' })}>
                  {t('agenda.endBlock')}
                </button>
              </>
            ) : null}
            <button type="button" className="primary" disabled={busy} onClick={() => control({ action: 'next' })}>
              {t('agenda.nextBlock')}
            </button>
          </div>
          {timer ? (
            <form className="inline-form set-remaining" onSubmit={setRemaining}>
              <div className="field">
                <label htmlFor={minutesId}>{t('agenda.setRemainingMinutes')}</label>
                <input id={minutesId} name="minutes" type="number" min={0} max={600} step={0.5} inputMode="decimal" required />
              </div>
              <button type="submit" disabled={busy}>
                {t('agenda.set')}
              </button>
            </form>
          ) : null}
          {timer ? <BlockPollLauncher blockId={timer.blockId} /> : null}
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirmEnd(true)}>
            {t('agenda.endWorkshop')}
          </button>
          {/* Ending cannot be undone: it asks first, with "cancel" focused. */}
          <Dialog open={confirmEnd} title={t('layout.confirmEndWorkshop')} onClose={() => setConfirmEnd(false)}>
            <p>{t('layout.confirmEndWorkshopText')}</p>
            <div className="button-row">
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setConfirmEnd(false);
                  control({ action: 'endWorkshop' });
                }}
              >
                {t('agenda.endWorkshop')}
              </button>
              <button type="button" onClick={() => setConfirmEnd(false)} autoFocus>
                {t('layout.cancel')}
              </button>
            </div>
          </Dialog>
        </>
      ) : null}
      <FormError message={error} />
    </div>
  );
}
