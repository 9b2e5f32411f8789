import type { ParsedAgendaBlock } from './timetable.js';
import type { Language } from './roles.js';

/** An agenda block made from a time-table line (same fields as the protocol's block input). */
export interface ImportedBlock {
  title: string;
  type: ParsedAgendaBlock['type'];
  plannedMinutes: number;
  description: string;
  moderationNotes: string;
}

const BREAK_TITLE: Record<Language, string> = { de: 'Pause', en: 'Break' };

/**
 * Turns parsed time-table blocks into agenda blocks: durations from the times, and a break block
 * for every gap, so that the blocks chained from the first start time land on the pasted times.
 * Returns the start time of the first block for the workshop's start.
 */
export function agendaFromTimetable(
  parsed: readonly ParsedAgendaBlock[],
  language: Language,
): { blocks: ImportedBlock[]; startTime: string | null } {
  const blocks: ImportedBlock[] = [];
  for (const block of parsed) {
    if (block.gapBeforeMinutes > 0) {
      blocks.push({ title: BREAK_TITLE[language], type: 'break', plannedMinutes: block.gapBeforeMinutes, description: '', moderationNotes: '' });
    }
    blocks.push({
      title: block.title,
      type: block.type,
      plannedMinutes: block.durationMinutes,
      description: block.description,
      moderationNotes: '',
    });
  }
  return { blocks, startTime: parsed[0]?.start ?? null };
}

/** Minutes the zone is ahead of UTC at an instant (e.g. 60 for Europe/Berlin in winter). */
function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(ms);
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

const pad = (value: number) => String(Math.abs(value)).padStart(2, '0');

/** The start at `time` on the workshop's own date in its time zone, written with that zone's offset; null for an unknown zone. */
function zonedTimeOfDay(startsAt: string, time: string, timeZone: string): string | null {
  const start = Date.parse(startsAt);
  if (Number.isNaN(start)) return null;
  try {
    const local = new Date(start + zoneOffsetMinutes(start, timeZone) * 60_000);
    const [hours, minutes] = time.split(':').map(Number) as [number, number];
    const wall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hours, minutes);
    // The offset at the new instant can differ (daylight saving between the two times): settle it.
    let offset = zoneOffsetMinutes(wall - zoneOffsetMinutes(start, timeZone) * 60_000, timeZone);
    offset = zoneOffsetMinutes(wall - offset * 60_000, timeZone);
    const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
    return `${date}T${time}:00${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  } catch {
    return null;
  }
}

/**
 * The start moved to another time of day on the workshop's own date. With a time zone, the time
 * is read in that zone; otherwise the written offset is kept
 * ("2026-12-15T17:30:00+01:00" with "14:00" gives "2026-12-15T14:00:00+01:00").
 */
export function withTimeOfDay(startsAt: string, time: string, timeZone?: string | null): string {
  if (timeZone) {
    const zoned = zonedTimeOfDay(startsAt, time, timeZone);
    if (zoned) return zoned;
  }
  const match = /^(\d{4}-\d{2}-\d{2}T)\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(.*)$/.exec(startsAt);
  if (!match) return startsAt;
  return `${match[1]}${time}:00${match[2]}`;
}

/** Time of day "HH:MM" of a server time, in a time zone or else in the offset written in `startsAt`. */
export function timeOfDay(ms: number, where: { timeZone: string | null; startsAt: string }): string {
  if (where.timeZone) {
    try {
      return new Intl.DateTimeFormat('en-GB', { timeZone: where.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
    } catch {
      // An unknown zone name falls through to the written offset.
    }
  }
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(where.startsAt);
  const offsetMinutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  const local = new Date(ms + offsetMinutes * 60_000);
  return `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
}
