import { useEffect, useState } from 'react';
import type { Hyphenate } from '@werkraum/shared/board';
import { useAppStore } from '../../store/index.js';

const loaded = new Map<string, Promise<Hyphenate>>();

/** Loads the hyphenation patterns of a language once (about 90 kB compressed: only when a board needs them). */
function loadHyphenate(language: string): Promise<Hyphenate> {
  let pending = loaded.get(language);
  if (!pending) {
    pending = (language === 'de' ? import('hyphen/de/index.js') : import('hyphen/en/index.js')).then(
      (module) => (word: string) => module.default.hyphenateSync(word),
    );
    loaded.set(language, pending);
  }
  return pending;
}

/**
 * How words on board cards may break, in the workshop's language (the browser's own `hyphens: auto`
 * does not apply to SVG text and needs dictionaries that are not always installed). Undefined until
 * the patterns are loaded: cards then break long words only where they must. `needed` is false
 * while no card has a word long enough to break, so a board of short words never loads them.
 */
export function useHyphenate(needed = true): Hyphenate | undefined {
  const language = useAppStore((state) => state.workshop?.language ?? 'de');
  const [hyphenate, setHyphenate] = useState<{ language: string; run: Hyphenate } | undefined>(undefined);
  useEffect(() => {
    if (!needed) return;
    let current = true;
    loadHyphenate(language).then(
      (run) => {
        if (current) setHyphenate({ language, run });
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [language, needed]);
  return hyphenate?.language === language ? hyphenate.run : undefined;
}
