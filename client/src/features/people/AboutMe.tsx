import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '@werkraum/shared/limits';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useAppStore } from '../../store/index.js';
import { CheckboxField, TextField } from '../../ui/Field.js';
import { useErrorText } from '../../ui/errors.js';

/** A person's own settings: the name others see and whether it appears in the documentation. */
export function AboutMe() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const me = useAppStore((state) => (state.session ? state.peopleById[state.session.personId] : undefined));
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  if (!me) return null;

  const save = async (patch: { displayName?: string; listInDocumentation?: boolean; organisation?: string }) => {
    setError(null);
    setStatus('');
    try {
      await request(workshopSession.socket(), 'people:updateSelf', patch);
      setStatus(t('people.saved'));
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  const submitName = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const displayName = String(new FormData(event.currentTarget).get('displayName') ?? '').trim();
    if (!displayName) {
      setError(t('errors.required'));
      return;
    }
    void save({ displayName });
  };
  const submitOrganisation = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void save({ organisation: String(new FormData(event.currentTarget).get('organisation') ?? '').trim() });
  };

  return (
    <section className="card" aria-labelledby="about-me-heading">
      <h2 id="about-me-heading">{t('workshop.aboutMe')}</h2>
      <form onSubmit={submitName} noValidate className="inline-form">
        <TextField
          key={me.displayName}
          label={t('people.changeMyName')}
          name="displayName"
          defaultValue={me.displayName}
          maxLength={LIMITS.displayNameMax}
          error={error}
        />
        <button type="submit">{t('people.save')}</button>
      </form>
      <form onSubmit={submitOrganisation} noValidate className="inline-form">
        <TextField
          key={me.organisation ?? ''}
          label={t('people.myOrganisation')}
          hint={t('join.organisationHint')}
          name="organisation"
          autoComplete="organization"
          defaultValue={me.organisation ?? ''}
          maxLength={LIMITS.organisationMax}
        />
        <button type="submit">{t('people.save')}</button>
      </form>
      <CheckboxField
        label={t('people.listMe')}
        checked={me.listInDocumentation}
        onChange={(event) => void save({ listInDocumentation: event.currentTarget.checked })}
      />
      <p role="status" className="muted">
        {status}
      </p>
    </section>
  );
}
