/**
 * The documentation model: one plain, serialisable description of a workshop's documentation,
 * assembled from the stored workshop by a pure function. Every export format renders this model
 * (markdown.ts, html.ts, docx.ts, pdf.ts, zip.ts); nothing here touches storage.
 *
 * Privacy: people who did not agree to be listed appear nowhere: not as participants, room
 * members, hosts or card authors; poll results carry counts only, never who answered what.
 */
import { projectSchedule } from '@werkraum/shared/agendaClock';
import type { BreakoutRound, DocumentationSection, Poll, PollResults } from '@werkraum/shared/protocol';
import type { Language } from '@werkraum/shared/roles';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import type { AgendaRecord, AttachmentRecord, PersonRecord, WorkshopRecord } from '../store/types.js';
import { labelsFor, type DocumentationLabels } from './labels.js';

/** A ProseMirror document as JSON (what TipTap's StarterKit writes). */
export interface RichNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  content?: RichNode[];
}

/** Rich text in the forms the renderers need: escaped HTML, Markdown, and the document tree (DOCX). */
export interface RichText {
  html: string;
  markdown: string;
  doc: RichNode;
}

/** What the findings capability (closing round) contributes, when the server has it. */
export interface DocumentationFindings {
  /** Optional heading; the default is the label "Findings"/"Ergebnisse". */
  title?: string;
  /** An introduction above the items. */
  intro?: string;
  items: { title: string; text?: string; details?: string[] }[];
}

/** One row of the agenda table. */
export interface AgendaRowModel {
  title: string;
  type: string;
  plannedStart: string;
  plannedEnd: string;
  actualStart: string | null;
  actualEnd: string | null;
  /** What changed, as text: "extended by 5 min", "paused 3 min", "skipped". */
  changes: string[];
}

/** One bar of a poll's chart and row of its table. */
export interface PollRowModel {
  label: string;
  count: number;
  /** Share of the people who answered, 0-100, rounded. */
  percent: number;
}

/** A poll's results in the documentation. */
export interface PollModel {
  id: string;
  question: string;
  type: Poll['type'];
  anonymous: boolean;
  participants: number;
  rows: PollRowModel[];
  mean: number | null;
  scale: { min: number; max: number; minLabel: string; maxLabel: string } | null;
  texts: string[];
}

/** A breakout room in the documentation. */
export interface RoomModel {
  id: string;
  name: string;
  task: string;
  /** The host's name when the host agreed to be listed. */
  host: string | null;
  /** Members who agreed to be listed. */
  members: string[];
  /** Members not named. */
  othersCount: number;
  notes: RichText | null;
  board: { outline: string; png: Uint8Array | null; svg: string } | null;
}

/** A room's notes and board as documented (a breakout room's and the plenary's alike). */
export interface RoomDocuments {
  notes: RichText | null;
  board: { outline: string; png: Uint8Array | null; svg: string } | null;
}

/** The plenary's own notes and board. */
export interface PlenaryModel extends RoomDocuments {
  /** The plenary's room id (`plenary`), naming its board's files like a room's. */
  id: string;
}

/**
 * One block of the "next steps" text: a paragraph (its lines kept as line breaks) or a list
 * (lines that started with "- "). Text only: the renderers escape every line.
 */
export type NextStepsBlock = { kind: 'paragraph'; lines: string[] } | { kind: 'list'; items: string[] };

/** A breakout round in the documentation. */
export interface RoundModel {
  id: string;
  title: string;
  time: string | null;
  task: string;
  rooms: RoomModel[];
}

/** What one date contributes: its agenda with planned and actual times, polls, rounds, the plenary and findings. */
export interface DocumentationDateSections {
  agenda: { rows: AgendaRowModel[]; plannedEnd: string | null; actualEnd: string | null } | null;
  polls: PollModel[] | null;
  breakouts: RoundModel[] | null;
  /** Null when left out or when its notes and board are both empty (and for a done date of a series: see load.ts). */
  plenary: PlenaryModel | null;
  findings: DocumentationFindings | null;
}

/** One date's part of a series document. */
export interface DocumentationDatePart extends DocumentationDateSections {
  /** "Termin 1: Mittwoch, 20. November 2024" / "Date 1: Wednesday, 20 November 2024". */
  heading: string;
  /** Date and time span of the date, as in the title block. */
  when: string;
}

