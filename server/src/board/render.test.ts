import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, addCluster, addLabel, addStroke, boardBounds, readBoard, setCardsCluster, setSetting } from '@werkraum/shared/board';
import {
  BOARD_PNG_MAX_PIXELS,
  BOARD_PNG_MAX_SIDE,
  BoardRasterizer,
  pngZoom,
  renderBoardOutline,
  renderBoardPng,
  renderBoardSvg,
} from './render.js';

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
  const rasterizer = new BoardRasterizer();
  afterAll(() => rasterizer.close());

  it('renders a PNG of the requested width with the board aspect ratio', async () => {
    const doc = workshopBoard();
    const b = boardBounds(readBoard(doc));
    const png = await renderBoardPng(doc, { votes: { a: 2 }, rasterizer });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 1600, height: Math.round((1600 * (b.maxY - b.minY)) / (b.maxX - b.minX)) });
    expect(pngSize(await renderBoardPng(doc, { width: 400, rasterizer })).width).toBe(400);
  });

  it('renders an empty board and text XML cannot carry', async () => {
    expect(pngSize(await renderBoardPng(new Y.Doc(), { width: 200, rasterizer }))).toEqual({ width: 200, height: 200 });
    const doc = new Y.Doc();
    addCard(doc, { text: 'bell \u0007 and lone \uD800 surrogate', x: 0, y: 0 });
    expect([...(await renderBoardPng(doc, { rasterizer })).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  /** Sets raw numbers on a stored item, as a client writing straight into the document could. */
  function forge(doc: Y.Doc, id: string, fields: Record<string, number>): void {
    const item = doc.getMap('items').get(id) as Y.Map<unknown>;
    for (const [key, value] of Object.entries(fields)) item.set(key, value);
  }

  const withinBounds = (png: Buffer) => {
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(0);
    expect(height).toBeGreaterThan(0);
    expect(width).toBeLessThanOrEqual(BOARD_PNG_MAX_SIDE);
    expect(height).toBeLessThanOrEqual(BOARD_PNG_MAX_SIDE);
    expect(width * height).toBeLessThanOrEqual(BOARD_PNG_MAX_PIXELS);
    return { width, height };
  };

  it('keeps the picture bounded for a card a billion units tall', async () => {
    const doc = workshopBoard();
    addCard(doc, { id: 'tall', text: 'tall', x: 0, y: 0 });
    forge(doc, 'tall', { h: 1e9 });
    withinBounds(await renderBoardPng(doc, { rasterizer }));
  });

  it('draws a card far below the others on a bounded canvas', async () => {
    const doc = workshopBoard();
    addCard(doc, { id: 'low', text: 'far down', x: 0, y: 0 });
    forge(doc, 'low', { y: 60_000 });
    const { width, height } = withinBounds(await renderBoardPng(doc, { rasterizer }));
    expect(height).toBeGreaterThan(width);
  });

  it('leaves out a card at x = 1e8 instead of failing or drawing a strip', async () => {
    const doc = workshopBoard();
    addCard(doc, { id: 'far', text: 'far away', x: 0, y: 0 });
    forge(doc, 'far', { x: 1e8 });
    const b = boardBounds(readBoard(workshopBoard()));
    expect(renderBoardSvg(doc)).not.toContain('far away');
    const { width, height } = withinBounds(await renderBoardPng(doc, { rasterizer }));
    expect(width).toBe(1600);
    expect(height).toBe(Math.round((1600 * (b.maxY - b.minY)) / (b.maxX - b.minX)));
  });

  it('scales a column of 40 cards down to the pixel budget', async () => {
    const doc = new Y.Doc();
    for (let i = 0; i < 40; i++) addCard(doc, { id: `c${i}`, text: `Karte ${i}`, x: 0, y: i * 800 });
    const { width, height } = withinBounds(await renderBoardPng(doc, { rasterizer }));
    expect(width).toBeLessThan(1600);
    expect(height).toBeGreaterThan(width * 100);
  });

  it('never asks for an empty canvas', () => {
    for (const [w, h] of [[1, 1], [1, 1e9], [1e9, 1], [0, 0], [240, 210_000]] as const) {
      const zoom = pngZoom(w, h);
      expect(Math.round(Math.max(1, w) * zoom)).toBeGreaterThanOrEqual(1);
      expect(Math.round(Math.max(1, h) * zoom)).toBeGreaterThanOrEqual(1);
    }
  });

  it('answers a second request for the same board version from the cache', async () => {
    const doc = workshopBoard();
    addCard(doc, { id: 'cached', text: 'once', x: 900, y: 900 });
    const first = await renderBoardPng(doc, { rasterizer });
    expect(await renderBoardPng(doc, { rasterizer })).toBe(first);
    addCard(doc, { id: 'changed', text: 'twice', x: 900, y: 700 });
    expect(await renderBoardPng(doc, { rasterizer })).not.toBe(first);
  });

  it('stops a render that takes too long, and the next one works on a fresh worker', async () => {
    const slow = new BoardRasterizer({ timeoutMs: 1, cacheEntries: 0 });
    try {
      const doc = new Y.Doc();
      for (let i = 0; i < 300; i++) addCard(doc, { id: `s${i}`, text: 'Viel Text '.repeat(40), x: (i % 20) * 200, y: Math.floor(i / 20) * 150 });
      await expect(renderBoardPng(doc, { rasterizer: slow, width: 8000 })).rejects.toMatchObject({ reason: 'timeout' });
      expect(slow.workersStarted).toBe(1);
    } finally {
      await slow.close();
    }
    const small = await renderBoardPng(workshopBoard(), { rasterizer, width: 300 });
    expect(pngSize(small).width).toBe(300);
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
