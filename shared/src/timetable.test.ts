import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  formatTimetableMarkdown,
  formatTimetableText,
  guessBlockType,
  parseTimetable,
} from './timetable.js';
import type { ParsedAgendaBlock, TimetableError, TimetableResult } from './timetable.js';

const seed003 = readFileSync(new URL('./fixtures/seed003-agenda.txt', import.meta.url), 'utf8');

/** The blocks of a successful parse; fails the test with the errors otherwise. */
function blocksOf(result: TimetableResult): ParsedAgendaBlock[] {
  if (!result.ok) throw new Error(`expected ok, got errors: ${JSON.stringify(result.errors)}`);
  return result.blocks;
}

/** The errors of a failed parse; fails the test otherwise (and checks no blocks leak out). */
function errorsOf(result: TimetableResult): TimetableError[] {
  if (result.ok) throw new Error(`expected errors, got blocks: ${JSON.stringify(result.blocks)}`);
  expect(result).not.toHaveProperty('blocks');
  return result.errors;
}

/** start, end and title of each block, for compact assertions. */
function summary(result: TimetableResult): string[] {
  return blocksOf(result).map((b) => `${b.start}-${b.end} ${b.title}`);
}

function codes(result: TimetableResult): Array<[number, string]> {
  return errorsOf(result).map((e) => [e.line, e.code]);
}

describe('parseTimetable: seed 003 ("Ablauf des Treffens")', () => {
  it('reads exactly its 11 blocks', () => {
    expect(blocksOf(parseTimetable(seed003))).toEqual([
      {
        title: 'Ankommen',
        description: '',
        type: 'arrival',
        start: '14:00',
        end: '14:05',
        durationMinutes: 5,
        gapBeforeMinutes: 0,
        line: 1,
      },
      {
        title: 'Begrüßung, Vorstellung des Formats, Rückblick auf das erste Treffen, Vorstellung des Themas',
        description: '',
        type: 'arrival',
        start: '14:05',
        end: '14:10',
        durationMinutes: 5,
        gapBeforeMinutes: 0,
        line: 5,
      },
      {
        title: 'Kurze Umfrage',
        description: '',
        type: 'poll',
        start: '14:10',
        end: '14:15',
        durationMinutes: 5,
        gapBeforeMinutes: 0,
        line: 9,
      },
      {
        title: 'Input durch Anne Melzig: Engagement vor Ort gemeinsam gestalten',
        description: '',
        type: 'input',
        start: '14:15',
        end: '14:20',
        durationMinutes: 5,
        gapBeforeMinutes: 0,
        line: 13,
      },
      {
        title:
          'Praxisinput durch Stephanie Krause (Landesarbeitsgemeinschaft der Freiwilligenagenturen in Nordrhein-Westfalen) und Jan-Christoph Tonigs (Stadtkultur Rheine)',
        description: '',
        type: 'input',
        start: '14:20',
        end: '14:35',
        durationMinutes: 15,
        gapBeforeMinutes: 0,
        line: 17,
      },
      {
        title: 'Fragen und Austausch zum Praxisbeispiel',
        description: '',
        type: 'discussion',
        start: '14:35',
        end: '14:45',
        durationMinutes: 10,
        gapBeforeMinutes: 0,
        line: 21,
      },
      {
        title: 'Breakout-Session Runde 1: Bestehende lokale Netzwerke und informelle Vernetzung',
        description: '',
        type: 'breakout',
        start: '14:45',
        end: '15:05',
        durationMinutes: 20,
        gapBeforeMinutes: 0,
        line: 25,
      },
      {
        title: 'Einordnen der Ergebnisse aus Breakout-Session Runde 1',
        description: '',
        type: 'discussion',
        start: '15:05',
        end: '15:10',
        durationMinutes: 5,
        gapBeforeMinutes: 0,
        line: 29,
      },
      {
        title: 'Breakout-Session Runde 2: Weiterentwicklung und Herausforderungen von Netzwerken',
        description: 'Freier Austausch zu Erfahrungen, Zielen und Herausforderungen bei der lokalen Vernetzung',
        type: 'breakout',
        start: '15:10',
        end: '15:35',
        durationMinutes: 25,
        gapBeforeMinutes: 0,
        line: 33,
      },
      {
        title: 'Abschlussrunde: Zusammenführung der wichtigsten Erkenntnisse aus den Breakouts',
        description: '',
        type: 'closing',
        start: '15:35',
        end: '15:55',
        durationMinutes: 20,
        gapBeforeMinutes: 0,
        line: 38,
      },
      {
        title: 'Abschluss und Verabschiedung',
        description: '',
        type: 'closing',
        start: '15:55',
        end: '16:00',
        durationMinutes: 5,
        gapBeforeMinutes: 0,
        line: 46,
      },
    ]);
  });

  it('reads the same blocks with Windows line endings', () => {
    const crlf = seed003.replace(/\n/g, '\r\n');
    expect(blocksOf(parseTimetable(crlf))).toEqual(blocksOf(parseTimetable(seed003)));
  });

  it('reports the line "Ablauf des Treffens:" above the table as unreadable', () => {
    const result = parseTimetable(`Ablauf des Treffens:\n\n${seed003}`);
    expect(errorsOf(result)).toEqual([
      {
        line: 1,
        text: 'Ablauf des Treffens:',
        code: 'unreadable_line',
        message: 'Line 1 comes before the first time and is not a time line.',
      },
    ]);
  });
});

