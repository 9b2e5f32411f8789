import { useEffect, useState } from 'react';
import { CLOCK_SYNC_INITIAL_SAMPLES, CLOCK_SYNC_INTERVAL_MS, ServerClock, countdownSeconds, formatCountdown } from '@werkraum/shared/clock';
import { BoundaryScheduler } from './countdown.js';
import type { AppSocket } from './socket.js';
import { request } from './socket.js';

/**
 * A monotonic local clock in epoch ms. `performance.now()` never jumps when the system clock is
 * set; `timeOrigin` anchors it once per page.
 */
const localNow = () => performance.timeOrigin + performance.now();

/** This tab's estimate of the server clock; every countdown reads it. */
export const serverClock = new ServerClock(localNow);

const listeners = new Set<() => void>();

async function sample(socket: AppSocket): Promise<void> {
  const clientSentAt = localNow();
  const { serverTime } = await request(socket, 'clock:ping', {});
  serverClock.addSample({ clientSentAt, serverTime, clientReceivedAt: localNow() });
  listeners.forEach((listener) => listener());
}

/**
 * Keeps the estimate fresh: a burst of round trips on every (re)connect, then one now and then.
 * Returns a function that stops it.
 */
export function startClockSync(socket: AppSocket): () => void {
  let stopped = false;
  const burst = async () => {
    for (let i = 0; i < CLOCK_SYNC_INITIAL_SAMPLES && !stopped && socket.connected; i += 1) {
      await sample(socket).catch(() => undefined);
    }
  };
  // A new connection, or a device that woke up (its monotonic clock may have stood still while it
  // slept), starts a fresh window of samples.
  const onConnect = () => {
    serverClock.restart();
    void burst();
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible' && socket.connected) onConnect();
  };
  socket.on('connect', onConnect);
  document.addEventListener('visibilitychange', onVisible);
  if (socket.connected) void burst();
  const interval = setInterval(() => {
    if (socket.connected) void sample(socket).catch(() => undefined);
  }, CLOCK_SYNC_INTERVAL_MS);
  return () => {
    stopped = true;
    socket.off('connect', onConnect);
    document.removeEventListener('visibilitychange', onVisible);
    clearInterval(interval);
  };
}

/** Whole seconds of the server clock: the grid of {@link useServerNow} when it is given no anchors. */
const WHOLE_SECONDS: readonly number[] = [0];

/**
 * The estimated server time, re-rendering at the second boundaries of `anchors` (server times whose
 * grid matters to the caller, e.g. the running block's deadline and a breakout round's end, so
 * that phase changes happen at the same moment on every screen), or on whole server seconds
 * without anchors, and whenever the estimate changes.
 */
export function useServerNow(anchors: readonly number[] = WHOLE_SECONDS): number {
  const [now, setNow] = useState(() => serverClock.now());
  const key = anchors.join(' ');
  useEffect(() => redrawAtBoundaries(key.split(' ').map(Number), () => setNow(serverClock.now())), [key]);
  return now;
}

/**
 * Calls `redraw` at every second boundary of `anchors` (server times) and whenever the clock
 * estimate changes; returns the function that stops it (an effect's clean-up).
 */
function redrawAtBoundaries(anchors: number[], redraw: () => void): () => void {
  const scheduler = new BoundaryScheduler(serverClock, redraw);
  scheduler.setAnchors(anchors);
  const onSample = () => {
    redraw();
    scheduler.reschedule();
  };
  listeners.add(onSample);
  return () => {
    scheduler.stop();
    listeners.delete(onSample);
  };
}

/** What a countdown shows now: the text, its signed seconds (see `countdownSeconds`) and whether the deadline has passed. */
export interface CountdownView {
  text: string;
  seconds: number;
  overrun: boolean;
}

/**
 * A countdown to a server-time deadline, the same second on every screen: the value is a function
 * of (deadline, estimated server time) that changes only at the deadline's own second boundaries,
 * and the component re-renders exactly there (one timeout to the next boundary, re-armed when the
 * deadline or the clock estimate changes). `frozenAtMs` (a pause) holds the display at the value
 * it had at that server time. Null without a deadline.
 */
export function useCountdown(deadlineMs: number | null, frozenAtMs: number | null = null): CountdownView | null {
  const [, setRevision] = useState(0);
  useEffect(() => {
    if (deadlineMs === null || frozenAtMs !== null) return;
    return redrawAtBoundaries([deadlineMs], () => setRevision((revision) => revision + 1));
  }, [deadlineMs, frozenAtMs]);
  if (deadlineMs === null) return null;
  const seconds = countdownSeconds(deadlineMs, frozenAtMs ?? serverClock.now());
  return { text: formatCountdown(seconds), seconds, overrun: seconds <= 0 };
}

/**
 * A grace countdown (the way back from breakout rooms) never shows an overrun: at its end the view
 * changes, and a redraw in the same instant shows "00:00" rather than "+00:00".
 */
export function graceText(countdown: CountdownView | null): string {
  if (!countdown) return '';
  return countdown.overrun ? '00:00' : countdown.text;
}
