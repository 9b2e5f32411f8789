import { elapsedMs, pauseTimer, resumeTimer, startTimer } from '@werkraum/shared/agendaClock';
import type { SpeakingOrder, SpeakingRecord as SpeakingHistoryEntry, SpeakingRound, SpeakingState } from '@werkraum/shared/protocol';
import { isFacilitator } from '@werkraum/shared/roles';
import type { PersonRecord, SpeakingRecord, SpeakingStore, WorkshopStore } from '../store/types.js';
import { DomainError } from './errors.js';
import type { Notifier } from './notifier.js';
import type { Actor, PeopleDomain } from './people.js';
import { newId } from './secrets.js';
import { updateVersioned } from './versioned.js';

/** Rounds kept in the history of one workshop. */
export const SPEAKING_HISTORY_MAX = 100;
/** Turns one round records (back and forth included); beyond it the round must end first. */
export const SPEAKING_TURNS_MAX = 1_000;

/** Nobody's hand is up, no round runs. */
export function emptySpeaking(): SpeakingState {
  return { hands: [], called: null, round: null, history: [] };
}

/** Raises or lowers one person's hand; a raised hand keeps its place in the queue. */
export function setHand(state: SpeakingState, personId: string, raised: boolean, now: number): SpeakingState {
  const up = state.hands.some((hand) => hand.personId === personId);
  if (up === raised) return state;
  return {
    ...state,
    hands: raised ? [...state.hands, { personId, at: now }] : state.hands.filter((hand) => hand.personId !== personId),
  };
}

/** Calls the first hand in the queue: it goes down and that person is "called". */
export function callNext(state: SpeakingState, now: number): SpeakingState {
  const [first, ...rest] = state.hands;
  if (!first) return state;
  return { ...state, hands: rest, called: { personId: first.personId, at: now } };
}

/** Lowers every hand. */
export function lowerAll(state: SpeakingState): SpeakingState {
  if (state.hands.length === 0 && state.called === null) return state;
  return { ...state, hands: [], called: null };
}

/** Fisher-Yates with a seeded generator, so a test can repeat an order. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/** The speakers of a new round in the chosen order. */
export function speakerOrder(order: SpeakingOrder, present: readonly string[], custom: readonly string[] | undefined, random: () => number): string[] {
  if (order === 'custom') {
    const known = new Set(present);
    const list = [...new Set(custom ?? [])];
    if (list.length === 0) throw new DomainError('invalid_payload', 'Put at least one person in the order.', 'personIds');
    if (list.some((personId) => !known.has(personId))) throw new DomainError('person_not_found', 'Someone in the order is not in this workshop.', 'personIds');
    return list;
  }
  if (present.length === 0) throw new DomainError('invalid_state', 'Nobody is present to speak.');
  return order === 'random' ? shuffled(present, random) : [...present];
}

/** Starts a round; the first speaker's clock starts now. */
export function startRound(
  state: SpeakingState,
  input: { id: string; title: string; order: string[]; speakerMs: number | null },
  now: number,
): SpeakingState {
  if (state.round) throw new DomainError('invalid_state', 'A round is already running; end it first.');
  const round: SpeakingRound = {
    id: input.id,
    title: input.title,
    order: input.order,
    position: 0,
    speakerMs: input.speakerMs,
    timer: startTimer(input.id, input.speakerMs ?? 0, now),
    startedAt: now,
    turns: [],
  };
  return { ...state, round };
}

/** Records the current turn and moves to `position` (a new clock for that speaker). */
function moveTo(round: SpeakingRound, position: number, skipped: boolean, now: number): SpeakingRound {
  const personId = round.order[round.position]!;
  const spokenMs = skipped ? 0 : elapsedMs(round.timer, now);
  return {
    ...round,
    position,
    turns: [...round.turns, { personId, spokenMs, skipped }],
    timer: startTimer(round.id, round.speakerMs ?? 0, now),
  };
}

/** Refuses another turn once a round has recorded its most; ending it still works. */
function requireTurnsLeft(round: SpeakingRound): void {
  if (round.turns.length >= SPEAKING_TURNS_MAX) {
    throw new DomainError('invalid_state', `A round records at most ${SPEAKING_TURNS_MAX} turns; end it and start a new one.`);
  }
}

