import type { AgendaBlockType } from './agendaBlockTypes.js';

/*
 * Reads a time table as moderators write it (pasted from a PDF, an e-mail or a word processor)
 * and turns it into agenda blocks; formats agenda blocks back into text and Markdown.
 * Pure functions only: no side effects, no dependencies, runs in the browser and in Node.
 */

/** One agenda block read from a pasted time table. */
export interface ParsedAgendaBlock {
  /** The block's title, trimmed. */
  title: string;
  /** The lines after the title up to the next time line, trimmed and joined with '\n'; '' if none. */
  description: string;
  /** The block type guessed from the title (and from the description if the title gives nothing); see {@link guessBlockType}. */
  type: AgendaBlockType;
  /** Start time, 'HH:MM' on a 24-hour clock. */
  start: string;
  /** End time, 'HH:MM' on a 24-hour clock (for a block written with a start time only: the next block's start). */
  end: string;
  /** Minutes from start to end (always > 0). */
  durationMinutes: number;
  /** Minutes between the previous block's end and this block's start; 0 for the first block. */
  gapBeforeMinutes: number;
  /** 1-based number of the line that holds this block's time(s). */
  line: number;
}

/**
 * Why a time table could not be read:
 * - `empty`: the text holds nothing but white space;
 * - `unreadable_line`: a non-empty line before the first time line;
 * - `missing_title`: a time line without a title on it and without a text line after it;
 * - `end_before_start`: a block whose end is not after its start;
 * - `overlap`: a block that starts before the previous block ends (or, after a block written
 *   with a start time only, at or before that block's start);
 * - `missing_end`: the last block has a start time only, so its end is unknown;
 * - `unreadable_time`: a line that starts like a time ("14:75", "25 Uhr", "14:00 - 14:65") but is
 *   no time of day; reported rather than read as text, so that no time is taken for something else.
 */
export type TimetableErrorCode =
  | 'unreadable_line'
  | 'unreadable_time'
  | 'missing_title'
  | 'end_before_start'
  | 'overlap'
  | 'missing_end'
  | 'empty';

/** One problem found in a time table, tied to the line it concerns. */
export interface TimetableError {
  /** 1-based line number; 0 when the error concerns the whole text (`empty`). */
  line: number;
  /** The line's text, trimmed ('' for `empty`). */
  text: string;
  /** Machine-readable reason, for translated messages in the UI. */
  code: TimetableErrorCode;
  /** An English explanation for logs and developers. */
  message: string;
}

/**
 * A line the reader left out on purpose:
 * - `repeated`: part of a passage of text lines that appears more than once between the blocks, as a
 *   page header or footer of a PDF does ("„Kultur in Westfalen“ wird gefördert vom: …").
 */
export interface OmittedLine {
  /** 1-based line number. */
  line: number;
  /** The line's text, trimmed. */
  text: string;
  reason: 'repeated';
}

/**
 * The outcome of {@link parseTimetable}: either every block, or every error — never a part of the
 * blocks; in both cases the lines left out (see {@link OmittedLine}), in line order.
 */
export type TimetableResult =
  | { ok: true; blocks: ParsedAgendaBlock[]; omitted: OmittedLine[] }
  | { ok: false; errors: TimetableError[]; omitted: OmittedLine[] };

/** The fields of an agenda block that the formatters write ({@link ParsedAgendaBlock} fits). */
export interface TimetableEntry {
  /** Start time, 'HH:MM'. */
  start: string;
  /** End time, 'HH:MM'. */
  end: string;
  /** The block's title. */
  title: string;
  /** Free text, lines separated by '\n'; '' if none. */
  description: string;
}

// ---------------------------------------------------------------------------------------------
// Reading times
// ---------------------------------------------------------------------------------------------

