import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  YES_NO_OPTIONS,
  type Poll,
  type PollAnswer,
  type PollInput,
  type PollResults,
  type PollView,
} from '@werkraum/shared/protocol';
import { isFacilitator } from '@werkraum/shared/roles';
import { LIMITS } from '@werkraum/shared/limits';
import type { AgendaStore, PersonRecord, PollStore, PollsRecord, StoredAnswer, WorkshopStore } from '../store/types.js';
import { DomainError } from './errors.js';
import type { Notifier } from './notifier.js';
import { requireRole, type Actor, type PeopleDomain } from './people.js';
import { Pacer } from './pacer.js';
import type { Scheduler } from './presence.js';
import { hashSecret, newId } from './secrets.js';
import { updateVersioned } from './versioned.js';

/** Words left out of the word cloud (German and English function words). */
const STOP_WORDS = new Set(
  (
    'der die das den dem des ein eine einer eines einem einen und oder aber auch als am an auf aus bei bis da dass du er es für ' +
    'hat haben ich ihr im in ist ja kein mit nach nicht noch nur ob sie sich sind so um uns von vor war was wie wir wird zu zum zur ' +
    'the a an and or but of to in on at for with is are was be it this that we you they i not no yes by as from'
  ).split(' '),
);

/** Builds a poll from its definition; yes/no polls get their fixed options. */
export function pollFromInput(id: string, input: PollInput, previous?: Poll): Poll {
  const options =
    input.type === 'yesNo'
      ? YES_NO_OPTIONS.map((option) => ({ id: option, label: option }))
      : input.type === 'single' || input.type === 'multiple'
        ? input.options.map((option, index) => ({ id: option.id ?? previous?.options[index]?.id ?? newId(), label: option.label }))
        : [];
  return {
    id,
    blockId: input.blockId,
    question: input.question,
    type: input.type,
    options,
    maxChoices: input.type === 'multiple' ? (input.maxChoices ?? options.length) : null,
    scale: input.type === 'scale' ? input.scale : null,
    anonymous: input.anonymous,
    resultsVisibility: input.resultsVisibility,
    allowChange: input.allowChange,
    status: previous?.status ?? 'draft',
    published: previous?.published ?? false,
    openedAt: previous?.openedAt ?? null,
    closedAt: previous?.closedAt ?? null,
  };
}

/** Refuses an answer that does not fit the poll (wrong kind, unknown option, too many choices, out of range). */
export function validateAnswer(poll: Poll, answer: PollAnswer): void {
  const invalid = (message: string, field = 'answer') => new DomainError('invalid_payload', message, field);
  if (poll.type === 'single' || poll.type === 'multiple' || poll.type === 'yesNo') {
    if (!('optionIds' in answer)) throw invalid('Choose from the options.');
    const known = new Set(poll.options.map((option) => option.id));
    if (answer.optionIds.some((optionId) => !known.has(optionId))) throw invalid('This option is not part of the poll.', 'answer.optionIds');
    if (new Set(answer.optionIds).size !== answer.optionIds.length) throw invalid('Each option counts once.', 'answer.optionIds');
    const most = poll.type === 'multiple' ? (poll.maxChoices ?? poll.options.length) : 1;
    if (answer.optionIds.length > most) throw invalid(`Choose at most ${most}.`, 'answer.optionIds');
    return;
  }
  if (poll.type === 'scale') {
    if (!('value' in answer) || !poll.scale) throw invalid('Choose a value on the scale.');
    if (answer.value < poll.scale.min || answer.value > poll.scale.max) {
      throw invalid(`Choose a value from ${poll.scale.min} to ${poll.scale.max}.`, 'answer.value');
    }
    return;
  }
  if (!('text' in answer)) throw invalid('Write a short answer.');
}

/** The words of open-text answers with their frequency, most frequent first (ties alphabetical). */
export function wordFrequencies(texts: readonly string[], limit = 60): { word: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const raw of text.toLocaleLowerCase('de').split(/[^\p{L}\p{N}-]+/u)) {
      const word = raw.replace(/^-+|-+$/g, '');
      if (word.length < 2 || STOP_WORDS.has(word)) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || a.word.localeCompare(b.word, 'de'))
    .slice(0, limit);
}

