import type { BoardSnapshot } from '@werkraum/shared/board';
import {
  FINDINGS_MAX,
  FINDING_EXCERPT_MAX,
  FINDING_TEXT_MAX,
  type BoardItemChoice,
  type BreakoutRound,
  type Finding,
  type FindingSource,
  type RoomFindingCount,
  type StageFinding,
  type StageView,
} from '@werkraum/shared/protocol';
import { isFacilitator } from '@werkraum/shared/roles';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import type { AgendaStore, BreakoutStore, FindingsRecord, FindingsStore, PersonRecord, StoredFinding, StoredStage, WorkshopStore } from '../store/types.js';
import { DomainError } from './errors.js';
import type { Notifier } from './notifier.js';
import type { Actor, PeopleDomain } from './people.js';
import { newId } from './secrets.js';
import { updateVersioned } from './versioned.js';

// ---------------------------------------------------------------------------------------------
// Pure rules over the stored list. Every change is an operation applied on the server to the
// latest stored list (one at a time per workshop), so two facilitators working at once never
// overwrite each other: an edit changes only the fields it names, a move names its neighbour.
// ---------------------------------------------------------------------------------------------

/** An empty findings document. */
export function emptyFindings(workshopId: string): FindingsRecord {
  return { workshopId, version: 0, findings: [], stage: null };
}

/** Appends a finding; refused when the workshop already holds the most findings. */
export function addFinding(findings: readonly StoredFinding[], finding: StoredFinding): StoredFinding[] {
  if (findings.length >= FINDINGS_MAX) throw new DomainError('invalid_state', `A workshop keeps at most ${FINDINGS_MAX} findings.`);
  return [...findings, finding];
}

function indexOf(findings: readonly StoredFinding[], findingId: string, field = 'findingId'): number {
  const index = findings.findIndex((finding) => finding.id === findingId);
  if (index < 0) throw new DomainError('invalid_payload', 'There is no such finding.', field);
  return index;
}

/** Changes only the fields given (wording, heading, priority). */
export function updateFinding(
  findings: readonly StoredFinding[],
  patch: { findingId: string; text?: string | undefined; heading?: string | undefined; priority?: boolean | undefined },
): StoredFinding[] {
  const index = indexOf(findings, patch.findingId);
  const current = findings[index]!;
  const next: StoredFinding = {
    ...current,
    ...(patch.text !== undefined ? { text: patch.text } : {}),
    ...(patch.heading !== undefined ? { heading: patch.heading } : {}),
    ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
  };
  return findings.map((finding, at) => (at === index ? next : finding));
}

/**
 * Merges duplicates into `findingId`: it keeps its place and wording and gains every source and
 * every agreement of the merged ones (a person who agreed with two of them counts once).
 */
export function mergeFindings(findings: readonly StoredFinding[], findingId: string, mergeIds: readonly string[]): StoredFinding[] {
  const target = findings[indexOf(findings, findingId)]!;
  const merged = new Set(mergeIds);
  if (merged.has(findingId)) throw new DomainError('invalid_payload', 'A finding cannot be merged into itself.', 'mergeIds');
  // Each finding is taken once, however often it is named: sources move over, they never multiply.
  const absorbed = [...merged].map((mergeId) => findings[indexOf(findings, mergeId, 'mergeIds')]!);
  const sources = [...target.sources];
  for (const finding of absorbed) for (const source of finding.sources) sources.push(source);
  const agreedBy = [...new Set([...target.agreedBy, ...absorbed.flatMap((finding) => finding.agreedBy)])];
  // One round and room only when every merged finding shares them; otherwise it belongs to the workshop.
  const roundId = absorbed.every((finding) => finding.roundId === target.roundId) ? target.roundId : null;
  const roomId = roundId !== null && absorbed.every((finding) => finding.roomId === target.roomId) ? target.roomId : null;
  const combined: StoredFinding = { ...target, sources, agreedBy, roundId, roomId };
  return findings.filter((finding) => !merged.has(finding.id)).map((finding) => (finding.id === findingId ? combined : finding));
}

