/**
 * Who goes into which breakout room: random, balanced and keep-the-groups assignment, the room for
 * a late joiner and the capacity check for self-selected rooms.
 *
 * Pure functions only: no side effects, no dependencies, runs in the browser and in Node. Random
 * assignment takes a seed, so the server and the clients (or a replay of a stored round) compute
 * exactly the same rooms.
 *
 * Rules shared by every function:
 * - only the given people are placed; assignments of anybody else are dropped from the result,
 *   except `fixed`, which is always returned as given;
 * - a room with a cap never receives more people than the cap; people who do not fit anywhere stay
 *   unassigned, i.e. they are absent from the result;
 * - an empty room list assigns nobody;
 * - "the smallest room" means the room with the fewest members that is still below its cap, ties
 *   going to the first room in the given order;
 * - a person listed twice in `people`, or a room id listed twice in `rooms`, counts once (the
 *   first occurrence wins).
 */

/** A person's room: personId -> roomId. A person without a room has no entry. */
export type Assignment = Record<string /* personId */, string /* roomId */>;

/**
 * A breakout room as the assignment sees it.
 * `cap` is the most people the room takes: null, undefined, Infinity or NaN mean no cap; a
 * fractional cap is rounded down and a negative one counts as 0.
 */
export interface RoomSlot {
  /** The room's id, as used in {@link Assignment} values. */
  id: string;
  /** The most people the room takes; null/undefined = no cap. */
  cap?: number | null;
}

/**
 * A seeded pseudo-random generator (mulberry32): same seed, same sequence, in [0, 1).
 * The seed is reduced to an unsigned 32-bit integer first, so fractions are dropped and seeds
 * that differ by a multiple of 2^32 give the same sequence.
 */
export function seededRandom(seed: number): () => number {
  // `>>> 0` maps NaN and infinities to 0 instead of letting them poison the state.
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fisher–Yates shuffle with the given random source; returns a new array.
 * The input is not changed. `random` should return values in [0, 1); a value of 1 or more is
 * treated like a value just below 1.
 */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const result = items.slice();
  for (let i = result.length - 1; i > 0; i--) {
    // Clamped so that a random source returning exactly 1 cannot pick an index past the end.
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    const atI = result[i] as T;
    result[i] = result[j] as T;
    result[j] = atI;
  }
  return result;
}

/**
 * Random and balanced: shuffle the people (seeded) and deal them round-robin into the rooms, so
 * room sizes differ by at most one.
 *
 * `fixed` people keep their room (e.g. a co-moderator who is host of a room counts toward its size
 * but is not moved); the others fill up the smallest rooms first while dealing, so the final sizes
 * (fixed included) differ by at most one wherever the fixed people allow it.
 *
 * Details:
 * - the result depends only on the set of people, not on their order in `people` (they are sorted
 *   before the shuffle), so callers with differently ordered lists get the same rooms;
 * - ties go to the first room in order, so without fixed people or caps the first rooms get the
 *   extra person when the sizes do not divide evenly;
 * - `fixed` is returned as given, even for people missing from `people` or rooms missing from
 *   `rooms`; a fixed person counts toward a room's size only if the room is in `rooms`, and may
 *   push it past its cap (nobody else is added to it then);
 * - rooms at their cap are skipped; people left over when every room is full stay unassigned.
 */
export function assignRandom(input: {
  people: readonly string[];
  rooms: readonly RoomSlot[];
  seed: number;
  fixed?: Assignment;
}): Assignment {
  const fixedEntries = ownEntries(input.fixed);
  const result = new Map(fixedEntries);
  const rooms = roomStates(input.rooms);
  countInto(rooms, fixedEntries);
  // Sorted by code unit (not localeCompare, which differs between browsers and Node) so that
  // the seed alone decides the order, whatever order the caller listed the people in.
  const movable = uniquePeople(input.people)
    .filter((person) => !result.has(person))
    .sort(compareCodeUnits);
  fillSmallest(rooms, shuffle(movable, seededRandom(input.seed)), result);
  return toAssignment(result);
}

/**
 * Balanced: keeps every existing assignment and puts each unassigned person into the currently
 * smallest room (ties: the first room in order; rooms at their cap are skipped). Deterministic.
 *
 * Details:
 * - unassigned people are placed in the order of `people`;
 * - an existing assignment is kept even if it puts a room past its cap (it is never undone here),
 *   but nobody else is added to that room;
 * - an existing assignment to a room that is not in `rooms` (e.g. a deleted room) is stale: that
 *   person is placed anew like an unassigned one;
 * - existing assignments of people not in `people` are dropped and do not count toward sizes.
 */
