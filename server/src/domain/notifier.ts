import type { ServerEvents } from '@werkraum/shared/protocol';

/**
 * How domain modules reach connected people. The socket transport implements it with socket.io
 * rooms, so a multi-process adapter can carry the same calls between processes.
 */
export interface Notifier {
  /** Sends an event to everyone joined to the workshop. */
  toWorkshop<E extends keyof ServerEvents>(workshopId: string, event: E, payload: ServerEvents[E]): void;
  /** Sends an event to every connection of one person. */
  toPerson<E extends keyof ServerEvents>(personId: string, event: E, payload: ServerEvents[E]): void;
  /** Ends every connection of one person (after telling them why). */
  disconnectPerson(personId: string): void;
}
