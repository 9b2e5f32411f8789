/**
 * The whiteboard of a room as a Yjs document, and pure functions that read and change it.
 *
 * Structure of the document:
 * - `doc.getMap('items')`: one `Y.Map` per item, keyed by the item's id. Every item map holds
 *   `kind` ('card' | 'cluster' | 'stroke' | 'label') and `order` (a fractional index; items are
 *   drawn in ascending order, plain string comparison) plus the fields of its kind, see the
 *   item interfaces below. The id is the key only, it is not stored inside the map.
 * - `doc.getMap('settings')`: `showAuthors` (boolean, default true), `locked` (boolean, default false).
 *
 * Every writing function runs in exactly one `doc.transact(…, origin)`, so one user action is one
 * update on the wire and one step for a `Y.UndoManager` that tracks the caller's origin. Fields are
 * separate map keys, so concurrent edits of different fields of one item merge; concurrent edits of
 * the same field resolve last-writer-wins the same way on every replica.
 *
 * The browser edits the document directly and the server renders it, so nothing here touches the
 * DOM or Node APIs. Readers are defensive: a document written by a buggy or hostile client reads as
 * well-formed plain objects (unknown kinds are skipped, bad fields fall back to defaults).
 */
import * as Y from 'yjs';
import { generateNKeysBetween } from 'fractional-indexing';

/** Name of the top-level Y.Map holding one Y.Map per item. */
export const ITEMS_KEY = 'items';
/** Name of the top-level Y.Map holding the board settings. */
export const SETTINGS_KEY = 'settings';

/** The Metaplan card colours, in the order a colour picker shows them. */
export const CARD_COLORS = ['yellow', 'orange', 'green', 'blue', 'pink', 'white'] as const;
/** One of the Metaplan card colours. */
export type CardColor = (typeof CARD_COLORS)[number];

/** The kinds of items on a board. */
export const ITEM_KINDS = ['card', 'cluster', 'stroke', 'label'] as const;
/** The kind of a board item. */
export type ItemKind = (typeof ITEM_KINDS)[number];

/** Sizes (board units) the model uses for new items and for laying out cards inside a cluster. */
export const BOARD_LAYOUT = {
  /** Width of a new card. */
  cardWidth: 160,
  /** Height of a new card. */
  cardHeight: 100,
  /** Space between a cluster's border and its cards (left, right, bottom). */
  clusterPadding: 16,
  /** Height of a cluster's heading area above its first row of cards. */
  clusterHeader: 48,
  /** Space between the cards of a cluster. */
  clusterGap: 12,
  /** Width of a new cluster: two columns of default cards. */
  clusterWidth: 2 * 16 + 2 * 160 + 12,
  /** Height of a new cluster: one row of default cards. */
  clusterHeight: 48 + 100 + 16,
  /** Font size of a label (the scene uses it too; board bounds estimate a label's extent with it). */
  labelFontSize: 20,
  /** Line height of a label. */
  labelLineHeight: 24,
  /** Average character width as a fraction of the font size, for estimating text extents without fonts. */
  charWidthFactor: 0.55,
} as const;

/** Longest texts the model writes; longer input is cut. */
export const BOARD_LIMITS = {
  /** Text of a card, characters. */
  cardTextMax: 500,
  /** Title of a cluster, characters. */
  clusterTitleMax: 200,
  /** Text of a label, characters. */
  labelTextMax: 500,
  /** Author name stored on a card, characters. */
  authorNameMax: 60,
  /** Points of one stroke (each point is x, y, pressure). */
  strokePointsMax: 5_000,
} as const;

/** Coordinates and sizes a board item may have, in board units. */
export const BOARD_BOUNDS = {
  /** Largest |x| and |y| of an item (and of every point of a stroke). */
  coordinateMax: 100_000,
  /** Largest width or height of a card or cluster (sizes must also be above 0). */
  sizeMax: 50_000,
  /** Largest pen diameter of a stroke. */
  strokeSizeMax: 200,
  /** Longest item id (the key in the items map), characters. */
  idMax: 100,
  /** Longest `order` key (fractional index), characters. */
  orderMax: 1_000,
} as const;

/** Fallback colour of a stroke whose colour is missing or not a hex colour. */
export const DEFAULT_STROKE_COLOR = '#1c1917';
/** Fallback size (diameter, board units) of a stroke. */
export const DEFAULT_STROKE_SIZE = 4;

/** A card: a short text written by one person, optionally placed in a cluster. */
export interface CardItem {
  kind: 'card';
  id: string;
  text: string;
  color: CardColor;
  x: number;
  y: number;
  w: number;
  h: number;
  authorId: string;
  authorName: string;
  /** The cluster the card belongs to; null when unclustered (also when the cluster no longer exists). */
  clusterId: string | null;
  order: string;
  locked: boolean;
  /** Epoch ms when the card was written. */
  createdAt: number;
}

