import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { assignRandom } from '@werkraum/shared/breakoutAssignment';
import { COLLAB_CLOSE } from '@werkraum/shared/closeCodes';
import type { Ack } from '@werkraum/shared/errors';
import type { AgendaBlockView, BreakoutRound, ClientEvents, CollabGrant } from '@werkraum/shared/protocol';
import { PLENARY_ROOM, roomDocName } from '@werkraum/shared/rooms';
import { renderNotesMarkdown } from '../collab/render.js';
import { COLLAB_TOKEN_TTL_MS, verifyCollabToken } from '../collab/tokens.js';
import type { Store } from '../store/types.js';
import { okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { NotesHarness, TEST_COLLAB_SECRET, type CollabClient } from '../test/notesHarness.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

/** Planned start of the test workshop; the test clock starts five minutes before. */
const STARTS_AT = '2026-12-01T14:00:00+01:00';
const T0 = Date.parse(STARTS_AT);
/** The seed every random assignment of the test server uses. */
const SEED = 20_261_201;
const SECOND_MS = 1_000;
/**
 * Access checks against the clock, for all tests but the time-based one: an hour, so that a
 * connection closed within a test was closed by the event itself (move, removal, close), not by
 * the periodic check.
 */
const NO_PERIODIC_CHECK_MS = 60 * MINUTE_MS;
/** The time-based test checks access this often. */
const FAST_CHECK_MS = 50;

const TEMPLATE = 'Bestehende Netzwerke\nHerausforderungen\nIdeen';
const TEMPLATE_MARKDOWN = '## Bestehende Netzwerke\n\n## Herausforderungen\n\n## Ideen\n';

const idOf = (client: TestClient) => client.snapshot!.session.personId;

/** Asserts a refused acknowledgement with `code` (and `field`, when given). */
function expectError(ack: Ack<unknown>, code: string, field?: string) {
  expect(ack.ok, `expected error ${code}, got ${JSON.stringify(ack)}`).toBe(false);
  if (ack.ok) return;
  expect(ack.error.code).toBe(code);
  expect(ack.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) expect(ack.error.field).toBe(field);
}

/** Appends a paragraph to a notes document, as the editor would (TipTap's fragment "default"). */
function writeParagraph(doc: Y.Doc, text: string): void {
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [paragraph]);
}

/** A client's notes as the documentation renders them. */
const markdownOf = (client: CollabClient) => renderNotesMarkdown(client.doc);

/** One socket round trip: everything the server sent this client before the answer has arrived. */
async function roundTrip(client: TestClient): Promise<void> {
  okData(await client.call('clock:ping', {}));
}

