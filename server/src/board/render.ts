/**
 * Server-side rendering of a room's board for previews and the documentation: SVG and PNG from the
 * same scene the browser draws, and a Markdown outline.
 *
 * Fonts: the PNG is rasterized by resvg with the system fonts (`loadSystemFonts`), falling back to
 * DejaVu Sans, which Debian installs with `fonts-dejavu-core` (present in our image; Liberation Sans
 * is there too). Without any font resvg still renders every shape (cards, clusters, strokes, dots)
 * but silently drops the text. The SVG itself names a font stack and needs no fonts on the server.
 */
import type * as Y from 'yjs';
import { boardBounds, boardScene, fitCardsToText, outline, readBoard, svgToString } from '@werkraum/shared/board';
import type { BoardBounds, BoardItem, BoardSnapshot, CardItem, Hyphenate, OutlineOptions } from '@werkraum/shared/board';
import { BoardRasterizer, RenderError } from './rasterizer.js';

export { BoardRasterizer, RenderError } from './rasterizer.js';

/** Options of {@link renderBoardSvg}. */
export interface RenderBoardOptions {
  /** Dots per item id. */
  votes?: Record<string, number>;
  /** Draw dot badges; default: whether `votes` were given. */
  showVotes?: boolean;
  /** Draw authors on cards; default: the board's `showAuthors` setting. */
  showAuthors?: boolean;
  /** Cards to draw face down (e.g. drafts not yet revealed). */
  hiddenCardIds?: readonly string[];
  /** The area to render; default: everything on the board. */
  viewBox?: BoardBounds;
  /** Accessible name of the picture; default "Board". */
  title?: string;
  /** Accessible description; default: counts of clusters, cards, drawings and labels. */
  description?: string;
  /**
   * People who agreed to be named in the documentation: only their cards show an author. All
   * authors when absent (tests of the drawing itself).
   */
  namedAuthorIds?: ReadonlySet<string>;
  /** Marks where words may break (the workshop language's syllables). */
  hyphenate?: Hyphenate;
  /** The accessible description from the drawn board, when `description` is not given (e.g. in the workshop's language). */
  describe?: (snapshot: BoardSnapshot) => string;
}

/** Options of {@link renderBoardPng}. */
export interface RenderBoardPngOptions extends RenderBoardOptions {
  /**
   * Width of the PNG in pixels (the height follows the board's aspect ratio). Default 1600, at most
   * 8000; a tall or large board is drawn smaller so that the picture stays within
   * {@link BOARD_PNG_MAX_PIXELS} and {@link BOARD_PNG_MAX_SIDE}.
   */
  width?: number;
  /** The worker that rasterizes; default: one shared by the process. */
  rasterizer?: BoardRasterizer;
}

/** Default width of a rendered board PNG, pixels. */
export const BOARD_PNG_WIDTH = 1600;
/** Widest PNG the server renders, pixels. */
export const BOARD_PNG_MAX_WIDTH = 8000;
/** Most pixels of one rendered PNG (width × height): bounds the memory one render takes. */
export const BOARD_PNG_MAX_PIXELS = 4_000_000;
/** Longest side of a rendered PNG, pixels. */
export const BOARD_PNG_MAX_SIDE = 16_384;
/** Items with a coordinate this far or farther from the origin (board units) are left out of renderings; the board readers clamp anything beyond it to exactly this value. */
export const BOARD_RENDER_EXTENT = 100_000;
/** Widths and heights of cards and clusters are drawn at most this large (board units). */
export const BOARD_RENDER_ITEM_MAX = 10_000;
/** Pen sizes are drawn at most this large (board units). */
export const BOARD_RENDER_PEN_MAX = 200;

const near = (value: number) => Number.isFinite(value) && Math.abs(value) < BOARD_RENDER_EXTENT;
const clampSize = (value: number, max: number) => (Number.isFinite(value) ? Math.min(max, Math.max(1, value)) : 1);

