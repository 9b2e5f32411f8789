import type { StateCreator } from 'zustand';
import type { BoardState } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';

/** What the server decided about each open room's board (voting, private writing). */
export interface BoardSlice {
  boardStates: Record<string, BoardState>;
  setBoardState(state: BoardState): void;
}

/** Creates the board slice of the app store. */
export const createBoardSlice: StateCreator<AppState, [], [], BoardSlice> = (set) => ({
  boardStates: {},
  setBoardState: (boardState) => set((state) => ({ boardStates: { ...state.boardStates, [boardState.roomId]: boardState } })),
});
