import type { StateCreator } from 'zustand';
import type { BreakoutRound } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';

/** The workshop's breakout rounds, as the server last said. */
export interface BreakoutSlice {
  rounds: BreakoutRound[];
  setRounds(rounds: BreakoutRound[]): void;
}

/** Creates the breakout slice of the app store. */
export const createBreakoutSlice: StateCreator<AppState, [], [], BreakoutSlice> = (set) => ({
  rounds: [],
  setRounds: (rounds) => set({ rounds }),
});
