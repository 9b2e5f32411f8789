import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentationSection } from '@werkraum/shared/protocol';
import type { Language } from '@werkraum/shared/roles';
import { FormError } from '../../ui/FormError.js';
import { documentationHtml } from './documentationApi.js';
import { useDocumentationErrorText } from './useDocumentationErrorText.js';

/**
 * The documentation's HTML as the server renders it, in a sandboxed frame (no scripts, no
 * same-origin access), read again whenever `version` changes and on the refresh button.
 */
export function DocumentFrame({
  workshopId,
  lang,
  exclude,
  version,
  title,
  refreshLabel,
}: {
  workshopId: string;
  lang: Language;
  exclude?: readonly DocumentationSection[];
  /** Anything that changes when the document may have changed. */
  version: string;
  /** The frame's accessible name. */
  title: string;
  /** The refresh button's text, when not "refresh preview". */
  refreshLabel?: string;
}) {
  const { t } = useTranslation();
  const errorText = useDocumentationErrorText();
  const [html, setHtml] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [refreshes, setRefreshes] = useState(0);
  const announced = useRef(false);
  const excludeKey = exclude?.join(',');

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    documentationHtml(workshopId, { lang, exclude: excludeKey === undefined ? [] : (excludeKey.split(',').filter(Boolean) as DocumentationSection[]) }, controller.signal).then(
      (text) => {
        setHtml(text);
        setLoading(false);
        // Automatic refreshes stay quiet; one the person asked for is confirmed.
        if (announced.current) setStatus(t('documentation.previewUpdated'));
        announced.current = false;
      },
      (failure: unknown) => {
        if ((failure as Error).name === 'AbortError') return;
        setLoading(false);
        setError(errorText(failure));
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workshopId, lang, excludeKey, version, refreshes]);

  return (
    <div className="document-frame" data-loading={loading}>
      <div className="document-frame-bar">
        <button
          type="button"
          onClick={() => {
            announced.current = true;
            setStatus(t('documentation.previewLoading'));
            setRefreshes((count) => count + 1);
          }}
        >
          {refreshLabel ?? t('documentation.refreshPreview')}
        </button>
        <p role="status" className="muted">
          {status}
        </p>
      </div>
      <FormError message={error} />
      {html !== null ? (
        <iframe className="document-frame-view" title={title} sandbox="" srcDoc={html} data-testid="document-frame" />
      ) : !error ? (
        <p className="muted">{t('documentation.previewLoading')}</p>
      ) : null}
    </div>
  );
}
