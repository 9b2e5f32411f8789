import type { ArchivedPoll, PollHistory, ReviewFinding, ReviewRoom, SeriesDate, SeriesReview, SeriesView } from '@werkraum/shared/protocol';
import { SERIES_DATES_MAX } from '@werkraum/shared/protocol';
import { isFacilitator } from '@werkraum/shared/roles';
import type {
  AgendaRecord,
  AgendaStore,
  BoardStore,
  BreakoutStore,
  FindingsStore,
  PollStore,
  SeriesRecord,
  SeriesStore,
  SpeakingStore,
  StoredSeriesDate,
  WorkshopRecord,
  WorkshopStore,
} from '../store/types.js';
import { emptySpeaking } from './speaking.js';
import { emptyAgenda } from './agenda.js';
import { DomainError } from './errors.js';
import type { Notifier } from './notifier.js';
import { requireRole, type Actor, type PeopleDomain } from './people.js';
import { resultsVisibleToAll, type PollDomain } from './polls.js';
import { newId } from './secrets.js';
import { serialized, updateVersioned } from './versioned.js';
import { templateOf, workshopFromTemplate } from './workshopTemplates.js';
import { agendaView } from './agenda.js';
import { requireWorkshop, workshopInfo } from './workshops.js';

/** The id of a workshop's first date, before the series was ever changed. */
export const FIRST_DATE_ID = 'first';

/** Dependencies of the series domain. */
export interface SeriesDeps {
  store: WorkshopStore & AgendaStore & PollStore & BreakoutStore & BoardStore & SeriesStore & FindingsStore & SpeakingStore;
  notifier: Notifier;
  people: PeopleDomain;
  polls: PollDomain;
  /** A room's notes as Markdown. */
  renderNotes: (workshopId: string, roomId: string) => Promise<string>;
  /** A room's board as a Markdown outline. */
  renderBoardOutline: (workshopId: string, roomId: string) => Promise<string>;
  /** Server time in ms. */
  clock: () => number;
  /** Called after the workshop moved on to its next date (rooms changed: re-check document access). */
  onAdvanced?: (workshopId: string) => Promise<void>;
}

/** The series as stored, or the implicit series of one date: the workshop's own start. */
function implicitSeries(workshop: WorkshopRecord): SeriesRecord {
  return {
    workshopId: workshop.id,
    version: 0,
    dates: [{ id: FIRST_DATE_ID, startsAt: workshop.startsAt, status: 'current', closedAt: null, archive: null, repeats: {} }],
  };
}

function publicDate(date: StoredSeriesDate): SeriesDate {
  return { id: date.id, startsAt: date.startsAt, status: date.status, closedAt: date.closedAt };
}

/** Dates in their order: the done ones as they were held, then the current, then upcoming by time. */
function ordered(dates: StoredSeriesDate[]): StoredSeriesDate[] {
  const rank = { done: 0, current: 1, upcoming: 2 } as const;
  return [...dates].sort((a, b) => rank[a.status] - rank[b.status] || Date.parse(a.startsAt) - Date.parse(b.startsAt));
}

function iso(startsAt: string): string {
  return new Date(startsAt).toISOString();
}

/**
 * A workshop's dates (a series). One date is current: the workshop's agenda, polls and rooms are
 * that date's. Moving on archives them with the date and gives the next date the same format,
 * fresh: new runs, unopened polls (each remembered as a repeat of the earlier one), empty rooms.
 * People, links and identities belong to the workshop and stay.
 */
export class SeriesDomain {
  constructor(private readonly deps: SeriesDeps) {}

  async load(workshopId: string): Promise<SeriesRecord> {
    const workshop = await requireWorkshop(this.deps.store, workshopId);
    const stored = (await this.deps.store.getSeries(workshopId)) ?? implicitSeries(workshop);
    // The current date starts when the workshop does (a time-table import can move it).
    return { ...stored, dates: stored.dates.map((date) => (date.status === 'current' ? { ...date, startsAt: iso(workshop.startsAt) } : date)) };
  }

  async view(workshopId: string): Promise<SeriesView> {
    return { dates: ordered((await this.load(workshopId)).dates).map(publicDate) };
  }

  async get(actor: Actor): Promise<SeriesView> {
    await this.deps.people.current(actor);
    return this.view(actor.workshopId);
  }

