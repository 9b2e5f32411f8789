import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './layout/LanguageSwitch.js';

/** Page frame: skip link, header with the app name and language switch, and the main region. */
export function AppShell({ children, headerExtra }: { children: ReactNode; headerExtra?: ReactNode }) {
  const { t } = useTranslation();
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
        <LanguageSwitch />
      </header>
      <main id="content" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
