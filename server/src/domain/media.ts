import { AccessToken, RoomServiceClient, TrackSource, TrackType, WebhookReceiver, type ParticipantInfo, type VideoGrant } from 'livekit-server-sdk';
import type { BlockTimer } from '@werkraum/shared/agendaClock';
import { breakoutState, currentRoomOf } from '@werkraum/shared/breakoutPhase';
import { DEFAULT_MEDIA_PERMISSIONS, type BreakoutRound, type MediaGrant, type MediaPermissions, type MediaSettings, type MediaStatus } from '@werkraum/shared/protocol';
import { isFacilitator, type Role } from '@werkraum/shared/roles';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import type { LiveKitSettings } from '../config.js';
import type { AgendaStore, BreakoutStore, MediaSettingsRecord, MediaStore, WorkshopStore } from '../store/types.js';
import { DomainError } from './errors.js';
import type { Notifier } from './notifier.js';
import { loadRoomState } from './notes.js';
import type { Actor, PeopleDomain } from './people.js';
import { serialized, updateVersioned } from './versioned.js';

/** How long a media token opens its room: long enough to join, short enough that a leaked one soon expires. */
export const MEDIA_TOKEN_TTL_SECONDS = 10 * 60;
/** How many speaking reports one person may send per {@link SPEAKING_WINDOW_MS}. */
export const SPEAKING_REPORTS_MAX = 20;
export const SPEAKING_WINDOW_MS = 10_000;
/** Time limit of one call to LiveKit's RoomService (seconds); the SDK's default is 10. */
export const LIVEKIT_API_TIMEOUT_SECONDS = 5;

/** The LiveKit room of a Werkraum room: `werkraum:<workshopId>:<roomId>` (`roomId` is `plenary` or a breakout room id). */
export function liveKitRoomName(workshopId: string, roomId: string): string {
  return `werkraum:${workshopId}:${roomId}`;
}

/** Reads a LiveKit room name of ours back; null for any other room. */
export function parseLiveKitRoomName(name: string): { workshopId: string; roomId: string } | null {
  const match = /^werkraum:([^:]+):([^:]+)$/.exec(name);
  return match ? { workshopId: match[1]!, roomId: match[2]! } : null;
}

/** What a LiveKit webhook request came to. */
export type WebhookOutcome = 'accepted' | 'unauthorized' | 'off';

/**
 * The room whose call a person belongs in at `now`: their breakout room while a round has them in
 * one (facilitators: the room they visit), else the plenary.
 */
export function mediaRoomOf(personId: string, rounds: readonly BreakoutRound[], timer: BlockTimer | null, now: number): string {
  for (const round of rounds) {
    const roomId = currentRoomOf(round, breakoutState(round, timer, now), personId);
    if (roomId) return roomId;
  }
  return PLENARY_ROOM;
}

/** The sources a person may publish: the moderation everything, participants as the moderation allows. */
export function publishSources(role: Role, permissions: MediaPermissions): TrackSource[] {
  if (isFacilitator(role)) return [TrackSource.MICROPHONE, TrackSource.CAMERA, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO];
  return [
    TrackSource.MICROPHONE,
    ...(permissions.camera ? [TrackSource.CAMERA] : []),
    ...(permissions.screenShare ? [TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO] : []),
  ];
}

/**
 * What a person's token allows in a call: everyone joins, hears and speaks; cameras and screens as
 * {@link publishSources} says; the moderation also administers the room (mute others, remove).
 */
export function mediaGrant(role: Role, roomName: string, permissions: MediaPermissions = DEFAULT_MEDIA_PERMISSIONS): VideoGrant {
  return {
    roomJoin: true,
    room: roomName,
    canSubscribe: true,
    canPublish: true,
    canPublishData: true,
    canUpdateOwnMetadata: false,
    roomAdmin: isFacilitator(role),
    canPublishSources: publishSources(role, permissions),
  };
}

