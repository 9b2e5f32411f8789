#!/usr/bin/env node
/**
 * Werkraum load benchmark (`npm run bench` builds first, then runs this).
 *
 * Part A, the whole server: simulated workshops on the real server (`node server/dist/index.js`):
 * participants joining by link over socket.io, presence, notes over /collab in breakout rooms of
 * about 20 (or one plenary), people editing at a set rate, moderators extending the running block
 * and running polls. Scenarios (bounded, under two minutes each):
 *   s1  1,000 participants: 5 workshops x 200, 50 breakout rooms of 20
 *   s2  3,000 participants: 15 workshops x 200, 150 breakout rooms of 20
 *   s3  1,000 participants in one workshop's plenary (one notes document), presence on
 *
 * Part B, the Yjs endpoint next to its peers: identical Yjs-only load (same documents, same number
 * of clients, same edit rate, presence on) against Werkraum's /collab, @y/websocket-server 0.1.1 and
 * @hocuspocus/server 3.4.4, each in a fresh process, the order rotated every repetition, medians
 * over the repetitions, ratios Werkraum / peer (below 1 = Werkraum better).
 *
 * Everything runs on 127.0.0.1, every loop has a deadline, every child process is stopped at the end
 * (and exits by itself if this process dies). BENCHMARKS.md explains each figure.
 *
 * Options:
 *   --scenarios=s1,s2,s3   which scenarios (default all), for both parts
 *   --part=a|b|ab          whole-server runs (a), endpoint comparison (b), or both (default)
 *   --reps=3               repetitions of part B
 *   --generators=2         generator processes
 *   --steady=30            seconds of measured steady load (part A; part B uses --steady-b, default 10)
 *   --scale=1              multiply the number of participants (e.g. 0.1 for a quick check)
 *   --answers=0.5          share of participants who answer each poll (0: nobody answers)
 *   --retries=1            repeat a run once when other processes disturbed it (0: never)
 *   --bound=120            seconds after which a run is cut off and reported as not completed
 *   --polls=off            moderators only extend the running block (no polls): isolates the polls' share
 *   --quiet=120            wait up to this many seconds for the shared machine to be quiet before each run
 *   --profile=DIR          part A: Werkraum with --cpu-prof, and a heap snapshot at the end of the steady phase
 *   --profile-generators   with --profile: the generator processes with --cpu-prof too
 *   --pin=off              do not pin the server (and this process) to the last core and the generators to the others
 *   --out=FILE             where to write the raw results (default bench/results/<time>.json)
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hist, Hists } from './lib/hist.mjs';
import { RECONNECTS, tableA, tableB } from './lib/report.mjs';
import { createWorkshop, Moderator } from './lib/moderator.mjs';
import { NotesClient } from './lib/notes-client.mjs';
import { GeneratorPool } from './lib/pool.mjs';
import {
  cpuLayout,
  cpuPercent,
  machinePercent,
  machineSample,
  pin,
  ROOT,
  rssSampler,
  ServerStuck,
  startServer,
  waitForQuiet,
  waitPercent,
} from './lib/servers.mjs';
import { fmt, mapLimit, now, rng, sleep, waitUntil } from './lib/util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// Seeding and probe clients (y-websocket providers) each add a process 'exit' listener.
process.setMaxListeners(0);

// ---------- options ----------

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const opt = {
  scenarios: (args.scenarios ?? 's1,s2,s3').split(','),
  part: args.part ?? 'ab',
  reps: Number(args.reps ?? 3),
  generators: Number(args.generators ?? 2),
  steadyMs: Number(args.steady ?? 30) * 1000,
  steadyBMs: Number(args['steady-b'] ?? 10) * 1000,
  scale: Number(args.scale ?? 1),
  profile: args.profile ? resolve(args.profile) : undefined,
  out: args.out ?? join(here, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  seed: Number(args.seed ?? 7),
  answers: Number(args.answers ?? 0.5),
  quietMs: Number(args.quiet ?? 120) * 1000,
  profileGenerators: args['profile-generators'] === 'true',
  pin: args.pin !== 'off',
  polls: args.polls !== 'off',
  boundMs: Number(args.bound ?? 120) * 1000,
  retries: Number(args.retries ?? 1),
};
const layout = opt.pin ? cpuLayout() : null;

const SCENARIOS = {
  s1: { id: 's1', title: '1,000 participants, 50 rooms of 20', workshops: 5, perWorkshop: 200, roomSize: 20, editors: 1, editRate: 0.25, joinRate: 200 },
  s2: { id: 's2', title: '3,000 participants, 150 rooms of 20', workshops: 15, perWorkshop: 200, roomSize: 20, editors: 1, editRate: 0.25, joinRate: 250 },
  s3: { id: 's3', title: '1,000 participants in one plenary room, presence on', workshops: 1, perWorkshop: 1000, roomSize: 0, editors: 0.02, editRate: 1, joinRate: 200 },
};
const SEED_CHARS = 10_000;
const YJS_CONNECT_RATE = 400;

const log = (...parts) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...parts);

// ---------- file descriptors ----------

/** Each participant holds two sockets on each side; without enough descriptors the run fails half-way. */
function ensureFileDescriptors(needed) {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(limits);
  const soft = match?.[1] === 'unlimited' ? Infinity : Number(match?.[1] ?? 1024);
  const hard = match?.[2] === 'unlimited' ? Infinity : Number(match?.[2] ?? 1024);
  if (soft >= needed || process.env.BENCH_ULIMIT_RAISED) return true;
  if (hard < needed) {
    log(`open-file limit ${soft} (hard ${hard}) is below the ${needed} this run needs; raise it (ulimit -n ${needed}) or use --scale`);
    return true;
  }
  // Node cannot raise its own limit: re-run under a shell that does.
  const target = Number.isFinite(hard) ? Math.min(hard, 65_536) : 65_536;
  log(`raising the open-file limit from ${soft} to ${target}`);
  const child = spawn('bash', ['-c', `ulimit -n ${target} && exec "$0" "$@"`, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_ULIMIT_RAISED: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
  return false;
}

// ---------- shared steps ----------

/** A run that went over its time bound (an overloaded server or machine). */
class RunOverBound extends Error {}

/**
 * Every run has a time bound: if the server (or the machine) cannot keep up, the run is cut off and
 * reported as not completed, rather than stretching the benchmark without end. The `finally` of
 * the run then stops its processes; what the cut-off run still awaits fails quietly.
 */
function withinBound(promise, ms, label) {
  promise.catch(() => {});
  let timer;
  const bound = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new RunOverBound(`${label} did not finish within ${ms / 1000} s (overloaded)`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

async function protocolVersion() {
  const { PROTOCOL_VERSION } = await import(new URL('../shared/dist/protocol/version.js', import.meta.url).href);
  return PROTOCOL_VERSION;
}

function mergeReports(reports) {
  const hists = new Hists();
  const receipts = new Map();
  const counters = {};
  const errors = {};
  const loops = [];
  for (const r of reports) {
    hists.merge(r.hists);
    for (const [key, list] of Object.entries(r.receipts)) {
      const all = receipts.get(key) ?? [];
      all.push(...list);
      receipts.set(key, all);
    }
    for (const [k, v] of Object.entries(r.counters)) counters[k] = (counters[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    loops.push({ ...r.loop, cpuPercent: r.cpuPercent, rss: r.rss });
  }
  return { hists, receipts, counters, errors, generators: loops };
}

/** Moderator action latency: every (action, participant) receipt minus the action's send time. */
function actionLatencies(sends, receipts, expectedPerWorkshop) {
  const all = new Hist();
  const lastReached = new Hist();
  const byKind = {};
  let expected = 0;
  let received = 0;
  for (const [key, send] of sends) {
    const list = receipts.get(key) ?? [];
    expected += expectedPerWorkshop;
    received += list.length;
    let worst = 0;
    const kind = (byKind[send.kind] ??= new Hist());
    for (const at of list) {
      const ms = at - send.at;
      all.add(ms);
      kind.add(ms);
      worst = Math.max(worst, ms);
    }
    if (list.length) lastReached.add(worst);
  }
  return { all: all.summary(), lastReached: lastReached.summary(), byKind: Object.fromEntries(Object.entries(byKind).map(([k, h]) => [k, h.summary()])), actions: sends.size, coverage: expected ? received / expected : NaN };
}

/** What a phase's figures are measured against: server and machine CPU at its start. */
function phaseStart(server) {
  return { server: server.sample(), machine: machineSample(), parent: process.cpuUsage(), at: now() };
}

/**
 * A phase's figures: the server's event-loop delay and stalls (from the preload), the server's CPU,
 * the whole machine's CPU (all processes, in % of one core) and this process's own CPU.
 */
function phaseEnd(start, dump, server) {
  const end = server.sample();
  const parent = process.cpuUsage(start.parent);
  return {
    eldP50: dump.eld.p50,
    eldP99: dump.eld.p99,
    eldMax: dump.eld.max,
    stalls: dump.stalls,
    cpuPercent: cpuPercent(start.server, end),
    waitPercent: waitPercent(start.server, end),
    machinePercent: machinePercent(start.machine, machineSample()),
    parentPercent: (100 * (parent.user + parent.system)) / 1000 / (now() - start.at),
    ms: now() - start.at,
    rss: end.rss,
  };
}

/** CPU of the machine's other tenants during a phase: machine minus server, generators and this process. */
function otherLoad(phase, generators) {
  return phase.machinePercent - phase.cpuPercent - phase.parentPercent - generators.reduce((n, g) => n + g.cpuPercent, 0);
}

// ---------- part A: the whole server ----------

async function runWhole(sc, pv) {
  const W = sc.workshops;
  const P = Math.max(20, Math.round(sc.perWorkshop * opt.scale));
  const roomsPerWorkshop = sc.roomSize ? Math.max(1, Math.round(P / sc.roomSize)) : 0;
  const total = W * P;
  log(`A ${sc.id}: ${total} participants in ${W} workshop(s)${roomsPerWorkshop ? `, ${W * roomsPerWorkshop} rooms` : ', plenary only'}`);
  const quiet = await waitForQuiet({ maxMs: opt.quietMs, log });
  const started = now();
  const random = rng(opt.seed);
  const server = await startServer('werkraum', { profileDir: opt.profile, cpus: layout?.server });
  const rss = rssSampler(server.pid);
  const pool = new GeneratorPool(opt.generators, { profileDir: opt.profileGenerators ? opt.profile : undefined, cpus: layout?.generators });
  const sends = new Map();
  const probeHists = new Hists();
  const probeWindow = { from: Infinity, to: Infinity };
  let mods = [];
  const result = { scenario: sc.id, title: sc.title, participants: total, workshops: W, rooms: W * roomsPerWorkshop, phases: {}, otherLoadBefore: quiet };
  const body = async () => {
    await pool.start({ port: server.port, kind: 'werkraum', protocolVersion: pv, seed: opt.seed });
    // Workshops, moderators, agendas; the plenary block runs from the start.
    const workshops = await mapLimit([...Array(W).keys()], 5, (w) => createWorkshop(server.port, `Benchmark ${sc.id} ${w + 1}`));
    mods = workshops.map((workshop) => new Moderator({ port: server.port, protocolVersion: pv, workshop, sends, hists: probeHists }));
    await Promise.all(mods.map((m) => m.join()));
    await Promise.all(mods.map((m) => m.setup(roomsPerWorkshop)));
    await Promise.all(mods.map((m) => m.startPlenary()));
    sends.clear(); // nobody was there to receive the start
    // Every notes document starts with 10,000 characters (reconnects are measured against such documents).
    await mapLimit(mods, 4, (m) => m.seedNotes(['plenary', ...m.roomIds], SEED_CHARS));
    await sleep(1_000);
    const base = await server.eldDump(true);
    const baseSample = server.sample();
    result.base = { rss: baseSample.rss, heapUsed: base.mem.heapUsed, external: base.mem.external };

    // Join: people arrive at joinRate per second, each joins, loads the workshop and opens the plenary notes.
    const specs = [];
    for (let i = 0; i < P; i++) {
      for (let w = 0; w < W; w++) {
        const editor = sc.editors >= 1 || i % Math.round(1 / sc.editors) === 0;
        specs.push({
          id: `w${w}p${i}`,
          workshopId: workshops[w].id,
          secret: workshops[w].participantSecret,
          name: `Teilnehmende ${w + 1}-${i + 1}`,
          editRate: editor ? sc.editRate : 0,
          answerPolls: opt.answers,
          // In rooms of 20 everyone measures; in a large plenary every 10th person (the load is the same).
          measure: P <= 50 || sc.roomSize > 0 || i % 10 === 0,
          w,
          i,
        });
      }
    }
    const parts = pool.split(specs);
    specs.forEach((spec, index) => (spec.gen = pool.owner(index)));
    await server.eldReset();
    let p0 = phaseStart(server);
    const tJoin = now();
    const joinDeadline = Math.min(90_000, (2_000 * total) / sc.joinRate + 20_000);
    const joined = await pool.all('join', (g) => ({ specs: parts[g], ratePerSec: sc.joinRate / opt.generators, deadlineMs: joinDeadline }), 300_000);
    result.joinFailed = joined.reduce((n, r) => n + r.failed, 0);
    result.phases.join = phaseEnd(p0, await server.eldDump(), server);
    log(`A ${sc.id}: joined in ${fmt((now() - tJoin) / 1000)} s (${result.joinFailed} failed)`);

    // Breakout: every moderator moves on to the breakout block; everyone's view switches to their room.
    if (roomsPerWorkshop) {
      await server.eldReset();
      p0 = phaseStart(server);
      const tRooms = now();
      await Promise.all(mods.map((m) => m.openBreakout()));
      const inRoom = async () => (await pool.all('status')).reduce((n, s) => n + s.inRoom, 0);
      let count = 0;
      const poll = setInterval(async () => (count = await inRoom()), 250);
      await waitUntil(() => count >= total - result.joinFailed, { timeoutMs: 30_000, everyMs: 250, what: 'everyone in their room' }).catch((e) => log(e.message));
      clearInterval(poll);
      result.phases.breakout = { ...phaseEnd(p0, await server.eldDump(), server), inRoom: count };
      log(`A ${sc.id}: ${count} in their rooms after ${fmt((now() - tRooms) / 1000)} s`);
    }
    // Probes: the moderation looks into the first two rooms of each workshop (or the plenary) with a
    // measuring notes client in this process, free of the generators' event-loop lag.
    const probeRooms = roomsPerWorkshop ? (m) => m.roomIds.slice(0, 2) : () => ['plenary'];
    await Promise.all(
      mods.flatMap((m) =>
        probeRooms(m).map((roomId) =>
          m.openProbe(roomId, (ms, sentAt) => sentAt >= probeWindow.from && sentAt <= probeWindow.to && probeHists.add('editProbe', ms)),
        ),
      ),
    );
    await sleep(1_000);

    // Steady load: editing at the set rate, moderators extending and running polls.
    await server.eldReset();
    await pool.all('resetCpu');
    p0 = phaseStart(server);
    // Edit propagation counts edits sent in the steady phase only (editing goes on through the reconnects).
    const windowFrom = now();
    probeWindow.from = windowFrom;
    await pool.all('window', () => ({ from: windowFrom, to: null }));
    await pool.all('editing', () => ({ on: true }));
    const until = now() + opt.steadyMs;
    if (opt.polls) await Promise.all(mods.map((m) => m.run(until, { random })));
    else await Promise.all(mods.map((m) => m.run(until, { random, pollEveryMs: Infinity })));
    const windowTo = now();
    probeWindow.to = windowTo;
    await pool.all('window', () => ({ to: windowTo }));
    result.phases.steady = phaseEnd(p0, await server.eldDump(), server);
    const steadyReport = mergeReports(await pool.all('report'));
    result.generatorsSteady = steadyReport.generators;
    result.phases.steady.otherPercent = otherLoad(result.phases.steady, steadyReport.generators);
    log(`A ${sc.id}: steady load done (server CPU ${fmt(result.phases.steady.cpuPercent)} %)`);

    // Reconnect: 50 participants of the first workshop lose both connections at once (editing goes on).
    const reconnecting = specs.filter((s) => s.w === 0 && s.i < RECONNECTS);
    const byGen = pool.children.map((_, g) => reconnecting.filter((s) => s.gen === g).map((s) => s.id));
    await server.eldReset();
    p0 = phaseStart(server);
    const rec = await pool.all('reconnect', (g) => ({ ids: byGen[g], deadlineMs: 30_000 }), 120_000);
    result.reconnectFailed = rec.reduce((n, r) => n + r.failed, 0);
    result.phases.reconnect = phaseEnd(p0, await server.eldDump(), server);
    await sleep(1_000);
    await pool.all('editing', () => ({ on: false }));
    await sleep(1_500);

    // Memory with everyone connected, after a full GC, against the baseline before anyone joined.
    const end = await server.eldDump(true);
    const endSample = server.sample();
    result.memory = {
      rssPerParticipant: (endSample.rss - baseSample.rss) / total,
      heapPerParticipant: (end.mem.heapUsed + end.mem.external - base.mem.heapUsed - base.mem.external) / total,
      rssSteadyPerParticipant: (result.phases.steady.rss - baseSample.rss) / total,
      rssEnd: endSample.rss,
      rssPeak: rss.peak(),
    };
    if (opt.profile) {
      // --heapsnapshot-signal: a snapshot of the server with everyone connected, into the profile directory.
      process.kill(server.pid, 'SIGUSR2');
      await sleep(3_000);
    }

    const report = mergeReports(await pool.all('report'));
    report.hists.merge(probeHists.toJSON());
    result.hists = Object.fromEntries([...report.hists.map].map(([k, h]) => [k, h.summary()]));
    result.actions = actionLatencies(sends, report.receipts, P);
    result.counters = report.counters;
    result.errors = report.errors;
    result.generators = report.generators;
    result.moderatorFailures = mods.flatMap((m) => m.failures);
  };
  try {
    await withinBound(body(), opt.boundMs, `A ${sc.id}`);
  } finally {
    for (const m of mods) m.close();
    await pool.stop();
    rss.stop();
    await server.stop();
  }
  result.seconds = (now() - started) / 1000;
  log(`A ${sc.id}: done in ${fmt(result.seconds)} s`);
  return result;
}

// ---------- part B: the Yjs endpoint against its peers ----------

async function runYjs(sc, kind, pv, rep) {
  const total = Math.max(20, Math.round(sc.workshops * sc.perWorkshop * opt.scale));
  const perDoc = sc.roomSize || total;
  const docs = Math.max(1, Math.round(total / perDoc));
  const quiet = await waitForQuiet({ maxMs: opt.quietMs, log });
  const started = now();
  const server = await startServer(kind, { cpus: layout?.server });
  const pool = new GeneratorPool(opt.generators, { cpus: layout?.generators });
  const result = { scenario: sc.id, kind, rep, clients: total, docs, otherLoadBefore: quiet };
  const seeders = [];
  const probeHists = new Hists();
  const probeWindow = { from: Infinity, to: Infinity };
  const body = async () => {
    await pool.start({ port: server.port, kind, protocolVersion: pv, seed: opt.seed + rep });
    // Documents: Werkraum's are the plenary notes of one workshop each (tokens come from a join);
    // the peers take the same names without auth.
    let docNames;
    let workshops = [];
    const grants = [];
    if (kind === 'werkraum') {
      workshops = await mapLimit([...Array(docs).keys()], 8, (d) => createWorkshop(server.port, `Yjs ${sc.id} ${d + 1}`));
      await mapLimit(workshops, 8, async (workshop) => {
        const m = new Moderator({ port: server.port, protocolVersion: pv, workshop, sends: new Map() });
        await m.join();
        grants.push([workshop.id, await m.notesGrant('plenary')]);
        m.close();
      });
      const byId = new Map(grants);
      docNames = workshops.map((w) => byId.get(w.id).docName);
    } else {
      docNames = [...Array(docs).keys()].map((d) => `notes:bench${d}:plenary`);
    }
    // One seeding client per document writes 10,000 characters and stays connected (same for all servers).
    const grantOf = new Map(grants.map(([, g]) => [g.docName, g.token]));
    // The seeders of the first 10 documents also measure (they live in this process, free of generator lag).
    const probeFor = new Set(docNames.slice(0, 10));
    await mapLimit(docNames, 8, async (docName) => {
      const onLatency = probeFor.has(docName)
        ? (ms, sentAt) => sentAt >= probeWindow.from && sentAt <= probeWindow.to && probeHists.add('editProbe', ms)
        : undefined;
      const client = new NotesClient({ kind, port: server.port, docName, token: grantOf.get(docName), name: 'Seed', onLatency });
      await client.connect();
      client.seed(SEED_CHARS);
      seeders.push(client);
    });

    const specs = [];
    for (let j = 0; j < perDoc; j++) {
      for (let d = 0; d < docs; d++) {
        const editor = sc.editors >= 1 || j % Math.round(1 / sc.editors) === 0;
        specs.push({
          id: `d${d}c${j}`,
          kind,
          docName: docNames[d],
          workshopId: workshops[d]?.id,
          secret: workshops[d]?.participantSecret,
          name: `Person ${d + 1}-${j + 1}`,
          editRate: editor ? sc.editRate : 0,
          measure: perDoc <= 50 || j % 10 === 0,
          d,
          j,
        });
      }
    }
    const parts = pool.split(specs);
    specs.forEach((spec, index) => (spec.gen = pool.owner(index)));
    if (kind === 'werkraum') {
      await pool.all('prepare', (g) => ({ specs: parts[g], ratePerSec: 800 / opt.generators, deadlineMs: 90_000 }), 300_000);
    }
    await sleep(1_500);
    const base = await server.eldDump(true);
    const baseSample = server.sample();

    await server.eldReset();
    let p0 = phaseStart(server);
    // People open the notes at YJS_CONNECT_RATE per second, the same for every server.
    const joinDeadline = Math.min(90_000, (2_000 * total) / YJS_CONNECT_RATE + 20_000);
    const joined = await pool.all('join', (g) => ({ specs: parts[g], ratePerSec: YJS_CONNECT_RATE / opt.generators, deadlineMs: joinDeadline }), 300_000);
    result.joinFailed = joined.reduce((n, r) => n + r.failed, 0);
    result.join = phaseEnd(p0, await server.eldDump(), server);
    await sleep(1_000);

    await server.eldReset();
    await pool.all('resetCpu');
    p0 = phaseStart(server);
    probeWindow.from = now();
    await pool.all('window', () => ({ from: probeWindow.from, to: null }));
    await pool.all('editing', () => ({ on: true }));
    await sleep(opt.steadyBMs);
    probeWindow.to = now();
    await pool.all('window', () => ({ to: probeWindow.to }));
    result.steady = phaseEnd(p0, await server.eldDump(), server);
    result.generatorsSteady = mergeReports(await pool.all('report')).generators;
    result.steady.otherPercent = otherLoad(result.steady, result.generatorsSteady);

    // The first 50 people in document order (documents 0-2 with rooms of 20, the one document otherwise).
    const chosen = specs
      .slice()
      .sort((a, b) => a.d - b.d || a.j - b.j)
      .slice(0, RECONNECTS);
    const byGen = pool.children.map((_, g) => chosen.filter((s) => s.gen === g).map((s) => s.id));
    await pool.all('prepareReconnect', (g) => ({ ids: byGen[g] }));
    await server.eldReset();
    p0 = phaseStart(server);
    const rec = await pool.all('reconnect', (g) => ({ ids: byGen[g], deadlineMs: 30_000 }), 120_000);
    result.reconnectFailed = rec.reduce((n, r) => n + r.failed, 0);
    result.reconnect = phaseEnd(p0, await server.eldDump(), server);
    await pool.all('editing', () => ({ on: false }));
    await sleep(1_500);
    const end = await server.eldDump(true);
    const endSample = server.sample();
    result.memory = {
      rssPerClient: (endSample.rss - baseSample.rss) / total,
      heapPerClient: (end.mem.heapUsed + end.mem.external - base.mem.heapUsed - base.mem.external) / total,
    };
    const report = mergeReports(await pool.all('report'));
    report.hists.merge(probeHists.toJSON());
    result.hists = Object.fromEntries([...report.hists.map].map(([k, h]) => [k, h.summary()]));
    result.counters = report.counters;
    result.errors = report.errors;
    result.generators = report.generators;
  };
  try {
    await withinBound(body(), opt.boundMs, `B ${sc.id} ${kind}`);
  } finally {
    for (const s of seeders) s.destroy();
    await pool.stop();
    await server.stop();
  }
  result.seconds = (now() - started) / 1000;
  log(`B ${sc.id} ${kind} rep ${rep + 1}: edit p99 ${fmt(result.hists.edit?.p99)} ms, CPU ${fmt(result.steady.cpuPercent)} %, ${fmt(result.seconds)} s`);
  return result;
}

// ---------- the table: lib/report.mjs ----------

function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', ['--all']).toString().trim());
  } catch {
    // os.cpus() then
  }
  // Others may change the server while a benchmark runs: record what was measured.
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: ROOT }).toString().trim();
    } catch {
      return '?';
    }
  };
  const code = {
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommittedInServerOrShared: git('status', '--porcelain', '--', 'server', 'shared').split('\n').filter(Boolean).length,
  };
  return { nproc, cpu: model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString(), code };
}

