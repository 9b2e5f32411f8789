import { COLLAB_CLOSE } from '@werkraum/shared/closeCodes';
import type { BlockTimer } from '@werkraum/shared/agendaClock';
import { breakoutState } from '@werkraum/shared/breakoutPhase';
import type { BreakoutRound, CollabGrant } from '@werkraum/shared/protocol';
import { isFacilitator, type Role } from '@werkraum/shared/roles';
import { PLENARY_ROOM, draftDocName, parseDraftDocName, parseRoomDocName, roomDocName, type RoomDocumentKind } from '@werkraum/shared/rooms';
import * as Y from 'yjs';
import type { CollabServer } from '../collab/server.js';
import type { ConnectionPolicy } from '../collab/validate.js';
import { signCollabToken } from '../collab/tokens.js';
import type { AgendaStore, BoardStore, BreakoutStore, WorkshopStore } from '../store/types.js';
import { boardTemplateUpdate, templateUpdate } from './templates.js';
import { parseSummaryDocName } from './documentation.js';
import { DomainError } from './errors.js';
import type { Actor, PeopleDomain } from './people.js';
import { serialized } from './versioned.js';

/** What a person may do with a room's documents: edit, read, or nothing. */
export type RoomAccess = 'edit' | 'read' | null;

/**
 * Who may open a room's notes and board: in the plenary everyone edits; in a breakout room its
 * members edit while the round runs and read once it (or the room) is closed; the moderation
 * always edits; nobody else gets in.
 */
export function roomAccess(
  person: { id: string; role: Role },
  roomId: string,
  rounds: readonly BreakoutRound[],
  timer: BlockTimer | null,
  now: number,
): RoomAccess {
  if (roomId === PLENARY_ROOM) return 'edit';
  const round = rounds.find((candidate) => candidate.rooms.some((room) => room.id === roomId));
  if (!round) return null;
  if (isFacilitator(person.role)) return 'edit';
  if (round.assignments[person.id] !== roomId) return null;
  const phase = breakoutState(round, timer, now).phase;
  if (phase === 'prepared') return null;
  const room = round.rooms.find((candidate) => candidate.id === roomId)!;
  return phase === 'closed' || room.closedAt !== null ? 'read' : 'edit';
}

/**
 * Access to a collaboration document by its name: a room's notes or board by room access; a
 * person's private drafts of a board only for that person, and only while they may edit the room.
 */
export function documentAccess(
  docName: string,
  person: { id: string; role: Role },
  rounds: readonly BreakoutRound[],
  timer: BlockTimer | null,
  now: number,
): RoomAccess {
  const room = parseRoomDocName(docName);
  if (room) return roomAccess(person, room.roomId, rounds, timer, now);
  // The documentation's summary: the moderation writes it, nobody else opens it.
  if (parseSummaryDocName(docName)) return isFacilitator(person.role) ? 'edit' : null;
  const draft = parseDraftDocName(docName);
  if (!draft || draft.personId !== person.id) return null;
  return roomAccess(person, draft.roomId, rounds, timer, now) === 'edit' ? 'edit' : null;
}

/** The breakout rounds and the running block's timer of a workshop: what room access depends on. */
export async function loadRoomState(
  store: AgendaStore & BreakoutStore,
  workshopId: string,
): Promise<{ rounds: BreakoutRound[]; timer: BlockTimer | null }> {
  const [breakouts, agenda] = await Promise.all([store.getBreakouts(workshopId), store.getAgenda(workshopId)]);
  return { rounds: breakouts?.rounds ?? [], timer: agenda?.run.timer ?? null };
}

/** Dependencies of the notes domain. */
export interface NotesDeps {
  store: WorkshopStore & AgendaStore & BreakoutStore & BoardStore;
  people: PeopleDomain;
  collab: CollabServer;
  secret: Buffer;
  clock: () => number;
}

/**
 * Access to the rooms' shared documents (notes now, boards later) on the collaboration server:
 * short-lived tokens per document and mode, a template for new breakout notes, and closing
 * connections whose access ended (moved, removed, round closed).
 */
export class NotesDomain {
  constructor(private readonly deps: NotesDeps) {}

  /**
   * A token for a room's notes or board, or for this person's private drafts of the room's board,
   * after checking the person's access now.
   */
  async token(actor: Actor, roomId: string, kind: RoomDocumentKind | 'drafts' = 'notes'): Promise<CollabGrant> {
    const person = await this.deps.people.current(actor);
    const { rounds, timer } = await this.state(actor.workshopId);
    const docName = kind === 'drafts' ? draftDocName(actor.workshopId, roomId, person.id) : roomDocName(kind, actor.workshopId, roomId);
    const access = documentAccess(docName, person, rounds, timer, this.deps.clock());
    if (!access) throw new DomainError('forbidden', 'You are not in this room.', 'roomId');
    const round = rounds.find((candidate) => candidate.rooms.some((room) => room.id === roomId));
    if (kind !== 'drafts' && round?.notesTemplate) await this.prefill(docName, kind, round.notesTemplate);
    const claims = { doc: docName, mode: access, personId: person.id, workshopId: actor.workshopId };
    return { docName, token: signCollabToken(this.deps.secret, claims, this.deps.clock()), mode: access };
  }