/** The parts of LiveKit's RoomService this module calls (`RoomServiceClient` implements it). */
export interface RoomService {
  listParticipants(room: string): Promise<ParticipantInfo[]>;
  removeParticipant(room: string, identity: string): Promise<void>;
  mutePublishedTrack(room: string, identity: string, trackSid: string, muted: boolean): Promise<unknown>;
  updateParticipant(
    room: string,
    identity: string,
    options: { permission: { canPublish: boolean; canSubscribe: boolean; canPublishData: boolean; canPublishSources: TrackSource[] } },
  ): Promise<unknown>;
}

/** Dependencies of the media domain. */
export interface MediaDeps {
  store: WorkshopStore & AgendaStore & BreakoutStore & MediaStore;
  people: PeopleDomain;
  notifier: Notifier;
  clock: () => number;
  /** The LiveKit server; null when audio and video are off. */
  settings: LiveKitSettings | null;
  /** Defaults to LiveKit's own client on the settings' URL. */
  roomService?: RoomService;
  log: (message: string, error?: unknown) => void;
  /**
   * With several processes: tells the others of each token handed out here (they keep it with
   * `rememberIssued`, so that a person is still taken out of a call they left when the process that
   * gave them the token has died), and lets one process do each removal.
   */
  shared?: {
    issued(entry: IssuedMediaToken): void;
    /** True for the one process that takes the claim (see Cluster.claim). */
    claim(key: string, ms: number): Promise<boolean>;
  };
  /**
   * Who is in which call and who speaks there. Defaults to this process's memory; with several
   * processes it is kept in Redis (a webhook reaches one process, the person may be on another).
   */
  calls?: CallState;
}

/** A change to who is in which call, from one LiveKit webhook. */
export type CallChange = { kind: 'joined' | 'left'; personId: string; roomId: string } | { kind: 'finished'; roomId: string };

/** A change to the tracks people publish in calls, from one LiveKit webhook. */
export type TrackChange =
  | { kind: 'published' | 'unpublished'; personId: string; roomId: string; trackSid: string; audio: boolean }
  | { kind: 'left'; personId: string; roomId: string }
  | { kind: 'finished'; roomId: string };

/**
 * Who is in which call (personId -> roomId, from LiveKit's webhooks) and who speaks in which call
 * (personId -> roomId, from the people's own reports), per workshop. Each method is one atomic step,
 * so processes changing the same workshop at once cannot undo each other's checks.
 */
export interface CallState {
  /**
   * Applies a webhook's change: a join sets the person's call; a leave counts only for the call
   * they are in (a move joins the new call before the old one reports the leave); a finished room
   * empties its call. Then ends the speaking of everyone no longer in the call they spoke in.
   * Answers who is in which call afterwards, or null when that did not change, and the ended speaking.
   */
  apply(workshopId: string, change: CallChange): Promise<{ inCall: Record<string, string> | null; stopped: { personId: string; roomId: string }[] }>;
  /** The call a person is in, if any. */
  callOf(workshopId: string, personId: string): Promise<string | undefined>;
  /** Sets or ends a person's speaking in a call, only while they are in it: whether it changed, or `not_in_call`. */
  speak(workshopId: string, personId: string, roomId: string, speaking: boolean): Promise<'changed' | 'unchanged' | 'not_in_call'>;
  /** Who is in which call and who speaks now (for a snapshot). */
  read(workshopId: string): Promise<{ inCall: Record<string, string>; speaking: string[] }>;
  /**
   * Applies a webhook's change to the tracks each person publishes in a call (what the moderation's
   * mute acts on): a publish in another call than the person's known one (a move) forgets the old
   * call's tracks; an unpublish counts only in the call it names; a leave forgets the person's
   * tracks of that call; a finished room forgets all of its tracks.
   */
  track(workshopId: string, change: TrackChange): Promise<void>;
  /**
   * The audio tracks reported published in a room's call (personId -> track sids, possibly none),
   * or null when no track was reported there for anyone.
   */
  audioTracks(workshopId: string, roomId: string): Promise<Record<string, string[]> | null>;
}