/** The whole documentation. */
export interface DocumentationModel extends DocumentationDateSections {
  language: Language;
  /** File names: `<slug>-<yyyy-mm-dd>`, e.g. `austauschtreffen-2024-11-20`. */
  fileBase: string;
  title: string;
  titleBlock: {
    when: string;
    /** The day alone ("Mittwoch, 20. November 2024"), from the actual start once run. */
    day: string;
    format: string;
    moderation: string;
    coModeration: string;
    compiledBy: string;
    description: string;
  };
  summary: RichText | null;
  /** "Wie geht es weiter", after the findings; null when left out or empty. */
  nextSteps: NextStepsBlock[] | null;
  /**
   * A series documented as a whole: the title block's list of every date, and one part per held
   * date (the current one last) holding that date's sections; the top-level agenda, polls,
   * breakouts, plenary and findings are then null. Null for one date.
   */
  series: {
    dates: { label: string; when: string; upcoming: boolean }[];
    parts: DocumentationDatePart[];
  } | null;
  attachments: { id: string; name: string; size: number; sizeText: string; contentType: string; url: string }[] | null;
  participants: { name: string; organisation: string }[] | null;
}

/** A room's documents as loaded (notes rendered, board drawn). */
export type LoadedRoom = RoomDocuments;

/** Everything the builder reads, loaded beforehand (see load.ts). */
export interface DocumentationInput {
  workshop: WorkshopRecord;
  people: PersonRecord[];
  agenda: AgendaRecord | null;
  polls: { poll: Poll; results: PollResults }[];
  rounds: BreakoutRound[];
  /** Rendered notes and boards by room id. */
  rooms: Record<string, LoadedRoom>;
  summary: RichText | null;
  compiledBy: string;
  /** The facilitators' "next steps" text as stored ('' when not given). */
  nextSteps: string;
  /** The plenary's notes and board; null when both are empty or not documented with this date. */
  plenary: LoadedRoom | null;
  attachments: AttachmentRecord[];
  findings: DocumentationFindings | null;
  /** Base of attachment links, e.g. `https://host/api/workshops/<id>/attachments/`. */
  attachmentBaseUrl: string;
  now: number;
}

/** Options of one export. */
export interface DocumentationOptions {
  language: Language;
  excluded: readonly DocumentationSection[];
}

const MINUTE = 60_000;

/** Where times are shown: the workshop's zone, else the offset written in its start. */
interface Where {
  timeZone: string | null;
  startsAt: string;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

/** The local calendar parts of a server time. */
function localParts(ms: number, where: Where): LocalParts {
  if (where.timeZone) {
    try {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: where.timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        weekday: 'short',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23',
      }).formatToParts(ms);
      const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
      const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
      return { year: Number(get('year')), month: Number(get('month')), day: Number(get('day')), weekday, hour: Number(get('hour')) % 24, minute: Number(get('minute')) };
    } catch {
      // An unknown zone falls through to the written offset.
    }
  }
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(where.startsAt);
  const offsetMinutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  const local = new Date(ms + offsetMinutes * MINUTE);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    weekday: local.getUTCDay(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
  };
}

