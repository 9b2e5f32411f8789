import * as Y from 'yjs';
import { addCard, readBoard } from '@werkraum/shared/board';
import type { BoardState } from '@werkraum/shared/protocol';
import { isFacilitator } from '@werkraum/shared/roles';
import { draftDocName, parseDraftDocName, roomDocName } from '@werkraum/shared/rooms';
import type { CollabServer } from '../collab/server.js';
import type { BoardsRecord, RoomBoardRecord, Store } from '../store/types.js';
import { boardExportText } from '../board/exportText.js';
import { RenderError, renderBoardOutline, renderBoardPng, renderBoardSvg, type BoardRasterizer, type RenderBoardOptions } from '../board/render.js';
import { DomainError } from './errors.js';
import type { Notifier } from './notifier.js';
import { documentAccess, loadRoomState, type NotesDomain } from './notes.js';
import type { Actor, PeopleDomain } from './people.js';
import { serialized, updateVersioned } from './versioned.js';

/** A room's board as it starts: private writing off, no voting. */
function freshRoom(): RoomBoardRecord {
  return { privateWriting: false, voting: { status: 'none', dotsPerPerson: 3, target: 'cards', revealed: false, votes: {} } };
}

/** Dots per item over all people. */
export function countVotes(votes: Record<string, string[]>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const items of Object.values(votes)) for (const itemId of items) counts[itemId] = (counts[itemId] ?? 0) + 1;
  return counts;
}

/** Dependencies of the board domain. */
export interface BoardDeps {
  store: Store;
  notifier: Notifier;
  people: PeopleDomain;
  notes: NotesDomain;
  collab: CollabServer;
  clock: () => number;
  /** Rasterizes PNGs off the event loop; the process-wide one when absent. */
  rasterizer?: BoardRasterizer;
}

/**
 * What the server decides about a room's board (the cards themselves are a shared Yjs document):
 * private writing with a reveal, and dot voting with a limit per person that only the server can
 * enforce, results hidden until revealed.
 */
export class BoardDomain {
  constructor(private readonly deps: BoardDeps) {}

  /** A token for the board, or for this person's private cards while private writing is on (only then). */
  async token(actor: Actor, roomId: string, drafts: boolean) {
    if (drafts) await this.requireAccess(actor, roomId, 'read');
    if (drafts && !((await this.load(actor.workshopId)).rooms[roomId]?.privateWriting ?? false)) {
      throw new DomainError('invalid_state', 'Private writing is off: cards go straight onto the board.');
    }
    return this.deps.notes.token(actor, roomId, drafts ? 'drafts' : 'board');
  }

  /** The board's state as this person may see it. */
  async state(actor: Actor, roomId: string): Promise<BoardState> {
    const { facilitator } = await this.requireAccess(actor, roomId, 'read');
    return this.view((await this.load(actor.workshopId)).rooms[roomId] ?? freshRoom(), roomId, actor.personId, facilitator);
  }

  /** Facilitators: private writing on or off. */
  async setPrivateWriting(actor: Actor, input: { roomId: string; on: boolean }): Promise<BoardState> {
    await this.requireFacilitator(actor, input.roomId);
    const state = await this.changeRoom(actor, input.roomId, (room) => (room.privateWriting === input.on ? room : { ...room, privateWriting: input.on }));
    // Open board connections of the room learn it at once: the server refuses new cards straight onto the board.
    await this.deps.collab.refreshPolicies((claims) => claims.workshopId === actor.workshopId);
    return state;
  }

  /** Facilitators: moves everyone's private cards onto the board and empties the drafts. */
  async reveal(actor: Actor, input: { roomId: string }): Promise<{ revealed: number }> {
    await this.requireFacilitator(actor, input.roomId);
    // One reveal at a time per room: two at once would both copy the same drafts.
    return serialized(`board-reveal:${actor.workshopId}:${input.roomId}`, () => this.revealNow(actor.workshopId, input.roomId));
  }