/** Who is in which call in this process's memory: one process, or a test. Forgotten on a restart. */
export function memoryCallState(): CallState {
  const inCall = new Map<string, Map<string, string>>();
  const speaking = new Map<string, Map<string, string>>();
  /** personId -> { roomId, trackSid -> audio? }, per workshop. */
  const published = new Map<string, Map<string, { roomId: string; tracks: Map<string, boolean> }>>();
  const presence = (workshopId: string): Record<string, string> => Object.fromEntries(inCall.get(workshopId) ?? []);
  const stopSpeaking = (workshopId: string, personId: string): void => {
    const people = speaking.get(workshopId);
    people?.delete(personId);
    if (people?.size === 0) speaking.delete(workshopId);
  };
  return {
    async apply(workshopId, change) {
      let people = inCall.get(workshopId);
      if (!people) inCall.set(workshopId, (people = new Map()));
      const before = JSON.stringify(presence(workshopId));
      if (change.kind === 'joined') people.set(change.personId, change.roomId);
      if (change.kind === 'left' && people.get(change.personId) === change.roomId) people.delete(change.personId);
      if (change.kind === 'finished') for (const [personId, roomId] of people) if (roomId === change.roomId) people.delete(personId);
      if (people.size === 0) inCall.delete(workshopId);
      const after = presence(workshopId);
      const stopped: { personId: string; roomId: string }[] = [];
      for (const [personId, roomId] of [...(speaking.get(workshopId) ?? [])]) {
        if (after[personId] === roomId) continue;
        stopSpeaking(workshopId, personId);
        stopped.push({ personId, roomId });
      }
      return { inCall: JSON.stringify(after) !== before ? after : null, stopped };
    },
    async callOf(workshopId, personId) {
      return inCall.get(workshopId)?.get(personId);
    },
    async speak(workshopId, personId, roomId, isSpeaking) {
      if (inCall.get(workshopId)?.get(personId) !== roomId) return 'not_in_call';
      let people = speaking.get(workshopId);
      if ((people?.get(personId) === roomId) === isSpeaking) return 'unchanged';
      if (isSpeaking) {
        if (!people) speaking.set(workshopId, (people = new Map()));
        people.set(personId, roomId);
      } else stopSpeaking(workshopId, personId);
      return 'changed';
    },
    async read(workshopId) {
      return { inCall: presence(workshopId), speaking: [...(speaking.get(workshopId)?.keys() ?? [])].sort() };
    },
    async track(workshopId, change) {
      let byPerson = published.get(workshopId);
      if (!byPerson) published.set(workshopId, (byPerson = new Map()));
      if (change.kind === 'published') {
        let entry = byPerson.get(change.personId);
        // Tracks of a call the person has left (a move) do not count in the new one.
        if (!entry || entry.roomId !== change.roomId) byPerson.set(change.personId, (entry = { roomId: change.roomId, tracks: new Map() }));
        entry.tracks.set(change.trackSid, change.audio);
      }
      if (change.kind === 'unpublished') {
        const entry = byPerson.get(change.personId);
        if (entry?.roomId === change.roomId) entry.tracks.delete(change.trackSid);
      }
      if (change.kind === 'left' && byPerson.get(change.personId)?.roomId === change.roomId) byPerson.delete(change.personId);
      if (change.kind === 'finished') for (const [personId, entry] of byPerson) if (entry.roomId === change.roomId) byPerson.delete(personId);
      if (byPerson.size === 0) published.delete(workshopId);
    },
    async audioTracks(workshopId, roomId) {
      const audio: Record<string, string[]> = {};
      let any = false;
      for (const [personId, entry] of published.get(workshopId) ?? []) {
        if (entry.roomId !== roomId) continue;
        audio[personId] = [...entry.tracks].filter(([, isAudio]) => isAudio).map(([sid]) => sid);
        any = true;
      }
      return any ? audio : null;
    },
  };
}

/** A media token handed out: whom to take out of which call later. */
export interface IssuedMediaToken {
  workshopId: string;
  personId: string;
  roomId: string;
  facilitator: boolean;
}

