import { describe, expect, it } from 'vitest';
import { assignRandom, roomSizes, type Assignment } from '@werkraum/shared/breakoutAssignment';
import type { BreakoutRound, SaveRoundRequest } from '@werkraum/shared/protocol';
import type { BreakoutsRecord } from '../store/types.js';
import { autoAssign, saveRound } from './breakouts.js';
import { DomainError } from './errors.js';

/** Ids handed out one after another, like newId would, but predictable. */
function ids(prefix: string): () => string {
  let next = 1;
  return () => `${prefix}${next++}`;
}

const emptyRecord = (): BreakoutsRecord => ({ workshopId: 'w1', version: 3, rounds: [] });

function request(overrides: Partial<SaveRoundRequest> = {}): SaveRoundRequest {
  return {
    blockId: 'b-breakout',
    rooms: [
      { name: 'Nord', task: 'Was lief gut?', hostId: null },
      { name: 'Süd', task: 'Was lief schlecht?', hostId: null },
      { name: 'West', task: '', hostId: null },
    ],
    assignmentMode: 'random',
    roomCap: null,
    graceSeconds: 60,
    notesTemplate: '',
    ...overrides,
  };
}

/** A round as it is after running for a while (opened, with members, a visit, a broadcast and a help request). */
function runningRound(overrides: Partial<BreakoutRound> = {}): BreakoutRound {
  return {
    id: 'round-1',
    blockId: 'b-breakout',
    rooms: [
      { id: 'r-nord', name: 'Nord', task: 'Was lief gut?', hostId: null, closedAt: null },
      { id: 'r-sued', name: 'Süd', task: 'Was lief schlecht?', hostId: null, closedAt: null },
      { id: 'r-west', name: 'West', task: '', hostId: null, closedAt: null },
    ],
    assignmentMode: 'random',
    roomCap: null,
    graceSeconds: 60,
    notesTemplate: '',
    assignments: { ana: 'r-nord', ben: 'r-nord', cleo: 'r-sued', dan: 'r-sued', eva: 'r-west', finn: 'r-west' },
    visits: { cem: 'r-west' },
    openedAt: 1_000,
    endedAt: null,
    closedAt: null,
    broadcasts: [{ id: 'bc1', at: 2_000, fromPersonId: 'mia', roomId: null, text: 'Noch 5 Minuten' }],
    helpRequests: [{ id: 'h1', roomId: 'r-west', personId: 'eva', at: 3_000, resolvedAt: null }],
    ...overrides,
  };
}

/** The room ids of a round, in order. */
const roomIdsOf = (round: BreakoutRound) => round.rooms.map((room) => room.id);

/** Sizes of every room of a round (every assigned person counted, hosts included), in room order. */
const sizesOf = (round: BreakoutRound) => Object.values(roomSizes(round.rooms.map((room) => ({ id: room.id })), round.assignments));

/** Asserts that `run` throws a DomainError with `code` (and `field`, when given). */
function expectDomainError(run: () => unknown, code: string, field?: string) {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a DomainError').toBeInstanceOf(DomainError);
  expect((thrown as DomainError).code).toBe(code);
  if (field !== undefined) expect((thrown as DomainError).field).toBe(field);
}

/** A fresh round (not yet opened) with `roomCount` rooms r1..rN, optionally with hosts. */
function preparedRound(roomCount: number, hosts: Record<string, string> = {}): BreakoutRound {
  const rooms = Array.from({ length: roomCount }, (_, index) => {
    const id = `r${index + 1}`;
    return { id, name: `Raum ${index + 1}`, task: '', hostId: hosts[id] ?? null, closedAt: null };
  });
  const assignments = Object.fromEntries(Object.entries(hosts).map(([roomId, hostId]) => [hostId, roomId]));
  return { ...runningRound(), id: 'round-x', rooms, assignments, visits: {}, openedAt: null, broadcasts: [], helpRequests: [] };
}

const PARTICIPANTS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];

