import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenVerifier, type ClaimGrants } from 'livekit-server-sdk';
import type { Ack } from '@werkraum/shared/errors';
import type { AgendaBlockView, BreakoutRound, MediaGrant } from '@werkraum/shared/protocol';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { FAKE_LIVEKIT_KEY, FAKE_LIVEKIT_SECRET, FakeLiveKit } from '../test/fakeLiveKit.js';
import { Harness, okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

/** Asserts a refused acknowledgement with `code`. */
function expectError(ack: Ack<unknown>, code: string) {
  expect(ack.ok, `expected error ${code}, got ${JSON.stringify(ack)}`).toBe(false);
  if (!ack.ok) expect(ack.error.code).toBe(code);
}

const STARTS_AT = '2026-12-01T14:00:00+01:00';
const T0 = Date.parse(STARTS_AT);
const idOf = (client: TestClient) => client.snapshot!.session.personId;
const verifier = new TokenVerifier(FAKE_LIVEKIT_KEY, FAKE_LIVEKIT_SECRET);

/** A granted token, checked for real with LiveKit's verifier and the API secret. */
async function claimsOf(grant: MediaGrant): Promise<ClaimGrants> {
  return verifier.verify(grant.token);
}

describe('audio and video over sockets (against a fake LiveKit API)', () => {
  const harness = new Harness();
  let liveKit: FakeLiveKit;
  let clock: TestClock;
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mia: TestClient;
  let ana: TestClient;
  let ben: TestClient;
  const room = (roomId: string) => `werkraum:${workshop.id}:${roomId}`;

  beforeEach(async () => {
    liveKit = await new FakeLiveKit().start();
    clock = new TestClock(T0 - 5 * MINUTE_MS);
    server = await harness.start({ now: clock.now, liveKit: liveKit.settings(), randomSeed: () => 7 });
    workshop = await harness.createWorkshop(server, { title: 'Teamtag', startsAt: STARTS_AT, language: 'de' });
    mia = await harness.join(server, workshop, 'moderator', 'Mia');
    ana = await harness.join(server, workshop, 'participant', 'Ana');
    ben = await harness.join(server, workshop, 'participant', 'Ben');
  });
  afterEach(async () => {
    await harness.cleanup();
    await liveKit.close();
  });

  const token = async (client: TestClient, roomId: string) => okData(await client.call('media:token', { roomId }));

  async function addBlock(afterBlockId: string | null, title: string, type: AgendaBlockView['type'], plannedMinutes: number): Promise<string> {
    const ack = await mia.call('agenda:addBlock', { afterBlockId, block: { title, type, plannedMinutes, description: '', moderationNotes: '' } });
    return okData(ack).blockId;
  }

  /** Agenda (arrival, breakout), a manual round with Ana in room A and Ben in room B, opened. */
  async function openRound(): Promise<{ round: BreakoutRound; roomA: string; roomB: string }> {
    const arrival = await addBlock(null, 'Ankommen', 'arrival', 5);
    const breakout = await addBlock(arrival, 'Gruppenarbeit', 'breakout', 20);
    const { roundId } = okData(
      await mia.call('breakout:saveRound', { blockId: breakout, rooms: [{ name: 'Raum A', task: '' }, { name: 'Raum B', task: '' }], assignmentMode: 'manual' }),
    );
    const prepared = okData(await mia.call('breakout:get', {})).rounds[0]!;
    const [roomA, roomB] = prepared.rooms.map((candidate) => candidate.id) as [string, string];
    okData(await mia.call('breakout:assign', { roundId, personId: idOf(ana), roomId: roomA }));
    okData(await mia.call('breakout:assign', { roundId, personId: idOf(ben), roomId: roomB }));
    clock.set(T0);
    okData(await mia.call('agenda:control', { action: 'start' }));
    clock.advance(5 * MINUTE_MS);
    okData(await mia.call('agenda:control', { action: 'next' }));
    const round = okData(await mia.call('breakout:get', {})).rounds[0]!;
    expect(round.openedAt).not.toBeNull();
    return { round, roomA, roomB };
  }

  it('says A/V is on and where to connect', async () => {
    expect(okData(await ana.call('media:status', {}))).toEqual({ enabled: true, url: liveKit.url, inCall: {}, speaking: [], links: {}, permissions: { camera: true, screenShare: false }, spotlights: {} });
  });

  it('gives a plenary token whose signed grant names the room, the person and what the role may publish', async () => {
    const grant = await token(ana, PLENARY_ROOM);
    expect(grant).toMatchObject({ url: liveKit.url, roomId: PLENARY_ROOM, roomName: room(PLENARY_ROOM), identity: idOf(ana), canPublish: true, canShareScreen: false });
    const claims = await claimsOf(grant);
    expect(claims.sub).toBe(idOf(ana));
    expect(claims.name).toBe('Ana');
    expect(claims.video).toMatchObject({ room: room(PLENARY_ROOM), roomJoin: true, canPublish: true, canSubscribe: true, roomAdmin: false });
    expect(claims.video?.canPublishSources).toEqual(['microphone', 'camera']);
    // A short lifetime: ten minutes from now.
    expect(claims.exp! - claims.nbf!).toBe(600);

    const moderator = await claimsOf(await token(mia, PLENARY_ROOM));
    expect(moderator.sub).toBe(idOf(mia));
    expect(moderator.video).toMatchObject({ room: room(PLENARY_ROOM), roomAdmin: true, canPublish: true });
    expect(moderator.video?.canPublishSources).toEqual(['microphone', 'camera', 'screen_share', 'screen_share_audio']);

    // A token signed with another secret is not one of ours.
    await expect(new TokenVerifier(FAKE_LIVEKIT_KEY, 'another-secret-of-at-least-thirty-two-chars').verify(grant.token)).rejects.toThrow();
  });

  it('refuses rooms that are not the person\'s, and people who have not joined', async () => {
    const outsider = await harness.connect(server);
    expectError(await outsider.call('media:token', { roomId: PLENARY_ROOM }), 'not_joined');
    expectError(await ana.call('media:token', { roomId: 'no-such-room' }), 'forbidden');
    expectError(await ana.raw('media:token', { roomId: 42 }), 'invalid_payload');
  });

  it('moves the call with the breakout round: own room only, a move means a new room and removal from the old', async () => {
    // Before the round both are in the plenary call.
    await liveKit.join((await token(ana, PLENARY_ROOM)).token);
    await liveKit.join((await token(ben, PLENARY_ROOM)).token);
    expect(liveKit.identities(room(PLENARY_ROOM))).toEqual([idOf(ana), idOf(ben)].sort());

    const { round, roomA, roomB } = await openRound();
    // Rooms opened: LiveKit is told to take both out of the plenary call.
    await waitFor(() => liveKit.identities(room(PLENARY_ROOM)).length === 0, 'participants removed from the plenary call');
    const removed = liveKit.callsOf('RemoveParticipant').map((call) => call.body);
    expect(removed).toHaveLength(2);
    expect(removed).toEqual(expect.arrayContaining([idOf(ana), idOf(ben)].map((identity) => ({ room: room(PLENARY_ROOM), identity }))));

    // Ana's token is for room A only.
    const inA = await token(ana, roomA);
    expect((await claimsOf(inA)).video?.room).toBe(room(roomA));
    expectError(await ana.call('media:token', { roomId: roomB }), 'forbidden');
    expectError(await ana.call('media:token', { roomId: PLENARY_ROOM }), 'forbidden');
    await liveKit.join(inA.token);
    expect(liveKit.identities(room(roomA))).toEqual([idOf(ana)]);

    // The moderation moves Ana to room B: she leaves A's call and her token is for B now.
    okData(await mia.call('breakout:assign', { roundId: round.id, personId: idOf(ana), roomId: roomB }));
    await waitFor(() => liveKit.identities(room(roomA)).length === 0, 'Ana removed from room A');
    expect(liveKit.callsOf('RemoveParticipant').at(-1)?.body).toEqual({ room: room(roomA), identity: idOf(ana) });
    // The server's calls carry an admin grant for exactly that room.
    expect(liveKit.callsOf('RemoveParticipant').at(-1)?.grant.video).toMatchObject({ roomAdmin: true, room: room(roomA) });
    expectError(await ana.call('media:token', { roomId: roomA }), 'forbidden');
    expect((await claimsOf(await token(ana, roomB))).video?.room).toBe(room(roomB));

    // The round ends: everyone is back in the plenary call, and out of the rooms' calls.
    await liveKit.join((await token(ana, roomB)).token);
    okData(await mia.call('breakout:close', { roundId: round.id, roomId: null }));
    await waitFor(() => liveKit.identities(room(roomB)).length === 0, 'Ana removed from room B');
    expectError(await ana.call('media:token', { roomId: roomB }), 'forbidden');
    expect((await claimsOf(await token(ana, PLENARY_ROOM))).video?.room).toBe(room(PLENARY_ROOM));
    expect(server.logs).toEqual([]);
  });

  it('lets a visiting moderator into the visited room\'s call and back', async () => {
    const { round, roomA } = await openRound();
    expect((await claimsOf(await token(mia, PLENARY_ROOM))).video?.roomAdmin).toBe(true);
    expectError(await mia.call('media:token', { roomId: roomA }), 'forbidden');

    okData(await mia.call('breakout:visit', { roundId: round.id, roomId: roomA }));
    const visiting = await claimsOf(await token(mia, roomA));
    expect(visiting.video).toMatchObject({ room: room(roomA), roomAdmin: true });
    await liveKit.join((await token(mia, roomA)).token);

    okData(await mia.call('breakout:visit', { roundId: round.id, roomId: null }));
    await waitFor(() => liveKit.identities(room(roomA)).length === 0, 'the moderator left room A');
    expect((await claimsOf(await token(mia, PLENARY_ROOM))).video?.room).toBe(room(PLENARY_ROOM));
  });

  it('takes a removed person out of the call and gives them no token', async () => {
    await liveKit.join((await token(ben, PLENARY_ROOM)).token);
    okData(await mia.call('people:remove', { personId: idOf(ben) }));
    await waitFor(() => liveKit.identities(room(PLENARY_ROOM)).length === 0, 'Ben removed from the call');
    expect(liveKit.callsOf('RemoveParticipant').map((call) => call.body)).toEqual([{ room: room(PLENARY_ROOM), identity: idOf(ben) }]);
  });

  it('takes a person whose role changed out of the call, so they rejoin with the grant of their new role', async () => {
    await liveKit.join((await token(ana, PLENARY_ROOM)).token);
    okData(await mia.call('people:setRole', { personId: idOf(ana), role: 'coModerator' }));
    await waitFor(() => liveKit.identities(room(PLENARY_ROOM)).length === 0, 'Ana taken out of the call');
    expect(liveKit.callsOf('RemoveParticipant').map((call) => call.body)).toEqual([{ room: room(PLENARY_ROOM), identity: idOf(ana) }]);
    const promoted = await claimsOf(await token(ana, PLENARY_ROOM));
    expect(promoted.video).toMatchObject({ room: room(PLENARY_ROOM), roomAdmin: true });
  });

  it('mutes everyone else\'s microphone for the moderation; participants may not', async () => {
    // Nobody has joined the call yet: LiveKit knows no such room, and there is nothing to mute.
    expect(okData(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: null }))).toEqual({ muted: 0 });
    for (const client of [mia, ana, ben]) {
      await liveKit.join((await token(client, PLENARY_ROOM)).token);
      liveKit.publishMicrophone(room(PLENARY_ROOM), idOf(client));
    }
    const listed = liveKit.callsOf('ListParticipants').length;
    expectError(await ana.call('media:mute', { roomId: PLENARY_ROOM, personId: null }), 'forbidden');
    // A refused participant causes no call to LiveKit at all.
    expect(liveKit.callsOf('ListParticipants').length).toBe(listed);
    expect(liveKit.callsOf('MutePublishedTrack')).toEqual([]);

    expect(okData(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: null }))).toEqual({ muted: 2 });
    const participants = liveKit.rooms.get(room(PLENARY_ROOM))!;
    const mutes = liveKit.callsOf('MutePublishedTrack').map((call) => call.body);
    expect(mutes.sort((a, b) => String(a.identity).localeCompare(String(b.identity)))).toEqual(
      [ana, ben]
        .map((client) => ({ room: room(PLENARY_ROOM), identity: idOf(client), trackSid: participants.get(idOf(client))!.tracks[0]!.sid, muted: true }))
        .sort((a, b) => a.identity.localeCompare(b.identity)),
    );
    // The moderator's own microphone stays on; already muted tracks are not muted again.
    expect(participants.get(idOf(mia))!.tracks[0]!.muted).toBe(false);
    expect(okData(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: null }))).toEqual({ muted: 0 });

    // One person: only that person's track.
    const again = liveKit.publishMicrophone(room(PLENARY_ROOM), idOf(ana));
    expect(okData(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: idOf(ana) }))).toEqual({ muted: 1 });
    expect(liveKit.callsOf('MutePublishedTrack').at(-1)?.body).toEqual({ room: room(PLENARY_ROOM), identity: idOf(ana), trackSid: again.sid, muted: true });
    expectError(await mia.call('media:mute', { roomId: 'no-such-room', personId: null }), 'invalid_state');
  });

  it('mutes everyone else\'s microphone from the tracks LiveKit\'s webhooks reported, without asking LiveKit who publishes', async () => {
    const hook = `${server.baseUrl}/api/livekit/webhook`;
    const plenary = room(PLENARY_ROOM);
    const mics = new Map<string, string>();
    for (const client of [mia, ana, ben]) {
      await liveKit.join((await token(client, PLENARY_ROOM)).token);
      expect(await liveKit.sendWebhook(hook, { event: 'participant_joined', room: plenary, identity: idOf(client) })).toBe(200);
      mics.set(idOf(client), (await liveKit.publishMicrophoneAndNotify(hook, plenary, idOf(client))).sid);
    }
    // Ben also shares a camera: a video track, never muted by the moderation's mute.
    const camera = { sid: 'TR_ben_camera', type: 'VIDEO' as const, source: 'CAMERA' as const, muted: false };
    liveKit.rooms.get(plenary)!.get(idOf(ben))!.tracks.push(camera);
    expect(await liveKit.sendWebhook(hook, { event: 'track_published', room: plenary, identity: idOf(ben), track: camera })).toBe(200);

    expect(okData(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: null }))).toEqual({ muted: 2 });
    expect(liveKit.callsOf('ListParticipants')).toEqual([]);
    const byIdentity = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.identity).localeCompare(String(b.identity));
    expect(liveKit.callsOf('MutePublishedTrack').map((call) => call.body).sort(byIdentity)).toEqual(
      [ana, ben].map((client) => ({ room: plenary, identity: idOf(client), trackSid: mics.get(idOf(client)), muted: true })).sort(byIdentity),
    );
    expect(liveKit.rooms.get(plenary)!.get(idOf(mia))!.tracks[0]!.muted).toBe(false);

    // Ana stops her microphone and starts a new one: only the new track is muted.
    await liveKit.unpublishAndNotify(hook, plenary, idOf(ana), mics.get(idOf(ana))!);
    const fresh = await liveKit.publishMicrophoneAndNotify(hook, plenary, idOf(ana));
    const before = liveKit.callsOf('MutePublishedTrack').length;
    expect(okData(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: idOf(ana) }))).toEqual({ muted: 1 });
    expect(liveKit.callsOf('MutePublishedTrack').slice(before).map((call) => call.body)).toEqual([{ room: plenary, identity: idOf(ana), trackSid: fresh.sid, muted: true }]);

    // Ben leaves the call: his tracks are forgotten with him.
    expect(await liveKit.sendWebhook(hook, { event: 'participant_left', room: plenary, identity: idOf(ben) })).toBe(200);
    const beforeAll = liveKit.callsOf('MutePublishedTrack').length;
    expect(okData(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: null }))).toEqual({ muted: 1 });
    expect(liveKit.callsOf('MutePublishedTrack').slice(beforeAll).map((call) => call.body.identity)).toEqual([idOf(ana)]);
    expect(liveKit.callsOf('ListParticipants')).toEqual([]);
  });

  it('tells the workshop who speaks in a call, only from people in that call and not too often', async () => {
    const hook = `${server.baseUrl}/api/livekit/webhook`;
    const plenary = room(PLENARY_ROOM);
    // Not in any call yet: refused.
    expectError(await ana.call('media:speaking', { roomId: PLENARY_ROOM, speaking: true }), 'forbidden');
    expectError(await ana.raw('media:speaking', { roomId: PLENARY_ROOM, speaking: 'yes' }), 'invalid_payload');
    expect(await liveKit.sendWebhook(hook, { event: 'participant_joined', room: plenary, identity: idOf(ana) })).toBe(200);
    // In the plenary call, but not in another room's.
    expectError(await ana.call('media:speaking', { roomId: 'some-room', speaking: true }), 'forbidden');

    okData(await ana.call('media:speaking', { roomId: PLENARY_ROOM, speaking: true }));
    await waitFor(() => ben.eventsOf('media:speaking').length === 1, 'Ben hears that Ana speaks');
    expect(ben.eventsOf('media:speaking')).toEqual([{ personId: idOf(ana), roomId: PLENARY_ROOM, speaking: true }]);
    expect(okData(await mia.call('media:status', {})).speaking).toEqual([idOf(ana)]);
    // Ben is not in the call: he cannot claim to speak.
    expectError(await ben.call('media:speaking', { roomId: PLENARY_ROOM, speaking: true }), 'forbidden');

    okData(await ana.call('media:speaking', { roomId: PLENARY_ROOM, speaking: false }));
    await waitFor(() => ben.eventsOf('media:speaking').length === 2, 'Ben hears that Ana stopped');
    expect(ben.eventsOf('media:speaking').at(-1)).toEqual({ personId: idOf(ana), roomId: PLENARY_ROOM, speaking: false });

    // Too many reports in a short time are refused until the window has passed.
    let refused = 0;
    for (let index = 0; index < 25; index += 1) {
      const ack = await ana.call('media:speaking', { roomId: PLENARY_ROOM, speaking: index % 2 === 0 });
      if (!ack.ok) {
        expect(ack.error.code).toBe('rate_limited');
        refused += 1;
      }
    }
    expect(refused).toBe(7);
    clock.advance(10_000);
    okData(await ana.call('media:speaking', { roomId: PLENARY_ROOM, speaking: true }));

    // Moving to another call while speaking ends the speaking in the old one.
    await waitFor(() => ben.eventsOf('media:speaking').at(-1)?.speaking === true, 'Ana speaks again');
    let seen = ben.eventsOf('media:speaking').length;
    expect(await liveKit.sendWebhook(hook, { event: 'participant_joined', room: room('room-x'), identity: idOf(ana) })).toBe(200);
    await waitFor(() => ben.eventsOf('media:speaking').length === seen + 1, 'Ana no longer speaks in the plenary');
    expect(ben.eventsOf('media:speaking').at(-1)).toEqual({ personId: idOf(ana), roomId: PLENARY_ROOM, speaking: false });
    expectError(await ana.call('media:speaking', { roomId: PLENARY_ROOM, speaking: true }), 'forbidden');
    okData(await ana.call('media:speaking', { roomId: 'room-x', speaking: true }));
    await waitFor(() => ben.eventsOf('media:speaking').length === seen + 2, 'Ana speaks in her new call');

    // Leaving the call while speaking ends the speaking.
    seen = ben.eventsOf('media:speaking').length;
    expect(await liveKit.sendWebhook(hook, { event: 'participant_left', room: room('room-x'), identity: idOf(ana) })).toBe(200);
    await waitFor(() => ben.eventsOf('media:speaking').length === seen + 1, 'Ana no longer speaks');
    expect(ben.eventsOf('media:speaking').at(-1)).toEqual({ personId: idOf(ana), roomId: 'room-x', speaking: false });
    expect(okData(await mia.call('media:status', {})).speaking).toEqual([]);
  });

  it('lets the moderation allow or forbid participants\' cameras and screens, in new tokens and in running calls', async () => {
    await liveKit.join((await token(ana, PLENARY_ROOM)).token);
    await liveKit.join((await token(mia, PLENARY_ROOM)).token);
    expectError(await ana.call('media:setPermissions', { camera: true, screenShare: true }), 'forbidden');
    expect(liveKit.callsOf('UpdateParticipant')).toEqual([]);

    const settings = okData(await mia.call('media:setPermissions', { camera: false, screenShare: true }));
    expect(settings).toEqual({ links: {}, permissions: { camera: false, screenShare: true }, spotlights: {} });
    await waitFor(() => ben.eventsOf('media:settings').length === 1, 'the workshop hears of the change');
    // Ana, in the call, gets the new permission from LiveKit; the moderator is not touched.
    expect(liveKit.callsOf('UpdateParticipant').map((call) => call.body)).toEqual([
      {
        room: room(PLENARY_ROOM),
        identity: idOf(ana),
        permission: { canSubscribe: true, canPublish: true, canPublishData: true, canPublishSources: ['MICROPHONE', 'SCREEN_SHARE', 'SCREEN_SHARE_AUDIO'] },
      },
    ]);
    // New tokens carry it too.
    expect((await claimsOf(await token(ben, PLENARY_ROOM))).video?.canPublishSources).toEqual(['microphone', 'screen_share', 'screen_share_audio']);
    expect((await token(ben, PLENARY_ROOM)).canShareScreen).toBe(true);
    expect((await claimsOf(await token(mia, PLENARY_ROOM))).video?.canPublishSources).toEqual(['microphone', 'camera', 'screen_share', 'screen_share_audio']);
    expect(okData(await ben.call('media:status', {})).permissions).toEqual({ camera: false, screenShare: true });
    expect(server.logs).toEqual([]);
  });

  it('lets the moderation spotlight a speaker and ask someone to unmute, in the room they are in', async () => {
    const spotlit = okData(await mia.call('media:spotlight', { roomId: PLENARY_ROOM, personId: idOf(ana) }));
    expect(spotlit.spotlights).toEqual({ [PLENARY_ROOM]: idOf(ana) });
    await waitFor(() => ben.eventsOf('media:settings').length === 1, 'everyone hears of the spotlight');
    expect(ben.eventsOf('media:settings')[0]!.spotlights).toEqual({ [PLENARY_ROOM]: idOf(ana) });
    expect(okData(await ben.call('media:status', {})).spotlights).toEqual({ [PLENARY_ROOM]: idOf(ana) });
    expectError(await ben.call('media:spotlight', { roomId: PLENARY_ROOM, personId: idOf(ben) }), 'forbidden');
    expectError(await mia.call('media:spotlight', { roomId: PLENARY_ROOM, personId: 'nobody' }), 'person_not_found');
    expect(okData(await mia.call('media:spotlight', { roomId: PLENARY_ROOM, personId: null })).spotlights).toEqual({});

    okData(await mia.call('media:askUnmute', { roomId: PLENARY_ROOM, personId: idOf(ben) }));
    await waitFor(() => ben.eventsOf('media:unmuteRequest').length === 1, 'Ben is asked to unmute');
    expect(ben.eventsOf('media:unmuteRequest')).toEqual([{ fromName: 'Mia', roomId: PLENARY_ROOM }]);
    expect(ana.eventsOf('media:unmuteRequest')).toEqual([]);
    expectError(await ana.call('media:askUnmute', { roomId: PLENARY_ROOM, personId: idOf(ben) }), 'forbidden');

    // In a breakout round, only people in that room.
    const { roomA } = await openRound();
    expectError(await mia.call('media:askUnmute', { roomId: roomA, personId: idOf(ben) }), 'invalid_state');
    okData(await mia.call('media:askUnmute', { roomId: roomA, personId: idOf(ana) }));
    await waitFor(() => ana.eventsOf('media:unmuteRequest').length === 1, 'Ana is asked in her room');
  });

  it('answers media_failed when LiveKit cannot be reached', async () => {
    await liveKit.close();
    expectError(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: null }), 'media_failed');
    expect(server.logs.map((entry) => entry.message)).toEqual(['LiveKit API call failed']);
    // Tokens need no call to LiveKit.
    expect((await token(ana, PLENARY_ROOM)).roomName).toBe(room(PLENARY_ROOM));
  });
});