/** A cluster: a heading with an area that holds cards. */
export interface ClusterItem {
  kind: 'cluster';
  id: string;
  title: string;
  x: number;
  y: number;
  w: number;
  h: number;
  order: string;
  locked: boolean;
}

/** A freehand stroke. */
export interface StrokeItem {
  kind: 'stroke';
  id: string;
  /** Flat list `[x0, y0, pressure0, x1, y1, pressure1, …]`, relative to (x, y). */
  points: number[];
  /** Translation of the points: 0, 0 when drawn, changed by moving the stroke. */
  x: number;
  y: number;
  /** Hex colour (#rgb or #rrggbb). */
  color: string;
  /** Diameter of the pen, board units. */
  size: number;
  authorId: string;
  order: string;
}

/** A free text on the board (no card behind it). */
export interface LabelItem {
  kind: 'label';
  id: string;
  text: string;
  /** Top-left corner of the text. */
  x: number;
  y: number;
  order: string;
}

/** Any item of a board. */
export type BoardItem = CardItem | ClusterItem | StrokeItem | LabelItem;

/** Board-wide settings. */
export interface BoardSettings {
  /** Whether cards show their author (default true). */
  showAuthors: boolean;
  /** The whole board is locked (default false). The model does not enforce it: whoever may still edit a locked board decides. */
  locked: boolean;
}

/** A board read into plain objects. Every list is sorted by `order` (ties by id). */
export interface BoardSnapshot {
  settings: BoardSettings;
  /** Every item, in drawing order. */
  items: BoardItem[];
  clusters: ClusterItem[];
  cards: CardItem[];
  strokes: StrokeItem[];
  labels: LabelItem[];
}

/** Axis-aligned bounds in board units. */
export interface BoardBounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** A new card. Missing fields get defaults (yellow, default size, unclustered, unlocked, now). */
export interface NewCard {
  /** Keep a given id (e.g. when moving a private draft onto the board); otherwise `newId()` makes one. */
  id?: string;
  text?: string;
  color?: CardColor;
  x: number;
  y: number;
  w?: number;
  h?: number;
  authorId?: string;
  authorName?: string;
  /** Put the card into this cluster right away (laid out inside it like {@link setCardsCluster}). */
  clusterId?: string | null;
  locked?: boolean;
  createdAt?: number;
}

/** A new cluster. */
export interface NewCluster {
  id?: string;
  title?: string;
  x: number;
  y: number;
  w?: number;
  h?: number;
  locked?: boolean;
}

/** A new stroke; `points` are absolute board coordinates `[x0, y0, p0, x1, y1, p1, …]`. */
export interface NewStroke {
  id?: string;
  points: readonly number[];
  color?: string;
  size?: number;
  authorId?: string;
}

/** A new label. */
export interface NewLabel {
  id?: string;
  text?: string;
  x: number;
  y: number;
}

/** Fields {@link updateItem} may change on a card (cluster membership changes through {@link setCardsCluster}). */
export type CardPatch = Partial<Omit<CardItem, 'kind' | 'id' | 'clusterId' | 'order'>>;
/** Fields {@link updateItem} may change on a cluster. */
export type ClusterPatch = Partial<Omit<ClusterItem, 'kind' | 'id' | 'order'>>;
/** Fields {@link updateItem} may change on a stroke. */
export type StrokePatch = Partial<Omit<StrokeItem, 'kind' | 'id' | 'order'>>;
/** Fields {@link updateItem} may change on a label. */
export type LabelPatch = Partial<Omit<LabelItem, 'kind' | 'id' | 'order'>>;
/** A partial update of an item; fields that do not belong to the item's kind are ignored. */
export type ItemPatch = CardPatch | ClusterPatch | StrokePatch | LabelPatch;

type ItemMap = Y.Map<unknown>;

/**
 * Makes a fresh random id: `crypto.randomUUID()` (browsers in secure contexts, Node 19+), else a
 * version-4 UUID from `crypto.getRandomValues` (which browsers offer on plain http too).
 */
export function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string; getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  if (!c?.getRandomValues) throw new Error('No crypto random source; pass newId');
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function itemsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(ITEMS_KEY);
}

function itemMap(doc: Y.Doc, id: string): ItemMap | undefined {
  const value = itemsOf(doc).get(id);
  return value instanceof Y.Map ? (value as ItemMap) : undefined;
}

function finite(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function isCardColor(value: unknown): value is CardColor {
  return typeof value === 'string' && (CARD_COLORS as readonly string[]).includes(value);
}

function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(value);
}

function positive(value: unknown, fallback: number): number {
  const n = finite(value, fallback);
  return n > 0 ? n : fallback;
}

/** A coordinate as readers return it: finite, within ±`BOARD_BOUNDS.coordinateMax`. */
function coordinate(value: unknown): number {
  return Math.min(BOARD_BOUNDS.coordinateMax, Math.max(-BOARD_BOUNDS.coordinateMax, finite(value, 0)));
}

/** A width or height as readers return it: positive, at most `BOARD_BOUNDS.sizeMax`. */
function size(value: unknown, fallback: number): number {
  return Math.min(BOARD_BOUNDS.sizeMax, positive(value, fallback));
}

