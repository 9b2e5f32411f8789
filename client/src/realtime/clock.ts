import { useEffect, useState } from 'react';
import { CLOCK_SYNC_INITIAL_SAMPLES, CLOCK_SYNC_INTERVAL_MS, ServerClock } from '@werkraum/shared/clock';
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

/**
 * The estimated server time, re-rendering on every whole second of the server clock (so all
 * clients flip their countdowns together) and when the estimate improves.
 */
export function useServerNow(active = true): number {
  const [now, setNow] = useState(() => serverClock.now());
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const current = serverClock.now();
      setNow(current);
      // Wake just after the next whole server second.
      timer = setTimeout(tick, 1000 - (current % 1000) + 5);
    };
    tick();
    const onSample = () => setNow(serverClock.now());
    listeners.add(onSample);
    return () => {
      clearTimeout(timer);
      listeners.delete(onSample);
    };
  }, [active]);
  return now;
}
