import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '@werkraum/shared/roles';
import { useDocumentationState } from './useDocumentationState.js';
import { useAppStore } from '../../store/index.js';
import { AttachmentList } from './AttachmentsCard.js';
import { DocumentFrame } from './DocumentFrame.js';
import { ExportCard } from './ExportCard.js';

/** What participants see: the published documentation with its downloads, or word that it is not published yet. */
export function PublishedDocumentation({ workshopId }: { workshopId: string }) {
  const { t } = useTranslation();
  const { documentation, fallback } = useDocumentationState();
  const workshopLanguage = useAppStore((state) => state.workshop!.language);
  const [lang, setLang] = useState<Language>(workshopLanguage);

  if (!documentation) return fallback;
  if (!documentation.published) {
    return (
      <p role="status" className="card" data-testid="documentation-unpublished">
        {t('documentation.notPublished')}
      </p>
    );
  }
  const version = JSON.stringify([documentation.publishedAt, documentation.compiledBy, documentation.nextSteps, documentation.excluded, documentation.attachments.map((a) => a.id)]);
  const showAttachments = !documentation.excluded.includes('attachments') && documentation.attachments.length > 0;
  return (
    <div className="documentation-layout documentation-layout-reader">
      <section className="card documentation-preview" aria-label={t('documentation.documentFrame')}>
        <DocumentFrame workshopId={workshopId} lang={lang} version={version} title={t('documentation.documentFrame')} refreshLabel={t('documentation.refresh')} />
      </section>
      <div className="documentation-controls">
        {/* The server leaves out the sections the moderation switched off; participants cannot add them back. */}
        <ExportCard workshopId={workshopId} lang={lang} onLangChange={setLang} exclude={[]} />
        {showAttachments ? (
          <section className="card" aria-labelledby="documentation-attachments-heading">
            <h2 id="documentation-attachments-heading">{t('documentation.attachments')}</h2>
            <AttachmentList workshopId={workshopId} attachments={documentation.attachments} />
          </section>
        ) : null}
      </div>
    </div>
  );
}
