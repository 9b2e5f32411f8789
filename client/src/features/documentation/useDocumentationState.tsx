import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentationState } from '@werkraum/shared/protocol';
import { workshopSession } from '../../realtime/session.js';
import { useAppStore } from '../../store/index.js';

/**
 * The documentation's state from the store, read from the server when the view opens without it;
 * `fallback` is what to show meanwhile (loading, or unavailable with a retry).
 */
export function useDocumentationState(): { documentation: DocumentationState | null; fallback: ReactNode } {
  const { t } = useTranslation();
  const documentation = useAppStore((state) => state.documentation);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (useAppStore.getState().documentation) return;
    let cancelled = false;
    void workshopSession.loadDocumentation().then((ok) => !cancelled && setFailed(!ok));
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  if (documentation) return { documentation, fallback: null };
  if (failed) {
    return {
      documentation: null,
      fallback: (
        <div className="card">
          <p role="alert">{t('documentation.unavailable')}</p>
          <button type="button" onClick={() => setAttempt((count) => count + 1)}>
            {t('documentation.retry')}
          </button>
        </div>
      ),
    };
  }
  return { documentation: null, fallback: <p role="status">{t('documentation.loading')}</p> };
}
