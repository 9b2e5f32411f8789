import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '@werkraum/shared/limits';
import type { LinkInfo } from '@werkraum/shared/protocol';
import { AppShell } from '../../app/AppShell.js';
import { formatStart } from '../../app/format.js';
import { navigate } from '../../app/router.js';
import { setLanguage, storedLanguage } from '../../i18n/index.js';
import { loadIdentity, type StoredIdentity } from '../../realtime/identity.js';
import { workshopSession } from '../../realtime/session.js';
import { RequestError } from '../../realtime/socket.js';
import { CheckboxField, TextField } from '../../ui/Field.js';
import { useErrorText } from '../../ui/errors.js';
import { FormError } from '../../ui/FormError.js';

/** The secret of a join link lives in the fragment, so it never reaches server logs or referrers. */
function linkSecretFromHash(): string {
  return decodeURIComponent(location.hash.replace(/^#/, ''));
}

/**
 * Where a join link lands: shows the workshop and the role, asks for a name (no account), and
 * resumes at once when this browser already joined through the same link.
 */
export function JoinPage({ workshopId }: { workshopId: string }) {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const [linkSecret] = useState(linkSecretFromHash);
  const [identity] = useState<StoredIdentity | null>(() => loadIdentity(workshopId));
  const [link, setLink] = useState<LinkInfo | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const enterWorkshop = () => navigate(`/w/${workshopId}`, { replace: true });

  useEffect(() => {
    if (identity && identity.linkSecret === linkSecret) {
      enterWorkshop();
      return;
    }
    if (!linkSecret) {
      setLoadError(t('join.missingSecret'));
      return;
    }
    let cancelled = false;
    workshopSession.inspectLink(workshopId, linkSecret).then(
      (info) => {
        if (cancelled) return;
        if (!storedLanguage()) setLanguage(info.language, false);
        setLink(info);
        requestAnimationFrame(() => heading.current?.focus());
      },
      (error: unknown) => !cancelled && setLoadError(errorText(error)),
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workshopId, linkSecret]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const displayName = String(form.get('displayName') ?? '').trim();
    const organisation = String(form.get('organisation') ?? '').trim();
    setFormError(null);
    if (!displayName) {
      setNameError(t('errors.required'));
      (event.currentTarget.elements.namedItem('displayName') as HTMLElement | null)?.focus();
      return;
    }
    setNameError(null);
    setBusy(true);
    try {
      await workshopSession.join({
        workshopId,
        linkSecret,
        displayName,
        listInDocumentation: form.get('listInDocumentation') === 'on',
        ...(organisation ? { organisation } : {}),
      });
      enterWorkshop();
    } catch (error) {
      if (error instanceof RequestError && error.error.field === 'displayName') setNameError(errorText(error));
      else setFormError(errorText(error));
      setBusy(false);
    }
  };

  if (loadError) {
    return (
      <AppShell>
        <h1>{t('app.name')}</h1>
        <FormError message={loadError} />
      </AppShell>
    );
  }
  if (!link) {
    return (
      <AppShell>
        <p role="status">{t('join.checking')}</p>
      </AppShell>
    );
  }
  return (
    <AppShell>
      <h1 ref={heading} tabIndex={-1}>
        {t('join.heading', { title: link.title })}
      </h1>
      <p>{t('join.startsAt', { date: formatStart(link.startsAt, i18n.language, link.timeZone) })}</p>
      <p className="role-note">{t('join.youJoinAs', { role: t(`roles.${link.role}`) })}</p>
      {identity ? (
        <div className="card">
          <p>{t('join.alreadyJoined', { name: identity.displayName, role: t(`roles.${identity.role}`) })}</p>
          <button type="button" className="primary" onClick={enterWorkshop}>
            {t('join.continueAs', { name: identity.displayName })}
          </button>
          <p>{t('join.joinAsNew')}</p>
        </div>
      ) : null}
      <form className="card form" onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          label={t('join.name')}
          hint={t('join.nameHint')}
          name="displayName"
          autoComplete="name"
          required
          maxLength={LIMITS.displayNameMax}
          error={nameError}
          autoFocus={!identity}
        />
        <TextField
          label={t('join.organisation')}
          hint={t('join.organisationHint')}
          name="organisation"
          autoComplete="organization"
          maxLength={LIMITS.organisationMax}
        />
        <CheckboxField label={t('join.listInDocumentation')} name="listInDocumentation" />
        <FormError message={formError} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('join.submitting') : t('join.submit')}
        </button>
      </form>
    </AppShell>
  );
}