  /** Facilitators (or a moderation key over HTTP): add a date after the current one. */
  async addDate(actor: Actor | { workshopId: string; viaKey: true }, input: { startsAt: string }): Promise<{ dateId: string; view: SeriesView }> {
    await this.requireFacilitator(actor);
    const dateId = newId();
    const view = await this.change(actor.workshopId, (record) => {
      if (record.dates.length >= SERIES_DATES_MAX) throw new DomainError('invalid_state', `A series has at most ${SERIES_DATES_MAX} dates.`);
      this.requireAfterCurrent(record, input.startsAt);
      return { ...record, dates: [...record.dates, { id: dateId, startsAt: iso(input.startsAt), status: 'upcoming', closedAt: null, archive: null, repeats: {} }] };
    });
    return { dateId, view };
  }

  /** Facilitators: move an upcoming date, or the current one while its agenda has not started. */
  async moveDate(actor: Actor, input: { dateId: string; startsAt: string }): Promise<{ dateId: string }> {
    await this.requireFacilitator(actor);
    const date = this.find(await this.load(actor.workshopId), input.dateId);
    if (date.status === 'done') throw new DomainError('invalid_state', 'A date that was held cannot move.', 'dateId');
    if (date.status === 'current') {
      const agenda = await this.deps.store.getAgenda(actor.workshopId);
      if (agenda && agenda.run.status !== 'notStarted') throw new DomainError('invalid_state', 'This date has started; it cannot move any more.', 'dateId');
      const record = await this.load(actor.workshopId);
      const next = ordered(record.dates).find((candidate) => candidate.status === 'upcoming');
      if (next && Date.parse(input.startsAt) >= Date.parse(next.startsAt)) {
        throw new DomainError('invalid_state', 'The current date must stay before the next one.', 'startsAt');
      }
      const workshop = await requireWorkshop(this.deps.store, actor.workshopId);
      await this.deps.store.updateWorkshopStart(actor.workshopId, iso(input.startsAt));
      this.deps.notifier.toWorkshop(actor.workshopId, 'workshop:updated', workshopInfo({ ...workshop, startsAt: iso(input.startsAt) }));
      this.deps.notifier.toWorkshop(actor.workshopId, 'series:changed', await this.view(actor.workshopId));
      return { dateId: date.id };
    }
    await this.change(actor.workshopId, (record) => {
      this.requireAfterCurrent(record, input.startsAt);
      return { ...record, dates: record.dates.map((candidate) => (candidate.id === input.dateId ? { ...candidate, startsAt: iso(input.startsAt) } : candidate)) };
    });
    return { dateId: date.id };
  }

  /** Facilitators: remove an upcoming date. */
  async removeDate(actor: Actor, input: { dateId: string }): Promise<{ dateId: string }> {
    await this.requireFacilitator(actor);
    await this.change(actor.workshopId, (record) => {
      const date = this.find(record, input.dateId);
      if (date.status !== 'upcoming') throw new DomainError('invalid_state', 'Only dates still to come can be removed.', 'dateId');
      return { ...record, dates: record.dates.filter((candidate) => candidate.id !== input.dateId) };
    });
    return { dateId: input.dateId };
  }

  /**
   * Facilitators: close the current date and move the workshop to the next one. Refused while a
   * block runs. The closed date keeps its agenda with planned and actual times, its polls with
   * their results, its rooms (their notes and boards stay readable) and board states.
   */
  async advance(actor: Actor): Promise<{ dateId: string }> {
    await this.requireFacilitator(actor);
    const { workshopId } = actor;
    const key = (kind: string) => `${kind}:${workshopId}`;
    // Every document this touches is held in one fixed order, so no other change slips in between.
    return serialized(key('series'), () =>
      serialized(key('agenda'), () =>
        serialized(key('breakouts'), () =>
          serialized(key('polls'), () =>
            serialized(key('boards'), () =>
              serialized(key('findings'), () => serialized(key('speaking'), () => this.advanceNow(workshopId))),
            ),
          ),
        ),
      ),
    );
  }