/** Counts the answers of a poll. `withNames` adds who answered what (named polls, for the moderation). */
export function countResults(poll: Poll, answers: readonly StoredAnswer[], withNames: boolean): PollResults {
  const counts: Record<string, number> = {};
  if (poll.type === 'scale' && poll.scale) for (let value = poll.scale.min; value <= poll.scale.max; value += 1) counts[String(value)] = 0;
  else for (const option of poll.options) counts[option.id] = 0;
  const texts: string[] = [];
  let sum = 0;
  let values = 0;
  for (const { answer } of answers) {
    if ('optionIds' in answer) for (const optionId of answer.optionIds) counts[optionId] = (counts[optionId] ?? 0) + 1;
    else if ('value' in answer) {
      counts[String(answer.value)] = (counts[String(answer.value)] ?? 0) + 1;
      sum += answer.value;
      values += 1;
    } else texts.push(answer.text);
  }
  const byPerson =
    withNames && !poll.anonymous
      ? Object.fromEntries(answers.filter((entry) => entry.personId).map((entry) => [entry.personId!, entry.answer]))
      : null;
  return {
    pollId: poll.id,
    participants: answers.length,
    counts,
    mean: values > 0 ? Math.round((sum / values) * 100) / 100 : null,
    // Sorted, so the order of texts does not follow the order of people (who wrote what stays hidden).
    texts: [...texts].sort((a, b) => a.localeCompare(b, 'de')),
    words: poll.type === 'text' ? wordFrequencies(texts) : [],
    byPerson,
  };
}

/** Whether everyone may see a poll's results now. */
export function resultsVisibleToAll(poll: Poll): boolean {
  return poll.published || poll.resultsVisibility === 'live' || (poll.resultsVisibility === 'afterClose' && poll.status === 'closed');
}

/** Dependencies of the poll domain. */
export interface PollDeps {
  store: PollStore & WorkshopStore & AgendaStore;
  notifier: Notifier;
  people: PeopleDomain;
  clock: () => number;
  /** Key of the keyed hash behind anonymous voter keys, kept outside the database. */
  voterKeySecret: Buffer;
  /**
   * Live counts go out at most once per this many ms per poll: the first answer at once, the
   * answers after it together at the end of the interval. Without it, every answer would be a
   * message to everyone in the workshop (60 answers, 60 people: 3,600 messages in a few seconds).
   */
  announceIntervalMs?: number;
  scheduler?: Scheduler;
  onError?: (error: unknown) => void;
  /** Called after this process stored an answer (other processes then drop the answers they read). */
  onAnswersChanged?: (pollId: string) => void;
}

/** Default for `PollDeps.announceIntervalMs`: live enough for people watching the bars grow. */
export const POLL_ANNOUNCE_INTERVAL_MS = 500;

/**
 * The key under which an anonymous poll remembers that someone voted; it never sits next to a ballot.
 * A keyed hash: without the secret (which is not in the database) nobody can tell whose key it is.
 */
const voterKey = (secret: Buffer, pollId: string, personId: string) => createHmac('sha256', secret).update(`${pollId}:${personId}`).digest('hex');

/**
 * The unkeyed voter key of earlier versions. Only read (never written), so that someone who answered
 * a poll that was open across the upgrade cannot answer it a second time.
 */
const legacyVoterKey = (pollId: string, personId: string) => createHash('sha256').update(`${pollId}:${personId}`).digest('hex');

/**
 * Live polls: prepared by the moderation (optionally attached to an agenda block), opened and
 * closed, answered once per person (changeable if the poll allows), counted for the documentation.
 */
/** How long after announcing a poll this process follows another process's answer with a fresh count. */
const RECOUNT_WINDOW_MS = 2_000;

export class PollDomain {
  /**
   * The answers of each poll as last read, so that a poll:list from everyone (after each poll:changed)
   * reads and counts them once, not once per person. The process that stores an answer drops the
   * entry; with several processes the others drop theirs when told (`onAnswersChanged`, `forgetAnswers`).
   */
  private readonly answers = new Map<string, Promise<readonly StoredAnswer[]>>();
  /** Counted results per answers list (with and without names). */
  private readonly counted = new WeakMap<readonly StoredAnswer[], { named?: PollResults; anonymous?: PollResults }>();
  /** Live counts per poll (see `announceIntervalMs`). */
  private readonly pacer: Pacer;

  constructor(private readonly deps: PollDeps) {
    this.pacer = new Pacer(deps.announceIntervalMs ?? POLL_ANNOUNCE_INTERVAL_MS, deps.scheduler);
  }