describe('saveRound', () => {
  it('creates a round for the block: new ids, the rooms as given, nobody assigned, not opened', () => {
    const record = saveRound(emptyRecord(), request({ graceSeconds: 90 }), ids('room-'), ids('round-'));
    expect(record).toEqual({
      workshopId: 'w1',
      version: 3,
      rounds: [
        {
          id: 'round-1',
          blockId: 'b-breakout',
          rooms: [
            { id: 'room-1', name: 'Nord', task: 'Was lief gut?', hostId: null, closedAt: null },
            { id: 'room-2', name: 'Süd', task: 'Was lief schlecht?', hostId: null, closedAt: null },
            { id: 'room-3', name: 'West', task: '', hostId: null, closedAt: null },
          ],
          assignmentMode: 'random',
          roomCap: null,
          graceSeconds: 90,
          notesTemplate: '',
          assignments: {},
          visits: {},
          openedAt: null,
          endedAt: null,
          closedAt: null,
          broadcasts: [],
          helpRequests: [],
        },
      ],
    });
  });

  it('adds a round for a second block next to the first one, without touching it', () => {
    const first = saveRound(emptyRecord(), request(), ids('a-'), ids('round-a'));
    const second = saveRound(first, request({ blockId: 'b-later', rooms: [{ name: 'Einzig', task: '', hostId: null }] }), ids('b-'), ids('round-b'));
    expect(second.rounds).toHaveLength(2);
    expect(second.rounds[0]).toBe(first.rounds[0]);
    expect(second.rounds[1]).toMatchObject({ id: 'round-b1', blockId: 'b-later', rooms: [{ id: 'b-1', name: 'Einzig' }] });
  });

  it('edits a round in place: rooms keep their ids and members, new rooms get new ids, the run stays', () => {
    const round = runningRound();
    const other = { ...runningRound(), id: 'round-other', blockId: 'b-other' };
    const record: BreakoutsRecord = { workshopId: 'w1', version: 7, rounds: [other, round] };
    const newRoomId = ids('new-');
    const newRoundId = () => {
      throw new Error('an edit must not create a new round');
    };

    const edited = saveRound(
      record,
      request({
        rooms: [
          { id: 'r-sued', name: 'Süd (neu)', task: 'Neue Frage', hostId: null },
          { id: 'r-nord', name: 'Nord', task: 'Was lief gut?', hostId: null },
          { id: 'r-west', name: 'West', task: '', hostId: null },
          { name: 'Ost', task: 'Zusatzraum', hostId: null },
        ],
        assignmentMode: 'manual',
        graceSeconds: 120,
      }),
      newRoomId,
      newRoundId,
    );

    expect(edited.version).toBe(7);
    expect(edited.rounds[0]).toBe(other);
    expect(edited.rounds[1]).toEqual({
      ...round,
      rooms: [
        { id: 'r-sued', name: 'Süd (neu)', task: 'Neue Frage', hostId: null, closedAt: null },
        { id: 'r-nord', name: 'Nord', task: 'Was lief gut?', hostId: null, closedAt: null },
        { id: 'r-west', name: 'West', task: '', hostId: null, closedAt: null },
        { id: 'new-1', name: 'Ost', task: 'Zusatzraum', hostId: null, closedAt: null },
      ],
      assignmentMode: 'manual',
      graceSeconds: 120,
    });
    // The input record is not changed.
    expect(record.rounds[1]).toBe(round);
    expect(round.rooms).toHaveLength(3);
  });

  it('keeps a room closed early closed when the round is edited', () => {
    const round = runningRound();
    const closed = { ...round, rooms: round.rooms.map((room) => (room.id === 'r-nord' ? { ...room, closedAt: 5_000 } : room)) };
    const edited = saveRound(
      { ...emptyRecord(), rounds: [closed] },
      request({ rooms: closed.rooms.map(({ id, name, task, hostId }) => ({ id, name, task, hostId })) }),
      ids('new-'),
      ids('round-'),
    );
    expect(edited.rounds[0]!.rooms.map((room) => room.closedAt)).toEqual([5_000, null, null]);
  });

  it('sends the members of a removed room back to the plenary (unassigned), and ends visits to it', () => {
    const round = runningRound();
    const edited = saveRound(
      { ...emptyRecord(), rounds: [round] },
      request({
        rooms: [
          { id: 'r-nord', name: 'Nord', task: '', hostId: null },
          { id: 'r-sued', name: 'Süd', task: '', hostId: null },
        ],
      }),
      ids('new-'),
      ids('round-'),
    );
    const after = edited.rounds[0]!;
    expect(roomIdsOf(after)).toEqual(['r-nord', 'r-sued']);
    expect(after.assignments).toEqual({ ana: 'r-nord', ben: 'r-nord', cleo: 'r-sued', dan: 'r-sued' });
    expect(after.visits).toEqual({});
    // Messages and help requests are the round's record and stay.
    expect(after.broadcasts).toEqual(round.broadcasts);
    expect(after.helpRequests).toEqual(round.helpRequests);
  });

  it('refuses a room id that is not a room of this round with invalid_state, naming rooms', () => {
    const round = runningRound();
    const other = { ...runningRound(), id: 'round-other', blockId: 'b-other', rooms: [{ id: 'r-foreign', name: 'X', task: '', hostId: null, closedAt: null }] };
    const record = { ...emptyRecord(), rounds: [round, other] };
    expectDomainError(
      () => saveRound(record, request({ rooms: [{ id: 'r-gone', name: 'Weg', task: '', hostId: null }] }), ids('new-'), ids('round-')),
      'invalid_state',
      'rooms',
    );
    // An id of a room of another round does not belong to this round either.
    expectDomainError(
      () => saveRound(record, request({ rooms: [{ id: 'r-foreign', name: 'X', task: '', hostId: null }] }), ids('new-'), ids('round-')),
      'invalid_state',
      'rooms',
    );
    // A new round cannot name existing rooms at all.
    expectDomainError(
      () => saveRound(emptyRecord(), request({ rooms: [{ id: 'r-nord', name: 'Nord', task: '', hostId: null }] }), ids('new-'), ids('round-')),
      'invalid_state',
      'rooms',
    );
  });

  it('assigns a host to the room they host, also moving them there from another room', () => {
    const created = saveRound(
      emptyRecord(),
      request({
        rooms: [
          { name: 'Nord', task: '', hostId: null },
          { name: 'Süd', task: '', hostId: 'cem' },
        ],
      }),
      ids('room-'),
      ids('round-'),
    );
    expect(created.rounds[0]!.assignments).toEqual({ cem: 'room-2' });

    const round = runningRound();
    const edited = saveRound(
      { ...emptyRecord(), rounds: [round] },
      request({
        rooms: [
          { id: 'r-nord', name: 'Nord', task: '', hostId: 'cem' },
          { id: 'r-sued', name: 'Süd', task: '', hostId: null },
          { id: 'r-west', name: 'West', task: '', hostId: 'ana' },
        ],
      }),
      ids('new-'),
      ids('round-'),
    );
    expect(edited.rounds[0]!.assignments).toEqual({ ana: 'r-west', ben: 'r-nord', cleo: 'r-sued', dan: 'r-sued', eva: 'r-west', finn: 'r-west', cem: 'r-nord' });
  });
});

