import type { StateCreator } from 'zustand';
import type { AgendaRun, AgendaSnapshot, AgendaView } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';

/** The workshop's agenda and how it runs, as the server last said. */
export interface AgendaSlice {
  agenda: AgendaView | null;
  /** Private moderation notes by block id (facilitators only). */
  moderationNotes: Record<string, string>;
  setAgendaSnapshot(snapshot: AgendaSnapshot): void;
  setAgenda(agenda: AgendaView): void;
  setRun(run: AgendaRun): void;
  setModerationNotes(notes: Record<string, string>): void;
}

/** Creates the agenda slice of the app store. */
export const createAgendaSlice: StateCreator<AppState, [], [], AgendaSlice> = (set) => ({
  agenda: null,
  moderationNotes: {},
  setAgendaSnapshot: (snapshot) => set({ agenda: snapshot.agenda, moderationNotes: snapshot.moderationNotes ?? {} }),
  setAgenda: (agenda) => set({ agenda }),
  setRun: (run) => set((state) => (state.agenda ? { agenda: { ...state.agenda, run } } : {})),
  setModerationNotes: (moderationNotes) => set({ moderationNotes }),
});