describe('parseTimetable: page headers and footers pasted with the text', () => {
  const seed003Text = readFileSync(new URL('./fixtures/seed003-pasted.txt', import.meta.url), 'utf8');
  const FOOTER = ['„Kultur in Westfalen“ wird gefördert vom:', 'Ministerium für', 'Kultur und Wissenschaft', 'des Landes Nordrhein-Westfalen'];

  it('leaves out the PDF footer repeated between a time range and its title, and reports it', () => {
    const result = parseTimetable(seed003Text);
    const blocks = blocksOf(result);
    expect(blocks).toHaveLength(11);
    expect(blocks.map((b) => b.title)).not.toContain('„Kultur in Westfalen“ wird gefördert vom:');
    const round = blocks.find((b) => b.start === '15:35')!;
    expect(round).toMatchObject({
      end: '15:55',
      title: 'Abschlussrunde: Zusammenführung der wichtigsten Erkenntnisse aus den Breakouts',
      description: '',
      type: 'closing',
    });
    expect(blocks.at(-1)).toMatchObject({ start: '15:55', end: '16:00', title: 'Abschluss und Verabschiedung', description: '' });
    // Both occurrences of the footer, every line once.
    expect(result.omitted.map((line) => line.text)).toEqual([...FOOTER, ...FOOTER]);
    expect(result.omitted.every((line) => line.reason === 'repeated')).toBe(true);
    const lines = seed003Text.split('\n');
    for (const line of result.omitted) expect(lines[line.line - 1]!.trim()).toBe(line.text);
  });

  it('reads the same blocks as the clean time table', () => {
    const clean = blocksOf(parseTimetable(seed003)).map((b) => [b.start, b.end, b.title, b.description, b.type]);
    expect(blocksOf(parseTimetable(seed003Text)).map((b) => [b.start, b.end, b.title, b.description, b.type])).toEqual(clean);
  });

  it('leaves out a one-line footer that also ends the text', () => {
    const footer = 'Gefördert vom Ministerium für Kultur und Wissenschaft des Landes NRW';
    const result = parseTimetable(`14:00-14:30\n${footer}\nPlenum\n14:30-15:00 Pause\n${footer}`);
    expect(summary(result)).toEqual(['14:00-14:30 Plenum', '14:30-15:00 Pause']);
    expect(result.omitted.map((line) => line.line)).toEqual([2, 5]);
  });

  it('keeps blocks that repeat their own title and description', () => {
    const result = parseTimetable('10:00-10:15\nKaffeepause\nIm Foyer\n10:15-11:00 Input\n11:00-11:15\nKaffeepause\nIm Foyer\n11:15-12:00 Austausch');
    expect(summary(result)).toEqual(['10:00-10:15 Kaffeepause', '10:15-11:00 Input', '11:00-11:15 Kaffeepause', '11:15-12:00 Austausch']);
    expect(blocksOf(result)[2]!.description).toBe('Im Foyer');
    expect(result.omitted).toEqual([]);
  });

  it('keeps a single repeated line inside the text (the same task in two rounds)', () => {
    const task = 'Freier Austausch zu Erfahrungen und Zielen';
    const result = parseTimetable(`14:00-14:30 Runde 1\n${task}\n14:30-15:00 Runde 2\n${task}\n15:00-15:10 Abschluss`);
    expect(blocksOf(result).map((b) => b.description)).toEqual([task, task, '']);
    expect(result.omitted).toEqual([]);
  });
});

