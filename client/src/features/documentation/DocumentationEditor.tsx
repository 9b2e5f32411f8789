import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '@werkraum/shared/roles';
import { useDocumentationState } from './useDocumentationState.js';
import { useAppStore } from '../../store/index.js';
import { AttachmentsCard } from './AttachmentsCard.js';
import { DocumentFrame } from './DocumentFrame.js';
import { ExportCard } from './ExportCard.js';
import { NextStepsCard, PublishCard, SectionsCard, TitleBlockCard } from './SettingsCards.js';
import { SummaryEditor } from './SummaryEditor.js';
import { useSummaryDocument } from './useSummaryDocument.js';

/** How long the summary must rest before the preview reads the document again. */
const PREVIEW_QUIET_MS = 1500;

/** The moderation's documentation view: publication, downloads, title block, sections, summary, next steps, attachments, and a live preview. */
export function DocumentationEditor({ workshopId }: { workshopId: string }) {
  const { t } = useTranslation();
  const { documentation, fallback } = useDocumentationState();
  const workshopLanguage = useAppStore((state) => state.workshop!.language);
  const session = useAppStore((state) => state.session!);
  const name = useAppStore((state) => state.peopleById[state.session!.personId]?.displayName ?? '');
  const [lang, setLang] = useState<Language>(workshopLanguage);
  const { handle } = useSummaryDocument(workshopId, session.personId);
  const [summaryVersion, setSummaryVersion] = useState(0);
  const [workshopVersion, setWorkshopVersion] = useState(0);
  const workshopFacts = useAppStore((state) => state.workshop);
  const agenda = useAppStore((state) => state.agenda);
  const rounds = useAppStore((state) => state.rounds);
  const polls = useAppStore((state) => state.polls);

  // The preview also follows the workshop itself (agenda and its run, rounds, polls), once changes pause.
  const seenWorkshop = useRef(false);
  useEffect(() => {
    if (!seenWorkshop.current) {
      seenWorkshop.current = true;
      return;
    }
    const timer = setTimeout(() => setWorkshopVersion((count) => count + 1), PREVIEW_QUIET_MS);
    return () => clearTimeout(timer);
  }, [workshopFacts, agenda, rounds, polls]);

  // The preview follows the summary once writing pauses.
  useEffect(() => {
    if (!handle) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onUpdate = () => {
      clearTimeout(timer);
      timer = setTimeout(() => setSummaryVersion((count) => count + 1), PREVIEW_QUIET_MS);
    };
    handle.doc.on('update', onUpdate);
    return () => {
      clearTimeout(timer);
      handle.doc.off('update', onUpdate);
    };
  }, [handle]);

  if (!documentation) return fallback;
  const version = JSON.stringify([documentation.compiledBy, documentation.nextSteps, documentation.attachments.map((attachment) => attachment.id), summaryVersion, workshopVersion]);
  return (
    <div className="documentation-layout">
      <div className="documentation-controls">
        <PublishCard documentation={documentation} />
        <ExportCard workshopId={workshopId} lang={lang} onLangChange={setLang} exclude={documentation.excluded} />
        <TitleBlockCard documentation={documentation} />
        <SectionsCard documentation={documentation} />
        <SummaryEditor handle={handle} user={{ personId: session.personId, name }} />
        <NextStepsCard documentation={documentation} />
        <AttachmentsCard workshopId={workshopId} attachments={documentation.attachments} />
      </div>
      <section className="card documentation-preview" aria-labelledby="documentation-preview-heading">
        <h2 id="documentation-preview-heading">{t('documentation.preview')}</h2>
        <DocumentFrame workshopId={workshopId} lang={lang} exclude={documentation.excluded} version={version} title={t('documentation.previewFrame')} />
      </section>
    </div>
  );
}
