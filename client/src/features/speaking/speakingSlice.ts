import type { StateCreator } from 'zustand';
import type { SpeakingState } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';

/** Raised hands and the speaking round, as the server decided them. */
export interface SpeakingSlice {
  speaking: SpeakingState;
  setSpeaking(speaking: SpeakingState): void;
}

/** Creates the speaking slice of the app store. */
export const createSpeakingSlice: StateCreator<AppState, [], [], SpeakingSlice> = (set) => ({
  speaking: { hands: [], called: null, round: null, history: [] },
  setSpeaking: (speaking) => set({ speaking }),
});