/** Hours with optional ':MM' / '.MM'; not followed by another digit or by '.5' / ':5' (dates, decimals, ratios). */
const CLOCK_NUMBER = /(\d{1,2})(?:[:.](\d{2}))?(?!\d)(?![.:]\d)/y;
/** 'am', 'pm', 'a.m.', 'p. m.' right after a clock, as a whole word. */
const MERIDIEM = /\s*([ap])\.?\s?m\.?(?![\p{L}\p{N}])/iuy;
/** 'Uhr' or 'h' right after a clock, as a whole word. */
const CLOCK_SUFFIX = /\s*(uhr|h)(?![\p{L}\p{N}])/iuy;
/** Between start and end: hyphens and dashes of every kind, or the words 'bis' / 'to' / 'until' / 'till'. */
const RANGE_SEPARATOR = /\s*(?:[-\u2010-\u2015\u2212]+|(?:bis|to|until|till)(?![\p{L}]))\s*/iuy;
/** List bullets at the start of a line: '-', '–', '—', '*', '+' need a space after them, bullet signs ('•', '▪' …) do not. */
const LEADING_BULLETS = /^(?:(?:[-*+\u2013\u2014](?=\s)|[\u2022\u00b7\u25aa\u25ab\u25e6\u2023\u2043\u2219\u25cf\u25cb\u25a0\u25a1\u25ba\u25b6\u27a4\u2192])\s*)+/u;
/** What may stand between the time(s) (and their 'Uhr') and the title on a time line: dashes, colons, bars, commas. */
const TITLE_LEAD = /^[\s:|,;\-\u2010-\u2015\u2212]+/u;
/** Characters that are invisible but not white space for String.prototype.trim. */
const INVISIBLE = /[\u200b\u200c\u200d\u2060\ufeff]/g;

interface ClockToken {
  hour: number;
  minute: number | null;
  meridiem: 'am' | 'pm' | null;
  /** true when written as a clock time beyond doubt: with minutes, with am/pm, or followed by 'Uhr'. */
  explicit: boolean;
  /** false when the digits have the shape of a time but hours > 23 or minutes > 59. */
  valid: boolean;
  /** Index just after the token (including am/pm and 'Uhr' / 'h'). */
  end: number;
}

function readClock(s: string, pos: number): ClockToken | null {
  CLOCK_NUMBER.lastIndex = pos;
  const number = CLOCK_NUMBER.exec(s);
  if (!number) return null;
  const hour = Number(number[1]);
  const minute = number[2] === undefined ? null : Number(number[2]);
  let end = pos + number[0].length;
  // "12.11. Nachtreffen" is a date, not 12:11.
  if (minute !== null && s[pos + number[1]!.length] === '.' && s[end] === '.') return null;
  const valid = hour <= 23 && (minute === null || minute <= 59);

  let meridiem: 'am' | 'pm' | null = null;
  if (valid && hour >= 1 && hour <= 12) {
    // An 'am' after 14:00 is the German word ("14:00 am Eingang"), not a meridiem.
    MERIDIEM.lastIndex = end;
    const m = MERIDIEM.exec(s);
    if (m) {
      meridiem = m[1]?.toLowerCase() === 'p' ? 'pm' : 'am';
      end += m[0].length;
    }
  }

  let suffix: string | null = null;
  if (meridiem === null) {
    CLOCK_SUFFIX.lastIndex = end;
    const m = CLOCK_SUFFIX.exec(s);
    if (m) {
      suffix = (m[1] ?? '').toLowerCase();
      end += m[0].length;
    }
  }
  // "2 h" is a duration, "14 Uhr" is a time.
  const explicit = minute !== null || meridiem !== null || suffix === 'uhr';
  return { hour, minute, meridiem, explicit, valid, end };
}

function to24(hour: number, meridiem: 'am' | 'pm'): number {
  const h = hour % 12;
  return meridiem === 'pm' ? h + 12 : h;
}

/** Minutes after midnight of a token, with an am/pm taken from the other end of the range if it has none itself. */
function tokenMinutes(token: ClockToken, meridiem: 'am' | 'pm' | null): number {
  const hour = meridiem === null ? token.hour : to24(token.hour, meridiem);
  return hour * 60 + (token.minute ?? 0);
}

function opposite(meridiem: 'am' | 'pm'): 'am' | 'pm' {
  return meridiem === 'am' ? 'pm' : 'am';
}

/** Whether a token without am/pm may take one from the other end ("2:00 - 2:30 pm", "11:30 am - 12:15"). */
function canBorrowMeridiem(token: ClockToken): boolean {
  return token.meridiem === null && token.hour >= 1 && token.hour <= 12;
}

