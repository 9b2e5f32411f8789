/**
 * The board as an SVG element tree: one render function for the browser (which turns the tree into
 * DOM elements and attaches its handlers by `data-item-id` / `data-kind`) and the server (which
 * serializes it with {@link svgToString} for previews, PNGs and the documentation).
 *
 * No fonts are measured: text is wrapped by an average character width, which is close enough
 * for the sans-serif fonts both sides use and keeps the output identical everywhere.
 */
import { getStroke } from 'perfect-freehand';
import { BOARD_LAYOUT, boardBounds, itemBounds, labelSize } from './model.js';
import type { BoardBounds, BoardItem, BoardSnapshot, CardColor, CardItem, ClusterItem, LabelItem, StrokeItem } from './model.js';

/** A tiny SVG element: tag, attributes and children (elements or text, never raw markup). */
export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number>;
  children: (SvgNode | string)[];
}

/** Options of {@link boardScene}. */
export interface BoardSceneOptions {
  /** Dots per item id. */
  votes?: Record<string, number>;
  /** Draw a badge with the dot count on items that have dots. */
  showVotes: boolean;
  /** Draw the author's name on cards. */
  showAuthors: boolean;
  /** Ids of selected items: they get a selection frame and `data-selected="true"`. */
  selection?: readonly string[];
  /** The visible area; default: {@link boardBounds} of the snapshot ("fit all"). */
  viewBox?: BoardBounds;
  /** Cards drawn face down (no text, author or dots), e.g. other people's cards during private writing. */
  hiddenCardIds?: readonly string[] | ReadonlySet<string>;
  /** Accessible name of the picture (`<title>`); default "Board". */
  title?: string;
  /** Accessible description (`<desc>`); default like "2 clusters, 5 cards, 1 drawing, 1 label". */
  description?: string;
  /** Background fill of the whole view; null for none (the browser draws its own). Default white. */
  background?: string | null;
  /** Marks where words may break (German syllables); without it long words break only where they must. */
  hyphenate?: Hyphenate;
  /** Wrapped card lines by width and text, shared between layout passes of one rendering. */
  layoutCache?: Map<string, string[]>;
}

/** Fill and border of a card colour. Borders have at least 3:1 contrast to the fill and to white. */
export const CARD_PALETTE: Record<CardColor, { fill: string; border: string }> = {
  yellow: { fill: '#fff59d', border: '#57534e' },
  orange: { fill: '#ffcc80', border: '#57534e' },
  green: { fill: '#c5e1a5', border: '#57534e' },
  blue: { fill: '#90caf9', border: '#44403c' },
  pink: { fill: '#f8bbd0', border: '#57534e' },
  white: { fill: '#ffffff', border: '#57534e' },
};

/** Colours of everything else the scene draws. */
export const SCENE_COLORS = {
  /** Text on cards and cluster headings. */
  text: '#1c1917',
  /** The author line on cards. */
  author: '#44403c',
  clusterFill: '#f5f5f4',
  clusterBorder: '#78716c',
  /** Cards drawn face down. */
  hiddenFill: '#d6d3d1',
  voteFill: '#b91c1c',
  voteText: '#ffffff',
  selection: '#2563eb',
  background: '#ffffff',
} as const;

/** Font and spacing of the scene's text. */
export const SCENE_TEXT = {
  fontFamily: "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif",
  cardFontSize: 16,
  cardLineHeight: 20,
  cardPadding: 10,
  authorFontSize: 11,
  authorLineHeight: 14,
  clusterFontSize: 18,
  voteFontSize: 13,
  voteRadius: 13,
} as const;

