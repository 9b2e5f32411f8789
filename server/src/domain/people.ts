import type { PersonView, WorkshopSnapshot } from '@werkraum/shared/protocol';
import type { ConnectionState, Role } from '@werkraum/shared/roles';
import type { PersonRecord, WorkshopStore } from '../store/types.js';
import { DomainError } from './errors.js';
import type { Notifier } from './notifier.js';
import { Pacer } from './pacer.js';
import { PresenceTracker, type Scheduler } from './presence.js';
import { hashSecret, newId, newSecret } from './secrets.js';
import { requireWorkshop, resolveLink, workshopInfo } from './workshops.js';

/** The joined person behind a connection. */
export interface Actor {
  workshopId: string;
  personId: string;
}

/** A person admitted to a workshop (join or resume), with the role they hold. */
export interface Admitted extends Actor {
  role: Role;
}

/** Refuses unless the person holds one of the roles. */
export function requireRole(person: PersonRecord, roles: readonly Role[], action: string): void {
  if (!roles.includes(person.role)) {
    throw new DomainError('forbidden', `Your role (${person.role}) may not ${action}.`);
  }
}

/** Dependencies of the people domain. */
export interface PeopleDeps {
  store: WorkshopStore;
  notifier: Notifier;
  now: () => Date;
  reconnectGraceMs: number;
  scheduler?: Scheduler;
  /** Called after a person joined or came back (for example to seat them in an open breakout round). */
  onJoined?: (person: PersonRecord) => Promise<void>;
  /** Called after a role changed or a person was removed (so access to room documents can follow). */
  onAccessChanged?: (workshopId: string) => Promise<unknown>;
  /** Where failures of background work (presence broadcasts) are reported. */
  onError?: (error: unknown) => void;
  /**
   * Changes to people go out at most once per this many ms per workshop, together: the first at
   * once, the ones after it at the end of the interval. When 60 people arrive within a minute each
   * arrival would otherwise be a message to everyone (3,600 messages); 1,000 would be a million.
   */
  announceIntervalMs?: number;
  /** Other server processes of the installation (presence there, changes to people); absent for one process. */
  shared?: SharedPeople;
}

/** What the people domain exchanges with other processes (see cluster/people.ts). */
export interface SharedPeople {
  /** The best state of the person's connections to other processes, if any process holds one. */
  remoteState(personId: string): ConnectionState | undefined;
  /** This process's state of a person changed. */
  presenceChanged(workshopId: string, personId: string, state: ConnectionState): void;
  /** This process wrote a workshop's people. */
  peopleWritten(workshopId: string): void;
}

const STATE_RANK: Record<ConnectionState, number> = { left: 0, reconnecting: 1, online: 2 };

/** Default for `PeopleDeps.announceIntervalMs`: well below what anyone notices in a list of names. */
export const PEOPLE_ANNOUNCE_INTERVAL_MS = 200;

/**
 * With several processes, how long after this process sent a workshop's people to someone it still
 * corrects them when another process's presence news arrives late (news sent before that snapshot,
 * whose broadcast the newcomer never got).
 */
const LATE_PRESENCE_WINDOW_MS = 10_000;


/** Called once a person is admitted, before their snapshot is read, so no broadcast slips between the two. */
export type OnAdmitted = (admitted: Admitted) => void;

/**
 * People in workshops: joining by link and name, coming back by token, presence, and the
 * moderator's actions on people (rename, promote/demote, remove).
 */
export class PeopleDomain {
  private readonly presence: PresenceTracker;
  /** Which workshop each tracked person belongs to, for presence broadcasts. */
  private readonly workshopOf = new Map<string, string>();
  /** Per workshop: the latest view of each person changed since the last announcement. */
  private readonly outgoing = new Map<string, Map<string, PersonView>>();
  private readonly pacer: Pacer;
  /**
   * Each workshop's people as last read. Every join sends the newcomer everyone, so without this a
   * workshop filling up to N people reads N rows N times. Every change to people goes through this
   * domain, which drops the entry around each write; with several processes the others drop theirs
   * when told (`SharedPeople.peopleWritten`, `forgetCached`).
   */
  private readonly records = new Map<string, Promise<PersonRecord[]>>();
  /**
   * With several processes: workshopId -> the people this process announced lately and when. A view
   * read here just before another process changed that person can reach clients after the other
   * process's broadcast; when the change's notice arrives (`forgetCached`), they are sent again.
   */
  private readonly announced = new Map<string, Map<string, number>>();
  /** workshopId -> when this process last sent its people in a snapshot (see `remotePresenceChanged`). */
  private readonly snapshotAt = new Map<string, number>();
  /** workshopId -> people whose state changed on another process, to send to this process's clients. */
  private readonly corrections = new Map<string, Set<string>>();

