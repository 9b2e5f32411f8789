import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, addCluster, addLabel, addStroke, readBoard, CARD_COLORS } from './model.js';
import type { BoardSnapshot } from './model.js';
import {
  boardScene,
  CARD_PALETTE,
  contrastRatio,
  escapeXml,
  SCENE_COLORS,
  strokePath,
  svgPathFromStroke,
  svgToString,
  wrapText,
} from './scene.js';
import type { SvgNode } from './scene.js';

function all(node: SvgNode, match: (n: SvgNode) => boolean): SvgNode[] {
  const found: SvgNode[] = match(node) ? [node] : [];
  for (const child of node.children) if (typeof child !== 'string') found.push(...all(child, match));
  return found;
}

function item(scene: SvgNode, id: string): SvgNode {
  const [found] = all(scene, (n) => n.attrs['data-item-id'] === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
}

/** All text below a node, tspans joined by '|'. */
function textOf(node: SvgNode): string {
  return node.children.map((c) => (typeof c === 'string' ? c : textOf(c))).filter((t) => t !== '').join('|');
}

function kinds(scene: SvgNode): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const g of all(scene, (n) => typeof n.attrs['data-kind'] === 'string')) {
    const kind = g.attrs['data-kind'] as string;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** Two clusters (a, b in "Zeit"; c in "Geld"), two cards outside, a stroke and a label. */
function board(): BoardSnapshot {
  const doc = new Y.Doc();
  doc.clientID = 1;
  addCluster(doc, { id: 'k1', title: 'Zeit', x: 0, y: 0 });
  addCluster(doc, { id: 'k2', title: 'Geld', x: 400, y: 0 });
  addCard(doc, { id: 'a', text: 'Mehr Pausen', authorName: 'Anna', x: 0, y: 0, clusterId: 'k1' });
  addCard(doc, { id: 'b', text: 'Pünktlich', color: 'green', authorName: 'Ben', x: 0, y: 0, clusterId: 'k1' });
  addCard(doc, { id: 'c', text: 'Budget', color: 'blue', x: 0, y: 0, clusterId: 'k2' });
  addCard(doc, { id: 'd', text: '<script>alert(1)</script>', color: 'pink', x: 0, y: 300, w: 320 });
  addCard(doc, { id: 'e', text: 'a & b "c"', color: 'white', authorName: 'Eva <eva@example.org>', x: 200, y: 300 });
  addStroke(doc, { id: 's', points: [0, 400, 0.5, 50, 420, 0.5, 100, 410, 0.5], color: '#2563eb', size: 6 });
  addLabel(doc, { id: 'l', text: 'Parkplatz', x: 600, y: 300 });
  return readBoard(doc);
}

describe('boardScene', () => {
  it('draws one group per item, with data-item-id and data-kind', () => {
    const scene = boardScene(board(), { showVotes: true, showAuthors: true, votes: { a: 3, k2: 2, d: 0 } });
    expect(scene.tag).toBe('svg');
    expect(kinds(scene)).toEqual({ cluster: 2, card: 5, stroke: 1, label: 1 });
    // Clusters in their own layer below the others.
    const [clusters, items] = all(scene, (n) => n.attrs['data-layer'] !== undefined);
    expect(clusters!.children.map((c) => (c as SvgNode).attrs['data-item-id'])).toEqual(['k1', 'k2']);
    expect(items!.children.map((c) => (c as SvgNode).attrs['data-item-id'])).toEqual(['a', 'b', 'c', 'd', 'e', 's', 'l']);
    // Title and description first.
    expect(scene.children.slice(0, 2)).toEqual([
      { tag: 'title', attrs: {}, children: ['Board'] },
      { tag: 'desc', attrs: {}, children: ['2 clusters, 5 cards, 1 drawing, 1 label'] },
    ]);
    // Fit all, 40 padding: from the stroke's left edge (x 0 - 3) and the clusters' top (y 0)
    // to cluster "Geld" (400 + 364) and the stroke's bottom edge (420 + 3).
    expect(scene.attrs).toMatchObject({ viewBox: '-43 -40 847 503', width: 847, height: 503 });
  });

  it('draws a yellow card as a palette rect with border, wrapped text, author and vote badge', () => {
    const scene = boardScene(board(), { showVotes: true, showAuthors: true, votes: { a: 3, k2: 2, d: 0 } });
    const a = item(scene, 'a');
    expect(a.attrs).toEqual({ 'data-item-id': 'a', 'data-kind': 'card', transform: 'translate(16 48)', 'data-cluster-id': 'k1' });
    const [rect] = all(a, (n) => n.tag === 'rect');
    expect(rect!.attrs).toEqual({ width: 160, height: 100, rx: 3, fill: '#fff59d', stroke: '#57534e', 'stroke-width': 1.5 });
    expect(all(item(scene, 'b'), (n) => n.tag === 'rect')[0]!.attrs.fill).toBe('#c5e1a5');
    expect(textOf(all(a, (n) => n.tag === 'text')[0]!)).toBe('Mehr Pausen');
    expect(textOf(all(a, (n) => n.attrs['data-role'] === 'author')[0]!)).toBe('Anna');
    const badges = all(scene, (n) => n.attrs['data-role'] === 'votes');
    expect(badges.map(textOf)).toEqual(['2', '3']);
    expect(all(item(scene, 'k2'), (n) => n.attrs['data-role'] === 'votes')).toHaveLength(1);
    expect(all(item(scene, 'd'), (n) => n.attrs['data-role'] === 'votes')).toHaveLength(0);
  });

  it('leaves out votes and authors when not shown', () => {
    const scene = boardScene(board(), { showVotes: false, showAuthors: false, votes: { a: 3 } });
    expect(all(scene, (n) => n.attrs['data-role'] === 'votes')).toEqual([]);
    expect(all(scene, (n) => n.attrs['data-role'] === 'author')).toEqual([]);
  });

  it('draws hidden cards face down and frames the selection', () => {
    const scene = boardScene(board(), { showVotes: true, showAuthors: true, votes: { a: 3 }, hiddenCardIds: ['a'], selection: ['a', 'l'] });
    const a = item(scene, 'a');
    expect(a.attrs['data-hidden']).toBe('true');
    expect(a.attrs['data-selected']).toBe('true');
    expect(all(a, (n) => n.tag === 'text')).toEqual([]);
    expect(all(a, (n) => n.tag === 'rect')[0]!.attrs.fill).toBe(SCENE_COLORS.hiddenFill);
    expect(all(scene, (n) => n.attrs['data-role'] === 'selection')).toHaveLength(2);
    expect(all(item(scene, 'l'), (n) => n.attrs['data-role'] === 'selection')[0]!.attrs).toMatchObject({ width: 107, height: 32 });
  });

  it('draws strokes as filled perfect-freehand paths and labels as text', () => {
    const snapshot = board();
    const scene = boardScene(snapshot, { showVotes: false, showAuthors: true });
    const [path] = all(item(scene, 's'), (n) => n.tag === 'path');
    expect(path!.attrs.fill).toBe('#2563eb');
    expect(path!.attrs.d).toBe(strokePath(snapshot.strokes[0]!));
    expect(String(path!.attrs.d)).toMatch(/^M [-\d.]+ [-\d.]+ Q( [-\d.]+){8,} Z$/);
    expect(textOf(item(scene, 'l'))).toBe('Parkplatz');
  });

  it('uses a given view box, title, description and no background', () => {
    const scene = boardScene(board(), {
      showVotes: false,
      showAuthors: false,
      viewBox: { minX: 10, minY: 20, maxX: 110, maxY: 70.333 },
      title: 'Tafel',
      description: 'Raum 1',
      background: null,
    });
    expect(scene.attrs).toMatchObject({ viewBox: '10 20 100 50.33', width: 100, height: 50.333 });
    expect(textOf(scene.children[0] as SvgNode)).toBe('Tafel');
    expect(textOf(scene.children[1] as SvgNode)).toBe('Raum 1');
    expect(all(scene, (n) => n.attrs['data-role'] === 'background')).toEqual([]);
  });
});

describe('svgToString', () => {
  it('escapes text that looks like markup', () => {
    const svg = svgToString(boardScene(board(), { showVotes: true, showAuthors: true }));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="-43 -40 847 503"')).toBe(true);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('>a &amp; b &quot;c&quot;</tspan>');
    expect(svg).toContain('>Eva &lt;eva@example.org&gt;</text>');
  });

  it('escapes attribute values, drops characters XML cannot carry, rounds numbers', () => {
    const node: SvgNode = {
      tag: 'svg',
      attrs: { width: 10.005, height: -0.001 },
      children: [{ tag: 'g', attrs: { 'data-item-id': 'x"y<z>&' }, children: ['bell\u0007 ok', { tag: 'rect', attrs: { x: NaN }, children: [] }] }],
    };
    expect(svgToString(node)).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10.01" height="0"><g data-item-id="x&quot;y&lt;z&gt;&amp;">bell ok<rect x="0"/></g></svg>',
    );
    expect(escapeXml('a\uD800b 😀')).toBe('ab 😀');
  });

  it('refuses tag and attribute names that are not plain XML names', () => {
    expect(() => svgToString({ tag: 'svg onload=x', attrs: {}, children: [] })).toThrow('Invalid SVG tag name');
    expect(() => svgToString({ tag: 'g', attrs: { 'a"b': 1 }, children: [] })).toThrow('Invalid SVG attribute name');
  });
});