export function assignBalanced(input: {
  people: readonly string[];
  rooms: readonly RoomSlot[];
  existing: Assignment;
}): Assignment {
  const rooms = roomStates(input.rooms);
  const result = new Map<string, string>();
  const people = uniquePeople(input.people);
  for (const person of people) {
    const roomId = ownValue(input.existing, person);
    const room = roomId === undefined ? undefined : rooms.byId.get(roomId);
    if (room === undefined) continue;
    room.size++;
    result.set(person, room.id);
  }
  fillSmallest(
    rooms,
    people.filter((person) => !result.has(person)),
    result,
  );
  return toAssignment(result);
}

/**
 * Keep the groups of the previous round: people who sat together stay together.
 *
 * Previous groups (from `previous`, grouped by their old room, in order of first appearance in
 * `people`) are mapped onto the new rooms: the largest groups first into the currently smallest
 * rooms (equal sizes keep the order of first appearance). If there are more groups than rooms,
 * groups are merged into the smallest rooms. If there are fewer, the extra rooms get no group:
 * groups are never split to even out the rooms, so there is no rebalancing — the extra rooms only
 * receive newcomers. People without a previous room (newcomers) are then placed like
 * {@link assignBalanced} does, in the order of `people`, so they go to the smallest rooms first.
 *
 * Details:
 * - old room ids need not exist any more; they only say who sat together. Old and new room ids
 *   are not matched: a group may land in a room with a different id even if its old room still
 *   exists;
 * - `fixed` works as in {@link assignRandom}: returned as given, counted toward the sizes of rooms
 *   in `rooms`, and a fixed person is not part of any group (their old room mates are not pulled
 *   along with them);
 * - caps: a group goes into the smallest room it fits into as a whole. Only if it fits into no room
 *   is it split: the room with the most free places (ties: the smaller, then the first) takes as
 *   many as fit, in the order of `people`, and the rest are placed like newcomers (or stay
 *   unassigned if every room is full).
 */
export function assignKeepGroups(input: {
  people: readonly string[];
  rooms: readonly RoomSlot[];
  previous: Assignment;
  fixed?: Assignment;
}): Assignment {
  const fixedEntries = ownEntries(input.fixed);
  const result = new Map(fixedEntries);
  const rooms = roomStates(input.rooms);
  countInto(rooms, fixedEntries);

  const groupsByOldRoom = new Map<string, string[]>();
  const unplaced: string[] = [];
  const people = uniquePeople(input.people).filter((person) => !result.has(person));
  for (const person of people) {
    const oldRoom = ownValue(input.previous, person);
    if (oldRoom === undefined) continue;
    const group = groupsByOldRoom.get(oldRoom);
    if (group === undefined) groupsByOldRoom.set(oldRoom, [person]);
    else group.push(person);
  }
  // Array.prototype.sort is stable, so equal-sized groups keep their order of first appearance.
  const groups = [...groupsByOldRoom.values()].sort((a, b) => b.length - a.length);

  for (const group of groups) {
    const room = smallestRoomWithSpace(rooms, group.length) ?? roomWithMostSpace(rooms);
    if (room === undefined) {
      unplaced.push(...group);
      continue;
    }
    const taken = Math.min(group.length, room.cap - room.size);
    for (const person of group.slice(0, taken)) result.set(person, room.id);
    room.size += taken;
    unplaced.push(...group.slice(taken));
  }

  // Newcomers and members a cap cut off from their group, in the order of `people`.
  const leftOver = new Set(unplaced);
  fillSmallest(
    rooms,
    people.filter((person) => leftOver.has(person) || ownValue(input.previous, person) === undefined),
    result,
  );
  return toAssignment(result);
}

/**
 * The room a late joiner goes to: the smallest room (by current members), ties to the first; null
 * if every room is at its cap or there are no rooms. Entries of `current` for rooms not in `rooms`
 * are ignored.
 */
export function roomForLateJoiner(rooms: readonly RoomSlot[], current: Assignment): string | null {
  const states = roomStates(rooms);
  countInto(states, ownEntries(current));
  return smallestRoomWithSpace(states, 1)?.id ?? null;
}

/**
 * Whether a person may choose this room in self-select mode: the room exists and is below its cap
 * (a person already in it counts as fitting).
 */
export function canChooseRoom(room: RoomSlot | undefined, current: Assignment, personId: string): boolean {
  if (room === undefined) return false;
  // Re-choosing one's own room must not fail just because that person made it full.
  if (ownValue(current, personId) === room.id) return true;
  const cap = normalizedCap(room.cap);
  if (cap === Infinity) return true;
  let size = 0;
  for (const [, roomId] of ownEntries(current)) if (roomId === room.id) size++;
  return size < cap;
}