/**
 * The machine is shared: when other processes used more than DISTURBED_PERCENT of a core during the
 * measured phase, the run is repeated once (after waiting for quiet) and the less disturbed of the
 * two is kept; the table says how busy the machine was.
 */
const DISTURBED_PERCENT = 50;
async function undisturbed(run, steadyOf, label) {
  const first = await run();
  const load = steadyOf(first)?.otherPercent ?? 0;
  if (load <= DISTURBED_PERCENT || opt.retries < 1) return first;
  log(`${label}: other processes used ${fmt(load, 0)} % of a core while measuring; repeating the run once`);
  const second = await run().catch(() => null);
  if (!second) return first;
  const better = (steadyOf(second)?.otherPercent ?? 0) < load ? second : first;
  better.repeatedBecauseDisturbed = true;
  return better;
}

// ---------- main ----------

async function main() {
  const selected = opt.scenarios.map((id) => {
    if (!SCENARIOS[id]) throw new Error(`unknown scenario ${id}`);
    return SCENARIOS[id];
  });
  const biggest = Math.max(...selected.map((s) => s.workshops * s.perWorkshop * opt.scale));
  if (!ensureFileDescriptors(Math.ceil(biggest * 2 + 2_000))) return;
  try {
    readFileSync(join(ROOT, 'server/dist/index.js'));
  } catch {
    throw new Error('server/dist is missing: run `npm run build` first (npm run bench does)');
  }
  if (opt.profile) mkdirSync(opt.profile, { recursive: true });
  const pv = await protocolVersion();
  if (layout && pin(process.pid, layout.server)) log(`pinned: server and orchestrator on CPU ${layout.server}, generators on CPU ${layout.generators}`);
  const results = { machine: machine(), options: opt, partA: [], partB: [] };
  log(`machine: ${results.machine.nproc} cores, ${results.machine.memoryGb} GB, Node ${results.machine.node}`);
  const save = () => {
    mkdirSync(dirname(opt.out), { recursive: true });
    writeFileSync(opt.out, JSON.stringify(results, null, 2));
  };

  if (opt.part.includes('a')) {
    for (const sc of selected) {
      try {
        results.partA.push(await undisturbed(() => runWhole(sc, pv), (r) => r.phases.steady, `A ${sc.id}`));
      } catch (error) {
        log(`A ${sc.id} did not complete: ${error instanceof ServerStuck || error instanceof RunOverBound ? error.message : (error.stack ?? error)}`);
        results.failures = [...(results.failures ?? []), `A ${sc.id}: ${error.message}`];
      }
      save();
    }
  }
  if (opt.part.includes('b')) {
    const kinds = ['werkraum', 'ywss', 'hocuspocus'];
    for (const sc of selected) {
      for (let rep = 0; rep < opt.reps; rep++) {
        // Rotate the order every repetition: W,Y,H then Y,H,W then H,W,Y.
        const order = kinds.map((_, i) => kinds[(i + rep) % kinds.length]);
        for (const kind of order) {
          // A server that could not complete a run within the bound is not run again at this size.
          if (results.partB.some((r) => r.scenario === sc.id && r.kind === kind && r.incomplete)) {
            log(`B ${sc.id} ${kind}: not repeated (did not complete before)`);
            continue;
          }
          try {
            results.partB.push(await undisturbed(() => runYjs(sc, kind, pv, rep), (r) => r.steady, `B ${sc.id} ${kind}`));
          } catch (error) {
            log(`B ${sc.id} ${kind} did not complete: ${error instanceof ServerStuck || error instanceof RunOverBound ? error.message : (error.stack ?? error)}`);
            results.failures = [...(results.failures ?? []), `B ${sc.id} ${kind} rep ${rep + 1}: ${error.message}`];
            results.partB.push({ scenario: sc.id, kind, rep, incomplete: error.message });
          }
          save();
        }
      }
    }
  }
  if (opt.profile) results.profiles = readdirSync(opt.profile);
  save();

  const out = [];
  out.push(
    `Werkraum load benchmark, ${results.machine.date.slice(0, 10)}: ${results.machine.nproc} cores (${results.machine.cpu}), ${results.machine.memoryGb} GB, Node ${results.machine.node}; ` +
      `code ${results.machine.code.commit}${results.machine.code.uncommittedInServerOrShared ? ` + ${results.machine.code.uncommittedInServerOrShared} uncommitted files in server/ and shared/` : ''}` +
      (layout ? `; server pinned to CPU ${layout.server}, generators to CPU ${layout.generators}` : ''),
  );
  if (results.partA.length) out.push('', tableA(results.partA));
  if (results.partB.length) out.push('', `Yjs endpoint, identical Yjs-only load, ${opt.reps} runs per server in rotated order, medians; ratio < 1: Werkraum lower (better for latency, CPU, memory)`, '', tableB(results.partB));
  if (results.failures?.length) out.push('', 'failed runs:', ...results.failures.map((f) => `- ${f}`));
  out.push('', `raw results: ${opt.out}`);
  console.log(out.join('\n'));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
