#!/usr/bin/env node
/**
 * What one store write and one message between processes cost (`npm run build` first, then
 * `node bench/scaled-ops.mjs`; bench/scaled.mjs runs it too, after its whole-server runs).
 *
 * Sequential, one operation after the other, through the server's own code (server/dist), so each
 * figure is the latency of one operation, not a throughput limit:
 *   store   on PostgreSQL (127.0.0.1, a fresh schema) and on an embedded SQLite file (a temp dir):
 *           - a versioned save (`saveAgenda`, version N over N-1: a moderator's agenda action),
 *           - a named poll answer (`saveNamedAnswer`, one INSERT),
 *           - an anonymous poll answer (`saveAnonymousAnswer`: the voter row plus the poll's ballots
 *             rewritten in random order, so its cost grows with the answers already given: the first
 *             and the last tenth are reported apart);
 *   redis   the cluster bus (Redis pub/sub): one process's `publish` until another bus in this
 *           process has the message (one way; both ends on this machine's monotonic clock), and a
 *           plain PING round trip for comparison;
 *   fan-in  what a process spends reading another process's collaboration messages for a document
 *           it does not hold (they all travel on one channel per installation): a child process
 *           with the collaboration relay receives --fanin messages of 30 bytes; its own CPU time
 *           (process.cpuUsage) per message, in microseconds.
 *
 * Options: --ops=200 (operations per kind)  --fanin=20000 (messages)  --out=FILE (raw figures as JSON)
 *          TEST_DATABASE_URL / TEST_REDIS_URL as in bench/scaled.mjs.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { now, percentile } from './lib/util.mjs';

const DATABASE = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const dist = (path) => new URL(`../server/dist/${path}`, import.meta.url).href;

const summary = (values) => ({
  n: values.length,
  mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
  p50: percentile(values, 50),
  p99: percentile(values, 99),
});

async function timeEach(count, operation) {
  const times = [];
  for (let i = 0; i < count; i += 1) {
    const started = now();
    await operation(i);
    times.push(now() - started);
  }
  return times;
}

/** The three store operations against one store. */
async function storeOps(store, ops) {
  const workshopId = `w${randomBytes(6).toString('hex')}`;
  const hash = () => randomBytes(32).toString('hex');
  await store.insertWorkshop({
    id: workshopId,
    title: 'Lasttest',
    startsAt: '2026-12-01T14:00:00+01:00',
    timeZone: 'Europe/Berlin',
    language: 'de',
    description: '',
    moderatorNames: 'Mia',
    coModeratorNames: '',
    createdAt: new Date().toISOString(),
    linkSecretHashes: { moderator: hash(), coModerator: hash(), participant: hash() },
  });
  // An agenda of 8 blocks, about the size of a real workshop's.
  const blocks = Array.from({ length: 8 }, (_, i) => ({
    id: `b${i}`,
    title: `Block ${i + 1}`,
    type: 'other',
    plannedMinutes: 15,
    description: 'Worum es geht, was am Ende stehen soll.',
    moderationNotes: 'Zeit im Blick behalten.',
  }));
  const agenda = await timeEach(ops, async (i) => {
    const saved = await store.saveAgenda({ workshopId, version: i + 1, blocks, run: { status: 'notStarted' }, warningThresholds: [] });
    if (!saved) throw new Error(`agenda version ${i + 1} refused`);
  });
  const answer = { optionIds: ['yes'] };
  const named = await timeEach(ops, async (i) => {
    if ((await store.saveNamedAnswer('poll-named', `p${i}`, answer, false)) !== 'saved') throw new Error('named answer refused');
  });
  const anonymous = await timeEach(ops, async (i) => {
    if ((await store.saveAnonymousAnswer('poll-anon', `voter-${i}`, randomBytes(16).toString('hex'), answer)) !== 'saved') throw new Error('anonymous answer refused');
  });
  const tenth = Math.max(1, Math.floor(ops / 10));
  return {
    versionedSave: summary(agenda),
    namedAnswer: summary(named),
    anonymousAnswerFirst: summary(anonymous.slice(0, tenth)),
    anonymousAnswerLast: summary(anonymous.slice(-tenth)),
  };
}

async function postgresOps(ops) {
  const { openPostgresStore } = await import(dist('store/postgres/index.js'));
  const schema = `bench_ops_${randomBytes(6).toString('hex')}`;
  const store = await openPostgresStore({ connectionString: DATABASE, schema });
  try {
    return await storeOps(store, ops);
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: DATABASE });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