describe('parseTimetable: forms', () => {
  it('reads the one-line form with description lines below', () => {
    const blocks = blocksOf(
      parseTimetable('14:00-14:05 Ankommen\nKamera an, Ton aus\nBitte umbenennen\n14:05-14:30 Impulsvortrag'),
    );
    expect(blocks).toEqual([
      {
        title: 'Ankommen',
        description: 'Kamera an, Ton aus\nBitte umbenennen',
        type: 'arrival',
        start: '14:00',
        end: '14:05',
        durationMinutes: 5,
        gapBeforeMinutes: 0,
        line: 1,
      },
      {
        title: 'Impulsvortrag',
        description: '',
        type: 'input',
        start: '14:05',
        end: '14:30',
        durationMinutes: 25,
        gapBeforeMinutes: 0,
        line: 4,
      },
    ]);
  });

  it('reads the title on the line after the times, skipping blank lines, and further lines as description', () => {
    const blocks = blocksOf(parseTimetable('14:00-14:30\n\n\nPlenum\n\nErste Zeile\n\nZweite Zeile\n'));
    expect(blocks.map((b) => [b.title, b.description, b.line])).toEqual([
      ['Plenum', 'Erste Zeile\nZweite Zeile', 1],
    ]);
  });

  it.each([
    ['14:00-14:05 Ankommen'],
    ['14:00–14:05 Ankommen'],
    ['14:00—14:05 Ankommen'],
    ['14:00 – 14:05 Ankommen'],
    ['14:00 - 14:05 Uhr Ankommen'],
    ['14:00 Uhr - 14:05 Uhr Ankommen'],
    ['14.00-14.05 Uhr Ankommen'],
    ['14.00 bis 14.05 Uhr: Ankommen'],
    ['14:00bis14:05 Ankommen'],
    ['14:00 h – 14:05 h | Ankommen'],
    ['14 - 14:05 Uhr Ankommen'],
    ['- 14:00-14:05 Ankommen'],
    ['• 14:00–14:05 Ankommen'],
    ['•14:00–14:05 Ankommen'],
    ['\t14:00\t-\t14:05\tAnkommen\t'],
    ['\u00a014:00\u00a0–\u00a014:05\u00a0Ankommen'],
    ['14:00-14:05\nAnkommen'],
    ['14:00-14:05 Uhr\n\n- Ankommen'],
    ['14:00 to 14:05: Ankommen'],
  ])('reads %j as 14:00-14:05 Ankommen', (text) => {
    expect(summary(parseTimetable(text))).toEqual(['14:00-14:05 Ankommen']);
  });

  it('reads whole hours written with "Uhr"', () => {
    expect(summary(parseTimetable('14 - 15 Uhr Plenum\n15 Uhr Pause\n15:30-16 Uhr Ende'))).toEqual([
      '14:00-15:00 Plenum',
      '15:00-15:30 Pause',
      '15:30-16:00 Ende',
    ]);
  });

  it('reads single-digit hours', () => {
    expect(summary(parseTimetable('9:00-9:30 Ankommen\n9.30 - 10.15 Vortrag'))).toEqual([
      '09:00-09:30 Ankommen',
      '09:30-10:15 Vortrag',
    ]);
  });

  it('reads mixed forms in one text, with gaps', () => {
    const blocks = blocksOf(
      parseTimetable(
        [
          '- 14:00–14:05 Uhr Ankommen',
          '',
          '14.05 - 14.30',
          'Impuls: Was ist ein Netzwerk?',
          'Mit Folien',
          '2:45 pm - 3:15 pm Breakout rooms',
          '15:15 Kaffeepause',
          '15:30 bis 16:00',
          '',
          'Wrap-up',
        ].join('\r\n'),
      ),
    );
    expect(blocks.map((b) => [b.start, b.end, b.title, b.description, b.type, b.durationMinutes, b.gapBeforeMinutes, b.line])).toEqual([
      ['14:00', '14:05', 'Ankommen', '', 'arrival', 5, 0, 1],
      ['14:05', '14:30', 'Impuls: Was ist ein Netzwerk?', 'Mit Folien', 'input', 25, 0, 3],
      ['14:45', '15:15', 'Breakout rooms', '', 'breakout', 30, 15, 6],
      ['15:15', '15:30', 'Kaffeepause', '', 'break', 15, 0, 7],
      ['15:30', '16:00', 'Wrap-up', '', 'closing', 30, 0, 8],
    ]);
  });

  it('keeps bullets on description lines but strips them from titles', () => {
    const blocks = blocksOf(parseTimetable('14:00-15:00\n• Gruppenarbeit\n- Gruppe A: Raum 1\n- Gruppe B: Raum 2'));
    expect(blocks.map((b) => [b.title, b.description, b.type])).toEqual([
      ['Gruppenarbeit', '- Gruppe A: Raum 1\n- Gruppe B: Raum 2', 'breakout'],
    ]);
  });

  it('reports a time with hours > 23 or minutes > 59 instead of taking it for text', () => {
    const result = parseTimetable('14:00-14:30 Plenum\n24:00-25:00 kein Block\n14:60 auch keiner\n14:30-14:65 Text\n25 Uhr Party\n14.75 Uhr Input');
    expect(codes(result)).toEqual([
      [2, 'unreadable_time'],
      [3, 'unreadable_time'],
      [4, 'unreadable_time'],
      [5, 'unreadable_time'],
      [6, 'unreadable_time'],
    ]);
  });

  it('reads German dot times as times: "14.20 Uhr Input" is 14:20', () => {
    expect(summary(parseTimetable('14.00 Uhr Begrüßung\n14.20 Uhr Input\n15.00 - 15.30 Uhr Diskussion'))).toEqual([
      '14:00-14:20 Begrüßung',
      '14:20-15:00 Input',
      '15:00-15:30 Diskussion',
    ]);
    expect(summary(parseTimetable('14:00-14:20 Start\n14.20 Uhr Input\n14.40-15.00 Ende'))).toEqual([
      '14:00-14:20 Start',
      '14:20-14:40 Input',
      '14:40-15:00 Ende',
    ]);
    expect(summary(parseTimetable('• 14.20 Uhr: Input\n14.50 h Pause\n15.00-15.10 Uhr Ende'))).toEqual([
      '14:20-14:50 Input',
      '14:50-15:00 Pause',
      '15:00-15:10 Ende',
    ]);
  });

  it('does not read a date with a trailing dot as a time ("12.11. Nachtreffen")', () => {
    const blocks = blocksOf(parseTimetable('14:00-16:00 Plenum\n12.11. Nachtreffen\n03.12. Abschlusstreffen'));
    expect(blocks.map((b) => b.description)).toEqual(['12.11. Nachtreffen\n03.12. Abschlusstreffen']);
  });

  it('does not read dates, decimals, numbers or durations as times', () => {
    const description = ['20.11.2024 per Zoom', '1.5 Stunden', '10.000 Besucher', '2 h Pause', '3 - 4 Personen', '2. Runde'];
    const blocks = blocksOf(parseTimetable(['14:00-16:00 Plenum', ...description].join('\n')));
    expect(blocks.map((b) => b.description)).toEqual([description.join('\n')]);
  });

  it('reads a bare number after a dash as part of the title', () => {
    expect(summary(parseTimetable('14:00 - 99 Luftballons\n15:00-15:30 Pause'))).toEqual([
      '14:00-15:00 99 Luftballons',
      '15:00-15:30 Pause',
    ]);
  });
});

