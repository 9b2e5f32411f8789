import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { breakoutState, currentRoomOf } from '@werkraum/shared/breakoutPhase';
import type { AgendaBlockView, BreakoutRound, ClientEvents } from '@werkraum/shared/protocol';
import { okData, waitForPerson, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { SeededHarness } from '../test/seededHarness.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

const STARTS_AT = '2026-12-01T14:00:00+01:00';
const T0 = Date.parse(STARTS_AT);
const SECOND_MS = 1_000;

const idOf = (client: TestClient) => client.snapshot!.session.personId;

type SaveRoundInput = ClientEvents['breakout:saveRound']['request'];

/** Rooms count the people who are there: removed people and people who left free their place. */
describe('breakout rooms count the people present', () => {
  const harness = new SeededHarness();
  let clock: TestClock;
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mia: TestClient;

  beforeEach(async () => {
    clock = new TestClock(T0 - 5 * MINUTE_MS);
    server = await harness.startSeeded({ now: clock.now, randomSeed: () => 7 });
    workshop = await harness.createWorkshop(server, { title: 'Kulturtag', startsAt: STARTS_AT, language: 'de' });
    mia = await harness.join(server, workshop, 'moderator', 'Mia');
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  async function participants(names: string[]): Promise<TestClient[]> {
    const joined: TestClient[] = [];
    for (const name of names) joined.push(await harness.join(server, workshop, 'participant', name));
    return joined;
  }

  async function addBlock(afterBlockId: string | null, title: string, type: AgendaBlockView['type'], plannedMinutes: number): Promise<string> {
    const ack = await mia.call('agenda:addBlock', { afterBlockId, block: { title, type, plannedMinutes, description: '', moderationNotes: '' } });
    return okData(ack).blockId;
  }

  async function serverRound(roundId: string): Promise<BreakoutRound> {
    const round = okData(await mia.call('breakout:get', {})).rounds.find((candidate) => candidate.id === roundId);
    if (!round) throw new Error(`no round ${roundId}`);
    return round;
  }

  /** Arrival, then a breakout block with a round of three rooms, opened. */
  async function openRound(overrides: Partial<SaveRoundInput>) {
    const arrival = await addBlock(null, 'Ankommen', 'arrival', 5);
    const breakout = await addBlock(arrival, 'Gruppenarbeit', 'breakout', 20);
    const rooms = [{ name: 'Raum A' }, { name: 'Raum B' }, { name: 'Raum C' }];
    const roundId = okData(await mia.call('breakout:saveRound', { blockId: breakout, rooms, assignmentMode: 'selfSelect', ...overrides })).roundId;
    clock.set(T0);
    okData(await mia.call('agenda:control', { action: 'start' }));
    clock.advance(5 * MINUTE_MS);
    okData(await mia.call('agenda:control', { action: 'next' }));
    const round = await serverRound(roundId);
    return { roundId, roomIds: round.rooms.map((room) => room.id) };
  }

  it('lets a participant into a capped room when someone in it was removed or has left', async () => {
    const [ana, ben, cleo, dan, eva, finn] = await participants(['Ana', 'Ben', 'Cleo', 'Dan', 'Eva', 'Finn']);
    const { roundId, roomIds } = await openRound({ assignmentMode: 'selfSelect', roomCap: 3 });
    const x = roomIds[0]!;
    for (const person of [ana!, ben!, cleo!]) okData(await person.call('breakout:assign', { roundId, personId: idOf(person), roomId: x }));
    const refused = await dan!.call('breakout:assign', { roundId, personId: idOf(dan!), roomId: x });
    expect(refused.ok).toBe(false);

    // The moderator removes Ana: two people are in the room, so Dan fits.
    okData(await mia.call('people:remove', { personId: idOf(ana!) }));
    okData(await dan!.call('breakout:assign', { roundId, personId: idOf(dan!), roomId: x }));

    // Ben closes the tab and is gone after the reconnect grace: Eva takes his place.
    ben!.close();
    await waitForPerson(mia, idOf(ben!), (person) => person.connection === 'left', 'Ben to have left');
    okData(await eva!.call('breakout:assign', { roundId, personId: idOf(eva!), roomId: x }));

    // Cleo, Dan and Eva are there: the room is full again.
    const full = await finn!.call('breakout:assign', { roundId, personId: idOf(finn!), roomId: x });
    expect(full.ok).toBe(false);
    if (!full.ok) expect(full.error.field).toBe('roomId');
  });

  it('seats a late joiner in the room with the fewest people present', async () => {
    const people = await participants(['Ana', 'Ben', 'Cleo', 'Dan', 'Eva', 'Finn', 'Gus']);
    const { roundId, roomIds } = await openRound({ assignmentMode: 'manual' });
    const [a, b, c] = roomIds as [string, string, string];
    const plan = [a, a, a, b, b, c, c];
    for (const [index, person] of people.entries()) {
      okData(await mia.call('breakout:assign', { roundId, personId: idOf(person), roomId: plan[index]! }));
    }
    // Room A keeps one of its three people; B and C have two each.
    okData(await mia.call('people:remove', { personId: idOf(people[0]!) }));
    okData(await mia.call('people:remove', { personId: idOf(people[1]!) }));

    const hana = await harness.join(server, workshop, 'participant', 'Hana');
    await okData(await mia.call('clock:ping', {}));
    const round = await serverRound(roundId);
    expect(round.assignments[idOf(hana)]).toBe(a);
  });

  it('ends the way back of a round when the next round starts, so only one round is live', async () => {
    const [ana, ben, cleo] = await participants(['Ana', 'Ben', 'Cleo']);
    const arrival = await addBlock(null, 'Ankommen', 'arrival', 5);
    const first = await addBlock(arrival, 'Weltcafé Runde 1', 'breakout', 15);
    const second = await addBlock(first, 'Weltcafé Runde 2', 'breakout', 15);
    const rooms = [{ name: 'Tisch 1' }, { name: 'Tisch 2' }];
    const firstId = okData(await mia.call('breakout:saveRound', { blockId: first, rooms, assignmentMode: 'random', graceSeconds: 20 })).roundId;
    const secondId = okData(await mia.call('breakout:saveRound', { blockId: second, rooms, assignmentMode: 'random', graceSeconds: 20 })).roundId;

    clock.set(T0);
    okData(await mia.call('agenda:control', { action: 'jump', blockId: first }));
    clock.advance(5 * MINUTE_MS);
    okData(await mia.call('agenda:control', { action: 'next' }));
    const switchedAt = clock.ms;
    clock.advance(SECOND_MS);

    const agenda = okData(await mia.call('agenda:get', {})).agenda;
    const oldRound = await serverRound(firstId);
    const newRound = await serverRound(secondId);
    expect(breakoutState(newRound, agenda.run.timer, clock.ms).phase).toBe('open');
    expect(breakoutState(oldRound, agenda.run.timer, clock.ms).phase).toBe('closed');
    expect(oldRound.closedAt).toBe(switchedAt);
    for (const person of [ana!, ben!, cleo!]) {
      const oldState = breakoutState(oldRound, agenda.run.timer, clock.ms);
      expect(currentRoomOf(oldRound, oldState, idOf(person))).toBeNull();
      const newRoom = currentRoomOf(newRound, breakoutState(newRound, agenda.run.timer, clock.ms), idOf(person));
      expect(newRoom).not.toBeNull();
      // The old room's notes are no longer open for editing; the new room's are.
      const oldGrant = await person.call('notes:token', { roomId: oldRound.assignments[idOf(person)]! });
      if (oldGrant.ok) expect(oldGrant.data.mode).not.toBe('edit');
      expect(okData(await person.call('notes:token', { roomId: newRoom! })).mode).toBe('edit');
    }
  });
});
