import { strFromU8, unzipSync } from 'fflate';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { NotesHarness } from '../test/notesHarness.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

/** Appends a paragraph to a notes document, as the editor does (TipTap's fragment "default"). */
function writeParagraph(doc: Y.Doc, text: string): void {
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [paragraph]);
}

/** The Markdown's ATX headings, in order. */
function headings(markdown: string): string[] {
  return markdown.split('\n').filter((line) => /^#{1,6} /.test(line));
}

/** The Word document's heading paragraphs as `<level> <text>`, in order. */
function docxHeadings(body: ArrayBuffer): string[] {
  const xml = strFromU8(unzipSync(new Uint8Array(body))['word/document.xml']!);
  return [...xml.matchAll(/<w:p>(.*?)<\/w:p>/gs)]
    .map((match) => {
      const style = /<w:pStyle w:val="(Heading\d|Title)"\/>/.exec(match[1]!);
      if (!style) return null;
      const text = [...match[1]!.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((run) => run[1]).join('');
      return `${style[1]} ${text}`;
    })
    .filter((line): line is string => line !== null);
}

const BLOCKS = [
  { title: 'Kurze Umfrage', type: 'poll', plannedMinutes: 10 },
  { title: 'Kleingruppen', type: 'breakout', plannedMinutes: 30 },
  { title: 'Abschluss', type: 'closing', plannedMinutes: 10 },
] as const;

describe('documentation of a whole series (date=all)', () => {
  const harness = new NotesHarness();
  afterEach(() => harness.cleanup());

  const auth = (key: string) => ({ authorization: `Bearer ${key}` });

  const clock = new TestClock('2026-11-18T12:00:00Z');

  /** Runs the current date from `startsAt`: a poll of its own (12 min), the room's notes and a finding (25 min), then ends it. */
  async function holdDate(startsAt: string, server: TestServer, workshop: CreatedWorkshop, moderator: TestClient, participant: TestClient, content: { question: string; notes: string; finding: string }) {
    const { agenda } = okData(await moderator.call('agenda:get', undefined));
    const [pollBlock, breakoutBlock] = agenda.blocks;
    const { pollId } = okData(
      await moderator.call('poll:create', { blockId: pollBlock!.id, question: content.question, type: 'single', options: [{ label: 'Ja' }, { label: 'Nein' }] }),
    );
    okData(await moderator.call('poll:open', { pollId }));
    const view = okData(await participant.call('poll:list', undefined)).polls.find((entry) => entry.poll.id === pollId)!;
    okData(await participant.call('poll:answer', { pollId, answer: { optionIds: [view.poll.options[0]!.id] } }));
    let round = (await server.store.getBreakouts(workshop.id))?.rounds[0];
    if (!round) {
      okData(await moderator.call('breakout:saveRound', { blockId: breakoutBlock!.id, assignmentMode: 'manual', rooms: [{ name: 'Raum A' }] }));
      round = (await server.store.getBreakouts(workshop.id))!.rounds[0]!;
    }
    const roomId = round.rooms[0]!.id;
    okData(await moderator.call('breakout:assign', { roundId: round.id, personId: participant.snapshot!.session.personId, roomId }));
    clock.set(startsAt);
    okData(await moderator.call('agenda:control', { action: 'start' }));
    clock.advance(12 * MINUTE_MS);
    okData(await moderator.call('agenda:control', { action: 'jump', blockId: breakoutBlock!.id }));
    const notes = harness.collab(server, okData(await participant.call('notes:token', { roomId })));
    await waitFor(() => notes.provider.synced, 'notes open');
    writeParagraph(notes.doc, content.notes);
    okData(await participant.call('findings:propose', { roundId: round.id, roomId, text: content.finding }));
    const notesUrl = `${server.baseUrl}/api/workshops/${workshop.id}/notes/${roomId}?format=markdown`;
    await waitFor(async () => (await (await fetch(notesUrl, { headers: auth(workshop.keys.moderator) })).text()).includes(content.notes), 'notes stored');
    clock.advance(25 * MINUTE_MS);
    okData(await moderator.call('agenda:control', { action: 'endWorkshop' }));
  }

  it('gives one document with a part per held date, each with its own content, in Markdown and DOCX; one date and the default stay as they were', async () => {
    clock.set('2026-11-18T12:00:00Z');
    const server = await harness.startNotes({ now: () => clock.now() });
    const workshop = await harness.createWorkshop(server, { title: 'Austauschtreffen', startsAt: '2026-11-18T14:00:00+01:00' });
    const moderator = await harness.join(server, workshop, 'moderator', 'Kai');
    const participant = await harness.join(server, workshop, 'participant', 'Jürgen Weiß');
    okData(await participant.call('people:updateSelf', { listInDocumentation: true }));
    okData(await moderator.call('agenda:replace', { blocks: [...BLOCKS] }));
    okData(await moderator.call('series:addDate', { startsAt: '2027-01-20T14:00:00+01:00' }));
    okData(await moderator.call('series:addDate', { startsAt: '2027-03-10T14:00:00+01:00' }));

    const first = { question: 'Wie sind Sie vernetzt?', notes: 'Netzwerk: Kulturbüro', finding: 'Freiwilligenagenturen sind Partner' };
    const second = { question: 'Was hat sich seitdem getan?', notes: 'Neu: Stadtteilzentrum', finding: 'Ein gemeinsamer Kalender hilft' };
    await holdDate('2026-11-18T13:00:00Z', server, workshop, moderator, participant, first);
    okData(await moderator.call('series:advance', undefined));
    await waitFor(async () => (await server.store.getSeries(workshop.id))!.dates[1]!.status === 'current', 'date 2 is current');
    await holdDate('2027-01-20T13:00:00Z', server, workshop, moderator, participant, second);
    const firstId = (await server.store.getSeries(workshop.id))!.dates[0]!.id;

    const get = (query: string) => fetch(`${server.baseUrl}/api/workshops/${workshop.id}/documentation?${query}`, { headers: auth(workshop.keys.moderator) });

    // The series as one Markdown document.
    const response = await get('format=markdown&date=all');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('austauschtreffen-2026-11-18-2027-01-20.md');
    const series = await response.text();
    // The title block names the series and every date, the one still to come as planned.
    expect(series).toContain('**Termine:**');
    expect(series).toContain('**Datum:** Mittwoch, 18. November 2026 – Mittwoch, 20. Januar 2027');
    expect(series).toContain('- Termin 1: Mittwoch, 18. November 2026, 14:00–14:37 Uhr');
    expect(series).toContain('- Termin 2: Mittwoch, 20. Januar 2027, 14:00–14:37 Uhr');
    expect(series).toContain('- Termin 3: Mittwoch, 10. März 2027, 14:00 Uhr (geplant)');
    const part = (name: string) => [
      `## ${name}`,
      '### Ablauf',
      '### Umfrageergebnisse',
      expect.stringMatching(/^#### /),
      '### Kleingruppen',
      '#### Kleingruppen',
      '##### Raum A',
      '###### Notizen',
      '### Ergebnisse',
      expect.stringMatching(/^#### /),
    ];
    expect(headings(series)).toEqual([
      '# Austauschtreffen',
      ...part('Termin 1: Mittwoch, 18. November 2026'),
      ...part('Termin 2: Mittwoch, 20. Januar 2027'),
      '## Teilnehmendenliste',
    ]);
    const [before, rest] = series.split('## Termin 2:');
    const secondPart = rest!.split('## Teilnehmendenliste')[0]!;
    const firstPart = before!.split('## Termin 1:')[1]!;
    for (const text of Object.values(first)) {
      expect(firstPart).toContain(text);
      expect(secondPart).not.toContain(text);
    }
    for (const text of Object.values(second)) {
      expect(secondPart).toContain(text);
      expect(firstPart).not.toContain(text);
    }
    // Each part's agenda has its planned and actual times.
    for (const text of [firstPart, secondPart]) {
      expect(text).toContain('| 14:00 | 14:10 | 14:00 | 14:12 | Kurze Umfrage | Umfrage |');
      expect(text).toContain('| 14:10 | 14:40 | 14:12 | 14:37 | Kleingruppen | Kleingruppen |');
    }
    // The participant list is there once for the whole series; each part names its room's members.
    expect(series.match(/^- Jürgen Weiß$/gm)).toHaveLength(1);
    for (const text of [firstPart, secondPart]) expect(text).toContain('**Mitglieder:** Jürgen Weiß');

    // English headings.
    const english = headings(await (await get('format=markdown&date=all&lang=en')).text());
    expect(english).toContain('## Date 1: Wednesday, 18 November 2026');
    expect(english).toContain('## Date 2: Wednesday, 20 January 2027');
    expect(english).toContain('### Agenda');

    // DOCX: real heading levels, a part per date.
    const docx = await get('format=docx&date=all');
    expect(docx.status).toBe(200);
    const wordHeadings = docxHeadings(await docx.arrayBuffer());
    const wordPart = (name: string) => [
      `Heading1 ${name}`,
      'Heading2 Ablauf',
      'Heading2 Umfrageergebnisse',
      expect.stringMatching(/^Heading3 /),
      'Heading2 Kleingruppen',
      'Heading3 Kleingruppen',
      'Heading4 Raum A',
      'Heading5 Notizen',
      'Heading2 Ergebnisse',
      expect.stringMatching(/^Heading3 /),
    ];
    expect(wordHeadings).toEqual([
      'Title Austauschtreffen',
      ...wordPart('Termin 1: Mittwoch, 18. November 2026'),
      ...wordPart('Termin 2: Mittwoch, 20. Januar 2027'),
      'Heading1 Teilnehmendenliste',
    ]);

    // The ZIP packs the series document in every format under the series' file name.
    const zip = unzipSync(new Uint8Array(await (await get('format=zip&date=all')).arrayBuffer()));
    expect(strFromU8(zip['austauschtreffen-2026-11-18-2027-01-20.md']!)).toBe(series);
    expect(zip['austauschtreffen-2026-11-18-2027-01-20.docx']?.length ?? 0).toBeGreaterThan(0);

    // HTML: one h2 per date, ids kept unique.
    const html = await (await get('format=html&date=all')).text();
    expect(html.match(/<h2>Termin \d: [^<]+<\/h2>/g)).toEqual(['<h2>Termin 1: Mittwoch, 18. November 2026</h2>', '<h2>Termin 2: Mittwoch, 20. Januar 2027</h2>']);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(ids).size).toBe(ids.length);

    // One date alone and the default (current date) are documents of one date, as before.
    const single = await (await get(`format=markdown&date=${firstId}`)).text();
    const current = await (await get('format=markdown')).text();
    for (const [doc, own, other] of [
      [single, first, second],
      [current, second, first],
    ] as const) {
      expect(doc).not.toContain('Termin 1');
      expect(doc).not.toContain('**Termine:**');
      expect(headings(doc)).toEqual([
        '# Austauschtreffen',
        '## Ablauf',
        '## Umfrageergebnisse',
        `### ${own.question}`,
        '## Kleingruppen',
        '### Kleingruppen',
        '#### Raum A',
        '##### Notizen',
        '## Ergebnisse',
        expect.stringMatching(/^### /),
        '## Teilnehmendenliste',
      ]);
      for (const text of Object.values(own)) expect(doc).toContain(text);
      for (const text of Object.values(other)) expect(doc).not.toContain(text);
    }
    // The one-date document's sections are the series part of that date, one level higher.
    const lift = (lines: string[]) => lines.map((line) => line.slice(1));
    expect(lift(headings(firstPart))).toEqual(headings(single).slice(1, -1));
    expect(lift(headings(secondPart))).toEqual(headings(current).slice(1, -1));

    // The plenary's notes belong to the workshop, not to a date (moving on keeps them): they are
    // documented with the current date only, and next steps once after every part.
    const plenary = harness.collab(server, okData(await moderator.call('notes:token', { roomId: 'plenary' })));
    await waitFor(() => plenary.provider.synced, 'plenary notes open');
    writeParagraph(plenary.doc, 'Plenum: Kalender wird geteilt');
    const plenaryUrl = `${server.baseUrl}/api/workshops/${workshop.id}/notes/plenary?format=markdown`;
    await waitFor(async () => (await (await fetch(plenaryUrl, { headers: auth(workshop.keys.moderator) })).text()).includes('Kalender wird geteilt'), 'plenary notes stored');
    okData(await moderator.call('documentation:update', { nextSteps: '- Nächster Termin im März' }));
    const withPlenary = await (await get('format=markdown&date=all')).text();
    const [beforeSecond, afterSecond] = withPlenary.split('## Termin 2:');
    expect(beforeSecond).not.toContain('Plenum');
    expect(headings(afterSecond!)).toEqual(expect.arrayContaining(['### Plenum', '#### Notizen']));
    expect(afterSecond).toContain('Plenum: Kalender wird geteilt');
    expect(headings(withPlenary).slice(-2)).toEqual(['## Wie geht es weiter', '## Teilnehmendenliste']);
    expect(await (await get(`format=markdown&date=${firstId}`)).text()).not.toContain('Kalender wird geteilt');
    const currentWithPlenary = await (await get('format=markdown')).text();
    expect(headings(currentWithPlenary).indexOf('## Plenum')).toBe(headings(currentWithPlenary).indexOf('## Ergebnisse') - 2);
    expect(currentWithPlenary).toContain('Plenum: Kalender wird geteilt');
  });
});
