/**
 * Server-side rendering of a room's board for previews and the documentation: SVG and PNG from the
 * same scene the browser draws, and a Markdown outline.
 *
 * Fonts: the PNG is rasterized by resvg with the system fonts (`loadSystemFonts`), falling back to
 * DejaVu Sans, which Debian installs with `fonts-dejavu-core` (present in our image; Liberation Sans
 * is there too). Without any font resvg still renders every shape (cards, clusters, strokes, dots)
 * but silently drops the text. The SVG itself names a font stack and needs no fonts on the server.
 */
import { Resvg } from '@resvg/resvg-js';
import type * as Y from 'yjs';
import { boardScene, outline, readBoard, svgToString } from '@werkraum/shared/board';
import type { BoardBounds, OutlineOptions } from '@werkraum/shared/board';

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
}

/** Options of {@link renderBoardPng}. */
export interface RenderBoardPngOptions extends RenderBoardOptions {
  /** Width of the PNG in pixels (the height follows the board's aspect ratio). Default 1600, at most 8000. */
  width?: number;
}

/** Default width of a rendered board PNG, pixels. */
export const BOARD_PNG_WIDTH = 1600;
/** Widest PNG the server renders, pixels (bounds the memory one render takes). */
export const BOARD_PNG_MAX_WIDTH = 8000;

/** Renders a board document to a standalone SVG document (text escaped, `xmlns` set). */
export function renderBoardSvg(doc: Y.Doc, options: RenderBoardOptions = {}): string {
  const snapshot = readBoard(doc);
  return svgToString(
    boardScene(snapshot, {
      votes: options.votes ?? {},
      showVotes: options.showVotes ?? options.votes !== undefined,
      showAuthors: options.showAuthors ?? snapshot.settings.showAuthors,
      ...(options.hiddenCardIds ? { hiddenCardIds: options.hiddenCardIds } : {}),
      ...(options.viewBox ? { viewBox: options.viewBox } : {}),
      ...(options.title !== undefined ? { title: options.title } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
    }),
  );
}

/** Renders a board document to a PNG of the given width (default 1600 px) on a white background. */
export function renderBoardPng(doc: Y.Doc, options: RenderBoardPngOptions = {}): Buffer {
  const requested = options.width ?? BOARD_PNG_WIDTH;
  const width = Number.isFinite(requested) ? Math.min(BOARD_PNG_MAX_WIDTH, Math.max(1, Math.round(requested))) : BOARD_PNG_WIDTH;
  const resvg = new Resvg(renderBoardSvg(doc, options), {
    fitTo: { mode: 'width', value: width },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

/**
 * The board as a Markdown outline for the documentation: clusters with their cards, ordered by
 * dots, then position (see `outline` in `@werkraum/shared/board`).
 */
export function renderBoardOutline(doc: Y.Doc, votes: Record<string, number> = {}, options: OutlineOptions = {}): string {
  return outline(readBoard(doc), votes, options);
}