  constructor(private readonly deps: PeopleDeps) {
    this.presence = new PresenceTracker(
      deps.reconnectGraceMs,
      (personId, state) => {
        const workshopId = this.workshopOf.get(personId);
        if (workshopId) deps.shared?.presenceChanged(workshopId, personId, state);
        this.announce(personId).catch((error: unknown) => deps.onError?.(error));
      },
      deps.scheduler,
    );
    this.pacer = new Pacer(deps.announceIntervalMs ?? PEOPLE_ANNOUNCE_INTERVAL_MS, deps.scheduler);
  }

  /** A new person joins through a link; returns the snapshot including their new token. */
  async join(
    input: { workshopId: string; linkSecret: string; displayName: string; listInDocumentation: boolean; organisation?: string | undefined },
    connectionId: string,
    onAdmitted: OnAdmitted,
  ): Promise<WorkshopSnapshot> {
    const { workshop, role } = await resolveLink(this.deps.store, input.workshopId, input.linkSecret);
    const personToken = newSecret();
    const person: PersonRecord = {
      id: newId(),
      workshopId: workshop.id,
      displayName: input.displayName,
      role,
      listInDocumentation: input.listInDocumentation,
      ...(input.organisation ? { organisation: input.organisation } : {}),
      tokenHash: hashSecret(personToken),
      joinedAt: this.deps.now().toISOString(),
      removedAt: null,
    };
    await this.written(person.workshopId, () => this.deps.store.insertPerson(person));
    onAdmitted({ workshopId: person.workshopId, personId: person.id, role: person.role });
    this.connect(person, connectionId);
    await this.deps.onJoined?.(person);
    return this.snapshot(person, personToken);
  }

  /** A person comes back with the token their browser kept. */
  async resume(
    input: { workshopId: string; personToken: string },
    connectionId: string,
    onAdmitted: OnAdmitted,
  ): Promise<WorkshopSnapshot> {
    // An unknown workshop answers like an unknown token: no answer tells whether a workshop id exists.
    const workshop = await this.deps.store.getWorkshop(input.workshopId);
    const person = workshop ? await this.deps.store.findPersonByTokenHash(input.workshopId, hashSecret(input.personToken)) : undefined;
    if (!person) throw new DomainError('unknown_identity', 'This browser is not known in this workshop. Please join again.');
    if (person.removedAt) throw new DomainError('removed', 'You were removed from this workshop by the moderation.');
    onAdmitted({ workshopId: person.workshopId, personId: person.id, role: person.role });
    this.connect(person, connectionId);
    // Someone who comes back during an open breakout round without a room gets one, like a newcomer.
    await this.deps.onJoined?.(person);
    return this.snapshot(person, input.personToken);
  }

  /** A connection of a joined person closed. */
  disconnected(actor: Actor, connectionId: string): void {
    this.presence.disconnect(actor.personId, connectionId);
  }

  /** The person behind a connection, refused when they were removed meanwhile. */
  async current(actor: Actor): Promise<PersonRecord> {
    const person = await this.deps.store.getPerson(actor.workshopId, actor.personId);
    if (!person || person.removedAt) throw new DomainError('removed', 'You are no longer part of this workshop.');
    return person;
  }

  /** Moderator: rename someone. */
  async rename(actor: Actor, input: { personId: string; displayName: string }): Promise<PersonView> {
    requireRole(await this.current(actor), ['moderator'], 'rename people');
    await this.target(actor, input.personId);
    return this.update(actor.workshopId, input.personId, { displayName: input.displayName });
  }

  /** Moderator: promote a participant to co-moderator or demote a co-moderator. */
  async setRole(actor: Actor, input: { personId: string; role: 'coModerator' | 'participant' }): Promise<PersonView> {
    requireRole(await this.current(actor), ['moderator'], 'change roles');
    const target = await this.target(actor, input.personId);
    if (target.role === 'moderator') {
      throw new DomainError('invalid_state', 'Moderators keep their role; only participants and co-moderators can be changed.');
    }
    const view = await this.update(actor.workshopId, input.personId, { role: input.role });
    this.deps.notifier.roleChanged(actor.workshopId, input.personId, input.role);
    await this.deps.onAccessChanged?.(actor.workshopId);
    return view;
  }

