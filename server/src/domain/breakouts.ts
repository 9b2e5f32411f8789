import {
  assignBalanced,
  assignKeepGroups,
  assignRandom,
  canChooseRoom,
  roomForLateJoiner,
  type Assignment,
  type RoomSlot,
} from '@werkraum/shared/breakoutAssignment';
import { deadline } from '@werkraum/shared/agendaClock';
import { breakoutState, currentRoomOf } from '@werkraum/shared/breakoutPhase';
import type { AgendaRun, BreakoutRound, SaveRoundRequest } from '@werkraum/shared/protocol';
import { isFacilitator } from '@werkraum/shared/roles';
import type { AgendaStore, BreakoutStore, BreakoutsRecord, PersonRecord, WorkshopStore } from '../store/types.js';
import { DomainError } from './errors.js';
import type { Notifier } from './notifier.js';
import { requireRole, type Actor, type PeopleDomain } from './people.js';
import { newId } from './secrets.js';
import { updateVersioned } from './versioned.js';

/** Dependencies of the breakout domain. */
export interface BreakoutDeps {
  store: BreakoutStore & AgendaStore & WorkshopStore;
  notifier: Notifier;
  people: PeopleDomain;
  clock: () => number;
  /** Called after the rounds changed (so access to room documents can follow). */
  onChanged?: (workshopId: string) => Promise<unknown>;
  /** Seed source for random assignment (tests pass a fixed one). */
  randomSeed?: () => number;
}

const FACILITATORS = ['moderator', 'coModerator'] as const;

function findRound(record: BreakoutsRecord, roundId: string): BreakoutRound {
  const round = record.rounds.find((candidate) => candidate.id === roundId);
  if (!round) throw new DomainError('invalid_state', 'There is no such breakout round.', 'roundId');
  return round;
}

function replaceRound(record: BreakoutsRecord, round: BreakoutRound): BreakoutsRecord {
  return { ...record, rounds: record.rounds.map((candidate) => (candidate.id === round.id ? round : candidate)) };
}

const slots = (round: BreakoutRound, cap = round.roomCap): RoomSlot[] =>
  round.rooms.filter((room) => room.closedAt === null).map((room) => ({ id: room.id, cap }));

/** Hosts sit in their room and are never moved by automatic assignment. */
function hostAssignment(round: BreakoutRound): Assignment {
  return Object.fromEntries(round.rooms.filter((room) => room.hostId).map((room) => [room.hostId!, room.id]));
}