describe('collaborative notes over the app port', () => {
  const harness = new NotesHarness();
  let clock: TestClock;
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mia: TestClient;
  let cem: TestClient;
  /** Four participants: Ana, Ben, Cleo, Dan. */
  let participants: TestClient[];
  let blocks: { arrival: string; breakout: string; closing: string };
  let roundId: string;
  /** The round's two rooms, in order. */
  let roomA: string;
  let roomB: string;
  /** Members of room A and of room B (two each), once the round opened. */
  let a1: TestClient;
  let a2: TestClient;
  let b1: TestClient;
  let b2: TestClient;

  afterEach(async () => {
    // A healthy run logs nothing (no internal errors behind the acknowledgements and closes) but
    // the one line per input the collaboration server refused, which some tests send on purpose.
    const logs = server
      ? server.logs.filter((entry) => !entry.message.includes('refused input from')).map((entry) => `${entry.message} ${String(entry.error ?? '')}`)
      : [];
    await harness.cleanup();
    expect(logs).toEqual([]);
  });

  /** Starts the app and lets the moderator, the co-moderator and four participants join. */
  async function start(options: { accessCheckMs?: number; wrapStore?: (store: Store) => Store } = {}): Promise<void> {
    clock = new TestClock(T0 - 5 * MINUTE_MS);
    server = await harness.startNotes({
      now: clock.now,
      randomSeed: () => SEED,
      accessCheckMs: options.accessCheckMs ?? NO_PERIODIC_CHECK_MS,
      ...(options.wrapStore ? { wrapStore: options.wrapStore } : {}),
    });
    workshop = await harness.createWorkshop(server, { title: 'Netzwerktreffen', startsAt: STARTS_AT, language: 'de' });
    mia = await harness.join(server, workshop, 'moderator', 'Mia');
    cem = await harness.join(server, workshop, 'coModerator', 'Cem');
    participants = [];
    for (const name of ['Ana', 'Ben', 'Cleo', 'Dan']) participants.push(await harness.join(server, workshop, 'participant', name));
  }

  const everyone = () => [mia, cem, ...participants];
  const docOf = (roomId: string) => roomDocName('notes', workshop.id, roomId);

  async function addBlock(afterBlockId: string | null, title: string, type: AgendaBlockView['type'], plannedMinutes: number): Promise<string> {
    const ack = await mia.call('agenda:addBlock', { afterBlockId, block: { title, type, plannedMinutes, description: '', moderationNotes: '' } });
    return okData(ack).blockId;
  }

  async function serverRound(): Promise<BreakoutRound> {
    const round = okData(await mia.call('breakout:get', {})).rounds.find((candidate) => candidate.id === roundId);
    if (!round) throw new Error(`no round ${roundId} on the server`);
    return round;
  }

  /** Agenda (arrival 5 min, breakout 20 min, closing 5 min) and a prepared round of two rooms, random assignment. */
  async function prepareRound(notesTemplate = ''): Promise<void> {
    const arrival = await addBlock(null, 'Ankommen', 'arrival', 5);
    const breakout = await addBlock(arrival, 'Gruppenarbeit', 'breakout', 20);
    const closing = await addBlock(breakout, 'Abschluss', 'closing', 5);
    blocks = { arrival, breakout, closing };
    const input: ClientEvents['breakout:saveRound']['request'] = {
      blockId: breakout,
      rooms: [
        { name: 'Raum Nord', task: 'Was verbindet uns?' },
        { name: 'Raum Süd', task: 'Was fehlt uns?' },
      ],
      assignmentMode: 'random',
      notesTemplate,
    };
    roundId = okData(await mia.call('breakout:saveRound', input)).roundId;
    const round = await serverRound();
    expect(round.rooms.map((room) => room.name)).toEqual(['Raum Nord', 'Raum Süd']);
    [roomA, roomB] = round.rooms.map((room) => room.id) as [string, string];
    expect(round.openedAt).toBeNull();
  }

  /**
   * Starts the workshop at T0 and the breakout block at T0 + 5 min, which opens the round and
   * assigns the participants with the fixed seed; returns the block's deadline (T0 + 25 min).
   */
  async function openRound(): Promise<{ openedAt: number; deadline: number; returnAt: number }> {
    clock.set(T0);
    okData(await mia.call('agenda:control', { action: 'start' }));
    clock.advance(5 * MINUTE_MS);
    okData(await mia.call('agenda:control', { action: 'next' }));
    const openedAt = clock.ms;
    const round = await serverRound();
    expect(round.openedAt).toBe(openedAt);
    // The fixed seed decides who is where: the server's assignment is exactly what the seed gives.
    const expected = assignRandom({
      people: participants.map(idOf),
      rooms: [
        { id: roomA, cap: null },
        { id: roomB, cap: null },
      ],
      seed: SEED,
    });
    expect(round.assignments).toEqual(expected);
    const inRoom = (roomId: string) => participants.filter((client) => round.assignments[idOf(client)] === roomId);
    [a1, a2] = inRoom(roomA) as [TestClient, TestClient];
    [b1, b2] = inRoom(roomB) as [TestClient, TestClient];
    expect(inRoom(roomA)).toHaveLength(2);
    expect(inRoom(roomB)).toHaveLength(2);
    return { openedAt, deadline: openedAt + 20 * MINUTE_MS, returnAt: openedAt + 21 * MINUTE_MS };
  }

  async function tokenAck(client: TestClient, roomId: string): Promise<Ack<CollabGrant>> {
    return client.call('notes:token', { roomId });
  }

  async function grant(client: TestClient, roomId: string): Promise<CollabGrant> {
    return okData(await tokenAck(client, roomId));
  }

  /** A provider on a room's notes with a fresh token of `client`, synced with the server. */
  async function open(client: TestClient, roomId: string): Promise<CollabClient> {
    const collab = harness.collab(server, await grant(client, roomId));
    await waitFor(() => collab.provider.synced, `${client.snapshot?.session.personId} synced on ${roomId}`);
    return collab;
  }

  /** Waits until the provider gave up with a permanent close code and returns that code. */
  async function closeCodeOf(collab: CollabClient, timeoutMs?: number): Promise<number> {
    const closed = await waitFor(() => collab.closed, 'the connection closed by the server', timeoutMs);
    return closed.code;
  }

  /**
   * Sends a presence marker behind everything `from` sent so far and waits until `observer` sees it.
   * The server handles one connection's messages in order, so then it has handled `from`'s earlier edits.
   */
  async function handled(from: CollabClient, observer: CollabClient, marker: string): Promise<void> {
    from.provider.awareness.setLocalStateField('marker', marker);
    await waitFor(
      () => (observer.provider.awareness.getStates().get(from.doc.clientID) as { marker?: string } | undefined)?.marker === marker,
      `presence marker ${marker}`,
    );
  }

  /** GET /api/workshops/:id/notes/:roomId with the moderator key unless told otherwise. */
  async function getNotes(roomId: string, query = '?format=markdown', key: string | null = workshop.keys.moderator) {
    const response = await fetch(`${server.baseUrl}/api/workshops/${workshop.id}/notes/${roomId}${query}`, {
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
    });
    return { status: response.status, type: response.headers.get('content-type'), auth: response.headers.get('www-authenticate'), body: await response.text() };
  }

  /** A room's notes as Markdown over HTTP (the documentation's view). */
  async function renderedMarkdown(roomId: string): Promise<string> {
    const response = await getNotes(roomId);
    expect(response.status).toBe(200);
    return response.body;
  }

  /** A room's notes rendered from what the store holds (a fresh load, not the server's memory). */
  async function storedMarkdown(roomId: string): Promise<string> {
    await server.app.collab.flush();
    const doc = new Y.Doc();
    for (const update of (await server.store.collab.loadDocument(docOf(roomId))).updates) Y.applyUpdate(doc, update);
    return renderNotesMarkdown(doc);
  }

  describe('plenary', () => {
    it('gives everyone an edit token for the plenary notes, signed for them and valid for a minute', async () => {
      await start();
      for (const client of everyone()) {
        const answer = await grant(client, PLENARY_ROOM);
        expect(answer).toEqual({ docName: `notes:${workshop.id}:plenary`, token: expect.any(String), mode: 'edit' });
        expect(verifyCollabToken(TEST_COLLAB_SECRET, answer.token, clock.ms)).toEqual({
          ok: true,
          claims: { doc: `notes:${workshop.id}:plenary`, mode: 'edit', personId: idOf(client), workshopId: workshop.id },
          expiresAt: clock.ms + COLLAB_TOKEN_TTL_MS,
          tokenId: expect.any(String),
        });
      }
    });

    it('two participants edit the plenary notes through the app port and converge; the documentation has both', async () => {
      await start();
      const [ana, ben] = participants as [TestClient, TestClient];
      const anaNotes = await open(ana, PLENARY_ROOM);
      const benNotes = await open(ben, PLENARY_ROOM);
      expect(server.app.collab.stats()).toEqual({ documents: 1, connections: 2 });

      // Concurrent: both write before seeing the other's edit.
      writeParagraph(anaNotes.doc, 'Ana: Wir kennen uns aus dem Projekt.');
      writeParagraph(benNotes.doc, 'Ben: Wir treffen uns monatlich.');

      await waitFor(
        () => anaNotes.doc.getXmlFragment('default').length === 2 && benNotes.doc.getXmlFragment('default').length === 2,
        'both edits on both sides',
      );
      expect(anaNotes.doc.getXmlFragment('default').toString()).toBe(benNotes.doc.getXmlFragment('default').toString());

      const markdown = await renderedMarkdown(PLENARY_ROOM);
      expect(markdown).toBe(markdownOf(anaNotes));
      expect(markdown.trimEnd().split('\n\n').sort()).toEqual(['Ana: Wir kennen uns aus dem Projekt.', 'Ben: Wir treffen uns monatlich.']);
      expect(await storedMarkdown(PLENARY_ROOM)).toBe(markdown);
    });

    it('refuses an update that puts other content into the notes, and the notes still render', async () => {
      await start();
      const [ana, ben] = participants as [TestClient, TestClient];
      const anaNotes = await open(ana, PLENARY_ROOM);
      const benNotes = await open(ben, PLENARY_ROOM);
      writeParagraph(benNotes.doc, 'Ben: bleibt lesbar.');
      await waitFor(() => anaNotes.doc.getXmlFragment('default').length === 1, 'Ben’s paragraph arrives');
      // Other Yjs content where the editor expects XML would break every reader of the notes.
      anaNotes.doc.getArray('default2').insert(0, ['x']);
      await waitFor(() => anaNotes.closeCodes.includes(COLLAB_CLOSE.badMessage), 'the writer is refused');
      expect(await renderedMarkdown(PLENARY_ROOM)).toBe('Ben: bleibt lesbar.\n');
    });
  });

  describe('breakout rooms', () => {
    it('refuses participants before the round opens; then members and facilitators edit, everyone else is refused', async () => {
      await start();
      await prepareRound();
      for (const client of participants) {
        for (const roomId of [roomA, roomB]) expectError(await tokenAck(client, roomId), 'forbidden', 'roomId');
      }
      // The moderation may prepare a room's notes before it opens.
      expect(await grant(mia, roomA)).toEqual({ docName: docOf(roomA), token: expect.any(String), mode: 'edit' });

      await openRound();
      for (const [roomId, members, others] of [
        [roomA, [a1, a2], [b1, b2]],
        [roomB, [b1, b2], [a1, a2]],
      ] as const) {
        for (const client of [...members, mia, cem]) {
          const answer = await grant(client, roomId);
          expect(answer).toEqual({ docName: docOf(roomId), token: expect.any(String), mode: 'edit' });
          expect(verifyCollabToken(TEST_COLLAB_SECRET, answer.token, clock.ms)).toMatchObject({
            ok: true,
            claims: { doc: docOf(roomId), mode: 'edit', personId: idOf(client), workshopId: workshop.id },
          });
        }
        for (const client of others) expectError(await tokenAck(client, roomId), 'forbidden', 'roomId');
      }
      // A room that does not exist is nobody's.
      for (const client of [mia, a1]) expectError(await tokenAck(client, 'r-nowhere'), 'forbidden', 'roomId');
    });

    it('a member of room A and a member of room B never see each other’s notes', async () => {
      await start();
      await prepareRound();
      await openRound();
      const aNotes = await open(a1, roomA);
      const bNotes = await open(b1, roomB);
      const miaA = await open(mia, roomA);
      const miaB = await open(mia, roomB);
      writeParagraph(aNotes.doc, 'Nur für Nord');
      writeParagraph(bNotes.doc, 'Nur für Süd');
      await waitFor(() => markdownOf(miaA) === 'Nur für Nord\n' && markdownOf(miaB) === 'Nur für Süd\n', 'each room’s text at the moderation');

      // Each member asks for the other room: refused.
      expectError(await tokenAck(a1, roomB), 'forbidden', 'roomId');
      expectError(await tokenAck(b1, roomA), 'forbidden', 'roomId');
      // Their own room's token does not open the other room either.
      const aIntoB = harness.collab(server, { docName: docOf(roomB), token: (await grant(a1, roomA)).token });
      const bIntoA = harness.collab(server, { docName: docOf(roomA), token: (await grant(b1, roomB)).token });
      expect(await closeCodeOf(aIntoB)).toBe(COLLAB_CLOSE.documentMismatch);
      expect(await closeCodeOf(bIntoA)).toBe(COLLAB_CLOSE.documentMismatch);
      expect(aIntoB.doc.getXmlFragment('default').length).toBe(0);
      expect(bIntoA.doc.getXmlFragment('default').length).toBe(0);

      // The members' own documents hold only their room's text.
      await handled(aNotes, miaA, 'a');
      await handled(bNotes, miaB, 'b');
      expect(markdownOf(aNotes)).toBe('Nur für Nord\n');
      expect(markdownOf(bNotes)).toBe('Nur für Süd\n');
      expect(await renderedMarkdown(roomA)).toBe('Nur für Nord\n');
      expect(await renderedMarkdown(roomB)).toBe('Nur für Süd\n');
      expect(server.app.collab.stats()).toEqual({ documents: 2, connections: 4 });
    });
  });

  describe('notes template', () => {
    it('the first token request writes the round’s headings into the room’s notes; asking again does not repeat them', async () => {
      await start();
      await prepareRound(TEMPLATE);
      await openRound();
      expect(await renderedMarkdown(roomA)).toBe('');

      await grant(a1, roomA);
      expect(await renderedMarkdown(roomA)).toBe(TEMPLATE_MARKDOWN);
      expect((await server.store.collab.size(docOf(roomA))).rows).toBe(1);
      // The other room is untouched until someone opens it.
      expect(await renderedMarkdown(roomB)).toBe('');

      await grant(a1, roomA);
      await grant(a2, roomA);
      await grant(mia, roomA);
      expect(await renderedMarkdown(roomA)).toBe(TEMPLATE_MARKDOWN);
      expect((await server.store.collab.size(docOf(roomA))).rows).toBe(1);

      // Several people at once: still once.
      await Promise.all([grant(b1, roomB), grant(b2, roomB), grant(cem, roomB), grant(mia, roomB)]);
      expect(await renderedMarkdown(roomB)).toBe(TEMPLATE_MARKDOWN);
      expect((await server.store.collab.size(docOf(roomB))).rows).toBe(1);

      // Members find the headings in their editor and write below them.
      const notes = await open(a2, roomA);
      expect(markdownOf(notes)).toBe(TEMPLATE_MARKDOWN);
      writeParagraph(notes.doc, 'Der Stammtisch');
      await waitFor(async () => (await renderedMarkdown(roomA)) === `${TEMPLATE_MARKDOWN}\nDer Stammtisch\n`, 'the member’s text after the headings');
      await grant(a1, roomA);
      expect(await renderedMarkdown(roomA)).toBe(`${TEMPLATE_MARKDOWN}\nDer Stammtisch\n`);
      // The plenary never gets a template.
      await grant(a1, PLENARY_ROOM);
      expect(await renderedMarkdown(PLENARY_ROOM)).toBe('');
    });

    it('a template saved while a room’s (still empty) notes are open: server memory, store and editors agree', async () => {
      await start();
      await prepareRound();
      await openRound();
      const notes = await open(a1, roomA);
      // The moderation adds a template to the running round (rooms keep their ids).
      okData(
        await mia.call('breakout:saveRound', {
          blockId: blocks.breakout,
          rooms: [
            { id: roomA, name: 'Raum Nord', task: 'Was verbindet uns?' },
            { id: roomB, name: 'Raum Süd', task: 'Was fehlt uns?' },
          ],
          assignmentMode: 'random',
          notesTemplate: TEMPLATE,
        }),
      );
      expect((await serverRound()).notesTemplate).toBe(TEMPLATE);
      // The next person to open the room's notes asks for a token; whatever that writes must be what everyone sees.
      await grant(a2, roomA);
      const stored = await storedMarkdown(roomA);
      expect(await renderedMarkdown(roomA)).toBe(stored);
      // The open editor must come to show the same (waiting for it; the assertion below reports what it shows).
      await waitFor(() => markdownOf(notes) === stored, 'the open editor shows what is stored').then(
        () => undefined,
        () => undefined,
      );
      expect(markdownOf(notes)).toBe(stored);
    });
  });

  describe('access changes close connections', () => {
    it('moving a participant closes their connection to the old room with accessRevoked; their new token is for the new room', async () => {
      await start();
      await prepareRound();
      await openRound();
      const bNotes = await open(b1, roomB);
      writeParagraph(bNotes.doc, 'Süd war zuerst da');
      const moved = await open(a1, roomA);
      const staying = await open(a2, roomA);
      const miaA = await open(mia, roomA);
      const plenary = await open(a1, PLENARY_ROOM);

      okData(await mia.call('breakout:assign', { roundId, personId: idOf(a1), roomId: roomB }));
      expect(await closeCodeOf(moved)).toBe(COLLAB_CLOSE.accessRevoked);
      expect(moved.closeCodes).toEqual([COLLAB_CLOSE.accessRevoked]);

      // Nobody else lost their connection: the remaining member's edit still reaches the moderation.
      writeParagraph(staying.doc, 'Nord macht weiter');
      await waitFor(() => markdownOf(miaA) === 'Nord macht weiter\n', 'the remaining member’s edit');
      expect(staying.closeCodes).toEqual([]);
      expect(miaA.closeCodes).toEqual([]);
      expect(plenary.closeCodes).toEqual([]);
      expect(bNotes.closeCodes).toEqual([]);

      expectError(await tokenAck(a1, roomA), 'forbidden', 'roomId');
      const next = await grant(a1, roomB);
      expect(next).toEqual({ docName: docOf(roomB), token: expect.any(String), mode: 'edit' });
      const newRoom = harness.collab(server, next);
      await waitFor(() => newRoom.provider.synced && markdownOf(newRoom) === 'Süd war zuerst da\n', 'the new room’s notes');
      expect(await renderedMarkdown(roomA)).toBe('Nord macht weiter\n');
    });

    it('removing a participant closes all their notes connections with accessRevoked', async () => {
      await start();
      await prepareRound();
      await openRound();
      const removedPlenary = await open(b2, PLENARY_ROOM);
      const removedRoom = await open(b2, roomB);
      const otherRoom = await open(b1, roomB);
      const otherPlenary = await open(a1, PLENARY_ROOM);
      expect(server.app.collab.stats().connections).toBe(4);

      okData(await mia.call('people:remove', { personId: idOf(b2) }));
      expect(await closeCodeOf(removedPlenary)).toBe(COLLAB_CLOSE.accessRevoked);
      expect(await closeCodeOf(removedRoom)).toBe(COLLAB_CLOSE.accessRevoked);
      expect(server.app.collab.connectedClaims().map((claims) => claims.personId).sort()).toEqual([idOf(a1), idOf(b1)].sort());

      writeParagraph(otherPlenary.doc, 'Plenum läuft weiter');
      writeParagraph(otherRoom.doc, 'Süd läuft weiter');
      await waitFor(
        async () => (await renderedMarkdown(PLENARY_ROOM)) === 'Plenum läuft weiter\n' && (await renderedMarkdown(roomB)) === 'Süd läuft weiter\n',
        'the others still edit',
      );
      expect(otherPlenary.closeCodes).toEqual([]);
      expect(otherRoom.closeCodes).toEqual([]);
    });

    it('closing the round: members’ edit connections close with accessRevoked, they get read tokens whose edits are dropped; the moderation keeps editing', async () => {
      await start();
      await prepareRound();
      await openRound();
      const aNotes = await open(a1, roomA);
      const bNotes = await open(b1, roomB);
      const miaA = await open(mia, roomA);
      const plenary = await open(a2, PLENARY_ROOM);
      writeParagraph(aNotes.doc, 'Ergebnis Nord');
      await waitFor(() => markdownOf(miaA) === 'Ergebnis Nord\n', 'the member’s result');

      okData(await mia.call('breakout:close', { roundId, roomId: null }));
      expect(await closeCodeOf(aNotes)).toBe(COLLAB_CLOSE.accessRevoked);
      expect(await closeCodeOf(bNotes)).toBe(COLLAB_CLOSE.accessRevoked);
      await roundTrip(mia);
      expect(miaA.closeCodes).toEqual([]);
      expect(plenary.closeCodes).toEqual([]);

      // Members may now read their room; the other room stays closed to them.
      expect(await grant(a1, roomA)).toEqual({ docName: docOf(roomA), token: expect.any(String), mode: 'read' });
      expect(await grant(b1, roomB)).toEqual({ docName: docOf(roomB), token: expect.any(String), mode: 'read' });
      expectError(await tokenAck(a1, roomB), 'forbidden', 'roomId');
      expect((await grant(cem, roomA)).mode).toBe('edit');
      expect((await grant(a2, PLENARY_ROOM)).mode).toBe('edit');

      const reader = await open(a1, roomA);
      expect(markdownOf(reader)).toBe('Ergebnis Nord\n');
      writeParagraph(reader.doc, 'Nachtrag nach Schluss');
      await handled(reader, miaA, 'after-close');
      expect(await renderedMarkdown(roomA)).toBe('Ergebnis Nord\n');
      expect(markdownOf(miaA)).toBe('Ergebnis Nord\n');

      writeParagraph(miaA.doc, 'Ergänzung der Moderation');
      await waitFor(() => markdownOf(reader).includes('Ergänzung der Moderation'), 'the moderation’s edit at the reader');
      expect(await renderedMarkdown(roomA)).toBe('Ergebnis Nord\n\nErgänzung der Moderation\n');
      expect(await storedMarkdown(roomA)).toBe('Ergebnis Nord\n\nErgänzung der Moderation\n');
      // A reader is not closed again: reading is what its token says.
      expect(reader.closeCodes).toEqual([]);
    });

    it('closing one room early revokes only its members’ edit connections', async () => {
      await start();
      await prepareRound();
      await openRound();
      const aNotes = await open(a1, roomA);
      const bNotes = await open(b1, roomB);
      const miaB = await open(mia, roomB);

      okData(await mia.call('breakout:close', { roundId, roomId: roomA }));
      expect(await closeCodeOf(aNotes)).toBe(COLLAB_CLOSE.accessRevoked);
      writeParagraph(bNotes.doc, 'Süd arbeitet weiter');
      await waitFor(() => markdownOf(miaB) === 'Süd arbeitet weiter\n', 'room B still edits');
      expect(bNotes.closeCodes).toEqual([]);
      expect((await grant(a1, roomA)).mode).toBe('read');
      expect((await grant(b1, roomB)).mode).toBe('edit');
    });

    it('when the round’s time (deadline + grace) runs out, the periodic check closes members’ edit connections', async () => {
      // Counts finished reads of the rounds: the periodic check reads them once per run.
      let roundReads = 0;
      await start({
        accessCheckMs: FAST_CHECK_MS,
        wrapStore: (store) => ({
          ...store,
          async getBreakouts(workshopId: string) {
            const result = await store.getBreakouts(workshopId);
            roundReads++;
            return result;
          },
        }),
      });
      await prepareRound();
      const { deadline, returnAt } = await openRound();
      const member = await open(a1, roomA);
      const cemA = await open(cem, roomA);
      const miaA = await open(mia, roomA);

      // Returning (past the deadline, within the grace period): members still edit, checks or not.
      clock.set(deadline + 30 * SECOND_MS);
      const readsBefore = roundReads;
      await waitFor(() => roundReads >= readsBefore + 3, 'a few access checks while returning');
      writeParagraph(member.doc, 'Letzter Gedanke');
      await waitFor(() => markdownOf(cemA) === 'Letzter Gedanke\n', 'the member’s edit while returning');
      expect(member.closeCodes).toEqual([]);
      expect((await grant(a1, roomA)).mode).toBe('edit');

      clock.set(returnAt);
      // Within a few checks (well before the app's default interval of 2 s would come into play).
      expect(await closeCodeOf(member, 30 * FAST_CHECK_MS)).toBe(COLLAB_CLOSE.accessRevoked);
      expect(member.closeCodes).toEqual([COLLAB_CLOSE.accessRevoked]);
      expect(server.app.collab.connectedClaims().map((claims) => [claims.personId, claims.mode])).toEqual(
        expect.arrayContaining([
          [idOf(cem), 'edit'],
          [idOf(mia), 'edit'],
        ]),
      );
      expect(server.app.collab.stats().connections).toBe(2);
      expect((await grant(a1, roomA)).mode).toBe('read');
      writeParagraph(miaA.doc, 'Moderation fasst zusammen');
      await waitFor(() => markdownOf(cemA) === 'Letzter Gedanke\n\nModeration fasst zusammen\n', 'the moderation still edits');
      expect(cemA.closeCodes).toEqual([]);
    });
  });

  describe('tokens that must not open a document', () => {
    it('a token fetched before a move does not open the old room afterwards', async () => {
      await start();
      await prepareRound();
      await openRound();
      const early = await grant(a1, roomA);
      okData(await mia.call('breakout:assign', { roundId, personId: idOf(a1), roomId: roomB }));
      // The token has not expired (same clock): the server must check the access again at connect time.
      const stale = harness.collab(server, early);
      const outcome = await waitFor(
        () => (stale.closed ? `closed ${stale.closed.code}` : stale.provider.synced ? 'synced' : undefined),
        'the stale token’s connection to be refused or served',
      );
      expect(outcome).toBe(`closed ${COLLAB_CLOSE.accessRevoked}`);
    });

    it('a token fetched before a removal does not open the plenary afterwards, and writes nothing', async () => {
      await start();
      const [ana, ben] = participants as [TestClient, TestClient];
      const early = await grant(ana, PLENARY_ROOM);
      const benNotes = await open(ben, PLENARY_ROOM);
      okData(await mia.call('people:remove', { personId: idOf(ana) }));
      const stale = harness.collab(server, early);
      writeParagraph(stale.doc, 'Ich bin noch da');
      const outcome = await waitFor(
        () => (stale.closed ? `closed ${stale.closed.code}` : stale.provider.synced ? 'synced' : undefined),
        'the stale token’s connection to be refused or served',
      );
      if (outcome === 'synced') await handled(stale, benNotes, 'stale');
      expect(await renderedMarkdown(PLENARY_ROOM)).toBe('');
      expect(outcome).toBe(`closed ${COLLAB_CLOSE.accessRevoked}`);
    });

    it('an edit token fetched before the round closed does not write into the closed room', async () => {
      await start();
      await prepareRound();
      await openRound();
      const early = await grant(a1, roomA);
      const miaA = await open(mia, roomA);
      okData(await mia.call('breakout:close', { roundId, roomId: null }));
      const stale = harness.collab(server, early);
      writeParagraph(stale.doc, 'Nach Schluss geschrieben');
      const outcome = await waitFor(
        () => (stale.closed ? `closed ${stale.closed.code}` : stale.provider.synced ? 'synced' : undefined),
        'the stale token’s connection to be refused or served',
      );
      if (outcome === 'synced') await handled(stale, miaA, 'stale');
      expect(await renderedMarkdown(roomA)).toBe('');
      expect(outcome).toBe(`closed ${COLLAB_CLOSE.accessRevoked}`);
    });

    it('a token for one document is refused on another document’s URL (documentMismatch)', async () => {
      await start();
      await prepareRound();
      await openRound();
      const plenaryGrant = await grant(a1, PLENARY_ROOM);
      const wrong = harness.collab(server, { docName: docOf(roomA), token: plenaryGrant.token });
      expect(await closeCodeOf(wrong)).toBe(COLLAB_CLOSE.documentMismatch);
      expect(wrong.closeCodes).toEqual([COLLAB_CLOSE.documentMismatch]);
      expect(wrong.provider.synced).toBe(false);
      // The same token on its own document works.
      const right = harness.collab(server, plenaryGrant);
      await waitFor(() => right.provider.synced, 'the token on its own document');
      expect(server.app.collab.connectedClaims()).toEqual([
        { doc: docOf(PLENARY_ROOM), mode: 'edit', personId: idOf(a1), workshopId: workshop.id },
      ]);
    });

    it('an expired token is refused (expiredToken); one a moment younger is accepted', async () => {
      await start();
      const [ana, ben] = participants as [TestClient, TestClient];
      const old = await grant(ana, PLENARY_ROOM);
      const young = await grant(ben, PLENARY_ROOM);
      clock.advance(COLLAB_TOKEN_TTL_MS - 1);
      const accepted = harness.collab(server, young);
      await waitFor(() => accepted.provider.synced, 'a token 59.999 s old');
      clock.advance(2);
      const refused = harness.collab(server, old);
      expect(await closeCodeOf(refused)).toBe(COLLAB_CLOSE.expiredToken);
      expect(refused.provider.synced).toBe(false);
      expect(server.app.collab.stats().connections).toBe(1);
    });

    it('a tampered or missing token is refused (invalidToken, missingToken)', async () => {
      await start();
      const answer = await grant(participants[0]!, PLENARY_ROOM);
      const [body, signature] = answer.token.split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forgedBody = Buffer.from(JSON.stringify({ ...claims, mode: 'edit', personId: idOf(mia) })).toString('base64url');
      const tampered = harness.collab(server, { docName: answer.docName, token: `${forgedBody}.${signature}` });
      expect(await closeCodeOf(tampered)).toBe(COLLAB_CLOSE.invalidToken);
      const missing = harness.collab(server, { docName: answer.docName, token: '' });
      expect(await closeCodeOf(missing)).toBe(COLLAB_CLOSE.missingToken);
    });
  });

  describe('preview', () => {
    it('facilitators get a room’s notes as HTML with the text escaped; participants are refused; unknown rooms are invalid', async () => {
      await start();
      await prepareRound();
      await openRound();
      const miaA = await open(mia, roomA);
      writeParagraph(miaA.doc, '<b>x</b> & "y"');
      const plenary = await open(a1, PLENARY_ROOM);
      writeParagraph(plenary.doc, '<script>alert(1)</script>');

      const expectedA = '<p>&lt;b&gt;x&lt;/b&gt; &amp; "y"</p>';
      await waitFor(async () => okData(await mia.call('notes:preview', { roomId: roomA })).html === expectedA, 'the escaped preview');
      expect(okData(await cem.call('notes:preview', { roomId: roomA }))).toEqual({ html: expectedA });
      await waitFor(
        async () => okData(await cem.call('notes:preview', { roomId: PLENARY_ROOM })).html === '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
        'the escaped plenary preview',
      );
      expect(okData(await mia.call('notes:preview', { roomId: roomB }))).toEqual({ html: '' });

      // Participants, members of the room included, may not look into rooms.
      for (const client of participants) {
        expectError(await client.call('notes:preview', { roomId: roomA }), 'forbidden');
        expectError(await client.call('notes:preview', { roomId: PLENARY_ROOM }), 'forbidden');
      }
      expectError(await mia.call('notes:preview', { roomId: 'r-nowhere' }), 'invalid_state', 'roomId');
      expectError(await cem.call('notes:preview', { roomId: 'r-nowhere' }), 'invalid_state', 'roomId');
    });
  });

  describe('HTTP', () => {
    it('renders plenary and room notes as HTML and Markdown for the moderation keys; refuses bad formats, rooms and keys', async () => {
      await start();
      await prepareRound();
      await openRound();
      const room = await open(a1, roomA);
      writeParagraph(room.doc, 'Netzwerk *Nord* <3');
      const plenary = await open(b1, PLENARY_ROOM);
      writeParagraph(plenary.doc, 'Begrüßung & Ziele');
      await waitFor(async () => (await renderedMarkdown(roomA)) !== '' && (await renderedMarkdown(PLENARY_ROOM)) !== '', 'both notes stored');

      expect(await getNotes(roomA, '?format=markdown')).toEqual({
        status: 200,
        type: 'text/markdown; charset=utf-8',
        auth: null,
        body: 'Netzwerk \\*Nord\\* \\<3\n',
      });
      expect(await getNotes(roomA, '?format=html')).toEqual({
        status: 200,
        type: 'text/html; charset=utf-8',
        auth: null,
        body: '<p>Netzwerk *Nord* &lt;3</p>',
      });
      // HTML is the default.
      expect((await getNotes(roomA, '')).body).toBe('<p>Netzwerk *Nord* &lt;3</p>');
      expect(await getNotes(PLENARY_ROOM, '?format=markdown')).toMatchObject({ status: 200, body: 'Begrüßung & Ziele\n' });
      expect(await getNotes(PLENARY_ROOM, '?format=html', workshop.keys.coModerator)).toMatchObject({
        status: 200,
        type: 'text/html; charset=utf-8',
        body: '<p>Begrüßung &amp; Ziele</p>',
      });
      // A room nobody opened yet is empty, not missing.
      expect(await getNotes(roomB, '?format=markdown')).toMatchObject({ status: 200, body: '' });

      const pdf = await getNotes(roomA, '?format=pdf');
      expect(pdf.status).toBe(400);
      expect(JSON.parse(pdf.body)).toEqual({ error: { code: 'invalid_payload', message: expect.any(String), field: 'format' } });

      const unknown = await getNotes('r-nowhere', '?format=markdown');
      expect(unknown.status).toBe(404);
      expect(JSON.parse(unknown.body)).toEqual({ error: { code: 'not_found', message: expect.any(String) } });

      const participant = await getNotes(roomA, '?format=markdown', workshop.secrets.participant);
      expect(participant.status).toBe(403);
      expect(JSON.parse(participant.body)).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });

      const anonymous = await getNotes(roomA, '?format=markdown', null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.auth).toBe('Bearer');
      expect(JSON.parse(anonymous.body)).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    });
  });

  describe('upgrade routing', () => {
    it('refuses upgrades outside /collab/ and /socket.io/ by destroying the socket; socket.io and collab keep working', async () => {
      await start();
      const [ana] = participants as [TestClient];
      for (const path of ['/elsewhere', '/collab', '/collabx/notes']) {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`);
        const events: string[] = [];
        ws.on('open', () => events.push('open'));
        ws.on('unexpected-response', () => events.push('unexpected-response'));
        ws.on('error', (error) => events.push(`error ${error.message}`));
        const code = await new Promise<number>((resolve) => ws.on('close', (closeCode) => resolve(closeCode)));
        expect({ path, code, events }).toEqual({ path, code: 1006, events: ['error socket hang up'] });
      }

      // socket.io still answers on the same port, for joined clients and new ones.
      await roundTrip(ana);
      const late = await harness.join(server, workshop, 'participant', 'Eva');
      expect(late.snapshot!.people.map((person) => person.displayName).sort()).toEqual(['Ana', 'Ben', 'Cem', 'Cleo', 'Dan', 'Eva', 'Mia']);
      expect((await grant(late, PLENARY_ROOM)).mode).toBe('edit');
      const notes = await open(late, PLENARY_ROOM);
      expect(notes.closeCodes).toEqual([]);
    });
  });
});
