#!/usr/bin/env node
/**
 * Scaled mode next to one process (`npm run build` first, then `node bench/scaled.mjs`).
 *
 * The same load against (1) one process on SQLite and (2) several processes of one installation on
 * PostgreSQL and Redis (127.0.0.1; DATABASE_URL / REDIS_URL as in docs/DEPLOYMENT.md): N people join
 * one workshop over socket.io, spread round-robin over the processes, the moderator on the first.
 * Then, measured:
 *   agenda  the moderator extends the running block R times, one after the other; for each, the time
 *           from sending until each person received the new run (`agenda:run`): p50/p95/p99/max,
 *           separately for people on the moderator's process and on the others;
 *   poll    a poll opened, everyone answers at once: answers acknowledged per second, the answer
 *           acknowledgement p50/p99, and the time until the moderator's counts show every answer;
 *   join    joins acknowledged per second while everyone arrives (N joins, 50 at a time);
 *   edit    a person on the first process types into the plenary notes (/collab, y-websocket) E times,
 *           one edit at a time; each timed until a person on the second process has it (with one
 *           process: another person on the same one): p50/p99;
 *   process per process, from inside (bench/lib/eld-preload.cjs): the longest event-loop stall from
 *           the first join to the end of the load, and RSS (/proc) and heap (after GC) before the
 *           joins and after the load; their growth, summed over the processes and divided by N, is
 *           the memory per participant.
 * Then bench/scaled-ops.mjs: one PostgreSQL write and one Redis message, one after the other, in ms.
 * The modes alternate, --reps times; the figures are medians over the repetitions. Whole runs, no
 * pass/fail: on a 2-core machine shared with other work the processes, the database, Redis and
 * this load generator compete for the same cores, so these show what the extra hops cost, not
 * how far several machines scale.
 *
 * Options: --people=300  --processes=2  --reps=3  --extends=30  --edits=20  --ops=200 (0: no
 *          per-operation figures)  --quiet=60 (seconds to wait for a quiet machine)
 *          --out=FILE (raw results as JSON)
 *          TEST_DATABASE_URL / TEST_REDIS_URL override the database and Redis (defaults 127.0.0.1).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { measureOps } from './scaled-ops.mjs';
import { startServer, waitForQuiet } from './lib/servers.mjs';
import { mapLimit, median, now, percentile, sleep } from './lib/util.mjs';

const opt = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const PEOPLE = Number(opt.people ?? 300);
const PROCESSES = Number(opt.processes ?? 2);
const REPS = Number(opt.reps ?? 3);
const EXTENDS = Number(opt.extends ?? 30);
const EDITS = Number(opt.edits ?? 20);
const OPS = Number(opt.ops ?? 200);
const DATABASE = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const { PROTOCOL_VERSION } = await import(new URL('../shared/dist/protocol/version.js', import.meta.url).href);

/** A socket.io client that answers `call` with the acknowledged data and notes the arrival time of each event. */
async function connect(port) {
  const socket = io(`http://127.0.0.1:${port}`, {
    auth: { protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const listeners = new Map();
  socket.onAny((event, payload) => {
    for (const listener of listeners.get(event) ?? []) listener(payload, now());
  });
  return {
    socket,
    port,
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    },
    async call(event, payload) {
      const ack = await socket.timeout(60_000).emitWithAck(event, payload);
      if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
      return ack.data;
    },
  };
}

const stats = (values) =>
  values.length === 0 ? { n: 0 } : { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: Math.max(...values) };

/**
 * One person's connection to the plenary notes over /collab, with y-websocket's provider (as the
 * browser's editor uses it): the document is TipTap's XmlFragment 'default' of paragraphs.
 */
async function openNotes(client) {
  const grant = await client.call('notes:token', { roomId: 'plenary' });
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${client.port}/collab`, grant.docName, doc, {
    WebSocketPolyfill: WebSocket,
    params: { token: grant.token },
    disableBc: true,
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('notes never synced')), 30_000);
    provider.on('sync', (synced) => {
      if (!synced) return;
      clearTimeout(timer);
      resolve();
    });
  });
  return { doc, provider, fragment: doc.getXmlFragment('default') };
}

/**
 * Edits: one person (on the first process) types into the notes EDITS times, one edit at a time;
 * each is timed from the local change until another person (on the second process when there is
 * one) has it in their copy of the document.
 */
async function measureEdits(writerClient, readerClient) {
  const writer = await openNotes(writerClient);
  const reader = await openNotes(readerClient);
  const times = [];
  try {
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    writer.doc.transact(() => writer.fragment.push([paragraph]));
    for (let i = 0; i < EDITS; i += 1) {
      const marker = `[e:${i}]`;
      let done;
      const arrived = new Promise((resolve) => (done = resolve));
      const check = () => {
        if (reader.fragment.toString().includes(marker)) done(now());
      };
      reader.doc.on('update', check);
      const sentAt = now();
      writer.doc.transact(() => text.insert(text.length, ` ${marker} `));
      const at = await Promise.race([arrived, sleep(30_000).then(() => Promise.reject(new Error(`edit ${i} never arrived`)))]);
      reader.doc.off('update', check);
      times.push(at - sentAt);
      await sleep(50);
    }
  } finally {
    for (const side of [writer, reader]) {
      side.provider.destroy();
      side.doc.destroy();
    }
  }
  return times;
}

/** Event loop and memory of each process: before anyone joins (after GC) and after the load. */
async function memoryBefore(servers) {
  const before = [];
  for (const server of servers) {
    const { mem } = await server.eldDump(true);
    before.push({ heapUsed: mem.heapUsed, rss: server.sample().rss });
    await server.eldReset();
  }
  return before;
}

async function processFigures(servers, before) {
  const figures = [];
  for (const [index, server] of servers.entries()) {
    const { eld, stalls, mem } = await server.eldDump(true);
    const rss = server.sample().rss;
    figures.push({
      longestStallMs: Math.max(eld.max, ...stalls.map((stall) => stall.ms)),
      stallsOver50ms: stalls.length,
      eldP99Ms: eld.p99,
      heapBefore: before[index].heapUsed,
      heapAfter: mem.heapUsed,
      rssBefore: before[index].rss,
      rssAfter: rss,
    });
  }
  return figures;
}

/** Starts the processes of one mode; returns them and a cleanup. */
async function startMode(mode) {
  if (mode === 'single') {
    const server = await startServer('werkraum');
    return { servers: [server], cleanup: () => server.stop() };
  }
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const prefix = `bench-${randomBytes(6).toString('hex')}`;
  const env = {
    DATABASE_URL: `${DATABASE}?schema=${schema}`,
    REDIS_URL: REDIS,
    REDIS_PREFIX: prefix,
    COLLAB_SECRET: randomBytes(32).toString('hex'),
  };
  const servers = [];
  // The first one runs the migrations; the others start on the migrated schema.
  servers.push(await startServer('werkraum', { env }));
  servers.push(...(await Promise.all(Array.from({ length: PROCESSES - 1 }, () => startServer('werkraum', { env })))));
  return {
    servers,
    async cleanup() {
      await Promise.all(servers.map((server) => server.stop()));
      const client = new pg.Client({ connectionString: DATABASE });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      const redis = new Redis(REDIS);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

async function runOnce(mode) {
  const { servers, cleanup } = await startMode(mode);
  const clients = [];
  try {
    const response = await fetch(`http://127.0.0.1:${servers[0].port}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Lasttest', startsAt: new Date().toISOString(), language: 'de', moderatorNames: 'Mia' }),
    });
    if (response.status !== 201) throw new Error(`workshop: ${response.status} ${await response.text()}`);
    const workshop = await response.json();
    const secret = (role) => workshop.links[role].slice(workshop.links[role].indexOf('#') + 1);
    const join = (client, role, displayName) =>
      client.call('session:join', { workshopId: workshop.id, linkSecret: secret(role), displayName, listInDocumentation: false });

    const moderator = await connect(servers[0].port);
    clients.push(moderator);
    await join(moderator, 'moderator', 'Mia');
    await sleep(1_000);
    const before = await memoryBefore(servers);

    // Everyone arrives, 50 at a time, spread round-robin over the processes.
    const joinStarted = now();
    const people = await mapLimit(
      Array.from({ length: PEOPLE }, (_, i) => i),
      50,
      async (i) => {
        const client = await connect(servers[i % servers.length].port);
        clients.push(client);
        client.home = i % servers.length;
        await join(client, 'participant', `Person ${i + 1}`);
        return client;
      },
    );
    const joinSeconds = (now() - joinStarted) / 1000;
    await sleep(2_000);

    // Agenda: one block running; the moderator extends it, each time waiting for everyone.
    await moderator.call('agenda:addBlock', { afterBlockId: null, block: { title: 'Arbeit', type: 'other', plannedMinutes: 60, description: '', moderationNotes: '' } });
    await moderator.call('agenda:control', { action: 'start' });
    await sleep(1_000);
    const agendaSame = [];
    const agendaOther = [];
    for (let round = 0; round < EXTENDS; round += 1) {
      let pending = PEOPLE;
      let sentAt = 0;
      let done;
      const all = new Promise((resolve) => (done = resolve));
      const listener = (client) => (_payload, at) => {
        if (!sentAt || client.seen === round) return;
        client.seen = round;
        (client.home === 0 ? agendaSame : agendaOther).push(at - sentAt);
        pending -= 1;
        if (pending === 0) done();
      };
      for (const client of people) client.current = listener(client);
      if (round === 0) for (const client of people) client.on('agenda:run', (payload, at) => client.current(payload, at));
      sentAt = now();
      await moderator.call('agenda:control', { action: 'extend', minutes: 1 });
      await Promise.race([all, sleep(30_000).then(() => Promise.reject(new Error(`agenda round ${round}: ${pending} people never got the run`)))]);
    }

    // Poll: opened, everyone answers at once.
    const { pollId } = await moderator.call('poll:create', { question: 'Weiter so?', type: 'yesNo' });
    await moderator.call('poll:open', { pollId });
    await sleep(1_000);
    let allCountedAt = 0;
    moderator.on('poll:results', (payload, at) => {
      if (payload.pollId === pollId && payload.participants === PEOPLE && !allCountedAt) allCountedAt = at;
    });
    const answerAcks = [];
    const pollStarted = now();
    await Promise.all(
      people.map(async (client, i) => {
        const sent = now();
        await client.call('poll:answer', { pollId, answer: { optionIds: [i % 2 === 0 ? 'yes' : 'no'] } });
        answerAcks.push(now() - sent);
      }),
    );
    const answersSeconds = (now() - pollStarted) / 1000;
    const deadline = Date.now() + 30_000;
    while (!allCountedAt && Date.now() < deadline) await sleep(20);
    const { polls } = await moderator.call('poll:list', {});
    const counted = polls.find((view) => view.poll.id === pollId)?.results?.participants;
    if (counted !== PEOPLE) throw new Error(`poll counted ${counted} of ${PEOPLE}`);

    // Notes edits from a person on the first process to a person on the second (or the same one).
    const edits = await measureEdits(people[0], people[Math.min(1, servers.length - 1)]);

    const perProcess = await processFigures(servers, before);
    const sum = (pick) => perProcess.reduce((total, figures) => total + pick(figures), 0);
    return {
      mode,
      processes: servers.length,
      joinsPerSecond: PEOPLE / joinSeconds,
      agenda: stats([...agendaSame, ...agendaOther]),
      agendaSameProcess: stats(agendaSame),
      agendaOtherProcess: stats(agendaOther),
      answersPerSecond: PEOPLE / answersSeconds,
      answerAck: stats(answerAcks),
      allCountedMs: allCountedAt ? allCountedAt - pollStarted : null,
      edit: stats(edits),
      perProcess,
      longestStallMs: Math.max(...perProcess.map((figures) => figures.longestStallMs)),
      // All processes together, per person: what one more participant costs the installation.
      rssPerPersonKb: sum((figures) => figures.rssAfter - figures.rssBefore) / PEOPLE / 1024,
      heapPerPersonKb: sum((figures) => figures.heapAfter - figures.heapBefore) / PEOPLE / 1024,
    };
  } finally {
    for (const client of clients) client.socket.close();
    await cleanup();
  }
}

