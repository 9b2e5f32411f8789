import type { StateCreator } from 'zustand';
import type { AppState } from '../../store/index.js';

/** Who is in which room's call (person id -> room id) and the rooms' external meeting links, as the server last said. */
export interface MediaSlice {
  inCall: Record<string, string>;
  setInCall(inCall: Record<string, string>): void;
  /** External meeting links set by the moderation (room id -> URL). */
  meetingLinks: Record<string, string>;
  setMeetingLinks(links: Record<string, string>): void;
}

/** Creates the media slice of the app store. */
export const createMediaSlice: StateCreator<AppState, [], [], MediaSlice> = (set) => ({
  inCall: {},
  setInCall: (inCall) => set({ inCall }),
  meetingLinks: {},
  setMeetingLinks: (meetingLinks) => set({ meetingLinks }),
});