describe('audio and video switched off (no LiveKit settings)', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  it('says so, and no media event succeeds', async () => {
    const server = await harness.start();
    const workshop = await harness.createWorkshop(server);
    const mia = await harness.join(server, workshop, 'moderator', 'Mia');
    const ana = await harness.join(server, workshop, 'participant', 'Ana');
    expect(okData(await ana.call('media:status', {}))).toEqual({ enabled: false, url: null, inCall: {}, speaking: [], links: {}, permissions: { camera: true, screenShare: false }, spotlights: {} });
    expectError(await ana.call('media:token', { roomId: PLENARY_ROOM }), 'media_off');
    expectError(await mia.call('media:token', { roomId: PLENARY_ROOM }), 'media_off');
    expectError(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: null }), 'media_off');
    expect(server.logs).toEqual([]);
  });

  it('offers external meeting links instead: set by the moderation, seen by everyone, kept on the server', async () => {
    const server = await harness.start();
    const workshop = await harness.createWorkshop(server);
    const mia = await harness.join(server, workshop, 'moderator', 'Mia');
    const ana = await harness.join(server, workshop, 'participant', 'Ana');
    const link = 'https://jitsi.example.org/Teamtag-Plenum';
    expect(okData(await mia.call('media:setLink', { roomId: PLENARY_ROOM, url: `  ${link} ` }))).toEqual({ links: { [PLENARY_ROOM]: link }, permissions: { camera: true, screenShare: false }, spotlights: {} });
    await waitFor(() => ana.eventsOf('media:settings').length === 1, 'the link reaches the participant');
    expect(ana.eventsOf('media:settings')).toEqual([{ links: { [PLENARY_ROOM]: link }, permissions: { camera: true, screenShare: false }, spotlights: {} }]);
    expect(okData(await ana.call('media:status', {})).links).toEqual({ [PLENARY_ROOM]: link });

    // Participants may not set links; only web addresses, only rooms that exist.
    expectError(await ana.call('media:setLink', { roomId: PLENARY_ROOM, url: 'https://evil.example.org' }), 'forbidden');
    expectError(await mia.call('media:setLink', { roomId: PLENARY_ROOM, url: 'javascript:alert(1)' }), 'invalid_payload');
    expectError(await mia.call('media:setLink', { roomId: PLENARY_ROOM, url: 'https://a.example.org/' + 'x'.repeat(500) }), 'invalid_payload');
    expectError(await mia.call('media:setLink', { roomId: 'no-such-room', url: link }), 'invalid_state');
    expect(okData(await mia.call('media:status', {})).links).toEqual({ [PLENARY_ROOM]: link });

    // A restart keeps it; null removes it.
    await server.close();
    const again = await harness.start({ dataFile: server.dataFile });
    const mia2 = await harness.resume(again, workshop.id, mia.snapshot!.session.personToken);
    expect(okData(await mia2.call('media:status', {})).links).toEqual({ [PLENARY_ROOM]: link });
    expect(okData(await mia2.call('media:setLink', { roomId: PLENARY_ROOM, url: null }))).toEqual({ links: {}, permissions: { camera: true, screenShare: false }, spotlights: {} });
    expect(okData(await mia2.call('media:status', {})).links).toEqual({});
  });
});