  /**
   * Polls this process announced lately. With several processes, a count read here just before another
   * process stored an answer can reach clients after that process's newer count (the two travel
   * separately), and would then stay on their screens; such a count is followed by a fresh one.
   */
  private readonly recentAnnouncements = new Map<string, { workshopId: string; startedAt: number; inFlight: number; stale: boolean }>();

  /** Another process stored an answer to the poll: the answers read here are stale. */
  forgetAnswers(pollId: string): void {
    this.answers.delete(pollId);
    const recent = this.recentAnnouncements.get(pollId);
    if (!recent) return;
    // A count read here before that answer may still be on its way to clients: announce again, paced,
    // and after the announcement being counted now, so that the fresh count is the last one sent.
    const window = Math.max(RECOUNT_WINDOW_MS, 4 * (this.deps.announceIntervalMs ?? POLL_ANNOUNCE_INTERVAL_MS));
    if (recent.inFlight > 0) recent.stale = true;
    else if (performance.now() - recent.startedAt < window) this.scheduleAnnouncement(recent.workshopId, pollId);
    else this.recentAnnouncements.delete(pollId);
  }

  /** Stops pending announcements (server shutdown). */
  dispose(): void {
    this.pacer.dispose();
  }

  /** The polls of a workshop. */
  async load(workshopId: string): Promise<PollsRecord> {
    return (await this.deps.store.getPolls(workshopId)) ?? { workshopId, version: 0, polls: [] };
  }

  /** Every poll as this person may see it (drafts only for the moderation). */
  async list(actor: Actor): Promise<{ polls: PollView[] }> {
    const person = await this.deps.people.current(actor);
    const facilitator = isFacilitator(person.role);
    const record = await this.load(actor.workshopId);
    const polls = record.polls.filter((poll) => facilitator || poll.status !== 'draft');
    return { polls: await Promise.all(polls.map((poll) => this.view(poll, person))) };
  }

  /** Every poll with full results, for the moderation over the HTTP API and the documentation. */
  async results(workshopId: string): Promise<{ poll: Poll; results: PollResults }[]> {
    const record = await this.load(workshopId);
    return Promise.all(record.polls.map(async (poll) => ({ poll, results: await this.count(poll, true) })));
  }

  /** Facilitators (or a moderation key): prepare a poll. */
  async create(actor: Actor | { workshopId: string; viaKey: true }, input: PollInput): Promise<{ pollId: string }> {
    if (!('viaKey' in actor)) await this.requireFacilitator(actor);
    await this.requireBlock(actor.workshopId, input.blockId);
    const pollId = newId();
    await this.change(actor.workshopId, pollId, (record) => {
      if (record.polls.length >= LIMITS.pollsMax) {
        throw new DomainError('invalid_state', `A workshop can have at most ${LIMITS.pollsMax} polls.`);
      }
      return { ...record, polls: [...record.polls, pollFromInput(pollId, input)] };
    });
    return { pollId };
  }

  /** Facilitators: change a poll nobody could answer yet. */
  async update(actor: Actor, input: { pollId: string; poll: PollInput }): Promise<{ pollId: string }> {
    await this.requireFacilitator(actor);
    await this.requireBlock(actor.workshopId, input.poll.blockId);
    await this.changePoll(actor.workshopId, input.pollId, (poll) => {
      if (poll.status !== 'draft') throw new DomainError('invalid_state', 'A poll that has been opened cannot be changed.');
      return pollFromInput(poll.id, input.poll, poll);
    });
    return { pollId: input.pollId };
  }

  /** Facilitators: delete a poll that never opened (results stay for the documentation). */
  async delete(actor: Actor, input: { pollId: string }): Promise<{ pollId: string }> {
    await this.requireFacilitator(actor);
    await this.change(actor.workshopId, input.pollId, (record) => {
      const poll = findPoll(record, input.pollId);
      if (poll.status !== 'draft') throw new DomainError('invalid_state', 'A poll that has been opened stays for the documentation.');
      return { ...record, polls: record.polls.filter((candidate) => candidate.id !== poll.id) };
    });
    return input;
  }

  /** Facilitators: open (launch, or reopen) a poll. */
  async open(actor: Actor, input: { pollId: string }): Promise<{ pollId: string }> {
    await this.requireFacilitator(actor);
    const now = this.deps.clock();
    await this.changePoll(actor.workshopId, input.pollId, (poll) =>
      poll.status === 'open' ? poll : { ...poll, status: 'open', openedAt: poll.openedAt ?? now, closedAt: null },
    );
    return input;
  }