/**
 * Moves a finding in front of `beforeId` (null: to the end). The neighbour is named, not an index,
 * so two moves from two screens that were read at the same time both take effect as meant.
 */
export function moveFinding(findings: readonly StoredFinding[], findingId: string, beforeId: string | null): StoredFinding[] {
  const moving = findings[indexOf(findings, findingId)]!;
  if (beforeId === findingId) return [...findings];
  const rest = findings.filter((finding) => finding.id !== findingId);
  if (beforeId === null) return [...rest, moving];
  const at = rest.findIndex((finding) => finding.id === beforeId);
  if (at < 0) throw new DomainError('invalid_payload', 'There is no such finding to move in front of.', 'beforeId');
  return [...rest.slice(0, at), moving, ...rest.slice(at)];
}

/** Deletes a finding. */
export function deleteFinding(findings: readonly StoredFinding[], findingId: string): StoredFinding[] {
  indexOf(findings, findingId);
  return findings.filter((finding) => finding.id !== findingId);
}

/** Adds or takes back one person's agreement (once per person). */
export function agreeWith(findings: readonly StoredFinding[], findingId: string, personId: string, agree: boolean): StoredFinding[] {
  const index = indexOf(findings, findingId);
  const current = findings[index]!;
  const has = current.agreedBy.includes(personId);
  if (has === agree) return findings as StoredFinding[];
  const agreedBy = agree ? [...current.agreedBy, personId] : current.agreedBy.filter((id) => id !== personId);
  return findings.map((finding, at) => (at === index ? { ...finding, agreedBy } : finding));
}

/** A finding as it goes over the wire, with its position. */
export function findingView(finding: StoredFinding, order: number): Finding {
  return {
    id: finding.id,
    text: finding.text,
    heading: finding.heading,
    priority: finding.priority,
    order,
    roundId: finding.roundId,
    roomId: finding.roomId,
    sources: finding.sources.map((source) => ({ ...source })),
    agreements: finding.agreedBy.length,
    createdAt: finding.createdAt,
  };
}

/** The findings of one round (or every finding for null), in the workshop's order. */
export function findingsOfRound(findings: readonly StoredFinding[], roundId: string | null): StoredFinding[] {
  return roundId === null ? [...findings] : findings.filter((finding) => finding.roundId === roundId);
}

/** Whether a participant may see a finding: they sat in its room during its round. */
export function visibleTo(finding: StoredFinding, personId: string, rounds: readonly BreakoutRound[]): boolean {
  if (finding.roundId === null || finding.roomId === null) return false;
  const round = rounds.find((candidate) => candidate.id === finding.roundId);
  return round?.assignments[personId] === finding.roomId || round?.visits[personId] === finding.roomId;
}

/** Per room of every round: how many proposals it made and how many findings carry it. */
export function countsPerRoom(findings: readonly StoredFinding[], rounds: readonly BreakoutRound[]): RoomFindingCount[] {
  return rounds.flatMap((round) =>
    round.rooms.map((room) => {
      const fromRoom = (source: FindingSource) => source.roundId === round.id && source.roomId === room.id;
      return {
        roundId: round.id,
        roomId: room.id,
        proposals: findings.reduce((sum, finding) => sum + finding.sources.filter((source) => fromRoom(source) && source.kind === 'proposal').length, 0),
        findings: findings.filter((finding) => finding.sources.some(fromRoom)).length,
      };
    }),
  );
}

/** The words of a card, or of a cluster: its title and its cards. */
export function boardExcerpt(snapshot: BoardSnapshot, itemId: string): { kind: 'card' | 'cluster'; title: string; excerpt: string } {
  const item = snapshot.items.find((candidate) => candidate.id === itemId);
  if (item?.kind === 'card') return { kind: 'card', title: item.text, excerpt: item.text };
  if (item?.kind === 'cluster') {
    const cards = snapshot.items.filter((candidate) => candidate.kind === 'card' && candidate.clusterId === item.id);
    const lines = cards.map((card) => (card.kind === 'card' ? `- ${card.text}` : ''));
    return { kind: 'cluster', title: item.title, excerpt: [item.title, ...lines].join('\n') };
  }
  throw new DomainError('invalid_payload', 'There is no such card or cluster on this board.', 'itemId');
}