function cut(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

function numbersOf(value: unknown): number[] {
  const raw = value instanceof Y.Array ? (value.toArray() as unknown[]) : Array.isArray(value) ? (value as unknown[]) : [];
  const out: number[] = [];
  const limit = Math.min(raw.length, BOARD_LIMITS.strokePointsMax * 3);
  for (let i = 0; i < limit; i += 1) {
    const v = finite(raw[i], 0);
    // Pressure in [0, 1]; a point's offset within twice the coordinate range (x, y are clamped too).
    out.push(i % 3 === 2 ? Math.min(1, Math.max(0, v)) : Math.min(2 * BOARD_BOUNDS.coordinateMax, Math.max(-2 * BOARD_BOUNDS.coordinateMax, v)));
  }
  // Only whole points (x, y, pressure).
  return out.slice(0, out.length - (out.length % 3));
}

function cleanPoints(points: readonly number[], dx = 0, dy = 0): number[] {
  const whole = points.length - (points.length % 3);
  const out: number[] = [];
  for (let i = 0; i < whole && i < BOARD_LIMITS.strokePointsMax * 3; i += 3) {
    out.push(finite(points[i], 0) - dx, finite(points[i + 1], 0) - dy, Math.min(1, Math.max(0, finite(points[i + 2], 0.5))));
  }
  return out;
}

function compareOrder(a: { order: string; id: string }, b: { order: string; id: string }): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** Reads one item map into a plain object; undefined for an unknown kind. */
function readItem(id: string, m: ItemMap): BoardItem | undefined {
  const order = text(m.get('order'));
  switch (m.get('kind')) {
    case 'card':
      return {
        kind: 'card',
        id,
        text: cut(text(m.get('text')), BOARD_LIMITS.cardTextMax),
        color: isCardColor(m.get('color')) ? (m.get('color') as CardColor) : 'yellow',
        x: coordinate(m.get('x')),
        y: coordinate(m.get('y')),
        w: size(m.get('w'), BOARD_LAYOUT.cardWidth),
        h: size(m.get('h'), BOARD_LAYOUT.cardHeight),
        authorId: text(m.get('authorId')),
        authorName: cut(text(m.get('authorName')), BOARD_LIMITS.authorNameMax),
        clusterId: typeof m.get('clusterId') === 'string' ? (m.get('clusterId') as string) : null,
        order,
        locked: bool(m.get('locked'), false),
        createdAt: finite(m.get('createdAt'), 0),
      };
    case 'cluster':
      return {
        kind: 'cluster',
        id,
        title: cut(text(m.get('title')), BOARD_LIMITS.clusterTitleMax),
        x: coordinate(m.get('x')),
        y: coordinate(m.get('y')),
        w: size(m.get('w'), BOARD_LAYOUT.clusterWidth),
        h: size(m.get('h'), BOARD_LAYOUT.clusterHeight),
        order,
        locked: bool(m.get('locked'), false),
      };
    case 'stroke':
      return {
        kind: 'stroke',
        id,
        points: numbersOf(m.get('points')),
        x: coordinate(m.get('x')),
        y: coordinate(m.get('y')),
        color: isHexColor(m.get('color')) ? (m.get('color') as string) : DEFAULT_STROKE_COLOR,
        size: Math.min(BOARD_BOUNDS.strokeSizeMax, positive(m.get('size'), DEFAULT_STROKE_SIZE)),
        authorId: text(m.get('authorId')),
        order,
      };
    case 'label':
      return {
        kind: 'label',
        id,
        text: cut(text(m.get('text')), BOARD_LIMITS.labelTextMax),
        x: coordinate(m.get('x')),
        y: coordinate(m.get('y')),
        order,
      };
    default:
      return undefined;
  }
}

/** Reads the settings map with defaults. */
export function readSettings(doc: Y.Doc): BoardSettings {
  const s = doc.getMap<unknown>(SETTINGS_KEY);
  return { showAuthors: bool(s.get('showAuthors'), true), locked: bool(s.get('locked'), false) };
}

/**
 * Reads the whole board into plain objects, every list sorted by `order` (ties by id), so two
 * replicas with the same state give deeply equal snapshots. A card whose cluster does not exist
 * (deleted concurrently) reads as unclustered.
 */
export function readBoard(doc: Y.Doc): BoardSnapshot {
  const items: BoardItem[] = [];
  itemsOf(doc).forEach((value, id) => {
    if (!(value instanceof Y.Map)) return;
    const item = readItem(id, value as ItemMap);
    if (item) items.push(item);
  });
  items.sort(compareOrder);
  const clusterIds = new Set(items.filter((i) => i.kind === 'cluster').map((i) => i.id));
  for (const item of items) {
    if (item.kind === 'card' && item.clusterId !== null && !clusterIds.has(item.clusterId)) item.clusterId = null;
  }
  return {
    settings: readSettings(doc),
    items,
    clusters: items.filter((i): i is ClusterItem => i.kind === 'cluster'),
    cards: items.filter((i): i is CardItem => i.kind === 'card'),
    strokes: items.filter((i): i is StrokeItem => i.kind === 'stroke'),
    labels: items.filter((i): i is LabelItem => i.kind === 'label'),
  };
}

/** The item with this id, or undefined. */
export function findItem(snapshot: BoardSnapshot, id: string): BoardItem | undefined {
  return snapshot.items.find((i) => i.id === id);
}

/** The cluster a card belongs to, or null (unclustered, or no such card). */
export function clusterOf(snapshot: BoardSnapshot, cardId: string): ClusterItem | null {
  const card = snapshot.cards.find((c) => c.id === cardId);
  if (!card || card.clusterId === null) return null;
  return snapshot.clusters.find((c) => c.id === card.clusterId) ?? null;
}

/** The cards of a cluster, in drawing order. */
export function cardsOfCluster(snapshot: BoardSnapshot, clusterId: string): CardItem[] {
  return snapshot.cards.filter((c) => c.clusterId === clusterId);
}

/** The topmost cluster whose area contains the point, or null: where a dropped card goes. */
export function clusterAt(snapshot: BoardSnapshot, x: number, y: number): ClusterItem | null {
  for (let i = snapshot.clusters.length - 1; i >= 0; i--) {
    const c = snapshot.clusters[i]!;
    if (x >= c.x && x <= c.x + c.w && y >= c.y && y <= c.y + c.h) return c;
  }
  return null;
}

/** The lines of a label and its estimated size (no fonts: average character width). */
export function labelSize(label: Pick<LabelItem, 'text'>): { lines: string[]; w: number; h: number } {
  const lines = label.text.split(/\r?\n/);
  const longest = Math.max(0, ...lines.map((l) => Array.from(l).length));
  return {
    lines,
    w: Math.round(longest * BOARD_LAYOUT.labelFontSize * BOARD_LAYOUT.charWidthFactor * 100) / 100,
    h: lines.length * BOARD_LAYOUT.labelLineHeight,
  };
}

/** Bounds of one item (strokes: their points widened by half the pen size; labels: estimated). */
export function itemBounds(item: BoardItem): BoardBounds {
  switch (item.kind) {
    case 'card':
    case 'cluster':
      return { minX: item.x, minY: item.y, maxX: item.x + item.w, maxY: item.y + item.h };
    case 'label': {
      const { w, h } = labelSize(item);
      return { minX: item.x, minY: item.y, maxX: item.x + w, maxY: item.y + h };
    }
    case 'stroke': {
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (let i = 0; i + 1 < item.points.length; i += 3) {
        const px = item.points[i]! + item.x;
        const py = item.points[i + 1]! + item.y;
        minX = Math.min(minX, px);
        minY = Math.min(minY, py);
        maxX = Math.max(maxX, px);
        maxY = Math.max(maxY, py);
      }
      if (minX === Infinity) return { minX: item.x, minY: item.y, maxX: item.x, maxY: item.y };
      const r = item.size / 2;
      return { minX: minX - r, minY: minY - r, maxX: maxX + r, maxY: maxY + r };
    }
  }
}

/**
 * Bounds of everything on the board plus `padding` on every side: the view for "fit all" and the
 * area the server renders. An empty board gives a square of 2 × padding around the origin.
 */
export function boardBounds(snapshot: BoardSnapshot, padding = 40): BoardBounds {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const item of snapshot.items) {
    const b = itemBounds(item);
    minX = Math.min(minX, b.minX);
    minY = Math.min(minY, b.minY);
    maxX = Math.max(maxX, b.maxX);
    maxY = Math.max(maxY, b.maxY);
  }
  if (minX === Infinity) return { minX: -padding, minY: -padding, maxX: padding, maxY: padding };
  return { minX: minX - padding, minY: minY - padding, maxX: maxX + padding, maxY: maxY + padding };
}

