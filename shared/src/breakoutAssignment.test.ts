import { describe, it, expect } from 'vitest';
import {
  assignBalanced,
  assignKeepGroups,
  assignRandom,
  canChooseRoom,
  roomCountForSize,
  roomForLateJoiner,
  roomSizes,
  seededRandom,
  shuffle,
} from './breakoutAssignment.js';
import type { Assignment, RoomSlot } from './breakoutAssignment.js';

/** p01, p02, ... pNN: ids that sort in numeric order. */
function people(count: number, prefix = 'p'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);
}

function rooms(...ids: string[]): RoomSlot[] {
  return ids.map((id) => ({ id }));
}

function roomsCount(count: number): RoomSlot[] {
  return Array.from({ length: count }, (_, i) => ({ id: `r${i + 1}` }));
}

function sizesOf(slots: readonly RoomSlot[], assignment: Assignment): number[] {
  return Object.values(roomSizes(slots, assignment));
}

function spread(sizes: number[]): number {
  return Math.max(...sizes) - Math.min(...sizes);
}

/** Every pair of people who share a room in `before` (and are both in `after`) shares one in `after`. */
function expectGroupsKept(before: Assignment, after: Assignment): void {
  const ids = Object.keys(before).filter((id) => id in after);
  for (const a of ids) {
    for (const b of ids) {
      if (before[a] === before[b]) expect(after[a], `${a} and ${b} sat together`).toBe(after[b]);
    }
  }
}