/** An item as it can be drawn: sizes clamped, or undefined when it lies out of any sane area. */
function drawable(item: BoardItem): BoardItem | undefined {
  if (!near(item.x) || !near(item.y)) return undefined;
  switch (item.kind) {
    case 'card':
    case 'cluster':
      return { ...item, w: clampSize(item.w, BOARD_RENDER_ITEM_MAX), h: clampSize(item.h, BOARD_RENDER_ITEM_MAX) };
    case 'stroke':
      if (!item.points.every((value) => near(value))) return undefined;
      return { ...item, size: clampSize(item.size, BOARD_RENDER_PEN_MAX) };
    case 'label':
      return item;
  }
}

/**
 * The board as renderers may draw it: items with coordinates that are not finite or lie beyond
 * {@link BOARD_RENDER_EXTENT} are skipped, sizes are clamped. Whatever a client wrote into the
 * document, the picture keeps a bounded extent.
 */
export function drawableBoard(snapshot: BoardSnapshot): BoardSnapshot {
  const items = snapshot.items.map(drawable).filter((item): item is BoardItem => item !== undefined);
  return {
    settings: snapshot.settings,
    items,
    clusters: items.filter((i) => i.kind === 'cluster'),
    cards: items.filter((i) => i.kind === 'card'),
    strokes: items.filter((i) => i.kind === 'stroke'),
    labels: items.filter((i) => i.kind === 'label'),
  } as BoardSnapshot;
}

/**
 * The board with author names only on the cards of people in `namedAuthorIds` (everyone else's
 * cards carry no name, as if written anonymously).
 */
export function withNamedAuthors(snapshot: BoardSnapshot, namedAuthorIds: ReadonlySet<string> | undefined): BoardSnapshot {
  if (!namedAuthorIds) return snapshot;
  const unnamed = (item: BoardItem): BoardItem =>
    item.kind === 'card' && item.authorName !== '' && !namedAuthorIds.has(item.authorId) ? { ...item, authorName: '' } : item;
  const items = snapshot.items.map(unnamed);
  return { ...snapshot, items, cards: items.filter((item): item is CardItem => item.kind === 'card') };
}

/** A view box within the drawable extent (a requested one is clamped too). */
function boundedView(view: BoardBounds): BoardBounds {
  const limit = BOARD_RENDER_EXTENT + BOARD_RENDER_ITEM_MAX + 1_000;
  const clamp = (value: number, fallback: number) => (Number.isFinite(value) ? Math.min(limit, Math.max(-limit, value)) : fallback);
  const minX = clamp(view.minX, 0);
  const minY = clamp(view.minY, 0);
  return { minX, minY, maxX: Math.max(minX + 1, clamp(view.maxX, minX + 1)), maxY: Math.max(minY + 1, clamp(view.maxY, minY + 1)) };
}

/** The board's SVG and the size of its view (board units). */
function boardSvg(doc: Y.Doc, options: RenderBoardOptions): { svg: string; width: number; height: number } {
  const snapshot = withNamedAuthors(drawableBoard(readBoard(doc)), options.namedAuthorIds);
  const showAuthors = options.showAuthors ?? snapshot.settings.showAuthors;
  // Cards grow to show all their text: the picture's bounds follow the grown cards.
  const layoutCache = new Map<string, string[]>();
  const fitted = fitCardsToText(snapshot, { showAuthors, hyphenate: options.hyphenate, hiddenCardIds: options.hiddenCardIds, layoutCache });
  const view = boundedView(options.viewBox ?? boardBounds(fitted));
  const svg = svgToString(
    boardScene(snapshot, {
      votes: options.votes ?? {},
      showVotes: options.showVotes ?? options.votes !== undefined,
      showAuthors,
      layoutCache,
      ...(options.hyphenate ? { hyphenate: options.hyphenate } : {}),
      ...(options.hiddenCardIds ? { hiddenCardIds: options.hiddenCardIds } : {}),
      viewBox: view,
      ...(options.title !== undefined ? { title: options.title } : {}),
      ...(options.description !== undefined
        ? { description: options.description }
        : options.describe
          ? { description: options.describe(snapshot) }
          : {}),
    }),
  );
  return { svg, width: view.maxX - view.minX, height: view.maxY - view.minY };
}