  private async revealNow(workshopId: string, roomId: string): Promise<{ revealed: number }> {
    const { collab, store } = this.deps;
    const board = roomDocName('board', workshopId, roomId);
    let revealed = 0;
    for (const name of await store.collab.listDocuments(draftDocName(workshopId, roomId, ''))) {
      const owner = parseDraftDocName(name);
      const draft = await collab.snapshot(name);
      const cards = readBoard(draft).cards;
      draft.destroy();
      if (!owner || cards.length === 0) continue;
      // The card's author is whoever owns the drafts, whatever the draft says.
      const person = await store.getPerson(workshopId, owner.personId);
      await collab.change(board, (copy) => {
        const taken = new Set(readBoard(copy).items.map((item) => item.id));
        for (const card of cards) {
          addCard(copy, {
            // Keep the card's identity and time; a fresh id only if the board already has that one.
            ...(taken.has(card.id) ? {} : { id: card.id }),
            text: card.text,
            color: card.color,
            x: card.x,
            y: card.y,
            w: card.w,
            h: card.h,
            authorId: owner.personId,
            authorName: person?.displayName ?? card.authorName,
            createdAt: card.createdAt,
          });
        }
      });
      // Removed directly (deleteItems spares locked items, and a locked draft must not come back).
      await collab.change(name, (copy) => {
        const items = copy.getMap('items');
        for (const card of cards) items.delete(card.id);
      });
      revealed += cards.length;
    }
    return { revealed };
  }

  /** Facilitators: start (or restart) dot voting; earlier dots are cleared. */
  async startVoting(actor: Actor, input: { roomId: string; dotsPerPerson: number; target: 'cards' | 'clusters' }): Promise<BoardState> {
    await this.requireFacilitator(actor, input.roomId);
    return this.changeRoom(actor, input.roomId, (room) => ({
      ...room,
      voting: { status: 'open', dotsPerPerson: input.dotsPerPerson, target: input.target, revealed: false, votes: {} },
    }));
  }

  /** Room members: one more dot on an item, refused past the limit. */
  async vote(actor: Actor, input: { roomId: string; itemId: string }): Promise<BoardState> {
    await this.requireAccess(actor, input.roomId, 'edit');
    const snapshot = readBoardOf(await this.deps.collab.snapshot(roomDocName('board', actor.workshopId, input.roomId)));
    return this.changeRoom(actor, input.roomId, (room) => {
      const voting = room.voting;
      if (voting.status !== 'open') throw new DomainError('invalid_state', 'Dot voting is not open.');
      const kind = voting.target === 'cards' ? 'card' : 'cluster';
      if (!snapshot.items.some((item) => item.id === input.itemId && item.kind === kind)) {
        throw new DomainError('invalid_state', `Dots go on ${voting.target} of this board.`, 'itemId');
      }
      const mine = voting.votes[actor.personId] ?? [];
      if (mine.length >= voting.dotsPerPerson) {
        throw new DomainError('invalid_state', `You have placed all ${voting.dotsPerPerson} dots.`);
      }
      return { ...room, voting: { ...voting, votes: { ...voting.votes, [actor.personId]: [...mine, input.itemId] } } };
    });
  }

  /** Room members: take back one dot from an item. */
  async unvote(actor: Actor, input: { roomId: string; itemId: string }): Promise<BoardState> {
    await this.requireAccess(actor, input.roomId, 'edit');
    return this.changeRoom(actor, input.roomId, (room) => {
      const voting = room.voting;
      if (voting.status !== 'open') throw new DomainError('invalid_state', 'Dot voting is not open.');
      const mine = [...(voting.votes[actor.personId] ?? [])];
      const at = mine.lastIndexOf(input.itemId);
      if (at < 0) throw new DomainError('invalid_state', 'You have no dot on this item.', 'itemId');
      mine.splice(at, 1);
      return { ...room, voting: { ...voting, votes: { ...voting.votes, [actor.personId]: mine } } };
    });
  }

  /** Facilitators: no more dots. */
  async endVoting(actor: Actor, input: { roomId: string }): Promise<BoardState> {
    await this.requireFacilitator(actor, input.roomId);
    return this.changeRoom(actor, input.roomId, (room) => {
      if (room.voting.status !== 'open') throw new DomainError('invalid_state', 'Dot voting is not open.');
      return { ...room, voting: { ...room.voting, status: 'closed' } };
    });
  }

  /** Facilitators: show the counts to everyone, or hide them again. */
  async revealVotes(actor: Actor, input: { roomId: string; revealed: boolean }): Promise<BoardState> {
    await this.requireFacilitator(actor, input.roomId);
    return this.changeRoom(actor, input.roomId, (room) => ({ ...room, voting: { ...room.voting, revealed: input.revealed } }));
  }

  /** Facilitators: the board as SVG (with the dots), for the rooms overview. */
  async preview(actor: Actor, input: { roomId: string }): Promise<{ svg: string }> {
    await this.requireFacilitator(actor, input.roomId);
    const record = (await this.load(actor.workshopId)).rooms[input.roomId] ?? freshRoom();
    const exported = await this.exportSettings(actor.workshopId);
    const doc = await this.deps.collab.snapshot(roomDocName('board', actor.workshopId, input.roomId));
    try {
      return { svg: renderBoardSvg(doc, { votes: countVotes(record.voting.votes), showVotes: true, ...exported.picture }) };
    } finally {
      doc.destroy();
    }
  }

