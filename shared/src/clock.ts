/**
 * The server-authoritative clock as seen by a client.
 *
 * The server owns the clock and sends deadlines (server epoch ms), never ticks. Each client
 * estimates the offset between its own clock and the server's from ping/pong round trips and
 * converts deadlines with it, so every participant sees the same remaining second even when
 * their system clocks are minutes off.
 *
 * Pure and side-effect free: the local clock is injected, nothing here reads the time itself.
 */

/** One round trip: client time when the ping left, server time stamped by the server, client time when the pong came back. */
export interface ClockSample {
  /** Local clock (ms) when the ping was sent. */
  clientSentAt: number;
  /** Server epoch ms stamped by the server while handling the ping. */
  serverTime: number;
  /** Local clock (ms) when the pong arrived. */
  clientReceivedAt: number;
}

/** The best current estimate of the server clock relative to the local clock. */
export interface ClockEstimate {
  /** Add to local time to get server time: `serverTime ≈ localTime + offsetMs`. */
  offsetMs: number;
  /** Round trip of the sample(s) the offset came from; the offset is accurate to within ±roundTripMs / 2. */
  roundTripMs: number;
  /** How many usable samples the estimate was chosen from. */
  samples: number;
}

/** Pings the client sends right after connecting, to get a good estimate quickly. */
export const CLOCK_SYNC_INITIAL_SAMPLES = 5;

/** Spacing of the single pings the client keeps sending afterwards, so drift of the local clock is tracked. */
export const CLOCK_SYNC_INTERVAL_MS = 30_000;

/** Default size of the window of most recent samples a {@link ServerClock} estimates from. */
export const CLOCK_SYNC_MAX_SAMPLES = 16;

/**
 * Default longest round trip a {@link ServerClock} accepts. A round trip this long means a stalled
 * tab or a broken connection; its ±5 s error bound would make the countdown visibly wrong.
 */
export const CLOCK_SYNC_MAX_ROUND_TRIP_MS = 10_000;

/** Round trip of one sample: time between sending the ping and receiving the pong, on the local clock. */
export function sampleRoundTripMs(sample: ClockSample): number {
  return sample.clientReceivedAt - sample.clientSentAt;
}

/**
 * Offset implied by one sample, NTP-style: the server stamped its time somewhere between send and
 * receive; assuming the midpoint, `offset = serverTime - (sent + received) / 2`. Whatever the real
 * split of the delay between the two directions, the error is at most half the round trip.
 */
export function sampleOffsetMs(sample: ClockSample): number {
  return sample.serverTime - (sample.clientSentAt + sample.clientReceivedAt) / 2;
}

/** A sample is usable when all its times are finite numbers and its round trip is not negative. */
function isUsableSample(sample: ClockSample): boolean {
  return (
    Number.isFinite(sample.clientSentAt) &&
    Number.isFinite(sample.serverTime) &&
    Number.isFinite(sample.clientReceivedAt) &&
    sampleRoundTripMs(sample) >= 0
  );
}

/**
 * Estimates the offset of the server clock from a set of samples, NTP-style:
 * `offset = serverTime - (sent + received) / 2` per sample, taken from the sample with the smallest
 * round trip because its error bound (rtt / 2) is the tightest. When several samples share that
 * smallest round trip, their offsets are averaged.
 *
 * Unusable samples (non-finite times, negative round trip) are ignored; returns null when none is left.
 */
export function estimateClockOffset(samples: readonly ClockSample[]): ClockEstimate | null {
  let bestRoundTrip = Infinity;
  let offsetSum = 0;
  let bestCount = 0;
  let usable = 0;
  for (const sample of samples) {
    if (!isUsableSample(sample)) continue;
    usable += 1;
    const roundTrip = sampleRoundTripMs(sample);
    if (roundTrip < bestRoundTrip) {
      bestRoundTrip = roundTrip;
      offsetSum = sampleOffsetMs(sample);
      bestCount = 1;
    } else if (roundTrip === bestRoundTrip) {
      offsetSum += sampleOffsetMs(sample);
      bestCount += 1;
    }
  }
  if (usable === 0) return null;
  return { offsetMs: offsetSum / bestCount, roundTripMs: bestRoundTrip, samples: usable };
}

