import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '@werkraum/shared/roles';
import { setLanguage } from '../i18n/index.js';

/** Page frame: skip link, header with the app name and language switch, and the main region. */
export function AppShell({ children, headerExtra }: { children: ReactNode; headerExtra?: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <a className="skip-link" href="#content">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <a className="app-name" href="/">
          {t('app.name')}
        </a>
        <div className="app-header-extra">{headerExtra}</div>
        <div role="group" aria-label={t('app.language')} className="language-switch">
          {LANGUAGES.map((language: Language) => (
            <button
              key={language}
              type="button"
              lang={language}
              aria-pressed={i18n.language === language}
              onClick={() => setLanguage(language, true)}
            >
              {t(`app.languages.${language}`)}
            </button>
          ))}
        </div>
      </header>
      <main id="content" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
