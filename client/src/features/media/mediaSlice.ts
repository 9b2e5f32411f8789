import type { StateCreator } from 'zustand';
import type { MediaPermissions, MediaSettings } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';

/** Who is in which room's call (person id -> room id) and the rooms' external meeting links, as the server last said. */
export interface MediaSlice {
  inCall: Record<string, string>;
  setInCall(inCall: Record<string, string>): void;
  /** External meeting links set by the moderation (room id -> URL). */
  meetingLinks: Record<string, string>;
  /** What participants may send besides their microphone. */
  mediaPermissions: MediaPermissions;
  setMediaSettings(settings: MediaSettings): void;
}

/** Creates the media slice of the app store. */
export const createMediaSlice: StateCreator<AppState, [], [], MediaSlice> = (set) => ({
  inCall: {},
  setInCall: (inCall) => set({ inCall }),
  meetingLinks: {},
  mediaPermissions: { camera: true, screenShare: false },
  setMediaSettings: ({ links, permissions }) => set({ meetingLinks: links, mediaPermissions: permissions }),
});