/** Options of a {@link ServerClock}. */
export interface ServerClockOptions {
  /** How many of the most recent accepted samples to estimate from (default {@link CLOCK_SYNC_MAX_SAMPLES}). */
  maxSamples?: number;
  /** Samples with a longer round trip are ignored (default {@link CLOCK_SYNC_MAX_ROUND_TRIP_MS}). */
  maxRoundTripMs?: number;
}

/**
 * The client's view of the server clock: collects ping/pong samples and converts between local
 * and server time with the best recent one.
 *
 * Only a window of the most recent samples is kept, because the local clock drifts against the
 * server's: an old sample with a tiny round trip would otherwise win forever while its offset
 * grows stale.
 */
export class ServerClock {
  readonly #localNow: () => number;
  readonly #maxSamples: number;
  readonly #maxRoundTripMs: number;
  #samples: ClockSample[] = [];
  #estimate: ClockEstimate | null = null;
  /** Set by `restart()`: the next sample replaces the window. */
  #stale = false;

  /**
   * @param localNow A monotonic local clock in epoch-like ms; in the browser
   *   `() => performance.timeOrigin + performance.now()` (Date.now() jumps when the system clock is set).
   * @param options Window size and the longest acceptable round trip.
   */
  constructor(localNow: () => number, options: ServerClockOptions = {}) {
    const maxSamples = options.maxSamples ?? CLOCK_SYNC_MAX_SAMPLES;
    if (!Number.isInteger(maxSamples) || maxSamples < 1) {
      throw new RangeError(`maxSamples must be a positive integer, got ${maxSamples}`);
    }
    const maxRoundTripMs = options.maxRoundTripMs ?? CLOCK_SYNC_MAX_ROUND_TRIP_MS;
    if (Number.isNaN(maxRoundTripMs) || maxRoundTripMs < 0) {
      throw new RangeError(`maxRoundTripMs must be a non-negative number, got ${maxRoundTripMs}`);
    }
    this.#localNow = localNow;
    this.#maxSamples = maxSamples;
    this.#maxRoundTripMs = maxRoundTripMs;
  }

  /**
   * Marks the samples as out of date (after a reconnect or when the device woke up: a monotonic
   * clock may have stood still while it slept). The current estimate stays in use until the next
   * sample arrives, which then starts a fresh window.
   */
  restart(): void {
    this.#stale = true;
  }

