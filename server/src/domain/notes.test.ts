import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { BlockTimer } from '@werkraum/shared/agendaClock';
import type { BreakoutRound } from '@werkraum/shared/protocol';
import type { Role } from '@werkraum/shared/roles';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { renderNotesHtml, renderNotesMarkdown } from '../collab/render.js';
import { roomAccess } from './notes.js';
import { templateUpdate } from './templates.js';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;

/** The round's block started at OPENED and runs 20 minutes; the grace period is 60 s. */
const OPENED = 1_000_000;
const DEADLINE = OPENED + 20 * MINUTE_MS;
const RETURN_AT = DEADLINE + 60 * SECOND_MS;

const mia = { id: 'mia', role: 'moderator' as Role };
const cem = { id: 'cem', role: 'coModerator' as Role };
const ana = { id: 'ana', role: 'participant' as Role };
const ben = { id: 'ben', role: 'participant' as Role };
const cleo = { id: 'cleo', role: 'participant' as Role };
/** In the workshop, but in no room of any round. */
const zoe = { id: 'zoe', role: 'participant' as Role };

/** A round of two rooms: Ana and Ben in Nord, Cleo in Süd; opened at OPENED unless overridden. */
function round(overrides: Partial<BreakoutRound> = {}): BreakoutRound {
  return {
    id: 'round-1',
    blockId: 'b-breakout',
    rooms: [
      { id: 'r-nord', name: 'Nord', task: '', hostId: null, closedAt: null },
      { id: 'r-sued', name: 'Süd', task: '', hostId: null, closedAt: null },
    ],
    assignmentMode: 'random',
    roomCap: null,
    graceSeconds: 60,
    notesTemplate: '',
    assignments: { ana: 'r-nord', ben: 'r-nord', cleo: 'r-sued' },
    visits: {},
    openedAt: OPENED,
    endedAt: null,
    closedAt: null,
    broadcasts: [],
    helpRequests: [],
    ...overrides,
  };
}

/** The running timer of the round's block (20 minutes from OPENED). */
function timer(overrides: Partial<BlockTimer> = {}): BlockTimer {
  return { blockId: 'b-breakout', startedAt: OPENED, allottedMs: 20 * MINUTE_MS, pausedAt: null, pausedMs: 0, ...overrides };
}

/** A room's access for each person, so one expectation shows the whole picture. */
function accessOf(roomId: string, rounds: BreakoutRound[], blockTimer: BlockTimer | null, now: number) {
  return Object.fromEntries([mia, cem, ana, ben, cleo, zoe].map((person) => [person.id, roomAccess(person, roomId, rounds, blockTimer, now)]));
}

