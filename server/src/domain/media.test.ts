import { describe, expect, it } from 'vitest';
import type { BreakoutRound } from '@werkraum/shared/protocol';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { readLiveKit } from '../config.js';
import { liveKitRoomName, mediaRoomOf } from './media.js';

/** An open-ended round (no timer on its block) with rooms A and B. */
function round(overrides: Partial<BreakoutRound> = {}): BreakoutRound {
  return {
    id: 'r1',
    blockId: 'b1',
    rooms: [
      { id: 'A', name: 'A', task: '', hostId: null, closedAt: null },
      { id: 'B', name: 'B', task: '', hostId: null, closedAt: null },
    ],
    assignmentMode: 'manual',
    roomCap: null,
    graceSeconds: 60,
    notesTemplate: '',
    assignments: { ana: 'A', ben: 'B' },
    visits: { mia: 'B' },
    openedAt: 1_000,
    endedAt: null,
    closedAt: null,
    broadcasts: [],
    helpRequests: [],
    ...overrides,
  };
}

describe('the call a person belongs in', () => {
  it('is their room while the round is open, the visited room for a moderator, else the plenary', () => {
    expect(mediaRoomOf('ana', [round()], null, 2_000)).toBe('A');
    expect(mediaRoomOf('ben', [round()], null, 2_000)).toBe('B');
    expect(mediaRoomOf('mia', [round()], null, 2_000)).toBe('B');
    expect(mediaRoomOf('cleo', [round()], null, 2_000)).toBe(PLENARY_ROOM);
  });

  it('is the plenary before the round opens, after it closed, and when the own room was closed', () => {
    expect(mediaRoomOf('ana', [round({ openedAt: null })], null, 2_000)).toBe(PLENARY_ROOM);
    expect(mediaRoomOf('ana', [round({ closedAt: 1_500, endedAt: 1_500 })], null, 2_000)).toBe(PLENARY_ROOM);
    const closedA = round().rooms.map((room) => (room.id === 'A' ? { ...room, closedAt: 1_500 } : room));
    expect(mediaRoomOf('ana', [round({ rooms: closedA })], null, 2_000)).toBe(PLENARY_ROOM);
    // Ended by the moderation: still in the room during the grace period, then back.
    expect(mediaRoomOf('ana', [round({ endedAt: 1_500 })], null, 1_500 + 59_000)).toBe('A');
    expect(mediaRoomOf('ana', [round({ endedAt: 1_500 })], null, 1_500 + 60_000)).toBe(PLENARY_ROOM);
  });

  it('has one LiveKit room name per workshop and room', () => {
    expect(liveKitRoomName('w1', PLENARY_ROOM)).toBe('werkraum:w1:plenary');
    expect(liveKitRoomName('w1', 'A')).not.toBe(liveKitRoomName('w2', 'A'));
  });
});

describe('LiveKit settings', () => {
  it('are off when none is set and complete when all three are', () => {
    expect(readLiveKit({})).toBeNull();
    expect(readLiveKit({ LIVEKIT_URL: 'wss://lk.example.org/', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 'secret' })).toEqual({
      url: 'wss://lk.example.org',
      apiKey: 'key',
      apiSecret: 'secret',
    });
  });

  it('refuses a partial or unusable configuration, naming what is missing', () => {
    expect(() => readLiveKit({ LIVEKIT_URL: 'wss://lk.example.org' })).toThrow(/missing: LIVEKIT_API_KEY, LIVEKIT_API_SECRET/);
    expect(() => readLiveKit({ LIVEKIT_URL: 'lk.example.org', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' })).toThrow(/LIVEKIT_URL must start/);
  });
});