// ---------------------------------------------------------------------------------------------
// Order keys

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A suffix unique to this replica: its Yjs client id in base 62 (fixed width) plus 'V' (a key's
 * fraction must not end in '0'). Two replicas that append at the same time compute the same key
 * from the same last key; the suffix keeps their keys distinct, so both items get a definite order.
 */
function replicaSuffix(doc: Y.Doc): string {
  let n = doc.clientID >>> 0;
  let s = '';
  for (let i = 0; i < 6; i++) {
    s = BASE62[n % 62]! + s;
    n = Math.floor(n / 62);
  }
  return `${s}V`;
}

function lastOrder(doc: Y.Doc): string | null {
  let last: string | null = null;
  itemsOf(doc).forEach((value) => {
    if (!(value instanceof Y.Map)) return;
    const order = value.get('order');
    if (typeof order === 'string' && (last === null || order > last)) last = order;
  });
  return last;
}

/** `n` ascending order keys after every item of the board. */
function keysAfterLast(doc: Y.Doc, n: number): string[] {
  const last = lastOrder(doc);
  const suffix = replicaSuffix(doc);
  let keys: string[];
  try {
    keys = generateNKeysBetween(last, null, n);
  } catch {
    // A malformed key written by someone else: sort after it anyway.
    keys = generateNKeysBetween(null, null, n).map((k) => `${last ?? ''}~${k}`);
  }
  return keys.map((k) => k + suffix);
}

