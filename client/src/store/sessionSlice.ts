import type { StateCreator } from 'zustand';
import type { SessionInfo, WorkshopInfo } from '@werkraum/shared/protocol';
import type { AppState } from './index.js';

/** State of this tab's connection to the server. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** Why this tab cannot go on without the person doing something (reload, join again). */
export interface SessionProblem {
  code: string;
  message: string;
}

/** Who this tab is in which workshop, and how its connection is. */
export interface SessionSlice {
  connection: ConnectionStatus;
  session: SessionInfo | null;
  workshop: WorkshopInfo | null;
  /** A problem that stops the session (removed, protocol mismatch, identity unknown). */
  problem: SessionProblem | null;
  setConnection(status: ConnectionStatus): void;
  setSession(session: SessionInfo, workshop: WorkshopInfo): void;
  setOwnRole(role: SessionInfo['role']): void;
  setWorkshop(workshop: WorkshopInfo): void;
  endSession(problem: SessionProblem): void;
  clearProblem(): void;
}

/** Creates the session slice of the app store. */
export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set) => ({
  connection: 'connecting',
  session: null,
  workshop: null,
  problem: null,
  setConnection: (connection) => set({ connection }),
  setSession: (session, workshop) => set({ session, workshop, problem: null }),
  setWorkshop: (workshop) => set({ workshop }),
  setOwnRole: (role) => set((state) => (state.session ? { session: { ...state.session, role } } : {})),
  endSession: (problem) => set({ session: null, problem, peopleById: {}, peopleOrder: [], agenda: null, moderationNotes: {}, rounds: [], polls: [], participation: {}, boardStates: {}, documentation: null }),
  clearProblem: () => set({ problem: null }),
});
