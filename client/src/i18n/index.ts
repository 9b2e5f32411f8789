import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '@werkraum/shared/roles';
import { de } from './de.js';
import { en, type Messages } from './en.js';

const STORAGE_KEY = 'werkraum:language';

/** The language the person chose before, if any. */
export function storedLanguage(): Language | null {
  const value = localStorage.getItem(STORAGE_KEY);
  return value === 'de' || value === 'en' ? value : null;
}

/** The language to start with: the person's choice, else the browser's if English, else German. */
function initialLanguage(): Language {
  return storedLanguage() ?? (navigator.language.toLowerCase().startsWith('en') ? 'en' : 'de');
}

/** Switches the UI language; `remember` keeps it as the person's choice over a workshop's default. */
export function setLanguage(language: Language, remember: boolean): void {
  if (remember) localStorage.setItem(STORAGE_KEY, language);
  void i18next.changeLanguage(language);
}

i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

void i18next.use(initReactI18next).init({
  resources: { de: { translation: de }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: 'de',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18next.language;

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Messages };
  }
}

export { i18next };