async function main() {
  const load = await waitForQuiet({ maxMs: Number(opt.quiet ?? 60) * 1000, log: console.log });
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, other load ${load.toFixed(0)} % of a core, load average ${loadavg()[0].toFixed(2)}; ${PEOPLE} people, ${PROCESSES} processes`);
  const runs = [];
  for (let rep = 0; rep < REPS; rep += 1) {
    for (const mode of rep % 2 === 0 ? ['single', 'scaled'] : ['scaled', 'single']) {
      const result = await runOnce(mode);
      runs.push(result);
      console.log(
        `${mode.padEnd(6)} rep ${rep + 1}: joins ${result.joinsPerSecond.toFixed(0)}/s; agenda p50 ${result.agenda.p50.toFixed(1)} p99 ${result.agenda.p99.toFixed(1)} max ${result.agenda.max.toFixed(1)} ms; ` +
          `answers ${result.answersPerSecond.toFixed(0)}/s, ack p50 ${result.answerAck.p50.toFixed(1)} p99 ${result.answerAck.p99.toFixed(1)} ms; all counted after ${result.allCountedMs?.toFixed(0)} ms; ` +
          `edit p50 ${result.edit.p50.toFixed(1)} p99 ${result.edit.p99.toFixed(1)} ms; longest stall per process ${result.perProcess.map((figures) => figures.longestStallMs.toFixed(0)).join(' / ')} ms; ` +
          `per person ${result.rssPerPersonKb.toFixed(0)} kB RSS, ${result.heapPerPersonKb.toFixed(0)} kB heap`,
      );
    }
  }
  const med = (mode, pick) => median(runs.filter((run) => run.mode === mode).map(pick).filter((value) => value !== undefined && value !== null));
  const rows = [
    ['joins acknowledged per s', (run) => run.joinsPerSecond],
    ['agenda:run to everyone, p50 ms', (run) => run.agenda.p50],
    ['agenda:run to everyone, p99 ms', (run) => run.agenda.p99],
    ['agenda:run, max ms', (run) => run.agenda.max],
    ['agenda:run p99, same process as the moderator, ms', (run) => run.agendaSameProcess.p99],
    ['agenda:run p99, other processes, ms', (run) => run.agendaOtherProcess.p99],
    ['poll answers acknowledged per s', (run) => run.answersPerSecond],
    ['poll answer ack p50 ms', (run) => run.answerAck.p50],
    ['poll answer ack p99 ms', (run) => run.answerAck.p99],
    ['all answers in the moderator’s counts after, ms', (run) => run.allCountedMs],
    [`notes edit to a person on another process (one process: the same), p50 ms (${EDITS} edits)`, (run) => run.edit.p50],
    ['notes edit, p99 ms', (run) => run.edit.p99],
    ['longest event-loop stall of any process, ms', (run) => run.longestStallMs],
    ['RSS per participant, all processes together, kB', (run) => run.rssPerPersonKb],
    ['heap per participant (after GC), all processes together, kB', (run) => run.heapPerPersonKb],
  ];
  console.log(`\n| medians of ${REPS} runs, ${PEOPLE} people | one process, SQLite | ${PROCESSES} processes, PostgreSQL + Redis |`);
  console.log('| --- | ---: | ---: |');
  for (const [label, pick] of rows) {
    const single = med('single', pick);
    const scaled = med('scaled', pick);
    const cell = (value) => (Number.isFinite(value) ? value.toFixed(1) : '–');
    console.log(`| ${label} | ${cell(single)} | ${cell(scaled)} |`);
  }
  console.log(`load average at the end of the whole-server runs: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  const ops = OPS > 0 ? await measureOps({ ops: OPS }) : null;
  if (opt.out) writeFileSync(opt.out, JSON.stringify({ date: new Date().toISOString(), machine: `${cpus().length} x ${cpus()[0]?.model}`, people: PEOPLE, processes: PROCESSES, runs, ops }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