/** Ends the round and keeps it in the history. */
function endRound(state: SpeakingState, now: number): SpeakingState {
  const round = state.round;
  if (!round) return state;
  const finished = round.position < round.order.length ? moveTo(round, round.position, false, now) : round;
  const entry: SpeakingHistoryEntry = {
    id: round.id,
    title: round.title,
    startedAt: round.startedAt,
    endedAt: now,
    speakerMs: round.speakerMs,
    turns: finished.turns,
  };
  return { ...state, round: null, history: [...state.history, entry].slice(-SPEAKING_HISTORY_MAX) };
}

/**
 * Next speaker, skip, back, pause, resume, end. "next" after the last speaker ends the round;
 * "back" gives the previous speaker a fresh clock (their earlier turn stays recorded).
 */
export function controlRound(state: SpeakingState, action: 'next' | 'skip' | 'back' | 'pause' | 'resume' | 'end', now: number): SpeakingState {
  const round = state.round;
  if (!round) throw new DomainError('invalid_state', 'No round is running.');
  switch (action) {
    case 'pause':
      return round.timer.pausedAt === null ? { ...state, round: { ...round, timer: pauseTimer(round.timer, now) } } : state;
    case 'resume':
      return round.timer.pausedAt === null ? state : { ...state, round: { ...round, timer: resumeTimer(round.timer, now) } };
    case 'end':
      return endRound(state, now);
    case 'back':
      if (round.position === 0) return state;
      requireTurnsLeft(round);
      return { ...state, round: moveTo(round, round.position - 1, false, now) };
    case 'next':
    case 'skip': {
      requireTurnsLeft(round);
      const moved = moveTo(round, round.position + 1, action === 'skip', now);
      if (moved.position >= round.order.length) {
        const entry: SpeakingHistoryEntry = {
          id: round.id,
          title: round.title,
          startedAt: round.startedAt,
          endedAt: now,
          speakerMs: round.speakerMs,
          turns: moved.turns,
        };
        return { ...state, round: null, history: [...state.history, entry].slice(-SPEAKING_HISTORY_MAX) };
      }
      return { ...state, round: moved };
    }
  }
}

/** A round held, for the documentation: speakers named only when they agreed to be listed. */
export interface DocumentedSpeakingRound {
  title: string;
  startedAt: string;
  endedAt: string;
  speakerSeconds: number | null;
  turns: { name: string | null; spokenSeconds: number; skipped: boolean }[];
}

/** The rounds held, with names only of people listed in the documentation. */
export function roundsForDocumentation(history: readonly SpeakingHistoryEntry[], people: readonly PersonRecord[]): DocumentedSpeakingRound[] {
  const listed = new Map(people.filter((person) => person.listInDocumentation).map((person) => [person.id, person.displayName]));
  return history.map((round) => ({
    title: round.title,
    startedAt: new Date(round.startedAt).toISOString(),
    endedAt: new Date(round.endedAt).toISOString(),
    speakerSeconds: round.speakerMs === null ? null : Math.round(round.speakerMs / 1000),
    turns: round.turns.map((turn) => ({ name: listed.get(turn.personId) ?? null, spokenSeconds: Math.round(turn.spokenMs / 1000), skipped: turn.skipped })),
  }));
}

/** The speaking rounds held in a workshop, for the documentation export (names only of people listed). */
export async function speakingForDocumentation(store: SpeakingStore & WorkshopStore, workshopId: string): Promise<DocumentedSpeakingRound[]> {
  const [record, people] = await Promise.all([store.getSpeaking(workshopId), store.listPeople(workshopId)]);
  return roundsForDocumentation(record?.speaking.history ?? [], people);
}

/** Dependencies of the speaking domain. */
export interface SpeakingDeps {
  store: SpeakingStore & WorkshopStore;
  notifier: Notifier;
  people: PeopleDomain;
  clock: () => number;
  /** Random numbers for random orders; tests pass a seeded one. */
  random?: () => number;
}