  private async advanceNow(workshopId: string): Promise<{ dateId: string }> {
    const { store } = this.deps;
    const workshop = await requireWorkshop(store, workshopId);
    const series = await this.load(workshopId);
    const current = series.dates.find((date) => date.status === 'current');
    const next = ordered(series.dates).find((date) => date.status === 'upcoming');
    if (!current || !next) throw new DomainError('invalid_state', 'Add the next date first.');
    const agenda: AgendaRecord = (await store.getAgenda(workshopId)) ?? emptyAgenda(workshopId);
    if (agenda.run.status === 'running') throw new DomainError('invalid_state', 'End the running date first (end the workshop in the agenda).');
    const polls = await store.getPolls(workshopId);
    const breakouts = await store.getBreakouts(workshopId);
    const boards = await store.getBoards(workshopId);
    const findings = await store.getFindings(workshopId);
    const speaking = await store.getSpeaking(workshopId);
    const results = new Map((await this.deps.polls.results(workshopId)).map((entry) => [entry.poll.id, entry.results]));
    const archivedPolls: ArchivedPoll[] = (polls?.polls ?? []).flatMap((poll) => {
      const counted = results.get(poll.id);
      // Who answered what stays out of the archive; the counts are what later dates compare.
      return counted ? [{ poll, results: { ...counted, byPerson: null } }] : [];
    });

    const fresh = workshopFromTemplate(workshopId, templateOf({ workshop, agenda, polls, breakouts }), newId);
    const repeats: Record<string, string> = {};
    fresh.polls.polls.forEach((poll, index) => {
      const earlier = polls?.polls[index];
      if (earlier) repeats[poll.id] = earlier.id;
    });
    const closedAt = this.deps.clock();
    const dates = series.dates.map((date): StoredSeriesDate => {
      if (date.id === current.id) {
        const archive = {
          agenda,
          polls: archivedPolls,
          rounds: breakouts?.rounds ?? [],
          boards: boards?.rooms ?? {},
          findings: findings?.findings ?? [],
          speaking: speaking?.speaking ?? null,
        };
        return { ...date, status: 'done', closedAt, archive };
      }
      if (date.id === next.id) return { ...date, status: 'current', repeats };
      return date;
    });
    // The date is archived first: whatever happens after, nothing it produced is lost.
    if (!(await store.saveSeries({ workshopId, version: series.version + 1, dates }))) {
      throw new DomainError('invalid_state', 'This workshop is being changed elsewhere right now; please try again.');
    }
    const saved = [
      await store.saveAgenda({ ...fresh.agenda, version: agenda.version + 1 }),
      await store.savePolls({ ...fresh.polls, version: (polls?.version ?? 0) + 1 }),
      await store.saveBreakouts({ ...fresh.breakouts, version: (breakouts?.version ?? 0) + 1 }),
      boards ? await store.saveBoards({ workshopId, version: boards.version + 1, rooms: {} }) : true,
      // The next date collects its own findings and keeps its own speaking order.
      findings ? await store.saveFindings({ workshopId, version: findings.version + 1, findings: [], stage: null }) : true,
      speaking ? await store.saveSpeaking({ workshopId, version: speaking.version + 1, speaking: emptySpeaking() }) : true,
    ];
    if (saved.includes(false)) throw new DomainError('invalid_state', 'This workshop is being changed elsewhere right now; please try again.');
    await store.updateWorkshopStart(workshopId, next.startsAt);

    const { notifier } = this.deps;
    const serverTime = this.deps.clock();
    notifier.toWorkshop(workshopId, 'workshop:updated', workshopInfo({ ...workshop, startsAt: next.startsAt }));
    notifier.toWorkshop(workshopId, 'agenda:changed', agendaView(fresh.agenda));
    notifier.toWorkshop(workshopId, 'agenda:run', { run: fresh.agenda.run, serverTime });
    notifier.toWorkshop(workshopId, 'breakout:changed', { rounds: fresh.breakouts.rounds, serverTime });
    if (findings) {
      notifier.toWorkshop(workshopId, 'findings:changed', { version: findings.version + 1 });
      notifier.toWorkshop(workshopId, 'stage:changed', { stage: null });
    }
    if (speaking) notifier.toWorkshop(workshopId, 'speaking:changed', { speaking: emptySpeaking(), serverTime });
    notifier.toWorkshop(workshopId, 'series:changed', { dates: ordered(dates).map(publicDate) });
    await this.deps.onAdvanced?.(workshopId);
    return { dateId: next.id };
  }