describe('parseTimetable: 12-hour clock', () => {
  it.each([
    ['2:00 pm - 2:05 pm Welcome', '14:00-14:05 Welcome'],
    ['2:00pm–2:05pm Welcome', '14:00-14:05 Welcome'],
    ['2 pm - 2:30 pm Welcome', '14:00-14:30 Welcome'],
    ['2 PM to 3 PM Welcome', '14:00-15:00 Welcome'],
    ['2 p.m. - 2:30 p.m. Welcome', '14:00-14:30 Welcome'],
    ['11:30 am - 12:15 pm Welcome', '11:30-12:15 Welcome'],
    ['12 pm - 1 pm Lunch', '12:00-13:00 Lunch'],
    ['12:00 pm - 12:30 pm Lunch', '12:00-12:30 Lunch'],
    ['12:00 am - 12:30 am Night owls', '00:00-00:30 Night owls'],
    ['12 am - 1 am Night owls', '00:00-01:00 Night owls'],
    ['11 pm - 11:59 pm Late', '23:00-23:59 Late'],
    ['9 am - 10 am Early', '09:00-10:00 Early'],
    // only one end with am/pm: the other end takes the same, or the other half of the day if that is needed
    ['2:00 - 2:30 pm Welcome', '14:00-14:30 Welcome'],
    ['11:30 - 12:15 pm Welcome', '11:30-12:15 Welcome'],
    ['2 - 3 pm Welcome', '14:00-15:00 Welcome'],
    ['11:30 am - 12:15 Welcome', '11:30-12:15 Welcome'],
    ['10:00 am - 11:00 Welcome', '10:00-11:00 Welcome'],
  ])('reads %j', (line, expected) => {
    expect(summary(parseTimetable(line))).toEqual([expected]);
  });

  it('reads start-only 12-hour times', () => {
    expect(summary(parseTimetable('1 pm Arrival\n1:15 pm Keynote\n2:00 pm - 2:30 pm Q&A'))).toEqual([
      '13:00-13:15 Arrival',
      '13:15-14:00 Keynote',
      '14:00-14:30 Q&A',
    ]);
  });

  it('reads the German word "am" after a 24-hour time as part of the title', () => {
    expect(summary(parseTimetable('14:00 am Eingang\n14:30-15:00 Pause'))).toEqual([
      '14:00-14:30 am Eingang',
      '14:30-15:00 Pause',
    ]);
  });
});