describe('autoAssign', () => {
  it('random: everyone present is placed, room sizes differ by at most one, the seed decides', () => {
    const round = preparedRound(3);
    const assigned = autoAssign(round, 'random', PARTICIPANTS, 42, undefined);

    expect(Object.keys(assigned.assignments).sort()).toEqual(PARTICIPANTS);
    expect(sizesOf(assigned)).toEqual([3, 2, 2]);
    expect(assigned.assignments).toEqual(assignRandom({ people: PARTICIPANTS, rooms: round.rooms.map((room) => ({ id: room.id })), seed: 42 }));
    // Only the assignments change.
    expect({ ...assigned, assignments: {} }).toEqual({ ...round, assignments: {} });
  });

  it('random: the same seed gives the same rooms, whatever the order of the people; seeds differ', () => {
    const round = preparedRound(3);
    const first = autoAssign(round, 'random', PARTICIPANTS, 7, undefined).assignments;
    expect(autoAssign(round, 'random', PARTICIPANTS, 7, undefined).assignments).toEqual(first);
    expect(autoAssign(round, 'random', [...PARTICIPANTS].reverse(), 7, undefined).assignments).toEqual(first);
    const others = [1, 2, 3, 4, 5, 6, 8, 9].map((seed) => autoAssign(round, 'random', PARTICIPANTS, seed, undefined).assignments);
    expect(others.some((other) => JSON.stringify(other) !== JSON.stringify(first))).toBe(true);
  });

  it('random: hosts stay in their rooms and count toward the sizes', () => {
    const round = preparedRound(3, { r1: 'cem' });
    for (const seed of [1, 2, 3, 42, 1234]) {
      const assigned = autoAssign(round, 'random', PARTICIPANTS, seed, undefined);
      expect(assigned.assignments.cem).toBe('r1');
      // 7 participants + 1 host in 3 rooms: 3/3/2 with the host counted, so r1 has at most 2 participants.
      expect(sizesOf(assigned).sort()).toEqual([2, 3, 3]);
      expect(Object.keys(assigned.assignments).sort()).toEqual([...PARTICIPANTS, 'cem'].sort());
    }
  });

  it('random: a host listed among the people is not moved', () => {
    const round = preparedRound(2, { r2: 'cem' });
    const assigned = autoAssign(round, 'random', ['cem', 'p1', 'p2', 'p3'], 5, undefined);
    expect(assigned.assignments.cem).toBe('r2');
    expect(sizesOf(assigned)).toEqual([2, 2]);
  });

  it('random: replaces earlier assignments of participants and leaves out people not present', () => {
    const round = { ...preparedRound(2), assignments: { p1: 'r1', p2: 'r1', p3: 'r1', gone: 'r2' } };
    const assigned = autoAssign(round, 'random', ['p1', 'p2', 'p3', 'p4'], 11, undefined);
    expect(Object.keys(assigned.assignments).sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(sizesOf(assigned)).toEqual([2, 2]);
  });

  it('does not place anyone into a room closed early', () => {
    const round = preparedRound(3);
    const closed = { ...round, rooms: round.rooms.map((room) => (room.id === 'r2' ? { ...room, closedAt: 10 } : room)) };
    for (const mode of ['random', 'balanced', 'keepGroups'] as const) {
      const assigned = autoAssign(closed, mode, PARTICIPANTS, 3, undefined);
      expect(Object.values(assigned.assignments), mode).not.toContain('r2');
      expect(Object.keys(assigned.assignments).sort(), mode).toEqual(PARTICIPANTS);
    }
  });

  it('balanced: keeps everyone placed and puts the others into the smallest rooms; hosts count', () => {
    const round = { ...preparedRound(3, { r3: 'cem' }), assignments: { cem: 'r3', p1: 'r1', p2: 'r1', p3: 'r2' } };
    const assigned = autoAssign(round, 'balanced', ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'], 0, undefined);
    // r1: p1 p2 | r2: p3 | r3: cem  -> p4 to r2 (first of the smallest), p5 to r3, p6 to r1.
    expect(assigned.assignments).toEqual({ cem: 'r3', p1: 'r1', p2: 'r1', p3: 'r2', p4: 'r2', p5: 'r3', p6: 'r1' });
  });

  it('keepGroups: people who shared a room in the previous round share one again; newcomers fill the smallest rooms', () => {
    const previous = runningRound();
    const round = preparedRound(3);
    const people = ['ana', 'ben', 'cleo', 'dan', 'eva', 'finn', 'gus'];
    const assigned = autoAssign(round, 'keepGroups', people, 99, previous);

    const a = assigned.assignments;
    expect(Object.keys(a).sort()).toEqual([...people].sort());
    expect(a.ana).toBe(a.ben);
    expect(a.cleo).toBe(a.dan);
    expect(a.eva).toBe(a.finn);
    expect(new Set([a.ana, a.cleo, a.eva]).size).toBe(3);
    // Groups of equal size go to the rooms in order of first appearance; the newcomer to the first smallest room.
    expect(a).toEqual({ ana: 'r1', ben: 'r1', cleo: 'r2', dan: 'r2', eva: 'r3', finn: 'r3', gus: 'r1' });
  });

  it('keepGroups: merges groups when there are fewer rooms, and keeps hosts where they are', () => {
    const previous = runningRound();
    const round = preparedRound(2, { r2: 'cem' });
    const assigned = autoAssign(round, 'keepGroups', ['ana', 'ben', 'cleo', 'dan', 'eva', 'finn'], 1, previous);
    const a: Assignment = assigned.assignments;
    expect(a.cem).toBe('r2');
    expect(a.ana).toBe(a.ben);
    expect(a.cleo).toBe(a.dan);
    expect(a.eva).toBe(a.finn);
    expect(Object.keys(a)).toHaveLength(7);
  });

  it('keepGroups without a previous round places everyone like balanced', () => {
    const assigned = autoAssign(preparedRound(3), 'keepGroups', ['p1', 'p2', 'p3', 'p4'], 1, undefined);
    expect(assigned.assignments).toEqual({ p1: 'r1', p2: 'r2', p3: 'r3', p4: 'r1' });
  });
});
