import { describe, expect, it } from 'vitest';
import type { Poll } from '@werkraum/shared/protocol';
import { sanitizeFileName, safeContentType } from '../domain/documentation.js';
import { countResults } from '../domain/polls.js';
import type { AgendaRecord, PersonRecord, WorkshopRecord } from '../store/types.js';
import { strFromU8, unzipSync } from 'fflate';
import { renderDocx } from './docx.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildDocumentationModel, buildSeriesDocumentationModel, formatWhen, parseNextSteps, slugify, type DocumentationInput, type RichText } from './model.js';

const where = { timeZone: 'Europe/Berlin', startsAt: '2024-11-20T14:00:00+01:00' };
const at = (iso: string) => Date.parse(iso);

describe('dates, times and names as people write them', () => {
  it('writes the date and span in German and English, the period once when both times share it', () => {
    expect(formatWhen(at('2024-11-20T13:00:00Z'), at('2024-11-20T15:00:00Z'), where, 'de')).toBe('Mittwoch, 20. November 2024, 14:00–16:00 Uhr');
    expect(formatWhen(at('2024-11-20T13:00:00Z'), at('2024-11-20T15:00:00Z'), where, 'en')).toBe('Wednesday, 20 November 2024, 2:00–4:00 pm');
    expect(formatWhen(at('2024-11-20T10:30:00Z'), at('2024-11-20T12:00:00Z'), where, 'en')).toBe('Wednesday, 20 November 2024, 11:30 am–1:00 pm');
    // Without a zone name, the offset written in the start counts.
    expect(formatWhen(at('2024-07-01T07:00:00Z'), null, { timeZone: null, startsAt: '2024-07-01T09:00:00+02:00' }, 'de')).toBe('Montag, 1. Juli 2024, 09:00 Uhr');
  });

  it('makes file names from titles with umlauts transliterated, and sanitises uploaded names', () => {
    expect(slugify('Austauschtreffen')).toBe('austauschtreffen');
    expect(slugify('Größe & Öffnung: Über Straßen!')).toBe('groesse-oeffnung-ueber-strassen');
    expect(slugify('   ')).toBe('workshop');
    expect(sanitizeFileName('C:\\Users\\x\\Ablauf.pdf')).toBe('Ablauf.pdf');
    expect(sanitizeFileName('..')).toBe('file');
    expect(sanitizeFileName('a\u202egpj.exe')).toBe('agpj.exe');
    expect(sanitizeFileName(`${'x'.repeat(300)}.pdf`)).toHaveLength(200);
    expect(sanitizeFileName(`${'x'.repeat(300)}.pdf`).endsWith('.pdf')).toBe(true);
    expect(safeContentType('text/html; charset=utf-8')).toBe('application/octet-stream');
    expect(safeContentType('image/png')).toBe('image/png');
  });
});

