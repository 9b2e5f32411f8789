import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClientEventName, ClientEvents, SeriesDate } from '@werkraum/shared/protocol';
import { isFacilitator } from '@werkraum/shared/roles';
import { formatStart, localDateTimeToIso } from '../../app/format.js';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useAppStore } from '../../store/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { FormError } from '../../ui/FormError.js';
import { TextField } from '../../ui/Field.js';
import { useErrorText } from '../../ui/errors.js';

/** Date and time fields of a date ("2027-01-20", "14:00") in this browser's zone. */
function dateFields(iso: string): { date: string; time: string } {
  const value = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`,
    time: `${pad(value.getHours())}:${pad(value.getMinutes())}`,
  };
}

/**
 * The dates of the workshop: the ones held, the current one and those to come (the next one
 * marked). Facilitators add, move and remove dates and move the workshop on to the next date.
 */
export function SeriesPanel() {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const series = useAppStore((state) => state.series);
  const timeZone = useAppStore((state) => state.workshop?.timeZone ?? null);
  const facilitator = useAppStore((state) => (state.session ? isFacilitator(state.session.role) : false));
  const running = useAppStore((state) => state.agenda?.run.status === 'running');
  const [editing, setEditing] = useState<SeriesDate | 'new' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!series) return null;
  const dates = series.dates;
  // A single workshop shows its dates only to facilitators (who may add the next one).
  if (dates.length < 2 && !facilitator) return null;
  const next = dates.find((date) => date.status === 'upcoming');

  async function send<K extends ClientEventName>(event: K, payload: ClientEvents[K]['request']): Promise<boolean> {
    setBusy(true);
    setError(null);
    setFieldError(null);
    try {
      await request(workshopSession.socket(), event, payload);
      return true;
    } catch (failure) {
      const field = (failure as { field?: string }).field;
      if (field === 'startsAt') setFieldError(errorText(failure));
      else setError(errorText(failure));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const startsAt = localDateTimeToIso(String(form.get('date') ?? ''), String(form.get('time') ?? ''));
    if (!startsAt) {
      setFieldError(t('errors.required'));
      return;
    }
    const ok =
      editing === 'new'
        ? await send('series:addDate', { startsAt })
        : editing
          ? await send('series:moveDate', { dateId: editing.id, startsAt })
          : false;
    if (ok) setEditing(null);
  };
  const fields = editing && editing !== 'new' ? dateFields(editing.startsAt) : null;

  return (
    <section className="card series-panel" aria-labelledby="series-heading">
      <h2 id="series-heading">{t('series.heading')}</h2>
      <ol className="plain-list series-dates">
        {dates.map((date, index) => (
          <li key={date.id} className={`series-date ${date.status}${date === next ? ' next' : ''}`} aria-current={date.status === 'current' ? 'date' : undefined}>
            <span className="series-date-label">
              {t('series.dateNumber', { number: index + 1 })}: {formatStart(date.startsAt, i18n.language, timeZone)}
            </span>{' '}
            <span className="badge">{date === next ? t('series.status.next') : t(`series.status.${date.status}`)}</span>
            {facilitator && date.status !== 'done' ? (
              <span className="button-row">
                <button type="button" onClick={() => setEditing(date)} disabled={busy}>
                  {t('series.move')}
                  <span className="visually-hidden"> {formatStart(date.startsAt, i18n.language, timeZone)}</span>
                </button>
                {date.status === 'upcoming' ? (
                  <button type="button" onClick={() => void send('series:removeDate', { dateId: date.id })} disabled={busy}>
                    {t('series.remove')}
                    <span className="visually-hidden"> {formatStart(date.startsAt, i18n.language, timeZone)}</span>
                  </button>
                ) : null}
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {facilitator ? (
        <div className="button-row">
          <button type="button" onClick={() => setEditing('new')} disabled={busy}>
            {t('series.add')}
          </button>
          {next ? (
            <button type="button" onClick={() => setConfirming(true)} disabled={busy || running} aria-describedby={running ? 'series-running' : undefined}>
              {t('series.advance')}
            </button>
          ) : null}
          {running && next ? (
            <span id="series-running" className="hint">
              {t('series.advanceRunning')}
            </span>
          ) : null}
        </div>
      ) : null}
      <FormError message={error} />
      <Dialog
        open={editing !== null}
        title={editing === 'new' ? t('series.add') : t('series.move')}
        onClose={() => {
          setEditing(null);
          setFieldError(null);
        }}
      >
        <form onSubmit={(event) => void save(event)} noValidate>
          <div className="field-row">
            <TextField label={t('create.date')} name="date" type="date" required defaultValue={fields?.date} error={fieldError} />
            <TextField label={t('create.time')} name="time" type="time" required defaultValue={fields?.time ?? '14:00'} error={null} />
          </div>
          <div className="button-row">
            <button type="submit" className="primary" disabled={busy}>
              {t('series.save')}
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              {t('series.cancel')}
            </button>
          </div>
        </form>
      </Dialog>
      <Dialog open={confirming} title={t('series.advance')} onClose={() => setConfirming(false)}>
        <p>{next ? t('series.advanceExplain', { date: formatStart(next.startsAt, i18n.language, timeZone) }) : null}</p>
        <div className="button-row">
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void send('series:advance', {}).then((ok) => ok && setConfirming(false))}
          >
            {t('series.advanceConfirm')}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t('series.cancel')}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
