import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countdownText } from '@werkraum/shared/clock';
import { BoundaryScheduler } from './countdown.js';

const SERVER_START = 1_700_000_000_000;

/**
 * A screen whose local clock is `skewMs` off the server's, with a clock estimate (`offsetMs`) that
 * the test can change as a new clock sample would. Real (server) time is the fake timers' clock.
 */
function screen(skewMs: number) {
  let offsetMs = -skewMs;
  const localNow = () => Date.now() + skewMs;
  const clock = { now: () => localNow() + offsetMs };
  const shown: { at: number; text: string }[] = [];
  let deadline = 0;
  const scheduler = new BoundaryScheduler(clock, () => shown.push({ at: Date.now(), text: countdownText(deadline, clock.now()) }));
  return {
    shown,
    scheduler,
    clock,
    setDeadline(value: number) {
      deadline = value;
      scheduler.setAnchors([value]);
    },
    /** The estimate moves without telling the scheduler (as between a sample and its listener). */
    shiftSilently(errorMs: number) {
      offsetMs = -skewMs + errorMs;
    },
    /** A clock sample moved the estimate by `errorMs` against the truth; the display redraws at once, as on a sample. */
    sample(errorMs: number) {
      offsetMs = -skewMs + errorMs;
      shown.push({ at: Date.now(), text: countdownText(deadline, clock.now()) });
      scheduler.reschedule();
    },
  };
}

describe('BoundaryScheduler: redraws at the deadline\'s own second boundaries', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(SERVER_START);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('redraws exactly when the displayed second changes, for a deadline at a sub-second offset', () => {
    const deadline = SERVER_START + 10_437;
    const one = screen(3 * 60_000);
    one.setDeadline(deadline);
    expect(one.scheduler.nextAt).toBe(SERVER_START + 437);
    vi.advanceTimersByTime(12_000);
    expect(one.shown.map((entry) => entry.at - SERVER_START)).toEqual([437, 1_437, 2_437, 3_437, 4_437, 5_437, 6_437, 7_437, 8_437, 9_437, 10_437, 11_437]);
    expect(one.shown.map((entry) => entry.text)).toEqual([
      '00:10', '00:09', '00:08', '00:07', '00:06', '00:05', '00:04', '00:03', '00:02', '00:01', '+00:00', '+00:01',
    ]);
    // Every redraw shows what a perfectly timed screen shows at that moment, also 1 ms either side.
    for (const { at, text } of one.shown) {
      expect(countdownText(deadline, at)).toBe(text);
      expect(countdownText(deadline, at - 1)).not.toBe(text);
      expect(countdownText(deadline, at + 1)).toBe(text);
    }
  });

  it('moves to the new boundaries when the deadline moves by a non-whole number of seconds', () => {
    const one = screen(-137_000);
    one.setDeadline(SERVER_START + 60_000);
    vi.advanceTimersByTime(2_500);
    expect(one.shown.map((entry) => entry.at - SERVER_START)).toEqual([1_000, 2_000]);
    // A pause of 3.321 s ends at 2.5 s: the deadline moves by 3_321 ms.
    one.shown.length = 0;
    one.setDeadline(SERVER_START + 63_321);
    expect(one.scheduler.nextAt).toBe(SERVER_START + 2_321 + 1_000);
    vi.advanceTimersByTime(2_000);
    expect(one.shown.map((entry) => entry.at - SERVER_START)).toEqual([3_321, 4_321]);
    expect(one.shown.map((entry) => entry.text)).toEqual(['01:00', '00:59']);
    // An extension by 60 s plus a bit.
    one.shown.length = 0;
    one.setDeadline(SERVER_START + 123_999);
    vi.advanceTimersByTime(1_000);
    expect(one.shown.map((entry) => entry.at - SERVER_START)).toEqual([4_999]);
    expect(one.shown[0]!.text).toBe('01:59');
  });

  it('shows the same value at every redraw as a screen with another skew, also after a clock sample between boundaries', () => {
    const deadline = SERVER_START + 30_777;
    const ahead = screen(5 * 60_000);
    const behind = screen(-2 * 60_000 - 17_000);
    ahead.setDeadline(deadline);
    behind.setDeadline(deadline);
    vi.advanceTimersByTime(1_500);
    // A sample between two boundaries (this redrew the next second early before): the value holds.
    ahead.sample(0);
    behind.sample(0);
    vi.advanceTimersByTime(1_276);
    // 1 ms before the boundary.
    ahead.sample(0);
    vi.advanceTimersByTime(2);
    // 1 ms after it.
    behind.sample(0);
    vi.advanceTimersByTime(3_000);
    for (const entry of [...ahead.shown, ...behind.shown]) {
      expect(entry.text, `at ${entry.at - SERVER_START}`).toBe(countdownText(deadline, entry.at));
    }
    const changes = (shown: { at: number; text: string }[]) =>
      shown.filter((entry, index) => index === 0 || entry.text !== shown[index - 1]!.text);
    expect(changes(ahead.shown)).toEqual(changes(behind.shown));
  });

  it('re-arms a timeout that fires before its boundary without redrawing early', () => {
    const deadline = SERVER_START + 5_250;
    const one = screen(0);
    one.setDeadline(deadline);
    expect(one.scheduler.nextAt).toBe(SERVER_START + 250);
    // The estimate learns that the server is 40 ms behind this screen's guess: the boundary is later in local time.
    vi.advanceTimersByTime(200);
    one.sample(-40);
    expect(one.scheduler.nextAt).toBe(SERVER_START + 250);
    vi.advanceTimersByTime(50);
    expect(one.shown.map((entry) => entry.text)).toEqual(['00:06']);
    vi.advanceTimersByTime(40);
    expect(one.shown.map((entry) => [entry.at - SERVER_START, entry.text])).toEqual([
      [200, '00:06'],
      [290, '00:05'],
    ]);
    // The armed timeout is for real 1_290; the estimate moves 30 ms later unannounced: the timeout
    // fires 30 ms before the boundary, re-arms, and the redraw comes at the boundary.
    one.shiftSilently(-70);
    vi.advanceTimersByTime(1_000);
    expect(one.shown).toHaveLength(2);
    vi.advanceTimersByTime(29);
    expect(one.shown).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(one.shown.at(-1)).toEqual({ at: SERVER_START + 1_320, text: '00:04' });
  });

  it('stops', () => {
    const one = screen(0);
    one.setDeadline(SERVER_START + 1_500);
    one.scheduler.stop();
    vi.advanceTimersByTime(5_000);
    expect(one.shown).toEqual([]);
    expect(one.scheduler.nextAt).toBeNull();
  });
});