/**
 * Room sizes from an assignment: roomId -> count, every room present (0 for empty). Entries for
 * rooms not in `rooms` are ignored.
 */
export function roomSizes(rooms: readonly RoomSlot[], assignment: Assignment): Record<string, number> {
  const states = roomStates(rooms);
  countInto(states, ownEntries(assignment));
  return Object.fromEntries(states.list.map((room) => [room.id, room.size]));
}

/**
 * How many rooms "rooms of about k people" gives for n people: Math.max(1, Math.round(n / k)).
 * Throws a RangeError if `people` is negative or not finite, or `size` is not a positive finite
 * number (which would give no or infinitely many rooms).
 */
export function roomCountForSize(people: number, size: number): number {
  if (!Number.isFinite(people) || people < 0) {
    throw new RangeError(`people must be a finite number >= 0, got ${people}`);
  }
  if (!Number.isFinite(size) || size <= 0) {
    throw new RangeError(`size must be a finite number > 0, got ${size}`);
  }
  return Math.max(1, Math.round(people / size));
}

/** A room during assignment: its normalized cap (Infinity for none) and its current size. */
interface RoomState {
  id: string;
  cap: number;
  size: number;
}

/** The rooms in order (first occurrence of each id) and the same objects by id. */
interface RoomStates {
  list: RoomState[];
  byId: Map<string, RoomState>;
}

/** Normalizes the rooms for assignment, all with size 0. */
function roomStates(rooms: readonly RoomSlot[]): RoomStates {
  const list: RoomState[] = [];
  const byId = new Map<string, RoomState>();
  for (const room of rooms) {
    if (byId.has(room.id)) continue;
    const state: RoomState = { id: room.id, cap: normalizedCap(room.cap), size: 0 };
    list.push(state);
    byId.set(room.id, state);
  }
  return { list, byId };
}

/** The cap as a whole number >= 0, Infinity for no cap. */
function normalizedCap(cap: number | null | undefined): number {
  if (cap === null || cap === undefined || Number.isNaN(cap)) return Infinity;
  return Math.max(0, Math.floor(cap));
}

/** Adds each entry to its room's size; entries for unknown rooms are ignored. */
function countInto(rooms: RoomStates, entries: readonly (readonly [string, string])[]): void {
  for (const [, roomId] of entries) {
    const room = rooms.byId.get(roomId);
    if (room !== undefined) room.size++;
  }
}

/** The first of the rooms with the fewest members that still has `places` free places. */
function smallestRoomWithSpace(rooms: RoomStates, places: number): RoomState | undefined {
  let best: RoomState | undefined;
  for (const room of rooms.list) {
    if (room.cap - room.size < places) continue;
    // Strictly smaller only, so that ties go to the earlier room.
    if (best === undefined || room.size < best.size) best = room;
  }
  return best;
}

/** The room with the most free places (ties: fewer members, then the first); undefined if all are full. */
function roomWithMostSpace(rooms: RoomStates): RoomState | undefined {
  let best: RoomState | undefined;
  for (const room of rooms.list) {
    const free = room.cap - room.size;
    if (free <= 0) continue;
    const bestFree = best === undefined ? 0 : best.cap - best.size;
    if (best === undefined || free > bestFree || (free === bestFree && room.size < best.size)) best = room;
  }
  return best;
}

/** Puts each person in turn into the smallest room; stops when every room is full. */
function fillSmallest(rooms: RoomStates, people: readonly string[], result: Map<string, string>): void {
  for (const person of people) {
    const room = smallestRoomWithSpace(rooms, 1);
    if (room === undefined) return;
    room.size++;
    result.set(person, room.id);
  }
}

/** The people without repeats, in order of first occurrence. */
function uniquePeople(people: readonly string[]): string[] {
  return [...new Set(people)];
}

/** Orders strings by UTF-16 code units, the same in every JavaScript engine and locale. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Assignments may arrive as plain objects parsed from JSON, so ids like "toString" or "__proto__"
// are read as own properties only and results are built with Object.fromEntries, which defines
// own properties instead of touching the prototype.

/** The room of a person, read as an own property only. */
function ownValue(assignment: Assignment, personId: string): string | undefined {
  return Object.hasOwn(assignment, personId) ? assignment[personId] : undefined;
}

/** The own entries of an assignment; none for undefined. */
function ownEntries(assignment: Assignment | undefined): [string, string][] {
  return assignment === undefined ? [] : Object.entries(assignment);
}

/** The assignment as a plain object with ordinary prototype. */
function toAssignment(result: Map<string, string>): Assignment {
  return Object.fromEntries(result);
}