/** Resolves both ends of a range to minutes after midnight, sharing am/pm between them when only one end has it. */
function resolveRange(a: ClockToken, b: ClockToken): { start: number; end: number } {
  if (a.meridiem !== null && b.meridiem === null && canBorrowMeridiem(b)) {
    const start = tokenMinutes(a, a.meridiem);
    const same = tokenMinutes(b, a.meridiem);
    const other = tokenMinutes(b, opposite(a.meridiem));
    return { start, end: same > start || other <= start ? same : other };
  }
  if (a.meridiem === null && b.meridiem !== null && canBorrowMeridiem(a)) {
    const end = tokenMinutes(b, b.meridiem);
    const same = tokenMinutes(a, b.meridiem);
    const other = tokenMinutes(a, opposite(b.meridiem));
    return { start: same < end || other >= end ? same : other, end };
  }
  return { start: tokenMinutes(a, a.meridiem), end: tokenMinutes(b, b.meridiem) };
}

interface TimeLine {
  /** Minutes after midnight. */
  start: number;
  /** Minutes after midnight, or null when only a start time is written. */
  end: number | null;
  /** The text after the time(s); '' if none. */
  title: string;
}

function stripBullets(line: string): string {
  return line.replace(LEADING_BULLETS, '');
}

/** Marks a line that starts like a time but holds no time of day ("14:75 Input", "14:00 - 14:65"). */
const NOT_A_TIME = 'not_a_time';

/**
 * Reads a cleaned (trimmed) line as a time line; null if it is text; {@link NOT_A_TIME} when it
 * starts with a time written beyond doubt (with minutes, am/pm or "Uhr") that is out of range.
 */
function readTimeLine(line: string): TimeLine | typeof NOT_A_TIME | null {
  const s = stripBullets(line);
  const first = readClock(s, 0);
  if (first === null) return null;
  if (!first.valid) return first.explicit ? NOT_A_TIME : null;

  let second: ClockToken | null = null;
  RANGE_SEPARATOR.lastIndex = first.end;
  const separator = RANGE_SEPARATOR.exec(s);
  if (separator) {
    const candidate = readClock(s, first.end + separator[0].length);
    // A bare number after a dash is text ("14:00 - 99 Luftballons"); an end time must be explicit.
    if (candidate !== null && candidate.explicit) {
      // A time-shaped end that is out of range: neither a block nor text.
      if (!candidate.valid) return NOT_A_TIME;
      second = candidate;
    }
  }

  if (second === null) {
    // "2 Personen" is not a time; a bare hour needs am/pm or 'Uhr' when it stands alone.
    if (!first.explicit) return null;
    return { start: tokenMinutes(first, first.meridiem), end: null, title: titleFrom(s, first.end) };
  }
  // A bare start hour ("14 - 15 Uhr", "2 - 2:30 pm") counts as a time because its end is explicit.
  const { start, end } = resolveRange(first, second);
  return { start, end, title: titleFrom(s, second.end) };
}

function titleFrom(s: string, pos: number): string {
  return s.slice(pos).replace(TITLE_LEAD, '').trim();
}

function formatClock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

interface DraftBlock {
  line: number;
  text: string;
  start: number;
  end: number | null;
  title: string | null;
  descriptionLines: string[];
}

function cleanLine(raw: string): string {
  return raw.replace(INVISIBLE, '').replace(/\t/g, ' ').trim();
}

