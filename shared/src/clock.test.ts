import { describe, it, expect } from 'vitest';
import {
  CLOCK_SYNC_INITIAL_SAMPLES,
  CLOCK_SYNC_INTERVAL_MS,
  CLOCK_SYNC_MAX_ROUND_TRIP_MS,
  CLOCK_SYNC_MAX_SAMPLES,
  ServerClock,
  estimateClockOffset,
  countdownSeconds,
  countdownText,
  formatCountdown,
  formatRemaining,
  nextCountdownChangeAt,
  sampleOffsetMs,
  sampleRoundTripMs,
} from './clock.js';
import type { ClockSample } from './clock.js';

/** Deterministic PRNG (mulberry32) so the "random" delays are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A simulated client: real time is the server's time; the client's local clock reads
 * `real + skewMs`. A ping leaves at real time `sentReal`, reaches the server after `upMs` and the
 * pong comes back after `downMs`.
 */
function simulateSample(skewMs: number, sentReal: number, upMs: number, downMs: number): ClockSample {
  return {
    clientSentAt: sentReal + skewMs,
    serverTime: sentReal + upMs,
    clientReceivedAt: sentReal + upMs + downMs + skewMs,
  };
}

/** A local clock whose reading the test sets by hand. */
function manualClock(start: number): { now: () => number; set: (value: number) => void } {
  let value = start;
  return { now: () => value, set: (next) => (value = next) };
}

const REAL_START = 1_700_000_000_000;

describe('constants', () => {
  it('has the documented sync schedule and defaults', () => {
    expect(CLOCK_SYNC_INITIAL_SAMPLES).toBe(5);
    expect(CLOCK_SYNC_INTERVAL_MS).toBe(30_000);
    expect(CLOCK_SYNC_MAX_SAMPLES).toBe(16);
    expect(CLOCK_SYNC_MAX_ROUND_TRIP_MS).toBe(10_000);
  });
});

describe('sample arithmetic', () => {
  it('computes round trip and NTP offset of one sample', () => {
    const sample: ClockSample = { clientSentAt: 1_000, serverTime: 5_050, clientReceivedAt: 1_100 };
    expect(sampleRoundTripMs(sample)).toBe(100);
    expect(sampleOffsetMs(sample)).toBe(4_000);
  });
});

describe('estimateClockOffset', () => {
  it('returns null without usable samples', () => {
    expect(estimateClockOffset([])).toBeNull();
    expect(estimateClockOffset([{ clientSentAt: 100, serverTime: 50, clientReceivedAt: 90 }])).toBeNull();
    expect(estimateClockOffset([{ clientSentAt: 0, serverTime: Number.NaN, clientReceivedAt: 10 }])).toBeNull();
    expect(estimateClockOffset([{ clientSentAt: 0, serverTime: 5, clientReceivedAt: Infinity }])).toBeNull();
  });

  it('picks the sample with the smallest round trip, whatever its position', () => {
    const samples: ClockSample[] = [
      { clientSentAt: 0, serverTime: 1_200, clientReceivedAt: 400 }, // rtt 400, offset 1000
      { clientSentAt: 1_000, serverTime: 2_030, clientReceivedAt: 1_040 }, // rtt 40, offset 1010
      { clientSentAt: 2_000, serverTime: 3_100, clientReceivedAt: 2_200 }, // rtt 200, offset 1000
    ];
    expect(estimateClockOffset(samples)).toEqual({ offsetMs: 1_010, roundTripMs: 40, samples: 3 });
  });

  it('averages the offsets of samples that share the smallest round trip', () => {
    const samples: ClockSample[] = [
      { clientSentAt: 0, serverTime: 1_020, clientReceivedAt: 40 }, // rtt 40, offset 1000
      { clientSentAt: 1_000, serverTime: 2_040, clientReceivedAt: 1_040 }, // rtt 40, offset 1020
      { clientSentAt: 2_000, serverTime: 3_300, clientReceivedAt: 2_500 }, // rtt 500
    ];
    expect(estimateClockOffset(samples)).toEqual({ offsetMs: 1_010, roundTripMs: 40, samples: 3 });
  });

  it('ignores negative round trips and counts only usable samples', () => {
    const samples: ClockSample[] = [
      { clientSentAt: 500, serverTime: 0, clientReceivedAt: 400 }, // rtt -100: local clock stepped back
      { clientSentAt: 1_000, serverTime: 1_560, clientReceivedAt: 1_120 }, // rtt 120, offset 500
    ];
    expect(estimateClockOffset(samples)).toEqual({ offsetMs: 500, roundTripMs: 120, samples: 1 });
  });

  it('a zero round trip is exact', () => {
    expect(estimateClockOffset([{ clientSentAt: 10, serverTime: 25, clientReceivedAt: 10 }])).toEqual({
      offsetMs: 15,
      roundTripMs: 0,
      samples: 1,
    });
  });

  it('with asymmetric delays (80 ms up, 10 ms down) the error is (up - down) / 2, within rtt / 2', () => {
    const skew = 180_000;
    const sample = simulateSample(skew, REAL_START, 80, 10);
    const estimate = estimateClockOffset([sample]);
    // True offset is -skew; the midpoint assumption is off by (80 - 10) / 2 = 35 ms.
    expect(estimate).toEqual({ offsetMs: -skew + 35, roundTripMs: 90, samples: 1 });
    const error = Math.abs(estimate!.offsetMs - -skew);
    expect(error).toBe(35);
    expect(error).toBeLessThanOrEqual(estimate!.roundTripMs / 2);
  });

  it('worst case: all delay in one direction puts the error exactly at rtt / 2', () => {
    const up = estimateClockOffset([simulateSample(0, REAL_START, 90, 0)])!;
    const down = estimateClockOffset([simulateSample(0, REAL_START, 0, 90)])!;
    expect(up.offsetMs).toBe(45);
    expect(down.offsetMs).toBe(-45);
  });
});

