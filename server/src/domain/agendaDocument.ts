import { projectSchedule } from '@werkraum/shared/agendaClock';
import { timeOfDay } from '@werkraum/shared/agendaImport';
import { formatTimetableMarkdown, formatTimetableText, type TimetableEntry } from '@werkraum/shared/timetable';
import type { AgendaRecord, WorkshopRecord } from '../store/types.js';

const MINUTE = 60_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The agenda as integrators read it (GET /api/workshops/:id/agenda): every block with its planned
 * times from the workshop's start, its projected times while the workshop runs, and its actual
 * times once run; plus the record of pauses and extensions.
 */
export function agendaDocument(workshop: WorkshopRecord, agenda: AgendaRecord, now: number) {
  const schedule = projectSchedule({
    blocks: agenda.blocks.map((block) => ({ id: block.id, plannedMs: block.plannedMinutes * MINUTE })),
    plannedStart: Date.parse(workshop.startsAt),
    actuals: agenda.run.actuals,
    running: agenda.run.timer,
    now,
  });
  return {
    workshopId: workshop.id,
    startsAt: workshop.startsAt,
    status: agenda.run.status,
    plannedEnd: iso(schedule.plannedEnd),
    projectedEnd: iso(schedule.projectedEnd),
    behindPlanMinutes: Math.round(schedule.deltaMs / MINUTE),
    // Run on another day than planned: the planned times are compared from here.
    planMovedTo: schedule.rebased ? iso(schedule.plannedStart) : null,
    blocks: agenda.blocks.map((block, index) => {
      const row = schedule.rows[index]!;
      return {
        ...block,
        status: row.status,
        plannedStart: iso(row.plannedStart),
        plannedEnd: iso(row.plannedEnd),
        projectedStart: iso(row.projectedStart),
        projectedEnd: iso(row.projectedEnd),
        actualStart: iso(row.actualStart),
        actualEnd: iso(row.actualEnd),
      };
    }),
    timer: agenda.run.timer,
    log: agenda.run.log.map((entry) => ({ ...entry, at: iso(entry.at) })),
    warningThresholds: agenda.warningThresholds,
  };
}

/** The planned time table in the workshop's own time of day. */
function timetableEntries(workshop: WorkshopRecord, agenda: AgendaRecord): TimetableEntry[] {
  let start = Date.parse(workshop.startsAt);
  const where = { timeZone: workshop.timeZone, startsAt: workshop.startsAt };
  return agenda.blocks.map((block) => {
    const end = start + block.plannedMinutes * MINUTE;
    const entry = { start: timeOfDay(start, where), end: timeOfDay(end, where), title: block.title, description: block.description };
    start = end;
    return entry;
  });
}

/** The agenda as a plain time table ("14:00–14:05 Ankommen"), which the import reads back. */
export function agendaText(workshop: WorkshopRecord, agenda: AgendaRecord): string {
  return formatTimetableText(timetableEntries(workshop, agenda));
}

/** The agenda as Markdown, headed by the workshop's title. */
export function agendaMarkdown(workshop: WorkshopRecord, agenda: AgendaRecord): string {
  const title = workshop.title.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
  return `# ${title}\n\n${formatTimetableMarkdown(timetableEntries(workshop, agenda))}`;
}