describe('parseTimetable: start times only', () => {
  it('ends each block where the next starts', () => {
    const blocks = blocksOf(parseTimetable('14:00 Ankommen\n14:10 Uhr Input\nmit Folien\n14:40 Pause\n14:50-15:00 Abschluss'));
    expect(blocks.map((b) => [b.start, b.end, b.title, b.description, b.durationMinutes, b.gapBeforeMinutes])).toEqual([
      ['14:00', '14:10', 'Ankommen', '', 10, 0],
      ['14:10', '14:40', 'Input', 'mit Folien', 30, 0],
      ['14:40', '14:50', 'Pause', '', 10, 0],
      ['14:50', '15:00', 'Abschluss', '', 10, 0],
    ]);
  });

  it('reads a start time with the title on the next line or after a dash', () => {
    expect(summary(parseTimetable('14:00\nAnkommen\n14:10 – Input\n14:30 Uhr: Pause\n14:45-15:00 Ende'))).toEqual([
      '14:00-14:10 Ankommen',
      '14:10-14:30 Input',
      '14:30-14:45 Pause',
      '14:45-15:00 Ende',
    ]);
  });

  it('reports a last block without an end as missing_end', () => {
    const errors = errorsOf(parseTimetable('14:00 Ankommen\n14:10 Input'));
    expect(errors).toEqual([
      { line: 2, text: '14:10 Input', code: 'missing_end', message: 'Line 2: the last block has no end time.' },
    ]);
  });

  it('reports a start-only block followed by an earlier or equal start as overlap on the later line', () => {
    expect(codes(parseTimetable('14:00 Ankommen\n13:50-14:10 Input'))).toEqual([[2, 'overlap']]);
    expect(codes(parseTimetable('14:00 Ankommen\n14:00-14:10 Input'))).toEqual([[2, 'overlap']]);
  });
});