/** Builds the samples a client with the given skew collects with seeded random delays. */
function collectSamples(
  skewMs: number,
  seed: number,
  count: number,
  delays: (random: () => number) => { up: number; down: number },
): { samples: ClockSample[]; roundTrips: number[] } {
  const random = seededRandom(seed);
  const samples: ClockSample[] = [];
  const roundTrips: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const { up, down } = delays(random);
    samples.push(simulateSample(skewMs, REAL_START + i * 1_000, up, down));
    roundTrips.push(up + down);
  }
  return { samples, roundTrips };
}

/** Whole-ms delays between min and min + span. */
function delay(random: () => number, min: number, span: number): number {
  return min + Math.floor(random() * span);
}

describe('two clients with skewed clocks agree on server time', () => {
  const scenarios = [
    {
      name: 'symmetric delays',
      delays: (random: () => number) => {
        const oneWay = delay(random, 5, 120);
        return { up: oneWay, down: oneWay };
      },
    },
    {
      name: 'independent random delays',
      delays: (random: () => number) => ({ up: delay(random, 5, 200), down: delay(random, 5, 200) }),
    },
    {
      name: 'asymmetric delays (slow uplink)',
      delays: (random: () => number) => ({ up: delay(random, 60, 40), down: delay(random, 5, 10) }),
    },
  ];

  for (const scenario of scenarios) {
    it(`with ${scenario.name}`, () => {
      const ahead = { skew: 180_000, ...collectSamples(180_000, 1, CLOCK_SYNC_INITIAL_SAMPLES, scenario.delays) };
      const behind = { skew: -120_000, ...collectSamples(-120_000, 2, CLOCK_SYNC_INITIAL_SAMPLES, scenario.delays) };

      const realInstant = REAL_START + 60_000;
      const results = [ahead, behind].map((client) => {
        const local = manualClock(realInstant + client.skew);
        const clock = new ServerClock(local.now);
        for (const sample of client.samples) clock.addSample(sample);
        const estimate = clock.estimate!;

        // The chosen sample is the min-rtt one, and the offset is exactly that sample's offset.
        const minRoundTrip = Math.min(...client.roundTrips);
        expect(estimate.roundTripMs).toBe(minRoundTrip);
        const best = client.samples.filter((sample) => sampleRoundTripMs(sample) === minRoundTrip);
        const expectedOffset = best.reduce((sum, sample) => sum + sampleOffsetMs(sample), 0) / best.length;
        expect(estimate.offsetMs).toBe(expectedOffset);
        expect(estimate.samples).toBe(CLOCK_SYNC_INITIAL_SAMPLES);

        // Each estimate of "server now" is within its own bound of the real server time.
        const serverNow = clock.now();
        expect(Math.abs(serverNow - realInstant)).toBeLessThanOrEqual(estimate.roundTripMs / 2);
        return { serverNow, bound: estimate.roundTripMs / 2 };
      });

      const [a, b] = results as [(typeof results)[number], (typeof results)[number]];
      // Although the two local clocks are five minutes apart, the clients agree within the sum of the bounds.
      expect(Math.abs(a.serverNow - b.serverNow)).toBeLessThanOrEqual(a.bound + b.bound);
    });
  }

  it('converts a server deadline to each local clock consistently', () => {
    const deadline = REAL_START + 300_000;
    const ahead = new ServerClock(() => 0);
    ahead.addSample(simulateSample(180_000, REAL_START, 20, 20));
    const behind = new ServerClock(() => 0);
    behind.addSample(simulateSample(-120_000, REAL_START, 30, 30));
    // Symmetric delays: exact offsets, so the local deadlines are exactly the skewed real deadline.
    expect(ahead.toLocal(deadline)).toBe(deadline + 180_000);
    expect(behind.toLocal(deadline)).toBe(deadline - 120_000);
    expect(ahead.toServer(deadline + 180_000)).toBe(deadline);
    expect(behind.toServer(ahead.toLocal(deadline) - 300_000)).toBe(deadline);
  });
});