  /** Moderator: remove someone; their token is refused from now on. */
  async remove(actor: Actor, input: { personId: string }): Promise<{ personId: string }> {
    requireRole(await this.current(actor), ['moderator'], 'remove people');
    const target = await this.target(actor, input.personId);
    if (target.role === 'moderator') throw new DomainError('invalid_state', 'Moderators cannot be removed.');
    await this.written(actor.workshopId, () => this.deps.store.updatePerson(actor.workshopId, target.id, { removedAt: this.deps.now().toISOString() }));
    this.presence.forget(target.id);
    this.workshopOf.delete(target.id);
    // A change still waiting to go out would bring the person back on everyone's list.
    this.outgoing.get(actor.workshopId)?.delete(target.id);
    this.deps.notifier.toPerson(target.id, 'session:ended', { reason: 'removed' });
    this.deps.notifier.disconnectPerson(target.id);
    this.deps.notifier.toWorkshop(actor.workshopId, 'people:removed', { personId: target.id });
    await this.deps.onAccessChanged?.(actor.workshopId);
    return { personId: target.id };
  }

  /** Anyone: change their own name, organisation or documentation consent. */
  async updateSelf(actor: Actor, input: { displayName?: string | undefined; listInDocumentation?: boolean | undefined; organisation?: string | undefined }): Promise<PersonView> {
    await this.current(actor);
    return this.update(actor.workshopId, actor.personId, input);
  }

  /** Everyone in a workshop as others see them (removed people excluded). */
  async people(workshopId: string): Promise<PersonView[]> {
    const people = await this.peopleRecords(workshopId);
    return people.map((person) => this.view(person));
  }

  /** The stored people of a workshop (removed people excluded), read once per change. */
  peopleRecords(workshopId: string): Promise<PersonRecord[]> {
    let records = this.records.get(workshopId);
    if (!records) {
      records = this.deps.store.listPeople(workshopId);
      this.records.set(workshopId, records);
      records.catch(() => {
        if (this.records.get(workshopId) === records) this.records.delete(workshopId);
      });
    }
    return records;
  }

  /** Runs a write to a workshop's people; a list read before or during it is not kept. */
  private async written<T>(workshopId: string, write: () => Promise<T>): Promise<T> {
    this.records.delete(workshopId);
    try {
      return await write();
    } finally {
      this.records.delete(workshopId);
      this.deps.shared?.peopleWritten(workshopId);
    }
  }

  /** Another process wrote a workshop's people: the list read here is stale. */
  forgetCached(workshopId: string): void {
    this.records.delete(workshopId);
    const recent = this.announced.get(workshopId);
    if (!recent) return;
    this.announced.delete(workshopId);
    const since = performance.now() - this.recentWindowMs();
    const ids = new Set([...recent].filter(([, at]) => at >= since).map(([id]) => id));
    if (ids.size === 0) return;
    this.people(workshopId).then(
      (people) => {
        for (const person of people) if (ids.has(person.id)) this.publish(workshopId, person);
      },
      (error: unknown) => this.deps.onError?.(error),
    );
  }

  private recentWindowMs(): number {
    return Math.max(1_000, 4 * (this.deps.announceIntervalMs ?? PEOPLE_ANNOUNCE_INTERVAL_MS));
  }

  /**
   * Another process's state of a person changed what this process reports. That process broadcast
   * it to everyone; but someone who joined here a moment before the news arrived was sent the old
   * state and missed the broadcast, so the people connected here get the person again (paced, and
   * only shortly after a snapshot: otherwise everyone here already has the broadcast).
   */
  remotePresenceChanged(workshopId: string, personId: string): void {
    const at = this.snapshotAt.get(workshopId);
    if (at === undefined || !this.deps.notifier.toWorkshopHere) return;
    if (performance.now() - at > LATE_PRESENCE_WINDOW_MS) {
      this.snapshotAt.delete(workshopId);
      return;
    }
    let pending = this.corrections.get(workshopId);
    if (!pending) this.corrections.set(workshopId, (pending = new Set()));
    pending.add(personId);
    this.pacer.request(`here:${workshopId}`, () => {
      this.corrections.delete(workshopId);
      this.sendCorrections(workshopId, pending).catch((error: unknown) => this.deps.onError?.(error));
    });
  }

  private async sendCorrections(workshopId: string, personIds: Set<string>): Promise<void> {
    const people = (await this.people(workshopId)).filter((person) => personIds.has(person.id));
    if (people.length > 0) this.deps.notifier.toWorkshopHere?.(workshopId, 'people:upserted', { people });
  }

  /** This process's connection state of every person it holds a connection (or grace period) of. */
  localPresence(): { workshopId: string; personId: string; state: ConnectionState }[] {
    return [...this.workshopOf].map(([personId, workshopId]) => ({ workshopId, personId, state: this.presence.stateOf(personId) }));
  }

