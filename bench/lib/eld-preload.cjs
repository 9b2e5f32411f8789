/**
 * Preloaded into every server under test (`node --require bench/lib/eld-preload.cjs ...`): measures
 * the server's own event-loop delay from inside, without touching its code.
 *
 * - `perf_hooks.monitorEventLoopDelay` (10 ms resolution) gives the delay distribution (reported
 *   as the time beyond the 10 ms timer interval).
 * - A 20 ms interval timer records every stall longer than 50 ms with its (monotonic) time, so the
 *   orchestrator can tell in which phase (join, breakout start, steady load, reconnect) it happened.
 *
 * Control goes over the IPC channel the orchestrator opens when it spawns the server
 * (stdio 'ipc'); the server code never sees these messages:
 *   { bench: 'eld', cmd: 'reset', id }          -> clears histogram and stall list
 *   { bench: 'eld', cmd: 'dump', id, gc: bool } -> answers { bench: 'eld', id, eld, stalls, mem }
 *                                                  (with gc: two full GCs first, for a heap figure;
 *                                                  needs --expose-gc)
 * When the orchestrator goes away (IPC disconnect) the server gets SIGTERM, so nothing outlives a run.
 * Without an IPC channel (started by hand) the preload does nothing.
 */
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');

if (typeof process.send === 'function') {
  const nowMs = () => Number(process.hrtime.bigint() / 1000n) / 1000;
  const RESOLUTION_MS = 10;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const TICK_MS = 20;
  const STALL_MS = 50;
  let stalls = [];
  let last = nowMs();
  const ticker = setInterval(() => {
    const t = nowMs();
    const lag = t - last - TICK_MS;
    if (lag > STALL_MS) stalls.push({ at: t - lag, ms: Math.round(lag) });
    last = t;
  }, TICK_MS);
  ticker.unref();

  // The histogram holds the interval between two wake-ups of its 10 ms timer; the delay is what exceeds 10 ms.
  const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  process.on('message', (message) => {
    if (!message || message.bench !== 'eld') return;
    if (message.cmd === 'reset') {
      histogram.reset();
      stalls = [];
      process.send({ bench: 'eld', id: message.id, ok: true });
      return;
    }
    if (message.cmd === 'dump') {
      const eld = {
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
        count: histogram.count,
      };
      const stallList = stalls;
      if (message.gc && typeof global.gc === 'function') {
        global.gc();
        global.gc();
      }
      process.send({ bench: 'eld', id: message.id, eld, stalls: stallList, mem: process.memoryUsage() });
    }
  });
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