describe('ServerClock', () => {
  it('before any sample: not synced, no estimate, local time passes through', () => {
    const local = manualClock(42_000);
    const clock = new ServerClock(local.now);
    expect(clock.synced).toBe(false);
    expect(clock.estimate).toBeNull();
    expect(clock.now()).toBe(42_000);
    expect(clock.toLocal(50_000)).toBe(50_000);
  });

  it('after one sample: synced, now() follows the local clock plus the offset', () => {
    const local = manualClock(10_000);
    const clock = new ServerClock(local.now);
    clock.addSample({ clientSentAt: 9_900, serverTime: 1_009_950, clientReceivedAt: 10_000 });
    expect(clock.synced).toBe(true);
    expect(clock.estimate).toEqual({ offsetMs: 1_000_000, roundTripMs: 100, samples: 1 });
    expect(clock.now()).toBe(1_010_000);
    local.set(12_500);
    expect(clock.now()).toBe(1_012_500);
    expect(clock.toLocal(1_015_000)).toBe(15_000);
  });

  it('ignores negative, non-finite and absurdly long round trips', () => {
    const clock = new ServerClock(() => 0);
    clock.addSample({ clientSentAt: 100, serverTime: 0, clientReceivedAt: 50 });
    clock.addSample({ clientSentAt: 0, serverTime: Number.NaN, clientReceivedAt: 50 });
    clock.addSample({ clientSentAt: 0, serverTime: 5_000, clientReceivedAt: CLOCK_SYNC_MAX_ROUND_TRIP_MS + 1 });
    expect(clock.synced).toBe(false);
    expect(clock.samples).toEqual([]);

    // Exactly the limit is still accepted.
    clock.addSample({ clientSentAt: 0, serverTime: 5_000, clientReceivedAt: CLOCK_SYNC_MAX_ROUND_TRIP_MS });
    expect(clock.estimate).toEqual({ offsetMs: 0, roundTripMs: CLOCK_SYNC_MAX_ROUND_TRIP_MS, samples: 1 });
  });

  it('a stalled tab’s huge round trip never beats a good sample', () => {
    const clock = new ServerClock(() => 0);
    clock.addSample({ clientSentAt: 0, serverTime: 1_030, clientReceivedAt: 60 }); // rtt 60, offset 1000
    clock.addSample({ clientSentAt: 1_000, serverTime: 9_000, clientReceivedAt: 9_000 }); // rtt 8000, offset 4000
    expect(clock.estimate).toEqual({ offsetMs: 1_000, roundTripMs: 60, samples: 2 });
  });

  it('honours a custom maxRoundTripMs', () => {
    const clock = new ServerClock(() => 0, { maxRoundTripMs: 500 });
    clock.addSample({ clientSentAt: 0, serverTime: 300, clientReceivedAt: 600 });
    expect(clock.synced).toBe(false);
    clock.addSample({ clientSentAt: 0, serverTime: 250, clientReceivedAt: 500 });
    expect(clock.estimate).toEqual({ offsetMs: 0, roundTripMs: 500, samples: 1 });
  });

  it('keeps only the most recent 16 samples by default', () => {
    const clock = new ServerClock(() => 0);
    // A very good old sample with a different offset...
    clock.addSample({ clientSentAt: 0, serverTime: 505, clientReceivedAt: 10 }); // rtt 10, offset 500
    expect(clock.estimate).toEqual({ offsetMs: 500, roundTripMs: 10, samples: 1 });
    // ...followed by 15 worse ones: still inside the window, so it still wins.
    for (let i = 1; i <= 15; i += 1) {
      const sent = i * 30_000;
      clock.addSample({ clientSentAt: sent, serverTime: sent + 800 + 50 + i, clientReceivedAt: sent + 100 + 2 * i });
    }
    expect(clock.samples).toHaveLength(16);
    expect(clock.estimate).toEqual({ offsetMs: 500, roundTripMs: 10, samples: 16 });
    // The 17th pushes it out: the estimate now comes from the best of the recent ones (i = 1, rtt 102).
    const sent = 16 * 30_000;
    clock.addSample({ clientSentAt: sent, serverTime: sent + 900, clientReceivedAt: sent + 200 });
    expect(clock.samples).toHaveLength(16);
    expect(clock.samples[0]).toEqual({ clientSentAt: 30_000, serverTime: 30_851, clientReceivedAt: 30_102 });
    expect(clock.estimate).toEqual({ offsetMs: 800, roundTripMs: 102, samples: 16 });
  });

  it('follows a drifting local clock as old samples leave a small window', () => {
    // The local clock runs 1 ms per second fast: its offset to the server shrinks by 1 ms each second.
    const skewAt = (real: number) => 60_000 + (real - REAL_START) / 1_000;
    const clock = new ServerClock(() => 0, { maxSamples: 3 });
    const addAt = (real: number, rtt: number) => {
      clock.addSample(simulateSample(skewAt(real), real, rtt / 2, rtt / 2));
    };
    addAt(REAL_START, 10); // best round trip, but taken when the offset was -60_000
    addAt(REAL_START + 30_000, 40);
    addAt(REAL_START + 60_000, 40);
    // Window still holds the stale best sample.
    expect(clock.estimate!.offsetMs).toBe(-60_000);
    addAt(REAL_START + 90_000, 40);
    // The stale sample has left; the recent ones tie at rtt 40, so -60_030, -60_060 and -60_090 are averaged.
    expect(clock.estimate).toEqual({ offsetMs: -60_060, roundTripMs: 40, samples: 3 });
  });

  it('copies samples so later mutation by the caller has no effect', () => {
    const clock = new ServerClock(() => 0);
    const sample: ClockSample = { clientSentAt: 0, serverTime: 1_050, clientReceivedAt: 100 };
    clock.addSample(sample);
    sample.serverTime = 99_999;
    expect(clock.estimate!.offsetMs).toBe(1_000);
  });

  it('rejects invalid options', () => {
    expect(() => new ServerClock(() => 0, { maxSamples: 0 })).toThrow(RangeError);
    expect(() => new ServerClock(() => 0, { maxSamples: 2.5 })).toThrow(RangeError);
    expect(() => new ServerClock(() => 0, { maxRoundTripMs: -1 })).toThrow(RangeError);
  });
});

