import { describe, expect, it } from 'vitest';
import { pollInput, type Poll, type PollAnswer, type ResultsVisibility } from '@werkraum/shared/protocol';
import type { StoredAnswer } from '../store/types.js';
import { DomainError } from './errors.js';
import { countResults, pollFromInput, resultsVisibleToAll, validateAnswer, wordFrequencies } from './polls.js';

/** A poll definition as the schema delivers it (defaults applied), from what a client would send. */
const input = (definition: Record<string, unknown>) => pollInput.parse({ question: 'Wie war es?', ...definition });

/** A poll of the given kind with fixed option ids, ready to be answered. */
function poll(overrides: Partial<Poll> = {}): Poll {
  return {
    id: 'poll-1',
    blockId: null,
    question: 'Wie war es?',
    type: 'single',
    options: [
      { id: 'a', label: 'Gut' },
      { id: 'b', label: 'Mittel' },
      { id: 'c', label: 'Schlecht' },
    ],
    maxChoices: null,
    scale: null,
    anonymous: true,
    resultsVisibility: 'live',
    allowChange: true,
    status: 'open',
    published: false,
    openedAt: 1_000,
    closedAt: null,
    ...overrides,
  };
}

const multiple = (maxChoices: number | null) =>
  poll({
    type: 'multiple',
    maxChoices,
    options: [
      { id: 'a', label: 'Pausen' },
      { id: 'b', label: 'Input' },
      { id: 'c', label: 'Gruppenarbeit' },
      { id: 'd', label: 'Essen' },
    ],
  });
const scale = (min = 1, max = 5) => poll({ type: 'scale', options: [], scale: { min, max, minLabel: 'schlecht', maxLabel: 'super' } });
const text = () => poll({ type: 'text', options: [] });
const yesNo = () =>
  poll({
    type: 'yesNo',
    options: [
      { id: 'yes', label: 'yes' },
      { id: 'no', label: 'no' },
      { id: 'abstain', label: 'abstain' },
    ],
  });

/** Anonymous answers as the store lists them. */
const anonymous = (...answers: PollAnswer[]): StoredAnswer[] => answers.map((answer) => ({ personId: null, answer }));
const choices = (...optionIds: string[]): PollAnswer => ({ optionIds });

/** Asserts that `run` throws a DomainError with this code and field. */
function expectRefused(run: () => unknown, code: string, field: string) {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a DomainError').toBeInstanceOf(DomainError);
  const error = thrown as DomainError;
  expect({ code: error.code, field: error.field }).toEqual({ code, field });
  expect(error.message.length).toBeGreaterThan(0);
}

