import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '@werkraum/shared/roles';
import { FakeScheduler } from '../test/fakeScheduler.js';
import { PresenceTracker } from './presence.js';

const GRACE = 1_000;

describe('PresenceTracker', () => {
  let scheduler: FakeScheduler;
  let changes: [string, ConnectionState][];
  let tracker: PresenceTracker;

  beforeEach(() => {
    scheduler = new FakeScheduler();
    changes = [];
    tracker = new PresenceTracker(GRACE, (personId, state) => changes.push([personId, state]), scheduler);
  });

  it('counts a person it has never seen as left', () => {
    expect(tracker.stateOf('nobody')).toBe('left');
    expect(changes).toEqual([]);
  });

  it('shows a person as online when a connection opens', () => {
    tracker.connect('ann', 'c1');
    expect(tracker.stateOf('ann')).toBe('online');
    expect(changes).toEqual([['ann', 'online']]);
  });

  it('shows reconnecting when the last connection closes, and left once the grace period is over', () => {
    tracker.connect('ann', 'c1');
    tracker.disconnect('ann', 'c1');
    expect(tracker.stateOf('ann')).toBe('reconnecting');
    expect(changes).toEqual([
      ['ann', 'online'],
      ['ann', 'reconnecting'],
    ]);

    scheduler.advance(GRACE - 1);
    expect(tracker.stateOf('ann')).toBe('reconnecting');
    expect(changes).toHaveLength(2);

    scheduler.advance(1);
    expect(tracker.stateOf('ann')).toBe('left');
    expect(changes.at(-1)).toEqual(['ann', 'left']);
    expect(changes).toHaveLength(3);
    expect(scheduler.pending).toBe(0);
  });

  it('goes back to online without a left when the person reconnects within the grace period', () => {
    tracker.connect('ann', 'c1');
    tracker.disconnect('ann', 'c1');
    scheduler.advance(GRACE / 2);
    tracker.connect('ann', 'c2');
    expect(tracker.stateOf('ann')).toBe('online');

    scheduler.advance(GRACE * 5);
    expect(tracker.stateOf('ann')).toBe('online');
    expect(changes).toEqual([
      ['ann', 'online'],
      ['ann', 'reconnecting'],
      ['ann', 'online'],
    ]);
    expect(scheduler.pending).toBe(0);
  });

  it('starts a fresh grace period on every disconnect', () => {
    tracker.connect('ann', 'c1');
    tracker.disconnect('ann', 'c1');
    scheduler.advance(GRACE - 10);
    tracker.connect('ann', 'c2');
    tracker.disconnect('ann', 'c2');
    scheduler.advance(GRACE - 10);
    expect(tracker.stateOf('ann')).toBe('reconnecting');
    scheduler.advance(10);
    expect(tracker.stateOf('ann')).toBe('left');
    expect(changes.filter(([, state]) => state === 'left')).toHaveLength(1);
  });

  it('keeps a person with two connections online while one of them stays open', () => {
    tracker.connect('ann', 'laptop');
    tracker.connect('ann', 'phone');
    expect(changes).toEqual([['ann', 'online']]);

    tracker.disconnect('ann', 'laptop');
    scheduler.advance(GRACE * 2);
    expect(tracker.stateOf('ann')).toBe('online');
    expect(changes).toEqual([['ann', 'online']]);

    tracker.disconnect('ann', 'phone');
    expect(tracker.stateOf('ann')).toBe('reconnecting');
    scheduler.advance(GRACE);
    expect(tracker.stateOf('ann')).toBe('left');
    expect(changes).toEqual([
      ['ann', 'online'],
      ['ann', 'reconnecting'],
      ['ann', 'left'],
    ]);
  });

  it('calls onChange only on real changes', () => {
    tracker.connect('ann', 'c1');
    tracker.connect('ann', 'c1');
    tracker.connect('ann', 'c2');
    // Unknown connection or person: nothing happens.
    tracker.disconnect('ann', 'never-opened');
    tracker.disconnect('bob', 'c9');
    expect(changes).toEqual([['ann', 'online']]);
    expect(tracker.stateOf('ann')).toBe('online');

    tracker.disconnect('ann', 'c1');
    tracker.disconnect('ann', 'c2');
    // The same connection closing twice does not start a second grace period.
    tracker.disconnect('ann', 'c2');
    expect(changes).toEqual([
      ['ann', 'online'],
      ['ann', 'reconnecting'],
    ]);
    expect(scheduler.pending).toBe(1);

    scheduler.advance(GRACE);
    tracker.disconnect('ann', 'c2');
    scheduler.advance(GRACE);
    expect(changes).toEqual([
      ['ann', 'online'],
      ['ann', 'reconnecting'],
      ['ann', 'left'],
    ]);
  });

  it('tracks people independently', () => {
    tracker.connect('ann', 'a1');
    tracker.connect('bob', 'b1');
    tracker.disconnect('ann', 'a1');
    scheduler.advance(GRACE);
    expect(tracker.stateOf('ann')).toBe('left');
    expect(tracker.stateOf('bob')).toBe('online');
    expect(changes).toEqual([
      ['ann', 'online'],
      ['bob', 'online'],
      ['ann', 'reconnecting'],
      ['ann', 'left'],
    ]);
  });

  it('shows a person who left as online again when they come back later', () => {
    tracker.connect('ann', 'c1');
    tracker.disconnect('ann', 'c1');
    scheduler.advance(GRACE);
    tracker.connect('ann', 'c2');
    expect(tracker.stateOf('ann')).toBe('online');
    expect(changes.at(-1)).toEqual(['ann', 'online']);
  });

  describe('forget()', () => {
    it('drops an online person at once, without a reconnecting phase or any onChange', () => {
      tracker.connect('ann', 'c1');
      tracker.forget('ann');
      expect(tracker.stateOf('ann')).toBe('left');
      // The removed person's socket closes right after: that must not bring them back as reconnecting.
      tracker.disconnect('ann', 'c1');
      scheduler.advance(GRACE * 2);
      expect(tracker.stateOf('ann')).toBe('left');
      expect(changes).toEqual([['ann', 'online']]);
      expect(scheduler.pending).toBe(0);
    });

    it('cancels a running grace period', () => {
      tracker.connect('ann', 'c1');
      tracker.disconnect('ann', 'c1');
      tracker.forget('ann');
      expect(scheduler.pending).toBe(0);
      scheduler.advance(GRACE * 2);
      expect(changes).toEqual([
        ['ann', 'online'],
        ['ann', 'reconnecting'],
      ]);
    });

    it('leaves other people alone and ignores unknown people', () => {
      tracker.connect('ann', 'a1');
      tracker.connect('bob', 'b1');
      tracker.forget('nobody');
      tracker.forget('ann');
      expect(tracker.stateOf('bob')).toBe('online');
      tracker.disconnect('bob', 'b1');
      scheduler.advance(GRACE);
      expect(tracker.stateOf('bob')).toBe('left');
    });
  });

  it('dispose() stops every grace timer', () => {
    tracker.connect('ann', 'a1');
    tracker.connect('bob', 'b1');
    tracker.disconnect('ann', 'a1');
    tracker.disconnect('bob', 'b1');
    expect(scheduler.pending).toBe(2);
    tracker.dispose();
    expect(scheduler.pending).toBe(0);
    const before = changes.length;
    scheduler.advance(GRACE * 2);
    expect(changes).toHaveLength(before);
  });
});