describe('wrapText', () => {
  it('wraps at spaces', () => {
    expect(wrapText('Wir brauchen mehr Pausen zwischen den Blöcken', 15, 5)).toEqual(['Wir brauchen', 'mehr Pausen', 'zwischen den', 'Blöcken']);
  });

  it('breaks words longer than a line and keeps line breaks', () => {
    expect(wrapText('Donaudampfschifffahrt\n\nja', 8, 6)).toEqual(['Donaudam', 'pfschiff', 'fahrt', '', 'ja']);
  });

  it('ends with an ellipsis when the text does not fit', () => {
    expect(wrapText('eins zwei drei vier fünf sechs', 10, 2)).toEqual(['eins zwei', 'drei vier…']);
    expect(wrapText('abcdefghij klmnopqrst uvw', 10, 2)).toEqual(['abcdefghij', 'klmnopqrs…']);
    expect(wrapText('anything', 10, 0)).toEqual([]);
  });

  it('trims blank lines and counts emoji as one character', () => {
    expect(wrapText('\n  😀😀😀 \n\n', 2, 3)).toEqual(['😀😀', '😀']);
    expect(wrapText('   ', 10, 3)).toEqual([]);
  });

  it('wraps a long card text into lines that fit the card, and the card grows to show all of it', () => {
    const doc = new Y.Doc();
    addCard(doc, { id: 'long', text: 'Die Moderation soll am Anfang jedes Blocks das Ziel nennen und am Ende zusammenfassen', x: 0, y: 0 });
    const scene = boardScene(readBoard(doc), { showVotes: false, showAuthors: false });
    const [text] = all(item(scene, 'long'), (n) => n.tag === 'text');
    // 140 px of text at 16 px × 0.55 → 15 characters per line; six lines need 6 × 20 + 2 × 10 = 140 px.
    expect(textOf(text!)).toBe('Die Moderation|soll am Anfang|jedes Blocks|das Ziel nennen|und am Ende|zusammenfassen');
    expect(text!.children.map((t) => (t as SvgNode).attrs.y)).toEqual([24.4, 44.4, 64.4, 84.4, 104.4, 124.4]);
    const [rect] = all(item(scene, 'long'), (n) => n.tag === 'rect');
    expect(rect!.attrs.height).toBe(140);
  });

  it('breaks long words at the syllables the hyphenator marks, with a hyphen', () => {
    const soft = '\u00AD';
    const hyphenate = (word: string) => word.replace('Freiwilligenagentur', `Frei${soft}wil${soft}li${soft}gen${soft}agen${soft}tur`);
    expect(wrapText('Die Freiwilligenagentur hilft', 15, Infinity, hyphenate)).toEqual(['Die Freiwilli-', 'genagentur', 'hilft']);
    // A word's own hyphen is a break point too, without a second hyphen.
    expect(wrapText('Kultur-Netzwerk', 10, Infinity)).toEqual(['Kultur-', 'Netzwerk']);
    // Without break points a word longer than a line is still cut where it must be.
    expect(wrapText('Donaudampfschifffahrt', 8, Infinity)).toEqual(['Donaudam', 'pfschiff', 'fahrt']);
  });
});

describe('colours', () => {
  it('has a palette entry for every card colour with enough contrast', () => {
    for (const color of CARD_COLORS) {
      const { fill, border } = CARD_PALETTE[color];
      expect(contrastRatio(border, fill), color).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(border, SCENE_COLORS.background), color).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(SCENE_COLORS.text, fill), color).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(SCENE_COLORS.author, fill), color).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrastRatio(SCENE_COLORS.voteText, SCENE_COLORS.voteFill)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(SCENE_COLORS.clusterBorder, SCENE_COLORS.background)).toBeGreaterThanOrEqual(3);
    expect(contrastRatio('#000000', '#ffffff')).toBe(21);
  });
});

describe('svgPathFromStroke', () => {
  it('follows the quadratic-curve recipe', () => {
    expect(svgPathFromStroke([[0, 0], [10, 0], [10, 10]])).toBe('M 0 0 Q 0 0 5 0 10 0 10 5 10 10 5 5 Z');
    expect(svgPathFromStroke([])).toBe('');
  });
});