describe('formatRemaining', () => {
  it('formats minutes and seconds', () => {
    expect(formatRemaining(725_000)).toBe('12:05');
    expect(formatRemaining(59_000)).toBe('00:59');
    expect(formatRemaining(60_000)).toBe('01:00');
    expect(formatRemaining(599_000)).toBe('09:59');
    expect(formatRemaining(3_599_000)).toBe('59:59');
  });

  it('switches to h:mm:ss from one hour on', () => {
    expect(formatRemaining(3_600_000)).toBe('1:00:00');
    expect(formatRemaining(3_723_000)).toBe('1:02:03');
    expect(formatRemaining(36_000_000)).toBe('10:00:00');
    // 59:59.001 rounds up into the hour.
    expect(formatRemaining(3_599_001)).toBe('1:00:00');
  });

  it('rounds remaining time up to whole seconds', () => {
    expect(formatRemaining(0)).toBe('00:00');
    expect(formatRemaining(-0)).toBe('00:00');
    expect(formatRemaining(0.001)).toBe('00:01');
    expect(formatRemaining(1)).toBe('00:01');
    expect(formatRemaining(200)).toBe('00:01');
    expect(formatRemaining(999)).toBe('00:01');
    expect(formatRemaining(1_000)).toBe('00:01');
    expect(formatRemaining(1_001)).toBe('00:02');
    expect(formatRemaining(59_999)).toBe('01:00');
    expect(formatRemaining(724_001)).toBe('12:05');
  });

  it('rounds overrun down to whole seconds, with a leading +', () => {
    expect(formatRemaining(-0.001)).toBe('+00:00');
    expect(formatRemaining(-1)).toBe('+00:00');
    expect(formatRemaining(-900)).toBe('+00:00');
    expect(formatRemaining(-999)).toBe('+00:00');
    expect(formatRemaining(-1_000)).toBe('+00:01');
    expect(formatRemaining(-1_999)).toBe('+00:01');
    expect(formatRemaining(-45_000)).toBe('+00:45');
    expect(formatRemaining(-45_999)).toBe('+00:45');
    expect(formatRemaining(-3_599_999)).toBe('+59:59');
    expect(formatRemaining(-3_723_000)).toBe('+1:02:03');
  });

  it('shows a placeholder for non-finite input', () => {
    expect(formatRemaining(Number.NaN)).toBe('--:--');
    expect(formatRemaining(Infinity)).toBe('--:--');
    expect(formatRemaining(-Infinity)).toBe('--:--');
  });
});