describe('roomAccess', () => {
  it('lets everyone edit the plenary, with or without rounds, in any phase', () => {
    const everyoneEdits = { mia: 'edit', cem: 'edit', ana: 'edit', ben: 'edit', cleo: 'edit', zoe: 'edit' };
    expect(accessOf(PLENARY_ROOM, [], null, OPENED)).toEqual(everyoneEdits);
    expect(accessOf(PLENARY_ROOM, [round({ openedAt: null })], null, OPENED)).toEqual(everyoneEdits);
    expect(accessOf(PLENARY_ROOM, [round()], timer(), OPENED + MINUTE_MS)).toEqual(everyoneEdits);
    expect(accessOf(PLENARY_ROOM, [round({ closedAt: OPENED + MINUTE_MS, endedAt: OPENED + MINUTE_MS })], null, RETURN_AT)).toEqual(
      everyoneEdits,
    );
  });

  it('while a round is open: facilitators and members edit, members of other rooms and people in no room get nothing', () => {
    const now = OPENED + 5 * MINUTE_MS;
    expect(accessOf('r-nord', [round()], timer(), now)).toEqual({ mia: 'edit', cem: 'edit', ana: 'edit', ben: 'edit', cleo: null, zoe: null });
    expect(accessOf('r-sued', [round()], timer(), now)).toEqual({ mia: 'edit', cem: 'edit', ana: null, ben: null, cleo: 'edit', zoe: null });
  });

  it('an open round without a timer of its block runs open-ended: members keep editing', () => {
    const later = RETURN_AT + 60 * MINUTE_MS;
    expect(roomAccess(ana, 'r-nord', [round()], null, later)).toBe('edit');
    // The timer of another block says nothing about this round.
    expect(roomAccess(ana, 'r-nord', [round()], timer({ blockId: 'b-other', startedAt: OPENED, allottedMs: 0 }), later)).toBe('edit');
  });

  it('members still edit while returning (deadline up to deadline + grace) and read from then on', () => {
    const at = (now: number) => roomAccess(ana, 'r-nord', [round()], timer(), now);
    expect(at(DEADLINE - 1)).toBe('edit');
    expect(at(DEADLINE)).toBe('edit');
    expect(at(RETURN_AT - 1)).toBe('edit');
    expect(at(RETURN_AT)).toBe('read');
    expect(at(RETURN_AT + 60 * MINUTE_MS)).toBe('read');
    // Facilitators keep editing; outsiders stay out.
    expect(accessOf('r-nord', [round()], timer(), RETURN_AT)).toEqual({ mia: 'edit', cem: 'edit', ana: 'read', ben: 'read', cleo: null, zoe: null });
  });

  it('a pause that began before the deadline holds the end: members keep editing past the planned deadline', () => {
    const paused = timer({ pausedAt: OPENED + 10 * MINUTE_MS });
    expect(roomAccess(ana, 'r-nord', [round()], paused, RETURN_AT + 30 * MINUTE_MS)).toBe('edit');
  });

  it('a round whose block ended (endedAt) gives members the grace period, then reading', () => {
    const ended = round({ endedAt: OPENED + 7 * MINUTE_MS });
    expect(roomAccess(ben, 'r-nord', [ended], null, OPENED + 7 * MINUTE_MS + 59 * SECOND_MS)).toBe('edit');
    expect(roomAccess(ben, 'r-nord', [ended], null, OPENED + 8 * MINUTE_MS)).toBe('read');
  });

  it('a round closed by the moderation (closedAt): members read at once, facilitators edit', () => {
    const closedAt = OPENED + 3 * MINUTE_MS;
    const closed = round({ closedAt, endedAt: closedAt });
    expect(accessOf('r-nord', [closed], timer(), closedAt)).toEqual({ mia: 'edit', cem: 'edit', ana: 'read', ben: 'read', cleo: null, zoe: null });
    expect(accessOf('r-sued', [closed], timer(), closedAt)).toEqual({ mia: 'edit', cem: 'edit', ana: null, ben: null, cleo: 'read', zoe: null });
  });

  it('a room closed early: its members read, the other room keeps editing', () => {
    const now = OPENED + 5 * MINUTE_MS;
    const rooms = round().rooms.map((room) => (room.id === 'r-nord' ? { ...room, closedAt: OPENED + 4 * MINUTE_MS } : room));
    const partly = round({ rooms });
    expect(accessOf('r-nord', [partly], timer(), now)).toEqual({ mia: 'edit', cem: 'edit', ana: 'read', ben: 'read', cleo: null, zoe: null });
    expect(accessOf('r-sued', [partly], timer(), now)).toEqual({ mia: 'edit', cem: 'edit', ana: null, ben: null, cleo: 'edit', zoe: null });
  });

  it('a prepared round: members get nothing yet (the moderation may prepare the notes)', () => {
    const prepared = round({ openedAt: null });
    expect(accessOf('r-nord', [prepared], null, OPENED)).toEqual({ mia: 'edit', cem: 'edit', ana: null, ben: null, cleo: null, zoe: null });
    expect(accessOf('r-sued', [prepared], timer(), OPENED + MINUTE_MS)).toEqual({
      mia: 'edit',
      cem: 'edit',
      ana: null,
      ben: null,
      cleo: null,
      zoe: null,
    });
  });

  it('a room that exists in no round is closed to everyone, facilitators included', () => {
    expect(accessOf('r-nowhere', [round()], timer(), OPENED + MINUTE_MS)).toEqual({
      mia: null,
      cem: null,
      ana: null,
      ben: null,
      cleo: null,
      zoe: null,
    });
    expect(accessOf('r-nord', [], null, OPENED)).toEqual({ mia: null, cem: null, ana: null, ben: null, cleo: null, zoe: null });
  });

  it('with several rounds, membership counts in the round that holds the room', () => {
    const first = round({ closedAt: OPENED + MINUTE_MS, endedAt: OPENED + MINUTE_MS });
    const second = round({
      id: 'round-2',
      blockId: 'b-second',
      rooms: [{ id: 'r-ost', name: 'Ost', task: '', hostId: null, closedAt: null }],
      assignments: { zoe: 'r-ost' },
      openedAt: OPENED + 2 * MINUTE_MS,
    });
    const now = OPENED + 3 * MINUTE_MS;
    expect(accessOf('r-ost', [first, second], null, now)).toEqual({ mia: 'edit', cem: 'edit', ana: null, ben: null, cleo: null, zoe: 'edit' });
    expect(accessOf('r-nord', [first, second], null, now)).toEqual({ mia: 'edit', cem: 'edit', ana: 'read', ben: 'read', cleo: null, zoe: null });
  });
});

