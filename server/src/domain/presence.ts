import type { ConnectionState } from '@werkraum/shared/roles';

/** Timer functions the tracker needs; tests pass a controllable scheduler. */
export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Entry {
  connections: Set<string>;
  state: ConnectionState;
  graceTimer: unknown;
}

/**
 * Who is connected, per person. A person with at least one open connection is online; when the
 * last one drops they show as reconnecting for a grace period (a flaky network or a reload), then
 * as left. Calls `onChange` only when a person's state really changes.
 */
export class PresenceTracker {
  private readonly people = new Map<string, Entry>();

  constructor(
    private readonly graceMs: number,
    private readonly onChange: (personId: string, state: ConnectionState) => void,
    private readonly scheduler: Scheduler = globalThis,
  ) {}

  /** The connection state of a person; people never seen by this process count as left. */
  stateOf(personId: string): ConnectionState {
    return this.people.get(personId)?.state ?? 'left';
  }

  /** A connection of the person opened. */
  connect(personId: string, connectionId: string): void {
    let entry = this.people.get(personId);
    if (!entry) {
      entry = { connections: new Set(), state: 'left', graceTimer: undefined };
      this.people.set(personId, entry);
    }
    entry.connections.add(connectionId);
    this.clearGrace(entry);
    this.setState(personId, entry, 'online');
  }

  /** A connection of the person closed. */
  disconnect(personId: string, connectionId: string): void {
    const entry = this.people.get(personId);
    if (!entry || !entry.connections.delete(connectionId) || entry.connections.size > 0) return;
    this.setState(personId, entry, 'reconnecting');
    entry.graceTimer = this.scheduler.setTimeout(() => {
      entry.graceTimer = undefined;
      this.setState(personId, entry, 'left');
      this.people.delete(personId);
    }, this.graceMs);
  }

  /** Forgets the person at once (removed from the workshop): no reconnecting phase. */
  forget(personId: string): void {
    const entry = this.people.get(personId);
    if (!entry) return;
    this.clearGrace(entry);
    this.people.delete(personId);
  }

  /** Stops all grace timers (server shutdown). */
  dispose(): void {
    for (const entry of this.people.values()) this.clearGrace(entry);
    this.people.clear();
  }

  private clearGrace(entry: Entry): void {
    if (entry.graceTimer !== undefined) {
      this.scheduler.clearTimeout(entry.graceTimer);
      entry.graceTimer = undefined;
    }
  }

  private setState(personId: string, entry: Entry, state: ConnectionState): void {
    if (entry.state === state) return;
    entry.state = state;
    this.onChange(personId, state);
  }
}
