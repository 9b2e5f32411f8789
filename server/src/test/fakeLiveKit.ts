import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AccessToken, TokenVerifier, type ClaimGrants } from 'livekit-server-sdk';

/** The key pair tests give both the app and the fake. */
export const FAKE_LIVEKIT_KEY = 'APItestkey';
export const FAKE_LIVEKIT_SECRET = 'test-secret-of-at-least-thirty-two-characters';

/** A track as LiveKit's API reports it (proto3 JSON: enums by name). */
export interface FakeTrack {
  sid: string;
  type: 'AUDIO' | 'VIDEO';
  source: 'MICROPHONE' | 'CAMERA' | 'SCREEN_SHARE';
  muted: boolean;
}

/** A participant in a fake room. */
export interface FakeParticipant {
  sid: string;
  identity: string;
  name: string;
  tracks: FakeTrack[];
  /** The permission last set through UpdateParticipant (proto JSON), if any. */
  permission?: Record<string, unknown>;
}

/** One RoomService call the fake received, with the grant its Authorization token carried. */
export interface FakeCall {
  method: string;
  body: Record<string, unknown>;
  grant: ClaimGrants;
}

/**
 * A stand-in for a LiveKit server's RoomService (Twirp over HTTP with JSON bodies, as
 * `livekit-server-sdk` calls it): verifies each call's bearer token with the API secret, keeps
 * rooms and participants, and records every call. Tests put people into rooms with `join(token)`,
 * which verifies the access token the app handed out the way LiveKit does.
 */
export class FakeLiveKit {
  readonly calls: FakeCall[] = [];
  readonly rooms = new Map<string, Map<string, FakeParticipant>>();
  private readonly verifier = new TokenVerifier(FAKE_LIVEKIT_KEY, FAKE_LIVEKIT_SECRET);
  private server: Server | null = null;
  url = '';

