import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, addCluster, addLabel, addStroke, boardBounds, readBoard, setCardsCluster, setSetting } from '@werkraum/shared/board';
import { renderBoardOutline, renderBoardPng, renderBoardSvg } from './render.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which follows the signature (length, "IHDR", width, height). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const CARD_TEXTS: Record<string, string> = {
  a: 'Mehr Pausen',
  b: 'Pünktlich anfangen',
  c: 'Reisekosten & <Budget>',
  d: '"Zitat" ohne Gruppe',
  e: 'Kaffee ☕',
};

function workshopBoard(): Y.Doc {
  const doc = new Y.Doc();
  const me = 'moderation';
  addCluster(doc, { id: 'k1', title: 'Zeit', x: 0, y: 0 }, me);
  addCluster(doc, { id: 'k2', title: 'Geld', x: 500, y: 0 }, me);
  addCard(doc, { id: 'a', text: CARD_TEXTS.a, authorName: 'Anna', x: 0, y: 400 }, me);
  addCard(doc, { id: 'b', text: CARD_TEXTS.b, color: 'green', authorName: 'Ben', x: 0, y: 400 }, me);
  addCard(doc, { id: 'c', text: CARD_TEXTS.c, color: 'orange', authorName: 'Cem', x: 0, y: 400 }, me);
  addCard(doc, { id: 'd', text: CARD_TEXTS.d, color: 'blue', authorName: 'Dana', x: 0, y: 300 }, me);
  addCard(doc, { id: 'e', text: CARD_TEXTS.e, color: 'white', authorName: 'Eva', x: 200, y: 300 }, me);
  setCardsCluster(doc, ['a', 'b'], 'k1', me);
  setCardsCluster(doc, ['c'], 'k2', me);
  addStroke(doc, { id: 's', points: [0, 500, 0.5, 80, 520, 0.6, 160, 500, 0.5], color: '#b91c1c', size: 8 }, me);
  addLabel(doc, { id: 'l', text: 'Parkplatz', x: 500, y: 300 }, me);
  return doc;
}

describe('renderBoardSvg', () => {
  it('contains every card text, escaped', () => {
    const svg = renderBoardSvg(workshopBoard(), { votes: { a: 2 } });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('>Mehr Pausen</tspan>');
    expect(svg).toContain('>Pünktlich</tspan><tspan x="10" y="44.4">anfangen</tspan>');
    expect(svg).toContain('>Reisekosten &amp;</tspan><tspan x="10" y="44.4">&lt;Budget&gt;</tspan>');
    expect(svg).toContain('>&quot;Zitat&quot; ohne</tspan><tspan x="10" y="44.4">Gruppe</tspan>');
    expect(svg).toContain('>Kaffee ☕</tspan>');
    expect(svg).not.toContain('<Budget>');
    expect(svg).toContain('data-role="votes"');
    expect(svg).toContain('>Anna</text>');
  });

  it('follows the board setting for authors and shows no dots without votes', () => {
    const doc = workshopBoard();
    setSetting(doc, 'showAuthors', false);
    const svg = renderBoardSvg(doc);
    expect(svg).not.toContain('data-role="author"');
    expect(svg).not.toContain('data-role="votes"');
    expect(renderBoardSvg(doc, { showAuthors: true })).toContain('>Anna</text>');
  });
});

describe('renderBoardPng', () => {
  it('renders a PNG of the requested width with the board aspect ratio', () => {
    const doc = workshopBoard();
    const b = boardBounds(readBoard(doc));
    const png = renderBoardPng(doc, { votes: { a: 2 } });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 1600, height: Math.round((1600 * (b.maxY - b.minY)) / (b.maxX - b.minX)) });
    expect(pngSize(renderBoardPng(doc, { width: 400 })).width).toBe(400);
  });

  it('renders an empty board and text XML cannot carry', () => {
    expect(pngSize(renderBoardPng(new Y.Doc(), { width: 200 }))).toEqual({ width: 200, height: 200 });
    const doc = new Y.Doc();
    addCard(doc, { text: 'bell \u0007 and lone \uD800 surrogate', x: 0, y: 0 });
    expect([...renderBoardPng(doc).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });
});

describe('renderBoardOutline', () => {
  it('lists clusters with their cards and dots, most dots first', () => {
    const votes = { a: 1, b: 3, c: 2, k2: 3, e: 1 };
    expect(renderBoardOutline(workshopBoard(), votes)).toBe(
      [
        '## Geld (5 dots)',
        '',
        '- Reisekosten \\& \\<Budget\\> (2 dots) — Cem',
        '',
        '## Zeit (4 dots)',
        '',
        '- Pünktlich anfangen (3 dots) — Ben',
        '- Mehr Pausen (1 dot) — Anna',
        '',
        '## Unclustered',
        '',
        '- Kaffee ☕ (1 dot) — Eva',
        '- "Zitat" ohne Gruppe — Dana',
        '',
      ].join('\n'),
    );
  });

  it('takes language and author options', () => {
    const text = renderBoardOutline(workshopBoard(), { k1: 1 }, { showAuthors: false, unclustered: 'Ohne Gruppe', dots: (n) => `${n} Punkt${n === 1 ? '' : 'e'}` });
    expect(text.split('\n').filter((l) => l.startsWith('## '))).toEqual(['## Zeit (1 Punkt)', '## Geld', '## Ohne Gruppe']);
    expect(text).not.toContain('—');
  });
});
