import { describe, expect, it } from 'vitest';
import { agendaFromTimetable, timeOfDay, withTimeOfDay } from './agendaImport.js';
import { parseTimetable } from './timetable.js';

describe('agendaFromTimetable', () => {
  it('turns times into planned minutes and gaps into break blocks in the workshop language', () => {
    const parsed = parseTimetable('14:00-14:05 Ankommen\n14:10-14:30 Breakout-Session\nFreier Austausch');
    if (!parsed.ok) throw new Error('fixture must parse');
    expect(agendaFromTimetable(parsed.blocks, 'de')).toEqual({
      startTime: '14:00',
      blocks: [
        { title: 'Ankommen', type: 'arrival', plannedMinutes: 5, description: '', moderationNotes: '' },
        { title: 'Pause', type: 'break', plannedMinutes: 5, description: '', moderationNotes: '' },
        { title: 'Breakout-Session', type: 'breakout', plannedMinutes: 20, description: 'Freier Austausch', moderationNotes: '' },
      ],
    });
    expect(agendaFromTimetable(parsed.blocks, 'en').blocks[1]?.title).toBe('Break');
  });

  it('gives no start time for an empty list', () => {
    expect(agendaFromTimetable([], 'de')).toEqual({ blocks: [], startTime: null });
  });
});

describe('withTimeOfDay', () => {
  it('keeps the written offset when the workshop has no time zone', () => {
    expect(withTimeOfDay('2026-12-15T17:30:00+01:00', '14:00', null)).toBe('2026-12-15T14:00:00+01:00');
    expect(withTimeOfDay('2026-12-15T17:30:00.000Z', '09:15')).toBe('2026-12-15T09:15:00Z');
  });

  it('reads the time in the workshop time zone, on its local date, with the offset of that day', () => {
    expect(withTimeOfDay('2026-12-15T13:00:00Z', '09:00', 'Europe/Berlin')).toBe('2026-12-15T09:00:00+01:00');
    // 23:30 UTC is already the next day in Berlin (summer time).
    expect(withTimeOfDay('2026-07-15T23:30:00Z', '09:00', 'Europe/Berlin')).toBe('2026-07-16T09:00:00+02:00');
    // Night of the switch to summer time: the new time of day has the new offset.
    expect(withTimeOfDay('2026-03-29T00:30:00+01:00', '14:00', 'Europe/Berlin')).toBe('2026-03-29T14:00:00+02:00');
    expect(withTimeOfDay('2026-12-15T17:30:00-05:00', '14:00', 'America/New_York')).toBe('2026-12-15T14:00:00-05:00');
  });

  it('falls back to the written offset for an unknown zone', () => {
    expect(withTimeOfDay('2026-12-15T17:30:00+01:00', '14:00', 'Mars/Olympus')).toBe('2026-12-15T14:00:00+01:00');
  });
});

describe('timeOfDay', () => {
  it('shows a time in the zone, else in the offset written in the start', () => {
    const ms = Date.parse('2026-12-15T13:05:00Z');
    expect(timeOfDay(ms, { timeZone: 'Europe/Berlin', startsAt: '2026-12-15T14:00:00Z' })).toBe('14:05');
    expect(timeOfDay(ms, { timeZone: null, startsAt: '2026-12-15T09:00:00-05:00' })).toBe('08:05');
    expect(timeOfDay(ms, { timeZone: null, startsAt: '2026-12-15T09:00:00Z' })).toBe('13:05');
  });
});