/**
 * Reads a time table as people write it and returns its agenda blocks, or every error found.
 *
 * A block starts at a time line: a line that begins (after an optional bullet such as "- " or "• ")
 * with a start time, optionally a range separator and an end time, optionally a title.
 * Accepted times: `14:00`, `14.00`, `9:05`, `14 Uhr`, `2 pm`, `2:00pm`, `11:30 a.m.`; each may be
 * followed by "Uhr" or "h". `12 am` is midnight, `12 pm` noon. In a range only one end needs
 * am/pm (`2:00 - 2:30 pm`, `11:30 - 12:15 pm`). Separators: hyphen, en dash, em dash, "bis", "to",
 * with or without spaces. A time with hours > 23 or minutes > 59 is reported (`unreadable_time`).
 * "12.11." (a date) is not a time.
 *
 * The title is the rest of the time line or, if that is empty, the next non-empty line; any further
 * non-empty lines up to the next time line form the description. Blank lines are skipped. A block
 * with a start time only ends where the next block starts.
 *
 * Errors (all of them are collected, sorted by line): `empty`, `unreadable_line` (text before the
 * first time line), `unreadable_time` (a line that starts with a time out of range, "14:75"),
 * `missing_title`, `end_before_start`, `overlap`, `missing_end`. If there is any error, no block is
 * returned.
 *
 * Passages of text repeated as page headers or footers (text pasted from a PDF) are left out and
 * listed in `omitted`; see {@link OmittedLine}.
 */
export function parseTimetable(text: string): TimetableResult {
  const lines = text.split(/\r\n|\r|\n/).map((raw, index) => {
    const line = cleanLine(raw);
    return { number: index + 1, text: line, time: line === '' ? null : readTimeLine(line) };
  });
  const errors: TimetableError[] = [];
  const drafts: DraftBlock[] = [];
  let current: DraftBlock | null = null;
  const repeated = repeatedPassages(lines);
  const omitted: OmittedLine[] = lines
    .filter((line) => repeated.has(line.number))
    .map((line) => ({ line: line.number, text: line.text, reason: 'repeated' as const }));

  for (const { number: lineNumber, text: line, time: timeLine } of lines) {
    if (line === '' || repeated.has(lineNumber)) continue;
    if (timeLine === NOT_A_TIME) {
      errors.push({
        line: lineNumber,
        text: line,
        code: 'unreadable_time',
        message: `Line ${lineNumber} starts with a time that is no time of day (hours 0-23, minutes 0-59).`,
      });
      continue;
    }
    if (timeLine !== null) {
      current = {
        line: lineNumber,
        text: line,
        start: timeLine.start,
        end: timeLine.end,
        title: timeLine.title === '' ? null : timeLine.title,
        descriptionLines: [],
      };
      drafts.push(current);
      continue;
    }
    if (current === null) {
      errors.push({
        line: lineNumber,
        text: line,
        code: 'unreadable_line',
        message: `Line ${lineNumber} comes before the first time and is not a time line.`,
      });
      continue;
    }
    if (current.title === null) {
      const title = stripBullets(line).trim();
      current.title = title === '' ? line : title;
    } else {
      current.descriptionLines.push(line);
    }
  }

  if (drafts.length === 0 && errors.length === 0) {
    return { ok: false, errors: [{ line: 0, text: '', code: 'empty', message: 'The time table is empty.' }], omitted };
  }

  const blocks: ParsedAgendaBlock[] = [];
  drafts.forEach((draft, k) => {
    const previous = drafts[k - 1];
    const next = drafts[k + 1];
    const at = `Line ${draft.line}`;

    if (draft.title === null) {
      errors.push({ line: draft.line, text: draft.text, code: 'missing_title', message: `${at}: the block has no title.` });
    }

    let end: number | null = draft.end;
    if (draft.end !== null) {
      if (draft.end <= draft.start) {
        errors.push({
          line: draft.line,
          text: draft.text,
          code: 'end_before_start',
          message: `${at}: the end ${formatClock(draft.end)} is not after the start ${formatClock(draft.start)}.`,
        });
        end = null;
      }
    } else if (next === undefined) {
      errors.push({
        line: draft.line,
        text: draft.text,
        code: 'missing_end',
        message: `${at}: the last block has no end time.`,
      });
    } else if (next.start > draft.start) {
      end = next.start;
    }

    if (previous !== undefined) {
      if (previous.end !== null) {
        const previousEnd = Math.max(previous.start, previous.end);
        if (draft.start < previousEnd) {
          errors.push({
            line: draft.line,
            text: draft.text,
            code: 'overlap',
            message: `${at}: the block starts at ${formatClock(draft.start)}, before the previous block ends (${formatClock(previousEnd)}).`,
          });
        }
      } else if (draft.start <= previous.start) {
        errors.push({
          line: draft.line,
          text: draft.text,
          code: 'overlap',
          message: `${at}: the block starts at ${formatClock(draft.start)}, not after the start of the previous block (${formatClock(previous.start)}), which has no end time.`,
        });
      }
    }

    if (draft.title !== null && end !== null) {
      const description = draft.descriptionLines.join('\n');
      // If the previous block has no usable end, an error was recorded above and this result is discarded anyway.
      const previousEnd = previous === undefined ? draft.start : (previous.end ?? draft.start);
      blocks.push({
        title: draft.title,
        description,
        type: guessBlockType(draft.title, description),
        start: formatClock(draft.start),
        end: formatClock(end),
        durationMinutes: end - draft.start,
        gapBeforeMinutes: Math.max(0, draft.start - previousEnd),
        line: draft.line,
      });
    }
  });

  if (errors.length > 0) {
    // Array.prototype.sort is stable: errors on the same line keep the order they were found in.
    errors.sort((a, b) => a.line - b.line);
    return { ok: false, errors, omitted };
  }
  return { ok: true, blocks, omitted };
}