/** Whether LiveKit answered that the participant or room does not exist (already gone: nothing to do). */
function notFound(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  const code = (error as { code?: unknown } | null)?.code;
  return status === 404 || code === 'not_found';
}

/**
 * Audio and video through LiveKit: one LiveKit room per Werkraum room (the plenary and each
 * breakout room), tokens only for the room a person is in, people taken out of a room's call
 * when they leave the room (moved, round over, removed), and the moderation's mutes.
 */
export class MediaDomain {
  private readonly roomService: RoomService | null;
  /**
   * The room (and whether it carried the moderation's grant) of the last token handed to each
   * person, per workshop: whom to take out of which call.
   */
  private readonly issued = new Map<string, Map<string, { roomId: string; facilitator: boolean }>>();
  /**
   * Who is in which call (as LiveKit's webhooks report it), who speaks there, and the tracks each
   * person publishes there (from `track_published` / `track_unpublished` webhooks).
   */
  private readonly calls: CallState;
  /** Recent speaking reports per `workshopId:personId`: the start of the window and how many. */
  private readonly speakingReports = new Map<string, { since: number; count: number }>();
  private readonly webhooks: WebhookReceiver | null;

  constructor(private readonly deps: MediaDeps) {
    const settings = deps.settings;
    this.roomService =
      deps.roomService ??
      (settings ? new RoomServiceClient(settings.url, settings.apiKey, settings.apiSecret, { requestTimeout: LIVEKIT_API_TIMEOUT_SECONDS }) : null);
    this.webhooks = settings ? new WebhookReceiver(settings.apiKey, settings.apiSecret) : null;
    this.calls = deps.calls ?? memoryCallState();
  }

  /** Whether audio and video are available, where the browser connects, and who is in which call. */
  async status(actor: Actor): Promise<MediaStatus> {
    await this.deps.people.current(actor);
    const [{ links, permissions, spotlights }, { inCall, speaking }] = await Promise.all([this.settingsOf(actor.workshopId), this.callsOf(actor.workshopId)]);
    return {
      enabled: this.deps.settings !== null,
      url: this.deps.settings?.url ?? null,
      inCall,
      speaking,
      links,
      permissions,
      spotlights,
    };
  }

  /**
   * Who is in which call and who speaks, for a snapshot. Nobody when the shared state cannot be read
   * (Redis away): a join or resume without the call presence is better than none.
   */
  private async callsOf(workshopId: string): Promise<{ inCall: Record<string, string>; speaking: string[] }> {
    try {
      return await this.calls.read(workshopId);
    } catch (error) {
      this.deps.log('reading who is in a call failed', error);
      return { inCall: {}, speaking: [] };
    }
  }

  /** A workshop's links and permissions (the defaults until the moderation changes them). */
  async settingsOf(workshopId: string): Promise<MediaSettingsRecord> {
    return (await this.deps.store.getMediaSettings(workshopId)) ?? { workshopId, version: 0, links: {}, permissions: DEFAULT_MEDIA_PERMISSIONS, spotlights: {} };
  }

  /**
   * Facilitators: whether participants may use their camera and share their screen. New tokens
   * carry it; participants already in a call get the new permission through LiveKit's
   * UpdateParticipant (LiveKit then stops tracks that are no longer allowed).
   */
  async setPermissions(actor: Actor, permissions: MediaPermissions): Promise<MediaSettings> {
    const settings = await this.changeSettings(actor, (current) =>
      current.permissions.camera === permissions.camera && current.permissions.screenShare === permissions.screenShare
        ? current
        : { ...current, permissions: { camera: permissions.camera, screenShare: permissions.screenShare } },
    );
    const service = this.roomService;
    const issued = [...(this.issued.get(actor.workshopId) ?? [])];
    if (service && issued.length > 0) {
      const people = new Map((await this.deps.people.peopleRecords(actor.workshopId)).map((person) => [person.id, person]));
      await Promise.all(
        issued.map(async ([personId, { roomId }]) => {
          const person = people.get(personId);
          if (!person || isFacilitator(person.role)) return;
          const permission = { canPublish: true, canSubscribe: true, canPublishData: true, canPublishSources: publishSources(person.role, settings.permissions) };
          try {
            await service.updateParticipant(liveKitRoomName(actor.workshopId, roomId), personId, { permission });
          } catch (error) {
            if (!notFound(error)) this.deps.log(`LiveKit: could not update a participant's permissions in ${roomId}`, error);
          }
        }),
      );
    }
    return settings;
  }