/** Shortens text to a finding's length on a word boundary. */
export function shorten(text: string, max = FINDING_TEXT_MAX): string {
  const single = text.replace(/\s+/g, ' ').trim();
  if (single.length <= max) return single;
  const cut = single.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** Steps the closing round one finding forward or back, staying within the list. */
export function stepStage(stage: StoredStage, direction: 'next' | 'back', total: number, now: number): StoredStage {
  if (stage.kind !== 'finding') throw new DomainError('invalid_state', 'Stepping works while findings are shown one at a time.');
  const index = Math.min(Math.max(0, stage.index + (direction === 'next' ? 1 : -1)), Math.max(0, total - 1));
  if (index === stage.index) return stage;
  return { ...stage, index, since: now };
}

// ---------------------------------------------------------------------------------------------
// The findings list for the documentation.
// ---------------------------------------------------------------------------------------------

/** Findings of one breakout round (or of the plenary, roundId null) for the documentation, grouped by room. */
export interface DocumentationFindingsRound {
  roundId: string | null;
  /** The agenda block title of the round; '' for findings of the whole workshop. */
  title: string;
  rooms: { roomId: string | null; roomName: string; findings: Finding[] }[];
}

/** The findings for the documentation: the ordered list of the workshop and the same findings per round and room. */
export interface DocumentationFindings {
  findings: Finding[];
  rounds: DocumentationFindingsRound[];
}

/**
 * The workshop's findings in their order, with their sources, grouped per breakout round and
 * room, as plain data for the documentation export.
 */
export async function findingsForDocumentation(
  store: FindingsStore & BreakoutStore & AgendaStore,
  workshopId: string,
): Promise<DocumentationFindings> {
  const [record, breakouts, agenda] = await Promise.all([store.getFindings(workshopId), store.getBreakouts(workshopId), store.getAgenda(workshopId)]);
  const findings = (record?.findings ?? []).map((finding, order) => findingView(finding, order));
  const rounds = breakouts?.rounds ?? [];
  const groups: DocumentationFindingsRound[] = [];
  const groupOf = (roundId: string | null) => {
    let group = groups.find((candidate) => candidate.roundId === roundId);
    if (!group) {
      const round = rounds.find((candidate) => candidate.id === roundId);
      const title = round ? (agenda?.blocks.find((block) => block.id === round.blockId)?.title ?? '') : '';
      group = { roundId, title, rooms: [] };
      groups.push(group);
    }
    return group;
  };
  for (const finding of findings) {
    const group = groupOf(finding.roundId);
    let room = group.rooms.find((candidate) => candidate.roomId === finding.roomId);
    if (!room) {
      const roomName = rounds.find((round) => round.id === finding.roundId)?.rooms.find((candidate) => candidate.id === finding.roomId)?.name ?? '';
      room = { roomId: finding.roomId, roomName, findings: [] };
      group.rooms.push(room);
    }
    room.findings.push(finding);
  }
  return { findings, rounds: groups };
}

// ---------------------------------------------------------------------------------------------
// The domain: role checks, store, broadcasts.
// ---------------------------------------------------------------------------------------------

/** Dependencies of the findings domain. */
export interface FindingsDeps {
  store: FindingsStore & BreakoutStore & AgendaStore & WorkshopStore;
  notifier: Notifier;
  people: PeopleDomain;
  clock: () => number;
  /** The room a person is in now (null: plenary). */
  roomOf: (workshopId: string, personId: string) => Promise<{ roundId: string; roomId: string } | null>;
  /** The current state of a room's board. */
  readBoard: (workshopId: string, roomId: string) => Promise<BoardSnapshot>;
  /** A room's notes as HTML, for the stage. */
  notesHtml: (workshopId: string, roomId: string) => Promise<string>;
  /** A room's board as SVG, for the stage. */
  boardSvg: (workshopId: string, roomId: string) => Promise<string>;
}

/**
 * Findings from the breakout rooms and the stage of the plenary: room members propose, the
 * moderation collects, edits, merges, orders and presents; participants agree while it is shown.
 */
export class FindingsDomain {
  constructor(private readonly deps: FindingsDeps) {}

  /** The findings document of a workshop. */
  async load(workshopId: string): Promise<FindingsRecord> {
    return (await this.deps.store.getFindings(workshopId)) ?? emptyFindings(workshopId);
  }

  /** The findings this person may see, in order, and the counts per room. */
  async list(actor: Actor): Promise<{ findings: Finding[]; counts: RoomFindingCount[] }> {
    const person = await this.deps.people.current(actor);
    const [record, rounds] = await Promise.all([this.load(actor.workshopId), this.rounds(actor.workshopId)]);
    const all = record.findings.map((finding, order) => ({ finding, order }));
    const visible = isFacilitator(person.role) ? all : all.filter(({ finding }) => visibleTo(finding, person.id, rounds));
    return { findings: visible.map(({ finding, order }) => findingView(finding, order)), counts: countsPerRoom(record.findings, rounds) };
  }

  /** Every finding in order, for the moderation over HTTP. */
  async all(workshopId: string): Promise<Finding[]> {
    return (await this.load(workshopId)).findings.map((finding, order) => findingView(finding, order));
  }

  /** Anyone in a breakout room: propose a finding for it. */
  async propose(actor: Actor, input: { roundId: string; roomId: string; text: string }): Promise<{ findingId: string }> {
    const person = await this.deps.people.current(actor);
    await this.requireRoom(actor.workshopId, input.roundId, input.roomId);
    if (!isFacilitator(person.role)) {
      const here = await this.deps.roomOf(actor.workshopId, person.id);
      if (here?.roundId !== input.roundId || here.roomId !== input.roomId) {
        throw new DomainError('forbidden', 'You can propose findings only for the room you are in.', 'roomId');
      }
    }
    return this.create(actor.workshopId, person, input.roundId, input.roomId, input.text, {
      kind: 'proposal',
      roundId: input.roundId,
      roomId: input.roomId,
      itemId: null,
      excerpt: input.text,
    });
  }

  /** Facilitators: a passage of a room's notes becomes a finding. */
  async fromNotes(actor: Actor, input: { roundId: string; roomId: string; excerpt: string; text?: string | undefined }): Promise<{ findingId: string }> {
    const person = await this.requireFacilitator(actor, 'collect findings');
    await this.requireRoom(actor.workshopId, input.roundId, input.roomId);
    return this.create(actor.workshopId, person, input.roundId, input.roomId, input.text ?? shorten(input.excerpt), {
      kind: 'notes',
      roundId: input.roundId,
      roomId: input.roomId,
      itemId: null,
      excerpt: input.excerpt,
    });
  }

  /** Facilitators: a card or a whole cluster of a room's board becomes a finding (the words are read on the server). */
  async fromBoard(actor: Actor, input: { roundId: string; roomId: string; itemId: string }): Promise<{ findingId: string }> {
    const person = await this.requireFacilitator(actor, 'collect findings');
    await this.requireRoom(actor.workshopId, input.roundId, input.roomId);
    const item = boardExcerpt(await this.deps.readBoard(actor.workshopId, input.roomId), input.itemId);
    if (!item.title.trim()) throw new DomainError('invalid_state', 'This card or cluster has no words yet.', 'itemId');
    return this.create(actor.workshopId, person, input.roundId, input.roomId, shorten(item.title), {
      kind: item.kind,
      roundId: input.roundId,
      roomId: input.roomId,
      itemId: input.itemId,
      excerpt: item.excerpt.length > FINDING_EXCERPT_MAX ? `${item.excerpt.slice(0, FINDING_EXCERPT_MAX - 1)}…` : item.excerpt,
    });
  }

  /** Facilitators: the cards and clusters of a room's board to choose from. */
  async boardItems(actor: Actor, input: { roundId: string; roomId: string }): Promise<{ items: BoardItemChoice[] }> {
    await this.requireFacilitator(actor, 'collect findings');
    await this.requireRoom(actor.workshopId, input.roundId, input.roomId);
    const snapshot = await this.deps.readBoard(actor.workshopId, input.roomId);
    const items: BoardItemChoice[] = [];
    for (const item of snapshot.items) {
      if (item.kind === 'cluster') {
        const cards = snapshot.items.filter((candidate) => candidate.kind === 'card' && candidate.clusterId === item.id).length;
        items.push({ id: item.id, kind: 'cluster', text: item.title, cards });
      } else if (item.kind === 'card' && item.text.trim()) items.push({ id: item.id, kind: 'card', text: item.text, cards: 0 });
    }
    return { items };
  }

  /** Facilitators: wording, heading, priority. */
  async update(actor: Actor, input: { findingId: string; text?: string | undefined; heading?: string | undefined; priority?: boolean | undefined }) {
    await this.requireFacilitator(actor, 'edit findings');
    await this.change(actor.workshopId, (record) => ({ ...record, findings: updateFinding(record.findings, input) }));
    return { findingId: input.findingId };
  }

  /** Facilitators: merge duplicates; the finding that stays keeps every source. */
  async merge(actor: Actor, input: { findingId: string; mergeIds: string[] }) {
    await this.requireFacilitator(actor, 'merge findings');
    await this.change(actor.workshopId, (record) => ({ ...record, findings: mergeFindings(record.findings, input.findingId, input.mergeIds) }));
    return { findingId: input.findingId };
  }

  /** Facilitators: order the list. */
  async move(actor: Actor, input: { findingId: string; beforeId: string | null }) {
    await this.requireFacilitator(actor, 'order findings');
    await this.change(actor.workshopId, (record) => ({ ...record, findings: moveFinding(record.findings, input.findingId, input.beforeId) }));
    return { findingId: input.findingId };
  }

  /** Facilitators: delete a finding. */
  async delete(actor: Actor, input: { findingId: string }) {
    await this.requireFacilitator(actor, 'delete findings');
    await this.change(actor.workshopId, (record) => ({ ...record, findings: deleteFinding(record.findings, input.findingId) }));
    return { findingId: input.findingId };
  }

  /** What is on the stage now, and which findings this person agreed with. */
  async stage(actor: Actor): Promise<{ stage: StageView | null; agreed: string[] }> {
    const person = await this.deps.people.current(actor);
    const record = await this.load(actor.workshopId);
    return {
      stage: await this.stageView(record),
      agreed: record.findings.filter((finding) => finding.agreedBy.includes(person.id)).map((finding) => finding.id),
    };
  }

  /** Facilitators: put something on everyone's screen. */
  async show(
    actor: Actor,
    input:
      | { kind: 'notes' | 'board'; roundId: string | null; roomId: string }
      | { kind: 'findings'; roundId: string | null }
      | { kind: 'finding'; roundId: string | null; index: number },
  ): Promise<{ stage: StageView | null }> {
    await this.requireFacilitator(actor, 'present on everyone’s screen');
    if (input.kind === 'notes' || input.kind === 'board') {
      if (input.roundId !== null) await this.requireRoom(actor.workshopId, input.roundId, input.roomId);
      else if (input.roomId !== PLENARY_ROOM) throw new DomainError('invalid_payload', 'Without a round, only the plenary can be shown.', 'roomId');
    } else if (input.roundId !== null) {
      await this.requireRound(actor.workshopId, input.roundId);
    }
    const now = this.deps.clock();
    const record = await this.change(actor.workshopId, (current) => ({
      ...current,
      stage: { ...input, since: now, reactions: current.stage?.reactions ?? false } as StoredStage,
    }));
    return { stage: await this.stageView(record) };
  }

  /** Facilitators: the closing round one finding forward or back. */
  async step(actor: Actor, input: { direction: 'next' | 'back' }): Promise<{ stage: StageView | null }> {
    await this.requireFacilitator(actor, 'present on everyone’s screen');
    const now = this.deps.clock();
    const record = await this.change(actor.workshopId, (current) => {
      if (!current.stage) throw new DomainError('invalid_state', 'Nothing is on the stage.');
      const total = findingsOfRound(current.findings, current.stage.roundId).length;
      const stage = stepStage(current.stage, input.direction, total, now);
      return stage === current.stage ? current : { ...current, stage };
    });
    return { stage: await this.stageView(record) };
  }

  /** Facilitators: everyone back to their own view. */
  async stop(actor: Actor): Promise<{ stage: null }> {
    await this.requireFacilitator(actor, 'present on everyone’s screen');
    await this.change(actor.workshopId, (current) => (current.stage ? { ...current, stage: null } : current));
    return { stage: null };
  }

  /** Facilitators: allow or stop agreement while findings are presented. */
  async reactions(actor: Actor, input: { allowed: boolean }): Promise<{ stage: StageView | null }> {
    await this.requireFacilitator(actor, 'allow reactions');
    const record = await this.change(actor.workshopId, (current) => {
      if (!current.stage) throw new DomainError('invalid_state', 'Nothing is on the stage.');
      return current.stage.reactions === input.allowed ? current : { ...current, stage: { ...current.stage, reactions: input.allowed } };
    });
    return { stage: await this.stageView(record) };
  }

  /** Anyone joined: agree with a finding on the stage, once per person. */
  async agree(actor: Actor, input: { findingId: string; agree: boolean }): Promise<{ agreements: number; agreed: boolean }> {
    const person = await this.deps.people.current(actor);
    const record = await this.change(actor.workshopId, (current) => {
      const stage = current.stage;
      if (!stage || !stage.reactions || (stage.kind !== 'finding' && stage.kind !== 'findings')) {
        throw new DomainError('invalid_state', 'Agreeing is possible while findings are presented and reactions are allowed.');
      }
      const shown = findingsOfRound(current.findings, stage.roundId);
      const onStage = stage.kind === 'finding' ? shown[stage.index]?.id === input.findingId : shown.some((finding) => finding.id === input.findingId);
      if (!onStage) throw new DomainError('invalid_state', 'This finding is not on the stage.', 'findingId');
      const findings = agreeWith(current.findings, input.findingId, person.id, input.agree);
      return findings === current.findings ? current : { ...current, findings };
    }, false);
    const finding = record.findings.find((candidate) => candidate.id === input.findingId)!;
    return { agreements: finding.agreedBy.length, agreed: finding.agreedBy.includes(person.id) };
  }

  /** The stage as everyone sees it, with the content read now. */

  /** The notes or board on the stage, drawn once per showing (a refresh shows them anew). */
  private readonly shown = new Map<string, { key: string; content: Promise<string> }>();

  private shownDocument(workshopId: string, key: string, draw: () => Promise<string>): Promise<string> {
    const cached = this.shown.get(workshopId);
    if (cached?.key === key) return cached.content;
    const content = draw();
    this.shown.set(workshopId, { key, content });
    // A drawing that failed is tried again on the next request.
    content.catch(() => {
      if (this.shown.get(workshopId)?.content === content) this.shown.delete(workshopId);
    });
    return content;
  }

  async stageView(record: FindingsRecord): Promise<StageView | null> {
    const stage = record.stage;
    if (!stage) return null;
    const rounds = await this.rounds(record.workshopId);
    const roomName = (roundId: string | null, roomId: string | null) =>
      rounds.find((round) => round.id === roundId)?.rooms.find((room) => room.id === roomId)?.name ?? '';
    const toStage = (finding: StoredFinding): StageFinding => ({
      id: finding.id,
      text: finding.text,
      heading: finding.heading,
      priority: finding.priority,
      roundId: finding.roundId,
      roomId: finding.roomId,
      roomName: roomName(finding.roundId, finding.roomId),
      agreements: finding.agreedBy.length,
    });
    const base = { since: stage.since, reactions: stage.reactions };
    if (stage.kind === 'notes') {
      const html = await this.shownDocument(record.workshopId, `notes:${stage.roomId}:${stage.since}`, () => this.deps.notesHtml(record.workshopId, stage.roomId));
      return { ...base, kind: 'notes', roundId: stage.roundId, roomId: stage.roomId, roomName: roomName(stage.roundId, stage.roomId), html };
    }
    if (stage.kind === 'board') {
      const svg = await this.shownDocument(record.workshopId, `board:${stage.roomId}:${stage.since}`, () => this.deps.boardSvg(record.workshopId, stage.roomId));
      return { ...base, kind: 'board', roundId: stage.roundId, roomId: stage.roomId, roomName: roomName(stage.roundId, stage.roomId), svg };
    }
    const shown = findingsOfRound(record.findings, stage.roundId);
    if (stage.kind === 'findings') return { ...base, kind: 'findings', roundId: stage.roundId, findings: shown.map(toStage) };
    const index = Math.min(stage.index, Math.max(0, shown.length - 1));
    const current = shown[index];
    return { ...base, kind: 'finding', roundId: stage.roundId, index, total: shown.length, finding: current ? toStage(current) : null };
  }

  private async create(workshopId: string, person: PersonRecord, roundId: string, roomId: string, text: string, source: FindingSource) {
    const finding: StoredFinding = {
      id: newId(),
      text,
      heading: '',
      priority: false,
      roundId,
      roomId,
      sources: [source],
      agreedBy: [],
      createdBy: person.id,
      createdAt: this.deps.clock(),
    };
    await this.change(workshopId, (record) => ({ ...record, findings: addFinding(record.findings, finding) }));
    return { findingId: finding.id };
  }

  /** Applies an operation to the latest stored list and tells everyone. */
  /**
   * Applies an operation to the latest stored list and tells everyone. `listChanged: false` (an
   * agreement) announces only the stage: every person re-reading the list for each agreement
   * would multiply the traffic by the number of people.
   */
  private async change(workshopId: string, apply: (record: FindingsRecord) => FindingsRecord, listChanged = true): Promise<FindingsRecord> {
    let stageBefore = false;
    const { record, changed } = await updateVersioned(
      `findings:${workshopId}`,
      () => this.load(workshopId),
      (next) => this.deps.store.saveFindings(next),
      (current) => {
        stageBefore = current.stage !== null;
        return apply(current);
      },
    );
    if (changed) {
      if (listChanged) this.deps.notifier.toWorkshop(workshopId, 'findings:changed', { version: record.version });
      // The stage carries finding texts and agreement counts, so it follows every change while something is shown.
      if (record.stage || stageBefore) this.deps.notifier.toWorkshop(workshopId, 'stage:changed', { stage: await this.stageView(record) });
    }
    return record;
  }

  private async rounds(workshopId: string): Promise<BreakoutRound[]> {
    return (await this.deps.store.getBreakouts(workshopId))?.rounds ?? [];
  }

  private async requireRound(workshopId: string, roundId: string): Promise<BreakoutRound> {
    const round = (await this.rounds(workshopId)).find((candidate) => candidate.id === roundId);
    if (!round) throw new DomainError('invalid_payload', 'There is no such breakout round.', 'roundId');
    return round;
  }

  private async requireRoom(workshopId: string, roundId: string, roomId: string): Promise<void> {
    const round = await this.requireRound(workshopId, roundId);
    if (!round.rooms.some((room) => room.id === roomId)) throw new DomainError('invalid_payload', 'There is no such room in this round.', 'roomId');
  }

  private async requireFacilitator(actor: Actor, action: string): Promise<PersonRecord> {
    const person = await this.deps.people.current(actor);
    if (!isFacilitator(person.role)) throw new DomainError('forbidden', `Only the moderation may ${action}.`);
    return person;
  }
}
