import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ack } from '@werkraum/shared/errors';
import { LIMITS } from '@werkraum/shared/limits';
import type { ClientEvents, PollAnswer, PollResults, PollView } from '@werkraum/shared/protocol';
import { Harness, okData, TEST_POLL_ANNOUNCE_MS, TEST_STORE, TEST_VOTER_KEY_SECRET, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { committedStates, occurrences, offsetIn, openReadOnly, pageOwners, readPages, readWal } from '../test/sqliteForensics.js';
import { openStoreReader, postgresRawPages, withStoreReader } from '../test/storeReader.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

/** Asserts a refused acknowledgement with `code` (and `field`, when given). */
function expectError(ack: Ack<unknown>, code: string, field?: string) {
  expect(ack.ok, `expected error ${code}, got ${JSON.stringify(ack)}`).toBe(false);
  if (ack.ok) return;
  expect(ack.error.code).toBe(code);
  expect(ack.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) expect(ack.error.field).toBe(field);
}

const STARTS_AT = '2026-12-01T14:00:00+01:00';
const T0 = Date.parse(STARTS_AT);

type PollRequest = ClientEvents['poll:create']['request'];

const idOf = (client: TestClient) => client.snapshot!.session.personId;

/** One socket round trip: everything the server sent this client before the answer has arrived. */
async function roundTrip(client: TestClient): Promise<void> {
  okData(await client.call('clock:ping', {}));
}

/**
 * The key under which polls.ts remembers that a person voted. It is keyed with a secret outside the
 * database; these tests assume the worst case, someone who has the secret as well as the files.
 */
const voterKeyOf = (pollId: string, personId: string) => createHmac('sha256', TEST_VOTER_KEY_SECRET).update(`${pollId}:${personId}`).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A single-choice poll with readable option ids. */
const SINGLE: PollRequest = {
  question: 'Wie war der Input?',
  type: 'single',
  options: [
    { id: 'gut', label: 'Gut' },
    { id: 'mittel', label: 'Mittel' },
    { id: 'schlecht', label: 'Schlecht' },
  ],
};

/** Results of the SINGLE poll with these counts (nobody named). */
const singleResults = (pollId: string, gut: number, mittel: number, schlecht: number, byPerson: PollResults['byPerson'] = null): PollResults => ({
  pollId,
  participants: gut + mittel + schlecht,
  counts: { gut, mittel, schlecht },
  mean: null,
  texts: [],
  words: [],
  byPerson,
});

describe('polls over sockets', () => {
  const harness = new Harness();
  let clock: TestClock;
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mia: TestClient;
  let cem: TestClient;
  let ana: TestClient;
  let bo: TestClient;
  let cleo: TestClient;
  let dee: TestClient;
  let eli: TestClient;

  /** A server with a workshop, its two facilitators and five participants. */
  async function setUp(options: { pollAnnounceMs?: number } = {}) {
    server = await harness.start({ now: clock.now, ...options });
    workshop = await harness.createWorkshop(server, { startsAt: STARTS_AT });
    mia = await harness.join(server, workshop, 'moderator', 'Mia');
    cem = await harness.join(server, workshop, 'coModerator', 'Cem');
    ana = await harness.join(server, workshop, 'participant', 'Ana');
    bo = await harness.join(server, workshop, 'participant', 'Bo');
    cleo = await harness.join(server, workshop, 'participant', 'Cleo');
    dee = await harness.join(server, workshop, 'participant', 'Dee');
    eli = await harness.join(server, workshop, 'participant', 'Eli');
  }

  beforeEach(async () => {
    clock = new TestClock(T0 + 10 * MINUTE_MS);
    await setUp();
  });
  afterEach(async () => {
    // A healthy run logs nothing (no internal errors behind the acknowledgements).
    const logs = server.logs.map((entry) => entry.message);
    await harness.cleanup();
    expect(logs).toEqual([]);
  });

  const facilitators = () => [mia, cem];
  const participants = () => [ana, bo, cleo, dee, eli];
  const everyone = () => [...facilitators(), ...participants()];

  async function createPoll(client: TestClient, request: PollRequest): Promise<string> {
    return okData(await client.call('poll:create', request)).pollId;
  }
  async function list(client: TestClient): Promise<PollView[]> {
    return okData(await client.call('poll:list', {})).polls;
  }
  async function viewOf(client: TestClient, pollId: string): Promise<PollView | undefined> {
    return (await list(client)).find((view) => view.poll.id === pollId);
  }
  const answer = (client: TestClient, pollId: string, given: PollAnswer, ballotToken?: string) =>
    client.call('poll:answer', ballotToken === undefined ? { pollId, answer: given } : { pollId, answer: given, ballotToken });
  const answerOk = async (client: TestClient, pollId: string, given: PollAnswer, ballotToken?: string) =>
    okData(await answer(client, pollId, given, ballotToken));

  const resultsOf = (client: TestClient, pollId: string) => client.eventsOf('poll:results').filter((results) => results.pollId === pollId);
  const participationOf = (client: TestClient, pollId: string) =>
    client.eventsOf('poll:participation').filter((participation) => participation.pollId === pollId);
  const changedOf = (client: TestClient, pollId: string) => client.eventsOf('poll:changed').filter((changed) => changed.pollId === pollId);

  /** Waits until `client` has received `count` poll:results of the poll and returns the last of them. */
  const nthResults = (client: TestClient, pollId: string, count: number) =>
    waitFor(() => {
      const all = resultsOf(client, pollId);
      return all.length >= count ? all[count - 1] : undefined;
    }, `poll:results #${count} of ${pollId}`);

  /**
   * Waits until the latest of `received()` counts `participants` answers and returns it (answers in
   * quick succession share one announcement).
   */
  const latestCounting = <T extends { participants: number }>(received: () => T[], participants: number, what: string, timeoutMs?: number) =>
    waitFor(
      () => {
        const latest = received().at(-1);
        return latest?.participants === participants ? latest : undefined;
      },
      `${what} with ${participants} answers`,
      timeoutMs,
    );
  const resultsCounting = (client: TestClient, pollId: string, participants: number, timeoutMs?: number) =>
    latestCounting(() => resultsOf(client, pollId), participants, `poll:results of ${pollId}`, timeoutMs);
  const participationCounting = (client: TestClient, pollId: string, participants: number, timeoutMs?: number) =>
    latestCounting(() => participationOf(client, pollId), participants, `poll:participation of ${pollId}`, timeoutMs);

  /** Waits until announcements due from earlier answers have gone out and reached `clients`. */
  async function settled(clients: TestClient[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 2 * TEST_POLL_ANNOUNCE_MS));
    await Promise.all(clients.map(roundTrip));
  }

  /** Runs `action`, then returns the next poll:results of the poll each of `clients` receives. */
  async function resultsAfter(pollId: string, action: () => Promise<unknown>, clients: TestClient[] = facilitators()): Promise<PollResults[]> {
    // Everything sent before the action has arrived: the next event is the action's.
    await settled(clients);
    const before = clients.map((client) => resultsOf(client, pollId).length);
    await action();
    return Promise.all(clients.map((client, index) => nthResults(client, pollId, before[index]! + 1)));
  }

  /**
   * Opens a poll and waits until everyone has the change and the opening's counts. The counts follow
   * poll:changed after a read of the answers (a query's round trip on PostgreSQL, so they need not
   * arrive together with it) and go out before the acknowledgement: a round trip on each socket after
   * it brings them.
   */
  async function openPoll(client: TestClient, pollId: string) {
    const before = everyone().map((other) => changedOf(other, pollId).length);
    okData(await client.call('poll:open', { pollId }));
    await Promise.all(everyone().map((other, index) => waitFor(() => changedOf(other, pollId).length > before[index]!, 'poll:changed')));
    await Promise.all(everyone().map(roundTrip));
  }

  describe('preparing polls', () => {
    it('creates polls of each type; the moderation lists them as drafts, participants see none', async () => {
      const blockId = okData(
        await mia.call('agenda:addBlock', {
          afterBlockId: null,
          block: { title: 'Feedback', type: 'other', plannedMinutes: 10, description: '', moderationNotes: '' },
        }),
      ).blockId;
      const single = await createPoll(mia, { ...SINGLE, blockId });
      const multiple = await createPoll(cem, {
        question: 'Was soll bleiben?',
        type: 'multiple',
        options: [{ label: 'Pausen' }, { label: 'Input' }, { label: 'Gruppenarbeit' }, { label: 'Essen' }],
        maxChoices: 2,
        anonymous: false,
        resultsVisibility: 'afterClose',
        allowChange: false,
      });
      const scale = await createPoll(mia, {
        question: 'Wie zufrieden bist du?',
        type: 'scale',
        scale: { min: 1, max: 5, minLabel: 'gar nicht', maxLabel: 'sehr' },
        resultsVisibility: 'moderators',
      });
      const text = await createPoll(mia, { question: '  Was nimmst du mit?  ', type: 'text' });
      const yesNo = await createPoll(cem, { question: 'Weitermachen?', type: 'yesNo', anonymous: false });

      const defaults = {
        blockId: null,
        maxChoices: null,
        scale: null,
        anonymous: true,
        resultsVisibility: 'live',
        allowChange: true,
        status: 'draft',
        published: false,
        openedAt: null,
        closedAt: null,
      };
      const empty = { participants: 0, mean: null, texts: [], words: [] };
      const views = await list(mia);
      const multipleOptions = views[1]!.poll.options;
      expect(multipleOptions.map((option) => option.label)).toEqual(['Pausen', 'Input', 'Gruppenarbeit', 'Essen']);
      expect(new Set(multipleOptions.map((option) => option.id)).size).toBe(4);
      expect(views).toEqual([
        {
          poll: { ...defaults, id: single, blockId, question: 'Wie war der Input?', type: 'single', options: SINGLE.options },
          results: { ...empty, pollId: single, counts: { gut: 0, mittel: 0, schlecht: 0 }, byPerson: null },
          answered: false,
          myAnswer: null,
        },
        {
          poll: {
            ...defaults,
            id: multiple,
            question: 'Was soll bleiben?',
            type: 'multiple',
            options: multipleOptions,
            maxChoices: 2,
            anonymous: false,
            resultsVisibility: 'afterClose',
            allowChange: false,
          },
          results: { ...empty, pollId: multiple, counts: Object.fromEntries(multipleOptions.map((option) => [option.id, 0])), byPerson: {} },
          answered: false,
          myAnswer: null,
        },
        {
          poll: {
            ...defaults,
            id: scale,
            question: 'Wie zufrieden bist du?',
            type: 'scale',
            options: [],
            scale: { min: 1, max: 5, minLabel: 'gar nicht', maxLabel: 'sehr' },
            resultsVisibility: 'moderators',
          },
          results: { ...empty, pollId: scale, counts: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }, byPerson: null },
          answered: false,
          myAnswer: null,
        },
        {
          poll: { ...defaults, id: text, question: 'Was nimmst du mit?', type: 'text', options: [] },
          results: { ...empty, pollId: text, counts: {}, byPerson: null },
          answered: false,
          myAnswer: null,
        },
        {
          poll: {
            ...defaults,
            id: yesNo,
            question: 'Weitermachen?',
            type: 'yesNo',
            options: [
              { id: 'yes', label: 'yes' },
              { id: 'no', label: 'no' },
              { id: 'abstain', label: 'abstain' },
            ],
            anonymous: false,
          },
          results: { ...empty, pollId: yesNo, counts: { yes: 0, no: 0, abstain: 0 }, byPerson: {} },
          answered: false,
          myAnswer: null,
        },
      ]);
      expect(await list(cem)).toEqual(views);

      // Every change reached the moderation, one poll:changed per created poll.
      for (const client of facilitators()) {
        await roundTrip(client);
        expect(client.eventsOf('poll:changed')).toEqual([single, multiple, scale, text, yesNo].map((pollId) => ({ pollId })));
      }
      // Drafts are the moderation's: participants list nothing and got no results.
      for (const client of participants()) {
        expect(await list(client)).toEqual([]);
        expect(client.eventsOf('poll:results')).toEqual([]);
        expect(JSON.stringify(client.received)).not.toContain('Was soll bleiben?');
      }
    });

    it.each([
      ['a single choice with one option', { question: 'Q?', type: 'single', options: [{ label: 'Nur eins' }] }, 'options'],
      ['a multiple choice without options', { question: 'Q?', type: 'multiple' }, 'options'],
      ['a scale without range', { question: 'Q?', type: 'scale' }, 'scale'],
      ['an empty question', { question: '', type: 'yesNo' }, 'question'],
      ['a question of spaces', { question: '   ', type: 'text' }, 'question'],
      ['a question over the limit', { question: 'x'.repeat(LIMITS.pollQuestionMax + 1), type: 'text' }, 'question'],
      ['an option without text', { question: 'Q?', type: 'single', options: [{ label: 'A' }, { label: ' ' }] }, 'options.1.label'],
      [
        'too many options',
        { question: 'Q?', type: 'multiple', options: Array.from({ length: LIMITS.pollOptionsMax + 1 }, (_, index) => ({ label: `O${index}` })) },
        'options',
      ],
      ['a scale up to 11', { question: 'Q?', type: 'scale', scale: { min: 1, max: 11 } }, 'scale.max'],
      ['maxChoices 0', { question: 'Q?', type: 'multiple', options: [{ label: 'A' }, { label: 'B' }], maxChoices: 0 }, 'maxChoices'],
      ['an unknown type', { question: 'Q?', type: 'ranking' }, 'type'],
      ['an unknown visibility', { question: 'Q?', type: 'text', resultsVisibility: 'everyone' }, 'resultsVisibility'],
      ['a block that is not on the agenda', { question: 'Q?', type: 'text', blockId: 'no-such-block' }, 'blockId'],
    ])('refuses %s with invalid_payload naming the field, and stores nothing', async (_case, payload, field) => {
      expectError(await mia.raw('poll:create', payload), 'invalid_payload', field);
      expectError(await cem.raw('poll:create', payload), 'invalid_payload', field);
      expect(await list(mia)).toEqual([]);
      await roundTrip(mia);
      expect(mia.eventsOf('poll:changed')).toEqual([]);
    });

    it('refuses a choice poll whose options share an id', async () => {
      // Two options with one id cannot be told apart: a vote for "Nein" would count as "Ja".
      const ack = await mia.call('poll:create', {
        question: 'Einverstanden?',
        type: 'single',
        options: [
          { id: 'same', label: 'Ja' },
          { id: 'same', label: 'Nein' },
        ],
      });
      expectError(ack, 'invalid_payload', 'options.1.id');
      expect(await list(mia)).toEqual([]);
    });

    it('refuses to change a poll to a block that is not on the agenda', async () => {
      const pollId = await createPoll(mia, SINGLE);
      expectError(await mia.call('poll:update', { pollId, poll: { ...SINGLE, blockId: 'no-such-block' } }), 'invalid_payload', 'blockId');
      expect((await viewOf(mia, pollId))!.poll.blockId).toBeNull();
    });

    it('changes and deletes drafts; an opened poll can be neither changed nor deleted', async () => {
      const pollId = await createPoll(mia, SINGLE);
      okData(
        await cem.call('poll:update', {
          pollId,
          poll: { question: 'Wie war der Vortrag?', type: 'single', options: [{ label: 'Toll' }, { label: 'Okay' }, { label: 'Naja' }, { label: 'Schlecht' }] },
        }),
      );
      const changed = (await viewOf(mia, pollId))!.poll;
      expect(changed.question).toBe('Wie war der Vortrag?');
      // Options without ids keep the ids of the options at their place.
      expect(changed.options.slice(0, 3)).toEqual([
        { id: 'gut', label: 'Toll' },
        { id: 'mittel', label: 'Okay' },
        { id: 'schlecht', label: 'Naja' },
      ]);
      expect(changed.options[3]!.label).toBe('Schlecht');
      expect(changed.status).toBe('draft');

      const doomed = await createPoll(mia, { question: 'Weg damit?', type: 'yesNo' });
      okData(await cem.call('poll:delete', { pollId: doomed }));
      expect((await list(mia)).map((view) => view.poll.id)).toEqual([pollId]);
      expectError(await mia.call('poll:close', { pollId }), 'invalid_state');

      okData(await mia.call('poll:open', { pollId }));
      expectError(await mia.call('poll:update', { pollId, poll: SINGLE }), 'invalid_state');
      expectError(await mia.call('poll:delete', { pollId }), 'invalid_state');
      okData(await mia.call('poll:close', { pollId }));
      expectError(await mia.call('poll:update', { pollId, poll: SINGLE }), 'invalid_state');
      expectError(await mia.call('poll:delete', { pollId }), 'invalid_state');
      const stored = (await viewOf(mia, pollId))!.poll;
      expect(stored).toEqual({ ...changed, status: 'closed', openedAt: clock.ms, closedAt: clock.ms });

      for (const event of ['poll:open', 'poll:close', 'poll:delete'] as const) {
        expectError(await mia.call(event, { pollId: 'no-such-poll' }), 'invalid_state', 'pollId');
      }
      expectError(await mia.call('poll:publish', { pollId: 'no-such-poll', published: true }), 'invalid_state', 'pollId');
      expectError(await mia.call('poll:update', { pollId: 'no-such-poll', poll: SINGLE }), 'invalid_state', 'pollId');
      expectError(await ana.call('poll:answer', { pollId: 'no-such-poll', answer: { optionIds: ['gut'] } }), 'invalid_state', 'pollId');
    });

    it('lets participants neither create, change, delete, open, close nor publish', async () => {
      const draft = await createPoll(mia, SINGLE);
      const running = await createPoll(mia, { question: 'Weitermachen?', type: 'yesNo' });
      okData(await mia.call('poll:open', { pollId: running }));
      const before = await list(mia);
      for (const client of participants()) {
        expectError(await client.call('poll:create', SINGLE), 'forbidden');
        expectError(await client.call('poll:update', { pollId: draft, poll: { ...SINGLE, question: 'Gekapert?' } }), 'forbidden');
        expectError(await client.call('poll:delete', { pollId: draft }), 'forbidden');
        expectError(await client.call('poll:open', { pollId: draft }), 'forbidden');
        expectError(await client.call('poll:close', { pollId: running }), 'forbidden');
        expectError(await client.call('poll:publish', { pollId: running, published: true }), 'forbidden');
      }
      expect(await list(mia)).toEqual(before);
      expect((await list(ana)).map((view) => view.poll.id)).toEqual([running]);

      // The co-moderator may do all of it.
      okData(await cem.call('poll:update', { pollId: draft, poll: { ...SINGLE, question: 'Neu?' } }));
      okData(await cem.call('poll:open', { pollId: draft }));
      okData(await cem.call('poll:publish', { pollId: draft, published: true }));
      okData(await cem.call('poll:close', { pollId: draft }));
      const other = await createPoll(cem, SINGLE);
      okData(await cem.call('poll:delete', { pollId: other }));
      expect((await viewOf(mia, draft))!.poll).toMatchObject({ question: 'Neu?', status: 'closed', published: true });
    });

    it('refuses poll events before joining', async () => {
      const stranger = await harness.connect(server);
      expectError(await stranger.call('poll:list', {}), 'not_joined');
      expectError(await stranger.call('poll:create', SINGLE), 'not_joined');
      expectError(await stranger.call('poll:answer', { pollId: 'x', answer: { optionIds: ['gut'] } }), 'not_joined');
    });
  });

  describe('answering', () => {
    it('opens a poll for everyone; five answers are counted live, one results event per answer', async () => {
      const pollId = await createPoll(mia, SINGLE);
      expect(await list(bo)).toEqual([]);
      clock.advance(MINUTE_MS);
      await openPoll(mia, pollId);
      const openedAt = clock.ms;
      for (const client of participants()) {
        expect(await list(client)).toEqual([
          {
            poll: {
              id: pollId,
              blockId: null,
              question: 'Wie war der Input?',
              type: 'single',
              options: SINGLE.options,
              maxChoices: null,
              scale: null,
              anonymous: true,
              resultsVisibility: 'live',
              allowChange: true,
              status: 'open',
              published: false,
              openedAt,
              closedAt: null,
            },
            results: singleResults(pollId, 0, 0, 0),
            answered: false,
            myAnswer: null,
          },
        ]);
      }
      // Opening sent the (empty) results to everyone.
      for (const client of everyone()) expect(await nthResults(client, pollId, 1)).toEqual(singleResults(pollId, 0, 0, 0));

      const steps: [TestClient, string, [number, number, number]][] = [
        [ana, 'gut', [1, 0, 0]],
        [bo, 'gut', [2, 0, 0]],
        [cleo, 'mittel', [2, 1, 0]],
        [dee, 'schlecht', [2, 1, 1]],
        [eli, 'gut', [3, 1, 1]],
      ];
      for (const [index, [client, optionId, [gut, mittel, schlecht]]] of steps.entries()) {
        const received = await resultsAfter(pollId, async () => {
          expect(await answerOk(client, pollId, { optionIds: [optionId] })).toEqual({ pollId, ballotToken: expect.any(String) });
        }, everyone());
        for (const results of received) expect(results).toEqual(singleResults(pollId, gut, mittel, schlecht));
        for (const other of everyone()) expect(resultsOf(other, pollId)).toHaveLength(index + 2);
      }

      for (const client of everyone()) {
        await roundTrip(client);
        expect(resultsOf(client, pollId)).toHaveLength(6);
        expect(client.eventsOf('poll:participation')).toEqual([]);
      }
      for (const client of participants()) {
        const view = (await viewOf(client, pollId))!;
        expect(view.results).toEqual(singleResults(pollId, 3, 1, 1));
        expect(view.answered).toBe(true);
        expect(view.myAnswer).toBeNull();
      }
      for (const client of facilitators()) {
        const view = (await viewOf(client, pollId))!;
        expect(view.results).toEqual(singleResults(pollId, 3, 1, 1));
        expect(view.answered).toBe(false);
      }
    });

    it('counts multiple choice, scale, open text and yes/no answers of five people', async () => {
      const options = [
        { id: 'pausen', label: 'Pausen' },
        { id: 'input', label: 'Input' },
        { id: 'gruppen', label: 'Gruppenarbeit' },
        { id: 'essen', label: 'Essen' },
      ];
      const multiple = await createPoll(mia, { question: 'Was soll bleiben?', type: 'multiple', options, maxChoices: 2, anonymous: false });
      const scale = await createPoll(mia, { question: 'Wie zufrieden?', type: 'scale', scale: { min: 1, max: 5 } });
      const text = await createPoll(mia, { question: 'Was nimmst du mit?', type: 'text' });
      const yesNo = await createPoll(mia, { question: 'Weitermachen?', type: 'yesNo', anonymous: false });
      for (const pollId of [multiple, scale, text, yesNo]) await openPoll(mia, pollId);

      const given: [TestClient, string[], number, string, string][] = [
        [ana, ['pausen', 'input'], 4, 'Mehr Pausen', 'yes'],
        [bo, ['pausen'], 5, 'Pausen und Kaffee', 'yes'],
        [cleo, ['gruppen', 'pausen'], 5, 'Kaffee!', 'no'],
        [dee, ['input', 'essen'], 3, 'More coffee', 'abstain'],
        [eli, ['essen'], 4, 'Mehr Zeit für Fragen', 'yes'],
      ];
      for (const [client, optionIds, value, written, vote] of given) {
        okData(await answer(client, multiple, { optionIds }));
        okData(await answer(client, scale, { value }));
        okData(await answer(client, text, { text: written }));
        okData(await answer(client, yesNo, { optionIds: [vote] }));
      }

      const results = new Map((await list(mia)).map((view) => [view.poll.id, view.results!]));
      expect(results.get(multiple)).toEqual({
        pollId: multiple,
        participants: 5,
        counts: { pausen: 3, input: 2, gruppen: 1, essen: 2 },
        mean: null,
        texts: [],
        words: [],
        byPerson: Object.fromEntries(given.map(([client, optionIds]) => [idOf(client), { optionIds }])),
      });
      expect(results.get(scale)).toEqual({
        pollId: scale,
        participants: 5,
        counts: { '1': 0, '2': 0, '3': 1, '4': 2, '5': 2 },
        mean: 4.2,
        texts: [],
        words: [],
        byPerson: null,
      });
      const textResults = results.get(text)!;
      expect([...textResults.texts].sort()).toEqual(['Kaffee!', 'Mehr Pausen', 'Mehr Zeit für Fragen', 'More coffee', 'Pausen und Kaffee']);
      expect({ ...textResults, texts: [] }).toEqual({
        pollId: text,
        participants: 5,
        counts: {},
        mean: null,
        texts: [],
        words: [
          { word: 'kaffee', count: 2 },
          { word: 'mehr', count: 2 },
          { word: 'pausen', count: 2 },
          { word: 'coffee', count: 1 },
          { word: 'fragen', count: 1 },
          { word: 'more', count: 1 },
          { word: 'zeit', count: 1 },
        ],
        byPerson: null,
      });
      expect(results.get(yesNo)).toEqual({
        pollId: yesNo,
        participants: 5,
        counts: { yes: 3, no: 1, abstain: 1 },
        mean: null,
        texts: [],
        words: [],
        byPerson: Object.fromEntries(given.map(([client, , , , vote]) => [idOf(client), { optionIds: [vote] }])),
      });
      // Each participant sees their own named answers, and the same counts without names.
      for (const [client, optionIds, , , vote] of given) {
        const views = new Map((await list(client)).map((view) => [view.poll.id, view]));
        expect(views.get(multiple)!.myAnswer).toEqual({ optionIds });
        expect(views.get(yesNo)!.myAnswer).toEqual({ optionIds: [vote] });
        expect(views.get(scale)!.myAnswer).toBeNull();
        expect(views.get(multiple)!.results).toEqual({ ...results.get(multiple), byPerson: null });
        expect(views.get(yesNo)!.results).toEqual({ ...results.get(yesNo), byPerson: null });
        for (const view of views.values()) expect(view.answered).toBe(true);
      }
    });

    it('takes one answer per person when answers may not change (named and anonymous)', async () => {
      const named = await createPoll(mia, { ...SINGLE, anonymous: false, allowChange: false });
      const secret = await createPoll(mia, { ...SINGLE, anonymous: true, allowChange: false });
      await openPoll(mia, named);
      await openPoll(mia, secret);

      expect(await answerOk(bo, named, { optionIds: ['gut'] })).toEqual({ pollId: named, ballotToken: null });
      const token = (await answerOk(bo, secret, { optionIds: ['gut'] })).ballotToken!;
      await settled([mia]);
      const resultsBefore = [resultsOf(mia, named).length, resultsOf(mia, secret).length];

      expectError(await answer(bo, named, { optionIds: ['schlecht'] }), 'invalid_state');
      expectError(await answer(bo, secret, { optionIds: ['schlecht'] }), 'invalid_state');
      expectError(await answer(bo, secret, { optionIds: ['schlecht'] }, token), 'invalid_state');

      await roundTrip(mia);
      expect([resultsOf(mia, named).length, resultsOf(mia, secret).length]).toEqual(resultsBefore);
      const views = new Map((await list(mia)).map((view) => [view.poll.id, view]));
      expect(views.get(named)!.results).toEqual(singleResults(named, 1, 0, 0, { [idOf(bo)]: { optionIds: ['gut'] } }));
      expect(views.get(secret)!.results).toEqual(singleResults(secret, 1, 0, 0));
      expect((await viewOf(bo, named))!.myAnswer).toEqual({ optionIds: ['gut'] });
    });

    it('lets a named answer change when the poll allows it; the counts move, the participants stay', async () => {
      const pollId = await createPoll(mia, { ...SINGLE, anonymous: false, allowChange: true });
      await openPoll(mia, pollId);
      okData(await answer(bo, pollId, { optionIds: ['gut'] }));
      okData(await answer(ana, pollId, { optionIds: ['mittel'] }));
      const [forMia, forCem, forDee] = await resultsAfter(pollId, () => answerOk(bo, pollId, { optionIds: ['mittel'] }), [mia, cem, dee]);
      const byPerson = { [idOf(bo)]: { optionIds: ['mittel'] }, [idOf(ana)]: { optionIds: ['mittel'] } };
      expect(forMia).toEqual(singleResults(pollId, 0, 2, 0, byPerson));
      expect(forCem).toEqual(singleResults(pollId, 0, 2, 0, byPerson));
      expect(forDee).toEqual(singleResults(pollId, 0, 2, 0, null));
      expect((await viewOf(bo, pollId))!.myAnswer).toEqual({ optionIds: ['mittel'] });
      expect((await viewOf(ana, pollId))!.myAnswer).toEqual({ optionIds: ['mittel'] });
    });

    it('refuses answers to a draft or a closed poll', async () => {
      const pollId = await createPoll(mia, SINGLE);
      expectError(await answer(bo, pollId, { optionIds: ['gut'] }), 'invalid_state');
      await openPoll(mia, pollId);
      okData(await answer(ana, pollId, { optionIds: ['gut'] }));
      okData(await mia.call('poll:close', { pollId }));
      expectError(await answer(bo, pollId, { optionIds: ['gut'] }), 'invalid_state');
      // Ana may change answers to this poll, but not after it closed.
      expectError(await answer(ana, pollId, { optionIds: ['schlecht'] }), 'invalid_state');
      expect((await viewOf(mia, pollId))!.results).toEqual(singleResults(pollId, 1, 0, 0));
    });

    it('refuses answers that do not fit the poll, naming the field, and counts none of them', async () => {
      const single = await createPoll(mia, SINGLE);
      const multiple = await createPoll(mia, {
        question: 'Was soll bleiben?',
        type: 'multiple',
        options: [
          { id: 'a', label: 'A' },
          { id: 'b', label: 'B' },
          { id: 'c', label: 'C' },
        ],
        maxChoices: 2,
      });
      const scale = await createPoll(mia, { question: 'Wie zufrieden?', type: 'scale', scale: { min: 1, max: 5 } });
      const text = await createPoll(mia, { question: 'Was nimmst du mit?', type: 'text', anonymous: false });
      for (const pollId of [single, multiple, scale, text]) await openPoll(mia, pollId);

      const refused: [string, unknown, string][] = [
        [single, { optionIds: ['nope'] }, 'answer.optionIds'],
        [single, { optionIds: ['gut', 'gut'] }, 'answer.optionIds'],
        [single, { optionIds: ['gut', 'mittel'] }, 'answer.optionIds'],
        [single, { optionIds: [] }, 'answer.optionIds'],
        [single, { value: 3 }, 'answer'],
        [single, { text: 'gut' }, 'answer'],
        [single, { choice: 'gut' }, 'answer'],
        [multiple, { optionIds: ['a', 'b', 'c'] }, 'answer.optionIds'],
        [multiple, { optionIds: ['a', 'x'] }, 'answer.optionIds'],
        [scale, { value: 0 }, 'answer.value'],
        [scale, { value: 6 }, 'answer.value'],
        [scale, { value: 11 }, 'answer.value'],
        // zod reports a fraction against the whole union, not the value.
        [scale, { value: 2.5 }, 'answer'],
        [scale, { optionIds: ['gut'] }, 'answer'],
        [text, { text: 'x'.repeat(LIMITS.pollTextAnswerMax + 1) }, 'answer.text'],
        [text, { text: '   ' }, 'answer.text'],
        [text, { value: 1 }, 'answer'],
      ];
      for (const [pollId, given, field] of refused) {
        const ack = await bo.raw('poll:answer', { pollId, answer: given });
        expect(ack.ok ? `accepted ${JSON.stringify(given)}` : ack.error.field, JSON.stringify(given)).toBe(field);
        expectError(ack, 'invalid_payload', field);
      }
      for (const view of await list(mia)) expect(view.results!.participants, view.poll.question).toBe(0);
      for (const view of await list(bo)) expect(view.answered).toBe(false);

      // The refusals used up nothing: Bo still answers each poll once, up to the limits.
      okData(await answer(bo, single, { optionIds: ['schlecht'] }));
      okData(await answer(bo, multiple, { optionIds: ['c', 'a'] }));
      okData(await answer(bo, scale, { value: 5 }));
      okData(await answer(bo, text, { text: 'y'.repeat(LIMITS.pollTextAnswerMax) }));
      const results = new Map((await list(mia)).map((view) => [view.poll.id, view.results!]));
      expect(results.get(single)!.counts).toEqual({ gut: 0, mittel: 0, schlecht: 1 });
      expect(results.get(multiple)!.counts).toEqual({ a: 1, b: 0, c: 1 });
      expect(results.get(scale)!.mean).toBe(5);
      expect(results.get(text)!.byPerson).toEqual({ [idOf(bo)]: { text: 'y'.repeat(LIMITS.pollTextAnswerMax) } });
    });

    it('takes the answer of someone who joined late; a reopened poll takes answers again', async () => {
      const pollId = await createPoll(mia, { ...SINGLE, allowChange: false });
      clock.advance(MINUTE_MS);
      await openPoll(mia, pollId);
      const openedAt = clock.ms;
      okData(await answer(ana, pollId, { optionIds: ['gut'] }));

      const fay = await harness.join(server, workshop, 'participant', 'Fay');
      const [late] = await list(fay);
      expect(late).toEqual({ poll: expect.objectContaining({ id: pollId, status: 'open' }), results: singleResults(pollId, 1, 0, 0), answered: false, myAnswer: null });
      const [afterFay] = await resultsAfter(pollId, () => answerOk(fay, pollId, { optionIds: ['mittel'] }));
      expect(afterFay).toEqual(singleResults(pollId, 1, 1, 0));
      expect((await viewOf(fay, pollId))!.answered).toBe(true);

      clock.advance(MINUTE_MS);
      okData(await mia.call('poll:close', { pollId }));
      const closedAt = clock.ms;
      expect((await viewOf(bo, pollId))!.poll).toMatchObject({ status: 'closed', openedAt, closedAt });
      expectError(await answer(bo, pollId, { optionIds: ['gut'] }), 'invalid_state');

      clock.advance(MINUTE_MS);
      const before = changedOf(bo, pollId).length;
      okData(await cem.call('poll:open', { pollId }));
      await waitFor(() => changedOf(bo, pollId).length > before, 'poll:changed after reopening');
      expect((await viewOf(bo, pollId))!.poll).toMatchObject({ status: 'open', openedAt, closedAt: null });
      const [afterBo] = await resultsAfter(pollId, () => answerOk(bo, pollId, { optionIds: ['schlecht'] }));
      expect(afterBo).toEqual(singleResults(pollId, 1, 1, 1));
      // Those who answered before the close still answered.
      expectError(await answer(ana, pollId, { optionIds: ['schlecht'] }), 'invalid_state');
      expectError(await answer(fay, pollId, { optionIds: ['schlecht'] }), 'invalid_state');
      expect((await viewOf(mia, pollId))!.results).toEqual(singleResults(pollId, 1, 1, 1));
    });
  });

  describe('live counts', () => {
    const INTERVAL_MS = 2_000;
    beforeEach(async () => {
      // A longer interval than the other tests use, so that answers within it certainly share one announcement.
      await setUp({ pollAnnounceMs: INTERVAL_MS });
    });

    it('answers arriving together go out as one count, and the last count has every answer', async () => {
      const live = await createPoll(mia, { ...SINGLE, resultsVisibility: 'live' });
      const hidden = await createPoll(mia, { ...SINGLE, resultsVisibility: 'afterClose' });
      await openPoll(mia, live);
      await openPoll(mia, hidden);
      const before = { mia: resultsOf(mia, live).length, dee: resultsOf(dee, live).length, eli: participationOf(eli, hidden).length };
      const votes: [TestClient, string][] = [
        [ana, 'gut'],
        [bo, 'gut'],
        [cleo, 'mittel'],
        [dee, 'schlecht'],
        [eli, 'gut'],
      ];
      await Promise.all(votes.flatMap(([client, optionId]) => [live, hidden].map((pollId) => answerOk(client, pollId, { optionIds: [optionId] }))));

      const wait = INTERVAL_MS + 3_000;
      expect(await resultsCounting(mia, live, 5, wait)).toEqual(singleResults(live, 3, 1, 1, null));
      expect(await resultsCounting(dee, live, 5, wait)).toEqual(singleResults(live, 3, 1, 1));
      expect(await participationCounting(eli, hidden, 5, wait)).toEqual({ pollId: hidden, participants: 5 });
      expect(await resultsCounting(cem, hidden, 5, wait)).toEqual(singleResults(hidden, 3, 1, 1));
      // Five answers, at most two announcements each (the first at once, the rest together).
      expect(resultsOf(mia, live).length - before.mia).toBeLessThanOrEqual(2);
      expect(resultsOf(dee, live).length - before.dee).toBeLessThanOrEqual(2);
      expect(participationOf(eli, hidden).length - before.eli).toBeLessThanOrEqual(2);
    });

    it('the first answer goes out at once, the next waits for the interval; closing goes out at once and nothing stale follows', async () => {
      const pollId = await createPoll(mia, { ...SINGLE, resultsVisibility: 'afterClose' });
      await openPoll(mia, pollId);
      okData(await answer(ana, pollId, { optionIds: ['gut'] }));
      await participationCounting(dee, pollId, 1);

      // A second answer within the interval is held back...
      okData(await answer(bo, pollId, { optionIds: ['mittel'] }));
      await roundTrip(dee);
      await roundTrip(mia);
      expect(participationOf(dee, pollId).at(-1)).toEqual({ pollId, participants: 1 });
      expect(resultsOf(mia, pollId).at(-1)?.participants).toBe(1);
      // ...until the poll closes, which announces everything at once.
      okData(await mia.call('poll:close', { pollId }));
      expect(await resultsCounting(dee, pollId, 2, INTERVAL_MS / 2)).toEqual(singleResults(pollId, 1, 1, 0));
      const counts = [resultsOf(dee, pollId).length, participationOf(dee, pollId).length, resultsOf(mia, pollId).length];
      // The pending announcement was dropped: nothing more arrives when the interval is over.
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS + 100));
      await roundTrip(dee);
      await roundTrip(mia);
      expect([resultsOf(dee, pollId).length, participationOf(dee, pollId).length, resultsOf(mia, pollId).length]).toEqual(counts);
    });
  });

  describe('who sees the results', () => {
    it('afterClose: participants get only the number of answers until the poll closes, then the results', async () => {
      const pollId = await createPoll(mia, { ...SINGLE, resultsVisibility: 'afterClose' });
      await openPoll(mia, pollId);
      for (const client of participants()) {
        expect(await waitFor(() => participationOf(client, pollId)[0], 'poll:participation')).toEqual({ pollId, participants: 0 });
      }
      const votes: [TestClient, string, [number, number, number]][] = [
        [ana, 'gut', [1, 0, 0]],
        [bo, 'mittel', [1, 1, 0]],
        [cleo, 'gut', [2, 1, 0]],
      ];
      for (const [index, [client, optionId, [gut, mittel, schlecht]]] of votes.entries()) {
        okData(await answer(client, pollId, { optionIds: [optionId] }));
        for (const other of participants()) {
          const participation = await waitFor(() => participationOf(other, pollId)[index + 1], `poll:participation #${index + 2}`);
          expect(participation).toEqual({ pollId, participants: index + 1 });
        }
        expect(await nthResults(mia, pollId, index + 2)).toEqual(singleResults(pollId, gut, mittel, schlecht));
      }
      for (const client of participants()) {
        await roundTrip(client);
        expect(resultsOf(client, pollId)).toEqual([]);
        const view = (await viewOf(client, pollId))!;
        expect(view.results).toBeNull();
        expect(view.answered).toBe([ana, bo, cleo].includes(client));
      }
      expect((await viewOf(cem, pollId))!.results).toEqual(singleResults(pollId, 2, 1, 0));

      okData(await mia.call('poll:close', { pollId }));
      for (const client of participants()) {
        expect(await nthResults(client, pollId, 1)).toEqual(singleResults(pollId, 2, 1, 0));
        expect((await viewOf(client, pollId))!.results).toEqual(singleResults(pollId, 2, 1, 0));
        await roundTrip(client);
        expect(resultsOf(client, pollId)).toHaveLength(1);
        expect(participationOf(client, pollId)).toHaveLength(4);
      }
    });

    it('moderators: hidden from participants until published, also after closing; hidden again when unpublished', async () => {
      const pollId = await createPoll(mia, { ...SINGLE, resultsVisibility: 'moderators', anonymous: false });
      await openPoll(mia, pollId);
      okData(await answer(ana, pollId, { optionIds: ['gut'] }));
      okData(await answer(bo, pollId, { optionIds: ['schlecht'] }));
      await participationCounting(dee, pollId, 2);
      expect((await viewOf(dee, pollId))!.results).toBeNull();

      // Published while open: the results reach participants (without names), live from then on.
      const [published] = await resultsAfter(pollId, () => mia.call('poll:publish', { pollId, published: true }), [dee]);
      expect(published).toEqual(singleResults(pollId, 1, 0, 1));
      expect((await viewOf(dee, pollId))!.poll.published).toBe(true);
      const [live] = await resultsAfter(pollId, () => answerOk(cleo, pollId, { optionIds: ['gut'] }), [dee]);
      expect(live).toEqual(singleResults(pollId, 2, 0, 1));

      // Unpublished: back to the number of answers only, also after closing.
      const participationBefore = participationOf(dee, pollId).length;
      okData(await mia.call('poll:publish', { pollId, published: false }));
      await waitFor(() => participationOf(dee, pollId).length > participationBefore, 'participation after unpublishing');
      okData(await answer(dee, pollId, { optionIds: ['mittel'] }));
      okData(await mia.call('poll:close', { pollId }));
      expect(await participationCounting(eli, pollId, 4)).toEqual({ pollId, participants: 4 });
      await settled([eli]);
      const resultsSeen = resultsOf(eli, pollId).length;
      await roundTrip(eli);
      expect(resultsOf(eli, pollId)).toHaveLength(resultsSeen);
      for (const client of participants()) expect((await viewOf(client, pollId))!.results).toBeNull();

      const [final] = await resultsAfter(pollId, () => cem.call('poll:publish', { pollId, published: true }), [eli]);
      expect(final).toEqual(singleResults(pollId, 2, 1, 1));
      for (const client of participants()) expect((await viewOf(client, pollId))!.results).toEqual(singleResults(pollId, 2, 1, 1));
    });

    it('named polls: the moderation sees who answered what, participants never do', async () => {
      const pollId = await createPoll(mia, { ...SINGLE, anonymous: false });
      await openPoll(mia, pollId);
      const votes: [TestClient, string][] = [
        [ana, 'gut'],
        [bo, 'mittel'],
        [cleo, 'gut'],
        [dee, 'schlecht'],
        [eli, 'mittel'],
      ];
      for (const [client, optionId] of votes) okData(await answer(client, pollId, { optionIds: [optionId] }));
      const byPerson = Object.fromEntries(votes.map(([client, optionId]) => [idOf(client), { optionIds: [optionId] }]));
      for (const client of facilitators()) {
        expect(await resultsCounting(client, pollId, 5)).toEqual(singleResults(pollId, 2, 2, 1, byPerson));
        expect((await viewOf(client, pollId))!.results).toEqual(singleResults(pollId, 2, 2, 1, byPerson));
      }
      for (const [client, optionId] of votes) {
        expect(await resultsCounting(client, pollId, 5)).toEqual(singleResults(pollId, 2, 2, 1));
        for (const results of resultsOf(client, pollId)) expect(results.byPerson).toBeNull();
        const view = (await viewOf(client, pollId))!;
        expect(view.results).toEqual(singleResults(pollId, 2, 2, 1));
        expect(view.myAnswer).toEqual({ optionIds: [optionId] });
      }
      // Closing and publishing do not hand the names out either.
      const before = participants().map((client) => resultsOf(client, pollId).length);
      okData(await mia.call('poll:close', { pollId }));
      okData(await mia.call('poll:publish', { pollId, published: true }));
      for (const [index, client] of participants().entries()) {
        await waitFor(() => resultsOf(client, pollId).length === before[index]! + 2, 'results after close and publish');
        for (const results of resultsOf(client, pollId)) expect(results.byPerson).toBeNull();
        expect((await viewOf(client, pollId))!.results!.byPerson).toBeNull();
      }
    });

    it('named open-text polls: the order of the texts does not tell participants who wrote which', async () => {
      // Participants know everyone's person id (the people list). If the texts came in the order
      // of the authors' ids, each text could be attributed. Texts are given so that an order by
      // content (alphabetical) is the reverse of the authors' id order; two polls, so a random
      // order repeats the id order by chance only once in 14 400 runs.
      const authors = [...participants()].sort((a, b) => (idOf(a) < idOf(b) ? -1 : 1));
      const texts = ['Zeit', 'Wärme', 'Ruhe', 'Klarheit', 'Austausch'];
      const polls = [
        await createPoll(mia, { question: 'Was nimmst du mit?', type: 'text', anonymous: false }),
        await createPoll(mia, { question: 'Was fehlte?', type: 'text', anonymous: false }),
      ];
      for (const pollId of polls) {
        await openPoll(mia, pollId);
        for (const [index, author] of authors.entries()) okData(await answer(author, pollId, { text: texts[index]! }));
      }
      const inIdOrder: boolean[] = [];
      for (const pollId of polls) {
        const seen = (await viewOf(ana, pollId))!.results!;
        expect(seen.byPerson).toBeNull();
        expect([...seen.texts].sort()).toEqual([...texts].sort());
        inIdOrder.push(JSON.stringify(seen.texts) === JSON.stringify(texts));
      }
      expect(inIdOrder, 'participants receive named texts in the order of their authors’ person ids').not.toEqual([true, true]);
    });
  });

  describe('anonymous polls', () => {
    it('hands out a ballot token that changes the answer; wrong or missing tokens are refused', async () => {
      const pollId = await createPoll(mia, SINGLE);
      const other = await createPoll(mia, { ...SINGLE, question: 'Und der zweite Teil?' });
      await openPoll(mia, pollId);
      await openPoll(mia, other);

      const first = await answerOk(bo, pollId, { optionIds: ['gut'] });
      const token = first.ballotToken!;
      expect(token).toMatch(/^[A-Za-z0-9_-]{16,200}$/);
      expect((await viewOf(mia, pollId))!.results).toEqual(singleResults(pollId, 1, 0, 0));
      okData(await answer(ana, pollId, { optionIds: ['mittel'] }));

      const [changed] = await resultsAfter(pollId, async () => {
        expect(await answerOk(bo, pollId, { optionIds: ['schlecht'] }, token)).toEqual({ pollId, ballotToken: token });
      });
      expect(changed).toEqual(singleResults(pollId, 0, 1, 1));
      // And once more: the token keeps working while the poll is open.
      okData(await answer(bo, pollId, { optionIds: ['mittel'] }, token));
      expect((await viewOf(mia, pollId))!.results).toEqual(singleResults(pollId, 0, 2, 0));

      await settled([mia]);
      const before = resultsOf(mia, pollId).length;
      expectError(await answer(bo, pollId, { optionIds: ['gut'] }, randomBytes(24).toString('base64url')), 'invalid_state', 'ballotToken');
      expectError(await answer(bo, pollId, { optionIds: ['gut'] }), 'invalid_state');
      await roundTrip(mia);
      expect(resultsOf(mia, pollId)).toHaveLength(before);
      expect((await viewOf(mia, pollId))!.results).toEqual(singleResults(pollId, 0, 2, 0));
      expect((await viewOf(mia, other))!.results).toEqual(singleResults(other, 0, 0, 0));

      const view = (await viewOf(bo, pollId))!;
      expect(view.answered).toBe(true);
      expect(view.myAnswer).toBeNull();
      expect((await viewOf(bo, other))!.answered).toBe(false);
      // A token belongs to its poll: on a poll this person has not answered, it changes nothing
      // there and the answer counts as a new one (as for a second person in the same browser).
      const fresh = okData(await answer(bo, other, { optionIds: ['gut'] }, token)) as { ballotToken: string };
      expect(fresh.ballotToken).not.toBe(token);
      expect((await viewOf(mia, other))!.results).toEqual(singleResults(other, 1, 0, 0));
      expect((await viewOf(mia, pollId))!.results).toEqual(singleResults(pollId, 0, 2, 0));

      // After closing, not even the token changes the answer.
      okData(await mia.call('poll:close', { pollId }));
      expectError(await answer(bo, pollId, { optionIds: ['gut'] }, token), 'invalid_state');
    });
  });

  describe('anonymity in storage', () => {
    /** Distinct answers, so each ballot can be recognised in the files. */
    const ANSWERS = ['Mehr Pausen bitte', 'Kürzere Inputs', 'Bessere Technik', 'Mehr Gruppenarbeit', 'Klarere Ziele', 'Weniger Folien', 'Längere Diskussion'];

    /** An anonymous open-text poll that all seven people (five participants, both facilitators) answer, one after another. */
    async function sevenAnonymousAnswers() {
      const pollId = await createPoll(mia, { question: 'Was würdest du ändern?', type: 'text', anonymous: true });
      await openPoll(mia, pollId);
      const voters = [...participants(), mia, cem];
      const truth = new Map<string, string>();
      const tokens: string[] = [];
      for (const [index, voter] of voters.entries()) {
        tokens.push((await answerOk(voter, pollId, { text: ANSWERS[index]! })).ballotToken!);
        truth.set(idOf(voter), ANSWERS[index]!);
      }
      expect((await viewOf(mia, pollId))!.results!.participants).toBe(7);
      const personIds = everyone().map(idOf);
      return { pollId, truth, tokens, personIds };
    }

    it('keeps no row that links a person to an anonymous answer', async () => {
      const { pollId, tokens, personIds } = await sevenAnonymousAnswers();
      const db = await openStoreReader(server);
      try {
        // Every value of every row of every table: person ids occur only as the id of their person.
        const rows = await db.everyRow();
        const places = new Map<string, string[]>();
        for (const { table, row } of rows) {
          for (const [column, value] of Object.entries(row)) {
            if (typeof value !== 'string') continue;
            for (const personId of personIds) {
              if (value.includes(personId)) places.set(personId, [...(places.get(personId) ?? []), `${table}.${column}`]);
            }
          }
        }
        expect(Object.fromEntries(places)).toEqual(Object.fromEntries(personIds.map((personId) => [personId, ['people.id']])));

        // Ballots: only poll, random key and answer; no person, no time, no row order.
        expect(await db.columns('poll_ballots')).toEqual(['poll_id', 'ballot_key', 'answer_json']);
        expect(await db.columns('poll_voters')).toEqual(['poll_id', 'voter_key']);
        if (db.kind === 'sqlite') {
          await expect(db.all('SELECT rowid FROM poll_ballots')).rejects.toThrow();
          await expect(db.all('SELECT rowid FROM poll_voters')).rejects.toThrow();
        } else {
          // PostgreSQL has no rowid; the rows' physical order (ctid) is checked with the page layout below.
          const serial = await db.all(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name IN ('poll_ballots', 'poll_voters') AND (column_default IS NOT NULL OR is_identity = 'YES')",
          );
          expect(serial).toEqual([]);
        }

        const ballots = await db.all<{ poll_id: string; ballot_key: string; answer_json: string }>('SELECT * FROM poll_ballots');
        expect(ballots.map((ballot) => ballot.poll_id)).toEqual(Array(7).fill(pollId));
        expect(ballots.map((ballot) => (JSON.parse(ballot.answer_json) as { text: string }).text).sort()).toEqual([...ANSWERS].sort());
        const hashedIds = personIds.flatMap((personId) => [sha256(personId), voterKeyOf(pollId, personId)]);
        for (const ballot of ballots) {
          expect(ballot.ballot_key).toMatch(/^[0-9a-f]{64}$/);
          for (const secret of [...personIds, ...hashedIds, ...tokens]) expect(JSON.stringify(ballot)).not.toContain(secret);
        }

        // Voters: keyed hashes only (not the person id, not a plain hash of it), one per voter.
        const voters = await db.all<{ poll_id: string; voter_key: string }>('SELECT * FROM poll_voters');
        expect(voters).toHaveLength(7);
        expect(new Set(voters.map((voter) => voter.voter_key)).size).toBe(7);
        for (const voter of voters) {
          expect(voter).toEqual({ poll_id: pollId, voter_key: expect.stringMatching(/^[0-9a-f]{64}$/) });
          for (const personId of personIds) {
            expect(voter.voter_key).not.toContain(personId);
            expect(voter.voter_key).not.toBe(sha256(personId));
            expect(voter.voter_key).not.toBe(sha256(`${pollId}:${personId}`));
          }
        }
        expect(new Set(voters.map((voter) => voter.voter_key))).toEqual(new Set(personIds.map((personId) => voterKeyOf(pollId, personId))));
        expect(await db.all('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM poll_named_answers')).toEqual([{ n: 0 }]);

        // Ballot tokens are stored nowhere in clear.
        for (const { row } of rows) for (const token of tokens) expect(JSON.stringify(row)).not.toContain(token);
      } finally {
        await db.close();
      }
    });

    it('keeps person ids out of every page but the people table’s, in the file and in the write-ahead log', async () => {
      const { tokens, personIds } = await sevenAnonymousAnswers();
      if (TEST_STORE === 'postgres') {
        const pages = await postgresRawPages(server);
        const misplaced: string[] = [];
        const owning = new Map<string, Set<string>>();
        for (const { owner, pgno, page } of pages) {
          const ids = personIds.filter((personId) => occurrences(page, personId) > 0);
          for (const personId of ids) owning.set(personId, new Set([...(owning.get(personId) ?? []), owner]));
          if (ids.length === 0) continue;
          if (!['people', 'people_pkey'].includes(owner)) misplaced.push(`${owner}: page ${pgno}`);
          const answers = ANSWERS.filter((text) => occurrences(page, text) > 0);
          if (answers.length > 0) misplaced.push(`${owner}: page ${pgno} holds person ids and answers ${answers.join(', ')}`);
        }
        expect(misplaced).toEqual([]);
        // Each id is in the people table and its key, and nowhere else.
        for (const personId of personIds) expect([...(owning.get(personId) ?? [])].sort()).toEqual(['people', 'people_pkey']);
        // The answers are there (the pages were read), and the tokens that change them in no byte.
        for (const text of ANSWERS) expect(pages.some(({ page }) => occurrences(page, text) > 0)).toBe(true);
        const bytes = Buffer.concat(pages.map(({ page }) => page));
        for (const token of tokens) expect(occurrences(bytes, token)).toBe(0);
        return;
      }
      const db = openReadOnly(server.dataFile);
      let owners: Map<number, string>;
      try {
        owners = pageOwners(db);
      } finally {
        db.close();
      }
      const peoplePages = new Set(['people', 'sqlite_autoindex_people_1']);
      const wal = readWal(`${server.dataFile}-wal`);
      const images: { source: string; pgno: number; page: Buffer }[] = [
        ...[...readPages(server.dataFile)].map(([pgno, page]) => ({ source: 'file', pgno, page })),
        ...(wal?.frames ?? []).map((frame, index) => ({ source: `wal frame ${index}`, pgno: frame.pgno, page: frame.page })),
      ];

      const misplaced: string[] = [];
      for (const { source, pgno, page } of images) {
        const ids = personIds.filter((personId) => occurrences(page, personId) > 0);
        if (ids.length === 0) continue;
        const owner = owners.get(pgno) ?? '?';
        if (!peoplePages.has(owner)) misplaced.push(`${source}: page ${pgno} (${owner})`);
        const answers = ANSWERS.filter((text) => occurrences(page, text) > 0);
        if (answers.length > 0) misplaced.push(`${source}: page ${pgno} holds person ids and answers ${answers.join(', ')}`);
      }
      expect(misplaced).toEqual([]);

      // In the current state each id is there exactly as often as the people table explains: its row and its key.
      const latest = committedStates(server.dataFile).at(-1)!;
      for (const personId of personIds) {
        const where: Record<string, number> = {};
        for (const [pgno, page] of latest) {
          const count = occurrences(page, personId);
          if (count > 0) where[owners.get(pgno) ?? '?'] = (where[owners.get(pgno) ?? '?'] ?? 0) + count;
        }
        expect(where).toEqual({ people: 1, sqlite_autoindex_people_1: 1 });
      }

      // The tokens that change anonymous answers are in no byte of either file.
      const bytes = Buffer.concat([...readPages(server.dataFile).values(), wal?.bytes ?? Buffer.alloc(0)]);
      for (const token of tokens) expect(occurrences(bytes, token)).toBe(0);
    });

    /**
     * Known gap on PostgreSQL (expected to fail there, so that a fix shows): until a table is vacuumed
     * its pages keep every replaced row version with the transaction ids that wrote and replaced it,
     * and a vote that is its own transaction adds exactly one voter and one ballot key. SQLite empties
     * its log after each batch of votes and overwrites deleted content (secure_delete); the PostgreSQL
     * store has no equivalent yet (and the cluster's write-ahead log holds the same history).
     */
    const historyTest = TEST_STORE === 'postgres' ? it.fails : it;
    historyTest('the write-ahead log does not tell which voter cast which ballot', async () => {
      const { pollId, truth, personIds } = await sevenAnonymousAnswers();
      if (TEST_STORE === 'postgres') {
        // PostgreSQL keeps old row versions in the table's pages until they are vacuumed, each with the
        // transaction that wrote it (xmin) and the one that replaced it (xmax): the history a copy of
        // the data directory holds. Replay it transaction by transaction, as the SQLite log below.
        await postgresRawPages(server);
        const versions = await withStoreReader(server, async (db) => {
          const of = (table: string) =>
            db.all<{ xmin: string; xmax: string; data: Buffer }>(
              `SELECT t_xmin::text AS xmin, t_xmax::text AS xmax, t_data AS data
                 FROM generate_series(0, (pg_relation_size('${table}') / current_setting('block_size')::integer)::integer - 1) AS blkno,
                      LATERAL public.heap_page_items(public.get_raw_page('${table}', blkno))
                WHERE t_data IS NOT NULL`,
            );
          return { voters: await of('poll_voters'), ballots: await of('poll_ballots') };
        });
        const live = await withStoreReader(server, async (db) => ({
          voterKeys: (await db.all<{ voter_key: string }>('SELECT voter_key FROM poll_voters')).map((row) => row.voter_key),
          ballots: await db.all<{ ballot_key: string; answer_json: string }>('SELECT ballot_key, answer_json FROM poll_ballots'),
        }));
        const personOfKey = new Map(personIds.map((personId) => [voterKeyOf(pollId, personId), personId]));
        const answerOfBallot = new Map(live.ballots.map((ballot) => [ballot.ballot_key, (JSON.parse(ballot.answer_json) as { text: string }).text]));
        const transactions = [...new Set([...versions.voters, ...versions.ballots].map((version) => BigInt(version.xmin)))].sort((a, b) => (a < b ? -1 : 1));
        const keysAt = (rows: { xmin: string; xmax: string; data: Buffer }[], keys: string[], xid: bigint) =>
          new Set(
            keys.filter((key) =>
              rows.some((row) => BigInt(row.xmin) <= xid && (row.xmax === '0' || BigInt(row.xmax) > xid) && occurrences(row.data, key) > 0),
            ),
          );
        const links: string[] = [];
        for (let index = 1; index < transactions.length; index += 1) {
          const [before, after] = [transactions[index - 1]!, transactions[index]!];
          const added = (rows: typeof versions.voters, keys: string[]) => {
            const earlier = keysAt(rows, keys, before);
            return [...keysAt(rows, keys, after)].filter((key) => !earlier.has(key));
          };
          const addedVoters = added(versions.voters, live.voterKeys);
          const addedBallots = added(versions.ballots, [...answerOfBallot.keys()]);
          if (addedVoters.length === 1 && addedBallots.length === 1) {
            const personId = personOfKey.get(addedVoters[0]!);
            const text = answerOfBallot.get(addedBallots[0]!);
            if (personId && truth.get(personId) === text) links.push(`${personId} wrote "${text}"`);
          }
        }
        expect(links, 'voters linked to their ballots by replaying the row versions in the pages').toEqual([]);
        return;
      }
      const db = openReadOnly(server.dataFile);
      let voterKeys: string[];
      let ballots: { ballot_key: string; answer_json: string }[];
      try {
        voterKeys = (db.prepare('SELECT voter_key FROM poll_voters').all() as { voter_key: string }[]).map((row) => row.voter_key);
        ballots = db.prepare('SELECT ballot_key, answer_json FROM poll_ballots').all() as typeof ballots;
      } finally {
        db.close();
      }
      // What someone with a copy of the files can do: replay the log transaction by transaction and
      // see which voter key and which ballot each transaction added; the voter key is a hash of
      // poll id and person id, both in the same file.
      const personOfKey = new Map(personIds.map((personId) => [voterKeyOf(pollId, personId), personId]));
      const answerOfBallot = new Map(ballots.map((ballot) => [ballot.ballot_key, (JSON.parse(ballot.answer_json) as { text: string }).text]));
      const present = (state: Map<number, Buffer>, keys: string[]) =>
        new Set(keys.filter((key) => [...state.values()].some((page) => occurrences(page, key) > 0)));
      const links: string[] = [];
      const states = committedStates(server.dataFile);
      for (let index = 1; index < states.length; index += 1) {
        const addedVoters = [...present(states[index]!, voterKeys)].filter((key) => !present(states[index - 1]!, voterKeys).has(key));
        const addedBallots = [...present(states[index]!, [...answerOfBallot.keys()])].filter(
          (key) => !present(states[index - 1]!, [...answerOfBallot.keys()]).has(key),
        );
        if (addedVoters.length === 1 && addedBallots.length === 1) {
          const personId = personOfKey.get(addedVoters[0]!);
          const text = answerOfBallot.get(addedBallots[0]!);
          if (personId && truth.get(personId) === text) links.push(`${personId} wrote "${text}"`);
        }
      }
      expect(links, 'voters linked to their ballots by replaying the write-ahead log').toEqual([]);
    });

    it('the page layout of the database file does not tell which voter cast which ballot', async () => {
      const { pollId, truth, personIds } = await sevenAnonymousAnswers();
      if (TEST_STORE === 'postgres') {
        // PostgreSQL: the rows' physical places (ctid: page, then slot) are the order of the table's files.
        await server.close();
        const { voterOrder, ballots } = await withStoreReader(server, async (db) => ({
          voterOrder: (await db.all<{ voter_key: string }>('SELECT voter_key FROM poll_voters WHERE poll_id = ? ORDER BY ctid', [pollId])).map((row) => row.voter_key),
          ballots: await db.all<{ ballot_key: string; answer_json: string }>('SELECT ballot_key, answer_json FROM poll_ballots WHERE poll_id = ? ORDER BY ctid', [pollId]),
        }));
        expect(voterOrder).toHaveLength(7);
        expect(ballots).toHaveLength(7);
        const personOfKey = new Map(personIds.map((personId) => [voterKeyOf(pollId, personId), personId]));
        const links = voterOrder
          .map((voterKey, index) => ({ personId: personOfKey.get(voterKey), text: (JSON.parse(ballots[index]!.answer_json) as { text: string }).text }))
          .filter(({ personId, text }) => personId !== undefined && truth.get(personId) === text)
          .map(({ personId, text }) => `${personId} wrote "${text}"`);
        expect(links.length, `voters linked to their ballots by the physical order of the rows:\n${links.join('\n')}`).toBeLessThan(7);
        return;
      }
      const db = openReadOnly(server.dataFile);
      let voterKeys: string[];
      let ballots: { ballot_key: string; answer_json: string }[];
      try {
        voterKeys = (db.prepare('SELECT voter_key FROM poll_voters').all() as { voter_key: string }[]).map((row) => row.voter_key);
        ballots = db.prepare('SELECT ballot_key, answer_json FROM poll_ballots').all() as typeof ballots;
      } finally {
        db.close();
      }
      // Closing the server checkpoints the log into the file: this is the file as a backup would hold it.
      await server.close();
      expect(existsSync(`${server.dataFile}-wal`)).toBe(false);
      const pages = [...readPages(server.dataFile)];
      /** Where a key sits: page number, and its offset from the page's end (SQLite fills pages from the end). */
      const placeOf = (key: string) => {
        for (const [pgno, page] of pages) {
          const offset = offsetIn(page, key);
          if (offset >= 0) return { pgno, fromEnd: page.length - offset };
        }
        return undefined;
      };
      const inWriteOrder = (keys: string[]) => {
        const placed = keys.map((key) => ({ key, place: placeOf(key) }));
        if (placed.some((entry) => !entry.place)) return undefined;
        return placed.sort((a, b) => a.place!.pgno - b.place!.pgno || a.place!.fromEnd - b.place!.fromEnd).map((entry) => entry.key);
      };
      const personOfKey = new Map(personIds.map((personId) => [voterKeyOf(pollId, personId), personId]));
      const answerOfBallot = new Map(ballots.map((ballot) => [ballot.ballot_key, (JSON.parse(ballot.answer_json) as { text: string }).text]));
      const voterOrder = inWriteOrder(voterKeys) ?? [];
      const ballotOrder = inWriteOrder([...answerOfBallot.keys()]) ?? [];
      const links = voterOrder
        .map((voterKey, index) => ({ personId: personOfKey.get(voterKey), text: ballotOrder[index] && answerOfBallot.get(ballotOrder[index]) }))
        .filter(({ personId, text }) => personId !== undefined && truth.get(personId) === text)
        .map(({ personId, text }) => `${personId} wrote "${text}"`);
      // A layout that does not follow the order of voting links all seven only once in 5 040 files.
      expect(links.length, `voters linked to their ballots by the order of the cells in the file:\n${links.join('\n')}`).toBeLessThan(7);
    });
  });
});