  /** The combined state of a person changed elsewhere (a process that held them died): tell the workshop. */
  async announceFrom(workshopId: string, personId: string): Promise<void> {
    const person = await this.deps.store.getPerson(workshopId, personId);
    if (person && !person.removedAt) this.publish(workshopId, this.view(person));
  }

  /** A person's state over all processes: the best of this process's and the others'. */
  private connectionOf(personId: string): ConnectionState {
    const local = this.presence.stateOf(personId);
    const remote = this.deps.shared?.remoteState(personId);
    return remote && STATE_RANK[remote] > STATE_RANK[local] ? remote : local;
  }

  /** A person as everyone sees them. */
  view(person: PersonRecord): PersonView {
    return {
      id: person.id,
      displayName: person.displayName,
      role: person.role,
      connection: this.connectionOf(person.id),
      listInDocumentation: person.listInDocumentation,
      ...(person.organisation ? { organisation: person.organisation } : {}),
    };
  }

  /** Stops presence timers. */
  dispose(): void {
    this.presence.dispose();
    this.pacer.dispose();
    this.outgoing.clear();
  }

  /** Queues a person's new view for everyone in the workshop (see `announceIntervalMs`). */
  private publish(workshopId: string, view: PersonView): void {
    let pending = this.outgoing.get(workshopId);
    if (!pending) this.outgoing.set(workshopId, (pending = new Map()));
    pending.set(view.id, view);
    this.pacer.request(workshopId, () => {
      this.outgoing.delete(workshopId);
      if (pending.size === 0) return;
      if (!this.deps.shared) {
        this.deps.notifier.toWorkshop(workshopId, 'people:upserted', { people: [...pending.values()] });
        return;
      }
      this.sendCurrent(workshopId, pending).catch((error: unknown) => this.deps.onError?.(error));
    });
  }

  /**
   * With several processes, the views queued here may predate a change another process made (its
   * broadcast is already out): send them as they are now, and remember whom this process announced.
   */
  private async sendCurrent(workshopId: string, pending: Map<string, PersonView>): Promise<void> {
    const current = new Map((await this.people(workshopId)).map((person) => [person.id, person]));
    const people = [...pending.keys()].flatMap((id) => current.get(id) ?? []);
    if (people.length === 0) return;
    const now = performance.now();
    let recent = this.announced.get(workshopId);
    if (!recent) this.announced.set(workshopId, (recent = new Map()));
    for (const person of people) {
      recent.delete(person.id);
      recent.set(person.id, now);
    }
    // Oldest first (insertion order): drop what is past the window.
    for (const [id, at] of recent) {
      if (now - at <= this.recentWindowMs()) break;
      recent.delete(id);
    }
    this.deps.notifier.toWorkshop(workshopId, 'people:upserted', { people });
  }

  private connect(person: PersonRecord, connectionId: string): void {
    this.workshopOf.set(person.id, person.workshopId);
    this.presence.connect(person.id, connectionId);
  }

  private async snapshot(person: PersonRecord, personToken: string): Promise<WorkshopSnapshot> {
    const workshop = await requireWorkshop(this.deps.store, person.workshopId);
    const people = await this.people(workshop.id);
    if (this.deps.shared) this.snapshotAt.set(workshop.id, performance.now());
    return {
      session: { workshopId: workshop.id, personId: person.id, role: person.role, personToken },
      workshop: workshopInfo(workshop),
      people,
    };
  }

  private async target(actor: Actor, personId: string): Promise<PersonRecord> {
    const target = await this.deps.store.getPerson(actor.workshopId, personId);
    if (!target || target.removedAt) throw new DomainError('person_not_found', 'This person is not in the workshop.', 'personId');
    return target;
  }

  private async update(
    workshopId: string,
    personId: string,
    patch: Partial<Pick<PersonRecord, 'displayName' | 'role' | 'listInDocumentation' | 'organisation'>>,
  ): Promise<PersonView> {
    const person = await this.written(workshopId, () => this.deps.store.updatePerson(workshopId, personId, patch));
    if (!person) throw new DomainError('person_not_found', 'This person is not in the workshop.', 'personId');
    const view = this.view(person);
    this.publish(workshopId, view);
    return view;
  }

  /** Tells the workshop that a person's connection state changed. */
  private async announce(personId: string): Promise<void> {
    const workshopId = this.workshopOf.get(personId);
    if (!workshopId) return;
    const person = await this.deps.store.getPerson(workshopId, personId);
    if (!person || person.removedAt) return;
    this.publish(workshopId, this.view(person));
    if (this.presence.stateOf(personId) === 'left') this.workshopOf.delete(personId);
  }
}