  /** Starts on a free port of 127.0.0.1; `url` is then its ws:// address. */
  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => reply(res, 500, { code: 'internal', msg: String(error) }));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('fake LiveKit has no port');
    this.url = `ws://127.0.0.1:${address.port}`;
    return this;
  }

  /** The LiveKit settings that point the app at this fake. */
  settings(): { url: string; apiKey: string; apiSecret: string } {
    return { url: this.url, apiKey: FAKE_LIVEKIT_KEY, apiSecret: FAKE_LIVEKIT_SECRET };
  }

  /** Verifies an access token as LiveKit does and puts its holder into the token's room. */
  async join(token: string): Promise<FakeParticipant> {
    const claims = await this.verifier.verify(token);
    if (!claims.video?.roomJoin || !claims.video.room || !claims.sub) throw new Error('token does not allow joining a room');
    let room = this.rooms.get(claims.video.room);
    if (!room) this.rooms.set(claims.video.room, (room = new Map()));
    const participant: FakeParticipant = { sid: `PA_${randomUUID()}`, identity: claims.sub, name: claims.name ?? '', tracks: [] };
    room.set(participant.identity, participant);
    return participant;
  }

  /** The participant publishes a microphone track (as the browser does after joining unmuted). */
  publishMicrophone(roomName: string, identity: string): FakeTrack {
    const participant = this.rooms.get(roomName)?.get(identity);
    if (!participant) throw new Error(`${identity} is not in ${roomName}`);
    const track: FakeTrack = { sid: `TR_${randomUUID()}`, type: 'AUDIO', source: 'MICROPHONE', muted: false };
    participant.tracks.push(track);
    return track;
  }

  /**
   * The participant publishes a microphone track and LiveKit tells the app at `webhookUrl` with a
   * `track_published` webhook, as a real server does.
   */
  async publishMicrophoneAndNotify(webhookUrl: string, roomName: string, identity: string): Promise<FakeTrack> {
    const track = this.publishMicrophone(roomName, identity);
    const status = await this.sendWebhook(webhookUrl, { event: 'track_published', room: roomName, identity, track });
    if (status !== 200) throw new Error(`webhook answered ${status}`);
    return track;
  }

  /** The participant stops publishing a track; LiveKit tells the app with a `track_unpublished` webhook. */
  async unpublishAndNotify(webhookUrl: string, roomName: string, identity: string, trackSid: string): Promise<void> {
    const participant = this.rooms.get(roomName)?.get(identity);
    const track = participant?.tracks.find((candidate) => candidate.sid === trackSid);
    if (!participant || !track) throw new Error(`${identity} publishes no ${trackSid} in ${roomName}`);
    participant.tracks = participant.tracks.filter((candidate) => candidate !== track);
    const status = await this.sendWebhook(webhookUrl, { event: 'track_unpublished', room: roomName, identity, track });
    if (status !== 200) throw new Error(`webhook answered ${status}`);
  }

  /**
   * Sends a webhook to `url` as LiveKit does: JSON of the event, an `Authorization` JWT signed with
   * the API secret (or `secret`) whose `sha256` claim is the body's hash. Answers the HTTP status.
   */
  async sendWebhook(
    url: string,
    event: {
      event: 'participant_joined' | 'participant_left' | 'room_finished' | 'track_published' | 'track_unpublished';
      room: string;
      identity?: string;
      /** The track of a `track_published` / `track_unpublished` event. */
      track?: FakeTrack;
    },
    secret = FAKE_LIVEKIT_SECRET,
  ): Promise<number> {
    const body = JSON.stringify({
      event: event.event,
      id: `EV_${randomUUID()}`,
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: { sid: `RM_${event.room}`, name: event.room },
      ...(event.identity ? { participant: { sid: `PA_${event.identity}`, identity: event.identity } } : {}),
      ...(event.track ? { track: event.track } : {}),
    });
    const token = new AccessToken(FAKE_LIVEKIT_KEY, secret);
    token.sha256 = createHash('sha256').update(body).digest('base64');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json', authorization: await token.toJwt() },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** The identities in a room now. */
  identities(roomName: string): string[] {
    return [...(this.rooms.get(roomName)?.keys() ?? [])].sort();
  }

  /** The calls of one RoomService method. */
  callsOf(method: string): FakeCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return reply(res, 404, { code: 'bad_route', msg: 'no such route' });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    let grant: ClaimGrants;
    try {
      grant = await this.verifier.verify(bearer ?? '');
    } catch {
      return reply(res, 401, { code: 'unauthenticated', msg: 'invalid token' });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const method = match[1]!;
    this.calls.push({ method, body, grant });
    const roomName = String(body.room ?? '');
    if (!grant.video?.roomAdmin || grant.video.room !== roomName) return reply(res, 403, { code: 'permission_denied', msg: 'no admin grant for this room' });
    const room = this.rooms.get(roomName);
    switch (method) {
      case 'ListParticipants':
        // LiveKit creates a room when the first person joins it; before that it does not exist.
        if (!room) return reply(res, 404, { code: 'not_found', msg: 'requested room does not exist' });
        return reply(res, 200, { participants: [...room.values()] });
      case 'RemoveParticipant': {
        if (!room?.delete(String(body.identity))) return reply(res, 404, { code: 'not_found', msg: 'participant not found' });
        return reply(res, 200, {});
      }
      case 'UpdateParticipant': {
        const participant = room?.get(String(body.identity));
        if (!participant) return reply(res, 404, { code: 'not_found', msg: 'participant not found' });
        if (body.permission) participant.permission = body.permission as Record<string, unknown>;
        return reply(res, 200, participant);
      }
      case 'MutePublishedTrack': {
        const track = room?.get(String(body.identity))?.tracks.find((candidate) => candidate.sid === body.trackSid);
        if (!track) return reply(res, 404, { code: 'not_found', msg: 'track not found' });
        track.muted = body.muted === true;
        return reply(res, 200, { track });
      }
      default:
        return reply(res, 404, { code: 'bad_route', msg: `${method} is not faked` });
    }
  }
}

/** A JSON answer with the content type LiveKit's SDK reads Twirp errors from. */
function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
