import hyphenDe from 'hyphen/de/index.js';
import hyphenEn from 'hyphen/en/index.js';
import type { BoardSnapshot, Hyphenate, OutlineOptions } from '@werkraum/shared/board';
import type { Language } from '@werkraum/shared/roles';

/** The words of board exports (outline, SVG, PNG) in the workshop's language, and how its words break. */
export interface BoardExportText {
  outline: Required<Pick<OutlineOptions, 'unclustered' | 'untitled' | 'dots'>>;
  /** Accessible name of the picture. */
  title: string;
  /** Accessible description of the picture: what it holds. */
  description(snapshot: BoardSnapshot): string;
  hyphenate: Hyphenate;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Remembers hyphenated words (boards repeat words a lot); forgets everything past a few thousand. */
function remembered(hyphenate: (word: string) => string): Hyphenate {
  const cache = new Map<string, string>();
  return (word) => {
    let result = cache.get(word);
    if (result === undefined) {
      if (cache.size >= 5_000) cache.clear();
      result = hyphenate(word);
      cache.set(word, result);
    }
    return result;
  };
}

const TEXT: Record<Language, BoardExportText> = {
  de: {
    outline: { unclustered: 'In keinem Cluster', untitled: 'Ohne Titel', dots: (n) => count(n, 'Punkt', 'Punkte') },
    title: 'Pinnwand',
    description: (board) =>
      [
        count(board.clusters.length, 'Cluster', 'Cluster'),
        count(board.cards.length, 'Karte', 'Karten'),
        count(board.strokes.length, 'Zeichnung', 'Zeichnungen'),
        count(board.labels.length, 'Beschriftung', 'Beschriftungen'),
      ].join(', '),
    hyphenate: remembered((word) => hyphenDe.hyphenateSync(word)),
  },
  en: {
    outline: { unclustered: 'Not in a cluster', untitled: 'Untitled', dots: (n) => count(n, 'dot', 'dots') },
    title: 'Board',
    description: (board) =>
      [
        count(board.clusters.length, 'cluster', 'clusters'),
        count(board.cards.length, 'card', 'cards'),
        count(board.strokes.length, 'drawing', 'drawings'),
        count(board.labels.length, 'label', 'labels'),
      ].join(', '),
    hyphenate: remembered((word) => hyphenEn.hyphenateSync(word)),
  },
};

/** The export words of a workshop language (English for anything unknown). */
export function boardExportText(language: string): BoardExportText {
  return TEXT[language as Language] ?? TEXT.en;
}
