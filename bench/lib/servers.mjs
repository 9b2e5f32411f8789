/**
 * Starting the servers under test as child processes and measuring them from outside.
 *
 * - Werkraum: the real server, `node server/dist/index.js` with PORT=0, HOST=127.0.0.1 and a fresh
 *   DATA_DIR (a temp dir), exactly as users start it after `npm run build`.
 * - Peers: bench/peers/*.mjs (see there).
 * Every server gets `--require bench/lib/eld-preload.cjs` (event-loop delay from inside, answered
 * over IPC) and `--expose-gc` (only used after a measured phase, for a heap figure). With
 * `profileDir`, also `--cpu-prof` (written when the process exits after SIGTERM) and
 * `--heapsnapshot-signal=SIGUSR2` (a heap snapshot into that directory on SIGUSR2, which the app
 * does not use).
 *
 * RSS and CPU come from /proc/<pid>/status (VmRSS) and /proc/<pid>/stat (utime + stime).
 */
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { now, sleep } from './util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');
const PRELOAD = join(here, 'eld-preload.cjs');

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The server under test did not get to a measurement request in time (overloaded). */
export class ServerStuck extends Error {}

/** RSS (bytes) and CPU time (ms, user + system) of a process, read from /proc. */
export function procSample(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at index 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  // schedstat: time on a CPU, time runnable but waiting for one (run queue), in ns (all threads of the main task).
  let waitMs = NaN;
  try {
    waitMs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    // no schedstat on this kernel
  }
  return { at: now(), rss: rssKb * 1024, cpuMs: ((utime + stime) * 1000) / CLK_TCK, waitMs };
}

/** Share of wall time the process's main thread was runnable but had no CPU (contention), in %. */
export function waitPercent(a, b) {
  return (100 * (b.waitMs - a.waitMs)) / (b.at - a.at);
}

/**
 * Waits (at most `maxMs`) until the machine is quiet: other processes use less than `busyPercent`
 * of one core over a 3-second window. The machine is shared; starting a run while someone else's
 * build runs only measures their build. Returns the last measured load.
 */
export async function waitForQuiet({ busyPercent = 35, maxMs = 120_000, log = () => {} } = {}) {
  const deadline = Date.now() + maxMs;
  let load = Infinity;
  let waited = false;
  for (;;) {
    const a = machineSample();
    await sleep(3_000);
    load = machinePercent(a, machineSample());
    if (load < busyPercent || Date.now() > deadline) return load;
    if (!waited) log(`machine busy (${load.toFixed(0)} % of a core used by others), waiting up to ${Math.round(maxMs / 1000)} s for it to calm down`);
    waited = true;
  }
}

/** Busy and total CPU time of the whole machine (all cores), in ms, from /proc/stat. */
export function machineSample() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const idle = v[3] + v[4];
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { at: now(), busyMs: ((total - idle) * 1000) / CLK_TCK, steal: (v[7] * 1000) / CLK_TCK };
}

/** Machine CPU between two samples, in percent of one core (so up to 100 x cores). */
export function machinePercent(a, b) {
  return (100 * (b.busyMs - a.busyMs)) / (b.at - a.at);
}

/** CPU use between two samples, in percent of one core. */
export function cpuPercent(a, b) {
  return (100 * (b.cpuMs - a.cpuMs)) / (b.at - a.at);
}

/**
 * Where processes run. On a small machine the load generators compete with the server for the same
 * cores, and then the figures measure the generators as much as the server. With at least two cores
 * the server (and the light orchestrator, which also takes the probe measurements) get the last
 * core, the generator processes the others: like production, where the clients are elsewhere.
 * Uses taskset (util-linux); without it, nothing is pinned.
 */
export function cpuLayout() {
  let n = 1;
  try {
    n = Number(execFileSync('nproc', ['--all']).toString().trim());
  } catch {
    return null;
  }
  if (n < 2) return null;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { server: String(n - 1), generators: n === 2 ? '0' : `0-${n - 2}` };
}