describe('pollFromInput', () => {
  it('builds a single-choice draft with fresh, distinct option ids and the defaults', () => {
    const built = pollFromInput('p1', input({ type: 'single', options: [{ label: 'Gut' }, { label: 'Schlecht' }] }));
    expect(built).toEqual({
      id: 'p1',
      blockId: null,
      question: 'Wie war es?',
      type: 'single',
      options: [
        { id: expect.any(String), label: 'Gut' },
        { id: expect.any(String), label: 'Schlecht' },
      ],
      maxChoices: null,
      scale: null,
      anonymous: true,
      resultsVisibility: 'live',
      allowChange: true,
      status: 'draft',
      published: false,
      openedAt: null,
      closedAt: null,
    });
    const [first, second] = built.options;
    expect(first!.id.length).toBeGreaterThan(0);
    expect(first!.id).not.toBe(second!.id);
  });

  it('keeps option ids the moderation chose, the question trimmed and the block', () => {
    const built = pollFromInput(
      'p1',
      input({ question: '  Und jetzt?  ', blockId: 'block-7', type: 'single', options: [{ id: 'x', label: 'X' }, { id: 'y', label: 'Y' }] }),
    );
    expect(built.question).toBe('Und jetzt?');
    expect(built.blockId).toBe('block-7');
    expect(built.options).toEqual([
      { id: 'x', label: 'X' },
      { id: 'y', label: 'Y' },
    ]);
  });

  it('gives multiple choice a limit: the one given, else every option', () => {
    const options = [{ label: 'A' }, { label: 'B' }, { label: 'C' }];
    expect(pollFromInput('p1', input({ type: 'multiple', options, maxChoices: 2 })).maxChoices).toBe(2);
    expect(pollFromInput('p1', input({ type: 'multiple', options })).maxChoices).toBe(3);
    // Only multiple choice has a limit.
    expect(pollFromInput('p1', input({ type: 'single', options, maxChoices: 2 })).maxChoices).toBeNull();
  });

  it('gives yes/no polls their fixed options, whatever options were sent', () => {
    const built = pollFromInput('p1', input({ type: 'yesNo', options: [{ id: 'x', label: 'Vielleicht' }] }));
    expect(built.options).toEqual([
      { id: 'yes', label: 'yes' },
      { id: 'no', label: 'no' },
      { id: 'abstain', label: 'abstain' },
    ]);
    expect(built.maxChoices).toBeNull();
  });

  it('keeps the range of a scale only for scale polls, and options only for choice polls', () => {
    const range = { min: 1, max: 5, minLabel: 'schlecht', maxLabel: 'super' };
    const rated = pollFromInput('p1', input({ type: 'scale', scale: range, options: [{ label: 'A' }] }));
    expect(rated.scale).toEqual(range);
    expect(rated.options).toEqual([]);
    const open = pollFromInput('p1', input({ type: 'text', scale: range, options: [{ label: 'A' }, { label: 'B' }] }));
    expect(open.scale).toBeNull();
    expect(open.options).toEqual([]);
    expect(pollFromInput('p1', input({ type: 'scale', scale: { min: 0, max: 10 } })).scale).toEqual({ min: 0, max: 10, minLabel: '', maxLabel: '' });
  });

  it('keeps state and option ids (by position) of the previous version', () => {
    const previous = {
      ...pollFromInput('p1', input({ type: 'single', options: [{ id: 'o1', label: 'A' }, { id: 'o2', label: 'B' }] })),
      status: 'closed' as const,
      published: true,
      openedAt: 100,
      closedAt: 200,
    };
    const next = pollFromInput(
      'p1',
      input({ type: 'single', question: 'Neu?', anonymous: false, options: [{ label: 'A2' }, { label: 'B2' }, { label: 'C2' }] }),
      previous,
    );
    expect(next).toMatchObject({ id: 'p1', question: 'Neu?', anonymous: false, status: 'closed', published: true, openedAt: 100, closedAt: 200 });
    expect(next.options.slice(0, 2)).toEqual([
      { id: 'o1', label: 'A2' },
      { id: 'o2', label: 'B2' },
    ]);
    expect(next.options[2]!.label).toBe('C2');
    expect(['o1', 'o2']).not.toContain(next.options[2]!.id);
  });
});

describe('validateAnswer', () => {
  it('accepts one known option of a single-choice poll', () => {
    expect(() => validateAnswer(poll(), choices('b'))).not.toThrow();
  });

  it.each([
    ['an unknown option', choices('z'), 'answer.optionIds'],
    ['two options', choices('a', 'b'), 'answer.optionIds'],
    ['the same option twice', choices('a', 'a'), 'answer.optionIds'],
    ['a value', { value: 3 }, 'answer'],
    ['a text', { text: 'Gut' }, 'answer'],
  ] as [string, PollAnswer, string][])('refuses %s for a single-choice poll', (_case, answer, field) => {
    expectRefused(() => validateAnswer(poll(), answer), 'invalid_payload', field);
  });

  it('accepts up to maxChoices distinct options of a multiple-choice poll', () => {
    expect(() => validateAnswer(multiple(2), choices('a'))).not.toThrow();
    expect(() => validateAnswer(multiple(2), choices('d', 'a'))).not.toThrow();
    expectRefused(() => validateAnswer(multiple(2), choices('a', 'b', 'c')), 'invalid_payload', 'answer.optionIds');
    expectRefused(() => validateAnswer(multiple(2), choices('a', 'a')), 'invalid_payload', 'answer.optionIds');
    expectRefused(() => validateAnswer(multiple(2), choices('a', 'x')), 'invalid_payload', 'answer.optionIds');
    // Without a limit every option may be ticked.
    expect(() => validateAnswer(multiple(null), choices('a', 'b', 'c', 'd'))).not.toThrow();
    expectRefused(() => validateAnswer(multiple(null), choices('a', 'b', 'c', 'd', 'e')), 'invalid_payload', 'answer.optionIds');
    expectRefused(() => validateAnswer(multiple(2), { text: 'a' }), 'invalid_payload', 'answer');
  });

  it('accepts yes, no or abstain, one of them', () => {
    for (const option of ['yes', 'no', 'abstain']) expect(() => validateAnswer(yesNo(), choices(option))).not.toThrow();
    expectRefused(() => validateAnswer(yesNo(), choices('maybe')), 'invalid_payload', 'answer.optionIds');
    expectRefused(() => validateAnswer(yesNo(), choices('yes', 'no')), 'invalid_payload', 'answer.optionIds');
    expectRefused(() => validateAnswer(yesNo(), { value: 1 }), 'invalid_payload', 'answer');
  });

  it('accepts values on the scale, its ends included, and nothing outside', () => {
    for (const value of [1, 3, 5]) expect(() => validateAnswer(scale(1, 5), { value })).not.toThrow();
    expectRefused(() => validateAnswer(scale(1, 5), { value: 0 }), 'invalid_payload', 'answer.value');
    expectRefused(() => validateAnswer(scale(1, 5), { value: 6 }), 'invalid_payload', 'answer.value');
    expect(() => validateAnswer(scale(0, 10), { value: 0 })).not.toThrow();
    expectRefused(() => validateAnswer(scale(0, 10), { value: 11 }), 'invalid_payload', 'answer.value');
    expectRefused(() => validateAnswer(scale(1, 5), choices('a')), 'invalid_payload', 'answer');
    expectRefused(() => validateAnswer(scale(1, 5), { text: '3' }), 'invalid_payload', 'answer');
  });

  it('accepts a text for an open question and nothing else', () => {
    expect(() => validateAnswer(text(), { text: 'Mehr Pausen' })).not.toThrow();
    expectRefused(() => validateAnswer(text(), choices('a')), 'invalid_payload', 'answer');
    expectRefused(() => validateAnswer(text(), { value: 2 }), 'invalid_payload', 'answer');
  });
});