/** The notes a template update produces, as the documentation renders them. */
function docOf(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}

describe('templateUpdate', () => {
  it('writes one level-2 heading per line, each followed by an empty paragraph', () => {
    const update = templateUpdate('Bestehende Netzwerke\nHerausforderungen\nIdeen');
    expect(update).toBeInstanceOf(Uint8Array);
    const doc = docOf(update!);
    expect(renderNotesMarkdown(doc)).toBe('## Bestehende Netzwerke\n\n## Herausforderungen\n\n## Ideen\n');
    expect(renderNotesHtml(doc)).toBe(
      '<h2>Bestehende Netzwerke</h2><p></p><h2>Herausforderungen</h2><p></p><h2>Ideen</h2><p></p>',
    );
    const fragment = doc.getXmlFragment('default');
    expect(fragment.toArray().map((node) => (node as Y.XmlElement).nodeName)).toEqual([
      'heading',
      'paragraph',
      'heading',
      'paragraph',
      'heading',
      'paragraph',
    ]);
  });

  it('trims lines, skips blank ones and accepts CRLF', () => {
    const update = templateUpdate('\r\n  Ziele  \r\n\r\n\tOffene Fragen\n   \nNächste Schritte\n');
    expect(renderNotesMarkdown(docOf(update!))).toBe('## Ziele\n\n## Offene Fragen\n\n## Nächste Schritte\n');
  });

  it('keeps what looks like Markdown or HTML as text', () => {
    const doc = docOf(templateUpdate('Q&A <b>wichtig</b>\n*Ideen*')!);
    expect(renderNotesMarkdown(doc)).toBe('## Q&A \\<b\\>wichtig\\</b\\>\n\n## \\*Ideen\\*\n');
    expect(renderNotesHtml(doc)).toBe('<h2>Q&amp;A &lt;b&gt;wichtig&lt;/b&gt;</h2><p></p><h2>*Ideen*</h2><p></p>');
  });

  it('gives null for an empty template or one of blank lines only', () => {
    expect(templateUpdate('')).toBeNull();
    expect(templateUpdate('   ')).toBeNull();
    expect(templateUpdate('\n \r\n\t\n')).toBeNull();
  });

  it('a document that has the template once renders it once (applying the same update again changes nothing)', () => {
    const update = templateUpdate('Eins\nZwei')!;
    const doc = docOf(update);
    Y.applyUpdate(doc, update);
    expect(renderNotesMarkdown(doc)).toBe('## Eins\n\n## Zwei\n');
  });
});
