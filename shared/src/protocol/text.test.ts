import { describe, expect, it } from 'vitest';
import { clientEventSchemas, createWorkshopRequest } from './index.js';
import { unsafeTextProblem } from './text.js';

const HOSTILE = {
  nul: 'Ab\u0000schluss',
  bell: 'Pause\u0007',
  c1: 'Text\u0085',
  rlo: 'Rechnung\u202Efdp.exe',
  lre: 'a\u202Ab',
  isolate: 'a\u2066b\u2069',
  loneHigh: 'halb \uD83D',
  loneLow: 'halb \uDE00 davor',
  del: 'weg\u007f',
};

describe('unsafeTextProblem', () => {
  it('refuses control characters, direction overrides and lone surrogates', () => {
    for (const [name, value] of Object.entries(HOSTILE)) {
      expect(unsafeTextProblem(value), name).toBeDefined();
      expect(unsafeTextProblem(value, 'multiline'), name).toBeDefined();
    }
  });

  it('accepts ordinary text of any script, emoji, and line breaks where text may have lines', () => {
    for (const value of ['Kaffeepause ☕', 'Überblick & Ziele', 'مرحبا بالعالم', '😀 Emoji', 'a\u200Db', '']) {
      expect(unsafeTextProblem(value), value).toBeUndefined();
    }
    expect(unsafeTextProblem('Zeile 1\nZeile 2\r\n\tEingerückt', 'multiline')).toBeUndefined();
    expect(unsafeTextProblem('Zeile 1\nZeile 2')).toBeDefined();
  });
});

describe('free text in the protocol schemas', () => {
  const block = { title: 'Ankommen', type: 'arrival', plannedMinutes: 10 };

  it('refuses hostile block titles and descriptions, naming the field', () => {
    const schema = clientEventSchemas['agenda:addBlock'];
    expect(schema.safeParse({ block }).success).toBe(true);
    for (const value of Object.values(HOSTILE)) {
      for (const field of ['title', 'description', 'moderationNotes']) {
        const parsed = schema.safeParse({ block: { ...block, [field]: value } });
        expect(parsed.success, `${field}: ${JSON.stringify(value)}`).toBe(false);
        expect(parsed.error?.issues[0]?.path.at(-1)).toBe(field);
      }
    }
    expect(schema.safeParse({ block: { ...block, description: 'Zeile 1\nZeile 2' } }).success).toBe(true);
  });

  it('refuses hostile poll questions and options, room names, messages, names and workshop texts', () => {
    const rlo = HOSTILE.rlo;
    const poll = { question: 'Wie war es?', type: 'single', options: [{ label: 'Gut' }, { label: 'Schlecht' }] };
    expect(clientEventSchemas['poll:create'].safeParse(poll).success).toBe(true);
    expect(clientEventSchemas['poll:create'].safeParse({ ...poll, question: rlo }).success).toBe(false);
    expect(clientEventSchemas['poll:create'].safeParse({ ...poll, options: [{ label: HOSTILE.nul }, { label: 'b' }] }).success).toBe(false);
    const round = { blockId: 'b1', rooms: [{ name: 'Raum 1' }], assignmentMode: 'manual' };
    expect(clientEventSchemas['breakout:saveRound'].safeParse(round).success).toBe(true);
    expect(clientEventSchemas['breakout:saveRound'].safeParse({ ...round, rooms: [{ name: HOSTILE.loneHigh }] }).success).toBe(false);
    expect(clientEventSchemas['breakout:broadcast'].safeParse({ roundId: 'r', roomId: null, text: HOSTILE.isolate }).success).toBe(false);
    expect(clientEventSchemas['people:updateSelf'].safeParse({ displayName: rlo }).success).toBe(false);
    expect(clientEventSchemas['people:updateSelf'].safeParse({ organisation: HOSTILE.loneLow }).success).toBe(false);
    const workshop = { title: 'Retro', startsAt: '2026-12-01T14:00:00+01:00', language: 'de' };
    expect(createWorkshopRequest.safeParse(workshop).success).toBe(true);
    expect(createWorkshopRequest.safeParse({ ...workshop, title: rlo }).success).toBe(false);
    expect(createWorkshopRequest.safeParse({ ...workshop, description: HOSTILE.nul }).success).toBe(false);
  });
});