describe('ServerClock.restart (after a reconnect or waking from sleep)', () => {
  it('keeps the old estimate until a new sample arrives, then forgets the old window', () => {
    let local = 1_000_000;
    const clock = new ServerClock(() => local);
    // A very good (1 ms) sample from before the device slept: offset +5,000 ms.
    clock.addSample({ clientSentAt: local, serverTime: local + 5_000, clientReceivedAt: local + 1 });
    // The device slept 10 minutes; its monotonic clock did not move, the server's did.
    clock.restart();
    expect(clock.estimate?.offsetMs).toBeCloseTo(4_999.5, 5);
    local += 100;
    clock.addSample({ clientSentAt: local, serverTime: local + 605_000 + 20, clientReceivedAt: local + 40 });
    // A worse round trip (40 ms) than the old one, but the old one no longer counts.
    expect(clock.estimate).toEqual({ offsetMs: 605_000, roundTripMs: 40, samples: 1 });
  });
});

describe('countdown on the deadline\'s own second grid', () => {
  /** Deadlines at arbitrary sub-second offsets of the server clock's whole seconds. */
  const DEADLINES = [REAL_START + 300_000, REAL_START + 300_001, REAL_START + 300_437, REAL_START + 300_999, REAL_START + 61_337];

  /**
   * What a perfectly timed screen shows at `moment`: it redraws exactly at every boundary
   * `deadline + n·1000` and shows the remaining time at that boundary, which is a whole number of
   * seconds (k seconds left shows k, the deadline itself and later show "+" the whole seconds over).
   */
  function perfectScreen(deadline: number, moment: number): string {
    let boundary = deadline - 3_600_000;
    while (boundary + 1000 <= moment) boundary += 1000;
    const wholeSecondsLeft = (deadline - boundary) / 1000;
    expect(Number.isInteger(wholeSecondsLeft)).toBe(true);
    return wholeSecondsLeft > 0 ? formatRemaining(wholeSecondsLeft * 1000) : `+${formatRemaining(-wholeSecondsLeft * 1000)}`;
  }

  it('shows at any redraw moment what a perfectly timed screen shows, also 1 ms around each boundary', () => {
    const random = seededRandom(20);
    for (const deadline of DEADLINES) {
      const moments: number[] = [];
      for (let n = -70; n <= 70; n += 1) {
        const boundary = deadline + n * 1000;
        moments.push(boundary - 1, boundary - 0.001, boundary, boundary + 0.001, boundary + 1, boundary + 500);
      }
      for (let i = 0; i < 500; i += 1) moments.push(deadline - 70_000 + random() * 140_000);
      // Moments on whole seconds of the server clock, where the old display redrew.
      for (let second = Math.ceil((deadline - 70_000) / 1000) * 1000; second < deadline + 70_000; second += 1000) moments.push(second, second + 5);
      for (const moment of moments) {
        expect(countdownText(deadline, moment), `deadline ${deadline}, moment ${moment}`).toBe(perfectScreen(deadline, moment));
      }
    }
  });

  it('counts down to "00:01", shows "+00:00" from the deadline on and "+00:01" a second later', () => {
    const deadline = REAL_START + 437;
    expect(countdownText(deadline, deadline - 60_000)).toBe('01:00');
    expect(countdownText(deadline, deadline - 59_999)).toBe('01:00');
    expect(countdownText(deadline, deadline - 59_001)).toBe('01:00');
    expect(countdownText(deadline, deadline - 59_000)).toBe('00:59');
    expect(countdownText(deadline, deadline - 1_001)).toBe('00:02');
    expect(countdownText(deadline, deadline - 1_000)).toBe('00:01');
    expect(countdownText(deadline, deadline - 1)).toBe('00:01');
    expect(countdownText(deadline, deadline)).toBe('+00:00');
    expect(countdownText(deadline, deadline + 999)).toBe('+00:00');
    expect(countdownText(deadline, deadline + 1_000)).toBe('+00:01');
    expect(countdownText(deadline, deadline + 3_723_000)).toBe('+1:02:03');
    expect(countdownText(deadline, deadline - 3_723_000)).toBe('1:02:03');
    expect(countdownSeconds(deadline, deadline + 1)).toBe(0);
    expect(Object.is(countdownSeconds(deadline, deadline + 1), -0)).toBe(false);
    expect(countdownSeconds(deadline, deadline - 0.2)).toBe(1);
    expect(countdownSeconds(deadline, deadline + 45_500)).toBe(-45);
  });

  it('names the server time of the next change, on the deadline\'s boundaries', () => {
    for (const deadline of DEADLINES) {
      for (const moment of [deadline - 5_000.5, deadline - 4_001, deadline - 1, deadline, deadline + 0.5, deadline + 12_999]) {
        const next = nextCountdownChangeAt(deadline, moment)!;
        expect(next).toBeGreaterThan(moment);
        expect(next - moment).toBeLessThanOrEqual(1000);
        expect(Math.abs((next - deadline) % 1000)).toBe(0);
        // The value changes exactly there and not before.
        expect(countdownText(deadline, next)).not.toBe(countdownText(deadline, moment));
        expect(countdownText(deadline, next - 0.001)).toBe(countdownText(deadline, moment));
      }
    }
    expect(nextCountdownChangeAt(REAL_START + 437, REAL_START + 437)).toBe(REAL_START + 1_437);
    expect(nextCountdownChangeAt(REAL_START + 437, REAL_START + 436.9)).toBe(REAL_START + 437);
  });

  it('follows a deadline moved by a non-whole number of seconds to its new boundaries', () => {
    const deadline = REAL_START + 300_000;
    const now = REAL_START + 100_250;
    expect(nextCountdownChangeAt(deadline, now)).toBe(REAL_START + 101_000);
    // Paused for 2.337 s: the deadline moves by that much.
    const moved = deadline + 2_337;
    expect(nextCountdownChangeAt(moved, now)).toBe(REAL_START + 100_337);
    expect(countdownText(moved, REAL_START + 100_336)).toBe('03:23');
    expect(countdownText(moved, REAL_START + 100_337)).toBe('03:22');
  });

  it('shows "--:--" and no next change for broken input', () => {
    expect(countdownText(Number.NaN, REAL_START)).toBe('--:--');
    expect(countdownText(REAL_START, Infinity)).toBe('--:--');
    expect(formatCountdown(Number.NaN)).toBe('--:--');
    expect(nextCountdownChangeAt(REAL_START, Number.NaN)).toBeNull();
  });
});