interface ReadLine {
  number: number;
  text: string;
  time: TimeLine | typeof NOT_A_TIME | null;
}

/**
 * The line numbers of passages repeated as page headers or footers: text lines (no time lines)
 * that follow each other (blank lines between them do not count) and each appear more than once,
 * forming the same passage at least twice. A passage counts when it has two lines or more, or,
 * with one line, when one of its occurrences ends the text (a last page's footer). An occurrence
 * that is all the text of a block (after a time line without a title, up to the next time line) is
 * that block's own title and description (two "Kaffeepause / Im Foyer" blocks) and is kept.
 */
function repeatedPassages(lines: readonly ReadLine[]): Set<number> {
  const isText = (line: ReadLine) => line.text !== '' && line.time === null;
  const count = new Map<string, number>();
  for (const line of lines) if (isText(line)) count.set(line.text, (count.get(line.text) ?? 0) + 1);

  // Runs of consecutive repeated text lines, as indexes into `lines`.
  const runs: number[][] = [];
  let run: number[] = [];
  lines.forEach((line, index) => {
    if (line.text === '') return;
    if (isText(line) && (count.get(line.text) ?? 0) > 1) {
      run.push(index);
      return;
    }
    if (run.length > 0) runs.push(run);
    run = [];
  });
  if (run.length > 0) runs.push(run);

  const lastTextIndex = lines.findLastIndex((line) => line.text !== '');
  const byPassage = new Map<string, number[][]>();
  for (const candidate of runs) {
    const key = candidate.map((index) => lines[index]!.text).join('\n');
    byPassage.set(key, [...(byPassage.get(key) ?? []), candidate]);
  }
  const omitted = new Set<number>();
  for (const occurrences of byPassage.values()) {
    if (occurrences.length < 2) continue;
    const length = occurrences[0]!.length;
    if (length < 2 && !occurrences.some((occurrence) => occurrence.at(-1) === lastTextIndex)) continue;
    for (const occurrence of occurrences) {
      if (isWholeBlock(lines, occurrence)) continue;
      for (const index of occurrence) omitted.add(lines[index]!.number);
    }
  }
  return omitted;
}

/** Whether the lines at `indexes` are all the text of a block: its title and description, between a time line without a title and the next time line. */
function isWholeBlock(lines: readonly ReadLine[], indexes: readonly number[]): boolean {
  const first = indexes[0]!;
  const last = indexes.at(-1)!;
  let before = first - 1;
  while (before >= 0 && lines[before]!.text === '') before -= 1;
  const timeLine = before < 0 ? null : lines[before]!.time;
  // Only a block whose time line has no title takes its title (and all its text) from these lines.
  if (timeLine === null || timeLine === NOT_A_TIME || timeLine.title !== '') return false;
  let after = last + 1;
  while (after < lines.length && lines[after]!.text === '') after += 1;
  return after >= lines.length || lines[after]!.time !== null;
}

// ---------------------------------------------------------------------------------------------
// Guessing the block type
// ---------------------------------------------------------------------------------------------