const WEEKDAYS = {
  de: ['Sonntag', 'Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};
const MONTHS = {
  de: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

const pad = (value: number) => String(value).padStart(2, '0');

/** A time of day as people write it: "14:05" in German, "2:05 pm" in English. */
export function formatTime(ms: number, where: Where, language: Language): string {
  const { hour, minute } = localParts(ms, where);
  if (language === 'de') return `${pad(hour)}:${pad(minute)}`;
  return `${hour % 12 === 0 ? 12 : hour % 12}:${pad(minute)} ${hour < 12 ? 'am' : 'pm'}`;
}

/** A date as people write it: "Mittwoch, 20. November 2024" / "Wednesday, 20 November 2024". */
export function formatDate(ms: number, where: Where, language: Language): string {
  const { year, month, day, weekday } = localParts(ms, where);
  if (language === 'de') return `${WEEKDAYS.de[weekday]}, ${day}. ${MONTHS.de[month - 1]} ${year}`;
  return `${WEEKDAYS.en[weekday]}, ${day} ${MONTHS.en[month - 1]} ${year}`;
}

/**
 * Date and time span: "Mittwoch, 20. November 2024, 14:00–16:00 Uhr" / "Wednesday, 20 November
 * 2024, 2:00–4:00 pm" (the period is written once when both times share it).
 */
export function formatWhen(start: number, end: number | null, where: Where, language: Language): string {
  const date = formatDate(start, where, language);
  if (end === null) return `${date}, ${formatTime(start, where, language)}${language === 'de' ? ' Uhr' : ''}`;
  if (language === 'de') return `${date}, ${formatTime(start, where, 'de')}–${formatTime(end, where, 'de')} Uhr`;
  const from = formatTime(start, where, 'en');
  const to = formatTime(end, where, 'en');
  const samePeriod = from.slice(-2) === to.slice(-2);
  return `${date}, ${samePeriod ? from.slice(0, -3) : from}–${to}`;
}

/** The local date as yyyy-mm-dd. */
function isoDate(ms: number, where: Where): string {
  const { year, month, day } = localParts(ms, where);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** A file-name slug: lower case, umlauts transliterated ("Austauschtreffen Kultur" -> "austauschtreffen-kultur"). */
export function slugify(text: string): string {
  const slug = text
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/Ä/g, 'Ae')
    .replace(/Ö/g, 'Oe')
    .replace(/Ü/g, 'Ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'workshop';
}

/** Bytes as people read them ("1.2 MB" / "1,2 MB"). */
export function formatSize(bytes: number, language: Language): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = unit === 0 ? String(value) : value.toFixed(value >= 10 ? 0 : 1);
  return `${language === 'de' ? text.replace('.', ',') : text} ${units[unit]}`;
}

/** What changed in a block's run, from the run's log. */
function blockChanges(agenda: AgendaRecord, blockId: string, status: string, labels: DocumentationLabels): string[] {
  if (status === 'skipped') return [labels.skipped];
  const entries = agenda.run.log.filter((entry) => entry.blockId === blockId);
  const changes: string[] = [];
  const delta = entries.filter((entry) => entry.kind === 'extend' || entry.kind === 'setRemaining').reduce((sum, entry) => sum + (entry.deltaMs ?? 0), 0);
  const minutes = Math.round(Math.abs(delta) / MINUTE);
  if (minutes > 0) changes.push(delta > 0 ? labels.extendedBy(minutes) : labels.shortenedBy(minutes));
  let paused = 0;
  let pausedAt: number | null = null;
  for (const entry of entries) {
    if (entry.kind === 'pause') pausedAt = entry.at;
    if ((entry.kind === 'resume' || entry.kind === 'end') && pausedAt !== null) {
      paused += entry.at - pausedAt;
      pausedAt = null;
    }
  }
  const pausedMinutes = Math.round(paused / MINUTE);
  if (pausedMinutes > 0) changes.push(labels.pausedFor(pausedMinutes));
  if (entries.filter((entry) => entry.kind === 'start').length > 1) changes.push(labels.restarted);
  return changes;
}

/**
 * Splits the "next steps" text into blocks: blank lines separate paragraphs, lines starting with
 * "- " are list items (consecutive ones form one list), other lines stay lines of their paragraph.
 */
export function parseNextSteps(text: string): NextStepsBlock[] {
  const blocks: NextStepsBlock[] = [];
  for (const chunk of text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    let current: NextStepsBlock | null = null;
    for (const raw of chunk.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      const item = /^-\s+(.*)$/.exec(line);
      if (item) {
        if (current?.kind !== 'list') blocks.push((current = { kind: 'list', items: [] }));
        current.items.push(item[1]!);
      } else {
        if (current?.kind !== 'paragraph') blocks.push((current = { kind: 'paragraph', lines: [] }));
        current.lines.push(line);
      }
    }
  }
  return blocks;
}

/** Builds the documentation model. Pure: the same input gives the same model. */
export function buildDocumentationModel(input: DocumentationInput, options: DocumentationOptions): DocumentationModel {
  const { workshop } = input;
  const { language } = options;
  const labels = labelsFor(language);
  const where: Where = { timeZone: workshop.timeZone, startsAt: workshop.startsAt };
  const include = (section: DocumentationSection) => !options.excluded.includes(section);
  const listed = new Map(input.people.filter((person) => person.listInDocumentation).map((person) => [person.id, person]));

  const schedule = input.agenda
    ? projectSchedule({
        blocks: input.agenda.blocks.map((block) => ({ id: block.id, plannedMs: block.plannedMinutes * MINUTE })),
        plannedStart: Date.parse(workshop.startsAt),
        actuals: input.agenda.run.actuals,
        running: input.agenda.run.timer,
        now: input.now,
      })
    : null;
  const ran = schedule?.rows.filter((row) => row.actualStart !== null) ?? [];
  const firstStart = ran.length > 0 ? Math.min(...ran.map((row) => row.actualStart!)) : null;
  const lastEnd = ran.some((row) => row.actualEnd !== null) ? Math.max(...ran.map((row) => row.actualEnd ?? 0)) : null;
  const ended = input.agenda?.run.status === 'ended';
  const start = firstStart ?? Date.parse(workshop.startsAt);
  const end = firstStart !== null ? (ended ? lastEnd : (schedule?.projectedEnd ?? null)) : (schedule && schedule.rows.length > 0 ? schedule.plannedEnd : null);
  const time = (ms: number | null) => (ms === null ? null : formatTime(ms, where, language));

  const agenda: DocumentationModel['agenda'] =
    include('agenda') && input.agenda && schedule && input.agenda.blocks.length > 0
      ? {
          rows: input.agenda.blocks.map((block, index) => {
            const row = schedule.rows[index]!;
            return {
              title: block.title,
              type: labels.blockTypes[block.type] ?? block.type,
              plannedStart: formatTime(row.plannedStart, where, language),
              plannedEnd: formatTime(row.plannedEnd, where, language),
              actualStart: time(row.actualStart),
              actualEnd: time(row.actualEnd),
              changes: blockChanges(input.agenda!, block.id, row.status, labels),
            };
          }),
          plannedEnd: formatTime(schedule.plannedEnd, where, language),
          actualEnd: ended && lastEnd !== null ? formatTime(lastEnd, where, language) : null,
        }
      : null;

  const polls: PollModel[] | null = include('polls')
    ? input.polls
        .filter(({ poll }) => poll.status !== 'draft')
        .map(({ poll, results }) => {
          const percent = (count: number) => (results.participants > 0 ? Math.round((count / results.participants) * 100) : 0);
          const rows: PollRowModel[] =
            poll.type === 'scale' && poll.scale
              ? Object.keys(results.counts)
                  .map(Number)
                  .sort((a, b) => a - b)
                  .map((value) => ({ label: String(value), count: results.counts[String(value)] ?? 0, percent: percent(results.counts[String(value)] ?? 0) }))
              : poll.options.map((option) => ({
                  label: poll.type === 'yesNo' ? (labels.yesNo[option.id] ?? option.label) : option.label,
                  count: results.counts[option.id] ?? 0,
                  percent: percent(results.counts[option.id] ?? 0),
                }));
          return {
            id: poll.id,
            question: poll.question,
            type: poll.type,
            anonymous: poll.anonymous,
            participants: results.participants,
            rows: poll.type === 'text' ? [] : rows,
            mean: poll.type === 'scale' ? results.mean : null,
            scale: poll.scale,
            texts: poll.type === 'text' ? [...results.texts] : [],
          };
        })
    : null;

  const blocks = new Map((input.agenda?.blocks ?? []).map((block, index) => [block.id, { block, row: schedule?.rows[index] }]));
  const breakouts: RoundModel[] | null = include('breakouts')
    ? input.rounds.map((round, index) => {
        const found = blocks.get(round.blockId);
        const row = found?.row;
        const from = row?.actualStart ?? row?.plannedStart ?? null;
        const to = row?.actualEnd ?? row?.plannedEnd ?? null;
        return {
          id: round.id,
          title: found?.block.title || `${labels.round} ${index + 1}`,
          time: from !== null && to !== null ? `${formatTime(from, where, language)}–${formatTime(to, where, language)}${language === 'de' ? ' Uhr' : ''}` : null,
          task: found?.block.description ?? '',
          rooms: round.rooms.map((room) => {
            const memberIds = Object.entries(round.assignments)
              .filter(([, roomId]) => roomId === room.id)
              .map(([personId]) => personId);
            const members = memberIds.filter((id) => listed.has(id)).map((id) => listed.get(id)!.displayName);
            const loaded = input.rooms[room.id];
            return {
              id: room.id,
              name: room.name,
              task: room.task,
              host: room.hostId && listed.has(room.hostId) ? listed.get(room.hostId)!.displayName : null,
              members,
              othersCount: memberIds.length - members.length,
              notes: loaded?.notes ?? null,
              board: loaded?.board ?? null,
            };
          }),
        };
      })
    : null;

  const plenary: PlenaryModel | null =
    include('plenary') && input.plenary && (hasText(input.plenary.notes) || input.plenary.board)
      ? { id: PLENARY_ROOM, notes: hasText(input.plenary.notes) ? input.plenary.notes : null, board: input.plenary.board }
      : null;
  const nextSteps = include('nextSteps') ? parseNextSteps(input.nextSteps) : [];

  return {
    language,
    fileBase: `${slugify(workshop.title)}-${isoDate(start, where)}`,
    title: workshop.title,
    titleBlock: {
      when: formatWhen(start, end, where, language),
      day: formatDate(start, where, language),
      format: labels.online,
      moderation: workshop.moderatorNames,
      coModeration: workshop.coModeratorNames,
      compiledBy: input.compiledBy,
      description: workshop.description,
    },
    summary: include('summary') ? input.summary : null,
    series: null,
    agenda,
    polls: polls && polls.length > 0 ? polls : null,
    breakouts: breakouts && breakouts.length > 0 ? breakouts : null,
    plenary,
    findings: include('findings') ? input.findings : null,
    nextSteps: nextSteps.length > 0 ? nextSteps : null,
    attachments:
      include('attachments') && input.attachments.length > 0
        ? input.attachments.map((attachment) => ({
            id: attachment.id,
            name: attachment.name,
            size: attachment.size,
            sizeText: formatSize(attachment.size, language),
            contentType: attachment.contentType,
            url: `${input.attachmentBaseUrl}${attachment.id}`,
          }))
        : null,
    participants: include('participants')
      ? [...listed.values()].map((person) => ({ name: person.displayName, organisation: person.organisation ?? '' }))
      : null,
  };
}

/** One date of a series as the series document sees it. */
export interface SeriesDateInput {
  /** 1-based position in the series. */
  number: number;
  startsAt: string;
  /** The loaded input of a held date (done or current); null for a date still to come. */
  input: DocumentationInput | null;
}

/**
 * Builds the documentation of a whole series: the title block names the series and its dates, a
 * part per held date holds that date's sections, and summary, next steps, attachments and
 * participants appear once (from the latest held date's input). Pure, like buildDocumentationModel.
 */
export function buildSeriesDocumentationModel(dates: readonly SeriesDateInput[], options: DocumentationOptions): DocumentationModel {
  const held = dates.filter((date): date is SeriesDateInput & { input: DocumentationInput } => date.input !== null);
  const last = held[held.length - 1];
  if (!last) throw new Error('a series document needs at least one held date');
  const { language } = options;
  const labels = labelsFor(language);
  const where: Where = { timeZone: last.input.workshop.timeZone, startsAt: last.input.workshop.startsAt };
  const base = buildDocumentationModel(last.input, options);
  const built = new Map(held.map((date) => [date.number, date === last ? base : buildDocumentationModel(date.input, options)]));
  const parts: DocumentationDatePart[] = held.map((date) => {
    const model = built.get(date.number)!;
    return {
      heading: labels.datePart(date.number, model.titleBlock.day),
      when: model.titleBlock.when,
      agenda: model.agenda,
      polls: model.polls,
      breakouts: model.breakouts,
      plenary: model.plenary,
      findings: model.findings,
    };
  });
  const firstModel = built.get(held[0]!.number)!;
  const firstDate = firstModel.titleBlock.day;
  const lastDate = base.titleBlock.day;
  const firstFile = firstModel.fileBase.slice(-10);
  const lastFile = base.fileBase.slice(-10);
  return {
    ...base,
    fileBase: firstFile === lastFile ? base.fileBase : `${base.fileBase.slice(0, -11)}-${firstFile}-${lastFile}`,
    titleBlock: { ...base.titleBlock, when: firstDate === lastDate ? firstDate : `${firstDate} – ${lastDate}`, day: firstDate },
    series: {
      dates: dates.map((date) => ({
        label: labels.datePart(date.number, ''),
        when: date.input ? built.get(date.number)!.titleBlock.when : `${formatWhen(Date.parse(date.startsAt), null, where, language)} (${labels.upcoming})`,
        upcoming: date.input === null,
      })),
      parts,
    },
    agenda: null,
    polls: null,
    breakouts: null,
    plenary: null,
    findings: null,
  };
}

/** Whether rich text holds anything worth printing. */
export function hasText(rich: RichText | null | undefined): rich is RichText {
  return Boolean(rich && rich.markdown.trim().length > 0);
}
