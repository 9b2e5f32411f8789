import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '@werkraum/shared/limits';
import type { AgendaView } from '@werkraum/shared/protocol';
import { parseTimetable, type ParsedAgendaBlock } from '@werkraum/shared/timetable';
import { Harness, nextEvent, okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

const seed003 = readFileSync(new URL('../../../shared/src/fixtures/seed003-agenda.txt', import.meta.url), 'utf8');
/** Seed 003's time table as pasted from its PDF, with the page footer between a time range and its title. */
const seed003Pasted = readFileSync(new URL('../../../shared/src/fixtures/seed003-pasted.txt', import.meta.url), 'utf8');

/** 14:00 in Berlin on 1 December 2026 = 13:00 UTC. */
const STARTS_AT = '2026-12-01T14:00:00+01:00';
const T0 = Date.parse(STARTS_AT);
/** ISO (UTC, as the API writes times) of T0 plus minutes. */
const isoAt = (minutes: number) => new Date(T0 + minutes * MINUTE_MS).toISOString();

interface ErrorBody {
  error: { code: string; message: string; field?: string; lines?: unknown[] };
}

interface DocumentBlock {
  id: string;
  title: string;
  type: string;
  plannedMinutes: number;
  description: string;
  moderationNotes: string;
  status: string;
  plannedStart: string;
  plannedEnd: string;
  projectedStart: string;
  projectedEnd: string;
  actualStart: string | null;
  actualEnd: string | null;
}

interface AgendaDocument {
  workshopId: string;
  startsAt: string;
  status: string;
  plannedEnd: string;
  projectedEnd: string;
  behindPlanMinutes: number;
  planMovedTo: string | null;
  blocks: DocumentBlock[];
  timer: unknown;
  log: { at: string; blockId: string; kind: string; deltaMs?: number }[];
  warningThresholds: unknown[];
}

const THREE_BLOCKS = [
  { title: 'Ankommen', type: 'arrival', plannedMinutes: 5, description: 'Kamera an', moderationNotes: 'Link posten' },
  { title: 'Input', type: 'input', plannedMinutes: 30 },
  { title: 'Pause', type: 'break', plannedMinutes: 15 },
];

/** What a block of the document holds before anything ran, when the clock is before the start. */
function plannedBlock(
  block: { title: string; type: string; plannedMinutes: number; description?: string; moderationNotes?: string },
  startMinute: number,
) {
  const start = isoAt(startMinute);
  const end = isoAt(startMinute + block.plannedMinutes);
  return {
    id: expect.any(String),
    title: block.title,
    type: block.type,
    plannedMinutes: block.plannedMinutes,
    description: block.description ?? '',
    moderationNotes: block.moderationNotes ?? '',
    status: 'upcoming',
    plannedStart: start,
    plannedEnd: end,
    projectedStart: start,
    projectedEnd: end,
    actualStart: null,
    actualEnd: null,
  };
}

describe('HTTP agenda API', () => {
  const harness = new Harness();
  let clock: TestClock;
  let server: TestServer;
  let workshop: CreatedWorkshop;

  beforeEach(async () => {
    // Half an hour before the workshop starts.
    clock = new TestClock(T0 - 30 * MINUTE_MS);
    server = await harness.start({ now: clock.now });
    workshop = await harness.createWorkshop(server, { title: 'Vernetzung vor Ort', startsAt: STARTS_AT, timeZone: 'Europe/Berlin', language: 'de' });
  });
  afterEach(async () => {
    const logs = server.logs.map((entry) => entry.message);
    await harness.cleanup();
    expect(logs).toEqual([]);
  });

  const url = (id: string, query = '') => `${server.baseUrl}/api/workshops/${encodeURIComponent(id)}/agenda${query}`;
  const auth = (key: string | undefined): Record<string, string> => (key === undefined ? {} : { authorization: `Bearer ${key}` });

  const getAgenda = (options: { id?: string; key?: string | undefined; query?: string } = {}) =>
    fetch(url(options.id ?? workshop.id, options.query), { headers: auth('key' in options ? options.key : workshop.keys.moderator) });

  const putJson = (body: unknown, options: { id?: string; key?: string | undefined } = {}) =>
    fetch(url(options.id ?? workshop.id), {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...auth('key' in options ? options.key : workshop.keys.moderator) },
      body: JSON.stringify(body),
    });

  const putText = (text: string, options: { id?: string; key?: string | undefined; target?: CreatedWorkshop } = {}) =>
    fetch(url(options.target?.id ?? options.id ?? workshop.id), {
      method: 'PUT',
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        ...auth('key' in options ? options.key : (options.target ?? workshop).keys.moderator),
      },
      body: text,
    });

  async function documentOf(response: Response): Promise<AgendaDocument> {
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    return JSON.parse(text) as AgendaDocument;
  }

  async function storedAgenda(target: CreatedWorkshop = workshop): Promise<AgendaDocument> {
    return documentOf(await fetch(url(target.id), { headers: auth(target.keys.moderator) }));
  }

  async function startsAtOf(target: CreatedWorkshop = workshop): Promise<string> {
    const response = await fetch(`${server.baseUrl}/api/workshops/${target.id}`, { headers: auth(target.keys.moderator) });
    return ((await response.json()) as { startsAt: string }).startsAt;
  }

  describe('PUT with JSON', () => {
    it('stores the blocks with planned times chained from the start; GET returns the same', async () => {
      const body = await documentOf(await putJson({ blocks: THREE_BLOCKS }));
      expect(body).toEqual({
        workshopId: workshop.id,
        startsAt: STARTS_AT,
        status: 'notStarted',
        plannedEnd: '2026-12-01T13:50:00.000Z',
        projectedEnd: '2026-12-01T13:50:00.000Z',
        behindPlanMinutes: 0,
        planMovedTo: null,
        blocks: [plannedBlock(THREE_BLOCKS[0]!, 0), plannedBlock(THREE_BLOCKS[1]!, 5), plannedBlock(THREE_BLOCKS[2]!, 35)],
        timer: null,
        log: [],
        warningThresholds: [
          { kind: 'fraction', remaining: 0.2 },
          { kind: 'fraction', remaining: 0.05 },
          { kind: 'absolute', remainingMs: 60_000 },
        ],
      });
      expect(body.blocks.map((block) => [block.plannedStart, block.plannedEnd])).toEqual([
        ['2026-12-01T13:00:00.000Z', '2026-12-01T13:05:00.000Z'],
        ['2026-12-01T13:05:00.000Z', '2026-12-01T13:35:00.000Z'],
        ['2026-12-01T13:35:00.000Z', '2026-12-01T13:50:00.000Z'],
      ]);
      expect(new Set(body.blocks.map((block) => block.id)).size).toBe(3);
      expect(await storedAgenda()).toEqual(body);
    });

    it('tells joined clients: the agenda to everyone, the notes to the moderation only', async () => {
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const bo = await harness.join(server, workshop, 'participant', 'Bo');
      const body = await documentOf(await putJson({ blocks: THREE_BLOCKS }, { key: workshop.keys.coModerator }));
      const ids = body.blocks.map((block) => block.id);
      for (const client of [mia, bo]) {
        const view = await waitFor(() => client.eventsOf('agenda:changed')[0], 'agenda:changed');
        expect(view.blocks.map((block) => [block.id, block.title])).toEqual([
          [ids[0], 'Ankommen'],
          [ids[1], 'Input'],
          [ids[2], 'Pause'],
        ]);
      }
      expect(await waitFor(() => mia.eventsOf('agenda:notes')[0], 'agenda:notes')).toEqual({ moderationNotes: { [ids[0]!]: 'Link posten' } });
      okData(await bo.call('clock:ping', {}));
      expect(bo.eventsOf('agenda:notes')).toEqual([]);
      expect(JSON.stringify(bo.received)).not.toContain('Link posten');
    });

    it('moves the start to a given startTime on the same date', async () => {
      const body = await documentOf(await putJson({ blocks: THREE_BLOCKS, startTime: '09:30' }));
      expect(body.startsAt).toBe('2026-12-01T09:30:00+01:00');
      expect(body.blocks[0]!.plannedStart).toBe('2026-12-01T08:30:00.000Z');
      expect(await startsAtOf()).toBe('2026-12-01T09:30:00+01:00');
    });

    it.each([
      ['plannedMinutes 0', { blocks: [{ title: 'A', type: 'other', plannedMinutes: 0 }] }, 'blocks.0.plannedMinutes'],
      ['plannedMinutes 601 in the second block', { blocks: [{ title: 'A', type: 'other', plannedMinutes: 5 }, { title: 'B', type: 'other', plannedMinutes: 601 }] }, 'blocks.1.plannedMinutes'],
      ['an empty title', { blocks: [{ title: ' ', type: 'other', plannedMinutes: 5 }] }, 'blocks.0.title'],
      ['an unknown type', { blocks: [{ title: 'A', type: 'lunch', plannedMinutes: 5 }] }, 'blocks.0.type'],
      ['no blocks field', { items: [] }, 'blocks'],
      ['a bad startTime', { blocks: [], startTime: '9:30' }, 'startTime'],
      ['too many blocks', { blocks: Array.from({ length: LIMITS.agendaBlocksMax + 1 }, () => ({ title: 'A', type: 'other', plannedMinutes: 1 })) }, 'blocks'],
    ])('answers 400 invalid_payload naming the field for %s, and changes nothing', async (_case, payload, field) => {
      const before = await documentOf(await putJson({ blocks: THREE_BLOCKS }));
      const response = await putJson(payload);
      expect(response.status).toBe(400);
      const error = ((await response.json()) as ErrorBody).error;
      expect(error.code).toBe('invalid_payload');
      expect(error.field).toBe(field);
      expect(error.message.length).toBeGreaterThan(0);
      expect(await storedAgenda()).toEqual(before);
      expect(await startsAtOf()).toBe(STARTS_AT);
    });

    it('answers 400 for a body that is not JSON or of another type', async () => {
      for (const [body, type] of [
        ['{"blocks": [', 'application/json'],
        ['blocks=1', 'application/x-www-form-urlencoded'],
      ] as const) {
        const response = await fetch(url(workshop.id), {
          method: 'PUT',
          headers: { 'content-type': type, ...auth(workshop.keys.moderator) },
          body,
        });
        expect(response.status, type).toBe(400);
        expect(((await response.json()) as ErrorBody).error.code).toBe('invalid_payload');
      }
    });
  });

  describe('PUT with a pasted time table', () => {
    it('imports the seed fixture: 11 blocks and the start moved to 14:00 on the same date and offset', async () => {
      const later = await harness.createWorkshop(server, {
        title: 'Lokale Netzwerke',
        startsAt: '2026-12-15T17:30:00+01:00',
        timeZone: 'Europe/Berlin',
        language: 'de',
      });
      const mia = await harness.join(server, later, 'moderator', 'Mia');
      const bo = await harness.join(server, later, 'participant', 'Bo');

      const body = await documentOf(await putText(seed003, { target: later }));
      expect(body.startsAt).toBe('2026-12-15T14:00:00+01:00');
      expect(await startsAtOf(later)).toBe('2026-12-15T14:00:00+01:00');
      expect(body.status).toBe('notStarted');
      expect(body.blocks.map((block) => [block.title, block.type, block.plannedMinutes])).toEqual([
        ['Ankommen', 'arrival', 5],
        ['Begrüßung, Vorstellung des Formats, Rückblick auf das erste Treffen, Vorstellung des Themas', 'arrival', 5],
        ['Kurze Umfrage', 'poll', 5],
        ['Input durch Anne Melzig: Engagement vor Ort gemeinsam gestalten', 'input', 5],
        [
          'Praxisinput durch Stephanie Krause (Landesarbeitsgemeinschaft der Freiwilligenagenturen in Nordrhein-Westfalen) und Jan-Christoph Tonigs (Stadtkultur Rheine)',
          'input',
          15,
        ],
        ['Fragen und Austausch zum Praxisbeispiel', 'discussion', 10],
        ['Breakout-Session Runde 1: Bestehende lokale Netzwerke und informelle Vernetzung', 'breakout', 20],
        ['Einordnen der Ergebnisse aus Breakout-Session Runde 1', 'discussion', 5],
        ['Breakout-Session Runde 2: Weiterentwicklung und Herausforderungen von Netzwerken', 'breakout', 25],
        ['Abschlussrunde: Zusammenführung der wichtigsten Erkenntnisse aus den Breakouts', 'closing', 20],
        ['Abschluss und Verabschiedung', 'closing', 5],
      ]);
      expect(body.blocks[8]!.description).toBe('Freier Austausch zu Erfahrungen, Zielen und Herausforderungen bei der lokalen Vernetzung');
      expect(body.blocks.filter((block) => block.description !== '')).toHaveLength(1);
      expect(body.blocks.every((block) => block.moderationNotes === '' && block.status === 'upcoming')).toBe(true);
      // The planned times land on the pasted ones: 14:00 … 16:00 in Berlin (13:00 … 15:00 UTC).
      expect(body.blocks[0]!.plannedStart).toBe('2026-12-15T13:00:00.000Z');
      expect(body.blocks[5]!.plannedStart).toBe('2026-12-15T13:35:00.000Z');
      expect(body.blocks[10]!.plannedEnd).toBe('2026-12-15T15:00:00.000Z');
      expect(body.plannedEnd).toBe('2026-12-15T15:00:00.000Z');
      expect(await storedAgenda(later)).toEqual(body);

      // Joined clients hear about the new agenda and the moved start.
      for (const client of [mia, bo]) {
        const view = await waitFor(() => client.eventsOf('agenda:changed')[0], 'agenda:changed');
        expect(view.blocks).toHaveLength(11);
        const info = await waitFor(() => client.eventsOf('workshop:updated')[0], 'workshop:updated');
        expect(info).toMatchObject({ id: later.id, startsAt: '2026-12-15T14:00:00+01:00' });
      }
    });

    it.each([
      ['de', 'Pause'],
      ['en', 'Break'],
    ] as const)('fills a gap with a break block (%s: "%s")', async (language, breakTitle) => {
      const target = await harness.createWorkshop(server, { startsAt: STARTS_AT, timeZone: 'Europe/Berlin', language });
      const body = await documentOf(await putText('14:00-14:05 Ankommen\n14:10-14:20 Input', { target }));
      expect(body.blocks.map(({ title, type, plannedMinutes, description, moderationNotes, plannedStart, plannedEnd }) => ({
        title,
        type,
        plannedMinutes,
        description,
        moderationNotes,
        plannedStart,
        plannedEnd,
      }))).toEqual([
        { title: 'Ankommen', type: 'arrival', plannedMinutes: 5, description: '', moderationNotes: '', plannedStart: isoAt(0), plannedEnd: isoAt(5) },
        { title: breakTitle, type: 'break', plannedMinutes: 5, description: '', moderationNotes: '', plannedStart: isoAt(5), plannedEnd: isoAt(10) },
        { title: 'Input', type: 'input', plannedMinutes: 10, description: '', moderationNotes: '', plannedStart: isoAt(10), plannedEnd: isoAt(20) },
      ]);
    });

    it('leaves out the PDF page footer pasted with the time table', async () => {
      const body = await documentOf(await putText(seed003Pasted));
      expect(body.blocks).toHaveLength(11);
      expect(body.blocks.map((block) => block.title)).not.toContain('„Kultur in Westfalen“ wird gefördert vom:');
      expect(body.blocks[9]).toMatchObject({ title: 'Abschlussrunde: Zusammenführung der wichtigsten Erkenntnisse aus den Breakouts', type: 'closing', description: '' });
      expect(body.blocks.some((block) => block.description.includes('Ministerium'))).toBe(false);
    });

    it('reports a time out of range and the left-out footer lines with a 400', async () => {
      const response = await putText(`${seed003Pasted}\n16:00-16:75 Nachklang`);
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { lines: { line: number; code: string }[]; omitted: { text: string; reason: string }[] } }).error;
      expect(error.lines.map((line) => line.code)).toEqual(['unreadable_time']);
      expect(error.omitted.map((line) => line.text)).toContain('Ministerium für');
      expect(error.omitted.every((line) => line.reason === 'repeated')).toBe(true);
    });

    it('answers 400 invalid_timetable with every bad line, and imports nothing', async () => {
      const before = await documentOf(await putJson({ blocks: THREE_BLOCKS }));
      const text = ['Ablauf', '14:00-14:05 Ankommen', '14:10-14:05 Rückwärts', '14:00-14:20 Überlappung'].join('\n');
      const response = await putText(text);
      expect(response.status).toBe(400);
      const lines = [
        { line: 1, text: 'Ablauf', code: 'unreadable_line', message: 'Line 1 comes before the first time and is not a time line.' },
        { line: 3, text: '14:10-14:05 Rückwärts', code: 'end_before_start', message: 'Line 3: the end 14:05 is not after the start 14:10.' },
        {
          line: 4,
          text: '14:00-14:20 Überlappung',
          code: 'overlap',
          message: 'Line 4: the block starts at 14:00, before the previous block ends (14:10).',
        },
      ];
      expect(await response.json()).toEqual({
        error: { code: 'invalid_timetable', message: lines.map((line) => line.message).join('\n'), lines, omitted: [] },
      });
      expect(await storedAgenda()).toEqual(before);
      expect(await startsAtOf()).toBe(STARTS_AT);
    });

    it.each([
      ['the last block has no end', '\n\n14:00-14:05 Ankommen\n\n14:05 Input', [{ line: 5, code: 'missing_end' }]],
      ['a time line has no title', '14:00-14:05', [{ line: 1, code: 'missing_title' }]],
      ['the text is empty', '  \n \n', [{ line: 0, code: 'empty' }]],
    ])('answers 400 invalid_timetable when %s', async (_case, text, expected) => {
      const before = await documentOf(await putJson({ blocks: THREE_BLOCKS }));
      const response = await putText(text);
      expect(response.status).toBe(400);
      const error = ((await response.json()) as ErrorBody).error;
      expect(error.code).toBe('invalid_timetable');
      expect(error.lines).toMatchObject(expected);
      expect(await storedAgenda()).toEqual(before);
    });

    const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    it.each([
      ['a block longer than the longest block', '08:00-19:00 Klausurtag', [400]],
      ['a gap longer than the longest block', '08:00-08:30 Ankommen\n19:00-19:30 Abschluss', [400]],
      [
        'more blocks than an agenda holds',
        [...Array.from({ length: LIMITS.agendaBlocksMax + 1 }, (_, i) => `${clock(8 * 60 + i)} Punkt ${i + 1}`), '09:41-09:42 Ende'].join('\n'),
        [400],
      ],
      ['a title longer than a block title may be', `14:00-14:05 ${'T'.repeat(LIMITS.blockTitleMax + 1)}`, [400]],
      [
        'a text longer than a time table may be',
        Array.from({ length: 11 }, (_, i) => `${clock(14 * 60 + i * 5)}-${clock(14 * 60 + i * 5 + 4)} Block ${i + 1}\n${'x'.repeat(4_600)}`).join('\n'),
        [400, 413],
      ],
    ])('refuses a time table with %s, as the JSON API would, and imports nothing', async (_case, text, statuses) => {
      const before = await documentOf(await putJson({ blocks: THREE_BLOCKS }));
      const parsed = parseTimetable(text);
      // The text itself reads fine; only the agenda's limits are broken.
      expect(parsed.ok, JSON.stringify(parsed.ok ? null : parsed.errors)).toBe(true);
      const response = await putText(text);
      const answer = await response.text();
      expect(statuses, `status ${response.status}: ${answer.slice(0, 300)}`).toContain(response.status);
      expect(['invalid_timetable', 'invalid_payload']).toContain((JSON.parse(answer) as ErrorBody).error.code);
      expect(await storedAgenda()).toEqual(before);
      expect(await startsAtOf()).toBe(STARTS_AT);
    });

    it('keeps the pasted times in the workshop’s time zone when its start is written in UTC', async () => {
      // 13:00 UTC is 14:00 in Berlin; the moderation pastes Berlin times.
      const target = await harness.createWorkshop(server, { startsAt: '2026-12-01T13:00:00Z', timeZone: 'Europe/Berlin', language: 'de' });
      const body = await documentOf(await putText('09:00-09:30 Ankommen\n09:30-10:00 Input', { target }));
      expect(Date.parse(body.startsAt)).toBe(Date.parse('2026-12-01T09:00:00+01:00'));
      const text = await fetch(url(target.id, '?format=text'), { headers: auth(target.keys.moderator) });
      expect(await text.text()).toBe('09:00–09:30 Ankommen\n\n09:30–10:00 Input');
    });
  });

  describe('access', () => {
    it.each([
      ['GET', () => getAgenda({ key: undefined })],
      ['PUT JSON', () => putJson({ blocks: THREE_BLOCKS }, { key: undefined })],
      ['PUT text', () => putText('14:00-14:05 Ankommen', { key: undefined })],
    ])('%s answers 401 without a key', async (_method, send) => {
      const response = await send();
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await response.json()) as ErrorBody).error.code).toBe('unauthorized');
    });

    it('answers 403 for the participant key, a random key and another workshop’s key; nothing changes', async () => {
      const before = await documentOf(await putJson({ blocks: THREE_BLOCKS }));
      const other = await harness.createWorkshop(server);
      for (const key of [workshop.secrets.participant, randomBytes(24).toString('base64url'), other.keys.moderator]) {
        for (const response of [
          await getAgenda({ key }),
          await putJson({ blocks: [THREE_BLOCKS[1]] }, { key }),
          await putText('09:00-09:05 Ankommen', { key }),
        ]) {
          expect(response.status).toBe(403);
          const body = (await response.json()) as ErrorBody & Record<string, unknown>;
          expect(body.error.code).toBe('forbidden');
          expect(body.blocks).toBeUndefined();
        }
      }
      expect(await storedAgenda()).toEqual(before);
      expect(await startsAtOf()).toBe(STARTS_AT);
    });

    it('answers an unknown workshop with 403 forbidden, like a wrong key', async () => {
      for (const response of [
        await getAgenda({ id: 'no-such-workshop' }),
        await putJson({ blocks: THREE_BLOCKS }, { id: 'no-such-workshop' }),
        await putText('14:00-14:05 Ankommen', { id: 'no-such-workshop' }),
      ]) {
        expect(response.status).toBe(403);
        expect(((await response.json()) as ErrorBody).error.code).toBe('forbidden');
      }
    });

    it('lets the co-moderator key read and write', async () => {
      const body = await documentOf(await putJson({ blocks: THREE_BLOCKS }, { key: workshop.keys.coModerator }));
      expect(await documentOf(await getAgenda({ key: workshop.keys.coModerator }))).toEqual(body);
    });

    it('shows an empty agenda before anything was stored', async () => {
      const body = await documentOf(await getAgenda());
      expect(body).toMatchObject({ workshopId: workshop.id, startsAt: STARTS_AT, status: 'notStarted', blocks: [], log: [], timer: null, behindPlanMinutes: 0 });
      expect(body.plannedEnd).toBe(isoAt(0));
    });
  });

  describe('exports', () => {
    it('GET ?format=text gives the one-line time table, which reads back to the same blocks', async () => {
      await documentOf(await putJson({ blocks: THREE_BLOCKS }));
      const response = await getAgenda({ query: '?format=text' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      expect(text).toBe('14:00–14:05 Ankommen\nKamera an\n\n14:05–14:35 Input\n\n14:35–14:50 Pause');
      const parsed = parseTimetable(text);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      expect(parsed.blocks.map((block) => [block.start, block.end, block.title, block.description])).toEqual([
        ['14:00', '14:05', 'Ankommen', 'Kamera an'],
        ['14:05', '14:35', 'Input', ''],
        ['14:35', '14:50', 'Pause', ''],
      ]);
      // Moderation notes stay out of the export.
      expect(text).not.toContain('Link posten');
    });

    it('round-trips the seed fixture through import and text export', async () => {
      await documentOf(await putText(seed003));
      const text = await (await getAgenda({ query: '?format=text' })).text();
      const summary = (blocks: ParsedAgendaBlock[]) => blocks.map((b) => [b.start, b.end, b.title, b.description, b.type]);
      const original = parseTimetable(seed003);
      const exported = parseTimetable(text);
      if (!original.ok || !exported.ok) throw new Error('expected both to parse');
      expect(summary(exported.blocks)).toEqual(summary(original.blocks));
      expect(text.split('\n')[0]).toBe('14:00–14:05 Ankommen');
    });

    it('GET ?format=markdown starts with the workshop title as heading', async () => {
      await documentOf(await putJson({ blocks: THREE_BLOCKS }));
      const response = await getAgenda({ query: '?format=markdown' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/markdown/);
      expect(await response.text()).toBe(
        '# Vernetzung vor Ort\n\n- **14:00–14:05** Ankommen\\\n  Kamera an\n- **14:05–14:35** Input\n- **14:35–14:50** Pause',
      );
    });

    it('GET ?format=pdf answers 400 naming the format', async () => {
      const response = await getAgenda({ query: '?format=pdf' });
      expect(response.status).toBe(400);
      const error = ((await response.json()) as ErrorBody).error;
      expect(error).toMatchObject({ code: 'invalid_payload', field: 'format' });
    });
  });

  describe('while and after the workshop runs', () => {
    async function runningWorkshop() {
      const body = await documentOf(await putJson({ blocks: THREE_BLOCKS }));
      const [a, b, c] = body.blocks.map((block) => block.id) as [string, string, string];
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      return { mia, a, b, c };
    }

    it('refuses PUT with 409 invalid_state while the workshop runs, and changes nothing', async () => {
      const { mia } = await runningWorkshop();
      clock.set(T0);
      okData(await mia.call('agenda:control', { action: 'start' }));
      const before = await storedAgenda();
      for (const response of [await putJson({ blocks: [THREE_BLOCKS[1]] }), await putText('09:00-09:05 Ankommen')]) {
        expect(response.status).toBe(409);
        expect(((await response.json()) as ErrorBody).error.code).toBe('invalid_state');
      }
      expect(await storedAgenda()).toEqual(before);
      expect(await startsAtOf()).toBe(STARTS_AT);
    });

    it('compares with the plan moved to the actual start when the workshop runs on another day', async () => {
      const { mia } = await runningWorkshop();
      const DAY_MS = 24 * 60 * MINUTE_MS;
      // Ten days before the planned date, 7 minutes past the planned time of day.
      const start = T0 - 10 * DAY_MS + 7 * MINUTE_MS;
      clock.set(start);
      okData(await mia.call('agenda:control', { action: 'start' }));
      clock.advance(7 * MINUTE_MS);
      const body = await storedAgenda();
      // 5 planned minutes, 7 elapsed: 2 minutes behind, not 14 393 minutes ahead.
      expect(body.behindPlanMinutes).toBe(2);
      expect(body.planMovedTo).toBe(new Date(start).toISOString());
      expect(body.blocks[0]!.plannedStart).toBe(new Date(start).toISOString());
    });

    it('shows actual times, statuses, the projection and the log with ISO times', async () => {
      const { mia, a, b, c } = await runningWorkshop();
      clock.set(T0 + 2 * MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'start' }));
      clock.advance(6 * MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'next' }));
      clock.advance(3 * MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'pause' }));
      clock.advance(MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'resume' }));
      okData(await mia.call('agenda:control', { action: 'extend', minutes: 5 }));
      clock.advance(4 * MINUTE_MS);

      const body = await storedAgenda();
      expect(body.status).toBe('running');
      expect(body.blocks.map(({ id, status, actualStart, actualEnd, projectedStart, projectedEnd }) => ({
        id,
        status,
        actualStart,
        actualEnd,
        projectedStart,
        projectedEnd,
      }))).toEqual([
        { id: a, status: 'done', actualStart: isoAt(2), actualEnd: isoAt(8), projectedStart: isoAt(2), projectedEnd: isoAt(8) },
        // 30 planned + 5 extended + 1 paused from 14:08.
        { id: b, status: 'running', actualStart: isoAt(8), actualEnd: null, projectedStart: isoAt(8), projectedEnd: isoAt(44) },
        { id: c, status: 'upcoming', actualStart: null, actualEnd: null, projectedStart: isoAt(44), projectedEnd: isoAt(59) },
      ]);
      expect(body.blocks.map((block) => [block.plannedStart, block.plannedEnd])).toEqual([
        [isoAt(0), isoAt(5)],
        [isoAt(5), isoAt(35)],
        [isoAt(35), isoAt(50)],
      ]);
      expect(body.plannedEnd).toBe(isoAt(50));
      expect(body.projectedEnd).toBe(isoAt(59));
      expect(body.behindPlanMinutes).toBe(9);
      expect(body.timer).toEqual({ blockId: b, startedAt: T0 + 8 * MINUTE_MS, allottedMs: 35 * MINUTE_MS, pausedAt: null, pausedMs: MINUTE_MS });
      expect(body.log).toEqual([
        { at: isoAt(2), blockId: a, kind: 'start' },
        { at: isoAt(8), blockId: a, kind: 'end' },
        { at: isoAt(8), blockId: b, kind: 'start' },
        { at: isoAt(11), blockId: b, kind: 'pause' },
        { at: isoAt(12), blockId: b, kind: 'resume' },
        { at: isoAt(12), blockId: b, kind: 'extend', deltaMs: 300_000 },
      ]);

      // After the end, every block that ran is done, and the record stays for the documentation.
      clock.advance(30 * MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'next' }));
      clock.advance(10 * MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'next' }));
      const ended = await storedAgenda();
      expect(ended.status).toBe('ended');
      expect(ended.blocks.map((block) => [block.status, block.actualStart, block.actualEnd])).toEqual([
        ['done', isoAt(2), isoAt(8)],
        ['done', isoAt(8), isoAt(46)],
        ['done', isoAt(46), isoAt(56)],
      ]);
      expect(ended.log.at(-1)).toEqual({ at: isoAt(56), blockId: c, kind: 'end' });
      expect(ended.timer).toBeNull();

      const refused = await putJson({ blocks: [THREE_BLOCKS[0]] });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_state');
      expect((await storedAgenda()).log).toEqual(ended.log);
    });
  });
});

/** The first agenda:changed a client has received (or will receive) that matches `predicate`. */
async function nextEventOrExisting(client: TestClient, predicate: (view: AgendaView) => boolean): Promise<AgendaView> {
  const seen = client.eventsOf('agenda:changed').find(predicate);
  if (seen) return seen;
  return nextEvent<AgendaView>(client.socket, 'agenda:changed', predicate);
}
