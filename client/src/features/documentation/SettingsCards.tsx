import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { COMPILED_BY_MAX, DOCUMENTATION_SECTIONS, NEXT_STEPS_MAX, type DocumentationSection } from '@werkraum/shared/documentationFormat';
import type { DocumentationState } from '@werkraum/shared/protocol';
import { formatStart } from '../../app/format.js';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useAppStore } from '../../store/index.js';
import { CheckboxField, TextAreaField, TextField } from '../../ui/Field.js';
import { FormError } from '../../ui/FormError.js';
import { useDocumentationErrorText } from './useDocumentationErrorText.js';

/** Sends a change of the documentation and stores the state the server answers with. */
function useDocumentationAction() {
  const errorText = useDocumentationErrorText();
  const setDocumentation = useAppStore((state) => state.setDocumentation);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<DocumentationState>, done: string): Promise<void> => {
    setError(null);
    setStatus('');
    setBusy(true);
    try {
      setDocumentation(await action());
      setStatus(done);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return { error, status, busy, run };
}

/** Publishing to the participants and taking it back. */
export function PublishCard({ documentation }: { documentation: DocumentationState }) {
  const { t, i18n } = useTranslation();
  const timeZone = useAppStore((state) => state.workshop?.timeZone ?? null);
  const { error, status, busy, run } = useDocumentationAction();
  const publish = (published: boolean) =>
    run(
      () => request(workshopSession.socket(), 'documentation:publish', { published }),
      published ? t('documentation.publishedNow') : t('documentation.unpublishedNow'),
    );
  return (
    <section className="card" aria-labelledby="documentation-publication-heading">
      <h2 id="documentation-publication-heading">{t('documentation.publication')}</h2>
      <p data-testid="publication-state" data-published={documentation.published}>
        {documentation.published && documentation.publishedAt
          ? t('documentation.published', { date: formatStart(documentation.publishedAt, i18n.language, timeZone) })
          : t('documentation.unpublishedState')}
      </p>
      <button
        type="button"
        className={documentation.published ? undefined : 'primary'}
        disabled={busy}
        onClick={() => void publish(!documentation.published)}
      >
        {documentation.published ? t('documentation.unpublish') : t('documentation.publish')}
      </button>
      <FormError message={error} />
      <p role="status" className="muted">
        {status}
      </p>
    </section>
  );
}

/** Saves one text field of the documentation's settings (its length checked here first, as the server does). */
function useSettingsField(field: 'compiledBy' | 'nextSteps', max: number) {
  const { t } = useTranslation();
  const action = useDocumentationAction();
  const [fieldError, setFieldError] = useState<string | null>(null);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get(field) ?? '').trim();
    if (value.length > max) {
      setFieldError(t('errors.invalid_payload'));
      return;
    }
    setFieldError(null);
    const change = field === 'compiledBy' ? { compiledBy: value } : { nextSteps: value };
    void action.run(() => request(workshopSession.socket(), 'documentation:update', change), t('documentation.saved'));
  };
  return { ...action, fieldError, submit };
}

/** The title block: the workshop's facts as the documentation shows them, and who compiled it. */
export function TitleBlockCard({ documentation }: { documentation: DocumentationState }) {
  const { t, i18n } = useTranslation();
  const workshop = useAppStore((state) => state.workshop)!;
  const { error, status, busy, fieldError, submit } = useSettingsField('compiledBy', COMPILED_BY_MAX);
  const facts: [string, string][] = [
    [t('documentation.title'), workshop.title],
    [t('documentation.date'), formatStart(workshop.startsAt, i18n.language, workshop.timeZone)],
    [t('documentation.format'), t('documentation.formatOnline')],
    [t('documentation.moderation'), workshop.moderatorNames],
    [t('documentation.coModeration'), workshop.coModeratorNames],
    [t('documentation.description'), workshop.description],
  ];
  return (
    <section className="card" aria-labelledby="documentation-title-block-heading">
      <h2 id="documentation-title-block-heading">{t('documentation.titleBlock')}</h2>
      <p className="hint">{t('documentation.titleBlockHint')}</p>
      <dl className="documentation-facts">
        {facts
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      <form onSubmit={submit} noValidate className="inline-form">
        <TextField
          key={documentation.compiledBy}
          label={t('documentation.compiledBy')}
          hint={t('documentation.compiledByHint')}
          name="compiledBy"
          defaultValue={documentation.compiledBy}
          maxLength={COMPILED_BY_MAX}
          error={fieldError}
        />
        <button type="submit" disabled={busy}>
          {t('documentation.save')}
        </button>
      </form>
      <FormError message={error} />
      <p role="status" className="muted">
        {status}
      </p>
    </section>
  );
}

/**
 * "Wie geht es weiter": what happens after the workshop, as plain text (blank lines separate
 * paragraphs, lines starting with "- " become list items). Saved like "compiled by".
 */
export function NextStepsCard({ documentation }: { documentation: DocumentationState }) {
  const { t } = useTranslation();
  const { error, status, busy, fieldError, submit } = useSettingsField('nextSteps', NEXT_STEPS_MAX);
  return (
    <section className="card" aria-labelledby="documentation-next-steps-heading">
      <h2 id="documentation-next-steps-heading">{t('documentation.nextSteps')}</h2>
      <form onSubmit={submit} noValidate>
        <TextAreaField
          key={documentation.nextSteps}
          label={t('documentation.nextSteps')}
          hint={t('documentation.nextStepsHint')}
          name="nextSteps"
          defaultValue={documentation.nextSteps}
          maxLength={NEXT_STEPS_MAX}
          rows={6}
          error={fieldError}
        />
        <button type="submit" disabled={busy}>
          {t('documentation.save')}
        </button>
      </form>
      <FormError message={error} />
      <p role="status" className="muted">
        {status}
      </p>
    </section>
  );
}

/** Which sections the documentation holds: one switch per section. */
export function SectionsCard({ documentation }: { documentation: DocumentationState }) {
  const { t } = useTranslation();
  const { error, status, run } = useDocumentationAction();
  // A switch moves at once; the server's answer (or a refusal) settles it.
  const [pending, setPending] = useState<DocumentationSection[] | null>(null);
  const shown = pending ?? documentation.excluded;
  const toggle = (section: DocumentationSection, included: boolean) => {
    const excluded = included
      ? shown.filter((other) => other !== section)
      : DOCUMENTATION_SECTIONS.filter((other) => other === section || shown.includes(other));
    setPending(excluded);
    void run(() => request(workshopSession.socket(), 'documentation:update', { excluded }), t('documentation.saved')).finally(() =>
      setPending((current) => (current === excluded ? null : current)),
    );
  };
  return (
    <section className="card" aria-labelledby="documentation-sections-heading">
      <h2 id="documentation-sections-heading">{t('documentation.sections')}</h2>
      <fieldset className="documentation-sections">
        <legend className="hint">{t('documentation.sectionsHint')}</legend>
        {DOCUMENTATION_SECTIONS.map((section) => (
          <CheckboxField
            key={section}
            label={t(`documentation.sectionNames.${section}`)}
            checked={!shown.includes(section)}
            onChange={(event) => toggle(section, event.currentTarget.checked)}
          />
        ))}
      </fieldset>
      <FormError message={error} />
      <p role="status" className="muted">
        {status}
      </p>
    </section>
  );
}