  /** Facilitators: puts a person of the room first in its call for everyone, or ends that (`null`). */
  async spotlight(actor: Actor, roomId: string, personId: string | null): Promise<MediaSettings> {
    const person = await this.deps.people.current(actor);
    if (!isFacilitator(person.role)) throw new DomainError('forbidden', 'Only the moderation can put someone in the spotlight.');
    await this.requireRoom(actor.workshopId, roomId);
    if (personId !== null) await this.requirePersonInRoom(actor.workshopId, roomId, personId);
    return this.changeSettings(actor, (current) => {
      if ((current.spotlights[roomId] ?? null) === personId) return current;
      const spotlights = { ...current.spotlights };
      if (personId === null) delete spotlights[roomId];
      else spotlights[roomId] = personId;
      return { ...current, spotlights };
    });
  }

  /** Facilitators: asks a person in the room to switch their microphone on; only they can. */
  async askUnmute(actor: Actor, roomId: string, personId: string): Promise<{ personId: string }> {
    const person = await this.deps.people.current(actor);
    if (!isFacilitator(person.role)) throw new DomainError('forbidden', 'Only the moderation can ask people to unmute.');
    await this.requireRoom(actor.workshopId, roomId);
    await this.requirePersonInRoom(actor.workshopId, roomId, personId);
    this.deps.notifier.toPerson(personId, 'media:unmuteRequest', { fromName: person.displayName, roomId });
    return { personId };
  }

  private async requireRoom(workshopId: string, roomId: string): Promise<void> {
    const { rounds } = await loadRoomState(this.deps.store, workshopId);
    if (roomId !== PLENARY_ROOM && !rounds.some((round) => round.rooms.some((room) => room.id === roomId))) {
      throw new DomainError('invalid_state', 'There is no such room.', 'roomId');
    }
  }

  /** The person must be in the workshop and, now, in that room. */
  private async requirePersonInRoom(workshopId: string, roomId: string, personId: string): Promise<void> {
    const target = await this.deps.store.getPerson(workshopId, personId);
    if (!target || target.removedAt) throw new DomainError('person_not_found', 'This person is not in the workshop.', 'personId');
    const { rounds, timer } = await loadRoomState(this.deps.store, workshopId);
    if (mediaRoomOf(personId, rounds, timer, this.deps.clock()) !== roomId) {
      throw new DomainError('invalid_state', 'This person is not in this room.', 'personId');
    }
  }

  /** Applies a facilitator's change to the settings, saves it and tells the workshop. */
  private async changeSettings(actor: Actor, apply: (current: MediaSettingsRecord) => MediaSettingsRecord): Promise<MediaSettings> {
    const person = await this.deps.people.current(actor);
    if (!isFacilitator(person.role)) throw new DomainError('forbidden', 'Only the moderation can change audio and video settings.');
    const { record, changed } = await updateVersioned<MediaSettingsRecord>(
      `media:settings:${actor.workshopId}`,
      () => this.settingsOf(actor.workshopId),
      (next) => this.deps.store.saveMediaSettings(next),
      apply,
    );
    const settings = { links: record.links, permissions: record.permissions, spotlights: record.spotlights };
    if (changed) this.deps.notifier.toWorkshop(actor.workshopId, 'media:settings', settings);
    return settings;
  }

