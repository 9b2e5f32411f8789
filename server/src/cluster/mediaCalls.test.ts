import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryCallState, type CallState } from '../domain/media.js';
import { TEST_REDIS_URL, dropRedisPrefix } from '../test/redis.js';
import { redisCallState, type RedisCallState } from './mediaCalls.js';

/** The same steps against the in-memory state (one process) and the Redis one (several). */
describe.each(['memory', 'redis'] as const)('who is in which call (%s)', (kind) => {
  const opened: RedisCallState[] = [];
  const prefixes: string[] = [];
  afterEach(async () => {
    for (const state of opened.splice(0)) await state.close();
    for (const prefix of prefixes.splice(0)) await dropRedisPrefix(prefix);
  });
  async function open(): Promise<{ state: CallState; prefix: string }> {
    const prefix = `test-${randomBytes(6).toString('hex')}`;
    if (kind === 'memory') return { state: memoryCallState(), prefix };
    prefixes.push(prefix);
    const state = await redisCallState(TEST_REDIS_URL, prefix, () => undefined);
    opened.push(state);
    return { state, prefix };
  }

  it('a move counts the new call; the old call’s late leave, a finished room and speaking follow', async () => {
    const { state, prefix } = await open();
    expect(await state.speak('w', 'ana', 'plenary', true)).toBe('not_in_call');
    expect(await state.apply('w', { kind: 'joined', personId: 'ana', roomId: 'plenary' })).toEqual({ inCall: { ana: 'plenary' }, stopped: [] });
    expect(await state.apply('w', { kind: 'joined', personId: 'ana', roomId: 'plenary' })).toEqual({ inCall: null, stopped: [] });
    expect(await state.apply('w', { kind: 'joined', personId: 'ben', roomId: 'plenary' })).toEqual({ inCall: { ana: 'plenary', ben: 'plenary' }, stopped: [] });
    expect(await state.speak('w', 'ana', 'plenary', true)).toBe('changed');
    expect(await state.speak('w', 'ana', 'plenary', true)).toBe('unchanged');
    expect(await state.speak('w', 'ana', 'room-x', true)).toBe('not_in_call');
    expect(await state.read('w')).toEqual({ inCall: { ana: 'plenary', ben: 'plenary' }, speaking: ['ana'] });
    if (kind === 'redis') {
      const client = new Redis(TEST_REDIS_URL);
      try {
        for (const key of [`${prefix}:media:incall:w`, `${prefix}:media:speaking:w`]) {
          const ttl = await client.ttl(key);
          expect(ttl).toBeGreaterThan(24 * 60 * 60 - 60);
          expect(ttl).toBeLessThanOrEqual(24 * 60 * 60);
        }
      } finally {
        client.disconnect();
      }
    }

    // Ana moves to room X: the join comes first, it ends her speaking in the plenary.
    expect(await state.apply('w', { kind: 'joined', personId: 'ana', roomId: 'room-x' })).toEqual({
      inCall: { ana: 'room-x', ben: 'plenary' },
      stopped: [{ personId: 'ana', roomId: 'plenary' }],
    });
    // The plenary's leave arrives late: she stays in room X.
    expect(await state.apply('w', { kind: 'left', personId: 'ana', roomId: 'plenary' })).toEqual({ inCall: null, stopped: [] });
    expect(await state.callOf('w', 'ana')).toBe('room-x');
    // Another workshop is apart.
    expect(await state.read('other')).toEqual({ inCall: {}, speaking: [] });

    // The plenary's call ends: Ben is out, Ana stays in room X.
    expect(await state.speak('w', 'ben', 'plenary', true)).toBe('changed');
    expect(await state.apply('w', { kind: 'finished', roomId: 'plenary' })).toEqual({ inCall: { ana: 'room-x' }, stopped: [{ personId: 'ben', roomId: 'plenary' }] });
    expect(await state.apply('w', { kind: 'left', personId: 'ana', roomId: 'room-x' })).toEqual({ inCall: {}, stopped: [] });
    expect(await state.read('w')).toEqual({ inCall: {}, speaking: [] });
  });

  it('the published tracks a mute acts on: a publish, an unpublish, a move, a leave and a finished room', async () => {
    const { state, prefix } = await open();
    expect(await state.audioTracks('w', 'plenary')).toBeNull();
    await state.track('w', { kind: 'published', personId: 'ana', roomId: 'plenary', trackSid: 'TR_mic', audio: true });
    await state.track('w', { kind: 'published', personId: 'ana', roomId: 'plenary', trackSid: 'TR_cam', audio: false });
    await state.track('w', { kind: 'published', personId: 'ben', roomId: 'plenary', trackSid: 'TR_ben', audio: true });
    expect(await state.audioTracks('w', 'plenary')).toEqual({ ana: ['TR_mic'], ben: ['TR_ben'] });
    expect(await state.audioTracks('w', 'room-x')).toBeNull();
    expect(await state.audioTracks('other', 'plenary')).toBeNull();
    if (kind === 'redis') {
      const client = new Redis(TEST_REDIS_URL);
      try {
        const ttl = await client.ttl(`${prefix}:media:tracks:w`);
        expect(ttl).toBeGreaterThan(24 * 60 * 60 - 60);
        expect(ttl).toBeLessThanOrEqual(24 * 60 * 60);
      } finally {
        client.disconnect();
      }
    }

    // An unpublish names its call: one of another call changes nothing. Ana, without tracks, still counts as reported.
    await state.track('w', { kind: 'unpublished', personId: 'ana', roomId: 'room-x', trackSid: 'TR_mic', audio: true });
    expect(await state.audioTracks('w', 'plenary')).toEqual({ ana: ['TR_mic'], ben: ['TR_ben'] });
    await state.track('w', { kind: 'unpublished', personId: 'ana', roomId: 'plenary', trackSid: 'TR_mic', audio: true });
    await state.track('w', { kind: 'unpublished', personId: 'ana', roomId: 'plenary', trackSid: 'TR_cam', audio: false });
    expect(await state.audioTracks('w', 'plenary')).toEqual({ ana: [], ben: ['TR_ben'] });

    // Ben moves to room X: his plenary tracks no longer count; the plenary's late leave keeps the new ones.
    await state.track('w', { kind: 'published', personId: 'ben', roomId: 'room-x', trackSid: 'TR_ben2', audio: true });
    await state.track('w', { kind: 'left', personId: 'ben', roomId: 'plenary' });
    expect(await state.audioTracks('w', 'plenary')).toEqual({ ana: [] });
    expect(await state.audioTracks('w', 'room-x')).toEqual({ ben: ['TR_ben2'] });

    // The plenary's call ends: Ana's entry goes, Ben's in room X stays until he leaves it.
    await state.track('w', { kind: 'finished', roomId: 'plenary' });
    expect(await state.audioTracks('w', 'plenary')).toBeNull();
    expect(await state.audioTracks('w', 'room-x')).toEqual({ ben: ['TR_ben2'] });
    await state.track('w', { kind: 'left', personId: 'ben', roomId: 'room-x' });
    expect(await state.audioTracks('w', 'room-x')).toBeNull();
    if (kind === 'redis') {
      const client = new Redis(TEST_REDIS_URL);
      try {
        expect(await client.exists(`${prefix}:media:tracks:w`)).toBe(0);
      } finally {
        client.disconnect();
      }
    }
  });
});