  /** Anyone joined: what a done date produced (the latest done date when none is named). */
  async review(actor: Actor, input: { dateId?: string | undefined }): Promise<SeriesReview> {
    const person = await this.deps.people.current(actor);
    const series = await this.load(actor.workshopId);
    const done = ordered(series.dates).filter((date) => date.status === 'done');
    const date = input.dateId === undefined ? done.at(-1) : done.find((candidate) => candidate.id === input.dateId);
    if (!date?.archive) {
      throw new DomainError('invalid_state', input.dateId === undefined ? 'There is no earlier date yet.' : 'This date has not been held yet.', 'dateId');
    }
    const { archive } = date;
    const facilitator = isFacilitator(person.role);
    const titleOf = new Map(archive.agenda.blocks.map((block) => [block.id, block.title]));
    const rooms: ReviewRoom[] = [];
    for (const round of archive.rounds) {
      for (const room of round.rooms) {
        rooms.push({
          roundTitle: titleOf.get(round.blockId) ?? '',
          roomId: room.id,
          name: room.name,
          notes: (await this.deps.renderNotes(actor.workshopId, room.id)).trim(),
          board: (await this.deps.renderBoardOutline(actor.workshopId, room.id)).trim(),
        });
      }
    }
    const roomNames = new Map(archive.rounds.flatMap((round) => round.rooms.map((room) => [room.id, room.name] as const)));
    const roundTitles = new Map(archive.rounds.map((round) => [round.id, titleOf.get(round.blockId) ?? ''] as const));
    const findings: ReviewFinding[] = (archive.findings ?? []).map((finding) => ({
      id: finding.id,
      text: finding.text,
      heading: finding.heading,
      priority: finding.priority,
      roomName: finding.roomId === null ? '' : (roomNames.get(finding.roomId) ?? ''),
      roundTitle: finding.roundId === null ? '' : (roundTitles.get(finding.roundId) ?? ''),
    }));
    return {
      date: publicDate(date),
      findings,
      polls: archive.polls.filter((entry) => facilitator || resultsVisibleToAll(entry.poll)),
      rooms,
    };
  }

  /** Anyone joined: the results of a current poll's earlier runs on done dates, oldest first. */
  async pollHistory(actor: Actor, input: { pollId: string }): Promise<PollHistory> {
    const person = await this.deps.people.current(actor);
    const series = await this.load(actor.workshopId);
    const dates = ordered(series.dates);
    const earlier: PollHistory['earlier'] = [];
    let pollId: string | undefined = input.pollId;
    for (let index = dates.findIndex((date) => date.status === 'current'); index > 0 && pollId !== undefined; index -= 1) {
      const previousId: string | undefined = dates[index]!.repeats[pollId];
      const previous = dates[index - 1]!;
      const found = previousId === undefined ? undefined : previous.archive?.polls.find((entry) => entry.poll.id === previousId);
      if (!found) break;
      if (isFacilitator(person.role) || resultsVisibleToAll(found.poll)) earlier.unshift({ date: publicDate(previous), ...found });
      pollId = previousId;
    }
    return { pollId: input.pollId, earlier };
  }

  private find(record: SeriesRecord, dateId: string): StoredSeriesDate {
    const date = record.dates.find((candidate) => candidate.id === dateId);
    if (!date) throw new DomainError('invalid_state', 'This workshop has no such date.', 'dateId');
    return date;
  }

  private requireAfterCurrent(record: SeriesRecord, startsAt: string): void {
    const current = record.dates.find((date) => date.status === 'current');
    if (current && Date.parse(startsAt) <= Date.parse(current.startsAt)) {
      throw new DomainError('invalid_state', 'A new date comes after the current one.', 'startsAt');
    }
    if (record.dates.some((date) => Date.parse(date.startsAt) === Date.parse(startsAt))) {
      throw new DomainError('invalid_state', 'There is a date at this time already.', 'startsAt');
    }
  }

  private async requireFacilitator(actor: Actor | { workshopId: string; viaKey: true }): Promise<void> {
    if ('viaKey' in actor) return;
    requireRole(await this.deps.people.current(actor), ['moderator', 'coModerator'], 'plan the dates of the workshop');
  }

  private async change(workshopId: string, apply: (record: SeriesRecord) => SeriesRecord): Promise<SeriesView> {
    const { record, changed } = await updateVersioned(
      `series:${workshopId}`,
      () => this.load(workshopId),
      (next) => this.deps.store.saveSeries(next),
      apply,
    );
    const view = { dates: ordered(record.dates).map(publicDate) };
    if (changed) this.deps.notifier.toWorkshop(workshopId, 'series:changed', view);
    return view;
  }
}
