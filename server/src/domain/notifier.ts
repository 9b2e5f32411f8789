import type { ServerEvents } from '@werkraum/shared/protocol';
import type { Role } from '@werkraum/shared/roles';

/**
 * How domain modules reach connected people. The socket transport implements it with socket.io
 * rooms, so a multi-process adapter can carry the same calls between processes.
 */
export interface Notifier {
  /** Sends an event to everyone joined to the workshop. */
  toWorkshop<E extends keyof ServerEvents>(workshopId: string, event: E, payload: ServerEvents[E]): void;
  /**
   * Sends an event to the people of the workshop connected to this process only (with several
   * processes, a correction of what this process told its own clients); absent: nobody else to skip.
   */
  toWorkshopHere?<E extends keyof ServerEvents>(workshopId: string, event: E, payload: ServerEvents[E]): void;
  /** Sends an event to the moderators and co-moderators of the workshop. */
  toFacilitators<E extends keyof ServerEvents>(workshopId: string, event: E, payload: ServerEvents[E]): void;
  /** Sends an event to everyone in the workshop who is not a moderator or co-moderator. */
  toParticipants<E extends keyof ServerEvents>(workshopId: string, event: E, payload: ServerEvents[E]): void;
  /** Sends an event to every connection of one person. */
  toPerson<E extends keyof ServerEvents>(personId: string, event: E, payload: ServerEvents[E]): void;
  /** Keeps a person's connections in the facilitators' channel when their role changes. */
  roleChanged(workshopId: string, personId: string, role: Role): void;
  /** Ends every connection of one person (after telling them why). */
  disconnectPerson(personId: string): void;
}