describe('parseTimetable: errors', () => {
  it.each([[''], ['   '], ['\n\n\r\n\t\n']])('reports %j as empty', (text) => {
    expect(errorsOf(parseTimetable(text))).toEqual([
      { line: 0, text: '', code: 'empty', message: 'The time table is empty.' },
    ]);
  });

  it('reports every non-empty line before the first time line', () => {
    expect(errorsOf(parseTimetable('Ablauf:\n\nBitte pünktlich\n14:00-14:05 Ankommen'))).toEqual([
      {
        line: 1,
        text: 'Ablauf:',
        code: 'unreadable_line',
        message: 'Line 1 comes before the first time and is not a time line.',
      },
      {
        line: 3,
        text: 'Bitte pünktlich',
        code: 'unreadable_line',
        message: 'Line 3 comes before the first time and is not a time line.',
      },
    ]);
  });

  it('reports text without any time line line by line', () => {
    expect(codes(parseTimetable('Ankommen\nPause\n'))).toEqual([
      [1, 'unreadable_line'],
      [2, 'unreadable_line'],
    ]);
  });

  it('reports a block without a title (followed by a time line or by the end)', () => {
    expect(errorsOf(parseTimetable('14:00-14:05\n\n14:05-14:10 Uhr'))).toEqual([
      { line: 1, text: '14:00-14:05', code: 'missing_title', message: 'Line 1: the block has no title.' },
      { line: 3, text: '14:05-14:10 Uhr', code: 'missing_title', message: 'Line 3: the block has no title.' },
    ]);
  });

  it('reports an end that is not after the start', () => {
    expect(errorsOf(parseTimetable('14:00-14:05 Ankommen\n14:30-14:10 Input\n14:40-14:40 Pause'))).toEqual([
      {
        line: 2,
        text: '14:30-14:10 Input',
        code: 'end_before_start',
        message: 'Line 2: the end 14:10 is not after the start 14:30.',
      },
      {
        line: 3,
        text: '14:40-14:40 Pause',
        code: 'end_before_start',
        message: 'Line 3: the end 14:40 is not after the start 14:40.',
      },
    ]);
  });

  it('reports a block that starts before the previous one ends', () => {
    expect(errorsOf(parseTimetable('14:00-14:30 Ankommen\n14:20-14:40 Input'))).toEqual([
      {
        line: 2,
        text: '14:20-14:40 Input',
        code: 'overlap',
        message: 'Line 2: the block starts at 14:20, before the previous block ends (14:30).',
      },
    ]);
  });

  it('accepts a block that starts exactly when the previous one ends', () => {
    expect(summary(parseTimetable('14:00-14:30 A\n14:30-14:40 B'))).toEqual(['14:00-14:30 A', '14:30-14:40 B']);
  });

  it('collects all errors at once, sorted by line, and returns no blocks', () => {
    const text = [
      'Ablauf', // 1 unreadable
      '14:00-14:05 Ankommen', // 2 fine
      '14:05-14:03 Input', // 3 end before start
      '', // 4
      '14:20-14:30', // 5 missing title (next non-empty line is a time line)
      '14:25-14:40 Pause', // 6 overlap
      '14:40 Plenum', // 7 fine (ends at 14:50)
      '14:50 Abschluss', // 8 missing end
    ].join('\n');
    const result = parseTimetable(text);
    expect(result.ok).toBe(false);
    expect(codes(result)).toEqual([
      [1, 'unreadable_line'],
      [3, 'end_before_start'],
      [5, 'missing_title'],
      [6, 'overlap'],
      [8, 'missing_end'],
    ]);
    expect(errorsOf(result).map((e) => e.text)).toEqual([
      'Ablauf',
      '14:05-14:03 Input',
      '14:20-14:30',
      '14:25-14:40 Pause',
      '14:50 Abschluss',
    ]);
  });

  it('gives line numbers counted with Windows line endings and blank lines', () => {
    expect(codes(parseTimetable('\r\n\r\nAblauf\r\n\r\n14:00-14:05\r\n\r\n'))).toEqual([
      [3, 'unreadable_line'],
      [5, 'missing_title'],
    ]);
  });

  it('returns errors and no blocks when only one block is wrong', () => {
    const result = parseTimetable('14:00-14:05 A\n14:05-14:10 B\n14:10-14:00 C\n14:15-14:20 D');
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          line: 3,
          text: '14:10-14:00 C',
          code: 'end_before_start',
          message: 'Line 3: the end 14:00 is not after the start 14:10.',
        },
      ],
      omitted: [],
    });
  });
});