/** Creates or changes a round; rooms keep their ids (and so their members); members of removed rooms go back to the plenary. */
export function saveRound(record: BreakoutsRecord, input: SaveRoundRequest, newRoomId: () => string, newRoundId: () => string): BreakoutsRecord {
  const existing = record.rounds.find((round) => round.blockId === input.blockId);
  const previousRooms = new Map((existing?.rooms ?? []).map((room) => [room.id, room]));
  const rooms = input.rooms.map((room) => {
    const kept = room.id ? previousRooms.get(room.id) : undefined;
    if (room.id && !kept) throw new DomainError('invalid_state', 'A room of this round no longer exists.', 'rooms');
    return { id: kept?.id ?? newRoomId(), name: room.name, task: room.task, hostId: room.hostId, closedAt: kept?.closedAt ?? null };
  });
  const roomIds = new Set(rooms.map((room) => room.id));
  const keep = (assignment: Record<string, string>) => Object.fromEntries(Object.entries(assignment).filter(([, roomId]) => roomIds.has(roomId)));
  const base: BreakoutRound = existing ?? {
    id: newRoundId(),
    blockId: input.blockId,
    rooms: [],
    assignmentMode: input.assignmentMode,
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
  const round: BreakoutRound = {
    ...base,
    rooms,
    assignmentMode: input.assignmentMode,
    roomCap: input.roomCap,
    graceSeconds: input.graceSeconds,
    notesTemplate: input.notesTemplate,
    assignments: { ...keep(base.assignments), ...hostAssignment({ ...base, rooms }) },
    visits: keep(base.visits),
  };
  return existing ? replaceRound(record, round) : { ...record, rounds: [...record.rounds, round] };
}

/** Assigns present participants by a rule; hosts keep their rooms. */
export function autoAssign(
  round: BreakoutRound,
  mode: 'random' | 'balanced' | 'keepGroups',
  participants: readonly string[],
  seed: number,
  previous: BreakoutRound | undefined,
): BreakoutRound {
  const fixed = hostAssignment(round);
  const people = participants.filter((personId) => !(personId in fixed));
  const rooms = slots(round, null);
  let assignments: Assignment;
  if (mode === 'random') assignments = assignRandom({ people, rooms, seed, fixed });
  else if (mode === 'keepGroups') assignments = assignKeepGroups({ people, rooms, previous: previous?.assignments ?? {}, fixed });
  // Hosts count toward their room's size, so they are among the people placed (and stay where they are).
  // Everyone already seated (hosts, people the moderation placed by hand) counts and stays where they are.
  else {
    const seated = [...new Set([...people, ...Object.keys(fixed), ...Object.keys(round.assignments)])];
    assignments = assignBalanced({ people: seated, rooms, existing: { ...round.assignments, ...fixed } });
  }
  return { ...round, assignments: { ...assignments, ...fixed } };
}

/**
 * Breakout rounds: prepared per breakout block, opened when the block starts (assigning people by
 * the round's rule), returned to the plenary after the block ends plus a grace period. Rooms have
 * stable ids that notes, boards and audio/video rooms use.
 */
export class BreakoutDomain {
  constructor(private readonly deps: BreakoutDeps) {}

  /** Every round of a workshop. */
  async load(workshopId: string): Promise<BreakoutsRecord> {
    return (await this.deps.store.getBreakouts(workshopId)) ?? { workshopId, version: 0, rounds: [] };
  }

  /** Rounds for a joined person. */
  async snapshot(actor: Actor): Promise<{ rounds: BreakoutRound[] }> {
    await this.deps.people.current(actor);
    return { rounds: (await this.load(actor.workshopId)).rounds };
  }

  /** The room a person is in now (null: plenary), for access checks of room content. */
  async roomOf(workshopId: string, personId: string): Promise<{ roundId: string; roomId: string } | null> {
    const [record, agenda] = await Promise.all([this.load(workshopId), this.deps.store.getAgenda(workshopId)]);
    const now = this.deps.clock();
    // The round opened last counts, should two overlap (records written before rounds ended each other).
    for (const round of [...record.rounds].sort((a, b) => (b.openedAt ?? 0) - (a.openedAt ?? 0))) {
      const roomId = currentRoomOf(round, breakoutState(round, agenda?.run.timer ?? null, now), personId);
      if (roomId) return { roundId: round.id, roomId };
    }
    return null;
  }

  /** Facilitators: create or change the round of a breakout block. */
  async saveRound(actor: Actor, input: SaveRoundRequest): Promise<{ roundId: string }> {
    await this.requireFacilitator(actor);
    const agenda = await this.deps.store.getAgenda(actor.workshopId);
    const block = agenda?.blocks.find((candidate) => candidate.id === input.blockId);
    if (!block) throw new DomainError('invalid_state', 'This block is not on the agenda.', 'blockId');
    if (block.type !== 'breakout') throw new DomainError('invalid_state', 'Only breakout blocks hold a breakout round.', 'blockId');
    await this.validateHosts(actor.workshopId, input);
    const record = await this.change(actor.workshopId, (current) => saveRound(current, input, newId, newId));
    return { roundId: record.rounds.find((round) => round.blockId === input.blockId)!.id };
  }

  /** Facilitators: delete a round that never opened. */
  async deleteRound(actor: Actor, input: { roundId: string }): Promise<{ roundId: string }> {
    await this.requireFacilitator(actor);
    await this.change(actor.workshopId, (current) => {
      const round = findRound(current, input.roundId);
      if (round.openedAt !== null) throw new DomainError('invalid_state', 'A round that has run stays for the documentation.');
      return { ...current, rounds: current.rounds.filter((candidate) => candidate.id !== round.id) };
    });
    return input;
  }

  /** Moves a person (facilitators) or chooses one's own room (participants, self-select only). */
  async assign(actor: Actor, input: { roundId: string; personId: string; roomId: string | null }): Promise<{ roundId: string }> {
    const caller = await this.deps.people.current(actor);
    const facilitator = isFacilitator(caller.role);
    const target = await this.deps.store.getPerson(actor.workshopId, input.personId);
    if (!target || target.removedAt) throw new DomainError('person_not_found', 'This person is not in the workshop.', 'personId');
    const now = this.deps.clock();
    const timer = (await this.deps.store.getAgenda(actor.workshopId))?.run.timer ?? null;
    const present = facilitator ? null : await this.presentPeople(actor.workshopId);
    await this.change(actor.workshopId, (current) => {
      const round = findRound(current, input.roundId);
      const phase = breakoutState(round, timer, now).phase;
      if (phase === 'closed') throw new DomainError('invalid_state', 'This round is over.');
      const room = input.roomId === null ? undefined : round.rooms.find((candidate) => candidate.id === input.roomId);
      if (input.roomId !== null && (!room || room.closedAt !== null)) {
        throw new DomainError('invalid_state', 'This room does not exist or is closed.', 'roomId');
      }
      if (!facilitator) {
        if (target.id !== caller.id) throw new DomainError('forbidden', 'Participants can only choose their own room.');
        if (round.assignmentMode !== 'selfSelect') throw new DomainError('forbidden', 'In this round the moderation assigns the rooms.');
        // Only people who are here take a place: removed people and people who left free theirs.
        const seated = presentAssignments(round.assignments, present!, caller.id);
        if (room && !canChooseRoom({ id: room.id, cap: round.roomCap }, seated, caller.id)) {
          throw new DomainError('invalid_state', 'This room is full.', 'roomId');
        }
      }
      const assignments = { ...round.assignments };
      if (input.roomId === null) delete assignments[target.id];
      else assignments[target.id] = input.roomId;
      return replaceRound(current, { ...round, assignments });
    });
    return { roundId: input.roundId };
  }

  /** Facilitators: assign everyone present by a rule. */
  async autoAssign(actor: Actor, input: { roundId: string; mode: 'random' | 'balanced' | 'keepGroups'; seed?: number | undefined }) {
    await this.requireFacilitator(actor);
    const participants = await this.presentParticipants(actor.workshopId);
    const seed = input.seed ?? this.seed();
    const order = await this.blockOrder(actor.workshopId);
    await this.change(actor.workshopId, (current) => {
      const round = findRound(current, input.roundId);
      return replaceRound(current, autoAssign(round, input.mode, participants, seed, previousRound(current, round, order)));
    });
    return { roundId: input.roundId };
  }

  /** Facilitators: close one room now (its members go back to the plenary) or all rooms at once. */
  async close(actor: Actor, input: { roundId: string; roomId: string | null }): Promise<{ roundId: string }> {
    await this.requireFacilitator(actor);
    const now = this.deps.clock();
    await this.change(actor.workshopId, (current) => {
      const round = findRound(current, input.roundId);
      if (round.openedAt === null) throw new DomainError('invalid_state', 'This round has not opened.');
      if (input.roomId === null) return replaceRound(current, { ...round, closedAt: now, endedAt: round.endedAt ?? now });
      if (!round.rooms.some((room) => room.id === input.roomId)) throw new DomainError('invalid_state', 'No such room.', 'roomId');
      const rooms = round.rooms.map((room) => (room.id === input.roomId ? { ...room, closedAt: room.closedAt ?? now } : room));
      return replaceRound(current, { ...round, rooms });
    });
    return { roundId: input.roundId };
  }

  /** Facilitators: a message to all rooms or one. */
  async broadcast(actor: Actor, input: { roundId: string; roomId: string | null; text: string }): Promise<{ broadcastId: string }> {
    await this.requireFacilitator(actor);
    const broadcastId = newId();
    const at = this.deps.clock();
    await this.change(actor.workshopId, (current) => {
      const round = findRound(current, input.roundId);
      if (input.roomId !== null && !round.rooms.some((room) => room.id === input.roomId)) {
        throw new DomainError('invalid_state', 'No such room.', 'roomId');
      }
      const broadcast = { id: broadcastId, at, fromPersonId: actor.personId, roomId: input.roomId, text: input.text };
      return replaceRound(current, { ...round, broadcasts: [...round.broadcasts, broadcast] });
    });
    return { broadcastId };
  }

  /** Room members: ask for a moderator (one open request per room and person). */
  async help(actor: Actor, input: { roundId: string }): Promise<{ requestId: string }> {
    await this.deps.people.current(actor);
    const now = this.deps.clock();
    const timer = (await this.deps.store.getAgenda(actor.workshopId))?.run.timer ?? null;
    let requestId = newId();
    await this.change(actor.workshopId, (current) => {
      const round = findRound(current, input.roundId);
      const roomId = currentRoomOf(round, breakoutState(round, timer, now), actor.personId);
      if (!roomId) throw new DomainError('invalid_state', 'You are not in a breakout room.');
      const open = round.helpRequests.find((request) => request.personId === actor.personId && request.resolvedAt === null);
      if (open) {
        requestId = open.id;
        return current;
      }
      const request = { id: requestId, roomId, personId: actor.personId, at: now, resolvedAt: null };
      return replaceRound(current, { ...round, helpRequests: [...round.helpRequests, request] });
    });
    return { requestId };
  }

  /** Facilitators: mark a help request as handled. */
  async resolveHelp(actor: Actor, input: { roundId: string; requestId: string }): Promise<{ requestId: string }> {
    await this.requireFacilitator(actor);
    const now = this.deps.clock();
    await this.change(actor.workshopId, (current) => {
      const round = findRound(current, input.roundId);
      if (!round.helpRequests.some((request) => request.id === input.requestId)) {
        throw new DomainError('invalid_state', 'No such help request.', 'requestId');
      }
      const helpRequests = round.helpRequests.map((request) =>
        request.id === input.requestId && request.resolvedAt === null ? { ...request, resolvedAt: now } : request,
      );
      return replaceRound(current, { ...round, helpRequests });
    });
    return { requestId: input.requestId };
  }

  /** Facilitators: go to a room (resolving its help requests) or back to the plenary. */
  async visit(actor: Actor, input: { roundId: string; roomId: string | null }): Promise<{ roundId: string }> {
    await this.requireFacilitator(actor);
    const now = this.deps.clock();
    await this.change(actor.workshopId, (current) => {
      const round = findRound(current, input.roundId);
      const visits = { ...round.visits };
      if (input.roomId === null) {
        delete visits[actor.personId];
        return replaceRound(current, { ...round, visits });
      }
      if (!round.rooms.some((room) => room.id === input.roomId)) throw new DomainError('invalid_state', 'No such room.', 'roomId');
      visits[actor.personId] = input.roomId;
      const helpRequests = round.helpRequests.map((request) =>
        request.roomId === input.roomId && request.resolvedAt === null ? { ...request, resolvedAt: now } : request,
      );
      return replaceRound(current, { ...round, visits, helpRequests });
    });
    return { roundId: input.roundId };
  }

  /**
   * Follows the agenda: a breakout block that starts opens its round (assigning by the round's
   * rule); one that ends starts the way back to the plenary.
   */
  async onRunChanged(workshopId: string, before: AgendaRun, after: AgendaRun): Promise<void> {
    const now = this.deps.clock();
    const startedBlock = after.timer && after.timer.blockId !== before.timer?.blockId ? after.timer.blockId : null;
    let endedBlock = before.timer && before.timer.blockId !== after.timer?.blockId ? before.timer.blockId : null;
    // Pausing or resuming a block whose time has run out must not move the way back (the rooms
    // would reopen after people reached the plenary): the end stays where the time ran out.
    // Extending is different: it gives the rooms more time on purpose.
    if (
      !endedBlock &&
      before.timer &&
      after.timer &&
      before.timer.blockId === after.timer.blockId &&
      before.timer.allottedMs === after.timer.allottedMs &&
      deadline(before.timer) <= now
    ) {
      endedBlock = before.timer.blockId;
    }
    if (!startedBlock && !endedBlock) return;
    const record = await this.load(workshopId);
    if (!record.rounds.some((round) => round.blockId === startedBlock || round.blockId === endedBlock)) return;
    const agenda = await this.deps.store.getAgenda(workshopId);
    const blockType = (blockId: string) => agenda?.blocks.find((block) => block.id === blockId)?.type;
    const participants = await this.presentParticipants(workshopId);
    const seed = this.seed();
    const order = await this.blockOrder(workshopId);
    await this.change(workshopId, (current) => {
      let next = current;
      let opened: string | null = null;
      for (const round of current.rounds) {
        if (round.blockId === endedBlock && round.openedAt !== null && round.endedAt === null) {
          // If the time had already run out, the way back started then, not now (no second grace period).
          const endsAt = breakoutState(round, before.timer, now).endsAt ?? now;
          next = replaceRound(next, { ...round, endedAt: Math.min(now, endsAt) });
        }
        // Only a block that is (still) a breakout opens rooms.
        if (round.blockId === startedBlock && blockType(round.blockId) === 'breakout') {
          next = replaceRound(next, openRound(round, participants, seed, previousRound(next, round, order), now));
          opened = round.id;
        }
      }
      // Starting a round ends the previous one's way back at once: one live round at a time, so
      // people, room documents and the overview all follow the new rooms.
      if (opened !== null) {
        for (const round of next.rounds) {
          if (round.id === opened) continue;
          const phase = breakoutState(round, after.timer, now).phase;
          if (phase === 'open' || phase === 'returning') {
            next = replaceRound(next, { ...round, endedAt: round.endedAt ?? now, closedAt: now });
          }
        }
      }
      return next;
    });
  }

  /** A participant who joins while a round is open goes to a room by the round's rule. */
  async onJoined(person: PersonRecord): Promise<void> {
    if (person.role !== 'participant') return;
    const record = await this.load(person.workshopId);
    const timer = (await this.deps.store.getAgenda(person.workshopId))?.run.timer ?? null;
    const now = this.deps.clock();
    const open = record.rounds.find((round) => breakoutState(round, timer, now).phase === 'open');
    if (!open || open.assignmentMode === 'selfSelect' || person.id in open.assignments) return;
    const present = await this.presentPeople(person.workshopId);
    await this.change(person.workshopId, (current) => {
      const round = findRound(current, open.id);
      if (person.id in round.assignments) return current;
      // The smallest room by the people in it now (removed people and people who left do not count).
      const roomId = roomForLateJoiner(slots(round, null), presentAssignments(round.assignments, present, person.id));
      return roomId ? replaceRound(current, { ...round, assignments: { ...round.assignments, [person.id]: roomId } }) : current;
    });
  }

  private async change(workshopId: string, apply: (current: BreakoutsRecord) => BreakoutsRecord): Promise<BreakoutsRecord> {
    const { record, changed } = await updateVersioned(
      `breakouts:${workshopId}`,
      () => this.load(workshopId),
      (next) => this.deps.store.saveBreakouts(next),
      apply,
    );
    if (changed) {
      this.deps.notifier.toWorkshop(workshopId, 'breakout:changed', { rounds: record.rounds, serverTime: this.deps.clock() });
      await this.deps.onChanged?.(workshopId);
    }
    return record;
  }

  private async requireFacilitator(actor: Actor): Promise<PersonRecord> {
    const person = await this.deps.people.current(actor);
    requireRole(person, FACILITATORS, 'run breakout rooms');
    return person;
  }

  private async validateHosts(workshopId: string, input: SaveRoundRequest): Promise<void> {
    for (const room of input.rooms) {
      if (!room.hostId) continue;
      const host = await this.deps.store.getPerson(workshopId, room.hostId);
      if (!host || host.removedAt || !isFacilitator(host.role)) {
        throw new DomainError('invalid_state', 'A room host must be a moderator or co-moderator of this workshop.', 'rooms');
      }
    }
  }

  /** Everyone who is here (online or reconnecting, not removed), whatever their role. */
  private async presentPeople(workshopId: string): Promise<Set<string>> {
    const people = await this.deps.people.people(workshopId);
    return new Set(people.filter((person) => person.connection !== 'left').map((person) => person.id));
  }

  /** Participants who are here (online or reconnecting), the people automatic assignment places. */
  private async presentParticipants(workshopId: string): Promise<string[]> {
    const people = await this.deps.people.people(workshopId);
    return people.filter((person) => person.role === 'participant' && person.connection !== 'left').map((person) => person.id);
  }

  private async blockOrder(workshopId: string): Promise<string[]> {
    return ((await this.deps.store.getAgenda(workshopId))?.blocks ?? []).map((block) => block.id);
  }

  private seed(): number {
    return this.deps.randomSeed?.() ?? Math.floor(Math.random() * 2 ** 31);
  }
}

/** The assignments of the people present (the caller always counts), for room sizes that match the rooms. */
function presentAssignments(assignments: Assignment, present: ReadonlySet<string>, selfId: string): Assignment {
  return Object.fromEntries(Object.entries(assignments).filter(([personId]) => personId === selfId || present.has(personId)));
}

/** The round that ran before this one in agenda order, for "keep the groups". */
function previousRound(record: BreakoutsRecord, round: BreakoutRound, blockOrder: string[]): BreakoutRound | undefined {
  const position = blockOrder.indexOf(round.blockId);
  return record.rounds
    .filter((candidate) => candidate.id !== round.id && candidate.openedAt !== null && blockOrder.indexOf(candidate.blockId) < position)
    .sort((a, b) => blockOrder.indexOf(b.blockId) - blockOrder.indexOf(a.blockId))[0];
}

/** Opens (or reopens) a round: assigns the people present who have no room yet, by the round's rule. */
function openRound(
  round: BreakoutRound,
  participants: readonly string[],
  seed: number,
  previous: BreakoutRound | undefined,
  now: number,
): BreakoutRound {
  const reopened: BreakoutRound = { ...round, openedAt: round.openedAt ?? now, endedAt: null, closedAt: null };
  const unassigned = participants.filter((personId) => !(personId in round.assignments));
  if (unassigned.length === 0 || round.assignmentMode === 'selfSelect') return reopened;
  if (round.assignmentMode === 'random' && Object.keys(round.assignments).length === Object.keys(hostAssignment(round)).length) {
    return autoAssign(reopened, 'random', participants, seed, previous);
  }
  if (round.assignmentMode === 'keepGroups') return autoAssign(reopened, 'keepGroups', participants, seed, previous);
  // Manual (or random with some people already placed): the rest fill the smallest rooms.
  return autoAssign(reopened, 'balanced', participants, seed, previous);
}