  /**
   * Facilitators: the external meeting link (BigBlueButton, Jitsi, Zoom) of the plenary or of a
   * breakout room, for workshops without LiveKit or as a fallback; `null` removes it.
   */
  async setLink(actor: Actor, roomId: string, url: string | null): Promise<MediaSettings> {
    const person = await this.deps.people.current(actor);
    if (!isFacilitator(person.role)) throw new DomainError('forbidden', 'Only the moderation can set meeting links.');
    await this.requireRoom(actor.workshopId, roomId);
    return this.changeSettings(actor, (current) => {
      if ((current.links[roomId] ?? null) === url) return current;
      const links = { ...current.links };
      if (url === null) delete links[roomId];
      else links[roomId] = url;
      return { ...current, links };
    });
  }

  /**
   * A webhook of the LiveKit server (signed with the API secret over the body's SHA-256): keeps who
   * is in which call and tells the workshop. Events of rooms that are not ours are accepted and ignored.
   */
  async webhook(body: string, authorization: string | undefined): Promise<WebhookOutcome> {
    if (!this.webhooks) return 'off';
    let event;
    try {
      event = await this.webhooks.receive(body, authorization);
    } catch {
      return 'unauthorized';
    }
    const room = parseLiveKitRoomName(event.room?.name ?? '');
    if (!room) return 'accepted';
    const identity = event.participant?.identity;
    const track = event.track;
    const trackChange: TrackChange | null =
      (event.event === 'track_published' || event.event === 'track_unpublished') && identity && track
        ? {
            kind: event.event === 'track_published' ? 'published' : 'unpublished',
            personId: identity,
            roomId: room.roomId,
            trackSid: track.sid,
            audio: track.type === TrackType.AUDIO,
          }
        : event.event === 'participant_left' && identity
          ? { kind: 'left', personId: identity, roomId: room.roomId }
          : event.event === 'room_finished'
            ? { kind: 'finished', roomId: room.roomId }
            : null;
    // Kept for every process: a mute may come from a facilitator connected to any of them.
    if (trackChange) await this.calls.track(room.workshopId, trackChange);
    const change: CallChange | null =
      event.event === 'participant_joined' && identity
        ? { kind: 'joined', personId: identity, roomId: room.roomId }
        : event.event === 'participant_left' && identity
          ? { kind: 'left', personId: identity, roomId: room.roomId }
          : event.event === 'room_finished'
            ? { kind: 'finished', roomId: room.roomId }
            : null;
    if (!change) return 'accepted';
    // Whoever is no longer in the call they spoke in (left, moved) is no longer speaking there.
    const { inCall, stopped } = await this.calls.apply(room.workshopId, change);
    if (inCall) this.deps.notifier.toWorkshop(room.workshopId, 'media:presence', { inCall });
    for (const { personId, roomId } of stopped) this.deps.notifier.toWorkshop(room.workshopId, 'media:speaking', { personId, roomId, speaking: false });
    return 'accepted';
  }

  /**
   * The audio tracks LiveKit's webhooks reported in a room's call (identity -> track sids); null when
   * none were reported, or when the shared state cannot be read (Redis away: LiveKit is asked instead).
   */
  private async publishedAudio(workshopId: string, roomId: string): Promise<Record<string, string[]> | null> {
    try {
      return await this.calls.audioTracks(workshopId, roomId);
    } catch (error) {
      this.deps.log('reading the published tracks failed', error);
      return null;
    }
  }

  /**
   * A person in a call says whether they are speaking now (their client reads LiveKit's active
   * speakers). Only people LiveKit reports in that room's call; at most
   * {@link SPEAKING_REPORTS_MAX} reports per {@link SPEAKING_WINDOW_MS}. Tells the workshop on a change.
   */
  async reportSpeaking(actor: Actor, roomId: string, speaking: boolean): Promise<{ speaking: boolean }> {
    const person = await this.deps.people.current(actor);
    const notInCall = () => new DomainError('forbidden', 'You are not in this call.', 'roomId');
    if ((await this.calls.callOf(actor.workshopId, person.id)) !== roomId) throw notInCall();
    const key = `${actor.workshopId}:${person.id}`;
    const now = this.deps.clock();
    let window = this.speakingReports.get(key);
    if (!window || now - window.since >= SPEAKING_WINDOW_MS) this.speakingReports.set(key, (window = { since: now, count: 0 }));
    if (window.count >= SPEAKING_REPORTS_MAX) throw new DomainError('rate_limited', 'Too many speaking reports; please wait a moment.');
    window.count += 1;
    // Checked again in the same step as the change: a leave reported meanwhile (on any process) wins.
    const outcome = await this.calls.speak(actor.workshopId, person.id, roomId, speaking);
    if (outcome === 'not_in_call') throw notInCall();
    if (outcome === 'changed') this.deps.notifier.toWorkshop(actor.workshopId, 'media:speaking', { personId: person.id, roomId, speaking });
    return { speaking };
  }

