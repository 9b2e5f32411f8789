import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, addCluster, readBoard, updateItem, type BoardSnapshot, type CardItem } from '@werkraum/shared/board';
import { assignRandom } from '@werkraum/shared/breakoutAssignment';
import { COLLAB_CLOSE } from '@werkraum/shared/closeCodes';
import type { Ack } from '@werkraum/shared/errors';
import type { AgendaBlockView, BoardState, BreakoutRound, ClientEvents, CollabGrant } from '@werkraum/shared/protocol';
import { PLENARY_ROOM, draftDocName, roomDocName } from '@werkraum/shared/rooms';
import { boardExportText } from '../board/exportText.js';
import { renderBoardSvg } from '../board/render.js';
import { verifyCollabToken } from '../collab/tokens.js';
import type { Store } from '../store/types.js';
import { gatedStore, type GatedStore } from '../test/gatedStore.js';
import { okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { NotesHarness, TEST_COLLAB_SECRET, type CollabClient } from '../test/notesHarness.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

/** Planned start of the test workshop; the test clock starts five minutes before. */
const STARTS_AT = '2026-12-01T14:00:00+01:00';
const T0 = Date.parse(STARTS_AT);
/** The seed every random assignment of the test server uses. */
const SEED = 20_261_201;
/** Access checks against the clock: an hour, so no periodic check interferes within a test. */
const NO_PERIODIC_CHECK_MS = 60 * MINUTE_MS;
const PARTICIPANT_NAMES = ['Ana', 'Ben', 'Cleo', 'Dan'] as const;

const idOf = (client: TestClient) => client.snapshot!.session.personId;

/** Asserts a refused acknowledgement with exactly `code` and `field` (undefined: the error names no field). */
function expectError(ack: Ack<unknown>, code: string, field?: string) {
  expect(ack.ok, `expected error ${code}, got ${JSON.stringify(ack)}`).toBe(false);
  if (ack.ok) return;
  expect({ code: ack.error.code, field: ack.error.field }).toEqual({ code, field });
  expect(ack.error.message.length).toBeGreaterThan(0);
}

/** One socket round trip: everything the server sent this client before the answer has arrived. */
async function roundTrip(client: TestClient): Promise<void> {
  okData(await client.call('clock:ping', {}));
}

/** The cards of a board as text and author, sorted by text (for comparing boards written concurrently). */
const cardTexts = (snapshot: BoardSnapshot) =>
  snapshot.cards.map((card) => ({ text: card.text, authorId: card.authorId, authorName: card.authorName })).sort((a, b) => a.text.localeCompare(b.text));

/** The fields a card keeps when it moves from someone's drafts onto the board. */
const cardContent = (card: CardItem) => ({
  text: card.text,
  color: card.color,
  x: card.x,
  y: card.y,
  w: card.w,
  h: card.h,
  authorId: card.authorId,
  authorName: card.authorName,
  clusterId: card.clusterId,
  locked: card.locked,
});

describe('whiteboard over the app port', () => {
  const harness = new NotesHarness();
  let clock: TestClock;
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mia: TestClient;
  let cem: TestClient;
  /** Four participants: Ana, Ben, Cleo, Dan. */
  let participants: TestClient[];
  let roundId: string;
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

  async function start(options: { wrapStore?: (store: Store) => Store } = {}): Promise<void> {
    clock = new TestClock(T0 - 5 * MINUTE_MS);
    server = await harness.startNotes({
      now: clock.now,
      randomSeed: () => SEED,
      accessCheckMs: NO_PERIODIC_CHECK_MS,
      ...(options.wrapStore ? { wrapStore: options.wrapStore } : {}),
    });
    workshop = await harness.createWorkshop(server, { title: 'Netzwerktreffen', startsAt: STARTS_AT, language: 'de' });
    mia = await harness.join(server, workshop, 'moderator', 'Mia');
    cem = await harness.join(server, workshop, 'coModerator', 'Cem');
    participants = [];
    for (const name of PARTICIPANT_NAMES) participants.push(await harness.join(server, workshop, 'participant', name));
  }

  const everyone = () => [mia, cem, ...participants];
  const nameOf = (client: TestClient) => client.snapshot!.people.find((person) => person.id === idOf(client))?.displayName ?? '?';
  const boardDoc = (roomId: string) => roomDocName('board', workshop.id, roomId);
  const draftsDoc = (roomId: string, client: TestClient) => draftDocName(workshop.id, roomId, idOf(client));

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
    await addBlock(breakout, 'Abschluss', 'closing', 5);
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
    expect(round.notesTemplate).toBe(notesTemplate);
    [roomA, roomB] = round.rooms.map((room) => room.id) as [string, string];
  }

  /** Starts the workshop at T0 and the breakout block at T0 + 5 min, which opens the round with the fixed seed. */
  async function openRound(): Promise<void> {
    clock.set(T0);
    okData(await mia.call('agenda:control', { action: 'start' }));
    clock.advance(5 * MINUTE_MS);
    okData(await mia.call('agenda:control', { action: 'next' }));
    const round = await serverRound();
    expect(round.openedAt).toBe(clock.ms);
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
    expect(inRoom(roomA)).toHaveLength(2);
    expect(inRoom(roomB)).toHaveLength(2);
    [a1, a2] = inRoom(roomA) as [TestClient, TestClient];
    [b1, b2] = inRoom(roomB) as [TestClient, TestClient];
  }

  function tokenAck(client: TestClient, roomId: string, drafts?: boolean): Promise<Ack<CollabGrant>> {
    return client.call('board:token', drafts === undefined ? { roomId } : { roomId, drafts });
  }

  async function grant(client: TestClient, roomId: string, drafts?: boolean): Promise<CollabGrant> {
    return okData(await tokenAck(client, roomId, drafts));
  }

  /** A provider on a room's board (or on this person's drafts of it) with a fresh token, synced with the server. */
  async function open(client: TestClient, roomId: string, drafts = false): Promise<CollabClient> {
    const collab = harness.collab(server, await grant(client, roomId, drafts));
    await waitFor(() => collab.provider.synced, `${nameOf(client)} synced on the ${drafts ? 'drafts' : 'board'} of ${roomId}`);
    return collab;
  }

  /** Waits until the provider gave up with a permanent close code and returns that code. */
  async function closeCodeOf(collab: CollabClient): Promise<number> {
    return (await waitFor(() => collab.closed, 'the connection closed by the server')).code;
  }

  /** A document as the collaboration server holds it now (memory, else store). */
  async function serverBoard(docName: string): Promise<BoardSnapshot> {
    const doc = await server.app.collab.snapshot(docName);
    try {
      return readBoard(doc);
    } finally {
      doc.destroy();
    }
  }

  /** A document read fresh from the store (not the server's memory). */
  async function storedDoc(docName: string): Promise<Y.Doc> {
    await server.app.collab.flush();
    const doc = new Y.Doc();
    for (const update of (await server.store.collab.loadDocument(docName)).updates) Y.applyUpdate(doc, update);
    return doc;
  }

  async function storedBoard(docName: string): Promise<BoardSnapshot> {
    const doc = await storedDoc(docName);
    try {
      return readBoard(doc);
    } finally {
      doc.destroy();
    }
  }

  /**
   * The SVG the server must answer for 'board:preview' of a board with these dot counts: in the
   * workshop's language (German), naming nobody (nobody here chose to be listed in the documentation).
   */
  async function expectedSvg(roomId: string, counts: Record<string, number>, named: string[] = []): Promise<string> {
    const doc = await server.app.collab.snapshot(boardDoc(roomId));
    const german = boardExportText('de');
    try {
      return renderBoardSvg(doc, {
        votes: counts,
        showVotes: true,
        namedAuthorIds: new Set(named),
        hyphenate: german.hyphenate,
        title: german.title,
        describe: german.description,
      });
    } finally {
      doc.destroy();
    }
  }

  async function stateOf(client: TestClient, roomId: string): Promise<BoardState> {
    return okData(await client.call('board:state', { roomId }));
  }

  /** After a round trip on every client: each has received exactly `n` 'board:changed' for `roomId`, and no other. */
  async function expectChanges(n: number, roomId: string): Promise<void> {
    for (const client of everyone()) await roundTrip(client);
    for (const client of everyone()) {
      const events = client.eventsOf('board:changed').filter((event) => event.roomId === roomId);
      expect({ who: nameOf(client), events }).toEqual({ who: nameOf(client), events: Array(n).fill({ roomId }) });
    }
  }

  const voting = (overrides: Partial<BoardState['voting']>): BoardState['voting'] => ({
    status: 'open',
    dotsPerPerson: 2,
    target: 'cards',
    revealed: false,
    myVotes: [],
    counts: null,
    voters: 0,
    ...overrides,
  });

  describe('tokens and editing', () => {
    it('everyone edits the plenary board; a breakout board only its members and the moderation, once the round opened', async () => {
      await start();
      for (const client of everyone()) {
        const answer = await grant(client, PLENARY_ROOM);
        expect(answer).toEqual({ docName: `board:${workshop.id}:plenary`, token: expect.any(String), mode: 'edit' });
        expect(verifyCollabToken(TEST_COLLAB_SECRET, answer.token, clock.ms)).toMatchObject({
          ok: true,
          claims: { doc: `board:${workshop.id}:plenary`, mode: 'edit', personId: idOf(client), workshopId: workshop.id },
        });
      }

      await prepareRound();
      for (const client of participants) {
        for (const roomId of [roomA, roomB]) expectError(await tokenAck(client, roomId), 'forbidden', 'roomId');
      }
      expect(await grant(mia, roomA)).toEqual({ docName: boardDoc(roomA), token: expect.any(String), mode: 'edit' });

      await openRound();
      for (const [roomId, members, others] of [
        [roomA, [a1, a2], [b1, b2]],
        [roomB, [b1, b2], [a1, a2]],
      ] as const) {
        for (const client of [...members, mia, cem]) {
          const answer = await grant(client, roomId);
          expect(answer).toEqual({ docName: boardDoc(roomId), token: expect.any(String), mode: 'edit' });
          expect(verifyCollabToken(TEST_COLLAB_SECRET, answer.token, clock.ms)).toMatchObject({
            ok: true,
            claims: { doc: boardDoc(roomId), mode: 'edit', personId: idOf(client), workshopId: workshop.id },
          });
        }
        for (const client of others) {
          expectError(await tokenAck(client, roomId), 'forbidden', 'roomId');
          expectError(await tokenAck(client, roomId, true), 'forbidden', 'roomId');
        }
      }
      for (const client of [mia, a1]) expectError(await tokenAck(client, 'r-nowhere'), 'forbidden', 'roomId');
    });

    it('two participants add cards to the plenary board concurrently; they converge and the stored board has both', async () => {
      await start();
      const [ana, ben] = participants as [TestClient, TestClient];
      const anaBoard = await open(ana, PLENARY_ROOM);
      const benBoard = await open(ben, PLENARY_ROOM);
      expect(server.app.collab.stats()).toEqual({ documents: 1, connections: 2 });

      // Both write before seeing the other's card.
      addCard(anaBoard.doc, { text: 'Wir kennen uns aus dem Projekt', x: 0, y: 0, authorId: idOf(ana), authorName: 'Ana' });
      addCard(benBoard.doc, { text: 'Monatliches Treffen', x: 200, y: 0, authorId: idOf(ben), authorName: 'Ben' });
      await waitFor(() => readBoard(anaBoard.doc).cards.length === 2 && readBoard(benBoard.doc).cards.length === 2, 'both cards on both sides');

      const converged = readBoard(anaBoard.doc);
      expect(readBoard(benBoard.doc)).toEqual(converged);
      expect(cardTexts(converged)).toEqual([
        { text: 'Monatliches Treffen', authorId: idOf(ben), authorName: 'Ben' },
        { text: 'Wir kennen uns aus dem Projekt', authorId: idOf(ana), authorName: 'Ana' },
      ]);
      expect(await serverBoard(boardDoc(PLENARY_ROOM))).toEqual(converged);
      expect(await storedBoard(boardDoc(PLENARY_ROOM))).toEqual(converged);
      // The moderation's preview draws the same board.
      expect(okData(await mia.call('board:preview', { roomId: PLENARY_ROOM }))).toEqual({ svg: await expectedSvg(PLENARY_ROOM, {}) });
    });

    it('two members of a breakout room converge on their board; the other room’s board stays empty', async () => {
      await start();
      await prepareRound();
      await openRound();
      const first = await open(a1, roomA);
      const second = await open(a2, roomA);
      const miaA = await open(mia, roomA);
      const otherRoom = await open(b1, roomB);

      const clusterId = addCluster(miaA.doc, { title: 'Ideen', x: 0, y: 0 });
      await waitFor(() => readBoard(first.doc).clusters.length === 1 && readBoard(second.doc).clusters.length === 1, 'the cluster at both members');
      addCard(first.doc, { text: 'Stammtisch', x: 500, y: 0, authorId: idOf(a1), authorName: nameOf(a1), clusterId });
      addCard(second.doc, { text: 'Newsletter', x: 700, y: 0, authorId: idOf(a2), authorName: nameOf(a2) });
      await waitFor(
        () => [first, second, miaA].every((collab) => readBoard(collab.doc).cards.length === 2),
        'both cards at both members and the moderation',
      );

      const converged = readBoard(first.doc);
      expect(readBoard(second.doc)).toEqual(converged);
      expect(readBoard(miaA.doc)).toEqual(converged);
      expect(cardTexts(converged)).toEqual([
        { text: 'Newsletter', authorId: idOf(a2), authorName: nameOf(a2) },
        { text: 'Stammtisch', authorId: idOf(a1), authorName: nameOf(a1) },
      ]);
      expect(converged.cards.find((card) => card.text === 'Stammtisch')?.clusterId).toBe(clusterId);
      expect(await serverBoard(boardDoc(roomA))).toEqual(converged);
      expect(await storedBoard(boardDoc(roomA))).toEqual(converged);

      expect(readBoard(otherRoom.doc).items).toEqual([]);
      expect((await storedBoard(boardDoc(roomB))).items).toEqual([]);
      expect(okData(await cem.call('board:preview', { roomId: roomA }))).toEqual({ svg: await expectedSvg(roomA, {}) });
    });

    it('refuses an update that writes another root than items/settings (4400); the board and the other editors are unaffected', async () => {
      await start();
      const [ana, ben, cleo] = participants as [TestClient, TestClient, TestClient];
      const anaBoard = await open(ana, PLENARY_ROOM);
      const benBoard = await open(ben, PLENARY_ROOM);
      addCard(benBoard.doc, { text: 'Bleibt lesbar', x: 0, y: 0, authorId: idOf(ben), authorName: 'Ben' });
      await waitFor(() => readBoard(anaBoard.doc).cards.length === 1, 'Ben’s card arrives');
      const before = readBoard(benBoard.doc);

      anaBoard.doc.getText('x').insert(0, 'y');
      expect(await closeCodeOf(anaBoard)).toBe(COLLAB_CLOSE.badMessage);
      expect(anaBoard.closeCodes).toEqual([COLLAB_CLOSE.badMessage]);

      // A value that is not an item map, directly in 'items', is refused too.
      const cleoBoard = await open(cleo, PLENARY_ROOM);
      cleoBoard.doc.getMap('items').set('not-an-item', 'text');
      expect(await closeCodeOf(cleoBoard)).toBe(COLLAB_CLOSE.badMessage);

      // The same rules hold for a drafts document (there only while private writing is on).
      okData(await mia.call('board:setPrivateWriting', { roomId: PLENARY_ROOM, on: true }));
      const drafts = await open(ana, PLENARY_ROOM, true);
      drafts.doc.getArray('other').insert(0, [1]);
      expect(await closeCodeOf(drafts)).toBe(COLLAB_CLOSE.badMessage);

      const inMemory = await server.app.collab.snapshot(boardDoc(PLENARY_ROOM));
      expect([...inMemory.share.keys()].sort()).toEqual(['items']);
      inMemory.destroy();
      const stored = await storedDoc(boardDoc(PLENARY_ROOM));
      expect([...stored.share.keys()].sort()).toEqual(['items']);
      expect(readBoard(stored)).toEqual(before);
      stored.destroy();
      const storedDrafts = await storedDoc(draftsDoc(PLENARY_ROOM, ana));
      expect([...storedDrafts.share.keys()]).toEqual([]);
      storedDrafts.destroy();

      // Ben was not affected: his next card still goes through (straight onto the board once private writing is off).
      okData(await mia.call('board:setPrivateWriting', { roomId: PLENARY_ROOM, on: false }));
      addCard(benBoard.doc, { text: 'Weiter geht’s', x: 200, y: 0, authorId: idOf(ben), authorName: 'Ben' });
      await waitFor(async () => (await serverBoard(boardDoc(PLENARY_ROOM))).cards.length === 2, 'Ben’s second card stored');
      expect(benBoard.closeCodes).toEqual([]);
      expect(await serverBoard(boardDoc(PLENARY_ROOM))).toEqual(readBoard(benBoard.doc));
    });
  });

  describe('dot voting', () => {
    it('the moderation runs dot voting; the server enforces the dots, hides counts until revealed, and tells the workshop', async () => {
      await start();
      await prepareRound();
      await openRound();
      const member = await open(a1, roomA);
      const miaA = await open(mia, roomA);
      const c1 = addCard(member.doc, { text: 'Mehr Austausch', x: 0, y: 0, authorId: idOf(a1), authorName: nameOf(a1) });
      const c2 = addCard(member.doc, { text: 'Weniger Mails', x: 200, y: 0, authorId: idOf(a1), authorName: nameOf(a1) });
      const cluster = addCluster(miaA.doc, { title: 'Themen', x: 0, y: 300 });
      await waitFor(async () => (await serverBoard(boardDoc(roomA))).items.length === 3, 'two cards and a cluster on the server');

      const initial: BoardState = {
        roomId: roomA,
        privateWriting: false,
        voting: { status: 'none', dotsPerPerson: 3, target: 'cards', revealed: false, myVotes: [], counts: null, voters: 0 },
      };
      expect(await stateOf(a1, roomA)).toEqual(initial);
      expect(await stateOf(mia, roomA)).toEqual({ ...initial, voting: { ...initial.voting, counts: {} } });
      expectError(await b1.call('board:state', { roomId: roomA }), 'forbidden', 'roomId');

      // Participants cannot start voting: members are not the moderation, others are not even in the room.
      expectError(await a1.call('board:startVoting', { roomId: roomA, dotsPerPerson: 2, target: 'cards' }), 'forbidden');
      expectError(await b1.call('board:startVoting', { roomId: roomA, dotsPerPerson: 2, target: 'cards' }), 'forbidden', 'roomId');
      // No voting yet: no dots.
      expectError(await a1.call('board:vote', { roomId: roomA, itemId: c1 }), 'invalid_state');
      await expectChanges(0, roomA);

      expect(okData(await mia.call('board:startVoting', { roomId: roomA, dotsPerPerson: 2, target: 'cards' }))).toEqual({
        roomId: roomA,
        privateWriting: false,
        voting: voting({ counts: {} }),
      });
      await expectChanges(1, roomA);

      // Two dots, counts hidden from the participant.
      expect(okData(await a1.call('board:vote', { roomId: roomA, itemId: c1 })).voting).toEqual(voting({ myVotes: [c1], voters: 1 }));
      expect(okData(await a1.call('board:vote', { roomId: roomA, itemId: c2 }))).toEqual({
        roomId: roomA,
        privateWriting: false,
        voting: voting({ myVotes: [c1, c2], voters: 1 }),
      });
      await expectChanges(3, roomA);
      expect((await stateOf(a1, roomA)).voting).toEqual(voting({ myVotes: [c1, c2], voters: 1 }));
      expect((await stateOf(a2, roomA)).voting).toEqual(voting({ voters: 1 }));
      // The moderation sees the counts.
      expect((await stateOf(mia, roomA)).voting).toEqual(voting({ counts: { [c1]: 1, [c2]: 1 }, voters: 1 }));
      expect((await stateOf(cem, roomA)).voting).toEqual(voting({ counts: { [c1]: 1, [c2]: 1 }, voters: 1 }));

      // A third dot is refused, and changes nothing.
      expectError(await a1.call('board:vote', { roomId: roomA, itemId: c1 }), 'invalid_state');
      await expectChanges(3, roomA);
      expect((await stateOf(a1, roomA)).voting.myVotes).toEqual([c1, c2]);

      // Taking one back frees a dot; an item may hold several of one person's dots.
      expect(okData(await a1.call('board:unvote', { roomId: roomA, itemId: c2 })).voting).toEqual(voting({ myVotes: [c1], voters: 1 }));
      expect(okData(await a1.call('board:vote', { roomId: roomA, itemId: c1 })).voting).toEqual(voting({ myVotes: [c1, c1], voters: 1 }));
      await expectChanges(5, roomA);

      // Dots go on cards of this board only.
      expectError(await a2.call('board:vote', { roomId: roomA, itemId: cluster }), 'invalid_state', 'itemId');
      expectError(await a2.call('board:vote', { roomId: roomA, itemId: 'no-such-item' }), 'invalid_state', 'itemId');
      expectError(await a2.call('board:unvote', { roomId: roomA, itemId: c1 }), 'invalid_state', 'itemId');
      // Not in the room: no dots.
      expectError(await b1.call('board:vote', { roomId: roomA, itemId: c1 }), 'forbidden', 'roomId');
      expectError(await b1.call('board:unvote', { roomId: roomA, itemId: c1 }), 'forbidden', 'roomId');
      await expectChanges(5, roomA);

      expect(okData(await a2.call('board:vote', { roomId: roomA, itemId: c2 })).voting).toEqual(voting({ myVotes: [c2], voters: 2 }));
      await expectChanges(6, roomA);
      expect((await stateOf(mia, roomA)).voting).toEqual(voting({ counts: { [c1]: 2, [c2]: 1 }, voters: 2 }));

      // Participants cannot end or reveal.
      expectError(await a1.call('board:endVoting', { roomId: roomA }), 'forbidden');
      expectError(await a1.call('board:revealVotes', { roomId: roomA, revealed: true }), 'forbidden');
      await expectChanges(6, roomA);

      expect(okData(await mia.call('board:endVoting', { roomId: roomA })).voting).toEqual(
        voting({ status: 'closed', counts: { [c1]: 2, [c2]: 1 }, voters: 2 }),
      );
      await expectChanges(7, roomA);
      expectError(await a2.call('board:vote', { roomId: roomA, itemId: c1 }), 'invalid_state');
      expectError(await a2.call('board:unvote', { roomId: roomA, itemId: c2 }), 'invalid_state');
      expectError(await mia.call('board:endVoting', { roomId: roomA }), 'invalid_state');
      await expectChanges(7, roomA);
      // Still hidden from participants after the end.
      expect((await stateOf(a1, roomA)).voting).toEqual(voting({ status: 'closed', myVotes: [c1, c1], voters: 2 }));

      expect(okData(await mia.call('board:revealVotes', { roomId: roomA, revealed: true })).voting).toEqual(
        voting({ status: 'closed', revealed: true, counts: { [c1]: 2, [c2]: 1 }, voters: 2 }),
      );
      await expectChanges(8, roomA);
      expect((await stateOf(a1, roomA)).voting).toEqual(
        voting({ status: 'closed', revealed: true, myVotes: [c1, c1], counts: { [c1]: 2, [c2]: 1 }, voters: 2 }),
      );
      expect((await stateOf(a2, roomA)).voting).toEqual(
        voting({ status: 'closed', revealed: true, myVotes: [c2], counts: { [c1]: 2, [c2]: 1 }, voters: 2 }),
      );
      expectError(await b1.call('board:state', { roomId: roomA }), 'forbidden', 'roomId');
      // The preview draws the dots.
      expect(okData(await mia.call('board:preview', { roomId: roomA }))).toEqual({ svg: await expectedSvg(roomA, { [c1]: 2, [c2]: 1 }) });

      // Hiding again.
      expect(okData(await mia.call('board:revealVotes', { roomId: roomA, revealed: false })).voting.revealed).toBe(false);
      expect((await stateOf(a1, roomA)).voting.counts).toBeNull();
      await expectChanges(9, roomA);

      // Restarting on clusters clears the earlier dots; now cards are refused.
      expect(okData(await mia.call('board:startVoting', { roomId: roomA, dotsPerPerson: 1, target: 'clusters' })).voting).toEqual(
        voting({ dotsPerPerson: 1, target: 'clusters', counts: {} }),
      );
      expectError(await a1.call('board:vote', { roomId: roomA, itemId: c1 }), 'invalid_state', 'itemId');
      expect(okData(await a1.call('board:vote', { roomId: roomA, itemId: cluster })).voting).toEqual(
        voting({ dotsPerPerson: 1, target: 'clusters', myVotes: [cluster], voters: 1 }),
      );
      expect((await stateOf(mia, roomA)).voting.counts).toEqual({ [cluster]: 1 });
      await expectChanges(11, roomA);
    });

    it('votes sent at once never exceed the dots per person', async () => {
      await start();
      const [ana, ben] = participants as [TestClient, TestClient];
      const board = await open(ana, PLENARY_ROOM);
      const card = addCard(board.doc, { text: 'Eine Idee', x: 0, y: 0, authorId: idOf(ana), authorName: 'Ana' });
      await waitFor(async () => (await serverBoard(boardDoc(PLENARY_ROOM))).cards.length === 1, 'the card on the server');
      okData(await cem.call('board:startVoting', { roomId: PLENARY_ROOM, dotsPerPerson: 2, target: 'cards' }));

      const acks = await Promise.all([
        ...Array.from({ length: 5 }, () => ana.call('board:vote', { roomId: PLENARY_ROOM, itemId: card })),
        ...Array.from({ length: 3 }, () => ben.call('board:vote', { roomId: PLENARY_ROOM, itemId: card })),
      ]);
      const outcome = acks.map((ack) => (ack.ok ? 'ok' : ack.error.code));
      expect(outcome.slice(0, 5).sort()).toEqual(['invalid_state', 'invalid_state', 'invalid_state', 'ok', 'ok']);
      expect(outcome.slice(5).sort()).toEqual(['invalid_state', 'ok', 'ok']);
      expect((await stateOf(ana, PLENARY_ROOM)).voting.myVotes).toEqual([card, card]);
      expect((await stateOf(ben, PLENARY_ROOM)).voting.myVotes).toEqual([card, card]);
      expect((await stateOf(mia, PLENARY_ROOM)).voting).toMatchObject({ counts: { [card]: 4 }, voters: 2 });
      await expectChanges(5, PLENARY_ROOM);
    });
  });

  describe('private writing', () => {
    it('members write into their own drafts; nobody else opens them; the reveal moves every draft onto the board', async () => {
      await start();
      await prepareRound();
      await openRound();
      const boardA = await open(a2, roomA);
      const miaA = await open(mia, roomA);

      // Only the moderation switches private writing.
      expectError(await a1.call('board:setPrivateWriting', { roomId: roomA, on: true }), 'forbidden');
      expect(okData(await mia.call('board:setPrivateWriting', { roomId: roomA, on: true }))).toEqual({
        roomId: roomA,
        privateWriting: true,
        voting: { status: 'none', dotsPerPerson: 3, target: 'cards', revealed: false, myVotes: [], counts: {}, voters: 0 },
      });
      await expectChanges(1, roomA);
      expect((await stateOf(a1, roomA)).privateWriting).toBe(true);
      expect((await stateOf(a2, roomA)).privateWriting).toBe(true);

      // Each member's drafts token is for their own drafts document.
      const draftsGrant = await grant(a1, roomA, true);
      expect(draftsGrant).toEqual({ docName: draftsDoc(roomA, a1), token: expect.any(String), mode: 'edit' });
      expect(verifyCollabToken(TEST_COLLAB_SECRET, draftsGrant.token, clock.ms)).toMatchObject({
        ok: true,
        claims: { doc: draftsDoc(roomA, a1), mode: 'edit', personId: idOf(a1), workshopId: workshop.id },
      });
      const othersGrant = await grant(a2, roomA, true);
      expect(othersGrant).toEqual({ docName: draftsDoc(roomA, a2), token: expect.any(String), mode: 'edit' });

      const drafts = harness.collab(server, draftsGrant);
      await waitFor(() => drafts.provider.synced, 'the drafts synced');
      const secret1 = addCard(drafts.doc, { text: 'Geheime Idee', color: 'green', x: 10, y: 20, authorId: idOf(a1), authorName: nameOf(a1) });
      const secret2 = addCard(drafts.doc, { text: 'Noch eine', x: 200, y: 20, authorId: idOf(a1), authorName: nameOf(a1) });
      await waitFor(async () => (await serverBoard(draftsDoc(roomA, a1))).cards.length === 2, 'the drafts on the server');
      const draftCards = readBoard(drafts.doc).cards;
      expect(draftCards.map((card) => card.id).sort()).toEqual([secret1, secret2].sort());

      // The other member's drafts token does not open the first member's drafts.
      const intruder = harness.collab(server, { docName: draftsDoc(roomA, a1), token: othersGrant.token });
      expect(await closeCodeOf(intruder)).toBe(COLLAB_CLOSE.documentMismatch);
      expect(intruder.provider.synced).toBe(false);
      expect(readBoard(intruder.doc).items).toEqual([]);
      // Neither does their board token or the moderation's board token.
      const viaBoard = harness.collab(server, { docName: draftsDoc(roomA, a1), token: (await grant(mia, roomA)).token });
      expect(await closeCodeOf(viaBoard)).toBe(COLLAB_CLOSE.documentMismatch);

      // The second member writes a draft too; someone in room B as well.
      const otherDrafts = harness.collab(server, othersGrant);
      await waitFor(() => otherDrafts.provider.synced, 'the second member’s drafts synced');
      expect(readBoard(otherDrafts.doc).items).toEqual([]);
      addCard(otherDrafts.doc, { text: 'Von nebenan', x: 0, y: 200, authorId: idOf(a2), authorName: nameOf(a2) });
      okData(await mia.call('board:setPrivateWriting', { roomId: roomB, on: true }));
      const roomBDrafts = await open(b1, roomB, true);
      addCard(roomBDrafts.doc, { text: 'Süd privat', x: 0, y: 0, authorId: idOf(b1), authorName: nameOf(b1) });
      await waitFor(
        async () => (await serverBoard(draftsDoc(roomA, a2))).cards.length === 1 && (await serverBoard(draftsDoc(roomB, b1))).cards.length === 1,
        'the other drafts on the server',
      );
      const otherDraftCards = readBoard(otherDrafts.doc).cards;

      // The board does not hold any draft.
      expect((await serverBoard(boardDoc(roomA))).items).toEqual([]);
      expect(readBoard(boardA.doc).items).toEqual([]);
      expect(readBoard(miaA.doc).items).toEqual([]);

      // Only the moderation reveals.
      expectError(await a1.call('board:reveal', { roomId: roomA }), 'forbidden');
      expectError(await b1.call('board:reveal', { roomId: roomA }), 'forbidden', 'roomId');
      expect(okData(await mia.call('board:reveal', { roomId: roomA }))).toEqual({ revealed: 3 });

      const board = await serverBoard(boardDoc(roomA));
      expect(board.cards.map(cardContent).sort((a, b) => a.text.localeCompare(b.text))).toEqual(
        [...draftCards, ...otherDraftCards].map(cardContent).sort((a, b) => a.text.localeCompare(b.text)),
      );
      expect(cardTexts(board)).toEqual([
        { text: 'Geheime Idee', authorId: idOf(a1), authorName: nameOf(a1) },
        { text: 'Noch eine', authorId: idOf(a1), authorName: nameOf(a1) },
        { text: 'Von nebenan', authorId: idOf(a2), authorName: nameOf(a2) },
      ]);
      expect(board.cards.find((card) => card.text === 'Geheime Idee')?.color).toBe('green');
      // Open editors see the revealed cards; the drafts empty out.
      await waitFor(() => readBoard(boardA.doc).cards.length === 3 && readBoard(miaA.doc).cards.length === 3, 'the revealed cards at the editors');
      expect(readBoard(boardA.doc)).toEqual(board);
      await waitFor(() => readBoard(drafts.doc).items.length === 0 && readBoard(otherDrafts.doc).items.length === 0, 'the drafts emptied at their writers');
      expect((await serverBoard(draftsDoc(roomA, a1))).items).toEqual([]);
      expect((await storedBoard(draftsDoc(roomA, a1))).items).toEqual([]);
      expect((await storedBoard(draftsDoc(roomA, a2))).items).toEqual([]);
      expect(await storedBoard(boardDoc(roomA))).toEqual(board);
      // Room B's drafts are not touched by room A's reveal.
      expect(cardTexts(await serverBoard(draftsDoc(roomB, b1)))).toEqual([{ text: 'Süd privat', authorId: idOf(b1), authorName: nameOf(b1) }]);
      expect((await serverBoard(boardDoc(roomB))).items).toEqual([]);

      // A second reveal finds nothing more.
      expect(okData(await mia.call('board:reveal', { roomId: roomA }))).toEqual({ revealed: 0 });
      expect((await serverBoard(boardDoc(roomA))).cards).toHaveLength(3);
      // The reveal changes cards, not the room's state: no 'board:changed'.
      await expectChanges(1, roomA);
      expect([drafts, otherDrafts, boardA, miaA, roomBDrafts].map((collab) => collab.closeCodes)).toEqual([[], [], [], [], []]);
    });

    it('a revealed card keeps its id and the time it was written', async () => {
      await start();
      const [ana] = participants as [TestClient];
      okData(await mia.call('board:setPrivateWriting', { roomId: PLENARY_ROOM, on: true }));
      const drafts = await open(ana, PLENARY_ROOM, true);
      const writtenAt = Date.parse('2026-12-01T13:58:00Z');
      addCard(drafts.doc, { text: 'Meine Karte', x: 40, y: 40, authorId: idOf(ana), authorName: 'Ana', createdAt: writtenAt });
      await waitFor(async () => (await serverBoard(draftsDoc(PLENARY_ROOM, ana))).cards.length === 1, 'the draft on the server');
      const [draft] = readBoard(drafts.doc).cards as [CardItem];

      expect(okData(await mia.call('board:reveal', { roomId: PLENARY_ROOM }))).toEqual({ revealed: 1 });
      const [revealed] = (await serverBoard(boardDoc(PLENARY_ROOM))).cards as [CardItem];
      // Same card, only its drawing order is the board's.
      expect(revealed).toEqual({ ...draft, order: revealed.order });
    });

    it('a draft its writer locked is revealed once and leaves the drafts', async () => {
      await start();
      const [ana] = participants as [TestClient];
      okData(await mia.call('board:setPrivateWriting', { roomId: PLENARY_ROOM, on: true }));
      const drafts = await open(ana, PLENARY_ROOM, true);
      const id = addCard(drafts.doc, { text: 'Festgehalten', x: 0, y: 0, authorId: idOf(ana), authorName: 'Ana' });
      updateItem(drafts.doc, id, { locked: true });
      await waitFor(async () => (await serverBoard(draftsDoc(PLENARY_ROOM, ana))).cards[0]?.locked === true, 'the locked draft on the server');

      const first = okData(await mia.call('board:reveal', { roomId: PLENARY_ROOM }));
      const second = okData(await mia.call('board:reveal', { roomId: PLENARY_ROOM }));
      // One card moved once: on the board a single time, gone from the drafts.
      expect({
        first,
        second,
        board: cardTexts(await serverBoard(boardDoc(PLENARY_ROOM))),
        drafts: cardTexts(await serverBoard(draftsDoc(PLENARY_ROOM, ana))),
      }).toEqual({
        first: { revealed: 1 },
        second: { revealed: 0 },
        board: [{ text: 'Festgehalten', authorId: idOf(ana), authorName: 'Ana' }],
        drafts: [],
      });
    });
    it('two facilitators revealing at the same time move each draft once', async () => {
      let gate: GatedStore | undefined;
      await start({
        wrapStore: (store) => {
          // gatedStore gates the store's methods; the collaboration store (an object) stays ungated.
          gate = Object.assign(gatedStore(store), { collab: store.collab });
          return gate;
        },
      });
      const [ana] = participants as [TestClient];
      okData(await mia.call('board:setPrivateWriting', { roomId: PLENARY_ROOM, on: true }));
      const drafts = await open(ana, PLENARY_ROOM, true);
      addCard(drafts.doc, { text: 'Nur einmal', x: 0, y: 0, authorId: idOf(ana), authorName: 'Ana' });
      await waitFor(async () => (await serverBoard(draftsDoc(PLENARY_ROOM, ana))).cards.length === 1, 'the draft on the server');

      // Both reveals wait at the store (as with a slow database) and then go on together.
      gate!.hold();
      const answers = Promise.all([mia.call('board:reveal', { roomId: PLENARY_ROOM }), cem.call('board:reveal', { roomId: PLENARY_ROOM })]);
      await waitFor(() => gate!.waiting >= 2, 'both reveals at the store');
      gate!.release();
      expect({
        revealed: (await answers).map((ack) => okData(ack).revealed).sort(),
        board: cardTexts(await serverBoard(boardDoc(PLENARY_ROOM))),
        drafts: cardTexts(await serverBoard(draftsDoc(PLENARY_ROOM, ana))),
      }).toEqual({
        revealed: [0, 1],
        board: [{ text: 'Nur einmal', authorId: idOf(ana), authorName: 'Ana' }],
        drafts: [],
      });
    });
  });

  describe('template', () => {
    it('the first board token of a room puts one cluster per template line on its board, once', async () => {
      await start();
      await prepareRound('A\nB');
      await openRound();
      expect((await serverBoard(boardDoc(roomA))).items).toEqual([]);

      await grant(a1, roomA);
      const board = await serverBoard(boardDoc(roomA));
      expect(board.clusters.map(({ title, x, y }) => ({ title, x, y }))).toEqual([
        { title: 'A', x: 40, y: 40 },
        { title: 'B', x: 440, y: 40 },
      ]);
      expect(board.items.map((item) => item.kind)).toEqual(['cluster', 'cluster']);
      expect((await server.store.collab.size(boardDoc(roomA))).rows).toBe(1);
      // The other room is untouched until someone opens its board; the notes are a document of their own.
      expect((await serverBoard(boardDoc(roomB))).items).toEqual([]);
      expect(await server.app.collab.renderDocument(roomDocName('notes', workshop.id, roomA), 'markdown')).toBe('');

      // Asking again, or several at once, writes nothing more.
      await grant(a2, roomA);
      await grant(mia, roomA);
      expect(await serverBoard(boardDoc(roomA))).toEqual(board);
      expect((await server.store.collab.size(boardDoc(roomA))).rows).toBe(1);
      await Promise.all([grant(b1, roomB), grant(b2, roomB), grant(cem, roomB), grant(mia, roomB)]);
      expect((await serverBoard(boardDoc(roomB))).clusters.map((cluster) => cluster.title)).toEqual(['A', 'B']);
      expect((await server.store.collab.size(boardDoc(roomB))).rows).toBe(1);

      // A member's editor shows the clusters; drafts and the plenary get no template.
      const editor = await open(a1, roomA);
      expect(readBoard(editor.doc)).toEqual(board);
      okData(await mia.call('board:setPrivateWriting', { roomId: roomA, on: true }));
      const drafts = await open(a1, roomA, true);
      expect(readBoard(drafts.doc).items).toEqual([]);
      await grant(a1, PLENARY_ROOM);
      expect((await serverBoard(boardDoc(PLENARY_ROOM))).items).toEqual([]);
    });
  });

  describe('preview', () => {
    it('the moderation gets the board as SVG with card text escaped; participants are refused', async () => {
      await start();
      const [ana] = participants as [TestClient];
      const board = await open(ana, PLENARY_ROOM);
      addCard(board.doc, { text: '<b>&</b>', x: 0, y: 0, authorId: idOf(ana), authorName: 'Ana <3' });
      await waitFor(async () => (await serverBoard(boardDoc(PLENARY_ROOM))).cards.length === 1, 'the card on the server');
      // Ana agrees to be named, so the preview shows her name.
      okData(await ana.call('people:updateSelf', { listInDocumentation: true }));

      const { svg } = okData(await mia.call('board:preview', { roomId: PLENARY_ROOM }));
      expect(svg).toBe(await expectedSvg(PLENARY_ROOM, {}, [idOf(ana)]));
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
      expect(svg).toContain('>&lt;b&gt;&amp;&lt;/b&gt;</tspan>');
      expect(svg).toContain('Ana &lt;3');
      expect(svg).not.toContain('<b>');
      expect(svg).not.toContain('<3');
      expect(okData(await cem.call('board:preview', { roomId: PLENARY_ROOM }))).toEqual({ svg });
      for (const client of participants) expectError(await client.call('board:preview', { roomId: PLENARY_ROOM }), 'forbidden');
    });
  });
});
