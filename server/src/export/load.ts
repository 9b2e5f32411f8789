/**
 * Loads what the documentation model is built from: the stored workshop, people, agenda, polls
 * with counted results, breakout rounds, and each room's notes (rendered) and board (outline, SVG,
 * PNG drawn in the rasterizer's worker), the plenary's likewise. The building itself is pure (model.ts).
 */
import { readBoard } from '@werkraum/shared/board';
import { PLENARY_ROOM, roomDocName } from '@werkraum/shared/rooms';
import type * as Y from 'yjs';
import { drawBoardSvg, rasterizeBoardSvg, renderBoardOutline, type BoardRasterizer } from '../board/render.js';
import type { CollabServer } from '../collab/server.js';
import { notesToProseMirror, renderNotesNodeHtml, renderNotesNodeMarkdown } from '../collab/render.js';
import { summaryDocName } from '../domain/documentation.js';
import { countResults, resultsVisibleToAll } from '../domain/polls.js';
import { DomainError } from '../domain/errors.js';
import type { Store } from '../store/types.js';
import { findingsSection } from './findings.js';
import { labelsFor } from './labels.js';
import type { DocumentationFindings, DocumentationInput, LoadedRoom, RichNode, RichText, SeriesDateInput } from './model.js';
import type { Language } from '@werkraum/shared/roles';
import type { DocumentationSection } from '@werkraum/shared/protocol';


/** Width of the board pictures in the documentation, pixels: sharp at the 600 px a page shows, and small to pack. */
export const BOARD_IMAGE_WIDTH = 1000;

/** Where the loader reads from. */
export interface DocumentationSources {
  store: Store;
  collab: CollabServer;
  rasterizer?: BoardRasterizer;
  /** Dot counts of a room's board. */
  boardVotes: (workshopId: string, roomId: string) => Promise<Record<string, number>>;
  /** The findings of the closing round, when the server has that capability. */
  findingsProvider?: (workshopId: string) => Promise<DocumentationFindings | null>;
  log?: (message: string, error?: unknown) => void;
}

/** Rich text of a notes-like document, or null when it is empty. */
export function richTextOf(doc: Y.Doc): RichText | null {
  // One conversion serves all three forms (each conversion copies the document first).
  const node = notesToProseMirror(doc);
  const markdown = renderNotesNodeMarkdown(node);
  if (markdown.trim().length === 0) return null;
  return { html: renderNotesNodeHtml(node), markdown, doc: node.toJSON() as RichNode };
}

/**
 * Lets the event loop run what waits (other people's messages) between two pieces of an export:
 * each room's documents are read and rendered in one go, and a workshop has dozens of them.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * One room's documents as the documentation shows them (breakout rooms and the plenary alike):
 * the notes as rich text, the board drawn without card authors, with its dot counts.
 */
async function loadRoom(
  sources: DocumentationSources,
  workshopId: string,
  roomId: string,
  options: { title: string; votes: () => Promise<Record<string, number>>; images: boolean; language: Language },
): Promise<LoadedRoom> {
  const labels = labelsFor(options.language);
  const notesDoc = await sources.collab.snapshot(roomDocName('notes', workshopId, roomId));
  const boardDoc = await sources.collab.snapshot(roomDocName('board', workshopId, roomId));
  try {
    const notes = richTextOf(notesDoc);
    await yieldToEventLoop();
    let board: LoadedRoom['board'] = null;
    if (readBoard(boardDoc).items.length > 0) {
      const votes = await options.votes();
      const drawing = { votes, showVotes: Object.keys(votes).length > 0, showAuthors: false, title: options.title };
      // One drawing (the cards' text laid out once) serves the SVG and the PNG.
      const drawn = drawBoardSvg(boardDoc, drawing);
      let png: Uint8Array | null = null;
      if (options.images) {
        try {
          png = new Uint8Array(await rasterizeBoardSvg(drawn, { width: BOARD_IMAGE_WIDTH, ...(sources.rasterizer ? { rasterizer: sources.rasterizer } : {}) }));
        } catch (error) {
          // A board that cannot be drawn in time is documented by its outline.
          sources.log?.(`documentation: board picture of room ${roomId} left out`, error);
        }
      }
      board = {
        outline: renderBoardOutline(boardDoc, votes, { showAuthors: false, unclustered: labels.unclustered, untitled: labels.untitled, dots: labels.dots }),
        svg: drawn.svg,
        png,
      };
    }
    return { notes, board };
  } finally {
    notesDoc.destroy();
    boardDoc.destroy();
  }
}

/** How one export is loaded. */
export interface LoadOptions {
  /** Draws the boards' PNGs (not needed for Markdown alone). */
  images: boolean;
  language: Language;
  attachmentBaseUrl: string;
  now: number;
  /**
   * Who reads it: participants get only the polls whose results everyone could see, as in the
   * workshop itself; facilitators get every poll that was run.
   */
  audience?: 'facilitators' | 'participants';
  /** Sections left out: their documents are not read or drawn at all. */
  excluded?: readonly DocumentationSection[];
}