  /**
   * Records one round trip. Samples with non-finite times, a negative round trip (the local clock
   * went backwards) or a round trip above `maxRoundTripMs` (stalled tab) are ignored; the oldest
   * sample leaves the window when it is full.
   */
  addSample(sample: ClockSample): void {
    if (!isUsableSample(sample) || sampleRoundTripMs(sample) > this.#maxRoundTripMs) return;
    if (this.#stale) {
      this.#samples = [];
      this.#stale = false;
    }
    // Copy so that later mutation of the caller's object cannot change the estimate behind our back.
    this.#samples.push({
      clientSentAt: sample.clientSentAt,
      serverTime: sample.serverTime,
      clientReceivedAt: sample.clientReceivedAt,
    });
    if (this.#samples.length > this.#maxSamples) {
      this.#samples.splice(0, this.#samples.length - this.#maxSamples);
    }
    this.#estimate = estimateClockOffset(this.#samples);
  }

  /** The current estimate from the window of recent samples, or null before the first accepted sample. */
  get estimate(): ClockEstimate | null {
    return this.#estimate;
  }

  /** True once at least one sample has been accepted. */
  get synced(): boolean {
    return this.#estimate !== null;
  }

  /** The accepted samples in the window, oldest first (a copy). */
  get samples(): readonly ClockSample[] {
    return this.#samples.map((sample) => ({ ...sample }));
  }

  /** Estimated server time now; before any sample this is the local time, the best guess available. */
  now(): number {
    return this.#localNow() + (this.#estimate?.offsetMs ?? 0);
  }

  /** Converts a server time (e.g. a deadline) to the local clock, e.g. to schedule a timeout. */
  toLocal(serverTime: number): number {
    return serverTime - (this.#estimate?.offsetMs ?? 0);
  }

  /** Converts a local clock reading to estimated server time. */
  toServer(localTime: number): number {
    return localTime + (this.#estimate?.offsetMs ?? 0);
  }
}

/** Two-digit zero padding for minutes and seconds. */
function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** Formats whole seconds as "mm:ss", or "h:mm:ss" from one hour on. */
function formatSeconds(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(seconds)}` : `${pad2(minutes)}:${pad2(seconds)}`;
}

/**
 * Formats the countdown: "12:05" for 725_000 ms remaining, "1:02:03" from one hour on, "+00:45"
 * when overrun by 45 s (also "+1:02:03" for long overruns).
 *
 * Remaining time is rounded UP to whole seconds (0.2 s left shows "00:01", exactly 0 shows
 * "00:00"), so "00:00" appears exactly when the time is up. Overrun is rounded DOWN (0.9 s over
 * shows "+00:00"), so the overrun counter ticks to "+00:01" one full second after the deadline.
 * Non-finite input (a broken computation upstream) shows "--:--" rather than "NaN:NaN".
 */
export function formatRemaining(remainingMs: number): string {
  if (!Number.isFinite(remainingMs)) return '--:--';
  if (remainingMs >= 0) return formatSeconds(Math.ceil(remainingMs / 1000));
  return `+${formatSeconds(Math.floor(-remainingMs / 1000))}`;
}

// ---------------------------------------------------------------------------------------------
// Countdowns

/**
 * The displayed seconds of a countdown to `deadlineMs` at server time `serverNowMs`.
 *
 * Positive: whole seconds left, rounded up (0.2 s left shows 1). Zero or negative: the deadline has
 * passed, by `-value` whole seconds rounded down (0.9 s over shows 0, i.e. "+00:00").
 *
 * The value is constant on the half-open intervals `[deadline + n·1000, deadline + (n+1)·1000)`
 * and changes only at the deadline's own second boundaries, never at whole seconds of the clock.
 * So a screen that redraws at any moment (a clock sample, a re-render, a late join) shows what a
 * perfectly timed screen shows at that moment, and screens that agree on the server time change
 * their display together. NaN for non-finite input.
 */
export function countdownSeconds(deadlineMs: number, serverNowMs: number): number {
  if (!Number.isFinite(deadlineMs) || !Number.isFinite(serverNowMs)) return Number.NaN;
  // Index of the one-second interval of the deadline's grid that holds `serverNowMs`.
  const step = Math.floor((serverNowMs - deadlineMs) / 1000);
  // `0 - step` would be -0 for step 0; `+ 0` normalises it.
  return -step + 0;
}

/** Formats {@link countdownSeconds}: "12:05", "1:02:03", "+00:00" from the deadline on, "+00:45"; "--:--" for NaN. */
export function formatCountdown(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  return seconds > 0 ? formatSeconds(seconds) : `+${formatSeconds(-seconds)}`;
}

/**
 * The countdown text to `deadlineMs` at server time `serverNowMs`, the same on every screen:
 * `formatCountdown(countdownSeconds(deadlineMs, serverNowMs))`. "00:01" up to the deadline,
 * "+00:00" from the deadline on, "+00:01" one second later.
 */
export function countdownText(deadlineMs: number, serverNowMs: number): string {
  return formatCountdown(countdownSeconds(deadlineMs, serverNowMs));
}

/**
 * The server time of the next change of {@link countdownText} after `serverNowMs`: the next
 * boundary `deadline + n·1000` strictly after it (a moment exactly on a boundary already shows the
 * new value; its next change is one second later). Null for non-finite input.
 */
export function nextCountdownChangeAt(deadlineMs: number, serverNowMs: number): number | null {
  if (!Number.isFinite(deadlineMs) || !Number.isFinite(serverNowMs)) return null;
  return deadlineMs + (Math.floor((serverNowMs - deadlineMs) / 1000) + 1) * 1000;
}