/** Pins a process (all its threads) to a CPU list; false if that is not possible. */
export function pin(pid, cpus) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const KINDS = {
  werkraum: { script: join(ROOT, 'server/dist/index.js'), ready: /Werkraum is running: \S+:(\d+)/ },
  ywss: { script: join(ROOT, 'bench/peers/y-websocket-server.mjs'), ready: /listening (\d+)/ },
  hocuspocus: { script: join(ROOT, 'bench/peers/hocuspocus.mjs'), ready: /listening (\d+)/ },
};

export const SERVER_LABEL = {
  werkraum: 'Werkraum /collab',
  ywss: '@y/websocket-server 0.1.1',
  hocuspocus: '@hocuspocus/server 3.4.4',
};

/**
 * Starts a server and resolves once it listens. Returns a handle with the port, /proc sampling,
 * the event-loop controls and `stop()`.
 */
export async function startServer(kind, { profileDir, cpus, log = () => {}, env = {} } = {}) {
  const spec = KINDS[kind];
  if (!spec) throw new Error(`unknown server kind ${kind}`);
  const dataDir = mkdtempSync(join(tmpdir(), `werkraum-bench-${kind}-`));
  const args = ['--expose-gc', '--require', PRELOAD];
  if (profileDir) {
    args.push('--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${kind}-${Date.now()}.cpuprofile`);
    args.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${profileDir}`);
  }
  // Extra V8/Node flags for diagnosis, e.g. BENCH_SERVER_ARGS='--trace-gc'; the server's output then goes to BENCH_SERVER_LOG.
  args.push(...(process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean));
  args.push(spec.script);
  // taskset execs node, so the child's pid is the server's.
  const child = spawn(cpus ? 'taskset' : process.execPath, cpus ? ['-c', cpus, process.execPath, ...args] : args, {
    cwd: ROOT,
    // Thousands of simulated people join from one address: the per-address limits are off.
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      RATE_LIMIT_CREATE: 'off',
      RATE_LIMIT_JOIN: 'off',
      RATE_LIMIT_BAD_KEY: 'off',
      // Extra settings, e.g. DATABASE_URL and REDIS_URL for several processes of one installation.
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output = [];
  const keep = (chunk) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 200) output.shift();
    if (process.env.BENCH_SERVER_LOG) appendFileSync(process.env.BENCH_SERVER_LOG, text);
    log(text);
  };
  child.stderr.on('data', keep);
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start: ${output.join('')}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      keep(chunk);
      const match = spec.ready.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code}: ${output.join('')}`));
    });
  });

  let nextId = 1;
  const pending = new Map();
  child.on('error', () => {});
  child.on('message', (message) => {
    if (message?.bench === 'eld' && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  });
  const ask = (cmd, extra = {}, timeoutMs = 45_000) =>
    new Promise((resolveAnswer, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new ServerStuck(`${kind} did not answer ${cmd} within ${timeoutMs / 1000} s: its event loop is blocked or flooded`));
      }, timeoutMs);
      pending.set(id, (message) => {
        clearTimeout(timer);
        resolveAnswer(message);
      });
      if (!child.connected) {
        clearTimeout(timer);
        pending.delete(id);
        reject(new ServerStuck(`${kind} is gone`));
        return;
      }
      child.send({ bench: 'eld', cmd, id, ...extra }, () => {});
    });

  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  return {
    kind,
    port,
    pid: child.pid,
    dataDir,
    output,
    sample: () => procSample(child.pid),
    eldReset: () => ask('reset'),
    /** Event-loop delay since the last reset, stalls over 50 ms, and process.memoryUsage() (after GC if gc). */
    eldDump: (gc = false) => ask('dump', { gc }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const result = await Promise.race([exited, sleep(15_000).then(() => null)]);
        if (!result) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Samples a process's RSS every `everyMs` while running; `stop()` returns the samples. */
export function rssSampler(pid, everyMs = 500) {
  const samples = [];
  const timer = setInterval(() => {
    try {
      samples.push(procSample(pid));
    } catch {
      // the process is gone
    }
  }, everyMs);
  return {
    samples,
    peak: () => Math.max(0, ...samples.map((s) => s.rss)),
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