describe('guessBlockType', () => {
  it.each([
    ['Ankommen', 'arrival'],
    ['Ankunft und Technik-Check', 'arrival'],
    ['Einlass', 'arrival'],
    ['Check-in', 'arrival'],
    ['Begrüßung und Vorstellungsrunde', 'arrival'],
    ['BEGRÜSSUNG', 'arrival'],
    ['Herzlich willkommen!', 'arrival'],
    ['Kurze Umfrage', 'poll'],
    ['Abstimmung über die nächsten Themen', 'poll'],
    ['Blitzumfrage: Wie geht es Ihnen?', 'poll'],
    ['Kaffeepause', 'break'],
    ['Pause', 'break'],
    ['Mittagspause', 'break'],
    ['Abschluss und Verabschiedung', 'closing'],
    ['Abschlussrunde: Zusammenführung der wichtigsten Erkenntnisse aus den Breakouts', 'closing'],
    ['Feedback-Runde', 'closing'],
    ['Schlusswort', 'closing'],
    ['Input durch Anne Melzig: Engagement vor Ort gemeinsam gestalten', 'input'],
    ['Praxisinput durch Stephanie Krause', 'input'],
    ['Impulsvortrag', 'input'],
    ['Präsentation der Ergebnisse', 'input'],
    ['Fragen und Austausch zum Praxisbeispiel', 'discussion'],
    ['Einordnen der Ergebnisse aus Breakout-Session Runde 1', 'discussion'],
    ['Podiumsdiskussion', 'discussion'],
    ['Offene Fragerunde im Plenum', 'discussion'],
    ['Erfahrungsaustausch', 'discussion'],
    ['Breakout-Session Runde 1: Bestehende lokale Netzwerke', 'breakout'],
    ['Kleingruppenarbeit', 'breakout'],
    ['Arbeitsgruppen', 'breakout'],
    ['Workshop-Phase', 'breakout'],
    ['Runde 2: Breakout', 'breakout'],
    ['Zusammenfassung', 'other'],
    ['Beschlussfassung', 'other'],
    ['Netzwerkkarte', 'other'],
    ['', 'other'],
  ] as const)('German: %j → %s', (title, type) => {
    expect(guessBlockType(title)).toBe(type);
  });

  it.each([
    ['Welcome', 'arrival'],
    ['Arrival and tech check', 'arrival'],
    ['Check in', 'arrival'],
    ['Quick poll', 'poll'],
    ['Survey: what did you learn?', 'poll'],
    ['Voting on next steps', 'poll'],
    ['Coffee break', 'break'],
    ['Break', 'break'],
    ['Closing remarks', 'closing'],
    ['Wrap-up', 'closing'],
    ['Farewell', 'closing'],
    ['Keynote: The future of volunteering', 'input'],
    ['Talk by Jane Doe', 'input'],
    ['Presentation of results', 'input'],
    ['Q&A', 'discussion'],
    ['Q & A with the speakers', 'discussion'],
    ['Open discussion', 'discussion'],
    ['Breakout rooms', 'breakout'],
    ['Small group work', 'breakout'],
    ['Networking', 'other'],
  ] as const)('English: %j → %s', (title, type) => {
    expect(guessBlockType(title)).toBe(type);
  });

  it('decides by the first word before the rest of the title', () => {
    expect(guessBlockType('Pause, danach Umfrage')).toBe('break');
    expect(guessBlockType('Begrüßung und Input')).toBe('arrival');
  });

  it('decides by the part before the colon before the rest', () => {
    expect(guessBlockType('Kurze Umfrage: Wie war die Kaffeepause?')).toBe('poll');
  });

  it('uses the priority order within the whole title', () => {
    expect(guessBlockType('Zeit für Austausch und Pause')).toBe('break');
  });

  it('falls back to the description only when the title gives nothing', () => {
    expect(guessBlockType('Runde 3', 'In Kleingruppen')).toBe('breakout');
    expect(guessBlockType('Pause', 'In Kleingruppen')).toBe('break');
    expect(guessBlockType('Runde 3', 'nichts Besonderes')).toBe('other');
  });

  it('is used by the parser with the description as fallback', () => {
    const blocks = blocksOf(parseTimetable('14:00-14:30 Runde 3\nIn Kleingruppen'));
    expect(blocks.map((b) => b.type)).toEqual(['breakout']);
  });
});

describe('formatTimetableText', () => {
  it('writes the one-line form with descriptions below and blank lines between blocks', () => {
    expect(
      formatTimetableText([
        { start: '14:00', end: '14:05', title: 'Ankommen', description: '' },
        { start: '15:10', end: '15:35', title: 'Breakout-Session Runde 2', description: 'Freier Austausch\nZweite Zeile' },
      ]),
    ).toBe('14:00–14:05 Ankommen\n\n15:10–15:35 Breakout-Session Runde 2\nFreier Austausch\nZweite Zeile');
  });

  it('returns an empty string for no blocks', () => {
    expect(formatTimetableText([])).toBe('');
  });

  it('round-trips the seed 003 blocks through parseTimetable', () => {
    const blocks = blocksOf(parseTimetable(seed003));
    const text = formatTimetableText(blocks);
    const again = blocksOf(parseTimetable(text));
    const strip = (b: ParsedAgendaBlock) => ({
      start: b.start,
      end: b.end,
      title: b.title,
      description: b.description,
      type: b.type,
      durationMinutes: b.durationMinutes,
      gapBeforeMinutes: b.gapBeforeMinutes,
    });
    expect(again.map(strip)).toEqual(blocks.map(strip));
    expect(again).toHaveLength(11);
  });

  it('round-trips mixed forms, gaps and awkward titles', () => {
    const source = [
      '2:00 pm Welcome',
      '14:10 - 14:40 Uhr',
      'Uhr-Workshop: Zeitmanagement', // title starting with "Uhr"
      'Folien: siehe Anhang',
      '14:50–15:00',
      ': Doppelpunkt am Anfang',
      '15:00 bis 15:30',
      'Q&A | Fragen',
      '- Stichpunkt eins',
      '• Stichpunkt zwei',
      '15:30-16:00 am Ende: Abschluss',
    ].join('\n');
    const blocks = blocksOf(parseTimetable(source));
    expect(blocks.map((b) => [b.start, b.end, b.title, b.description])).toEqual([
      ['14:00', '14:10', 'Welcome', ''],
      ['14:10', '14:40', 'Uhr-Workshop: Zeitmanagement', 'Folien: siehe Anhang'],
      ['14:50', '15:00', ': Doppelpunkt am Anfang', ''],
      ['15:00', '15:30', 'Q&A | Fragen', '- Stichpunkt eins\n• Stichpunkt zwei'],
      ['15:30', '16:00', 'am Ende: Abschluss', ''],
    ]);
    const again = blocksOf(parseTimetable(formatTimetableText(blocks)));
    expect(again.map((b) => [b.start, b.end, b.title, b.description, b.type])).toEqual(
      blocks.map((b) => [b.start, b.end, b.title, b.description, b.type]),
    );
  });

  it('puts a title that would not read back on the time line onto the next line', () => {
    expect(
      formatTimetableText([
        { start: '14:00', end: '14:30', title: 'Uhr Treffen', description: '' },
        { start: '09:00', end: '10:00', title: 'am Eingang', description: '' },
        { start: '14:30', end: '15:00', title: '- Punkt', description: '' },
      ]),
    ).toBe('14:00–14:30\nUhr Treffen\n\n09:00–10:00\nam Eingang\n\n14:30–15:00\n- Punkt');
    // "am Eingang" after 10:00 would otherwise be read as 10:00 am
    const blocks = blocksOf(parseTimetable('09:00–10:00\nam Eingang\n10:00 – 10:30 Pause'));
    expect(blocks.map((b) => b.title)).toEqual(['am Eingang', 'Pause']);
  });

  it('drops blank description lines and joins line breaks in titles', () => {
    expect(
      formatTimetableText([{ start: '14:00', end: '14:30', title: 'Zwei\nZeilen', description: 'a\n\n  b  \n' }]),
    ).toBe('14:00–14:30 Zwei Zeilen\na\nb');
  });
});

