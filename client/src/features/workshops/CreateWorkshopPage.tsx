import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '@werkraum/shared/limits';
import type { ProtocolError } from '@werkraum/shared/errors';
import type { Language } from '@werkraum/shared/roles';
import { AppShell } from '../../app/AppShell.js';
import { browserTimeZone, formatStart, localDateTimeToIso } from '../../app/format.js';
import { loadCreatedWorkshops, saveCreatedWorkshop, type CreatedWorkshop } from '../../realtime/identity.js';
import { CopyField } from '../../ui/CopyField.js';
import { TextAreaField, TextField } from '../../ui/Field.js';
import { useErrorText } from '../../ui/errors.js';
import { createKeyRequired, createWorkshop } from './createWorkshop.js';
import { FormError } from '../../ui/FormError.js';
import { TemplatePicker, templateOfChoice, type TemplateChoice } from '../templates/TemplatePicker.js';

type FieldName = 'title' | 'date' | 'time' | 'description' | 'moderatorNames' | 'coModeratorNames' | 'createKey' | 'template';

/** Landing page: create a workshop, get its three links, and find workshops created here before. */
export function CreateWorkshopPage() {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const [created, setCreated] = useState<CreatedWorkshop | null>(null);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [language, setWorkshopLanguage] = useState<Language>(i18n.language === 'en' ? 'en' : 'de');
  const [templateChoice, setTemplateChoice] = useState<TemplateChoice>({ kind: 'empty' });
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const previous = loadCreatedWorkshops();
  // A server with CREATE_KEY set asks for it; the field shows once the server says so.
  const [needsKey, setNeedsKey] = useState(false);
  useEffect(() => {
    let current = true;
    void createKeyRequired().then((required) => {
      if (current && required) setNeedsKey(true);
    });
    return () => {
      current = false;
    };
  }, []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const found: Partial<Record<FieldName, string>> = {};
    if (!value('title')) found.title = t('errors.required');
    if (!value('date')) found.date = t('errors.required');
    if (!value('time')) found.time = t('errors.required');
    const startsAt = value('date') && value('time') ? localDateTimeToIso(value('date'), value('time')) : null;
    if (value('date') && value('time') && !startsAt) found.date = t('errors.invalid_payload');
    if (needsKey && !value('createKey')) found.createKey = t('errors.required');
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0 || !startsAt) {
      const first = Object.keys(found)[0];
      if (first) (event.currentTarget.elements.namedItem(first) as HTMLElement | null)?.focus();
      return;
    }
    setBusy(true);
    try {
      const timeZone = browserTimeZone();
      const template = await templateOfChoice(templateChoice);
      const response = await createWorkshop({
        title: value('title'),
        startsAt,
        ...(timeZone ? { timeZone } : {}),
        language,
        description: value('description'),
        moderatorNames: value('moderatorNames'),
        coModeratorNames: value('coModeratorNames'),
        ...(needsKey ? { createKey: value('createKey') } : {}),
        ...(template ? { template } : {}),
      });
      const workshop: CreatedWorkshop = { id: response.id, title: value('title'), startsAt, links: response.links };
      saveCreatedWorkshop(workshop);
      setCreated(workshop);
      requestAnimationFrame(() => resultHeading.current?.focus());
    } catch (error) {
      const problem = error as Partial<ProtocolError>;
      if (problem.code === 'invalid_create_key') {
        setNeedsKey(true);
        setErrors({ createKey: errorText(error) });
        return;
      }
      if (problem.field === 'template' || problem.field?.startsWith('template.')) {
        setErrors({ template: t('templates.invalid', { message: problem.message ?? errorText(error) }) });
        return;
      }
      const field = problem.field === 'startsAt' ? 'date' : (problem.field as FieldName | undefined);
      if (field) setErrors({ [field]: problem.message ?? errorText(error) });
      else setFormError(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <AppShell>
        <h1 ref={resultHeading} tabIndex={-1}>
          {t('create.created', { title: created.title })}
        </h1>
        <p>{t('create.linksIntro')}</p>
        <CopyField label={t('create.linkModerator')} value={created.links.moderator} testId="link-moderator" />
        <CopyField label={t('create.linkCoModerator')} value={created.links.coModerator} testId="link-coModerator" />
        <CopyField label={t('create.linkParticipant')} value={created.links.participant} testId="link-participant" />
        <p>
          <a className="button primary" href={created.links.moderator}>
            {t('create.openAsModerator')}
          </a>
        </p>
      </AppShell>
    );
  }

  return (
    <AppShell>
      <h1>{t('create.heading')}</h1>
      <p>{t('create.intro')}</p>
      <form className="card form" onSubmit={(event) => void submit(event)} noValidate>
        <TextField label={t('create.title')} name="title" required maxLength={LIMITS.titleMax} error={errors.title ?? null} />
        <div className="field-row">
          <TextField label={t('create.date')} name="date" type="date" required error={errors.date ?? null} />
          <TextField label={t('create.time')} name="time" type="time" required error={errors.time ?? null} />
        </div>
        <fieldset className="field">
          <legend>{t('create.language')}</legend>
          {(['de', 'en'] as const).map((option) => (
            <label key={option} className="radio">
              <input
                type="radio"
                name="language"
                value={option}
                checked={language === option}
                onChange={() => setWorkshopLanguage(option)}
              />
              <span lang={option}>{t(`app.languages.${option}`)}</span>
            </label>
          ))}
        </fieldset>
        <TemplatePicker language={language} choice={templateChoice} onChange={setTemplateChoice} error={errors.template ?? null} />
        <TextAreaField
          label={t('create.description')}
          name="description"
          rows={3}
          maxLength={LIMITS.descriptionMax}
          error={errors.description ?? null}
        />
        <TextField
          label={t('create.moderatorNames')}
          name="moderatorNames"
          maxLength={LIMITS.moderationNamesMax}
          error={errors.moderatorNames ?? null}
        />
        <TextField
          label={t('create.coModeratorNames')}
          name="coModeratorNames"
          maxLength={LIMITS.moderationNamesMax}
          error={errors.coModeratorNames ?? null}
        />
        {needsKey ? (
          <TextField
            label={t('create.createKey')}
            hint={t('create.createKeyHint')}
            name="createKey"
            type="password"
            autoComplete="off"
            required
            maxLength={256}
            error={errors.createKey ?? null}
          />
        ) : null}
        <FormError message={formError} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('create.submitting') : t('create.submit')}
        </button>
      </form>
      {previous.length > 0 ? (
        <section aria-labelledby="my-workshops">
          <h2 id="my-workshops">{t('create.myWorkshops')}</h2>
          <ul className="plain-list">
            {previous.map((workshop) => (
              <li key={workshop.id}>
                <a href={workshop.links.moderator}>
                  {workshop.title}
                </a>{' '}
                <span className="muted">{formatStart(workshop.startsAt, i18n.language, null)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </AppShell>
  );
}