/** The order key a new item gets: after every item of the board (drawn on top). */
export function nextOrder(doc: Y.Doc): string {
  return keysAfterLast(doc, 1)[0]!;
}

// ---------------------------------------------------------------------------------------------
// Cluster layout

function cardsOfClusterRaw(doc: Y.Doc, clusterId: string): { id: string; m: ItemMap }[] {
  const out: { id: string; m: ItemMap }[] = [];
  itemsOf(doc).forEach((value, id) => {
    if (value instanceof Y.Map && value.get('kind') === 'card' && value.get('clusterId') === clusterId) {
      out.push({ id, m: value as ItemMap });
    }
  });
  return out;
}

function setIfChanged(m: ItemMap, key: string, value: unknown): void {
  if (m.get(key) !== value) m.set(key, value);
}

/**
 * Lays the cards of a cluster out in a grid inside it and grows the cluster to fit (it never
 * shrinks). Members already there come first, in reading order of their position (y, then x),
 * then `appended` in the given order. Columns: as many as fit the cluster's width (at least one);
 * cell size: the largest card of the cluster.
 */
function layoutCluster(doc: Y.Doc, clusterId: string, appended: readonly string[] = []): void {
  const cluster = itemMap(doc, clusterId);
  if (!cluster) return;
  const { clusterPadding: pad, clusterHeader: header, clusterGap: gap } = BOARD_LAYOUT;
  const appendedSet = new Set(appended);
  const members = cardsOfClusterRaw(doc, clusterId);
  const pos = (m: ItemMap) => ({ x: finite(m.get('x'), 0), y: finite(m.get('y'), 0) });
  const existing = members
    .filter((c) => !appendedSet.has(c.id))
    .sort((a, b) => pos(a.m).y - pos(b.m).y || pos(a.m).x - pos(b.m).x || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(members.map((c) => [c.id, c]));
  const ordered = [...existing, ...appended.map((id) => byId.get(id)).filter((c) => c !== undefined)];
  if (ordered.length === 0) return;

  const cellW = Math.max(...ordered.map((c) => positive(c.m.get('w'), BOARD_LAYOUT.cardWidth)));
  const cellH = Math.max(...ordered.map((c) => positive(c.m.get('h'), BOARD_LAYOUT.cardHeight)));
  const cx = finite(cluster.get('x'), 0);
  const cy = finite(cluster.get('y'), 0);
  const cw = positive(cluster.get('w'), BOARD_LAYOUT.clusterWidth);
  const ch = positive(cluster.get('h'), BOARD_LAYOUT.clusterHeight);
  const fit = Math.floor((cw - 2 * pad + gap) / (cellW + gap));
  const cols = Math.max(1, Math.min(fit, ordered.length));
  const rows = Math.ceil(ordered.length / cols);

  ordered.forEach((card, i) => {
    setIfChanged(card.m, 'x', cx + pad + (i % cols) * (cellW + gap));
    setIfChanged(card.m, 'y', cy + header + Math.floor(i / cols) * (cellH + gap));
  });
  const needW = 2 * pad + cols * cellW + (cols - 1) * gap;
  const needH = header + rows * cellH + (rows - 1) * gap + pad;
  setIfChanged(cluster, 'w', Math.max(cw, needW));
  setIfChanged(cluster, 'h', Math.max(ch, needH));
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Adds a card on top of the board and returns its id. With a `clusterId` of an existing cluster the
 * card is laid out inside that cluster (which grows to fit).
 */
export function addCard(doc: Y.Doc, card: NewCard, origin?: unknown, newId: () => string = randomId): string {
  const id = card.id ?? newId();
  doc.transact(() => {
    const clusterId = card.clusterId != null && itemMap(doc, card.clusterId)?.get('kind') === 'cluster' ? card.clusterId : null;
    const m = new Y.Map<unknown>([
      ['kind', 'card'],
      ['text', cut(card.text ?? '', BOARD_LIMITS.cardTextMax)],
      ['color', isCardColor(card.color) ? card.color : 'yellow'],
      ['x', finite(card.x, 0)],
      ['y', finite(card.y, 0)],
      ['w', positive(card.w, BOARD_LAYOUT.cardWidth)],
      ['h', positive(card.h, BOARD_LAYOUT.cardHeight)],
      ['authorId', card.authorId ?? ''],
      ['authorName', cut(card.authorName ?? '', BOARD_LIMITS.authorNameMax)],
      ['clusterId', clusterId],
      ['order', nextOrder(doc)],
      ['locked', card.locked ?? false],
      ['createdAt', finite(card.createdAt, Date.now())],
    ]);
    itemsOf(doc).set(id, m);
    if (clusterId !== null) layoutCluster(doc, clusterId, [id]);
  }, origin);
  return id;
}

/** Adds an empty cluster (default size: two columns, one row of cards) on top and returns its id. */
export function addCluster(doc: Y.Doc, cluster: NewCluster, origin?: unknown, newId: () => string = randomId): string {
  const id = cluster.id ?? newId();
  doc.transact(() => {
    const m = new Y.Map<unknown>([
      ['kind', 'cluster'],
      ['title', cut(cluster.title ?? '', BOARD_LIMITS.clusterTitleMax)],
      ['x', finite(cluster.x, 0)],
      ['y', finite(cluster.y, 0)],
      ['w', positive(cluster.w, BOARD_LAYOUT.clusterWidth)],
      ['h', positive(cluster.h, BOARD_LAYOUT.clusterHeight)],
      ['order', nextOrder(doc)],
      ['locked', cluster.locked ?? false],
    ]);
    itemsOf(doc).set(id, m);
  }, origin);
  return id;
}

/**
 * Adds a stroke on top and returns its id. The points go into a `Y.Array` (so a client can stream
 * them while drawing with {@link appendStrokePoints}); x and y start at 0.
 */
export function addStroke(doc: Y.Doc, stroke: NewStroke, origin?: unknown, newId: () => string = randomId): string {
  const id = stroke.id ?? newId();
  doc.transact(() => {
    const m = new Y.Map<unknown>([
      ['kind', 'stroke'],
      ['points', Y.Array.from(cleanPoints(stroke.points))],
      ['x', 0],
      ['y', 0],
      ['color', isHexColor(stroke.color) ? stroke.color : DEFAULT_STROKE_COLOR],
      ['size', positive(stroke.size, DEFAULT_STROKE_SIZE)],
      ['authorId', stroke.authorId ?? ''],
      ['order', nextOrder(doc)],
    ]);
    itemsOf(doc).set(id, m);
  }, origin);
  return id;
}

/** Appends absolute points `[x, y, p, …]` to a stroke being drawn (up to the stroke's point limit). */
export function appendStrokePoints(doc: Y.Doc, id: string, points: readonly number[], origin?: unknown): void {
  doc.transact(() => {
    const m = itemMap(doc, id);
    if (!m || m.get('kind') !== 'stroke') return;
    let arr = m.get('points');
    if (!(arr instanceof Y.Array)) {
      const existing = numbersOf(arr);
      arr = Y.Array.from(existing);
      m.set('points', arr);
    }
    const yarr = arr as Y.Array<number>;
    const room = BOARD_LIMITS.strokePointsMax * 3 - yarr.length;
    const add = cleanPoints(points, finite(m.get('x'), 0), finite(m.get('y'), 0)).slice(0, Math.max(0, room));
    if (add.length > 0) yarr.push(add);
  }, origin);
}

/** Adds a label on top and returns its id. */
export function addLabel(doc: Y.Doc, label: NewLabel, origin?: unknown, newId: () => string = randomId): string {
  const id = label.id ?? newId();
  doc.transact(() => {
    const m = new Y.Map<unknown>([
      ['kind', 'label'],
      ['text', cut(label.text ?? '', BOARD_LIMITS.labelTextMax)],
      ['x', finite(label.x, 0)],
      ['y', finite(label.y, 0)],
      ['order', nextOrder(doc)],
    ]);
    itemsOf(doc).set(id, m);
  }, origin);
  return id;
}

const PATCH_FIELDS: Record<ItemKind, readonly string[]> = {
  card: ['text', 'color', 'x', 'y', 'w', 'h', 'authorId', 'authorName', 'locked', 'createdAt'],
  cluster: ['title', 'x', 'y', 'w', 'h', 'locked'],
  stroke: ['points', 'x', 'y', 'color', 'size', 'authorId'],
  label: ['text', 'x', 'y'],
};

/** The value to store for one patched field, or undefined when the value is not acceptable. */
function patchValue(kind: ItemKind, key: string, value: unknown): unknown {
  switch (key) {
    case 'text':
      return typeof value === 'string' ? cut(value, kind === 'card' ? BOARD_LIMITS.cardTextMax : BOARD_LIMITS.labelTextMax) : undefined;
    case 'title':
      return typeof value === 'string' ? cut(value, BOARD_LIMITS.clusterTitleMax) : undefined;
    case 'authorName':
      return typeof value === 'string' ? cut(value, BOARD_LIMITS.authorNameMax) : undefined;
    case 'authorId':
      return typeof value === 'string' ? value : undefined;
    case 'color':
      return kind === 'card' ? (isCardColor(value) ? value : undefined) : isHexColor(value) ? value : undefined;
    case 'x':
    case 'y':
    case 'createdAt':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'w':
    case 'h':
    case 'size':
      return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
    case 'locked':
      return typeof value === 'boolean' ? value : undefined;
    case 'points':
      return Array.isArray(value) ? Y.Array.from(cleanPoints(value as number[])) : undefined;
    default:
      return undefined;
  }
}

/**
 * Changes fields of one item. Only fields of the item's kind are written, only valid values, and
 * only when they differ from the stored value (no empty updates). Works on locked items too (that is
 * how they get unlocked); does not re-layout clusters (use {@link setCardsCluster}).
 * Returns whether the item exists.
 */
export function updateItem(doc: Y.Doc, id: string, patch: ItemPatch, origin?: unknown): boolean {
  let found = false;
  doc.transact(() => {
    const m = itemMap(doc, id);
    const kind = m?.get('kind');
    if (!m || typeof kind !== 'string' || !(ITEM_KINDS as readonly string[]).includes(kind)) return;
    found = true;
    for (const key of PATCH_FIELDS[kind as ItemKind]) {
      if (!Object.prototype.hasOwnProperty.call(patch, key)) continue;
      const value = patchValue(kind as ItemKind, key, (patch as Record<string, unknown>)[key]);
      if (value === undefined) continue;
      if (value instanceof Y.Array) m.set(key, value);
      else setIfChanged(m, key, value);
    }
  }, origin);
  return found;
}

/**
 * Moves items by (dx, dy). A cluster takes its cards along (once, even if they are in `ids` too).
 * Locked items stay put (cards of a moved cluster move with it even when locked: they belong to it).
 */
export function moveItems(doc: Y.Doc, ids: readonly string[], dx: number, dy: number, origin?: unknown): void {
  if (!Number.isFinite(dx) || !Number.isFinite(dy) || (dx === 0 && dy === 0)) return;
  doc.transact(() => {
    const moved = new Set<string>();
    const move = (id: string, m: ItemMap) => {
      if (moved.has(id)) return;
      moved.add(id);
      m.set('x', finite(m.get('x'), 0) + dx);
      m.set('y', finite(m.get('y'), 0) + dy);
    };
    // Clusters first, so their cards are marked as moved before a card id in `ids` comes up.
    const targets = ids
      .map((id) => ({ id, m: itemMap(doc, id) }))
      .filter((t): t is { id: string; m: ItemMap } => t.m !== undefined && t.m.get('locked') !== true);
    for (const t of targets) {
      if (t.m.get('kind') !== 'cluster') continue;
      move(t.id, t.m);
      for (const card of cardsOfClusterRaw(doc, t.id)) move(card.id, card.m);
    }
    for (const t of targets) {
      if (t.m.get('kind') !== 'cluster') move(t.id, t.m);
    }
  }, origin);
}

/**
 * Deletes items. Deleting a cluster keeps its cards, unclustered, where they are. Locked items are
 * not deleted. Returns the ids actually deleted.
 */
export function deleteItems(doc: Y.Doc, ids: readonly string[], origin?: unknown): string[] {
  const deleted: string[] = [];
  doc.transact(() => {
    const items = itemsOf(doc);
    const doomed = new Set<string>();
    for (const id of ids) {
      const value = items.get(id);
      if (value === undefined) continue;
      if (value instanceof Y.Map && value.get('locked') === true) continue;
      doomed.add(id);
    }
    for (const id of doomed) {
      if (itemMap(doc, id)?.get('kind') !== 'cluster') continue;
      for (const card of cardsOfClusterRaw(doc, id)) {
        if (!doomed.has(card.id)) card.m.set('clusterId', null);
      }
    }
    for (const id of doomed) {
      items.delete(id);
      deleted.push(id);
    }
  }, origin);
  return deleted;
}

/**
 * Puts cards into a cluster (laid out inside it in a grid, appended after its cards in the given
 * order; the cluster grows to fit) or, with null, takes them out of their clusters (they stay where
 * they are). The clusters they leave close the gaps. Locked cards and unknown ids are skipped; an
 * unknown cluster id changes nothing. Returns the ids of the cards whose cluster changed.
 */
export function setCardsCluster(doc: Y.Doc, cardIds: readonly string[], clusterId: string | null, origin?: unknown): string[] {
  const changed: string[] = [];
  doc.transact(() => {
    if (clusterId !== null && itemMap(doc, clusterId)?.get('kind') !== 'cluster') return;
    const left = new Set<string>();
    for (const id of new Set(cardIds)) {
      const m = itemMap(doc, id);
      if (!m || m.get('kind') !== 'card' || m.get('locked') === true) continue;
      const current = typeof m.get('clusterId') === 'string' ? (m.get('clusterId') as string) : null;
      if (current === clusterId) continue;
      if (current !== null) left.add(current);
      m.set('clusterId', clusterId);
      changed.push(id);
    }
    if (changed.length === 0) return;
    if (clusterId !== null) layoutCluster(doc, clusterId, changed);
    for (const id of left) layoutCluster(doc, id);
  }, origin);
  return changed;
}

/**
 * Brings items to the front: new order keys after the last item, keeping their relative order.
 * A cluster brings its cards along (right after it).
 */
export function bringToFront(doc: Y.Doc, ids: readonly string[], origin?: unknown): void {
  doc.transact(() => {
    const picked = new Map<string, ItemMap>();
    for (const id of ids) {
      const m = itemMap(doc, id);
      if (!m) continue;
      picked.set(id, m);
      if (m.get('kind') === 'cluster') for (const card of cardsOfClusterRaw(doc, id)) picked.set(card.id, card.m);
    }
    if (picked.size === 0) return;
    const entries = [...picked].map(([id, m]) => ({ id, m, order: text(m.get('order')) }));
    // Clusters before cards so a cluster's cards stay above it; otherwise keep the current order.
    const rank = (m: ItemMap) => (m.get('kind') === 'cluster' ? 0 : 1);
    entries.sort((a, b) => rank(a.m) - rank(b.m) || compareOrder(a, b));
    const keys = keysAfterLast(doc, entries.length);
    entries.forEach((e, i) => e.m.set('order', keys[i]!));
  }, origin);
}

/** Changes one board setting. */
export function setSetting<K extends keyof BoardSettings>(doc: Y.Doc, key: K, value: BoardSettings[K], origin?: unknown): void {
  doc.transact(() => {
    const s = doc.getMap<unknown>(SETTINGS_KEY);
    if (s.get(key) !== value) s.set(key, value);
  }, origin);
}

// ---------------------------------------------------------------------------------------------
// Outline (documentation)

/** Options of {@link outline}. */
export interface OutlineOptions {
  /** Whether card lines name their author; default: the board's setting. */
  showAuthors?: boolean;
  /** Heading of the cards outside any cluster. Default "Unclustered". */
  unclustered?: string;
  /** Heading of a cluster without title. Default "Untitled". */
  untitled?: string;
  /** The dot count as text. Default "1 dot" / "N dots". */
  dots?: (n: number) => string;
}

/**
 * Escapes user text for Markdown: one line (whitespace runs become one space), every character
 * that could start inline markup backslash-escaped, and line-start markers (#, >, -, +, "1.")
 * neutralised, so a card reads literally wherever it lands in a list or heading.
 */
export function escapeMarkdown(value: string): string {
  const line = value.replace(/\s+/g, ' ').trim();
  return line
    .replace(/[\\`*_{}[\]<>|~&#]/g, '\\$&')
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

function defaultDots(n: number): string {
  return n === 1 ? '1 dot' : `${n} dots`;
}

/**
 * The board as Markdown for the documentation: each cluster as `## Title (N dots)` with its cards
 * as `- text (N dots) — author`, then the cards outside any cluster under `## Unclustered`.
 * A cluster's N counts the dots on the cluster plus those on its cards; "(N dots)" is left out when
 * N is 0. Clusters and cards are ordered by dots (most first), then by position (y, then x).
 * Cards without text are left out; authors only when `showAuthors`. Ends with a newline; an empty
 * board gives an empty string.
 */
export function outline(snapshot: BoardSnapshot, votes: Record<string, number> = {}, options: OutlineOptions = {}): string {
  const showAuthors = options.showAuthors ?? snapshot.settings.showAuthors;
  const dots = options.dots ?? defaultDots;
  const count = (id: string) => {
    const n = Object.prototype.hasOwnProperty.call(votes, id) ? votes[id] : 0;
    return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
  };
  const suffix = (n: number) => (n > 0 ? ` (${dots(n)})` : '');
  const byRank = <T extends { id: string; x: number; y: number }>(list: T[], n: (item: T) => number): T[] =>
    [...list].sort((a, b) => n(b) - n(a) || a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const cardLine = (card: CardItem) => {
    const author = showAuthors && card.authorName.trim() !== '' ? ` — ${escapeMarkdown(card.authorName)}` : '';
    return `- ${escapeMarkdown(card.text)}${suffix(count(card.id))}${author}`;
  };
  const written = snapshot.cards.filter((c) => c.text.trim() !== '');
  const sections: string[] = [];
  const clusterTotal = (c: ClusterItem) =>
    count(c.id) + written.filter((card) => card.clusterId === c.id).reduce((sum, card) => sum + count(card.id), 0);
  for (const cluster of byRank(snapshot.clusters, clusterTotal)) {
    const title = cluster.title.trim() === '' ? options.untitled ?? 'Untitled' : cluster.title;
    const cards = byRank(
      written.filter((c) => c.clusterId === cluster.id),
      (c) => count(c.id),
    );
    const lines = [`## ${escapeMarkdown(title)}${suffix(clusterTotal(cluster))}`];
    if (cards.length > 0) lines.push('', ...cards.map(cardLine));
    sections.push(lines.join('\n'));
  }
  const loose = byRank(
    written.filter((c) => c.clusterId === null),
    (c) => count(c.id),
  );
  if (loose.length > 0) {
    sections.push([`## ${escapeMarkdown(options.unclustered ?? 'Unclustered')}`, '', ...loose.map(cardLine)].join('\n'));
  }
  return sections.length === 0 ? '' : `${sections.join('\n\n')}\n`;
}