/** Loads everything the model needs. `images` draws the boards' PNGs (not needed for Markdown alone). */
export async function loadDocumentationInput(
  sources: DocumentationSources,
  workshopId: string,
  options: LoadOptions & { dateId?: string | undefined },
): Promise<DocumentationInput | undefined> {
  const { store, collab } = sources;
  const stored = await store.getWorkshop(workshopId);
  if (!stored) return undefined;
  let workshop = stored;
  const [people, current, currentPolls, currentBreakouts, settings, attachments] = await Promise.all([
    store.listPeople(workshopId),
    store.getAgenda(workshopId),
    store.getPolls(workshopId),
    store.getBreakouts(workshopId),
    store.getDocumentationSettings(workshopId),
    store.listAttachments(workshopId),
  ]);
  let agenda = current ?? null;
  let pollList = currentPolls?.polls ?? [];
  let rounds = currentBreakouts?.rounds ?? [];
  // An earlier date of a series is documented from what it kept when the series moved on.
  let archived: { findings: DocumentationFindings | null; votes: (roomId: string) => Record<string, number> } | null = null;
  let doneDate = false;
  if (options.dateId !== undefined) {
    const date = (await store.getSeries(workshopId))?.dates.find((candidate) => candidate.id === options.dateId);
    doneDate = date?.status === 'done';
    if (!date && options.dateId !== 'first') throw new DomainError('invalid_payload', 'This workshop has no such date.', 'date');
    if (date?.status === 'upcoming') throw new DomainError('invalid_state', 'This date has not been held yet.', 'date');
    if (date?.status === 'done' && date.archive) {
      const { archive } = date;
      workshop = { ...stored, startsAt: date.startsAt };
      agenda = archive.agenda;
      pollList = archive.polls.map((entry) => entry.poll);
      rounds = archive.rounds;
      archived = {
        findings: findingsSection(archive.findings ?? [], archive.rounds, archive.agenda),
        votes: (roomId) => {
          const counts: Record<string, number> = {};
          for (const items of Object.values(archive.boards[roomId]?.voting.votes ?? {})) for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
          return counts;
        },
      };
    }
  }
  const shown = options.audience === 'participants' ? pollList.filter((poll) => resultsVisibleToAll(poll)) : pollList;
  const polls = await Promise.all(shown.map(async (poll) => ({ poll, results: countResults(poll, await store.listAnswers(poll.id), false) })));
  const labels = labelsFor(options.language);
  const rooms: Record<string, LoadedRoom> = {};
  const leftOut = new Set(options.excluded ?? []);
  for (const round of leftOut.has('breakouts') ? [] : rounds) {
    for (const room of round.rooms) {
      await yieldToEventLoop();
      rooms[room.id] = await loadRoom(sources, workshopId, room.id, {
        title: labels.boardImage(room.name),
        votes: () => (archived ? Promise.resolve(archived.votes(room.id)) : sources.boardVotes(workshopId, room.id)),
        images: options.images,
        language: options.language,
      });
      await yieldToEventLoop();
    }
  }
  // The plenary's notes and board belong to the workshop, not to a date: moving a series on
  // archives the rooms' boards and starts new rooms, but the plenary's documents stay as they are
  // (series.ts). So they are documented with the current date only, never with a done date.
  let plenary: LoadedRoom | null = null;
  if (!doneDate && !leftOut.has('plenary')) {
    await yieldToEventLoop();
    const loaded = await loadRoom(sources, workshopId, PLENARY_ROOM, {
      title: labels.boardImage(labels.plenary),
      votes: () => sources.boardVotes(workshopId, PLENARY_ROOM),
      images: options.images,
      language: options.language,
    });
    if (loaded.notes || loaded.board) plenary = loaded;
  }
  const summaryDoc = await collab.snapshot(summaryDocName(workshopId));
  let summary: RichText | null;
  try {
    summary = richTextOf(summaryDoc);
  } finally {
    summaryDoc.destroy();
  }
  let findings: DocumentationFindings | null = archived ? archived.findings : null;
  if (!archived && sources.findingsProvider) {
    try {
      findings = await sources.findingsProvider(workshopId);
    } catch (error) {
      sources.log?.('documentation: findings could not be read', error);
    }
  }
  return {
    workshop,
    people,
    agenda,
    polls,
    rounds,
    rooms,
    summary,
    compiledBy: settings?.compiledBy ?? '',
    nextSteps: settings?.nextSteps ?? '',
    plenary,
    attachments,
    findings,
    attachmentBaseUrl: options.attachmentBaseUrl,
    now: options.now,
  };
}

/** The `date` value that documents a whole series. */
export const ALL_DATES = 'all';

/**
 * Loads every date of a series for one document: each done date from what it kept, the current
 * date from the live workshop, dates still to come without input (they are only listed). A
 * workshop without stored dates is a series of its one current date. Undefined for an unknown workshop.
 */
export async function loadSeriesDocumentationInputs(
  sources: DocumentationSources,
  workshopId: string,
  options: LoadOptions,
): Promise<SeriesDateInput[] | undefined> {
  const series = await sources.store.getSeries(workshopId);
  if (!series || series.dates.length === 0) {
    const input = await loadDocumentationInput(sources, workshopId, options);
    return input ? [{ number: 1, startsAt: input.workshop.startsAt, input }] : undefined;
  }
  const dates: SeriesDateInput[] = [];
  for (const [index, date] of series.dates.entries()) {
    const number = index + 1;
    if (date.status === 'upcoming') {
      dates.push({ number, startsAt: date.startsAt, input: null });
      continue;
    }
    // A done date without what it kept has nothing of its own to show.
    if (date.status === 'done' && !date.archive) continue;
    const input = await loadDocumentationInput(sources, workshopId, { ...options, dateId: date.status === 'done' ? date.id : undefined });
    if (!input) return undefined;
    dates.push({ number, startsAt: date.startsAt, input });
  }
  return dates;
}
