import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlockTimer } from '@werkraum/shared/agendaClock';
import { assignRandom, roomSizes } from '@werkraum/shared/breakoutAssignment';
import { breakoutState, currentRoomOf, type BreakoutState } from '@werkraum/shared/breakoutPhase';
import type { Ack } from '@werkraum/shared/errors';
import type { AgendaBlockView, BreakoutRound, ClientEventName, ClientEvents } from '@werkraum/shared/protocol';
import { okData, waitForPerson, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { SeededHarness } from '../test/seededHarness.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

/** Asserts a refused acknowledgement with `code` (and `field`, when given). */
function expectError(ack: Ack<unknown>, code: string, field?: string) {
  expect(ack.ok, `expected error ${code}, got ${JSON.stringify(ack)}`).toBe(false);
  if (ack.ok) return;
  expect(ack.error.code).toBe(code);
  expect(ack.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) expect(ack.error.field).toBe(field);
}

/** Planned start of the test workshop; the test clock starts five minutes before. */
const STARTS_AT = '2026-12-01T14:00:00+01:00';
const T0 = Date.parse(STARTS_AT);
/** The seed every random assignment of the test server uses. */
const SEED = 20_261_201;
const SECOND_MS = 1_000;

const idOf = (client: TestClient) => client.snapshot!.session.personId;
const tokenOf = (client: TestClient) => client.snapshot!.session.personToken;

/** One socket round trip: everything the server sent this client before the answer has arrived. */
async function roundTrip(client: TestClient): Promise<void> {
  okData(await client.call('clock:ping', {}));
}

type SaveRoundInput = ClientEvents['breakout:saveRound']['request'];

/** The three rooms most tests use. */
const ROOMS = [
  { name: 'Raum Nord', task: 'Was lief gut?' },
  { name: 'Raum Süd', task: 'Was lief schlecht?' },
  { name: 'Raum West', task: 'Was probieren wir als Nächstes?' },
];

/** Sizes of the rooms of a round in room order (every assigned person counted). */
const sizesOf = (round: BreakoutRound) => Object.values(roomSizes(round.rooms.map((room) => ({ id: room.id })), round.assignments));

/** The members (person ids) of a room, sorted. */
const membersOf = (round: BreakoutRound, roomId: string) =>
  Object.entries(round.assignments)
    .filter(([, assigned]) => assigned === roomId)
    .map(([personId]) => personId)
    .sort();

describe('breakout rounds over sockets', () => {
  const harness = new SeededHarness();
  let clock: TestClock;
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mia: TestClient;
  let cem: TestClient;
  /** Six participants: Ana, Ben, Cleo, Dan, Eva, Finn. */
  let people: TestClient[];

  beforeEach(async () => {
    clock = new TestClock(T0 - 5 * MINUTE_MS);
    server = await harness.startSeeded({ now: clock.now, randomSeed: () => SEED });
    workshop = await harness.createWorkshop(server, { title: 'Teamtag', startsAt: STARTS_AT, language: 'de' });
    mia = await harness.join(server, workshop, 'moderator', 'Mia');
    cem = await harness.join(server, workshop, 'coModerator', 'Cem');
    people = [];
    for (const name of ['Ana', 'Ben', 'Cleo', 'Dan', 'Eva', 'Finn']) people.push(await harness.join(server, workshop, 'participant', name));
  });
  afterEach(async () => {
    // A healthy run logs nothing (no internal errors behind the acknowledgements).
    const logs = server.logs.map((entry) => `${entry.message} ${String(entry.error ?? '')}`);
    await harness.cleanup();
    expect(logs).toEqual([]);
  });

  const facilitators = () => [mia, cem];
  const everyone = () => [mia, cem, ...people];
  const participantIds = () => people.map(idOf);

  /** Every client has received everything the server sent before this call. */
  async function syncAll(clients = everyone()): Promise<void> {
    await Promise.all(clients.map(roundTrip));
  }

  /** The rounds as a client knows them: its last breakout:changed, else what breakout:get answers. */
  async function roundsOf(client: TestClient): Promise<BreakoutRound[]> {
    const last = client.eventsOf('breakout:changed').at(-1);
    return last ? last.rounds : okData(await client.call('breakout:get', {})).rounds;
  }

  /** One round as a client knows it. */
  async function roundOf(client: TestClient, roundId: string): Promise<BreakoutRound> {
    const round = (await roundsOf(client)).find((candidate) => candidate.id === roundId);
    if (!round) throw new Error(`${client.snapshot?.session.personId} does not know round ${roundId}`);
    return round;
  }

  /** The running block's timer as a client knows it: its last agenda:run, else what agenda:get answers. */
  async function timerOf(client: TestClient): Promise<BlockTimer | null> {
    const last = client.eventsOf('agenda:run').at(-1);
    return last ? last.run.timer : okData(await client.call('agenda:get', {})).agenda.run.timer;
  }

  /** The round's phase as a client computes it at the test clock's time. */
  async function stateSeenBy(client: TestClient, roundId: string): Promise<BreakoutState> {
    return breakoutState(await roundOf(client, roundId), await timerOf(client), clock.ms);
  }

  /** The room a client computes for itself at the test clock's time (null: plenary). */
  async function ownRoom(client: TestClient, roundId: string): Promise<string | null> {
    const round = await roundOf(client, roundId);
    return currentRoomOf(round, breakoutState(round, await timerOf(client), clock.ms), idOf(client));
  }

  /** The rounds as the server has them (a fresh breakout:get of the moderator). */
  async function serverRounds(): Promise<BreakoutRound[]> {
    return okData(await mia.call('breakout:get', {})).rounds;
  }

  async function serverRound(roundId: string): Promise<BreakoutRound> {
    const round = (await serverRounds()).find((candidate) => candidate.id === roundId);
    if (!round) throw new Error(`no round ${roundId} on the server`);
    return round;
  }

  async function addBlock(afterBlockId: string | null, title: string, type: AgendaBlockView['type'], plannedMinutes: number): Promise<string> {
    const ack = await mia.call('agenda:addBlock', { afterBlockId, block: { title, type, plannedMinutes, description: '', moderationNotes: '' } });
    return okData(ack).blockId;
  }

  /** Arrival 5 min, breakout 20 min, closing 5 min. */
  async function createAgenda() {
    const arrival = await addBlock(null, 'Ankommen', 'arrival', 5);
    const breakout = await addBlock(arrival, 'Gruppenarbeit', 'breakout', 20);
    const closing = await addBlock(breakout, 'Abschluss', 'closing', 5);
    return { arrival, breakout, closing };
  }

  async function saveRound(client: TestClient, input: SaveRoundInput): Promise<string> {
    return okData(await client.call('breakout:saveRound', input)).roundId;
  }

  /** The usual round: three rooms, random assignment, the default grace. */
  async function prepare(blockId: string, overrides: Partial<SaveRoundInput> = {}): Promise<{ roundId: string; roomIds: string[] }> {
    const roundId = await saveRound(mia, { blockId, rooms: ROOMS, assignmentMode: 'random', ...overrides });
    const round = await serverRound(roundId);
    return { roundId, roomIds: round.rooms.map((room) => room.id) };
  }

  /** Starts the workshop at T0 with the arrival block and moves on to the breakout block at T0 + 5 min. */
  async function runToBreakout(): Promise<number> {
    clock.set(T0);
    okData(await mia.call('agenda:control', { action: 'start' }));
    clock.advance(5 * MINUTE_MS);
    okData(await mia.call('agenda:control', { action: 'next' }));
    await syncAll();
    return clock.ms;
  }

  /** The usual setup: agenda, a random round with three rooms, opened. */
  async function openRound(overrides: Partial<SaveRoundInput> = {}) {
    const blocks = await createAgenda();
    const { roundId, roomIds } = await prepare(blocks.breakout, overrides);
    const openedAt = await runToBreakout();
    const round = await serverRound(roundId);
    return { blocks, roundId, roomIds, openedAt, round, deadline: openedAt + 20 * MINUTE_MS };
  }

  describe('preparing', () => {
    it('saves a round for a breakout block with its rooms and tells everyone', async () => {
      const blocks = await createAgenda();
      clock.set(T0 - 2 * MINUTE_MS);
      const roundId = await saveRound(mia, { blockId: blocks.breakout, rooms: ROOMS, assignmentMode: 'random' });
      await syncAll();

      const saved = await serverRound(roundId);
      const roomIds = saved.rooms.map((room) => room.id);
      expect(new Set(roomIds).size).toBe(3);
      const expected: BreakoutRound = {
        id: roundId,
        blockId: blocks.breakout,
        rooms: ROOMS.map((room, index) => ({ id: roomIds[index]!, name: room.name, task: room.task, hostId: null, closedAt: null })),
        assignmentMode: 'random',
        roomCap: null,
        graceSeconds: 60,
        notesTemplate: '',
        assignments: {},
        visits: {},
        openedAt: null,
        endedAt: null,
        closedAt: null,
        broadcasts: [],
        helpRequests: [],
      };
      expect(saved).toEqual(expected);
      for (const client of everyone()) {
        expect(client.eventsOf('breakout:changed')).toEqual([{ rounds: [expected], serverTime: T0 - 2 * MINUTE_MS }]);
        expect(okData(await client.call('breakout:get', {}))).toEqual({ rounds: [expected] });
        expect(await stateSeenBy(client, roundId)).toEqual({ phase: 'prepared', endsAt: null, returnAt: null });
      }

      // The co-moderator edits it: a room renamed, one removed, one added; the kept rooms keep their ids.
      okData(
        await cem.call('breakout:saveRound', {
          blockId: blocks.breakout,
          rooms: [
            { id: roomIds[0], name: 'Raum Nord-Ost', task: 'Was lief gut?' },
            { id: roomIds[2], name: 'Raum West', task: ROOMS[2]!.task },
            { name: 'Raum Mitte', task: '' },
          ],
          assignmentMode: 'manual',
          graceSeconds: 120,
        }),
      );
      await syncAll();
      const edited = await serverRound(roundId);
      expect(edited.rooms.map((room) => [room.id, room.name])).toEqual([
        [roomIds[0], 'Raum Nord-Ost'],
        [roomIds[2], 'Raum West'],
        [expect.any(String), 'Raum Mitte'],
      ]);
      expect(roomIds).not.toContain(edited.rooms[2]!.id);
      expect(edited).toMatchObject({ id: roundId, assignmentMode: 'manual', graceSeconds: 120 });
      for (const client of everyone()) {
        expect(client.eventsOf('breakout:changed')).toHaveLength(2);
        expect(client.eventsOf('breakout:changed')[1]!.rounds).toEqual([edited]);
      }
    });

    it('refuses a round for a block that is not a breakout block, or not on the agenda, with invalid_state', async () => {
      const blocks = await createAgenda();
      for (const blockId of [blocks.arrival, blocks.closing]) {
        expectError(await mia.call('breakout:saveRound', { blockId, rooms: ROOMS, assignmentMode: 'random' }), 'invalid_state', 'blockId');
      }
      expectError(await cem.call('breakout:saveRound', { blockId: 'no-such-block', rooms: ROOMS, assignmentMode: 'random' }), 'invalid_state', 'blockId');
      expect(await serverRounds()).toEqual([]);
      await syncAll();
      for (const client of everyone()) expect(client.eventsOf('breakout:changed')).toEqual([]);
    });

    it('refuses a room id that does not belong to the round, and a participant as host, with invalid_state', async () => {
      const blocks = await createAgenda();
      const { roundId } = await prepare(blocks.breakout);
      const before = await serverRound(roundId);
      expectError(
        await mia.call('breakout:saveRound', { blockId: blocks.breakout, rooms: [{ id: 'made-up-room', name: 'X' }], assignmentMode: 'random' }),
        'invalid_state',
        'rooms',
      );
      expectError(
        await mia.call('breakout:saveRound', { blockId: blocks.breakout, rooms: [{ name: 'X', hostId: idOf(people[0]!) }], assignmentMode: 'random' }),
        'invalid_state',
        'rooms',
      );
      expect(await serverRound(roundId)).toEqual(before);
    });

    it('puts a co-moderator who hosts a room into it; opening and automatic assignment count but never move them', async () => {
      const blocks = await createAgenda();
      const roundId = await saveRound(mia, {
        blockId: blocks.breakout,
        rooms: [ROOMS[0]!, { ...ROOMS[1]!, hostId: idOf(cem) }, ROOMS[2]!],
        assignmentMode: 'random',
      });
      const prepared = await serverRound(roundId);
      const roomIds = prepared.rooms.map((room) => room.id);
      expect(prepared.rooms[1]!.hostId).toBe(idOf(cem));
      expect(prepared.assignments).toEqual({ [idOf(cem)]: roomIds[1] });

      await runToBreakout();
      const opened = await serverRound(roundId);
      const rooms = roomIds.map((id) => ({ id, cap: null }));
      const fixed = { [idOf(cem)]: roomIds[1]! };
      expect(opened.assignments).toEqual(assignRandom({ people: participantIds(), rooms, seed: SEED, fixed }));
      expect(opened.assignments[idOf(cem)]).toBe(roomIds[1]);
      expect(idOf(mia) in opened.assignments).toBe(false);
      // 6 participants + the host: 3/2/2, the host's room counted with the host.
      expect(sizesOf(opened).sort()).toEqual([2, 2, 3]);
      expect(membersOf(opened, roomIds[1]!)).toHaveLength(2);
      expect(await ownRoom(cem, roundId)).toBe(roomIds[1]);

      // A new random assignment with another seed keeps the host too.
      okData(await cem.call('breakout:autoAssign', { roundId, mode: 'random', seed: 5 }));
      const again = await serverRound(roundId);
      expect(again.assignments).toEqual(assignRandom({ people: participantIds(), rooms, seed: 5, fixed }));
      expect(again.assignments[idOf(cem)]).toBe(roomIds[1]);
    });

    it('deletes a round that has not opened', async () => {
      const blocks = await createAgenda();
      const { roundId } = await prepare(blocks.breakout);
      okData(await cem.call('breakout:deleteRound', { roundId }));
      await syncAll();
      expect(await serverRounds()).toEqual([]);
      for (const client of everyone()) expect(client.eventsOf('breakout:changed').at(-1)!.rounds).toEqual([]);
      expectError(await mia.call('breakout:deleteRound', { roundId }), 'invalid_state');
    });
  });

  describe('while the rooms are open', () => {
    it('opens when the breakout block starts: every present participant gets a room (2/2/2), facilitators none', async () => {
      const blocks = await createAgenda();
      const { roundId, roomIds } = await prepare(blocks.breakout);
      // Nothing opens with the arrival block.
      clock.set(T0);
      okData(await mia.call('agenda:control', { action: 'start' }));
      await syncAll();
      expect((await serverRound(roundId)).openedAt).toBeNull();

      clock.advance(5 * MINUTE_MS);
      const openedAt = clock.ms;
      okData(await mia.call('agenda:control', { action: 'next' }));
      await syncAll();

      const round = await serverRound(roundId);
      expect(round.openedAt).toBe(openedAt);
      expect(round.endedAt).toBeNull();
      expect(round.closedAt).toBeNull();
      const expected = assignRandom({ people: participantIds(), rooms: roomIds.map((id) => ({ id, cap: null })), seed: SEED });
      expect(round.assignments).toEqual(expected);
      expect(Object.keys(round.assignments).sort()).toEqual([...participantIds()].sort());
      expect(sizesOf(round)).toEqual([2, 2, 2]);
      for (const facilitator of facilitators()) expect(idOf(facilitator) in round.assignments).toBe(false);

      for (const client of everyone()) {
        expect(client.eventsOf('breakout:changed').at(-1)).toEqual({ rounds: [round], serverTime: openedAt });
        expect(await stateSeenBy(client, roundId)).toEqual({
          phase: 'open',
          endsAt: openedAt + 20 * MINUTE_MS,
          returnAt: openedAt + 20 * MINUTE_MS + 60 * SECOND_MS,
        });
      }
      for (const participant of people) {
        const roomId = await ownRoom(participant, roundId);
        expect(roomId).toBe(round.assignments[idOf(participant)]);
        expect(roomIds).toContain(roomId);
      }
      for (const facilitator of facilitators()) expect(await ownRoom(facilitator, roundId)).toBeNull();
    });

    it('puts a participant who joins late into the smallest room, and no late facilitator', async () => {
      const { roundId, roomIds, round } = await openRound();
      // Make the last room the only smallest: move one of its members to the first room (3/2/1).
      const moved = membersOf(round, roomIds[2]!)[0]!;
      okData(await mia.call('breakout:assign', { roundId, personId: moved, roomId: roomIds[0]! }));
      expect(sizesOf(await serverRound(roundId))).toEqual([3, 2, 1]);

      const gus = await harness.join(server, workshop, 'participant', 'Gus');
      const ida = await harness.join(server, workshop, 'coModerator', 'Ida');
      await syncAll([...everyone(), gus, ida]);
      const after = await serverRound(roundId);
      expect(after.assignments).toEqual({ ...round.assignments, [moved]: roomIds[0], [idOf(gus)]: roomIds[2] });
      expect(sizesOf(after)).toEqual([3, 2, 2]);
      expect(await ownRoom(gus, roundId)).toBe(roomIds[2]);
      expect(await ownRoom(ida, roundId)).toBeNull();
      for (const client of everyone()) expect(client.eventsOf('breakout:changed').at(-1)!.rounds).toEqual([after]);
    });

    it('keeps the room of a participant who reconnects', async () => {
      const { roundId, round } = await openRound();
      const ana = people[0]!;
      const anaRoom = round.assignments[idOf(ana)]!;
      expect(await ownRoom(ana, roundId)).toBe(anaRoom);

      ana.close();
      await waitForPerson(mia, idOf(ana), (person) => person.connection === 'left', 'Ana has left');
      const back = await harness.resume(server, workshop.id, tokenOf(ana));
      await waitForPerson(mia, idOf(ana), (person) => person.connection === 'online', 'Ana is back');
      await syncAll([mia, back]);

      expect((await serverRound(roundId)).assignments).toEqual(round.assignments);
      expect(await ownRoom(back, roundId)).toBe(anaRoom);
    });

    it('gives a room to a participant who was away when the rooms opened and comes back while they are open', async () => {
      const finn = people[5]!;
      finn.close();
      await waitForPerson(mia, idOf(finn), (person) => person.connection === 'left', 'Finn has left');
      // Finn's closed client takes no part in the round trips of the helpers.
      people = people.slice(0, 5);
      const { roundId, roomIds, round } = await openRound();
      // Only the five present participants were placed: 2/2/1.
      expect(Object.keys(round.assignments)).toHaveLength(5);
      expect(idOf(finn) in round.assignments).toBe(false);
      expect(sizesOf(round)).toEqual([2, 2, 1]);

      const back = await harness.resume(server, workshop.id, tokenOf(finn));
      await syncAll([mia, back]);
      expect((await serverRound(roundId)).assignments[idOf(finn)]).toBe(roomIds[2]);
      expect(await ownRoom(back, roundId)).toBe(roomIds[2]);
    });

    it('broadcasts to all rooms and to one room: stored with the round and sent to everyone', async () => {
      const { roundId, roomIds } = await openRound();
      clock.advance(MINUTE_MS);
      const toAll = okData(await mia.call('breakout:broadcast', { roundId, roomId: null, text: 'Noch 10 Minuten!' })).broadcastId;
      clock.advance(MINUTE_MS);
      const toOne = okData(await cem.call('breakout:broadcast', { roundId, roomId: roomIds[1]!, text: '  Bitte Ergebnisse notieren  ' })).broadcastId;
      expect(toAll).not.toBe(toOne);
      await syncAll();

      const broadcasts = [
        { id: toAll, at: clock.ms - MINUTE_MS, fromPersonId: idOf(mia), roomId: null, text: 'Noch 10 Minuten!' },
        { id: toOne, at: clock.ms, fromPersonId: idOf(cem), roomId: roomIds[1], text: 'Bitte Ergebnisse notieren' },
      ];
      expect((await serverRound(roundId)).broadcasts).toEqual(broadcasts);
      for (const client of everyone()) {
        const changes = client.eventsOf('breakout:changed');
        expect(changes.at(-2)!.rounds[0]!.broadcasts).toEqual(broadcasts.slice(0, 1));
        expect(changes.at(-1)!.rounds[0]!.broadcasts).toEqual(broadcasts);
        expect(changes.at(-1)!.serverTime).toBe(clock.ms);
      }
      expectError(await mia.call('breakout:broadcast', { roundId, roomId: 'no-such-room', text: 'Hallo' }), 'invalid_state', 'roomId');
      expectError(await mia.call('breakout:broadcast', { roundId: 'no-such-round', roomId: null, text: 'Hallo' }), 'invalid_state', 'roundId');
      // 500 characters are fine.
      okData(await mia.call('breakout:broadcast', { roundId, roomId: null, text: 'x'.repeat(500) }));
    });

    it('takes a help request from a room once, refuses one from the plenary, and resolves by visit or by hand', async () => {
      const { roundId, roomIds, round } = await openRound();
      const [ana, ben] = [people[0]!, people[1]!];
      const anaRoom = round.assignments[idOf(ana)]!;
      const benRoom = round.assignments[idOf(ben)]!;

      clock.advance(MINUTE_MS);
      const askedAt = clock.ms;
      const requestId = okData(await ana.call('breakout:help', { roundId })).requestId;
      await syncAll();
      const request = { id: requestId, roomId: anaRoom, personId: idOf(ana), at: askedAt, resolvedAt: null };
      expect((await serverRound(roundId)).helpRequests).toEqual([request]);
      for (const client of everyone()) expect(client.eventsOf('breakout:changed').at(-1)!.rounds[0]!.helpRequests).toEqual([request]);

      // Asking again does not add a second request, and changes nothing.
      const changesBefore = mia.eventsOf('breakout:changed').length;
      clock.advance(SECOND_MS);
      expect(okData(await ana.call('breakout:help', { roundId })).requestId).toBe(requestId);
      await syncAll();
      expect((await serverRound(roundId)).helpRequests).toEqual([request]);
      expect(mia.eventsOf('breakout:changed')).toHaveLength(changesBefore);

      // Someone sent back to the plenary has no room to ask from.
      const finn = people[5]!;
      okData(await mia.call('breakout:assign', { roundId, personId: idOf(finn), roomId: null }));
      await syncAll();
      expect(await ownRoom(finn, roundId)).toBeNull();
      expectError(await finn.call('breakout:help', { roundId }), 'invalid_state');

      // The co-moderator visits Ana's room: the request is resolved and the visit recorded.
      clock.advance(MINUTE_MS);
      const visitedAt = clock.ms;
      okData(await cem.call('breakout:visit', { roundId, roomId: anaRoom }));
      await syncAll();
      let now = await serverRound(roundId);
      expect(now.helpRequests).toEqual([{ ...request, resolvedAt: visitedAt }]);
      expect(now.visits).toEqual({ [idOf(cem)]: anaRoom });
      expect(await ownRoom(cem, roundId)).toBe(anaRoom);
      expect(await ownRoom(mia, roundId)).toBeNull();

      // Ben (another room, if the seed put him elsewhere) asks; the moderator resolves it by hand.
      clock.advance(MINUTE_MS);
      const benAskedAt = clock.ms;
      const benRequest = okData(await ben.call('breakout:help', { roundId })).requestId;
      expect(benRequest).not.toBe(requestId);
      clock.advance(MINUTE_MS);
      okData(await mia.call('breakout:resolveHelp', { roundId, requestId: benRequest }));
      now = await serverRound(roundId);
      expect(now.helpRequests).toEqual([
        { ...request, resolvedAt: visitedAt },
        { id: benRequest, roomId: benRoom, personId: idOf(ben), at: benAskedAt, resolvedAt: clock.ms },
      ]);
      expectError(await mia.call('breakout:resolveHelp', { roundId, requestId: 'no-such-request' }), 'invalid_state', 'requestId');
      expectError(await cem.call('breakout:visit', { roundId, roomId: 'no-such-room' }), 'invalid_state', 'roomId');

      // Back to the plenary.
      okData(await cem.call('breakout:visit', { roundId, roomId: null }));
      await syncAll();
      expect((await serverRound(roundId)).visits).toEqual({});
      expect(await ownRoom(cem, roundId)).toBeNull();
      expect(roomIds).toContain(anaRoom);
    });

    it('refuses help before the rooms open', async () => {
      const blocks = await createAgenda();
      const { roundId, roomIds } = await prepare(blocks.breakout, { assignmentMode: 'manual' });
      okData(await mia.call('breakout:assign', { roundId, personId: idOf(people[0]!), roomId: roomIds[0]! }));
      expectError(await people[0]!.call('breakout:help', { roundId }), 'invalid_state');
      expect((await serverRound(roundId)).helpRequests).toEqual([]);
    });

    it('lets the moderation move people while the rooms are open, but not a participant in a random round', async () => {
      const { roundId, roomIds, round } = await openRound();
      const ana = people[0]!;
      const anaRoom = round.assignments[idOf(ana)]!;
      const otherRoom = roomIds.find((id) => id !== anaRoom)!;

      okData(await mia.call('breakout:assign', { roundId, personId: idOf(ana), roomId: otherRoom }));
      await syncAll();
      expect((await serverRound(roundId)).assignments).toEqual({ ...round.assignments, [idOf(ana)]: otherRoom });
      expect(await ownRoom(ana, roundId)).toBe(otherRoom);
      for (const client of everyone()) expect(client.eventsOf('breakout:changed').at(-1)!.rounds[0]!.assignments[idOf(ana)]).toBe(otherRoom);

      // Participants do not choose in a random round, neither for themselves nor for others.
      const ben = people[1]!;
      const before = await serverRound(roundId);
      expectError(await ben.call('breakout:assign', { roundId, personId: idOf(ben), roomId: anaRoom }), 'forbidden');
      expectError(await ben.call('breakout:assign', { roundId, personId: idOf(ben), roomId: null }), 'forbidden');
      expectError(await ben.call('breakout:assign', { roundId, personId: idOf(ana), roomId: anaRoom }), 'forbidden');
      expect(await serverRound(roundId)).toEqual(before);

      expectError(await mia.call('breakout:assign', { roundId, personId: idOf(ana), roomId: 'no-such-room' }), 'invalid_state', 'roomId');
      expectError(await mia.call('breakout:assign', { roundId, personId: 'no-such-person', roomId: anaRoom }), 'person_not_found', 'personId');
    });

    it('lets participants choose their own room in a self-select round, up to the room cap', async () => {
      const { roundId, roomIds, round } = await openRound({ assignmentMode: 'selfSelect', roomCap: 2 });
      expect(round.openedAt).not.toBeNull();
      expect(round.assignments).toEqual({});
      const [ana, ben, cleo, dan] = people as [TestClient, TestClient, TestClient, TestClient];
      const [nord, sued] = roomIds as [string, string, string];
      for (const participant of people) expect(await ownRoom(participant, roundId)).toBeNull();

      okData(await ana.call('breakout:assign', { roundId, personId: idOf(ana), roomId: nord }));
      okData(await ben.call('breakout:assign', { roundId, personId: idOf(ben), roomId: nord }));
      expectError(await cleo.call('breakout:assign', { roundId, personId: idOf(cleo), roomId: nord }), 'invalid_state', 'roomId');
      // Choosing for someone else is the moderation's job.
      expectError(await cleo.call('breakout:assign', { roundId, personId: idOf(dan), roomId: sued }), 'forbidden');
      // Choosing one's own full room again is fine.
      okData(await ana.call('breakout:assign', { roundId, personId: idOf(ana), roomId: nord }));
      okData(await cleo.call('breakout:assign', { roundId, personId: idOf(cleo), roomId: sued }));
      await syncAll();
      expect((await serverRound(roundId)).assignments).toEqual({ [idOf(ana)]: nord, [idOf(ben)]: nord, [idOf(cleo)]: sued });
      expect(await ownRoom(ana, roundId)).toBe(nord);
      expect(await ownRoom(cleo, roundId)).toBe(sued);
      expect(await ownRoom(dan, roundId)).toBeNull();

      // Ben moves on: now there is space for Cleo in Nord. The moderation is not bound by the cap.
      okData(await ben.call('breakout:assign', { roundId, personId: idOf(ben), roomId: null }));
      okData(await cleo.call('breakout:assign', { roundId, personId: idOf(cleo), roomId: nord }));
      okData(await mia.call('breakout:assign', { roundId, personId: idOf(dan), roomId: nord }));
      expect((await serverRound(roundId)).assignments).toEqual({ [idOf(ana)]: nord, [idOf(cleo)]: nord, [idOf(dan)]: nord });

      // A late joiner chooses too; nobody seats them.
      const gus = await harness.join(server, workshop, 'participant', 'Gus');
      await roundTrip(mia);
      expect(idOf(gus) in (await serverRound(roundId)).assignments).toBe(false);
    });

    it('keeps every manual assignment when a manual round opens and fills the others into the smallest rooms', async () => {
      const blocks = await createAgenda();
      const { roundId, roomIds } = await prepare(blocks.breakout, { assignmentMode: 'manual' });
      const [ana, ben] = [people[0]!, people[1]!];
      okData(await mia.call('breakout:assign', { roundId, personId: idOf(cem), roomId: roomIds[0]! }));
      okData(await mia.call('breakout:assign', { roundId, personId: idOf(ana), roomId: roomIds[0]! }));
      okData(await mia.call('breakout:assign', { roundId, personId: idOf(ben), roomId: roomIds[1]! }));
      await runToBreakout();

      const opened = await serverRound(roundId);
      expect(opened.assignments[idOf(ana)]).toBe(roomIds[0]);
      expect(opened.assignments[idOf(ben)]).toBe(roomIds[1]);
      expect(Object.keys(opened.assignments).filter((id) => id !== idOf(cem)).sort()).toEqual([...participantIds()].sort());
      expect(opened.assignments[idOf(cem)]).toBe(roomIds[0]);
      expect(await ownRoom(cem, roundId)).toBe(roomIds[0]);
    });
  });

  describe('the end of the round', () => {
    it('moves the end of the round when the moderation extends the block by 5 minutes', async () => {
      const { roundId, openedAt } = await openRound();
      clock.advance(12 * MINUTE_MS);
      const before = await stateSeenBy(mia, roundId);
      expect(before).toEqual({ phase: 'open', endsAt: openedAt + 20 * MINUTE_MS, returnAt: openedAt + 21 * MINUTE_MS });

      okData(await mia.call('agenda:control', { action: 'extend', minutes: 5 }));
      await syncAll();
      for (const client of everyone()) {
        const after = await stateSeenBy(client, roundId);
        expect(after.endsAt! - before.endsAt!).toBe(300_000);
        expect(after).toEqual({ phase: 'open', endsAt: openedAt + 25 * MINUTE_MS, returnAt: openedAt + 26 * MINUTE_MS });
      }
      // At the old end the rooms are still open.
      clock.set(before.endsAt! + MINUTE_MS);
      for (const participant of people) expect(await ownRoom(participant, roundId)).not.toBeNull();
    });

    it('when the time is up, returns everyone to the plenary after the grace period', async () => {
      const { roundId, round, deadline } = await openRound({ graceSeconds: 90 });
      const returnAt = deadline + 90 * SECOND_MS;
      const ana = people[0]!;

      clock.set(deadline - 1);
      expect(await stateSeenBy(ana, roundId)).toEqual({ phase: 'open', endsAt: deadline, returnAt });

      clock.set(deadline + 1);
      for (const client of everyone()) expect(await stateSeenBy(client, roundId)).toEqual({ phase: 'returning', endsAt: deadline, returnAt });
      // During the grace period people are still in their rooms, and the server agrees.
      for (const participant of people) expect(await ownRoom(participant, roundId)).toBe(round.assignments[idOf(participant)]);
      okData(await ana.call('breakout:help', { roundId }));

      clock.set(returnAt - 1);
      expect((await stateSeenBy(mia, roundId)).phase).toBe('returning');

      clock.set(returnAt);
      for (const client of everyone()) {
        expect(await stateSeenBy(client, roundId)).toEqual({ phase: 'closed', endsAt: deadline, returnAt });
        expect(await ownRoom(client, roundId)).toBeNull();
      }
      // The server sees everyone back in the plenary too.
      expectError(await people[1]!.call('breakout:help', { roundId }), 'invalid_state');
      expectError(await mia.call('breakout:assign', { roundId, personId: idOf(ana), roomId: round.rooms[0]!.id }), 'invalid_state');
    });

    it('when the moderation ends the block early, the grace period counts from then', async () => {
      const { roundId, round, blocks } = await openRound();
      clock.advance(7 * MINUTE_MS);
      const endedAt = clock.ms;
      okData(await mia.call('agenda:control', { action: 'next' }));
      await syncAll();

      const ended = await serverRound(roundId);
      expect(ended.endedAt).toBe(endedAt);
      expect(ended.closedAt).toBeNull();
      expect((await timerOf(mia))!.blockId).toBe(blocks.closing);
      for (const client of everyone()) {
        expect(client.eventsOf('breakout:changed').at(-1)!.rounds).toEqual([ended]);
        expect(await stateSeenBy(client, roundId)).toEqual({ phase: 'returning', endsAt: endedAt, returnAt: endedAt + 60 * SECOND_MS });
      }
      for (const participant of people) expect(await ownRoom(participant, roundId)).toBe(round.assignments[idOf(participant)]);

      clock.advance(60 * SECOND_MS);
      for (const client of everyone()) {
        expect((await stateSeenBy(client, roundId)).phase).toBe('closed');
        expect(await ownRoom(client, roundId)).toBeNull();
      }
      expectError(await people[0]!.call('breakout:help', { roundId }), 'invalid_state');
    });

    it('keeps the rooms closed when the moderation moves on after the time ran out and everyone returned', async () => {
      const { roundId, deadline } = await openRound();
      const returnAt = deadline + 60 * SECOND_MS;
      clock.set(returnAt + 5 * MINUTE_MS);
      for (const participant of people) expect(await ownRoom(participant, roundId)).toBeNull();

      okData(await mia.call('agenda:control', { action: 'next' }));
      await syncAll();
      for (const client of everyone()) {
        expect(await stateSeenBy(client, roundId)).toEqual({ phase: 'closed', endsAt: deadline, returnAt });
        expect(await ownRoom(client, roundId)).toBeNull();
      }
      expectError(await people[0]!.call('breakout:help', { roundId }), 'invalid_state');
    });

    it('keeps the rooms closed when the moderation pauses the clock after everyone returned', async () => {
      const { roundId, deadline } = await openRound();
      clock.set(deadline + 60 * SECOND_MS + MINUTE_MS);
      expect((await stateSeenBy(mia, roundId)).phase).toBe('closed');

      okData(await mia.call('agenda:control', { action: 'pause' }));
      await syncAll();
      for (const client of everyone()) {
        expect((await stateSeenBy(client, roundId)).phase).toBe('closed');
        expect(await ownRoom(client, roundId)).toBeNull();
      }
      expectError(await people[0]!.call('breakout:help', { roundId }), 'invalid_state');
    });

    it('keeps the way back fixed when the moderation pauses during the countdown and resumes later', async () => {
      const { roundId, deadline } = await openRound();
      clock.set(deadline + 30 * SECOND_MS);
      expect((await stateSeenBy(mia, roundId)).phase).toBe('returning');
      okData(await mia.call('agenda:control', { action: 'pause' }));
      clock.set(deadline + 5 * MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'resume' }));
      await syncAll();
      // Everyone reached the plenary at deadline + grace; the resumed clock does not pull them back.
      for (const client of everyone()) {
        expect((await stateSeenBy(client, roundId)).phase).toBe('closed');
        expect(await ownRoom(client, roundId)).toBeNull();
      }
      expect((await serverRound(roundId)).endedAt).toBe(deadline);
    });

    it('closes one room at once (its members return, the others stay), then all rooms at once', async () => {
      const { roundId, roomIds, round } = await openRound();
      clock.advance(3 * MINUTE_MS);
      const roomClosedAt = clock.ms;
      okData(await mia.call('breakout:close', { roundId, roomId: roomIds[0]! }));
      await syncAll();

      const afterOne = await serverRound(roundId);
      expect(afterOne.rooms.map((room) => room.closedAt)).toEqual([roomClosedAt, null, null]);
      expect(afterOne.closedAt).toBeNull();
      expect(afterOne.assignments).toEqual(round.assignments);
      for (const participant of people) {
        const assigned = round.assignments[idOf(participant)]!;
        expect(await ownRoom(participant, roundId)).toBe(assigned === roomIds[0] ? null : assigned);
      }
      expect((await stateSeenBy(mia, roundId)).phase).toBe('open');
      const closedMember = people.find((participant) => round.assignments[idOf(participant)] === roomIds[0])!;
      expectError(await closedMember.call('breakout:help', { roundId }), 'invalid_state');
      // Nobody is moved into a closed room.
      expectError(await mia.call('breakout:assign', { roundId, personId: idOf(closedMember), roomId: roomIds[0]! }), 'invalid_state', 'roomId');

      clock.advance(MINUTE_MS);
      const allClosedAt = clock.ms;
      okData(await cem.call('breakout:close', { roundId, roomId: null }));
      await syncAll();
      const afterAll = await serverRound(roundId);
      expect(afterAll).toMatchObject({ closedAt: allClosedAt, endedAt: allClosedAt });
      for (const client of everyone()) {
        expect(client.eventsOf('breakout:changed').at(-1)!.rounds).toEqual([afterAll]);
        expect(await stateSeenBy(client, roundId)).toEqual({ phase: 'closed', endsAt: allClosedAt, returnAt: allClosedAt });
        expect(await ownRoom(client, roundId)).toBeNull();
      }
      expectError(await mia.call('breakout:close', { roundId, roomId: 'no-such-room' }), 'invalid_state', 'roomId');
    });

    it('refuses to close the rooms of a round that has not opened', async () => {
      const blocks = await createAgenda();
      const { roundId } = await prepare(blocks.breakout);
      expectError(await mia.call('breakout:close', { roundId, roomId: null }), 'invalid_state');
      expect((await serverRound(roundId)).closedAt).toBeNull();
    });

    it('keeps a round that has run, with its rooms and assignments, for the documentation', async () => {
      const { roundId, round } = await openRound();
      clock.advance(10 * MINUTE_MS);
      const closedAt = clock.ms;
      okData(await mia.call('breakout:close', { roundId, roomId: null }));
      clock.advance(MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'next' }));
      await syncAll();

      const kept = await serverRound(roundId);
      expect(kept).toEqual({ ...round, endedAt: closedAt, closedAt });
      for (const participant of people) expect(okData(await participant.call('breakout:get', {})).rounds).toEqual([kept]);

      expectError(await mia.call('breakout:deleteRound', { roundId }), 'invalid_state');
      expectError(await cem.call('breakout:deleteRound', { roundId }), 'invalid_state');
      expect(await serverRounds()).toEqual([kept]);
    });

    it('refuses to delete a round that is open', async () => {
      const { roundId, round } = await openRound();
      expectError(await mia.call('breakout:deleteRound', { roundId }), 'invalid_state');
      expect(await serverRounds()).toEqual([round]);
    });
  });

  describe('a second round', () => {
    it('keeps the groups of the first round in a keepGroups round, and seats a newcomer in the smallest room', async () => {
      const arrival = await addBlock(null, 'Ankommen', 'arrival', 5);
      const first = await addBlock(arrival, 'Gruppenarbeit I', 'breakout', 20);
      const plenary = await addBlock(first, 'Austausch', 'discussion', 10);
      const second = await addBlock(plenary, 'Gruppenarbeit II', 'breakout', 15);
      await addBlock(second, 'Abschluss', 'closing', 5);

      const firstRound = await prepare(first);
      const secondRoundId = await saveRound(cem, {
        blockId: second,
        rooms: [
          { name: 'Team A', task: 'Maßnahmen' },
          { name: 'Team B', task: 'Maßnahmen' },
          { name: 'Team C', task: 'Maßnahmen' },
        ],
        assignmentMode: 'keepGroups',
      });
      await runToBreakout();
      const firstOpened = await serverRound(firstRound.roundId);
      // The moderator changes one group while the first round runs: the changed groups count.
      const ana = idOf(people[0]!);
      const anaRoom = firstOpened.assignments[ana]!;
      const someoneElse = participantIds().find((id) => firstOpened.assignments[id] !== anaRoom)!;
      okData(await mia.call('breakout:assign', { roundId: firstRound.roundId, personId: someoneElse, roomId: anaRoom }));
      const groups = (await serverRound(firstRound.roundId)).assignments;

      clock.advance(20 * MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'next' }));
      const gus = await harness.join(server, workshop, 'participant', 'Gus');
      clock.advance(10 * MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'next' }));
      await syncAll([...everyone(), gus]);

      const secondRound = await serverRound(secondRoundId);
      expect(secondRound.openedAt).toBe(clock.ms);
      const ids = participantIds();
      expect(Object.keys(secondRound.assignments).sort()).toEqual([...ids, idOf(gus)].sort());
      for (const a of ids) {
        for (const b of ids) {
          expect(secondRound.assignments[a] === secondRound.assignments[b], `${a} and ${b}`).toBe(groups[a] === groups[b]);
        }
      }
      // Groups of 3, 2 and 1 in three rooms, then Gus into the room of the single person.
      expect(sizesOf(secondRound).sort()).toEqual([2, 2, 3]);
      const single = ids.find((id) => ids.filter((other) => groups[other] === groups[id]).length === 1)!;
      expect(secondRound.assignments[idOf(gus)]).toBe(secondRound.assignments[single]);
      for (const participant of [...people, gus]) expect(await ownRoom(participant, secondRoundId)).toBe(secondRound.assignments[idOf(participant)]);
      // The first round is over, and stays as it was.
      expect(await ownRoom(people[0]!, firstRound.roundId)).toBeNull();
      expect((await serverRound(firstRound.roundId)).assignments).toEqual(groups);
    });
  });

  describe('refusals', () => {
    it("refuses every facilitator action of a participant with forbidden, and nothing changes", async () => {
      const { roundId, roomIds, blocks, round } = await openRound();
      const ana = people[0]!;
      const requestId = okData(await ana.call('breakout:help', { roundId })).requestId;
      await syncAll();
      const before = await serverRounds();
      const changes = mia.eventsOf('breakout:changed').length;

      const writes: [ClientEventName, unknown][] = [
        ['breakout:saveRound', { blockId: blocks.breakout, rooms: [{ name: 'Meins' }], assignmentMode: 'selfSelect' }],
        ['breakout:deleteRound', { roundId }],
        ['breakout:autoAssign', { roundId, mode: 'random' }],
        ['breakout:autoAssign', { roundId, mode: 'balanced', seed: 1 }],
        ['breakout:close', { roundId, roomId: null }],
        ['breakout:close', { roundId, roomId: roomIds[0] }],
        ['breakout:broadcast', { roundId, roomId: null, text: 'Hallo alle' }],
        ['breakout:broadcast', { roundId, roomId: roomIds[1], text: 'Hallo Süd' }],
        ['breakout:resolveHelp', { roundId, requestId }],
        ['breakout:visit', { roundId, roomId: roomIds[2] }],
        ['breakout:visit', { roundId, roomId: null }],
      ];
      for (const participant of people) {
        for (const [event, payload] of writes) {
          const ack = await participant.raw(event, payload);
          expect(ack.ok, `${event} ${JSON.stringify(payload)}`).toBe(false);
          expectError(ack, 'forbidden');
        }
      }
      expect(await serverRounds()).toEqual(before);
      expect(before[0]!.assignments).toEqual(round.assignments);
      await syncAll();
      expect(mia.eventsOf('breakout:changed')).toHaveLength(changes);
    });

    it('refuses breakout events before joining with not_joined', async () => {
      const stranger = await harness.connect(server);
      expectError(await stranger.call('breakout:get', {}), 'not_joined');
      expectError(await stranger.call('breakout:help', { roundId: 'r' }), 'not_joined');
      expectError(await stranger.call('breakout:saveRound', { blockId: 'b', rooms: ROOMS, assignmentMode: 'random' }), 'not_joined');
    });

    it.each([
      ['an empty rooms list', 'breakout:saveRound', { blockId: 'BLOCK', rooms: [], assignmentMode: 'random' }, 'rooms'],
      ['a room named ""', 'breakout:saveRound', { blockId: 'BLOCK', rooms: [{ name: '' }], assignmentMode: 'random' }, 'rooms.0.name'],
      ['a room named "   "', 'breakout:saveRound', { blockId: 'BLOCK', rooms: [{ name: 'A' }, { name: '   ' }], assignmentMode: 'random' }, 'rooms.1.name'],
      ['graceSeconds -1', 'breakout:saveRound', { blockId: 'BLOCK', rooms: [{ name: 'A' }], assignmentMode: 'random', graceSeconds: -1 }, 'graceSeconds'],
      ['graceSeconds 601', 'breakout:saveRound', { blockId: 'BLOCK', rooms: [{ name: 'A' }], assignmentMode: 'random', graceSeconds: 601 }, 'graceSeconds'],
      ['roomCap 0', 'breakout:saveRound', { blockId: 'BLOCK', rooms: [{ name: 'A' }], assignmentMode: 'selfSelect', roomCap: 0 }, 'roomCap'],
      ['an unknown assignment mode', 'breakout:saveRound', { blockId: 'BLOCK', rooms: [{ name: 'A' }], assignmentMode: 'lottery' }, 'assignmentMode'],
      ['a broadcast text ""', 'breakout:broadcast', { roundId: 'ROUND', roomId: null, text: '' }, 'text'],
      ['a broadcast text of spaces', 'breakout:broadcast', { roundId: 'ROUND', roomId: null, text: '   ' }, 'text'],
      ['a broadcast text of 501 characters', 'breakout:broadcast', { roundId: 'ROUND', roomId: null, text: 'x'.repeat(501) }, 'text'],
      ['autoAssign with mode selfSelect', 'breakout:autoAssign', { roundId: 'ROUND', mode: 'selfSelect' }, 'mode'],
      ['assign without roomId', 'breakout:assign', { roundId: 'ROUND', personId: 'someone' }, 'roomId'],
    ])('refuses %s with invalid_payload naming the field', async (_case, event, payload, field) => {
      const blocks = await createAgenda();
      const { roundId } = await prepare(blocks.breakout);
      await syncAll();
      const before = await serverRounds();
      const changes = people[0]!.eventsOf('breakout:changed').length;
      const json = JSON.stringify(payload).replace('"BLOCK"', JSON.stringify(blocks.breakout)).replace('"ROUND"', JSON.stringify(roundId));
      for (const client of facilitators()) expectError(await client.raw(event, JSON.parse(json)), 'invalid_payload', field);
      expect(await serverRounds()).toEqual(before);
      await roundTrip(people[0]!);
      expect(people[0]!.eventsOf('breakout:changed')).toHaveLength(changes);
    });
  });
});
