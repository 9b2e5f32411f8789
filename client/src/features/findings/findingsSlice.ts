import type { StateCreator } from 'zustand';
import type { Finding, RoomFindingCount, StageView } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';

/** The findings this person may see, the counts per room, and what is on everyone's screen. */
export interface FindingsSlice {
  findings: Finding[];
  findingCounts: RoomFindingCount[];
  /** What a facilitator put on everyone's screen; null: everyone in their own view. */
  stage: StageView | null;
  /** Findings this person agreed with. */
  agreedFindings: string[];
  setFindings(findings: Finding[], counts: RoomFindingCount[]): void;
  setStage(stage: StageView | null): void;
  setAgreed(findingId: string, agreed: boolean): void;
  replaceAgreed(findingIds: string[]): void;
}

/** Creates the findings slice of the app store. */
export const createFindingsSlice: StateCreator<AppState, [], [], FindingsSlice> = (set) => ({
  findings: [],
  findingCounts: [],
  stage: null,
  agreedFindings: [],
  setFindings: (findings, findingCounts) => set({ findings, findingCounts }),
  setStage: (stage) => set({ stage }),
  setAgreed: (findingId, agreed) =>
    set((state) => ({
      agreedFindings: agreed ? [...new Set([...state.agreedFindings, findingId])] : state.agreedFindings.filter((id) => id !== findingId),
    })),
  replaceAgreed: (agreedFindings) => set({ agreedFindings }),
});