/*
 * Keywords per type, in priority order. A keyword matches at the start of a word ("schluss" in
 * "Schlusswort", not in "Beschluss"); a keyword starting with '*' also matches inside a German
 * compound ("*pause" in "Kaffeepause"). A '-' matches a hyphen, a space or nothing ("check-in",
 * "check in", "checkin"); '&' may have spaces around it ("Q & A").
 */
const TYPE_KEYWORDS: ReadonlyArray<readonly [AgendaBlockType, readonly string[]]> = [
  [
    'breakout',
    [
      'breakout',
      'break-out',
      '*kleingruppe',
      '*arbeitsgruppe',
      '*gruppenarbeit',
      '*workshop-phase',
      'small group',
      'working group',
      'group work',
    ],
  ],
  ['poll', ['*umfrage', '*abstimmung', 'poll', 'survey', 'voting', 'vote', 'stimmungsbild']],
  ['break', ['*pause', 'break', 'coffee', 'lunch', 'mittagessen']],
  [
    'closing',
    [
      '*abschluss',
      'schluss',
      '*verabschiedung',
      'closing',
      'wrap-up',
      'farewell',
      'goodbye',
      'feedback',
      'ausblick',
      'fazit',
    ],
  ],
  [
    'arrival',
    ['ankommen', 'ankunft', 'einlass', 'check-in', 'arrival', 'welcome', '*begrüßung', '*begrüssung', '*begruessung', '*willkommen'],
  ],
  ['input', ['*input', 'impuls', '*vortrag', 'keynote', 'talk', 'presentation', '*präsentation', 'lecture']],
  ['review', ['*rückblick', '*rueckblick', 'review', 'recap', 'looking back']],
  [
    'discussion',
    [
      '*austausch',
      '*diskussion',
      '*fragen',
      '*fragerunde',
      'q&a',
      'questions',
      'discussion',
      'plenum',
      'plenary',
      'einordn',
      'debatte',
      '*gespräch',
    ],
  ],
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function keywordPattern(keyword: string): RegExp {
  const inCompound = keyword.startsWith('*');
  const word = inCompound ? keyword.slice(1) : keyword;
  const body = word
    .split('')
    .map((ch) => (ch === '-' ? '[-\\s]?' : ch === ' ' ? '[-\\s]+' : ch === '&' ? '\\s*&\\s*' : escapeRegExp(ch)))
    .join('');
  return new RegExp(inCompound ? body : `(?<![\\p{L}\\p{N}])${body}`, 'u');
}

const TYPE_PATTERNS: ReadonlyArray<readonly [AgendaBlockType, readonly RegExp[]]> = TYPE_KEYWORDS.map(
  ([type, keywords]) => [type, keywords.map(keywordPattern)] as const,
);

function normalizeForMatching(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

function matchType(text: string): AgendaBlockType | null {
  if (text === '') return null;
  for (const [type, patterns] of TYPE_PATTERNS) {
    if (patterns.some((p) => p.test(text))) return type;
  }
  return null;
}

/** The first word: leading non-letters skipped, hyphens and '&' kept ("Breakout-Session", "Q&A", "Check-in"). */
function firstWord(text: string): string {
  const match = /[\p{L}][\p{L}\p{N}&'\u2019-]*/u.exec(text);
  return match ? match[0] : '';
}

/**
 * Guesses the type of an agenda block from its title (German or English), case-insensitively.
 *
 * The text is searched in stages, and the first stage with a match decides:
 * 1. the first word of the title ("Abschlussrunde: … aus den Breakouts" → closing;
 *    "Einordnen der Ergebnisse aus Breakout-Session Runde 1" → discussion);
 * 2. the part of the title before the first colon, if there is one;
 * 3. the whole title;
 * 4. the description (the optional second argument).
 * Within a stage the types are tried in this priority, each with its keywords:
 * breakout (Breakout, Kleingruppe, Arbeitsgruppe, Gruppenarbeit, Workshop-Phase, small group) →
 * poll (Umfrage, Abstimmung, Stimmungsbild, Poll, Survey, Voting) →
 * break (Pause, Kaffeepause, Break, Coffee, Lunch) →
 * closing (Abschluss, Schluss, Verabschiedung, Feedback, Ausblick, Fazit, Closing, Wrap-up, Farewell) →
 * arrival (Ankommen, Ankunft, Einlass, Begrüßung, Willkommen, Check-in, Arrival, Welcome) →
 * input (Input, Praxisinput, Impuls, Vortrag, Präsentation, Keynote, Talk, Presentation) →
 * discussion (Austausch, Diskussion, Fragen, Fragerunde, Plenum, Einordnen, Gespräch, Q&A, Discussion).
 * Keywords match at the start of a word; German nouns that end compounds (Pause, Umfrage, Input,
 * Vortrag, Diskussion, Austausch, Abschluss …) also match inside a word ("Kaffeepause",
 * "Podiumsdiskussion"). Nothing found → 'other'.
 */
export function guessBlockType(text: string, description = ''): AgendaBlockType {
  const title = normalizeForMatching(text.trim());
  const colon = title.indexOf(':');
  const stages = [firstWord(title), colon > 0 ? title.slice(0, colon) : '', title, normalizeForMatching(description)];
  for (const stage of stages) {
    const type = matchType(stage);
    if (type !== null) return type;
  }
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

function singleLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function descriptionLines(description: string): string[] {
  return description
    .split(/\r\n|\r|\n/)
    .map(cleanLine)
    .filter((l) => l !== '');
}

/**
 * Writes blocks as a plain-text time table in the one-line form, one block per paragraph:
 * `14:00–14:05 Ankommen`, the description lines below, a blank line between blocks.
 * When a title would not read back unchanged on the time line (e.g. it starts with "Uhr" or
 * a colon), it goes on the line below the times instead.
 *
 * {@link parseTimetable} reads the result back to the same start, end, title and description for
 * every list of blocks it produces itself. Other entries round-trip as long as the title is not empty
 * and no description line reads as a time line; blank description lines are dropped and line breaks
 * in titles become spaces.
 */
export function formatTimetableText(blocks: readonly TimetableEntry[]): string {
  return blocks
    .map((block) => {
      const title = singleLine(block.title);
      const times = `${block.start}\u2013${block.end}`;
      const oneLine = title === '' ? times : `${times} ${title}`;
      const readBack = readTimeLine(oneLine);
      const readsBack =
        readBack !== null &&
        readBack !== NOT_A_TIME &&
        readBack.title === title &&
        formatClock(readBack.start) === block.start &&
        readBack.end !== null &&
        formatClock(readBack.end) === block.end;
      const head = readsBack || title === '' ? [oneLine] : [times, title];
      return [...head, ...descriptionLines(block.description)].join('\n');
    })
    .join('\n\n');
}

/** Backslash-escapes the characters that Markdown would read as formatting inside a line. */
function escapeMarkdownInline(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~]/g, '\\$&')
    .replace(/&(?=#?[a-z0-9]+;)/gi, '\\&');
}

/** Like {@link escapeMarkdownInline}, plus what would start a list, heading, quote or rule at a line start. */
function escapeMarkdownLine(text: string): string {
  return escapeMarkdownInline(text)
    .replace(/^([-+=#])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * Writes blocks as a Markdown list, one item per block: `- **14:00–14:05** Ankommen`, the description
 * lines indented below the title (with hard line breaks, so each stays on its own line when rendered).
 * Markdown special characters in titles and descriptions are backslash-escaped so user text renders
 * literally. Returns '' for no blocks; otherwise the text ends without a newline.
 */
export function formatTimetableMarkdown(blocks: readonly TimetableEntry[]): string {
  return blocks
    .map((block) => {
      const title = escapeMarkdownInline(singleLine(block.title));
      const times = `**${escapeMarkdownInline(block.start)}\u2013${escapeMarkdownInline(block.end)}**`;
      const lines = [title === '' ? `- ${times}` : `- ${times} ${title}`, ...descriptionLines(block.description).map((l) => `  ${escapeMarkdownLine(l)}`)];
      // A backslash at the end of a line is a hard line break in CommonMark.
      return lines.map((l, i) => (i < lines.length - 1 ? `${l}\\` : l)).join('\n');
    })
    .join('\n');
}