/** Raised hands and speaking rounds, decided on the server and timed on its clock. */
export class SpeakingDomain {
  constructor(private readonly deps: SpeakingDeps) {}

  /** The speaking state of a workshop. */
  async load(workshopId: string): Promise<SpeakingRecord> {
    return (await this.deps.store.getSpeaking(workshopId)) ?? { workshopId, version: 0, speaking: emptySpeaking() };
  }

  /** Anyone joined: the current state. */
  async get(actor: Actor): Promise<{ speaking: SpeakingState; serverTime: number }> {
    await this.deps.people.current(actor);
    return { speaking: (await this.load(actor.workshopId)).speaking, serverTime: this.deps.clock() };
  }

  /** The rounds held, for the moderation over HTTP and the documentation. */
  async documentation(workshopId: string): Promise<DocumentedSpeakingRound[]> {
    return speakingForDocumentation(this.deps.store, workshopId);
  }

  /** Anyone joined: raise or lower one's own hand. */
  async hand(actor: Actor, input: { raised: boolean }): Promise<{ raised: boolean }> {
    const person = await this.deps.people.current(actor);
    await this.change(actor.workshopId, (state, now) => setHand(state, person.id, input.raised, now));
    return { raised: input.raised };
  }

  /** Facilitators: call the first raised hand. */
  async callNext(actor: Actor): Promise<{ personId: string | null }> {
    await this.requireFacilitator(actor);
    const state = await this.change(actor.workshopId, (current, now) => callNext(current, now));
    return { personId: state.called?.personId ?? null };
  }

  /** Facilitators: lower every hand. */
  async lowerAll(actor: Actor): Promise<{ lowered: number }> {
    await this.requireFacilitator(actor);
    let lowered = 0;
    await this.change(actor.workshopId, (current) => {
      lowered = current.hands.length;
      return lowerAll(current);
    });
    return { lowered };
  }

  /** Facilitators: start a round over the people present. */
  async start(
    actor: Actor,
    input: { title: string; order: SpeakingOrder; personIds?: string[] | undefined; speakerSeconds: number | null },
  ): Promise<{ roundId: string }> {
    await this.requireFacilitator(actor);
    const people = await this.deps.people.people(actor.workshopId);
    const present = people.filter((person) => person.connection === 'online').map((person) => person.id);
    const everyone = people.map((person) => person.id);
    const order = speakerOrder(input.order, input.order === 'custom' ? everyone : present, input.personIds, this.deps.random ?? Math.random);
    const id = newId();
    await this.change(actor.workshopId, (state, now) =>
      startRound(state, { id, title: input.title, order, speakerMs: input.speakerSeconds === null ? null : input.speakerSeconds * 1000 }, now),
    );
    return { roundId: id };
  }

  /** Facilitators: next, skip, back, pause, resume, end. */
  async control(actor: Actor, input: { action: 'next' | 'skip' | 'back' | 'pause' | 'resume' | 'end' }): Promise<{ speaking: SpeakingState }> {
    await this.requireFacilitator(actor);
    return { speaking: await this.change(actor.workshopId, (state, now) => controlRound(state, input.action, now)) };
  }

  private async change(workshopId: string, apply: (state: SpeakingState, now: number) => SpeakingState): Promise<SpeakingState> {
    const { record, changed } = await updateVersioned(
      `speaking:${workshopId}`,
      () => this.load(workshopId),
      (next) => this.deps.store.saveSpeaking(next),
      (current) => {
        const speaking = apply(current.speaking, this.deps.clock());
        return speaking === current.speaking ? current : { ...current, speaking };
      },
    );
    if (changed) this.deps.notifier.toWorkshop(workshopId, 'speaking:changed', { speaking: record.speaking, serverTime: this.deps.clock() });
    return record.speaking;
  }

  private async requireFacilitator(actor: Actor): Promise<PersonRecord> {
    const person = await this.deps.people.current(actor);
    if (!isFacilitator(person.role)) throw new DomainError('forbidden', 'Only the moderation may lead the speaking order.');
    return person;
  }
}