  /** Facilitators: close a poll. */
  async close(actor: Actor, input: { pollId: string }): Promise<{ pollId: string }> {
    await this.requireFacilitator(actor);
    const now = this.deps.clock();
    await this.changePoll(actor.workshopId, input.pollId, (poll) => {
      if (poll.status === 'draft') throw new DomainError('invalid_state', 'This poll has not been opened.');
      return poll.status === 'closed' ? poll : { ...poll, status: 'closed', closedAt: now };
    });
    return input;
  }

  /** Facilitators: show results to everyone, or hide them again. */
  async publish(actor: Actor, input: { pollId: string; published: boolean }): Promise<{ pollId: string }> {
    await this.requireFacilitator(actor);
    await this.changePoll(actor.workshopId, input.pollId, (poll) =>
      poll.published === input.published ? poll : { ...poll, published: input.published },
    );
    return { pollId: input.pollId };
  }

  /** Anyone joined: answer an open poll once (change it if the poll allows). */
  async answer(actor: Actor, input: { pollId: string; answer: PollAnswer; ballotToken?: string | undefined }) {
    const person = await this.deps.people.current(actor);
    const poll = findPoll(await this.load(actor.workshopId), input.pollId);
    if (poll.status !== 'open') throw new DomainError('invalid_state', 'This poll is not open.');
    validateAnswer(poll, input.answer);
    const { store } = this.deps;
    let ballotToken: string | null = null;
    if (!poll.anonymous) {
      const result = await store.saveNamedAnswer(poll.id, person.id, input.answer, poll.allowChange);
      if (result === 'exists') throw new DomainError('invalid_state', 'You have already answered this poll.');
    } else if (input.ballotToken && (await this.hasVoted(poll.id, person.id))) {
      // A ballot token counts only for someone who voted: a second person in the same browser votes anew.
      if (!poll.allowChange) throw new DomainError('invalid_state', 'Answers to this poll cannot be changed.');
      if (!(await store.replaceAnonymousAnswer(poll.id, hashSecret(input.ballotToken), input.answer))) {
        throw new DomainError('invalid_state', 'This ballot is not known.', 'ballotToken');
      }
      ballotToken = input.ballotToken;
    } else {
      if (await store.hasVoted(poll.id, legacyVoterKey(poll.id, person.id))) {
        throw new DomainError('invalid_state', 'You have already answered this poll.');
      }
      ballotToken = randomBytes(24).toString('base64url');
      const result = await store.saveAnonymousAnswer(poll.id, voterKey(this.deps.voterKeySecret, poll.id, person.id), hashSecret(ballotToken), input.answer);
      if (result === 'exists') throw new DomainError('invalid_state', 'You have already answered this poll.');
    }
    this.answers.delete(poll.id);
    this.deps.onAnswersChanged?.(poll.id);
    this.scheduleAnnouncement(actor.workshopId, poll.id);
    return { pollId: poll.id, ballotToken };
  }

  /** Whether a person answered an anonymous poll (under the keyed voter key, or the unkeyed one of earlier versions). */
  private async hasVoted(pollId: string, personId: string): Promise<boolean> {
    const { store } = this.deps;
    return (await store.hasVoted(pollId, voterKey(this.deps.voterKeySecret, pollId, personId))) || store.hasVoted(pollId, legacyVoterKey(pollId, personId));
  }

  private async view(poll: Poll, person: PersonRecord): Promise<PollView> {
    const facilitator = isFacilitator(person.role);
    const { store } = this.deps;
    const answered = poll.anonymous
      ? await this.hasVoted(poll.id, person.id)
      : (await store.getNamedAnswer(poll.id, person.id)) !== undefined;
    const visible = facilitator || resultsVisibleToAll(poll);
    return {
      poll,
      results: visible ? await this.count(poll, facilitator) : null,
      answered,
      myAnswer: poll.anonymous ? null : ((await store.getNamedAnswer(poll.id, person.id)) ?? null),
    };
  }

  /** The answers of a poll, read once per change (see `answers`). */
  private answersOf(pollId: string): Promise<readonly StoredAnswer[]> {
    let answers = this.answers.get(pollId);
    if (!answers) {
      answers = this.deps.store.listAnswers(pollId);
      this.answers.set(pollId, answers);
      // A failed read is not kept.
      answers.catch(() => {
        if (this.answers.get(pollId) === answers) this.answers.delete(pollId);
      });
    }
    return answers;
  }

