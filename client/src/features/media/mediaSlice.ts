import type { StateCreator } from 'zustand';
import type { MediaPermissions, MediaSettings } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';
import { speakingAfter, speakingInCall } from './speaking.js';

/** Who is in which room's call (person id -> room id) and the rooms' external meeting links, as the server last said. */
export interface MediaSlice {
  inCall: Record<string, string>;
  setInCall(inCall: Record<string, string>): void;
  /** Who is speaking in their call now (person ids), as the server last said. */
  callSpeakers: string[];
  setCallSpeakers(speakers: string[]): void;
  setCallSpeaker(personId: string, speaking: boolean): void;
  /** External meeting links set by the moderation (room id -> URL). */
  meetingLinks: Record<string, string>;
  /** What participants may send besides their microphone. */
  mediaPermissions: MediaPermissions;
  /** Room id -> the person the moderation put first in that room's call. */
  spotlights: Record<string, string>;
  setMediaSettings(settings: MediaSettings): void;
  /** The moderation's latest request to switch one's microphone on, until answered. */
  unmuteRequest: { fromName: string; roomId: string } | null;
  setUnmuteRequest(request: { fromName: string; roomId: string } | null): void;
}

/** Creates the media slice of the app store. */
export const createMediaSlice: StateCreator<AppState, [], [], MediaSlice> = (set) => ({
  inCall: {},
  setInCall: (inCall) => set((state) => ({ inCall, callSpeakers: speakingInCall(state.callSpeakers, inCall) })),
  callSpeakers: [],
  setCallSpeakers: (speakers) => set({ callSpeakers: [...speakers].sort() }),
  setCallSpeaker: (personId, speaking) => set((state) => ({ callSpeakers: speakingAfter(state.callSpeakers, personId, speaking) })),
  meetingLinks: {},
  mediaPermissions: { camera: true, screenShare: false },
  spotlights: {},
  setMediaSettings: ({ links, permissions, spotlights }) => set({ meetingLinks: links, mediaPermissions: permissions, spotlights }),
  unmuteRequest: null,
  setUnmuteRequest: (unmuteRequest) => set({ unmuteRequest }),
});
