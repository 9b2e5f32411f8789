import type { ConnectionState } from '@werkraum/shared/roles';
import type { PeopleDomain, SharedPeople } from '../domain/people.js';
import type { ClusterBus } from './bus.js';

/** How often a process says it is alive, and after how long without that the others take over its people. */
export const HEARTBEAT_MS = 2_000;
export const PROCESS_TIMEOUT_MS = 8_000;

const RANK: Record<ConnectionState, number> = { left: 0, reconnecting: 1, online: 2 };

interface PresenceMessage {
  workshopId: string;
  personId: string;
  state: ConnectionState;
}

/**
 * Presence and people across processes. Each process keeps the connections it holds (and their
 * grace timers) and tells the others every change; a person's state is the best over all processes,
 * so someone connected to process B shows online to people on process A. A process that stops
 * sending heartbeats is taken as dead: the others drop its states, and the one process that wins
 * a Redis claim tells the workshops (the "left" that the dead process's timers would have sent).
 * Changes to people (names, roles, removals) make the other processes re-read their cached lists.
 */
export class ClusterPeople implements SharedPeople {
  /** personId -> processId -> state, for the other processes. */
  private readonly remote = new Map<string, Map<string, PresenceMessage>>();
  /** processId -> time of its last message. */
  private readonly seen = new Map<string, number>();
  /** Processes taken as dead; one that speaks again (it was only stalled) is asked to send its states again. */
  private readonly reaped = new Set<string>();
  private people: PeopleDomain | undefined;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly bus: ClusterBus,
    private readonly claim: (key: string, ms: number) => Promise<boolean>,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    bus.on('presence', (payload, from) => this.received(payload as PresenceMessage, from));
    bus.on('presence:sync', (payload, from) => {
      this.alive(from);
      this.sendAll();
      // This process was taken for dead while it was only stalled: its people were announced as
      // left, so announce them again as they are.
      if ((payload as { revived?: string } | null)?.revived === bus.processId) {
        for (const entry of this.people?.localPresence() ?? []) {
          this.people?.announceFrom(entry.workshopId, entry.personId).catch((error: unknown) => log('presence announcement failed', error));
        }
      }
    });
    bus.on('alive', (_payload, from) => this.alive(from));
    bus.on('people', (payload) => this.people?.forgetCached(payload as string));
    this.timer = setInterval(() => {
      bus.publish('alive', null);
      this.reap();
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Connects the people domain (created after this) and asks the running processes for their states. */
  attach(people: PeopleDomain): void {
    this.people = people;
    this.bus.publish('presence:sync', null);
  }

  remoteState(personId: string): ConnectionState | undefined {
    let best: ConnectionState | undefined;
    for (const entry of this.remote.get(personId)?.values() ?? []) if (!best || RANK[entry.state] > RANK[best]) best = entry.state;
    return best;
  }

  presenceChanged(workshopId: string, personId: string, state: ConnectionState): void {
    this.bus.publish('presence', { workshopId, personId, state } satisfies PresenceMessage);
  }

  peopleWritten(workshopId: string): void {
    this.bus.publish('people', workshopId);
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  private sendAll(): void {
    for (const entry of this.people?.localPresence() ?? []) this.bus.publish('presence', entry);
  }

  private alive(from: string): void {
    this.seen.set(from, Date.now());
    if (this.reaped.delete(from)) this.bus.publish('presence:sync', { revived: from });
  }

  private received(message: PresenceMessage, from: string): void {
    this.alive(from);
    const before = this.remoteState(message.personId);
    let byProcess = this.remote.get(message.personId);
    if (message.state === 'left') {
      byProcess?.delete(from);
      if (byProcess?.size === 0) this.remote.delete(message.personId);
    } else {
      if (!byProcess) this.remote.set(message.personId, (byProcess = new Map()));
      byProcess.set(from, message);
    }
    if (this.remoteState(message.personId) !== before) this.people?.remotePresenceChanged(message.workshopId, message.personId);
  }

  /** Drops the states of processes gone silent; one surviving process announces the people they held. */
  private reap(): void {
    const now = Date.now();
    for (const [processId, at] of this.seen) {
      if (now - at < PROCESS_TIMEOUT_MS) continue;
      this.seen.delete(processId);
      this.reaped.add(processId);
      const orphans: PresenceMessage[] = [];
      for (const [personId, byProcess] of this.remote) {
        const entry = byProcess.get(processId);
        if (!entry) continue;
        byProcess.delete(processId);
        if (byProcess.size === 0) this.remote.delete(personId);
        orphans.push(entry);
      }
      if (orphans.length === 0) continue;
      this.claim(`reap:${processId}`, 60_000).then(
        async (won) => {
          if (!won) return;
          for (const orphan of orphans) await this.people?.announceFrom(orphan.workshopId, orphan.personId);
        },
        (error: unknown) => this.log('taking over a stopped process failed', error),
      );
    }
  }
}
