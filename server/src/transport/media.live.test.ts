import { afterEach, describe, expect, it } from 'vitest';
import { TokenVerifier } from 'livekit-server-sdk';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { readLiveKit } from '../config.js';
import { Harness, okData } from '../test/harness.js';

// Needs a running LiveKit server: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET.
const liveKit = readLiveKit(process.env);

describe.skipIf(!liveKit)('audio and video against a live LiveKit server', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  it('hands out tokens the server accepts and reaches its RoomService', async () => {
    const server = await harness.start({ liveKit: liveKit! });
    const workshop = await harness.createWorkshop(server);
    const mia = await harness.join(server, workshop, 'moderator', 'Mia');
    const grant = okData(await mia.call('media:token', { roomId: PLENARY_ROOM }));
    const claims = await new TokenVerifier(liveKit!.apiKey, liveKit!.apiSecret).verify(grant.token);
    expect(claims.video?.room).toBe(`werkraum:${workshop.id}:${PLENARY_ROOM}`);
    // Nobody is in the call: the real API answers and nothing is muted.
    expect(okData(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: null }))).toEqual({ muted: 0 });
    expect(server.logs).toEqual([]);
  });
});
