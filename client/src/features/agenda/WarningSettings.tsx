import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { WarningThreshold } from '@werkraum/shared/agendaClock';
import { useAppStore } from '../../store/index.js';
import { TextField } from '../../ui/Field.js';
import { useAgendaAction } from './useAgenda.js';
import { FormError } from '../../ui/FormError.js';

const NO_THRESHOLDS: WarningThreshold[] = [];

/** Reads "20, 5" into numbers; null when any part is not a number in range. */
function parseList(text: string, min: number, max: number): number[] | null {
  const parts = text
    .split(/[,;\s]+/)
    .filter(Boolean);
  const numbers = parts.map(Number);
  return numbers.every((value) => Number.isFinite(value) && value >= min && value <= max) ? numbers : null;
}

/** The moderation sets when the clock warns: percentages of the block's time and minutes left. */
export function WarningSettings() {
  const { t } = useTranslation();
  const thresholds = useAppStore((state) => state.agenda?.warningThresholds) ?? NO_THRESHOLDS;
  const { send, error } = useAgendaAction();
  const [fieldError, setFieldError] = useState<{ percent?: string; minutes?: string }>({});
  const [saved, setSaved] = useState(false);
  const percents = thresholds.flatMap((item) => (item.kind === 'fraction' ? [Math.round(item.remaining * 1000) / 10] : []));
  const minutes = thresholds.flatMap((item) => (item.kind === 'absolute' ? [item.remainingMs / 60_000] : []));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const percentList = parseList(String(form.get('percent') ?? ''), 1, 99);
    const minuteList = parseList(String(form.get('minutes') ?? ''), 0.25, 60);
    const errors = {
      ...(percentList ? {} : { percent: t('agenda.warningSettings.invalid') }),
      ...(minuteList ? {} : { minutes: t('agenda.warningSettings.invalid') }),
    };
    setFieldError(errors);
    if (!percentList || !minuteList) return;
    const warningThresholds: WarningThreshold[] = [
      ...percentList.map((value) => ({ kind: 'fraction' as const, remaining: value / 100 })),
      ...minuteList.map((value) => ({ kind: 'absolute' as const, remainingMs: Math.round(value * 60_000) })),
    ];
    if (await send('agenda:updateSettings', { warningThresholds })) setSaved(true);
  };

  return (
    <details className="warning-settings">
      <summary>{t('agenda.warningSettings.heading')}</summary>
      <form onSubmit={(event) => void submit(event)} noValidate className="inline-form">
        <TextField
          key={`p${percents.join()}`}
          label={t('agenda.warningSettings.percent')}
          hint={t('agenda.warningSettings.listHint')}
          name="percent"
          defaultValue={percents.join(', ')}
          error={fieldError.percent ?? null}
        />
        <TextField
          key={`m${minutes.join()}`}
          label={t('agenda.warningSettings.minutes')}
          hint={t('agenda.warningSettings.listHint')}
          name="minutes"
          defaultValue={minutes.join(', ')}
          error={fieldError.minutes ?? null}
        />
        <button type="submit">{t('agenda.save')}</button>
      </form>
      <FormError message={error} />
      <p role="status" className="muted">
        {saved ? t('people.saved') : ''}
      </p>
    </details>
  );
}