  /** A poll's results, counted once per answers list. Options and type cannot change once answers exist. */
  private async count(poll: Poll, withNames: boolean): Promise<PollResults> {
    const answers = await this.answersOf(poll.id);
    let cache = this.counted.get(answers);
    if (!cache) this.counted.set(answers, (cache = {}));
    const key = withNames && !poll.anonymous ? 'named' : 'anonymous';
    return (cache[key] ??= countResults(poll, answers, withNames));
  }

  /** Announces a poll's counts now, or with the next paced announcement (see `announceIntervalMs`). */
  private scheduleAnnouncement(workshopId: string, pollId: string): void {
    this.pacer.request(pollId, () => {
      this.announceCurrent(workshopId, pollId).catch((error: unknown) => this.deps.onError?.(error));
    });
  }

  private async announceCurrent(workshopId: string, pollId: string): Promise<void> {
    const poll = (await this.load(workshopId)).polls.find((candidate) => candidate.id === pollId);
    if (poll && poll.status !== 'draft') await this.announceResults(workshopId, poll);
  }

  private async announceResults(workshopId: string, poll: Poll): Promise<void> {
    // This announcement (after a change of the poll's state) carries everything a pending one would have.
    this.pacer.cancel(poll.id);
    let recent = this.recentAnnouncements.get(poll.id);
    if (!recent) this.recentAnnouncements.set(poll.id, (recent = { workshopId, startedAt: 0, inFlight: 0, stale: false }));
    recent.startedAt = performance.now();
    recent.inFlight++;
    try {
      const facilitators = await this.count(poll, true);
      this.deps.notifier.toFacilitators(workshopId, 'poll:results', facilitators);
      if (resultsVisibleToAll(poll)) {
        // Everyone gets the counts; who answered what stays with the moderation.
        this.deps.notifier.toParticipants(workshopId, 'poll:results', await this.count(poll, false));
      } else {
        this.deps.notifier.toParticipants(workshopId, 'poll:participation', { pollId: poll.id, participants: facilitators.participants });
      }
    } finally {
      recent.inFlight--;
      if (recent.stale) {
        recent.stale = false;
        this.scheduleAnnouncement(workshopId, poll.id);
      }
    }
  }

  private async changePoll(workshopId: string, pollId: string, apply: (poll: Poll) => Poll): Promise<void> {
    await this.change(workshopId, pollId, (record) => {
      const poll = findPoll(record, pollId);
      const changed = apply(poll);
      return changed === poll ? record : { ...record, polls: record.polls.map((candidate) => (candidate.id === pollId ? changed : candidate)) };
    });
  }

  private async change(workshopId: string, pollId: string, apply: (record: PollsRecord) => PollsRecord): Promise<void> {
    await requireWorkshopExists(this.deps.store, workshopId);
    const { record, changed } = await updateVersioned(
      `polls:${workshopId}`,
      () => this.load(workshopId),
      (next) => this.deps.store.savePolls(next),
      apply,
    );
    if (!changed) return;
    this.deps.notifier.toWorkshop(workshopId, 'poll:changed', { pollId });
    // Results that just became visible (closed, published) reach everyone without a second request.
    const poll = record.polls.find((candidate) => candidate.id === pollId);
    if (poll && poll.status !== 'draft') await this.announceResults(workshopId, poll);
  }

  private async requireBlock(workshopId: string, blockId: string | null): Promise<void> {
    if (blockId === null) return;
    const agenda = await this.deps.store.getAgenda(workshopId);
    if (!agenda?.blocks.some((block) => block.id === blockId)) {
      throw new DomainError('invalid_payload', 'blockId: this block is not on the agenda.', 'blockId');
    }
  }

  private async requireFacilitator(actor: Actor): Promise<void> {
    requireRole(await this.deps.people.current(actor), ['moderator', 'coModerator'], 'run polls');
  }
}

function findPoll(record: PollsRecord, pollId: string): Poll {
  const poll = record.polls.find((candidate) => candidate.id === pollId);
  if (!poll) throw new DomainError('invalid_state', 'There is no such poll.', 'pollId');
  return poll;
}

async function requireWorkshopExists(store: WorkshopStore, workshopId: string): Promise<void> {
  if (!(await store.getWorkshop(workshopId))) throw new DomainError('workshop_not_found', 'There is no workshop with this id.');
}
