import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AGENDA_BLOCK_TYPES, type AgendaBlockType } from '@werkraum/shared/agendaBlockTypes';
import { LIMITS } from '@werkraum/shared/limits';
import { Dialog } from '../../ui/Dialog.js';
import { TextAreaField, TextField } from '../../ui/Field.js';
import { FormError } from '../../ui/FormError.js';

/** The fields of a block as the form edits them. */
export interface BlockFields {
  title: string;
  type: AgendaBlockType;
  plannedMinutes: number;
  description: string;
  moderationNotes: string;
}

/** A dialog to create or edit an agenda block; resolves through `onSave`, which returns whether it worked. */
export function BlockDialog({
  open,
  title,
  initial,
  error,
  onSave,
  onClose,
}: {
  open: boolean;
  title: string;
  initial: BlockFields;
  error: string | null;
  onSave: (fields: BlockFields) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [fieldErrors, setFieldErrors] = useState<{ title?: string; plannedMinutes?: string }>({});
  const typeId = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const fields: BlockFields = {
      title: String(form.get('title') ?? '').trim(),
      type: String(form.get('type')) as AgendaBlockType,
      plannedMinutes: Number(form.get('plannedMinutes')),
      description: String(form.get('description') ?? ''),
      moderationNotes: String(form.get('moderationNotes') ?? ''),
    };
    const found: typeof fieldErrors = {};
    if (!fields.title) found.title = t('errors.required');
    if (!Number.isInteger(fields.plannedMinutes) || fields.plannedMinutes < 1 || fields.plannedMinutes > LIMITS.blockMinutesMax) {
      found.plannedMinutes = t('errors.invalid_payload');
    }
    setFieldErrors(found);
    if (Object.keys(found).length === 0) onSave(fields);
  };

  return (
    <Dialog open={open} title={title} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField label={t('agenda.title')} name="title" defaultValue={initial.title} maxLength={LIMITS.blockTitleMax} required error={fieldErrors.title ?? null} autoFocus />
        <div className="field">
          <label htmlFor={typeId}>{t('agenda.type')}</label>
          <select id={typeId} name="type" defaultValue={initial.type}>
            {AGENDA_BLOCK_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`agenda.types.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <TextField
          label={t('agenda.plannedMinutes')}
          name="plannedMinutes"
          type="number"
          min={1}
          max={LIMITS.blockMinutesMax}
          defaultValue={initial.plannedMinutes}
          required
          error={fieldErrors.plannedMinutes ?? null}
        />
        <TextAreaField label={t('agenda.description')} name="description" rows={3} defaultValue={initial.description} maxLength={LIMITS.blockDescriptionMax} />
        <TextAreaField label={t('agenda.moderationNotes')} name="moderationNotes" rows={3} defaultValue={initial.moderationNotes} maxLength={LIMITS.blockDescriptionMax} />
        <FormError message={error} />
        <div className="button-row">
          <button type="submit" className="primary">
            {t('agenda.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('agenda.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
