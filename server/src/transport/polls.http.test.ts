import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '@werkraum/shared/limits';
import type { Poll, PollResults } from '@werkraum/shared/protocol';
import { Harness, okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

const STARTS_AT = '2026-12-01T14:00:00+01:00';
const T0 = Date.parse(STARTS_AT);

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** One poll as the HTTP API returns it. */
interface PollEntry {
  poll: Poll;
  results: PollResults;
}

const SINGLE = {
  question: 'Wie war der Input?',
  type: 'single',
  options: [
    { id: 'gut', label: 'Gut' },
    { id: 'mittel', label: 'Mittel' },
    { id: 'schlecht', label: 'Schlecht' },
  ],
  anonymous: false,
};

/** A poll with the schema's defaults, as the API returns a fresh draft. */
const draft = (overrides: Partial<Poll>): Poll => ({
  id: expect.any(String) as unknown as string,
  blockId: null,
  question: 'Q?',
  type: 'single',
  options: [],
  maxChoices: null,
  scale: null,
  anonymous: true,
  resultsVisibility: 'live',
  allowChange: true,
  status: 'draft',
  published: false,
  openedAt: null,
  closedAt: null,
  ...overrides,
});

const idOf = (client: TestClient) => client.snapshot!.session.personId;

describe('HTTP polls API', () => {
  const harness = new Harness();
  let clock: TestClock;
  let server: TestServer;
  let workshop: CreatedWorkshop;

  beforeEach(async () => {
    clock = new TestClock(T0 + 5 * MINUTE_MS);
    server = await harness.start({ now: clock.now });
    workshop = await harness.createWorkshop(server, { startsAt: STARTS_AT });
  });
  afterEach(async () => {
    const logs = server.logs.map((entry) => entry.message);
    await harness.cleanup();
    expect(logs).toEqual([]);
  });

  const url = (id: string, pollId?: string) =>
    `${server.baseUrl}/api/workshops/${encodeURIComponent(id)}/polls${pollId === undefined ? '' : `/${encodeURIComponent(pollId)}`}`;
  const auth = (key: string | undefined): Record<string, string> => (key === undefined ? {} : { authorization: `Bearer ${key}` });

  const postPoll = (body: unknown, options: { id?: string; key?: string | undefined; contentType?: string } = {}) =>
    fetch(url(options.id ?? workshop.id), {
      method: 'POST',
      headers: { 'content-type': options.contentType ?? 'application/json', ...auth('key' in options ? options.key : workshop.keys.moderator) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const getPolls = (options: { id?: string; key?: string | undefined } = {}) =>
    fetch(url(options.id ?? workshop.id), { headers: auth('key' in options ? options.key : workshop.keys.moderator) });
  const getPoll = (pollId: string, options: { id?: string; key?: string | undefined } = {}) =>
    fetch(url(options.id ?? workshop.id, pollId), { headers: auth('key' in options ? options.key : workshop.keys.moderator) });

  async function jsonOf<T>(response: Response, status: number): Promise<T> {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    return JSON.parse(text) as T;
  }
  const created = async (body: unknown, key = workshop.keys.moderator) => jsonOf<PollEntry>(await postPoll(body, { key }), 201);
  const listed = async () => (await jsonOf<{ polls: PollEntry[] }>(await getPolls(), 200)).polls;

  describe('POST /api/workshops/:id/polls', () => {
    it('creates a draft and answers 201 with the poll, its id and empty results', async () => {
      const body = await created(SINGLE);
      expect(body).toEqual({
        poll: draft({ question: 'Wie war der Input?', options: SINGLE.options, anonymous: false }),
        results: {
          pollId: body.poll.id,
          participants: 0,
          counts: { gut: 0, mittel: 0, schlecht: 0 },
          mean: null,
          texts: [],
          words: [],
          byPerson: {},
        },
      });
      expect(body.poll.id.length).toBeGreaterThan(0);
      expect(await listed()).toEqual([body]);
    });

    it('creates every type, with the co-moderator key too', async () => {
      const scale = await created({ question: 'Wie zufrieden?', type: 'scale', scale: { min: 0, max: 3, maxLabel: 'sehr' } }, workshop.keys.coModerator);
      expect(scale).toEqual({
        poll: draft({ question: 'Wie zufrieden?', type: 'scale', scale: { min: 0, max: 3, minLabel: '', maxLabel: 'sehr' } }),
        results: { pollId: scale.poll.id, participants: 0, counts: { '0': 0, '1': 0, '2': 0, '3': 0 }, mean: null, texts: [], words: [], byPerson: null },
      });
      const multiple = await created({ question: 'Was bleibt?', type: 'multiple', options: [{ label: 'A' }, { label: 'B' }, { label: 'C' }], maxChoices: 2 });
      expect(multiple.poll).toEqual(
        draft({ question: 'Was bleibt?', type: 'multiple', maxChoices: 2, options: multiple.poll.options }),
      );
      expect(multiple.poll.options.map((option) => option.label)).toEqual(['A', 'B', 'C']);
      expect(Object.keys(multiple.results.counts)).toEqual(multiple.poll.options.map((option) => option.id));
      const text = await created({ question: 'Was nimmst du mit?', type: 'text', resultsVisibility: 'afterClose', allowChange: false });
      expect(text.poll).toEqual(draft({ question: 'Was nimmst du mit?', type: 'text', resultsVisibility: 'afterClose', allowChange: false }));
      expect(text.results.counts).toEqual({});
      const yesNo = await created({ question: 'Weiter?', type: 'yesNo', resultsVisibility: 'moderators' });
      expect(yesNo.poll.options.map((option) => option.id)).toEqual(['yes', 'no', 'abstain']);
      expect(yesNo.results.counts).toEqual({ yes: 0, no: 0, abstain: 0 });
      expect((await listed()).map((entry) => entry.poll.id)).toEqual([scale, multiple, text, yesNo].map((entry) => entry.poll.id));
    });

    it('attaches a poll to a block of the agenda, and tells the joined moderation', async () => {
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const bo = await harness.join(server, workshop, 'participant', 'Bo');
      const agenda = await fetch(`${server.baseUrl}/api/workshops/${workshop.id}/agenda`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...auth(workshop.keys.moderator) },
        body: JSON.stringify({ blocks: [{ title: 'Feedback', type: 'other', plannedMinutes: 10 }] }),
      });
      const blockId = (await jsonOf<{ blocks: { id: string }[] }>(agenda, 200)).blocks[0]!.id;
      const body = await created({ ...SINGLE, blockId });
      expect(body.poll.blockId).toBe(blockId);
      expect(await waitFor(() => mia.eventsOf('poll:changed')[0], 'poll:changed')).toEqual({ pollId: body.poll.id });
      const [view] = okData(await mia.call('poll:list', {})).polls;
      expect(view).toEqual({ poll: body.poll, results: body.results, answered: false, myAnswer: null });
      // A draft is the moderation's: the participant lists nothing.
      expect(okData(await bo.call('poll:list', {})).polls).toEqual([]);
    });

    it.each([
      ['a single choice with one option', { question: 'Q?', type: 'single', options: [{ label: 'A' }] }, 'options'],
      ['a scale without range', { question: 'Q?', type: 'scale' }, 'scale'],
      ['an empty question', { question: '', type: 'yesNo' }, 'question'],
      ['no question', { type: 'yesNo' }, 'question'],
      ['a question over the limit', { question: 'x'.repeat(LIMITS.pollQuestionMax + 1), type: 'text' }, 'question'],
      ['an option without text', { question: 'Q?', type: 'single', options: [{ label: 'A' }, { label: '' }] }, 'options.1.label'],
      ['an unknown type', { question: 'Q?', type: 'ranking' }, 'type'],
      ['maxChoices 0', { question: 'Q?', type: 'multiple', options: [{ label: 'A' }, { label: 'B' }], maxChoices: 0 }, 'maxChoices'],
      ['a block that is not on the agenda', { question: 'Q?', type: 'text', blockId: 'no-such-block' }, 'blockId'],
    ])('answers 400 invalid_payload naming the field for %s, and creates nothing', async (_case, payload, field) => {
      const body = await jsonOf<ErrorBody>(await postPoll(payload), 400);
      expect(body.error.code).toBe('invalid_payload');
      expect(body.error.field).toBe(field);
      expect(body.error.message.length).toBeGreaterThan(0);
      expect(await listed()).toEqual([]);
    });

    it('answers 400 for a body that is not JSON', async () => {
      for (const response of [
        await postPoll(JSON.stringify(SINGLE), { contentType: 'text/plain' }),
        await postPoll('{"question": ', { contentType: 'application/json' }),
      ]) {
        const body = await jsonOf<ErrorBody>(response, 400);
        expect(body.error.code).toBe('invalid_payload');
      }
      expect(await listed()).toEqual([]);
    });
  });

  describe('GET /api/workshops/:id/polls', () => {
    it('lists every poll with full results, including who answered what in named polls', async () => {
      const named = await created({ ...SINGLE, resultsVisibility: 'moderators' });
      const scale = await created({ question: 'Wie zufrieden?', type: 'scale', scale: { min: 1, max: 5 } });
      const text = await created({ question: 'Was nimmst du mit?', type: 'text' });
      const unopened = await created({ question: 'Später?', type: 'yesNo' });

      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const ana = await harness.join(server, workshop, 'participant', 'Ana');
      const bo = await harness.join(server, workshop, 'participant', 'Bo');
      const cleo = await harness.join(server, workshop, 'participant', 'Cleo');
      clock.advance(MINUTE_MS);
      for (const entry of [named, scale, text]) okData(await mia.call('poll:open', { pollId: entry.poll.id }));
      const openedAt = clock.ms;
      const votes: [TestClient, string, number, string][] = [
        [ana, 'gut', 5, 'Mehr Pausen'],
        [bo, 'schlecht', 4, 'Pausen und Kaffee'],
        [cleo, 'gut', 4, 'Kaffee'],
      ];
      for (const [client, optionId, value, written] of votes) {
        okData(await client.call('poll:answer', { pollId: named.poll.id, answer: { optionIds: [optionId] } }));
        okData(await client.call('poll:answer', { pollId: scale.poll.id, answer: { value } }));
        okData(await client.call('poll:answer', { pollId: text.poll.id, answer: { text: written } }));
      }
      clock.advance(MINUTE_MS);
      okData(await mia.call('poll:close', { pollId: scale.poll.id }));

      const polls = await listed();
      expect(polls.map((entry) => entry.poll.id)).toEqual([named, scale, text, unopened].map((entry) => entry.poll.id));
      // Named, results hidden from participants: the API (the moderation) still gets them, with names.
      expect(polls[0]).toEqual({
        poll: { ...named.poll, status: 'open', openedAt },
        results: {
          pollId: named.poll.id,
          participants: 3,
          counts: { gut: 2, mittel: 0, schlecht: 1 },
          mean: null,
          texts: [],
          words: [],
          byPerson: {
            [idOf(ana)]: { optionIds: ['gut'] },
            [idOf(bo)]: { optionIds: ['schlecht'] },
            [idOf(cleo)]: { optionIds: ['gut'] },
          },
        },
      });
      expect(polls[1]).toEqual({
        poll: { ...scale.poll, status: 'closed', openedAt, closedAt: clock.ms },
        results: {
          pollId: scale.poll.id,
          participants: 3,
          counts: { '1': 0, '2': 0, '3': 0, '4': 2, '5': 1 },
          mean: 4.33,
          texts: [],
          words: [],
          byPerson: null,
        },
      });
      expect({ ...polls[2], results: { ...polls[2]!.results, texts: [...polls[2]!.results.texts].sort() } }).toEqual({
        poll: { ...text.poll, status: 'open', openedAt },
        results: {
          pollId: text.poll.id,
          participants: 3,
          counts: {},
          mean: null,
          texts: ['Kaffee', 'Mehr Pausen', 'Pausen und Kaffee'],
          words: [
            { word: 'kaffee', count: 2 },
            { word: 'pausen', count: 2 },
            { word: 'mehr', count: 1 },
          ],
          byPerson: null,
        },
      });
      expect(polls[3]).toEqual(unopened);

      // One poll on its own is the same entry as in the list.
      for (const entry of polls) expect(await jsonOf<PollEntry>(await getPoll(entry.poll.id), 200)).toEqual(entry);
      expect(await jsonOf<PollEntry>(await getPoll(named.poll.id, { key: workshop.keys.coModerator }), 200)).toEqual(polls[0]);
    });

    it('lists nothing for a workshop without polls', async () => {
      expect(await jsonOf<{ polls: PollEntry[] }>(await getPolls(), 200)).toEqual({ polls: [] });
    });

    it('answers 404 not_found for an unknown poll, also one of another workshop', async () => {
      const other = await harness.createWorkshop(server);
      const foreign = await jsonOf<PollEntry>(await postPoll(SINGLE, { id: other.id, key: other.keys.moderator }), 201);
      await created(SINGLE);
      for (const pollId of ['no-such-poll', foreign.poll.id]) {
        const body = await jsonOf<ErrorBody>(await getPoll(pollId), 404);
        expect(body.error.code).toBe('not_found');
      }
    });
  });

  describe('access', () => {
    const requests = (options: { id?: string; key?: string | undefined }) => [
      getPolls(options),
      postPoll(SINGLE, options),
      getPoll('some-poll', options),
    ];

    it('answers 401 without a key', async () => {
      for (const response of await Promise.all(requests({ key: undefined }))) {
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
        expect(((await response.json()) as ErrorBody).error.code).toBe('unauthorized');
      }
      expect(await listed()).toEqual([]);
    });

    it('answers 403 for the participant key, a random key and another workshop’s key; nothing is created', async () => {
      const existing = await created(SINGLE);
      const other = await harness.createWorkshop(server);
      for (const key of [workshop.secrets.participant, randomBytes(24).toString('base64url'), other.keys.moderator]) {
        for (const response of await Promise.all([...requests({ key }), getPoll(existing.poll.id, { key })])) {
          expect(response.status).toBe(403);
          const body = (await response.json()) as ErrorBody & Record<string, unknown>;
          expect(body.error.code).toBe('forbidden');
          expect(body.polls).toBeUndefined();
          expect(body.poll).toBeUndefined();
        }
      }
      expect(await listed()).toEqual([existing]);
    });

    it('answers an unknown workshop with 403 forbidden, like a wrong key', async () => {
      for (const response of await Promise.all(requests({ id: 'no-such-workshop' }))) {
        expect(response.status).toBe(403);
        expect(((await response.json()) as ErrorBody).error.code).toBe('forbidden');
      }
    });
  });
});
