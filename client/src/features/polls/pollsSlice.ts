import type { StateCreator } from 'zustand';
import type { PollResults, PollView } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';
import { forgetSettledBallots } from './ballots.js';

/** The workshop's polls as this person may see them, with live results where allowed. */
export interface PollsSlice {
  polls: PollView[];
  /** Live participation counts for polls whose results this person may not see yet. */
  participation: Record<string, number>;
  setPolls(polls: PollView[]): void;
  applyResults(results: PollResults): void;
  applyParticipation(pollId: string, participants: number): void;
}

/** Creates the polls slice of the app store. */
export const createPollsSlice: StateCreator<AppState, [], [], PollsSlice> = (set) => ({
  polls: [],
  participation: {},
  setPolls: (polls) => {
    forgetSettledBallots(polls);
    set({ polls });
  },
  applyResults: (results) =>
    set((state) => ({
      polls: state.polls.map((view) => (view.poll.id === results.pollId ? { ...view, results } : view)),
      participation: { ...state.participation, [results.pollId]: results.participants },
    })),
  applyParticipation: (pollId, participants) => set((state) => ({ participation: { ...state.participation, [pollId]: participants } })),
});