describe('seededRandom', () => {
  it('gives the same sequence for the same seed (mulberry32 reference values)', () => {
    // Pinned: a stored seed must replay to the same rooms after any refactoring.
    const random = seededRandom(42);
    expect([random(), random(), random()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    const again = seededRandom(42);
    expect([again(), again(), again()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('gives different sequences for different seeds', () => {
    expect(seededRandom(1)()).toBe(0.6270739405881613);
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });

  it('stays in [0, 1) and covers the range', () => {
    const random = seededRandom(7);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = random();
      expect(value >= 0 && value < 1).toBe(true);
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    expect(min).toBeLessThan(0.001);
    expect(max).toBeGreaterThan(0.999);
  });

  it('reduces odd seeds to a 32-bit integer instead of breaking', () => {
    expect(seededRandom(Number.NaN)()).toBe(seededRandom(0)());
    expect(seededRandom(5.9)()).toBe(seededRandom(5)());
  });
});

describe('shuffle', () => {
  it('returns a new array with the same items and leaves the input alone', () => {
    const input = ['a', 'b', 'c', 'd', 'e'];
    const result = shuffle(input, seededRandom(3));
    expect(result).not.toBe(input);
    expect(input).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect([...result].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('swaps from the end with the drawn index', () => {
    // Always 0: every step swaps position i with position 0.
    expect(shuffle(['a', 'b', 'c', 'd'], () => 0)).toEqual(['b', 'c', 'd', 'a']);
    // Just below 1: every step picks i itself, nothing moves.
    expect(shuffle(['a', 'b', 'c', 'd'], () => 0.999999)).toEqual(['a', 'b', 'c', 'd']);
    // A faulty source returning 1 must not reach past the end.
    expect(shuffle(['a', 'b', 'c', 'd'], () => 1)).toEqual(['a', 'b', 'c', 'd']);
    expect(shuffle([], () => 0)).toEqual([]);
  });

  it('gives every permutation about equally often', () => {
    const random = seededRandom(11);
    const counts = new Map<string, number>();
    const runs = 60_000;
    for (let i = 0; i < runs; i++) {
      const key = shuffle(['a', 'b', 'c'], random).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['abc', 'acb', 'bac', 'bca', 'cab', 'cba']);
    for (const count of counts.values()) {
      expect(Math.abs(count - runs / 6)).toBeLessThan(runs / 6 / 20);
    }
  });
});

describe('assignRandom', () => {
  it('places every person exactly once and balances within one, for 1..60 people in 1..12 rooms', () => {
    for (let count = 1; count <= 60; count++) {
      for (let roomCount = 1; roomCount <= 12; roomCount++) {
        const persons = people(count);
        const slots = roomsCount(roomCount);
        const result = assignRandom({ people: persons, rooms: slots, seed: count * 100 + roomCount });
        expect(Object.keys(result).sort()).toEqual(persons);
        const roomIds = new Set(slots.map((room) => room.id));
        for (const roomId of Object.values(result)) expect(roomIds.has(roomId)).toBe(true);
        const sizes = sizesOf(slots, result);
        expect(spread(sizes)).toBeLessThanOrEqual(1);
        // Round-robin: the extra people go to the first rooms.
        const base = Math.floor(count / roomCount);
        expect(sizes).toEqual(slots.map((_, i) => (i < count % roomCount ? base + 1 : base)));
      }
    }
  });

  it('is the same for the same seed and differs for different seeds', () => {
    const persons = people(20);
    const slots = rooms('A', 'B', 'C', 'D');
    const first = assignRandom({ people: persons, rooms: slots, seed: 1 });
    expect(assignRandom({ people: persons, rooms: slots, seed: 1 })).toEqual(first);
    expect(assignRandom({ people: persons, rooms: slots, seed: 2 })).not.toEqual(first);
    expect(sizesOf(slots, first)).toEqual([5, 5, 5, 5]);
    // Pinned for seed 1: a stored seed must replay to the same rooms after any refactoring.
    expect(persons.filter((id) => first[id] === 'A')).toEqual(['p04', 'p17', 'p18', 'p19', 'p20']);
  });

  it('does not depend on the order of the people', () => {
    const persons = people(20);
    const slots = rooms('A', 'B', 'C', 'D');
    expect(assignRandom({ people: [...persons].reverse(), rooms: slots, seed: 9 })).toEqual(
      assignRandom({ people: persons, rooms: slots, seed: 9 }),
    );
  });

  it('really shuffles: a person does not always land in the same room', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 50; seed++) {
      const result = assignRandom({ people: people(20), rooms: rooms('A', 'B', 'C', 'D'), seed });
      seen.add(result.p01 ?? 'none');
    }
    expect([...seen].sort()).toEqual(['A', 'B', 'C', 'D']);
  });

  it('keeps fixed people in their room and counts them in the balance', () => {
    const slots = rooms('A', 'B', 'C');
    const fixed = { host1: 'A', host2: 'A' };
    const result = assignRandom({ people: people(7), rooms: slots, seed: 5, fixed });
    expect(result.host1).toBe('A');
    expect(result.host2).toBe('A');
    expect(roomSizes(slots, result)).toEqual({ A: 3, B: 3, C: 3 });
    expect(Object.keys(result).sort()).toEqual(['host1', 'host2', ...people(7)]);
  });

  it('does not move a fixed person who is also in the list', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const result = assignRandom({ people: people(6), rooms: rooms('A', 'B'), seed, fixed: { p01: 'B' } });
      expect(result.p01).toBe('B');
      expect(roomSizes(rooms('A', 'B'), result)).toEqual({ A: 3, B: 3 });
    }
  });

  it('balances as far as the fixed people allow', () => {
    const fixed = { h1: 'A', h2: 'A', h3: 'A' };
    const result = assignRandom({ people: ['x'], rooms: rooms('A', 'B'), seed: 1, fixed });
    expect(result).toEqual({ h1: 'A', h2: 'A', h3: 'A', x: 'B' });
  });

  it('returns fixed entries as given even for unknown rooms, without counting them', () => {
    const result = assignRandom({ people: people(2), rooms: rooms('A', 'B'), seed: 3, fixed: { ghost: 'Z' } });
    expect(result.ghost).toBe('Z');
    expect(roomSizes(rooms('A', 'B'), result)).toEqual({ A: 1, B: 1 });
  });

  it('never fills a room beyond its cap and leaves the overflow unassigned', () => {
    const slots: RoomSlot[] = [
      { id: 'A', cap: 2 },
      { id: 'B', cap: 3 },
    ];
    const result = assignRandom({ people: people(8), rooms: slots, seed: 4 });
    expect(roomSizes(slots, result)).toEqual({ A: 2, B: 3 });
    expect(Object.keys(result)).toHaveLength(5);
  });

  it('balances the uncapped rooms around a capped one', () => {
    const slots: RoomSlot[] = [{ id: 'A', cap: 1 }, { id: 'B', cap: null }, { id: 'C' }, { id: 'D', cap: 0 }];
    const result = assignRandom({ people: people(7), rooms: slots, seed: 8 });
    expect(roomSizes(slots, result)).toEqual({ A: 1, B: 3, C: 3, D: 0 });
  });

  it('assigns nobody without rooms, but keeps fixed as given', () => {
    expect(assignRandom({ people: people(5), rooms: [], seed: 1 })).toEqual({});
    expect(assignRandom({ people: people(5), rooms: [], seed: 1, fixed: { h: 'A' } })).toEqual({ h: 'A' });
  });

  it('places a person listed twice once and invents nobody', () => {
    const result = assignRandom({ people: ['a', 'b', 'a'], rooms: rooms('A', 'B'), seed: 1 });
    expect(Object.keys(result).sort()).toEqual(['a', 'b']);
    expect(roomSizes(rooms('A', 'B'), result)).toEqual({ A: 1, B: 1 });
  });
});

describe('assignBalanced', () => {
  it('keeps existing assignments and fills the smallest rooms, ties to the first', () => {
    const result = assignBalanced({
      people: people(6),
      rooms: rooms('A', 'B', 'C'),
      existing: { p01: 'A', p02: 'A', p03: 'B' },
    });
    // Sizes 2/1/0: p04 -> C; 2/1/1: p05 -> B; 2/2/1: p06 -> C.
    expect(result).toEqual({ p01: 'A', p02: 'A', p03: 'B', p04: 'C', p05: 'B', p06: 'C' });
  });

  it('drops people not in the list and does not count them', () => {
    const result = assignBalanced({ people: ['a', 'b'], rooms: rooms('A', 'B'), existing: { gone: 'A', a: 'B' } });
    expect(result).toEqual({ a: 'B', b: 'A' });
  });

  it('places people whose room no longer exists anew', () => {
    const result = assignBalanced({ people: ['a', 'b'], rooms: rooms('A', 'B'), existing: { a: 'deleted', b: 'A' } });
    expect(result).toEqual({ a: 'B', b: 'A' });
  });

  it('respects caps, keeps existing people beyond a cap and leaves the overflow unassigned', () => {
    const slots: RoomSlot[] = [
      { id: 'A', cap: 1 },
      { id: 'B', cap: 2 },
    ];
    const result = assignBalanced({ people: people(5), rooms: slots, existing: { p01: 'A', p02: 'A' } });
    expect(result).toEqual({ p01: 'A', p02: 'A', p03: 'B', p04: 'B' });
  });

  it('is deterministic and assigns nobody without rooms', () => {
    const input = { people: people(9), rooms: rooms('A', 'B'), existing: { p05: 'B' } };
    expect(assignBalanced(input)).toEqual(assignBalanced(input));
    expect(assignBalanced({ people: people(3), rooms: [], existing: { p01: 'A' } })).toEqual({});
  });

  it('treats ids like "__proto__" and "toString" as plain ids', () => {
    const existing = JSON.parse('{"__proto__": "B"}') as Assignment;
    const result = assignBalanced({ people: ['__proto__', 'toString'], rooms: rooms('A', 'B'), existing });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.entries(result)).toEqual([
      ['__proto__', 'B'],
      ['toString', 'A'],
    ]);
  });
});

describe('assignKeepGroups', () => {
  const previous: Assignment = { a: 'X', b: 'X', c: 'X', d: 'Y', e: 'Y', f: 'Z' };
  const everyone = ['a', 'b', 'c', 'd', 'e', 'f'];

  it('maps the largest groups into the smallest rooms', () => {
    const result = assignKeepGroups({ people: everyone, rooms: rooms('R1', 'R2', 'R3'), previous });
    expect(result).toEqual({ a: 'R1', b: 'R1', c: 'R1', d: 'R2', e: 'R2', f: 'R3' });
  });

  it('orders groups by size, not by first appearance', () => {
    const result = assignKeepGroups({
      people: ['f', 'd', 'e', 'a', 'b', 'c'],
      rooms: rooms('R1', 'R2', 'R3'),
      previous,
    });
    expect(result).toEqual({ a: 'R1', b: 'R1', c: 'R1', d: 'R2', e: 'R2', f: 'R3' });
  });

  it('merges groups into the smallest rooms when there are fewer rooms', () => {
    const slots = rooms('R1', 'R2');
    const result = assignKeepGroups({ people: everyone, rooms: slots, previous });
    // X (3) -> R1, Y (2) -> R2, Z (1) -> R2, the smaller.
    expect(result).toEqual({ a: 'R1', b: 'R1', c: 'R1', d: 'R2', e: 'R2', f: 'R2' });
    expectGroupsKept(previous, result);
  });

  it('never splits groups: extra rooms stay empty', () => {
    const slots = rooms('R1', 'R2', 'R3', 'R4');
    const result = assignKeepGroups({ people: everyone, rooms: slots, previous });
    expect(roomSizes(slots, result)).toEqual({ R1: 3, R2: 2, R3: 1, R4: 0 });
  });

  it('places newcomers by balance after the groups', () => {
    const slots = rooms('R1', 'R2', 'R3', 'R4');
    const result = assignKeepGroups({ people: [...everyone, 'g', 'h'], rooms: slots, previous });
    // Sizes after the groups 3/2/1/0: g -> R4; then 3/2/1/1: h -> R3.
    expect(result).toEqual({ a: 'R1', b: 'R1', c: 'R1', d: 'R2', e: 'R2', f: 'R3', g: 'R4', h: 'R3' });
  });

  it('drops people who left and keeps the rest of their group together', () => {
    const result = assignKeepGroups({ people: ['a', 'b', 'd', 'e', 'f'], rooms: rooms('R1', 'R2'), previous });
    // X and Y both have 2 now: X appears first and goes to R1, Y to R2; Z ties between them and joins R1.
    expect(result).toEqual({ a: 'R1', b: 'R1', d: 'R2', e: 'R2', f: 'R1' });
  });

  it('counts fixed people toward room sizes and keeps them as given', () => {
    const result = assignKeepGroups({
      people: everyone,
      rooms: rooms('R1', 'R2', 'R3'),
      previous,
      fixed: { host: 'R1' },
    });
    // R1 starts with 1: X (3) -> R2, Y (2) -> R3, Z (1) -> R1 (1 < 2 < 3).
    expect(result).toEqual({ host: 'R1', a: 'R2', b: 'R2', c: 'R2', d: 'R3', e: 'R3', f: 'R1' });
  });

  it('does not move a fixed person with the rest of their old group', () => {
    const result = assignKeepGroups({
      people: everyone,
      rooms: rooms('R1', 'R2', 'R3'),
      previous,
      fixed: { a: 'R3' },
    });
    expect(result.a).toBe('R3');
    expect(result.b).toBe(result.c);
    expect(result.b).not.toBe('R3');
  });

  it('splits a group only when no room can hold it, and places the cut-off members elsewhere', () => {
    const slots: RoomSlot[] = [
      { id: 'R1', cap: 2 },
      { id: 'R2', cap: 2 },
    ];
    const result = assignKeepGroups({ people: ['a', 'b', 'c'], rooms: slots, previous });
    expect(result).toEqual({ a: 'R1', b: 'R1', c: 'R2' });
  });

  it('prefers a room that holds the whole group over a smaller one that does not', () => {
    const slots: RoomSlot[] = [{ id: 'R1', cap: 2 }, { id: 'R2' }];
    const result = assignKeepGroups({ people: ['a', 'b', 'c'], rooms: slots, previous });
    expect(result).toEqual({ a: 'R2', b: 'R2', c: 'R2' });
  });

  it('leaves people unassigned when every room is full', () => {
    const slots: RoomSlot[] = [{ id: 'R1', cap: 2 }];
    const result = assignKeepGroups({ people: [...everyone, 'g'], rooms: slots, previous });
    expect(result).toEqual({ a: 'R1', b: 'R1' });
  });

  it('assigns nobody without rooms', () => {
    expect(assignKeepGroups({ people: everyone, rooms: [], previous })).toEqual({});
  });

  it('keeps the groups of a random first round for the second round, with one leaving and two joining', () => {
    const round1Rooms = rooms('A', 'B', 'C');
    const round1People = people(12);
    const round1 = assignRandom({ people: round1People, rooms: round1Rooms, seed: 7 });
    expect(roomSizes(round1Rooms, round1)).toEqual({ A: 4, B: 4, C: 4 });

    const leaver = 'p03';
    const round2Rooms = rooms('S1', 'S2', 'S3');
    const round2People = [...round1People.filter((id) => id !== leaver), 'new1', 'new2'];
    const round2 = assignKeepGroups({ people: round2People, rooms: round2Rooms, previous: round1 });

    expect(Object.keys(round2).sort()).toEqual([...round2People].sort());
    expect(round2[leaver]).toBeUndefined();
    expectGroupsKept(round1, round2);
    // Each old group has a room of its own.
    const roomOfGroup = new Map<string, string>();
    for (const id of round1People) {
      if (id === leaver) continue;
      const oldRoom = round1[id] as string;
      roomOfGroup.set(oldRoom, round2[id] as string);
    }
    expect(new Set(roomOfGroup.values()).size).toBe(3);
    // Groups of 4, 4 and 3: the smallest group is placed last, into S3, and the first newcomer
    // fills it up to 4; the second newcomer then goes to the first of three equal rooms.
    expect(roomOfGroup.get(round1[leaver] as string)).toBe('S3');
    expect(round2.new1).toBe('S3');
    expect(round2.new2).toBe('S1');
    expect(roomSizes(round2Rooms, round2)).toEqual({ S1: 5, S2: 4, S3: 4 });
  });
});

describe('roomForLateJoiner', () => {
  const slots: RoomSlot[] = [{ id: 'A', cap: 2 }, { id: 'B' }, { id: 'C', cap: 3 }];

  it('picks the smallest room', () => {
    expect(roomForLateJoiner(slots, { x: 'A', y: 'B', z: 'B' })).toBe('C');
  });

  it('breaks ties toward the first room', () => {
    expect(roomForLateJoiner(slots, {})).toBe('A');
    expect(roomForLateJoiner(slots, { x: 'A' })).toBe('B');
  });

  it('skips rooms at their cap and ignores unknown rooms', () => {
    // A is full (2 of 2), B has 2 and C 1: C, although B has no cap.
    expect(roomForLateJoiner(slots, { x: 'A', y: 'A', z: 'B', t: 'B', w: 'C', v: 'gone', u: 'gone' })).toBe('C');
  });

  it('returns null when every room is full or there are no rooms', () => {
    const capped: RoomSlot[] = [
      { id: 'A', cap: 1 },
      { id: 'B', cap: 0 },
    ];
    expect(roomForLateJoiner(capped, { x: 'A' })).toBeNull();
    expect(roomForLateJoiner([], {})).toBeNull();
  });
});

describe('canChooseRoom', () => {
  const room: RoomSlot = { id: 'A', cap: 2 };

  it('allows a room below its cap and refuses a full one', () => {
    expect(canChooseRoom(room, { x: 'A', y: 'B' }, 'me')).toBe(true);
    expect(canChooseRoom(room, { x: 'A', y: 'A' }, 'me')).toBe(false);
  });

  it('lets a person who is already in a full room keep choosing it', () => {
    expect(canChooseRoom(room, { me: 'A', y: 'A' }, 'me')).toBe(true);
  });

  it('counts a person moving out of another room like anyone else', () => {
    expect(canChooseRoom(room, { me: 'B', x: 'A', y: 'A' }, 'me')).toBe(false);
  });

  it('allows any number without a cap and none with cap 0', () => {
    const many = Object.fromEntries(people(50).map((id) => [id, 'A']));
    expect(canChooseRoom({ id: 'A' }, many, 'me')).toBe(true);
    expect(canChooseRoom({ id: 'A', cap: null }, many, 'me')).toBe(true);
    expect(canChooseRoom({ id: 'A', cap: 0 }, {}, 'me')).toBe(false);
  });

  it('refuses a room that does not exist', () => {
    expect(canChooseRoom(undefined, {}, 'me')).toBe(false);
  });
});

describe('roomSizes', () => {
  it('lists every room, empty ones with 0, and ignores unknown rooms', () => {
    expect(roomSizes(rooms('A', 'B', 'C'), { x: 'A', y: 'A', z: 'C', w: 'gone' })).toEqual({ A: 2, B: 0, C: 1 });
    expect(roomSizes([], { x: 'A' })).toEqual({});
  });
});

describe('roomCountForSize', () => {
  it('rounds people / size and gives at least one room', () => {
    expect(roomCountForSize(20, 5)).toBe(4);
    expect(roomCountForSize(22, 5)).toBe(4);
    expect(roomCountForSize(23, 5)).toBe(5);
    expect(roomCountForSize(25, 10)).toBe(3);
    expect(roomCountForSize(3, 10)).toBe(1);
    expect(roomCountForSize(0, 4)).toBe(1);
  });

  it('rejects sizes that would give no or infinitely many rooms', () => {
    expect(() => roomCountForSize(10, 0)).toThrow(RangeError);
    expect(() => roomCountForSize(10, -2)).toThrow(RangeError);
    expect(() => roomCountForSize(10, Number.NaN)).toThrow(RangeError);
    expect(() => roomCountForSize(Infinity, 4)).toThrow(RangeError);
  });
});
