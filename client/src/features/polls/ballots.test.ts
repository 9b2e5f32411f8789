import { describe, expect, it } from 'vitest';
import type { Poll, PollView } from '@werkraum/shared/protocol';
import { forgetSettledBallots, loadBallot, saveBallot, type BallotStorage } from './ballots.js';

/** The browser's Storage contract over a Map (the unit tests run outside a browser). */
class MemoryStorage implements BallotStorage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(name: string) {
    return this.items.get(name) ?? null;
  }
  setItem(name: string, value: string) {
    this.items.set(name, value);
  }
  removeItem(name: string) {
    this.items.delete(name);
  }
  dump() {
    return Object.fromEntries(this.items);
  }
}

const view = (id: string, overrides: Partial<Poll> = {}): PollView => ({
  poll: {
    id,
    blockId: null,
    question: 'Was würdest du ändern?',
    type: 'text',
    options: [],
    maxChoices: null,
    scale: null,
    anonymous: true,
    resultsVisibility: 'live',
    allowChange: true,
    status: 'open',
    published: false,
    openedAt: 1,
    closedAt: null,
    ...overrides,
  },
  results: null,
  answered: true,
  myAnswer: null,
});

describe('anonymous ballots kept in the browser', () => {
  it('keeps only the ballot token, never the answer', () => {
    const storage = new MemoryStorage();
    saveBallot(view('p1'), 'ana', 'token-1', storage);
    expect(storage.dump()).toEqual({ 'werkraum:ballot:p1:ana': JSON.stringify({ ballotToken: 'token-1' }) });
    expect(loadBallot('p1', 'ana', storage)).toEqual({ ballotToken: 'token-1' });
    expect(loadBallot('p1', 'bo', storage)).toBeNull();
  });

  it('keeps nothing when the answer cannot be changed anyway', () => {
    const storage = new MemoryStorage();
    saveBallot(view('p1', { allowChange: false }), 'ana', 'token-1', storage);
    saveBallot(view('p2', { anonymous: false }), 'ana', 'token-2', storage);
    expect(storage.length).toBe(0);
  });

  it('forgets the ballots of a poll when it closes, and ballots stored with their answer', () => {
    const storage = new MemoryStorage();
    saveBallot(view('p1'), 'ana', 'token-1', storage);
    saveBallot(view('p1'), 'bo', 'token-2', storage);
    saveBallot(view('p2'), 'ana', 'token-3', storage);
    storage.setItem('werkraum:ballot:p3:ana', JSON.stringify({ ballotToken: 'old', answer: { text: 'Mehr Pausen' } }));
    storage.setItem('werkraum:other', 'kept');
    forgetSettledBallots([view('p1', { status: 'closed' }), view('p2'), view('p3')], storage);
    expect(storage.dump()).toEqual({
      'werkraum:ballot:p2:ana': JSON.stringify({ ballotToken: 'token-3' }),
      'werkraum:other': 'kept',
    });
  });
});