/** Relative luminance of a #rgb / #rrggbb colour (WCAG 2). */
export function relativeLuminance(hex: string): number {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? h.replace(/./g, (c) => c + c) : h;
  const channel = (i: number) => {
    const v = parseInt(full.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** Contrast ratio of two colours (WCAG 2), from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Puts soft hyphens (U+00AD) where a word may be broken, e.g. German patterns from the `hyphen` package. */
export type Hyphenate = (word: string) => string;

const SOFT_HYPHEN = '\u00AD';

/**
 * A word's characters (soft hyphens removed) and where it may be broken: after index i means the
 * line ends with chars[0..i] and, unless the word has its own hyphen there, a "-".
 */
function breakPoints(word: string, hyphenate: Hyphenate | undefined): { chars: string[]; points: { at: number; dash: boolean }[] } {
  const marked = Array.from(hyphenate && word.length >= 5 ? hyphenate(word) : word);
  const chars: string[] = [];
  const points: { at: number; dash: boolean }[] = [];
  for (const char of marked) {
    if (char === SOFT_HYPHEN) {
      if (chars.length > 0) points.push({ at: chars.length, dash: true });
      continue;
    }
    chars.push(char);
    // A word's own hyphen or dash is a break point too (no second hyphen added).
    if ((char === '-' || char === '\u2010' || char === '\u2013') && chars.length > 1) points.push({ at: chars.length, dash: false });
  }
  return { chars, points: points.filter((point) => point.at < chars.length) };
}

/**
 * Wraps text into at most `maxLines` lines of at most `maxChars` characters: at spaces where
 * possible, at the syllables `hyphenate` marks (with a "-" at the end of the line) or a word's own
 * hyphens otherwise, and inside a word only when it has no break point that fits; line breaks in
 * the text are kept. When the text does not fit, the last line ends with "…". Characters are code
 * points (emoji stay whole).
 */
export function wrapText(value: string, maxChars: number, maxLines: number, hyphenate?: Hyphenate): string[] {
  const width = Math.max(1, Math.floor(maxChars));
  const limit = Math.max(0, maxLines === Infinity ? Infinity : Math.floor(maxLines));
  const lines: string[] = [];
  for (const paragraph of value.split(/\r\n|\r|\n/)) {
    const words = paragraph.split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) {
      lines.push('');
      continue;
    }
    let current: string[] = [];
    for (const word of words) {
      let { chars, points } = breakPoints(word, hyphenate);
      for (;;) {
        const room = current.length > 0 ? width - current.length - 1 : width;
        if (chars.length <= room) {
          if (current.length > 0) current.push(' ');
          current.push(...chars);
          break;
        }
        // The longest start of the word that fits here, with its hyphen.
        const point = [...points].reverse().find((candidate) => candidate.at + (candidate.dash ? 1 : 0) <= room);
        if (point) {
          const head = [...chars.slice(0, point.at), ...(point.dash ? ['-'] : [])];
          lines.push([...current, ...(current.length > 0 ? [' '] : []), ...head].join(''));
          current = [];
          chars = chars.slice(point.at);
          points = points.filter((candidate) => candidate.at > point.at).map((candidate) => ({ ...candidate, at: candidate.at - point.at }));
          continue;
        }
        if (current.length > 0) {
          lines.push(current.join(''));
          current = [];
          continue;
        }
        // No break point fits an empty line: break inside the word.
        lines.push(chars.slice(0, width).join(''));
        chars = chars.slice(width);
        points = points.filter((candidate) => candidate.at > width).map((candidate) => ({ ...candidate, at: candidate.at - width }));
      }
    }
    if (current.length > 0) lines.push(current.join(''));
  }
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length <= limit) return lines;
  const kept = lines.slice(0, limit);
  if (limit === 0) return kept;
  const last = Array.from(kept[limit - 1]!);
  kept[limit - 1] = (last.length + 1 <= width ? last : last.slice(0, width - 1)).join('').trimEnd() + '…';
  return kept;
}

/** How many characters of a font size fit a width, by the average character width. */
function charsFor(width: number, fontSize: number): number {
  return Math.max(1, Math.floor(width / (fontSize * BOARD_LAYOUT.charWidthFactor)));
}

/** A number rounded to 2 decimals, for numbers inside attribute strings. */
function num(value: number): string {
  return formatValue(value);
}

function translate(x: number, y: number): string {
  return `translate(${num(x)} ${num(y)})`;
}

function el(tag: string, attrs: Record<string, string | number> = {}, children: (SvgNode | string)[] = []): SvgNode {
  return { tag, attrs, children };
}

/** A `<text>` with one `<tspan>` per line, first baseline at `y`. */
function textLines(lines: string[], x: number, y: number, lineHeight: number, attrs: Record<string, string | number>): SvgNode {
  return el(
    'text',
    { x, y, ...attrs },
    lines.map((line, i) => el('tspan', { x, y: y + i * lineHeight }, [line])),
  );
}

function voteBadge(count: number, cx: number, cy: number): SvgNode {
  return el('g', { 'data-role': 'votes' }, [
    el('circle', { cx, cy, r: SCENE_TEXT.voteRadius, fill: SCENE_COLORS.voteFill, stroke: SCENE_COLORS.voteText, 'stroke-width': 1.5 }),
    el(
      'text',
      {
        x: cx,
        y: cy + SCENE_TEXT.voteFontSize * 0.35,
        'text-anchor': 'middle',
        'font-size': SCENE_TEXT.voteFontSize,
        'font-weight': 'bold',
        fill: SCENE_COLORS.voteText,
      },
      [String(count)],
    ),
  ]);
}

function selectionFrame(b: BoardBounds): SvgNode {
  return el('rect', {
    'data-role': 'selection',
    x: b.minX - 4,
    y: b.minY - 4,
    width: b.maxX - b.minX + 8,
    height: b.maxY - b.minY + 8,
    rx: 6,
    fill: 'none',
    stroke: SCENE_COLORS.selection,
    'stroke-width': 2,
    'stroke-dasharray': '6 4',
  });
}

/**
 * The standard perfect-freehand recipe: the outline polygon as a closed path of quadratic curves
 * through the midpoints between outline points. Coordinates rounded to 2 decimals.
 */
export function svgPathFromStroke(outlinePoints: readonly (readonly number[])[]): string {
  if (outlinePoints.length === 0) return '';
  const r = (n: number) => String(Math.round(n * 100) / 100);
  const first = outlinePoints[0]!;
  const parts: string[] = ['M', r(first[0] ?? 0), r(first[1] ?? 0), 'Q'];
  outlinePoints.forEach((p, i) => {
    const next = outlinePoints[(i + 1) % outlinePoints.length]!;
    const x0 = p[0] ?? 0;
    const y0 = p[1] ?? 0;
    parts.push(r(x0), r(y0), r((x0 + (next[0] ?? 0)) / 2), r((y0 + (next[1] ?? 0)) / 2));
  });
  parts.push('Z');
  return parts.join(' ');
}

/** The outline path of a stroke, in the stroke's own coordinates (before its x/y translation). */
export function strokePath(stroke: Pick<StrokeItem, 'points' | 'size'>): string {
  const input: [number, number, number][] = [];
  for (let i = 0; i + 2 < stroke.points.length; i += 3) {
    input.push([stroke.points[i]!, stroke.points[i + 1]!, stroke.points[i + 2]!]);
  }
  if (input.length === 0) return '';
  const outlinePoints = getStroke(input, {
    size: stroke.size,
    thinning: 0.5,
    smoothing: 0.5,
    streamline: 0.5,
    simulatePressure: false,
    last: true,
  });
  return svgPathFromStroke(outlinePoints);
}

function itemGroup(item: BoardItem, selected: boolean, extra: Record<string, string | number>, children: SvgNode[]): SvgNode {
  const attrs: Record<string, string | number> = { 'data-item-id': item.id, 'data-kind': item.kind, ...extra };
  if (selected) attrs['data-selected'] = 'true';
  return el('g', attrs, children);
}

function clusterNode(cluster: ClusterItem, votes: number, selected: boolean): SvgNode {
  const pad = BOARD_LAYOUT.clusterPadding;
  const size = SCENE_TEXT.clusterFontSize;
  const badgeSpace = votes > 0 ? 2 * SCENE_TEXT.voteRadius + 4 : 0;
  const title = wrapText(cluster.title, charsFor(cluster.w - 2 * pad - badgeSpace, size), 1);
  const children: SvgNode[] = [
    el('rect', {
      width: cluster.w,
      height: cluster.h,
      rx: 12,
      fill: SCENE_COLORS.clusterFill,
      stroke: SCENE_COLORS.clusterBorder,
      'stroke-width': 2,
    }),
    textLines(title, pad, pad + size, size * 1.25, { 'font-size': size, 'font-weight': 'bold', fill: SCENE_COLORS.text }),
  ];
  if (votes > 0) children.push(voteBadge(votes, cluster.w - pad - SCENE_TEXT.voteRadius, pad + size / 2));
  if (selected) children.push(selectionFrame({ minX: 0, minY: 0, maxX: cluster.w, maxY: cluster.h }));
  return itemGroup(cluster, selected, { transform: translate(cluster.x, cluster.y) }, children);
}

/** The author line a card shows, or null. */
function authorOf(card: CardItem, showAuthors: boolean): string | null {
  return showAuthors && card.authorName.trim() !== '' ? card.authorName.trim() : null;
}

/** Every line of a card's text at the card's width (from `cache` when it was wrapped before). */
function cardLines(card: CardItem, hyphenate: Hyphenate | undefined, cache?: Map<string, string[]>): string[] {
  const chars = charsFor(card.w - 2 * SCENE_TEXT.cardPadding, SCENE_TEXT.cardFontSize);
  const key = `${chars}\u0000${card.text}`;
  const cached = cache?.get(key);
  if (cached) return cached;
  const lines = wrapText(card.text, chars, Infinity, hyphenate);
  cache?.set(key, lines);
  return lines;
}

/** The height a card needs to show all its text (and its author), at least its own height. */
export function cardHeight(
  card: CardItem,
  options: { showAuthors: boolean; hyphenate?: Hyphenate | undefined; hidden?: boolean; layoutCache?: Map<string, string[]> | undefined },
): number {
  if (options.hidden) return card.h;
  const { cardPadding: pad, cardLineHeight: lh, authorLineHeight } = SCENE_TEXT;
  const lines = cardLines(card, options.hyphenate, options.layoutCache).length;
  const needed = 2 * pad + lines * lh + (authorOf(card, options.showAuthors) !== null ? authorLineHeight : 0);
  return Math.max(card.h, needed);
}

/**
 * The board with every card as tall as its text needs, so that no text is cut off (on screen and
 * in exports). Cards keep their width; the stored height is the minimum.
 */
export function fitCardsToText(
  snapshot: BoardSnapshot,
  options: {
    showAuthors: boolean;
    hyphenate?: Hyphenate | undefined;
    hiddenCardIds?: readonly string[] | ReadonlySet<string> | undefined;
    layoutCache?: Map<string, string[]> | undefined;
  },
): BoardSnapshot {
  const hidden = new Set(options.hiddenCardIds ?? []);
  const grown = new Map<string, CardItem>();
  for (const card of snapshot.cards) {
    const h = cardHeight(card, { showAuthors: options.showAuthors, hyphenate: options.hyphenate, hidden: hidden.has(card.id), layoutCache: options.layoutCache });
    if (h !== card.h) grown.set(card.id, { ...card, h });
  }
  if (grown.size === 0) return snapshot;
  const swap = <T extends BoardItem>(item: T): T => (grown.get(item.id) as T | undefined) ?? item;
  return { ...snapshot, items: snapshot.items.map(swap), cards: snapshot.cards.map(swap) };
}

function cardNode(
  card: CardItem,
  votes: number,
  selected: boolean,
  hidden: boolean,
  showAuthors: boolean,
  hyphenate?: Hyphenate,
  layoutCache?: Map<string, string[]>,
): SvgNode {
  const { cardPadding: pad, cardFontSize: size, cardLineHeight: lh, authorFontSize, authorLineHeight } = SCENE_TEXT;
  const palette = CARD_PALETTE[card.color];
  const children: SvgNode[] = [
    el('rect', {
      width: card.w,
      height: card.h,
      rx: 3,
      fill: hidden ? SCENE_COLORS.hiddenFill : palette.fill,
      stroke: palette.border,
      'stroke-width': 1.5,
    }),
  ];
  if (!hidden) {
    const author = authorOf(card, showAuthors);
    const textHeight = card.h - 2 * pad - (author !== null ? authorLineHeight : 0);
    const fits = Math.max(1, Math.floor(textHeight / lh));
    const all = cardLines(card, hyphenate, layoutCache);
    // A card as tall as its text (see fitCardsToText) shows every line; a shorter one ends with "…".
    const lines = all.length <= fits ? all : wrapText(card.text, charsFor(card.w - 2 * pad, size), fits, hyphenate);
    if (lines.length > 0) children.push(textLines(lines, pad, pad + size * 0.9, lh, { 'font-size': size, fill: SCENE_COLORS.text }));
    if (author !== null) {
      const authorLine = wrapText(author, charsFor(card.w - 2 * pad, authorFontSize), 1);
      children.push(
        el('text', { 'data-role': 'author', x: pad, y: card.h - pad, 'font-size': authorFontSize, fill: SCENE_COLORS.author }, authorLine),
      );
    }
    if (votes > 0) children.push(voteBadge(votes, card.w - 4, 4));
  }
  if (selected) children.push(selectionFrame({ minX: 0, minY: 0, maxX: card.w, maxY: card.h }));
  const extra: Record<string, string | number> = { transform: translate(card.x, card.y) };
  if (card.clusterId !== null) extra['data-cluster-id'] = card.clusterId;
  if (hidden) extra['data-hidden'] = 'true';
  return itemGroup(card, selected, extra, children);
}

function strokeNode(stroke: StrokeItem, selected: boolean): SvgNode {
  const children: SvgNode[] = [el('path', { d: strokePath(stroke), fill: stroke.color })];
  if (selected) {
    const b = itemBounds({ ...stroke, x: 0, y: 0 });
    children.push(selectionFrame(b));
  }
  return itemGroup(stroke, selected, { transform: translate(stroke.x, stroke.y) }, children);
}

function labelNode(label: LabelItem, selected: boolean): SvgNode {
  const { lines, w, h } = labelSize(label);
  const size = BOARD_LAYOUT.labelFontSize;
  const children: SvgNode[] = [
    textLines(lines, 0, size * 0.9, BOARD_LAYOUT.labelLineHeight, { 'font-size': size, fill: SCENE_COLORS.text }),
  ];
  if (selected) children.push(selectionFrame({ minX: 0, minY: 0, maxX: w, maxY: h }));
  return itemGroup(label, selected, { transform: translate(label.x, label.y) }, children);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The board as an SVG tree. Layers: background, then every cluster (drawn order), then cards,
 * strokes and labels in drawing order, so a cluster never covers cards. Every item is a `<g>` with
 * `data-item-id`, `data-kind` and a `transform="translate(x y)"`, its shapes in its own coordinates.
 */
export function boardScene(board: BoardSnapshot, options: BoardSceneOptions): SvgNode {
  const layoutCache = options.layoutCache ?? new Map<string, string[]>();
  const snapshot = fitCardsToText(board, { ...options, layoutCache });
  const view = options.viewBox ?? boardBounds(snapshot);
  const width = Math.max(1, view.maxX - view.minX);
  const height = Math.max(1, view.maxY - view.minY);
  const votes = options.votes ?? {};
  const votesOf = (id: string): number => {
    if (!options.showVotes || !Object.prototype.hasOwnProperty.call(votes, id)) return 0;
    const n = votes[id];
    return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
  };
  const selection = new Set(options.selection ?? []);
  const hidden = new Set(options.hiddenCardIds ?? []);

  const description =
    options.description ??
    [
      plural(snapshot.clusters.length, 'cluster', 'clusters'),
      plural(snapshot.cards.length, 'card', 'cards'),
      plural(snapshot.strokes.length, 'drawing', 'drawings'),
      plural(snapshot.labels.length, 'label', 'labels'),
    ].join(', ');

  const children: SvgNode[] = [el('title', {}, [options.title ?? 'Board']), el('desc', {}, [description])];
  const background = options.background === undefined ? SCENE_COLORS.background : options.background;
  if (background !== null) {
    children.push(el('rect', { 'data-role': 'background', x: view.minX, y: view.minY, width, height, fill: background }));
  }
  children.push(
    el(
      'g',
      { 'data-layer': 'clusters' },
      snapshot.clusters.map((c) => clusterNode(c, votesOf(c.id), selection.has(c.id))),
    ),
  );
  const front: SvgNode[] = [];
  for (const item of snapshot.items) {
    if (item.kind === 'card') front.push(cardNode(item, votesOf(item.id), selection.has(item.id), hidden.has(item.id), options.showAuthors, options.hyphenate, layoutCache));
    else if (item.kind === 'stroke') front.push(strokeNode(item, selection.has(item.id)));
    else if (item.kind === 'label') front.push(labelNode(item, selection.has(item.id)));
  }
  children.push(el('g', { 'data-layer': 'items' }, front));

  return el(
    'svg',
    {
      viewBox: `${num(view.minX)} ${num(view.minY)} ${num(width)} ${num(height)}`,
      width,
      height,
      role: 'img',
      'font-family': SCENE_TEXT.fontFamily,
    },
    children,
  );
}

// ---------------------------------------------------------------------------------------------
// Serialization

const SVG_NS = 'http://www.w3.org/2000/svg';
const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
// Characters XML 1.0 does not allow at all (C0 controls except tab, LF, CR; lone surrogates; U+FFFE/U+FFFF).
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML element content and attribute values; drops characters XML cannot carry. */
export function escapeXml(value: string): string {
  return value
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function formatValue(value: string | number): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '0';
  const rounded = Math.round(value * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

function serialize(node: SvgNode, root: boolean): string {
  if (!NAME.test(node.tag)) throw new Error(`Invalid SVG tag name: ${node.tag}`);
  const attrs: [string, string | number][] = Object.entries(node.attrs);
  if (root && node.tag === 'svg' && !('xmlns' in node.attrs)) attrs.unshift(['xmlns', SVG_NS]);
  let out = `<${node.tag}`;
  for (const [name, value] of attrs) {
    if (!NAME.test(name)) throw new Error(`Invalid SVG attribute name: ${name}`);
    out += ` ${name}="${escapeXml(formatValue(value))}"`;
  }
  if (node.children.length === 0) return `${out}/>`;
  out += '>';
  for (const child of node.children) out += typeof child === 'string' ? escapeXml(child) : serialize(child, false);
  return `${out}</${node.tag}>`;
}

/**
 * Serializes an element tree to SVG markup: attribute values and text escaped (`&`, `<`, `>`, `"`),
 * characters XML cannot carry dropped, numbers rounded to 2 decimals, `xmlns` added to a root
 * `<svg>`. Tag and attribute names must be plain XML names (anything else throws).
 */
export function svgToString(node: SvgNode): string {
  return serialize(node, true);
}
