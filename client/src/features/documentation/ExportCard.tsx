import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DOCUMENTATION_FORMATS, type DocumentationFormat, type DocumentationSection } from '@werkraum/shared/documentationFormat';
import { LANGUAGES, type Language } from '@werkraum/shared/roles';
import { formatStart } from '../../app/format.js';
import { useAppStore } from '../../store/index.js';
import { FormError } from '../../ui/FormError.js';
import { exportDocumentation, saveFile } from './documentationApi.js';
import { useDocumentationErrorText } from './useDocumentationErrorText.js';

/** Formats that take a while (a browser prints the PDF; the ZIP holds every format): they show a progress bar. */
const SLOW_FORMATS: ReadonlySet<DocumentationFormat> = new Set(['pdf', 'zip']);

/**
 * One download button per format and the document's language (independent of the UI language).
 * The language is the caller's state, so the preview shows the same language.
 */
export function ExportCard({
  workshopId,
  lang,
  onLangChange,
  exclude,
}: {
  workshopId: string;
  lang: Language;
  onLangChange: (lang: Language) => void;
  exclude: readonly DocumentationSection[];
}) {
  const { t, i18n } = useTranslation();
  const errorText = useDocumentationErrorText();
  const languageId = useId();
  const dateFieldId = useId();
  // A series documents the current date, one held before, or all held dates in one document.
  const series = useAppStore((state) => state.series);
  const dates = series?.dates.filter((date) => date.status !== 'upcoming') ?? [];
  const timeZone = useAppStore((state) => state.workshop?.timeZone ?? null);
  const [dateId, setDateId] = useState('');
  const [running, setRunning] = useState<DocumentationFormat | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);

  const download = async (format: DocumentationFormat) => {
    const formatName = t(`documentation.formats.${format}`);
    setRunning(format);
    setError(null);
    setStatus(t('documentation.preparing', { format: formatName }));
    try {
      const file = await exportDocumentation(workshopId, { format, lang, exclude, ...(dateId ? { dateId } : {}) });
      saveFile(file);
      setStatus(t('documentation.downloaded', { file: file.fileName }));
    } catch (failure) {
      setStatus('');
      setError(t('documentation.exportFailed', { format: formatName, reason: errorText(failure) }));
    } finally {
      setRunning(null);
    }
  };

  return (
    <section className="card" aria-labelledby="documentation-export-heading" aria-busy={running !== null}>
      <h2 id="documentation-export-heading">{t('documentation.export')}</h2>
      <p className="hint">{t('documentation.exportHint')}</p>
      <div className="field">
        <label htmlFor={languageId}>{t('documentation.exportLanguage')}</label>
        <select id={languageId} value={lang} onChange={(event) => onLangChange(event.currentTarget.value as Language)}>
          {LANGUAGES.map((language) => (
            <option key={language} value={language} lang={language}>
              {t(`app.languages.${language}`)}
            </option>
          ))}
        </select>
      </div>
      {dates.length > 1 ? (
        <div className="field">
          <label htmlFor={dateFieldId}>{t('documentation.exportDate')}</label>
          <select id={dateFieldId} value={dateId} onChange={(event) => setDateId(event.currentTarget.value)}>
            {dates.map((date) => (
              <option key={date.id} value={date.status === 'current' ? '' : date.id}>
                {formatStart(date.startsAt, i18n.language, timeZone)}
                {date.status === 'current' ? ` (${t('series.status.current')})` : ''}
              </option>
            ))}
            <option value="all">{t('documentation.exportAllDates')}</option>
          </select>
        </div>
      ) : null}
      <div className="documentation-formats">
        {DOCUMENTATION_FORMATS.map((format) => (
          <button
            key={format}
            type="button"
            className={format === 'pdf' ? 'primary' : undefined}
            disabled={running !== null}
            data-format={format}
            onClick={() => void download(format)}
            aria-label={t('documentation.downloadFormat', { format: t(`documentation.formats.${format}`) })}
          >
            {t(`documentation.formats.${format}`)}
          </button>
        ))}
      </div>
      {running && SLOW_FORMATS.has(running) ? (
        <progress className="documentation-progress" aria-label={t('documentation.preparing', { format: t(`documentation.formats.${running}`) })} />
      ) : null}
      <p role="status" aria-live="polite" className="muted" data-testid="export-status">
        {status}
      </p>
      <FormError message={error} />
    </section>
  );
}