async function sqliteOps(ops) {
  const { openSqliteStore } = await import(dist('store/sqlite.js'));
  const dir = mkdtempSync(join(tmpdir(), 'werkraum-bench-ops-'));
  const store = openSqliteStore(join(dir, 'werkraum.sqlite'));
  try {
    return await storeOps(store, ops);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function redisOps(ops) {
  const { redisBus } = await import(dist('cluster/bus.js'));
  const prefix = `bench-ops-${randomBytes(6).toString('hex')}`;
  const log = () => {};
  const a = await redisBus(REDIS, prefix, log);
  const b = await redisBus(REDIS, prefix, log);
  let arrived = null;
  b.on('bench:ping', () => arrived?.());
  const publish = await timeEach(ops, (i) => {
    const got = new Promise((resolve) => (arrived = resolve));
    // A notice of the size the processes send each other ("the people of workshop W changed").
    a.publish('bench:ping', { workshopId: `w${i}`, kind: 'people' });
    return got;
  });
  await a.close();
  await b.close();
  const plain = new Redis(REDIS);
  const ping = await timeEach(ops, () => plain.ping());
  plain.disconnect();
  return { busPublish: summary(publish), ping: summary(ping) };
}

/** The receiving end of the fan-in measurement (a child process): counts and reports its CPU time. */
async function fanInReceiver(prefix, count) {
  const { redisCollabRelay } = await import(dist('cluster/collabRelay.js'));
  const relay = await redisCollabRelay(REDIS, prefix, randomBytes(8).toString('hex'), () => {});
  const held = new Map();
  let received = 0;
  let cpuAtFirst;
  let startedAt;
  const take = (doc) => {
    // As the server does for a document nobody on this process has open: look it up, drop it.
    if (held.get(doc)) return;
    received += 1;
    if (received === 1) {
      cpuAtFirst = process.cpuUsage();
      startedAt = now();
    }
    if (received === count) {
      const cpu = process.cpuUsage(cpuAtFirst);
      process.send({ cpuUs: cpu.user + cpu.system, wallMs: now() - startedAt, received });
      void relay.close().then(() => process.exit(0));
    }
  };
  relay.connect({ update: (doc) => take(doc), awareness: (doc) => take(doc) });
  process.send({ ready: true });
}

async function fanInOps(count) {
  const { redisCollabRelay } = await import(dist('cluster/collabRelay.js'));
  const prefix = `bench-fanin-${randomBytes(6).toString('hex')}`;
  const child = fork(new URL(import.meta.url).pathname, ['--fanin-receiver', prefix, String(count)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages = [];
  child.on('message', (message) => messages.push(message));
  const waitFor = async (key) => {
    const deadline = Date.now() + 60_000;
    while (!messages.some((message) => message[key] !== undefined)) {
      if (Date.now() > deadline) throw new Error(`fan-in receiver: no ${key}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return messages.find((message) => message[key] !== undefined);
  };
  await waitFor('ready');
  const relay = await redisCollabRelay(REDIS, prefix, randomBytes(8).toString('hex'), () => {});
  const update = randomBytes(30);
  // 200 messages every 10 ms (up to 20,000 a second), as many documents of other processes.
  for (let i = 0; i < count; i += 1) {
    if (i % 2 === 0) relay.publishUpdate(`notes:w${i % 500}:plenary`, i + 1, update);
    else relay.publishAwareness(`notes:w${i % 500}:plenary`, update);
    if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const report = await waitFor('cpuUs');
  await relay.close();
  return { messages: report.received, cpuUsPerMessage: report.cpuUs / report.received, wallMs: report.wallMs };
}

/** Runs all measurements; returns the figures and prints a table. */
export async function measureOps({ ops = 200, fanIn = 20_000, log = console.log } = {}) {
  const result = { ops, postgres: await postgresOps(ops), sqlite: await sqliteOps(ops), redis: await redisOps(ops), fanIn: await fanInOps(fanIn) };
  const f = (s) => `${s.mean.toFixed(2)} (p99 ${s.p99.toFixed(2)})`;
  log(`\n| ms per operation, sequential, ${ops} each: mean (p99) | SQLite | PostgreSQL |`);
  log('| --- | ---: | ---: |');
  log(`| versioned save (agenda, 8 blocks) | ${f(result.sqlite.versionedSave)} | ${f(result.postgres.versionedSave)} |`);
  log(`| named poll answer | ${f(result.sqlite.namedAnswer)} | ${f(result.postgres.namedAnswer)} |`);
  log(`| anonymous poll answer, first tenth | ${f(result.sqlite.anonymousAnswerFirst)} | ${f(result.postgres.anonymousAnswerFirst)} |`);
  log(`| anonymous poll answer, last tenth (after ${ops - Math.floor(ops / 10)} answers) | ${f(result.sqlite.anonymousAnswerLast)} | ${f(result.postgres.anonymousAnswerLast)} |`);
  log(`| Redis: bus publish until another process has it | – | ${f(result.redis.busPublish)} |`);
  log(`| Redis: PING round trip | – | ${f(result.redis.ping)} |`);
  log(
    `\nfan-in: a process reading ${result.fanIn.messages} collaboration messages of other processes' documents spent ` +
      `${result.fanIn.cpuUsPerMessage.toFixed(1)} microseconds of CPU per message (over ${(result.fanIn.wallMs / 1000).toFixed(1)} s)`,
  );
  return result;
}

if (process.argv[2] === '--fanin-receiver') {
  fanInReceiver(process.argv[3], Number(process.argv[4])).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const opt = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
  measureOps({ ops: Number(opt.ops ?? 200), fanIn: Number(opt.fanin ?? 20_000) })
    .then((result) => {
      if (opt.out) writeFileSync(opt.out, JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2));
    })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}