  /** A short-lived token for the call of `roomId`, only when that is the room the person is in now. */
  async token(actor: Actor, roomId: string): Promise<MediaGrant> {
    const settings = this.settings();
    const person = await this.deps.people.current(actor);
    return serialized(`media:${actor.workshopId}`, async () => {
      const { rounds, timer } = await loadRoomState(this.deps.store, actor.workshopId);
      const current = mediaRoomOf(person.id, rounds, timer, this.deps.clock());
      if (current !== roomId) throw new DomainError('forbidden', 'You are not in this room.', 'roomId');
      const roomName = liveKitRoomName(actor.workshopId, roomId);
      const grant = mediaGrant(person.role, roomName, (await this.settingsOf(actor.workshopId)).permissions);
      const token = new AccessToken(settings.apiKey, settings.apiSecret, {
        identity: person.id,
        name: person.displayName,
        ttl: MEDIA_TOKEN_TTL_SECONDS,
      });
      token.addGrant(grant);
      let people = this.issued.get(actor.workshopId);
      if (!people) this.issued.set(actor.workshopId, (people = new Map()));
      people.set(person.id, { roomId, facilitator: isFacilitator(person.role) });
      this.deps.shared?.issued({ workshopId: actor.workshopId, personId: person.id, roomId, facilitator: isFacilitator(person.role) });
      return {
        url: settings.url,
        token: await token.toJwt(),
        roomId,
        roomName,
        identity: person.id,
        canPublish: grant.canPublish === true,
        canShareScreen: grant.canPublishSources?.includes(TrackSource.SCREEN_SHARE) === true,
        expiresAt: this.deps.clock() + MEDIA_TOKEN_TTL_SECONDS * 1000,
      };
    });
  }

  /**
   * Facilitators: mutes the microphone of one person (`personId`) or of everyone but the caller
   * (`null`) in a room's call. Mutes each audio track LiveKit's webhooks reported published in that
   * call; only when no webhook reported any track there, reads the tracks from LiveKit's ListParticipants.
   */
  async mute(actor: Actor, roomId: string, personId: string | null): Promise<{ muted: number }> {
    this.settings();
    const person = await this.deps.people.current(actor);
    if (!isFacilitator(person.role)) throw new DomainError('forbidden', 'Only the moderation can mute others.');
    const { rounds } = await loadRoomState(this.deps.store, actor.workshopId);
    if (roomId !== PLENARY_ROOM && !rounds.some((round) => round.rooms.some((room) => room.id === roomId))) {
      throw new DomainError('invalid_state', 'There is no such room.', 'roomId');
    }
    const roomName = liveKitRoomName(actor.workshopId, roomId);
    const service = this.roomService!;
    const known = await this.publishedAudio(actor.workshopId, roomId);
    if (known) {
      // The tracks LiveKit's webhooks reported: no need to ask LiveKit who publishes what. Their
      // muted state is not reported (people unmute themselves), so every audio track is muted.
      let muted = 0;
      for (const [identity, sids] of Object.entries(known)) {
        if (personId === null ? identity === person.id : identity !== personId) continue;
        for (const sid of sids) {
          try {
            await service.mutePublishedTrack(roomName, identity, sid, true);
            muted += 1;
          } catch (error) {
            // Unpublished meanwhile (its webhook still on the way): nothing to mute.
            if (!notFound(error)) {
              this.deps.log('LiveKit API call failed', error);
              throw new DomainError('media_failed', 'The audio/video server did not answer.');
            }
          }
        }
      }
      return { muted };
    }
    // No webhook told of any track in this call (webhooks not set up): ask LiveKit.
    // A room nobody has joined yet does not exist on LiveKit: nobody to mute.
    const participants = await this.call(() => service.listParticipants(roomName).catch((error: unknown) => (notFound(error) ? [] : Promise.reject(error))));
    let muted = 0;
    for (const participant of participants) {
      if (personId === null ? participant.identity === person.id : participant.identity !== personId) continue;
      for (const track of participant.tracks) {
        if (track.type !== TrackType.AUDIO || track.muted) continue;
        await this.call(() => service.mutePublishedTrack(roomName, participant.identity, track.sid, true));
        muted += 1;
      }
    }
    return { muted };
  }