describe('countResults', () => {
  it('counts single choice per option, zeros included', () => {
    const results = countResults(poll(), anonymous(choices('a'), choices('a'), choices('c'), choices('a'), choices('c')), true);
    expect(results).toEqual({
      pollId: 'poll-1',
      participants: 5,
      counts: { a: 3, b: 0, c: 2 },
      mean: null,
      texts: [],
      words: [],
      byPerson: null,
    });
  });

  it('counts every ticked option of multiple choice; participants are people, not ticks', () => {
    const results = countResults(multiple(2), anonymous(choices('a', 'b'), choices('a'), choices('d', 'a'), choices('b', 'd')), false);
    expect(results.participants).toBe(4);
    expect(results.counts).toEqual({ a: 3, b: 2, c: 0, d: 2 });
    expect(results.mean).toBeNull();
  });

  it('counts yes, no and abstain', () => {
    const results = countResults(yesNo(), anonymous(choices('yes'), choices('no'), choices('yes'), choices('abstain'), choices('yes')), false);
    expect(results.counts).toEqual({ yes: 3, no: 1, abstain: 1 });
    expect(results.participants).toBe(5);
  });

  it('counts a scale per value (every value listed) and gives the mean to two decimals', () => {
    const results = countResults(scale(1, 5), anonymous({ value: 4 }, { value: 5 }, { value: 5 }, { value: 3 }, { value: 4 }), false);
    expect(results).toEqual({
      pollId: 'poll-1',
      participants: 5,
      counts: { '1': 0, '2': 0, '3': 1, '4': 2, '5': 2 },
      mean: 4.2,
      texts: [],
      words: [],
      byPerson: null,
    });
    expect(countResults(scale(1, 5), anonymous({ value: 1 }, { value: 2 }, { value: 2 }), false).mean).toBe(1.67);
    const zeroToTen = countResults(scale(0, 10), anonymous({ value: 0 }, { value: 10 }), false);
    expect(Object.keys(zeroToTen.counts)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(zeroToTen.counts['0']).toBe(1);
    expect(zeroToTen.counts['10']).toBe(1);
    expect(zeroToTen.mean).toBe(5);
  });

  it('has zero counts and no mean before anyone answered', () => {
    expect(countResults(scale(1, 3), [], true)).toEqual({
      pollId: 'poll-1',
      participants: 0,
      counts: { '1': 0, '2': 0, '3': 0 },
      mean: null,
      texts: [],
      words: [],
      byPerson: null,
    });
    expect(countResults(poll(), [], false).counts).toEqual({ a: 0, b: 0, c: 0 });
  });

  it('lists open texts and their words without German and English stop words', () => {
    const texts = [
      'Mehr Pausen und mehr Zeit für Fragen',
      'Die Pausen waren zu kurz',
      'More breaks and more time for the questions',
      'Pausen!',
    ];
    const results = countResults(text(), anonymous(...texts.map((answer) => ({ text: answer }))), false);
    // Every text, in an order that is not specified here.
    expect([...results.texts].sort()).toEqual([...texts].sort());
    expect({ ...results, texts: [] }).toEqual({
      pollId: 'poll-1',
      participants: 4,
      counts: {},
      mean: null,
      texts: [],
      words: [
        { word: 'pausen', count: 3 },
        { word: 'mehr', count: 2 },
        { word: 'more', count: 2 },
        { word: 'breaks', count: 1 },
        { word: 'fragen', count: 1 },
        { word: 'kurz', count: 1 },
        { word: 'questions', count: 1 },
        { word: 'time', count: 1 },
        { word: 'waren', count: 1 },
        { word: 'zeit', count: 1 },
      ],
      byPerson: null,
    });
  });

  it('says who answered what only for named polls and only when asked', () => {
    const named = poll({ anonymous: false });
    const answers: StoredAnswer[] = [
      { personId: 'ann', answer: choices('a') },
      { personId: 'bo', answer: choices('c') },
    ];
    expect(countResults(named, answers, true).byPerson).toEqual({ ann: { optionIds: ['a'] }, bo: { optionIds: ['c'] } });
    expect(countResults(named, answers, false).byPerson).toBeNull();
    expect(countResults(named, [], true).byPerson).toEqual({});
    // Anonymous polls never say, even when asked (and even if a person id reached the answers).
    expect(countResults(poll({ anonymous: true }), answers, true).byPerson).toBeNull();
    expect(countResults(poll({ anonymous: true }), anonymous(choices('a')), true).byPerson).toBeNull();
    // The counts are the same either way.
    expect(countResults(named, answers, false).counts).toEqual({ a: 1, b: 0, c: 1 });
  });

  it('gives who wrote which text to named polls when asked', () => {
    const named = text();
    named.anonymous = false;
    const results = countResults(
      named,
      [
        { personId: 'ann', answer: { text: 'Kaffee' } },
        { personId: 'bo', answer: { text: 'Tee' } },
      ],
      true,
    );
    expect(results.byPerson).toEqual({ ann: { text: 'Kaffee' }, bo: { text: 'Tee' } });
    expect(results.words).toEqual([
      { word: 'kaffee', count: 1 },
      { word: 'tee', count: 1 },
    ]);
  });
});

describe('wordFrequencies', () => {
  it('lowercases (umlauts too), splits on punctuation, keeps hyphenated words and numbers', () => {
    expect(wordFrequencies(['Übung macht den Meister.', 'ÜBUNG, Übung; E-Mail-Flut! 2026', '-Flut- a'])).toEqual([
      { word: 'übung', count: 3 },
      { word: '2026', count: 1 },
      { word: 'e-mail-flut', count: 1 },
      { word: 'flut', count: 1 },
      { word: 'macht', count: 1 },
      { word: 'meister', count: 1 },
    ]);
  });

  it('drops German and English function words and one-letter words', () => {
    expect(wordFrequencies(['Der die das und oder für ist nicht', 'The and of to is it that we you a I x'])).toEqual([]);
    expect(wordFrequencies(['Für mich ist das gut', 'It is good for me'])).toEqual([
      { word: 'good', count: 1 },
      { word: 'gut', count: 1 },
      { word: 'me', count: 1 },
      { word: 'mich', count: 1 },
    ]);
  });

  it('sorts by frequency, ties alphabetically, and stops at the limit', () => {
    const words = wordFrequencies(['zebra apfel zebra birne apfel zebra', 'citrone'], 3);
    expect(words).toEqual([
      { word: 'zebra', count: 3 },
      { word: 'apfel', count: 2 },
      { word: 'birne', count: 1 },
    ]);
    const many = Array.from({ length: 70 }, (_, index) => `wort${String(index).padStart(2, '0')}`).join(' ');
    expect(wordFrequencies([many])).toHaveLength(60);
    expect(wordFrequencies([])).toEqual([]);
  });
});

describe('resultsVisibleToAll', () => {
  it.each([
    ['live', 'open', false, true],
    ['live', 'closed', false, true],
    ['afterClose', 'open', false, false],
    ['afterClose', 'closed', false, true],
    ['afterClose', 'open', true, true],
    ['moderators', 'open', false, false],
    ['moderators', 'closed', false, false],
    ['moderators', 'closed', true, true],
    ['moderators', 'open', true, true],
  ] as [ResultsVisibility, 'open' | 'closed', boolean, boolean][])(
    '%s, %s, published %s -> %s',
    (resultsVisibility, status, published, expected) => {
      expect(resultsVisibleToAll(poll({ resultsVisibility, status, published }))).toBe(expected);
    },
  );
});