describe('formatTimetableMarkdown', () => {
  it('writes a list with bold times and the description indented below', () => {
    expect(
      formatTimetableMarkdown([
        { start: '14:00', end: '14:05', title: 'Ankommen', description: '' },
        { start: '15:10', end: '15:35', title: 'Breakout-Session Runde 2', description: 'Freier Austausch\nZweite Zeile' },
        { start: '15:35', end: '15:55', title: 'Abschluss', description: '' },
      ]),
    ).toBe(
      [
        '- **14:00–14:05** Ankommen',
        '- **15:10–15:35** Breakout-Session Runde 2\\',
        '  Freier Austausch\\',
        '  Zweite Zeile',
        '- **15:35–15:55** Abschluss',
      ].join('\n'),
    );
  });

  it('returns an empty string for no blocks', () => {
    expect(formatTimetableMarkdown([])).toBe('');
  });

  it('escapes Markdown special characters in titles and descriptions', () => {
    expect(
      formatTimetableMarkdown([
        {
          start: '14:00',
          end: '14:30',
          title: '*Wichtig* _jetzt_ [Link](http://x) `code` <b>fett</b> a|b ~~weg~~ C:\\Pfad &amp; Q&A',
          description: '# keine Überschrift\n- kein Punkt\n+ auch nicht\n1. keine Liste\n2) auch keine\n> kein Zitat\n---\n= kein Titel',
        },
      ]),
    ).toBe(
      [
        '- **14:00–14:30** \\*Wichtig\\* \\_jetzt\\_ \\[Link\\](http://x) \\`code\\` \\<b\\>fett\\</b\\> a\\|b \\~\\~weg\\~\\~ C:\\\\Pfad \\&amp; Q&A\\',
        '  \\# keine Überschrift\\',
        '  \\- kein Punkt\\',
        '  \\+ auch nicht\\',
        '  1\\. keine Liste\\',
        '  2\\) auch keine\\',
        '  \\> kein Zitat\\',
        '  \\---\\',
        '  \\= kein Titel',
      ].join('\n'),
    );
  });

  it('leaves German text without special characters untouched', () => {
    const blocks = blocksOf(parseTimetable(seed003));
    const markdown = formatTimetableMarkdown(blocks);
    expect(markdown.split('\n')).toHaveLength(12);
    expect(markdown.split('\n')[0]).toBe('- **14:00–14:05** Ankommen');
    expect(markdown.split('\n')[9]).toBe('  Freier Austausch zu Erfahrungen, Zielen und Herausforderungen bei der lokalen Vernetzung');
    expect(markdown.split('\n')[8]).toBe(
      '- **15:10–15:35** Breakout-Session Runde 2: Weiterentwicklung und Herausforderungen von Netzwerken\\',
    );
  });
});