  /**
   * Takes people out of calls they no longer belong in (moved to another room, round over, removed
   * from the workshop) and out of calls whose grant no longer fits their role (a co-moderator made
   * participant or back: they rejoin with a new token), through LiveKit's RemoveParticipant.
   * Resolves when LiveKit has answered.
   */
  async revalidate(workshopId: string): Promise<void> {
    if (!this.roomService || !this.issued.has(workshopId)) return;
    // Decided under the same lock as new tokens, so a token handed out after a move is never undone
    // by a check that read the room state before the move.
    const removals = await serialized(`media:${workshopId}`, async () => {
      const issued = this.issued.get(workshopId);
      if (!issued) return [];
      const [{ rounds, timer }, people] = await Promise.all([
        loadRoomState(this.deps.store, workshopId),
        this.deps.people.peopleRecords(workshopId),
      ]);
      const present = new Map(people.filter((person) => !person.removedAt).map((person) => [person.id, person]));
      const now = this.deps.clock();
      const gone: { personId: string; roomId: string }[] = [];
      for (const [personId, { roomId, facilitator }] of issued) {
        const person = present.get(personId);
        if (person && isFacilitator(person.role) === facilitator && mediaRoomOf(personId, rounds, timer, now) === roomId) continue;
        issued.delete(personId);
        gone.push({ personId, roomId });
      }
      if (issued.size === 0) this.issued.delete(workshopId);
      return gone;
    });
    const service = this.roomService;
    await Promise.all(
      removals.map(async ({ personId, roomId }) => {
        try {
          // Every process that knows of the token sees the person leave; one of them tells LiveKit.
          if (this.deps.shared && !(await this.deps.shared.claim(`media-remove:${workshopId}:${personId}:${roomId}`, 10_000))) return;
          await service.removeParticipant(liveKitRoomName(workshopId, roomId), personId);
        } catch (error) {
          if (!notFound(error)) this.deps.log(`LiveKit: could not remove a participant from ${roomId}`, error);
        }
      }),
    );
  }

  /** Another process handed out a media token: this one takes the person out of that call too, if needed. */
  rememberIssued(entry: IssuedMediaToken): void {
    if (!this.roomService) return;
    let people = this.issued.get(entry.workshopId);
    if (!people) this.issued.set(entry.workshopId, (people = new Map()));
    people.set(entry.personId, { roomId: entry.roomId, facilitator: entry.facilitator });
  }

  /** Checks every workshop whose people hold media tokens (a round's grace period running out). */
  async revalidateAll(): Promise<void> {
    for (const workshopId of [...this.issued.keys()]) await this.revalidate(workshopId);
  }

  private settings(): LiveKitSettings {
    if (!this.deps.settings) throw new DomainError('media_off', 'Audio and video are not set up on this server.');
    return this.deps.settings;
  }

  /** A RoomService call whose failure becomes `media_failed` for the caller. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.deps.log('LiveKit API call failed', error);
      throw new DomainError('media_failed', 'The audio/video server did not answer.');
    }
  }
}
