import { z } from 'zod';

const roomId = z.string().min(1).max(64);

/** The longest external meeting link accepted. */
export const MEETING_LINK_MAX = 500;

/** An external meeting link (BigBlueButton, Jitsi, Zoom, ...): an http(s) address, or null to remove it. */
const meetingLink = z
  .string()
  .trim()
  .max(MEETING_LINK_MAX)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !/\s/.test(value);
    } catch {
      return false;
    }
  }, 'Please enter a web address starting with https://.')
  .nullable();

/** What participants may send besides their microphone; the moderation always may. */
export interface MediaPermissions {
  camera: boolean;
  screenShare: boolean;
}

/** Participants' permissions until the moderation changes them: camera yes, screen sharing no. */
export const DEFAULT_MEDIA_PERMISSIONS: MediaPermissions = { camera: true, screenShare: false };

/** A workshop's audio/video settings everyone sees. */
export interface MediaSettings {
  /** External meeting links set by the moderation (room id -> URL). */
  links: Record<string, string>;
  permissions: MediaPermissions;
  /** The person the moderation puts first in each room's call (room id -> person id). */
  spotlights: Record<string, string>;
}

/** Whether audio and video are available on this server. */
export interface MediaStatus {
  /** False when the server has no LiveKit settings: the client shows the off-state. */
  enabled: boolean;
  /** The LiveKit server's address clients connect to (`wss://...`), when enabled. */
  url: string | null;
  /** Who is in which call now (person id -> room id), as LiveKit's webhooks report it. */
  inCall: Record<string, string>;
  /** Who is speaking in their call now (person ids), as their clients report it. */
  speaking: string[];
  /** External meeting links set by the moderation (room id -> URL). */
  links: Record<string, string>;
  permissions: MediaPermissions;
  spotlights: Record<string, string>;
}

/** Whether a person in a call speaks now. */
export interface MediaSpeaking {
  personId: string;
  /** The room whose call they are in. */
  roomId: string;
  speaking: boolean;
}

/** Who is in which room's call (person id -> room id `plenary` or a breakout room id). */
export interface MediaPresence {
  inCall: Record<string, string>;
}

/** Media events the server sends. */
export interface MediaServerEvents {
  /** To the workshop, whenever LiveKit reports someone joining or leaving a call. */
  'media:presence': MediaPresence;
  /** To the workshop, when the moderation changes a meeting link or the participants' permissions. */
  'media:settings': MediaSettings;
  /** To the workshop, when someone in a call starts or stops speaking (or leaves the call while speaking). */
  'media:speaking': MediaSpeaking;
  /** To one person: the moderation asks them to switch their microphone on (only they can). */
  'media:unmuteRequest': { fromName: string; roomId: string };
}

/** A LiveKit access token for one Werkraum room's call. */
export interface MediaGrant {
  /** The LiveKit server's address (`LIVEKIT_URL`). */
  url: string;
  /** The signed access token (JWT) for that server. */
  token: string;
  /** The Werkraum room the call belongs to (`plenary` or a breakout room id). */
  roomId: string;
  /** The LiveKit room name: `werkraum:<workshopId>:<roomId>`. */
  roomName: string;
  /** The LiveKit identity: the person id. */
  identity: string;
  /** Whether the token lets the person send audio and video. */
  canPublish: boolean;
  /** Whether the token lets the person share their screen (the moderation). */
  canShareScreen: boolean;
  /** When the token stops opening the room (server ms); a connected call keeps running. */
  expiresAt: number;
}

/** Schemas of the media events a client sends. */
export const mediaClientEvents = {
  'media:status': z.object({}).optional(),
  'media:token': z.object({ roomId }),
  'media:mute': z.object({ roomId, personId: z.string().min(1).max(64).nullable() }),
  'media:setLink': z.object({ roomId, url: meetingLink }),
  'media:setPermissions': z.object({ camera: z.boolean(), screenShare: z.boolean() }),
  'media:spotlight': z.object({ roomId, personId: z.string().min(1).max(64).nullable() }),
  'media:askUnmute': z.object({ roomId, personId: z.string().min(1).max(64) }),
  'media:speaking': z.object({ roomId, speaking: z.boolean() }),
};

/** Media (audio and video) events a client sends. */
export interface MediaClientEvents {
  /** Whether audio and video are set up on this server. */
  'media:status': { request: Record<string, never> | undefined; response: MediaStatus };
  /**
   * A short-lived LiveKit token for the call of the room the person is in now: the plenary, or
   * their breakout room while the round is open (facilitators: the room they visit). Any other
   * room is refused with `forbidden`; `media_off` when LiveKit is not set up.
   */
  'media:token': { request: z.input<typeof mediaClientEvents['media:token']>; response: MediaGrant };
  /**
   * Facilitators: mutes the microphone of one person (`personId`) or of everyone else in a room's
   * call (`personId: null`) through LiveKit's RoomService. Answers how many tracks were muted.
   */
  'media:mute': { request: z.input<typeof mediaClientEvents['media:mute']>; response: { muted: number } };
  /** Facilitators: sets (or with `url: null` removes) the external meeting link of the plenary or a breakout room. */
  'media:setLink': { request: z.input<typeof mediaClientEvents['media:setLink']>; response: MediaSettings };
  /**
   * Facilitators: whether participants may use their camera and share their screen; applies to new
   * tokens and, through LiveKit's UpdateParticipant, to people already in a call.
   */
  'media:setPermissions': { request: z.input<typeof mediaClientEvents['media:setPermissions']>; response: MediaSettings };
  /** Facilitators: puts one person first, large, in a room's call for everyone (`null` ends it). */
  'media:spotlight': { request: z.input<typeof mediaClientEvents['media:spotlight']>; response: MediaSettings };
  /** Facilitators: asks a person in the room to switch their microphone on (they decide). */
  'media:askUnmute': { request: z.input<typeof mediaClientEvents['media:askUnmute']>; response: { personId: string } };
  /**
   * A person in a call: whether they are speaking now (from LiveKit's active speakers in their
   * browser). Only in the call LiveKit reports them in (`forbidden` otherwise); at most 20 reports
   * per 10 seconds (`rate_limited`). The workshop gets `media:speaking` on a change.
   */
  'media:speaking': { request: z.input<typeof mediaClientEvents['media:speaking']>; response: { speaking: boolean } };
}
