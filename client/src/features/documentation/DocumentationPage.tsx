import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isFacilitator } from '@werkraum/shared/roles';
import { AppShell } from '../../app/AppShell.js';
import { setLanguage, storedLanguage } from '../../i18n/index.js';
import { loadIdentity } from '../../realtime/identity.js';
import { workshopSession } from '../../realtime/session.js';
import { useAppStore } from '../../store/index.js';
import { FormError } from '../../ui/FormError.js';
import { ConnectionBadge } from '../plenary/ConnectionBadge.js';
import { DocumentationEditor } from './DocumentationEditor.js';
import { PublishedDocumentation } from './PublishedDocumentation.js';

/**
 * The workshop's documentation on a page of its own (`/w/:id/documentation`): the moderation
 * edits, previews, publishes and downloads it; participants read and download it once published.
 */
export function DocumentationPage({ workshopId }: { workshopId: string }) {
  const { t } = useTranslation();
  const session = useAppStore((state) => state.session);
  const workshop = useAppStore((state) => state.workshop);
  const problem = useAppStore((state) => state.problem);
  const heading = useRef<HTMLHeadingElement>(null);
  const hasIdentity = loadIdentity(workshopId) !== null;
  const ready = Boolean(session && session.workshopId === workshopId && workshop);

  useEffect(() => {
    workshopSession.open(workshopId);
  }, [workshopId]);

  useEffect(() => {
    if (workshop && !storedLanguage()) setLanguage(workshop.language, false);
  }, [workshop]);

  // Arriving from the workshop page, the focus starts at the page's heading.
  useEffect(() => {
    if (ready) heading.current?.focus();
  }, [ready]);

  if (problem) {
    return (
      <AppShell>
        <h1>{workshop?.title ?? t('app.name')}</h1>
        <FormError message={t(`errors.${problem.code}` as 'errors.internal', { defaultValue: t('errors.internal') })} />
      </AppShell>
    );
  }
  if (!session || session.workshopId !== workshopId || !workshop) {
    return (
      <AppShell headerExtra={<ConnectionBadge />}>
        <p role="status">{hasIdentity ? t('workshop.loading') : t('workshop.notJoined')}</p>
      </AppShell>
    );
  }
  return (
    <AppShell headerExtra={<ConnectionBadge />}>
      <nav aria-label={t('documentation.link')} className="documentation-nav">
        <a href={`/w/${encodeURIComponent(workshopId)}`}>{t('documentation.back')}</a>
      </nav>
      <h1 ref={heading} tabIndex={-1}>
        {t('documentation.heading', { title: workshop.title })}
      </h1>
      {isFacilitator(session.role) ? <DocumentationEditor workshopId={workshopId} /> : <PublishedDocumentation workshopId={workshopId} />}
    </AppShell>
  );
}