/** Renders a board document to a standalone SVG document (text escaped, `xmlns` set). */
export function renderBoardSvg(doc: Y.Doc, options: RenderBoardOptions = {}): string {
  return boardSvg(doc, options).svg;
}

/**
 * The zoom from board units to pixels for a view of `width` × `height` board units: the requested
 * pixel width, made smaller where needed so that the picture has at most
 * {@link BOARD_PNG_MAX_PIXELS} pixels and no side over {@link BOARD_PNG_MAX_SIDE}; never so small
 * that a side would be empty.
 */
export function pngZoom(width: number, height: number, requestedWidth: number = BOARD_PNG_WIDTH): number {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const wanted = Number.isFinite(requestedWidth) ? Math.min(BOARD_PNG_MAX_WIDTH, Math.max(1, Math.round(requestedWidth))) : BOARD_PNG_WIDTH;
  const zoom = Math.min(wanted / w, Math.sqrt(BOARD_PNG_MAX_PIXELS / (w * h)), BOARD_PNG_MAX_SIDE / w, BOARD_PNG_MAX_SIDE / h);
  // A very long, thin board keeps at least one pixel across (its length is bounded by the extent).
  return Math.max(zoom, 1 / Math.min(w, h));
}

let sharedRasterizer: BoardRasterizer | undefined;

/** The rasterizer `renderBoardPng` uses when none is given (created on first use). */
export function defaultRasterizer(): BoardRasterizer {
  sharedRasterizer ??= new BoardRasterizer();
  return sharedRasterizer;
}

/**
 * Renders a board document to a PNG on a white background, in a worker thread with a time limit
 * (see {@link BoardRasterizer}): default 1600 px wide, smaller when the board is large. Rejects
 * with a {@link RenderError} when the render takes too long or too many are waiting.
 */
export async function renderBoardPng(doc: Y.Doc, options: RenderBoardPngOptions = {}): Promise<Buffer> {
  const { svg, width, height } = boardSvg(doc, options);
  const rasterizer = options.rasterizer ?? defaultRasterizer();
  return rasterizer.rasterize({ svg, zoom: pngZoom(width, height, options.width) });
}

/** The board's SVG with the size of its view (board units): drawn once, it serves the SVG and the PNG. */
export function drawBoardSvg(doc: Y.Doc, options: RenderBoardOptions = {}): { svg: string; width: number; height: number } {
  return boardSvg(doc, options);
}

/** Rasterizes a drawing of {@link drawBoardSvg} as {@link renderBoardPng} does. */
export async function rasterizeBoardSvg(
  drawn: { svg: string; width: number; height: number },
  options: { width?: number; rasterizer?: BoardRasterizer } = {},
): Promise<Buffer> {
  const rasterizer = options.rasterizer ?? defaultRasterizer();
  return rasterizer.rasterize({ svg: drawn.svg, zoom: pngZoom(drawn.width, drawn.height, options.width) });
}

/** Whether an error is a refused or abandoned render (the caller answers 503). */
export function isRenderError(error: unknown): error is RenderError {
  return error instanceof RenderError;
}

/**
 * The board as a Markdown outline for the documentation: clusters with their cards, ordered by
 * dots, then position (see `outline` in `@werkraum/shared/board`).
 */
export function renderBoardOutline(
  doc: Y.Doc,
  votes: Record<string, number> = {},
  options: OutlineOptions & { namedAuthorIds?: ReadonlySet<string> } = {},
): string {
  const { namedAuthorIds, ...outlineOptions } = options;
  return outline(withNamedAuthors(readBoard(doc), namedAuthorIds), votes, outlineOptions);
}