describe('LiveKit webhooks: who is in which call', () => {
  const harness = new Harness();
  let liveKit: FakeLiveKit;
  afterEach(async () => {
    await harness.cleanup();
    await liveKit.close();
  });

  it('keeps who is in a call from signed webhooks and tells the workshop; unsigned ones are refused', async () => {
    liveKit = await new FakeLiveKit().start();
    const server = await harness.start({ liveKit: liveKit.settings() });
    const workshop = await harness.createWorkshop(server);
    const mia = await harness.join(server, workshop, 'moderator', 'Mia');
    const ana = await harness.join(server, workshop, 'participant', 'Ana');
    const hook = `${server.baseUrl}/api/livekit/webhook`;
    const plenary = `werkraum:${workshop.id}:${PLENARY_ROOM}`;
    expect(okData(await mia.call('media:status', {})).inCall).toEqual({});

    expect(await liveKit.sendWebhook(hook, { event: 'participant_joined', room: plenary, identity: idOf(ana) })).toBe(200);
    await waitFor(() => mia.eventsOf('media:presence').length === 1, 'presence after the join');
    expect(mia.eventsOf('media:presence')).toEqual([{ inCall: { [idOf(ana)]: PLENARY_ROOM } }]);
    expect(okData(await ana.call('media:status', {})).inCall).toEqual({ [idOf(ana)]: PLENARY_ROOM });

    // Signed with another secret, or not signed: refused, and nothing changes.
    expect(await liveKit.sendWebhook(hook, { event: 'participant_left', room: plenary, identity: idOf(ana) }, 'another-secret-of-at-least-thirty-two-chars')).toBe(401);
    const unsigned = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/webhook+json' }, body: '{"event":"room_finished"}' });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect(okData(await mia.call('media:status', {})).inCall).toEqual({ [idOf(ana)]: PLENARY_ROOM });

    // Rooms of other applications on the same LiveKit are ignored.
    expect(await liveKit.sendWebhook(hook, { event: 'participant_joined', room: 'someone-elses-room', identity: 'x' })).toBe(200);

    expect(await liveKit.sendWebhook(hook, { event: 'participant_left', room: plenary, identity: idOf(ana) })).toBe(200);
    await waitFor(() => mia.eventsOf('media:presence').length === 2, 'presence after the leave');
    expect(mia.eventsOf('media:presence').at(-1)).toEqual({ inCall: {} });
    expect(server.logs.map((entry) => entry.message)).toEqual(['HTTP 401 unauthorized: POST "/api/livekit/webhook"', 'HTTP 401 unauthorized: POST "/api/livekit/webhook"']);
  });

  it('answers 404 on a server without LiveKit', async () => {
    liveKit = await new FakeLiveKit().start();
    const server = await harness.start();
    expect(await liveKit.sendWebhook(`${server.baseUrl}/api/livekit/webhook`, { event: 'room_finished', room: 'werkraum:w:plenary' })).toBe(404);
  });
});
