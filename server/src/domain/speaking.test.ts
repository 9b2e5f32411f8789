import { describe, expect, it } from 'vitest';
import { remainingMs } from '@werkraum/shared/agendaClock';
import type { SpeakingState } from '@werkraum/shared/protocol';
import type { PersonRecord } from '../store/types.js';
import { DomainError } from './errors.js';
import { SPEAKING_TURNS_MAX, callNext, controlRound, emptySpeaking, lowerAll, roundsForDocumentation, setHand, speakerOrder, startRound } from './speaking.js';

const T0 = Date.parse('2026-12-01T13:00:00Z');

function started(speakerMs: number | null = 60_000): SpeakingState {
  return startRound(emptySpeaking(), { id: 'round-1', title: 'Vorstellungsrunde', order: ['ana', 'ben', 'cleo'], speakerMs }, T0);
}

describe('raised hands', () => {
  it('queues hands in the order they went up and calls the first', () => {
    let state = setHand(emptySpeaking(), 'ben', true, T0);
    state = setHand(state, 'ana', true, T0 + 1);
    state = setHand(state, 'ben', true, T0 + 2); // still first: raising again keeps the place
    expect(state.hands.map((hand) => hand.personId)).toEqual(['ben', 'ana']);
    state = callNext(state, T0 + 3);
    expect(state.called).toEqual({ personId: 'ben', at: T0 + 3 });
    expect(state.hands.map((hand) => hand.personId)).toEqual(['ana']);
    state = lowerAll(state);
    expect(state.hands).toEqual([]);
  });
});

describe('a speaking round', () => {
  it('follows the server clock through pause and resume, and a new speaker gets a fresh minute', () => {
    let state = started();
    expect(remainingMs(state.round!.timer, T0 + 20_000)).toBe(40_000);
    state = controlRound(state, 'pause', T0 + 20_000);
    // Paused: time stands still however long the pause lasts.
    expect(remainingMs(state.round!.timer, T0 + 90_000)).toBe(40_000);
    state = controlRound(state, 'resume', T0 + 90_000);
    expect(remainingMs(state.round!.timer, T0 + 100_000)).toBe(30_000);
    state = controlRound(state, 'next', T0 + 100_000);
    expect(state.round!.order[state.round!.position]).toBe('ben');
    expect(remainingMs(state.round!.timer, T0 + 100_000)).toBe(60_000);
    expect(state.round!.turns).toEqual([{ personId: 'ana', spokenMs: 30_000, skipped: false }]);
  });

  it('stops recording turns at the limit, so going back and forth cannot grow the round without end; ending still works', () => {
    let state = started();
    for (let turn = 0; turn < SPEAKING_TURNS_MAX / 2; turn += 1) {
      state = controlRound(state, 'next', T0 + turn);
      state = controlRound(state, 'back', T0 + turn);
    }
    expect(state.round!.turns).toHaveLength(SPEAKING_TURNS_MAX);
    expect(() => controlRound(state, 'next', T0 + 5_000)).toThrow(/at most/);
    state = controlRound(state, 'end', T0 + 5_000);
    expect(state.round).toBeNull();
    expect(state.history.at(-1)!.turns).toHaveLength(SPEAKING_TURNS_MAX + 1);
  });

  it('skips, goes back, and records the round when the last speaker is done', () => {
    let state = started();
    state = controlRound(state, 'skip', T0 + 1_000);
    state = controlRound(state, 'back', T0 + 2_000);
    expect(state.round!.order[state.round!.position]).toBe('ana');
    state = controlRound(state, 'next', T0 + 12_000);
    state = controlRound(state, 'next', T0 + 20_000);
    state = controlRound(state, 'next', T0 + 50_000);
    expect(state.round).toBeNull();
    expect(state.history).toHaveLength(1);
    expect(state.history[0]!.turns).toEqual([
      { personId: 'ana', spokenMs: 0, skipped: true },
      { personId: 'ben', spokenMs: 1_000, skipped: false },
      { personId: 'ana', spokenMs: 10_000, skipped: false },
      { personId: 'ben', spokenMs: 8_000, skipped: false },
      { personId: 'cleo', spokenMs: 30_000, skipped: false },
    ]);
  });

  it('refuses a second round and controls without a round', () => {
    expect(() => startRound(started(), { id: 'r2', title: 'Blitzlicht', order: ['ana'], speakerMs: null }, T0)).toThrow(DomainError);
    expect(() => controlRound(emptySpeaking(), 'next', T0)).toThrow(DomainError);
  });

  it('orders by list, randomly, or as the facilitator set it, refusing strangers', () => {
    expect(speakerOrder('list', ['a', 'b', 'c'], undefined, () => 0)).toEqual(['a', 'b', 'c']);
    expect(speakerOrder('random', ['a', 'b', 'c'], undefined, () => 0).sort()).toEqual(['a', 'b', 'c']);
    expect(speakerOrder('custom', ['a', 'b', 'c'], ['c', 'a'], () => 0)).toEqual(['c', 'a']);
    expect(() => speakerOrder('custom', ['a'], ['x'], () => 0)).toThrow(DomainError);
  });

  it('names in the documentation only people who agreed to be listed', () => {
    let state = started();
    state = controlRound(state, 'next', T0 + 30_000);
    state = controlRound(state, 'end', T0 + 45_000);
    const person = (id: string, displayName: string, listInDocumentation: boolean) => ({ id, displayName, listInDocumentation }) as PersonRecord;
    const rounds = roundsForDocumentation(state.history, [person('ana', 'Ana', true), person('ben', 'Ben', false)]);
    expect(rounds[0]!.turns).toEqual([
      { name: 'Ana', spokenSeconds: 30, skipped: false },
      { name: null, spokenSeconds: 15, skipped: false },
    ]);
  });
});
