import * as Y from 'yjs';
import { addCard, addCluster } from '@werkraum/shared/board';
import type { BreakoutRound } from '@werkraum/shared/protocol';
import { PLENARY_ROOM, roomDocName } from '@werkraum/shared/rooms';
import { okData, type CreatedWorkshop, type Harness, type TestClient, type TestServer } from './harness.js';
import type { TestClock } from './testClock.js';

/** The agenda of a real workshop (seed 003's "Ablauf", page footers left out), as facilitators paste it. */
export const SEED_AGENDA = `14:00-14:05
Ankommen

14:05-14:10
Begrüßung, Vorstellung des Formats, Rückblick auf das erste Treffen, Vorstellung des Themas

14:10-14:15
Kurze Umfrage

14:15-14:20
Input durch Anne Melzig: Engagement vor Ort gemeinsam gestalten

14:20-14:45
Praxisinput und Austausch zum Praxisbeispiel

14:45-15:05
Breakout-Session Runde 1: Bestehende lokale Netzwerke und informelle Vernetzung

15:05-15:10
Einordnen der Ergebnisse aus Breakout-Session Runde 1

15:10-15:35
Breakout-Session Runde 2: Weiterentwicklung und Herausforderungen von Netzwerken

15:35-15:55
Abschlussrunde: Zusammenführung der wichtigsten Erkenntnisse

15:55-16:00
Abschluss und Verabschiedung
`;

/** People of the fixture: three agreed to be listed, the others did not. */
export const LISTED = [
  { name: 'Jürgen Weiß', organisation: 'Stadt Rheine' },
  { name: 'Anne Melzig', organisation: 'LWL-Kulturabteilung' },
  { name: 'Stephanie Krause', organisation: '' },
];
/** The listed co-moderator (hosts a room in each round). */
export const CO_MODERATOR = 'Anne Melzig';
export const UNLISTED = ['Verena Verborgen', 'Ulrich Ungenannt'];
/** More people who answered the poll without being listed (12 answers in all, with the co-moderator). */
export const POLL_GUESTS = ['Gast Eins', 'Gast Zwei', 'Gast Drei', 'Gast Vier', 'Gast Fünf', 'Gast Sechs', 'Gast Sieben'];

/** Text a participant typed that must never become markup. */
export const HOSTILE_NOTE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

/** The plenary's own notes (a sentence of them). */
export const PLENARY_NOTE = 'Im Plenum vereinbart: eine gemeinsame Netzwerkkarte für Westfalen-Lippe.';
/** A card on the plenary's board, written by someone who did not agree to be listed. */
export const PLENARY_CARD = 'Netzwerkkarte erstellen';

/** "Wie geht es weiter" as seed 003 has it, with a list and text that must never become markup. */
export const NEXT_STEPS = [
  'In Zukunft sollen weitere Termine zum Austausch angeboten werden, jeweils mit einem Schwerpunktthema.',
  'Themenwünsche gerne an: anne.melzig@lwl.org',
  '',
  '- Nächstes Treffen im Frühjahr 2025',
  '- Sammlung der Netzwerke folgt per E-Mail',
  '',
  HOSTILE_NOTE,
].join('\n');

export interface DocumentationFixture {
  workshop: CreatedWorkshop;
  moderator: TestClient;
  participants: TestClient[];
  coModerator: TestClient;
  rounds: BreakoutRound[];
  /** Notes text per room id. */
  notes: Record<string, string>;
  attachmentId: string;
}

const MINUTE = 60_000;

/** Writes a notes document: a heading, a paragraph with bold and a link, and a bullet list. */
function writeNotes(doc: Y.Doc, heading: string, text: string, bullets: string[]): void {
  const fragment = doc.getXmlFragment('default');
  const h = new Y.XmlElement('heading');
  h.setAttribute('level', 2 as unknown as string);
  h.insert(0, [new Y.XmlText(heading)]);
  const p = new Y.XmlElement('paragraph');
  const t = new Y.XmlText();
  t.insert(0, text);
  t.insert(text.length, ' wichtig', { bold: {} });
  t.insert(text.length + 8, ' Freiwilligenagentur', { link: { href: 'https://example.org/fa' } });
  t.insert(text.length + 28, ' Klick mich', { link: { href: 'javascript:alert(1)' } });
  p.insert(0, [t]);
  const list = new Y.XmlElement('bulletList');
  list.insert(
    0,
    bullets.map((bullet) => {
      const item = new Y.XmlElement('listItem');
      const para = new Y.XmlElement('paragraph');
      para.insert(0, [new Y.XmlText(bullet)]);
      item.insert(0, [para]);
      return item;
    }),
  );
  fragment.push([h, p, list]);
}

