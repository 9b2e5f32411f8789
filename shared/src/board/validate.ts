/**
 * What a board document may contain: a pure check of one item (or the settings) against the board
 * model, for the server to refuse hostile or broken writes before it stores them. The model's
 * readers are defensive as well (they clamp what slips through or was stored before these checks).
 *
 * Only fields that are present are checked (readers give missing fields defaults); every present
 * field must have the type, range and length the model writes.
 */
import * as Y from 'yjs';
import { BOARD_BOUNDS, BOARD_LIMITS, CARD_COLORS, ITEM_KINDS, type ItemKind } from './model.js';

/** The fields each kind of item may hold. */
const FIELDS: Record<ItemKind, ReadonlySet<string>> = {
  card: new Set(['kind', 'order', 'text', 'color', 'x', 'y', 'w', 'h', 'authorId', 'authorName', 'clusterId', 'locked', 'createdAt']),
  cluster: new Set(['kind', 'order', 'title', 'x', 'y', 'w', 'h', 'locked']),
  stroke: new Set(['kind', 'order', 'points', 'x', 'y', 'color', 'size', 'authorId']),
  label: new Set(['kind', 'order', 'text', 'x', 'y']),
};

/** The board-wide settings and their type. */
const SETTINGS = new Set(['showAuthors', 'locked']);

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

function isCoordinate(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= BOARD_BOUNDS.coordinateMax;
}

function isSize(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= BOARD_BOUNDS.sizeMax;
}

function isText(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length <= max;
}

/** Why one field of an item is not acceptable, or null when it is. */
function fieldProblem(kind: ItemKind, key: string, value: unknown): string | null {
  switch (key) {
    case 'kind':
      return null; // checked by the caller
    case 'order':
      return isText(value, BOARD_BOUNDS.orderMax) ? null : 'order is not a short string';
    case 'x':
    case 'y':
      return isCoordinate(value) ? null : `${key} is not a number within ±${BOARD_BOUNDS.coordinateMax}`;
    case 'w':
    case 'h':
      return isSize(value) ? null : `${key} is not a size in (0, ${BOARD_BOUNDS.sizeMax}]`;
    case 'text':
      return isText(value, kind === 'label' ? BOARD_LIMITS.labelTextMax : BOARD_LIMITS.cardTextMax) ? null : 'text is too long or not text';
    case 'title':
      return isText(value, BOARD_LIMITS.clusterTitleMax) ? null : 'title is too long or not text';
    case 'authorName':
      return isText(value, BOARD_LIMITS.authorNameMax) ? null : 'authorName is too long or not text';
    case 'authorId':
      return isText(value, BOARD_BOUNDS.idMax) ? null : 'authorId is not a short string';
    case 'clusterId':
      return value === null || isText(value, BOARD_BOUNDS.idMax) ? null : 'clusterId is not an id or null';
    case 'locked':
      return typeof value === 'boolean' ? null : 'locked is not a boolean';
    case 'createdAt':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? null : 'createdAt is not a time';
    case 'color':
      if (kind === 'stroke') return typeof value === 'string' && HEX_COLOR.test(value) ? null : 'color is not a hex colour';
      return typeof value === 'string' && (CARD_COLORS as readonly string[]).includes(value) ? null : 'color is not a card colour';
    case 'size':
      return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= BOARD_BOUNDS.strokeSizeMax ? null : 'size is out of range';
    default:
      return `unknown field ${key}`;
  }
}

/** Why a stroke's points are not acceptable (relative to the stroke's x, y), or null. */
function pointsProblem(value: unknown, x: number, y: number): string | null {
  const raw = value instanceof Y.Array ? (value.toArray() as unknown[]) : Array.isArray(value) ? (value as unknown[]) : null;
  if (raw === null) return 'points is not a list';
  if (raw.length > BOARD_LIMITS.strokePointsMax * 3) return 'too many points';
  for (let i = 0; i < raw.length; i += 1) {
    const v = raw[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return 'a point is not a number';
    const part = i % 3;
    if (part === 2 ? v < 0 || v > 1 : Math.abs(v + (part === 0 ? x : y)) > BOARD_BOUNDS.coordinateMax) return 'a point is out of range';
  }
  return null;
}

/**
 * Why one entry of the `items` map is not a valid item (id is the key), or null when it is: a
 * `Y.Map` with a known kind, only the fields of its kind, each of the right type and range.
 */
export function itemProblem(id: string, value: unknown): string | null {
  if (id.length === 0 || id.length > BOARD_BOUNDS.idMax) return 'item id is empty or too long';
  if (!(value instanceof Y.Map)) return 'item is not a map';
  const map = value as Y.Map<unknown>;
  const kind = map.get('kind');
  if (typeof kind !== 'string' || !(ITEM_KINDS as readonly string[]).includes(kind)) return 'unknown item kind';
  const fields = FIELDS[kind as ItemKind];
  for (const [key, field] of map.entries()) {
    if (!fields.has(key)) return `unknown field ${key}`;
    if (key === 'points') continue;
    if (field instanceof Y.AbstractType) return `${key} is not a plain value`;
    const problem = fieldProblem(kind as ItemKind, key, field);
    if (problem) return problem;
  }
  if (kind === 'stroke' && map.has('points')) {
    const x = map.get('x');
    const y = map.get('y');
    return pointsProblem(map.get('points'), typeof x === 'number' ? x : 0, typeof y === 'number' ? y : 0);
  }
  return null;
}

/** Why the `settings` map is not valid, or null: only `showAuthors` and `locked`, both booleans. */
export function settingsProblem(settings: Y.Map<unknown>): string | null {
  for (const [key, value] of settings.entries()) {
    if (!SETTINGS.has(key)) return `unknown setting ${key}`;
    if (typeof value !== 'boolean') return `setting ${key} is not a boolean`;
  }
  return null;
}

/** Every problem of a whole board document (for checks of stored data; the server checks changed items only). */
export function boardProblems(doc: Y.Doc): string[] {
  const problems: string[] = [];
  doc.getMap<unknown>('items').forEach((value, id) => {
    const problem = itemProblem(id, value);
    if (problem) problems.push(`${id}: ${problem}`);
  });
  const settings = settingsProblem(doc.getMap<unknown>('settings'));
  if (settings) problems.push(settings);
  return problems;
}