  /** Facilitators: a room's notes as HTML, for the overview. */
  async preview(actor: Actor, roomId: string): Promise<{ html: string }> {
    const person = await this.deps.people.current(actor);
    if (!isFacilitator(person.role)) throw new DomainError('forbidden', 'Only the moderation can look into rooms.');
    const { rounds } = await this.state(actor.workshopId);
    if (roomId !== PLENARY_ROOM && !rounds.some((round) => round.rooms.some((room) => room.id === roomId))) {
      throw new DomainError('invalid_state', 'There is no such room.', 'roomId');
    }
    return { html: await this.deps.collab.renderDocument(roomDocName('notes', actor.workshopId, roomId), 'html') };
  }

  /** A room's notes rendered for the documentation. */
  render(workshopId: string, roomId: string, format: 'html' | 'markdown'): Promise<string> {
    return this.deps.collab.renderDocument(roomDocName('notes', workshopId, roomId), format);
  }

  /** Closes the connections of one workshop whose access ended or shrank to reading. */
  async revalidate(workshopId: string): Promise<number> {
    const [{ rounds, timer }, people] = await Promise.all([this.state(workshopId), this.deps.people.peopleRecords(workshopId)]);
    const byId = new Map(people.map((person) => [person.id, person]));
    const now = this.deps.clock();
    return this.deps.collab.closeConnections((claims) => {
      if (claims.workshopId !== workshopId) return false;
      const person = byId.get(claims.personId);
      if (!person) return true;
      const access = documentAccess(claims.doc, person, rounds, timer, now);
      return access === null || (claims.mode === 'edit' && access !== 'edit');
    }, COLLAB_CLOSE.accessRevoked);
  }

  /** Checks every workshop that has open connections (time-based changes, such as a round ending). */
  async revalidateAll(): Promise<void> {
    const workshops = new Set(this.deps.collab.connectedClaims().map((claims) => claims.workshopId));
    for (const workshopId of workshops) await this.revalidate(workshopId);
  }

  private state(workshopId: string): Promise<{ rounds: BreakoutRound[]; timer: BlockTimer | null }> {
    return loadRoomState(this.deps.store, workshopId);
  }

  /**
   * Writes the round's template into a room's document the first time anyone opens it: headings
   * in the notes, clusters on the board.
   */
  private async prefill(docName: string, kind: RoomDocumentKind, template: string): Promise<void> {
    const update = () => (kind === 'notes' ? templateUpdate(template) : boardTemplateUpdate(template));
    await serialized(`prefill:${docName}`, () => this.deps.collab.initializeIfEmpty(docName, update));
  }

  /**
   * Who is behind a collaboration connection, for the checks of what it writes: the person's display
   * name (shown at their caret), whether they moderate, and whether private writing is on in the room.
   */
  async policy(claims: { doc: string; personId: string; workshopId: string }): Promise<ConnectionPolicy> {
    const person = await this.deps.store.getPerson(claims.workshopId, claims.personId);
    const roomId = parseRoomDocName(claims.doc)?.roomId ?? parseDraftDocName(claims.doc)?.roomId;
    const boards = roomId === undefined ? null : await this.deps.store.getBoards(claims.workshopId);
    return {
      displayName: person?.displayName ?? '',
      facilitator: person ? isFacilitator(person.role) : false,
      privateWriting: roomId !== undefined && (boards?.rooms[roomId]?.privateWriting ?? false),
    };
  }

  /**
   * Whether a token's claims still hold when its connection opens (a token fetched before a move,
   * a removal or the end of a round must not open the room afterwards).
   */
  async allows(claims: { doc: string; mode: 'edit' | 'read'; personId: string; workshopId: string }): Promise<boolean> {
    const inWorkshop = parseRoomDocName(claims.doc)?.workshopId ?? parseDraftDocName(claims.doc)?.workshopId ?? parseSummaryDocName(claims.doc)?.workshopId;
    if (inWorkshop !== claims.workshopId) return false;
    const person = await this.deps.store.getPerson(claims.workshopId, claims.personId);
    if (!person || person.removedAt) return false;
    const { rounds, timer } = await this.state(claims.workshopId);
    const access = documentAccess(claims.doc, person, rounds, timer, this.deps.clock());
    return access !== null && (claims.mode === 'read' || access === 'edit');
  }
}