describe('buildDocumentationModel', () => {
  const workshop: WorkshopRecord = {
    id: 'w1', title: 'Werkstatt', startsAt: '2024-11-20T14:00:00+01:00', timeZone: 'Europe/Berlin', language: 'de',
    description: '', moderatorNames: 'Mara', coModeratorNames: '', createdAt: '', linkSecretHashes: { moderator: '', coModerator: '', participant: '' },
  };
  const person = (id: string, listed: boolean): PersonRecord => ({ id, workshopId: 'w1', displayName: `Name ${id}`, role: 'participant', listInDocumentation: listed, tokenHash: id, joinedAt: '', removedAt: null });
  const scale: Poll = {
    id: 's', blockId: null, question: 'Wie zufrieden?', type: 'scale', options: [], maxChoices: null, scale: { min: 1, max: 5, minLabel: 'gar nicht', maxLabel: 'sehr' },
    anonymous: false, resultsVisibility: 'live', allowChange: true, status: 'closed', published: true, openedAt: 0, closedAt: 0,
  };
  const yesNo: Poll = { ...scale, id: 'y', question: 'Weiter so?', type: 'yesNo', scale: null, options: ['yes', 'no', 'abstain'].map((id) => ({ id, label: id })) };
  const draft: Poll = { ...yesNo, id: 'd', question: 'Entwurf', status: 'draft' };
  const start = at('2024-11-20T13:00:00Z');
  const agenda: AgendaRecord = {
    workshopId: 'w1', version: 1, warningThresholds: [],
    blocks: [
      { id: 'a', title: 'Ankommen', type: 'arrival', plannedMinutes: 10, description: '', moderationNotes: 'geheim' },
      { id: 'b', title: 'Übersprungen', type: 'input', plannedMinutes: 10, description: '', moderationNotes: '' },
      { id: 'c', title: 'Abschluss', type: 'closing', plannedMinutes: 10, description: '', moderationNotes: '' },
    ],
    run: {
      status: 'ended', timer: null,
      actuals: [{ blockId: 'a', startedAt: start, endedAt: start + 12 * 60_000 }, { blockId: 'c', startedAt: start + 12 * 60_000, endedAt: start + 22 * 60_000 }],
      log: [{ at: start, blockId: 'a', kind: 'start' }, { at: start + 60_000, blockId: 'a', kind: 'extend', deltaMs: 120_000 }],
    },
  };
  const input = (): DocumentationInput => ({
    workshop, agenda, people: [person('p1', true), person('p2', false)],
    polls: [
      { poll: scale, results: countResults(scale, [{ personId: 'p1', answer: { value: 4 } }, { personId: 'p2', answer: { value: 5 } }], true) },
      { poll: yesNo, results: countResults(yesNo, [{ personId: 'p2', answer: { optionIds: ['no'] } }], true) },
      { poll: draft, results: countResults(draft, [], true) },
    ],
    rounds: [], rooms: {}, summary: null, compiledBy: '', nextSteps: '', plenary: null, attachments: [], findings: null, attachmentBaseUrl: '/', now: start + 3600_000,
  });

  it('lists scale counts with the mean, yes/no in the document language, no drafts, and never who answered what', () => {
    const model = buildDocumentationModel(input(), { language: 'en', excluded: [] });
    expect(model.polls?.map((poll) => poll.question)).toEqual(['Wie zufrieden?', 'Weiter so?']);
    expect(model.polls?.[0]).toMatchObject({ mean: 4.5, participants: 2 });
    expect(model.polls?.[0]?.rows.map((row) => `${row.label}:${row.count}:${row.percent}`)).toEqual(['1:0:0', '2:0:0', '3:0:0', '4:1:50', '5:1:50']);
    expect(model.polls?.[1]?.rows.map((row) => row.label)).toEqual(['Yes', 'No', 'Abstain']);
    expect(JSON.stringify(model)).not.toContain('p2');
    expect(JSON.stringify(model)).not.toContain('Name p2');
  });

  it('marks skipped and extended blocks, leaves out moderation notes, and ends at the actual end', () => {
    const model = buildDocumentationModel(input(), { language: 'de', excluded: ['polls'] });
    expect(model.agenda?.rows.map((row) => [row.title, row.actualStart, row.actualEnd, row.changes.join(', ')])).toEqual([
      ['Ankommen', '14:00', '14:12', 'um 2 Min. verlängert'],
      ['Übersprungen', null, null, 'übersprungen'],
      ['Abschluss', '14:12', '14:22', ''],
    ]);
    expect(model.agenda?.actualEnd).toBe('14:22');
    expect(model.titleBlock.when).toBe('Mittwoch, 20. November 2024, 14:00–14:22 Uhr');
    expect(model.polls).toBeNull();
    const md = renderMarkdown(model);
    expect(md).not.toContain('geheim');
    expect(md).toContain('- Name p1');
    expect(md).not.toContain('Name p2');
  });

  it('documents a series: every date listed (the one to come as planned), a part per held date, excluded sections left out of every part', () => {
    const later = at('2025-01-15T13:00:00Z');
    const second: DocumentationInput = {
      ...input(),
      workshop: { ...workshop, startsAt: '2025-01-15T13:00:00.000Z' },
      agenda: { ...agenda, run: { status: 'notStarted', timer: null, actuals: [], log: [] } },
      polls: [],
      now: later - 3600_000,
    };
    const model = buildSeriesDocumentationModel(
      [
        { number: 1, startsAt: workshop.startsAt, input: input() },
        { number: 2, startsAt: second.workshop.startsAt, input: second },
        { number: 3, startsAt: '2025-02-12T13:00:00.000Z', input: null },
      ],
      { language: 'en', excluded: ['agenda'] },
    );
    expect(model.fileBase).toBe('werkstatt-2024-11-20-2025-01-15');
    expect(model.titleBlock.when).toBe('Wednesday, 20 November 2024 – Wednesday, 15 January 2025');
    expect(model.series?.dates).toEqual([
      { label: 'Date 1', when: 'Wednesday, 20 November 2024, 2:00–2:22 pm', upcoming: false },
      { label: 'Date 2', when: 'Wednesday, 15 January 2025, 2:00–2:30 pm', upcoming: false },
      { label: 'Date 3', when: 'Wednesday, 12 February 2025, 2:00 pm (planned)', upcoming: true },
    ]);
    expect(model.series?.parts.map((part) => [part.heading, part.agenda, part.polls?.length ?? 0])).toEqual([
      ['Date 1: Wednesday, 20 November 2024', null, 2],
      ['Date 2: Wednesday, 15 January 2025', null, 0],
    ]);
    expect([model.agenda, model.polls, model.breakouts, model.findings]).toEqual([null, null, null, null]);
    expect(model.participants).toEqual([{ name: 'Name p1', organisation: '' }]);
    const md = renderMarkdown(model);
    expect(md.split('\n').filter((line) => line.startsWith('#'))).toEqual([
      '# Werkstatt',
      '## Date 1: Wednesday, 20 November 2024',
      '### Poll results',
      '#### Wie zufrieden?',
      '#### Weiter so?',
      '## Date 2: Wednesday, 15 January 2025',
      '## Participants',
    ]);
  });
  const plenaryNotes: RichText = {
    markdown: 'Vereinbart: Treffen alle drei Monate.\n\n## Offene Fragen\n\n- Wer lädt ein?',
    html: '<p>Vereinbart: Treffen alle drei Monate.</p><h2>Offene Fragen</h2><ul><li><p>Wer lädt ein?</p></li></ul>',
    doc: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Vereinbart: Treffen alle drei Monate.' }] }] },
  };
  const withNextAndPlenary = (): DocumentationInput => ({
    ...input(),
    findings: { items: [{ title: 'Vernetzung stärken' }] },
    nextSteps: 'Nächstes Treffen im März.\nEinladung folgt.\n\n- Themen an anne.melzig@lwl.org\n- Protokoll bis Freitag\n\n---\n# keine Überschrift\n<script>alert(1)</script> **kein fett**',
    plenary: { notes: plenaryNotes, board: { outline: '## Ideen\n\n- Stadtfest', png: null, svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' } },
  });

  it('splits the next steps into paragraphs and lists: blank lines separate, "- " lines are items', () => {
    expect(parseNextSteps('Erstens\nzweite Zeile\n- a\n-  b\nDanach\r\n\r\n\n- c\n\n   \n')).toEqual([
      { kind: 'paragraph', lines: ['Erstens', 'zweite Zeile'] },
      { kind: 'list', items: ['a', 'b'] },
      { kind: 'paragraph', lines: ['Danach'] },
      { kind: 'list', items: ['c'] },
    ]);
    expect(parseNextSteps('  \n\n ')).toEqual([]);
    expect(parseNextSteps('-kein Punkt')).toEqual([{ kind: 'paragraph', lines: ['-kein Punkt'] }]);
  });

  it('places the plenary after the rooms and the next steps after the findings, typed text never becoming markup', async () => {
    const model = buildDocumentationModel(withNextAndPlenary(), { language: 'de', excluded: ['polls', 'agenda', 'participants'] });
    expect(model.plenary).toMatchObject({ id: 'plenary', notes: plenaryNotes });
    expect(model.nextSteps?.map((block) => block.kind)).toEqual(['paragraph', 'list', 'paragraph']);
    const md = renderMarkdown(model);
    expect(md.split('\n').filter((line) => /^#{1,6} /.test(line))).toEqual([
      '# Werkstatt',
      '## Plenum',
      '### Notizen',
      '##### Offene Fragen',
      '### Pinnwand',
      '##### Ideen',
      '## Ergebnisse',
      '### Vernetzung stärken',
      '## Wie geht es weiter',
    ]);
    expect(md).toContain('## Wie geht es weiter\n\nNächstes Treffen im März.  \nEinladung folgt.\n\n- Themen an anne.melzig@lwl.org\n- Protokoll bis Freitag\n\n');
    expect(md).toContain('\\---');
    expect(md).toContain('\\# keine Überschrift');
    expect(md).toContain('\\<script\\>');
    expect(md).toContain('\\*\\*kein fett\\*\\*');

    const html = renderHtml(model);
    expect(html).toMatch(/<section id="plenary"><h2>Plenum<\/h2>\s*<h3>Notizen<\/h3>/);
    expect(html).toContain('<h5>Offene Fragen</h5>');
    expect(html).toContain('<section id="nextSteps"><h2>Wie geht es weiter</h2><p>Nächstes Treffen im März.<br>Einladung folgt.</p><ul><li>Themen an anne.melzig@lwl.org</li><li>Protokoll bis Freitag</li></ul>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).not.toMatch(/<script/i);
    expect(html.indexOf('id="plenary"')).toBeLessThan(html.indexOf('id="findings"'));
    expect(html.indexOf('id="findings"')).toBeLessThan(html.indexOf('id="nextSteps"'));

    // DOCX: both sections under real heading styles, the typed text as text.
    const xml = strFromU8(unzipSync(await renderDocx(model))['word/document.xml']!);
    expect(xml).toMatch(/<w:pStyle w:val="Heading1"\/>(?:(?!<w:p>).)*?<w:t[^>]*>Plenum<\/w:t>/s);
    expect(xml).toMatch(/<w:pStyle w:val="Heading1"\/>(?:(?!<w:p>).)*?<w:t[^>]*>Wie geht es weiter<\/w:t>/s);
    expect(xml).toContain('Protokoll bis Freitag');
    expect(xml).toContain('&lt;script&gt;');
    expect(xml.indexOf('>Plenum<')).toBeLessThan(xml.indexOf('>Wie geht es weiter<'));
  });

  it('leaves the plenary and the next steps out on request, and when they are empty', () => {
    const excluded = buildDocumentationModel(withNextAndPlenary(), { language: 'en', excluded: ['plenary', 'nextSteps'] });
    expect([excluded.plenary, excluded.nextSteps]).toEqual([null, null]);
    const md = renderMarkdown(excluded);
    expect(md).not.toContain('Plenary');
    expect(md).not.toContain('Next steps');
    expect(md).not.toContain('Stadtfest');

    const empty = buildDocumentationModel({ ...input(), nextSteps: ' \n\n ', plenary: { notes: null, board: null } }, { language: 'en', excluded: [] });
    expect([empty.plenary, empty.nextSteps]).toEqual([null, null]);
    const english = renderMarkdown(buildDocumentationModel(withNextAndPlenary(), { language: 'en', excluded: [] }));
    expect(english).toContain('## Plenary');
    expect(english).toContain('## Next steps');
  });

  it('documents the plenary of a series with the date that carries it, and the next steps once after every date', () => {
    const model = buildSeriesDocumentationModel(
      [
        { number: 1, startsAt: workshop.startsAt, input: { ...input(), nextSteps: 'Alt' } },
        { number: 2, startsAt: workshop.startsAt, input: withNextAndPlenary() },
      ],
      { language: 'de', excluded: ['agenda', 'polls', 'participants'] },
    );
    expect(model.plenary).toBeNull();
    expect(model.series?.parts.map((part) => part.plenary?.id ?? null)).toEqual([null, 'plenary']);
    const headings = renderMarkdown(model).split('\n').filter((line) => /^#{1,3} /.test(line));
    expect(headings.slice(-4)).toEqual([headings.find((line) => line.startsWith('## Termin 2')), '### Plenum', '### Ergebnisse', '## Wie geht es weiter']);
    expect(headings.at(-4)).toBeDefined();
    expect(renderMarkdown(model)).not.toContain('Alt');
  });
});