  /** A room's board for the documentation: SVG, PNG or a Markdown outline with the dots. */
  async render(workshopId: string, roomId: string, format: 'svg' | 'png' | 'outline'): Promise<string | Buffer> {
    const votes = await this.votes(workshopId, roomId);
    const exported = await this.exportSettings(workshopId);
    const doc = await this.deps.collab.snapshot(roomDocName('board', workshopId, roomId));
    try {
      if (format === 'outline') return renderBoardOutline(doc, votes, exported.outline);
      if (format === 'png') {
        try {
          return await renderBoardPng(doc, {
            votes,
            showVotes: true,
            ...exported.picture,
            ...(this.deps.rasterizer ? { rasterizer: this.deps.rasterizer } : {}),
          });
        } catch (error) {
          if (!(error instanceof RenderError)) throw error;
          if (error.reason === 'timeout') throw new DomainError('render_timeout', error.message);
          throw new DomainError('render_busy', error.message);
        }
      }
      return renderBoardSvg(doc, { votes, showVotes: true, ...exported.picture });
    } finally {
      doc.destroy();
    }
  }

  /**
   * How exports of a workshop's boards read: in the workshop's language, naming only people who
   * agreed to be named in the documentation.
   */
  private async exportSettings(workshopId: string) {
    const [workshop, people] = await Promise.all([this.deps.store.getWorkshop(workshopId), this.deps.store.listPeople(workshopId)]);
    const text = boardExportText(workshop?.language ?? 'en');
    const namedAuthorIds = new Set(people.filter((person) => person.listInDocumentation && !person.removedAt).map((person) => person.id));
    return {
      picture: { namedAuthorIds, hyphenate: text.hyphenate, title: text.title, describe: text.description } satisfies RenderBoardOptions,
      outline: { namedAuthorIds, ...text.outline },
    };
  }

  /** Dot counts of a room for the documentation. */
  async votes(workshopId: string, roomId: string): Promise<Record<string, number>> {
    return countVotes(((await this.load(workshopId)).rooms[roomId] ?? freshRoom()).voting.votes);
  }

  private view(room: RoomBoardRecord, roomId: string, personId: string, facilitator: boolean): BoardState {
    const { votes, ...voting } = room.voting;
    const visible = facilitator || voting.revealed;
    return {
      roomId,
      privateWriting: room.privateWriting,
      voting: {
        ...voting,
        myVotes: votes[personId] ?? [],
        counts: visible ? countVotes(votes) : null,
        voters: Object.values(votes).filter((items) => items.length > 0).length,
      },
    };
  }

  private async load(workshopId: string): Promise<BoardsRecord> {
    return (await this.deps.store.getBoards(workshopId)) ?? { workshopId, version: 0, rooms: {} };
  }

  private async changeRoom(actor: Actor, roomId: string, apply: (room: RoomBoardRecord) => RoomBoardRecord): Promise<BoardState> {
    const { record, changed } = await updateVersioned(
      `boards:${actor.workshopId}`,
      () => this.load(actor.workshopId),
      (next) => this.deps.store.saveBoards(next),
      (current) => {
        const room = current.rooms[roomId] ?? freshRoom();
        const next = apply(room);
        return next === room ? current : { ...current, rooms: { ...current.rooms, [roomId]: next } };
      },
    );
    if (changed) this.deps.notifier.toWorkshop(actor.workshopId, 'board:changed', { roomId });
    const person = await this.deps.people.current(actor);
    return this.view(record.rooms[roomId] ?? freshRoom(), roomId, actor.personId, isFacilitator(person.role));
  }

  private async requireAccess(actor: Actor, roomId: string, needed: 'read' | 'edit'): Promise<{ facilitator: boolean }> {
    const person = await this.deps.people.current(actor);
    const { rounds, timer } = await loadRoomState(this.deps.store, actor.workshopId);
    const access = documentAccess(roomDocName('board', actor.workshopId, roomId), person, rounds, timer, this.deps.clock());
    if (!access || (needed === 'edit' && access !== 'edit')) throw new DomainError('forbidden', 'You are not in this room.', 'roomId');
    return { facilitator: isFacilitator(person.role) };
  }

  private async requireFacilitator(actor: Actor, roomId: string): Promise<void> {
    const { facilitator } = await this.requireAccess(actor, roomId, 'read');
    if (!facilitator) throw new DomainError('forbidden', 'Only the moderation can do this.');
  }
}

function readBoardOf(doc: Y.Doc) {
  try {
    return readBoard(doc);
  } finally {
    doc.destroy();
  }
}