/**
 * A workshop shaped like seed 003, built through the real server: its agenda imported from the
 * seed's text and run (one block extended by 5 minutes, one paused 3 minutes), a poll with 12
 * answers, two rounds of three rooms with notes and boards, the plenary's notes and board, next
 * steps, people of whom three agreed to be listed, and one attachment.
 */
export async function buildSeedLikeWorkshop(harness: Harness, server: TestServer, clock: TestClock): Promise<DocumentationFixture> {
  clock.set('2024-11-20T13:00:00.000Z');
  const workshop = await harness.createWorkshop(server, {
    title: 'Austauschtreffen Kultur & Engagement',
    startsAt: '2024-11-20T14:00:00+01:00',
    timeZone: 'Europe/Berlin',
    language: 'de',
    description: 'Zweites Austauschtreffen für Hauptamtliche in kommunalen Kulturbüros.',
    moderatorNames: 'Kai Heddergott',
    coModeratorNames: 'Anne Melzig',
  });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.baseUrl}/api/workshops/${workshop.id}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${workshop.keys.moderator}`, ...(init.headers ?? {}) },
    });
  const imported = await api('/agenda', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: SEED_AGENDA });
  if (imported.status !== 200) throw new Error(`agenda import answered ${imported.status}: ${await imported.text()}`);

  const moderator = await harness.join(server, workshop, 'moderator', 'Kai Heddergott', false);
  const participants: TestClient[] = [];
  let coModerator: TestClient | undefined;
  for (const person of LISTED) {
    const role = person.name === CO_MODERATOR ? 'coModerator' : 'participant';
    const client = await harness.join(server, workshop, role, person.name, true);
    if (person.organisation) okData(await client.call('people:updateSelf', { organisation: person.organisation }));
    if (role === 'coModerator') coModerator = client;
    else participants.push(client);
  }
  for (const name of UNLISTED) participants.push(await harness.join(server, workshop, 'participant', name, false));
  const guests: TestClient[] = [];
  for (const name of POLL_GUESTS) guests.push(await harness.join(server, workshop, 'participant', name, false));

  const agenda = okData(await moderator.call('agenda:get', {})).agenda;
  const blockOf = (prefix: string) => agenda.blocks.find((block) => block.title.startsWith(prefix))!;
  const roundBlocks = [blockOf('Breakout-Session Runde 1'), blockOf('Breakout-Session Runde 2')];
  const ids = participants.map((client) => client.snapshot!.session.personId);
  for (const [index, block] of roundBlocks.entries()) {
    const rooms = [1, 2, 3].map((n) => ({ name: `Raum ${index * 3 + n}`, task: `Aufgabe ${index * 3 + n}: Netzwerke sammeln`, hostId: n === 1 ? coModerator!.snapshot!.session.personId : n === 2 ? moderator.snapshot!.session.personId : null }));
    okData(await moderator.call('breakout:saveRound', { blockId: block.id, rooms, assignmentMode: 'manual', roomCap: null, graceSeconds: 0, notesTemplate: '' }));
  }
  let rounds = okData(await moderator.call('breakout:get', {})).rounds;
  for (const round of rounds) {
    for (const [index, personId] of ids.entries()) {
      okData(await moderator.call('breakout:assign', { roundId: round.id, personId, roomId: round.rooms[index % 3]!.id }));
    }
  }

  // Poll: 12 answers (5 participants and 7 guests).
  const pollBlock = blockOf('Kurze Umfrage');
  const { pollId } = okData(
    await moderator.call('poll:create', {
      question: 'Wie gut sind Sie lokal vernetzt?',
      type: 'single',
      options: [{ label: 'Sehr gut' }, { label: 'Teilweise' }, { label: 'Kaum' }],
      anonymous: true,
      blockId: pollBlock.id,
    } as never),
  );
  okData(await moderator.call('poll:open', { pollId }));
  const poll = okData(await moderator.call('poll:list', {})).polls.find((view) => view.poll.id === pollId)!.poll;
  const voters = [...participants, coModerator!, ...guests];
  for (const [index, voter] of voters.entries()) {
    const option = poll.options[index < 6 ? 0 : index < 10 ? 1 : 2]!;
    okData(await voter.call('poll:answer', { pollId, answer: { optionIds: [option.id] } }));
  }
  okData(await moderator.call('poll:close', { pollId }));

  // Run the agenda: every block on its planned minutes, except the input (extended by 5 minutes)
  // and the first round (paused 3 minutes).
  okData(await moderator.call('agenda:control', { action: 'start' }));
  for (const block of agenda.blocks) {
    let minutes = block.plannedMinutes;
    if (block.title.startsWith('Input durch')) {
      okData(await moderator.call('agenda:control', { action: 'extend', minutes: 5 }));
      minutes += 5;
    }
    if (block.id === roundBlocks[0]!.id) {
      clock.advance(5 * MINUTE);
      okData(await moderator.call('agenda:control', { action: 'pause' }));
      clock.advance(3 * MINUTE);
      okData(await moderator.call('agenda:control', { action: 'resume' }));
      clock.advance((minutes - 5) * MINUTE);
    } else {
      clock.advance(minutes * MINUTE);
    }
    if (block === agenda.blocks.at(-1)) okData(await moderator.call('agenda:control', { action: 'endWorkshop' }));
    else okData(await moderator.call('agenda:control', { action: 'next' }));
  }

  rounds = okData(await moderator.call('breakout:get', {})).rounds;
  const notes: Record<string, string> = {};
  for (const round of rounds) {
    for (const room of round.rooms) {
      const text = `Ergebnis aus ${room.name}: Kulturbüro und Freiwilligenagentur arbeiten zusammen.`;
      notes[room.id] = text;
      await server.app.collab.change(roomDocName('notes', workshop.id, room.id), (doc) =>
        writeNotes(doc, `Netzwerke in ${room.name}`, room.name === 'Raum 1' ? `${text} ${HOSTILE_NOTE}` : text, ['Stadtbibliothek', 'Heimatverein']),
      );
      await server.app.collab.change(roomDocName('board', workshop.id, room.id), (doc) => {
        const cluster = addCluster(doc, { title: `Partner ${room.name}`, x: 0, y: 0 });
        addCard(doc, { text: 'Musikschule', x: 20, y: 60, clusterId: cluster, authorName: UNLISTED[0]! });
        addCard(doc, { text: 'Volkshochschule', x: 260, y: 60, clusterId: cluster, authorName: UNLISTED[1]! });
      });
    }
  }

  // The plenary's own notes and board, written like a room's; and the next steps, set over the socket.
  await server.app.collab.change(roomDocName('notes', workshop.id, PLENARY_ROOM), (doc) =>
    writeNotes(doc, 'Verabredungen im Plenum', PLENARY_NOTE, ['Netzwerkkarte', 'Themenliste']),
  );
  await server.app.collab.change(roomDocName('board', workshop.id, PLENARY_ROOM), (doc) => {
    const cluster = addCluster(doc, { title: 'Nächste Schritte', x: 0, y: 0 });
    addCard(doc, { text: PLENARY_CARD, x: 20, y: 60, clusterId: cluster, authorName: UNLISTED[0]! });
  });
  okData(await moderator.call('documentation:update', { nextSteps: NEXT_STEPS }));

  const form = new FormData();
  form.append('file', new Blob([Buffer.from('%PDF-1.4 Ablaufplan')], { type: 'application/pdf' }), 'Präsentation Stadtkultur Rheine.pdf');
  const upload = await api('/attachments', { method: 'POST', body: form });
  if (upload.status !== 201) throw new Error(`upload answered ${upload.status}: ${await upload.text()}`);
  const attachmentId = ((await upload.json()) as { id: string }).id;

  return { workshop, moderator, participants, coModerator: coModerator!, rounds, notes, attachmentId };
}
