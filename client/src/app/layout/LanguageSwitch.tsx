import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '@werkraum/shared/roles';
import { setLanguage } from '../../i18n/index.js';

/** The language buttons of the top bar; the choice is remembered over a workshop's default. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
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
  );
}
