#!/usr/bin/env node
/**
 * Server CPU cost per operation, measured as CPU time of the server process (/proc utime + stime)
 * rather than as latency, so it holds up on a shared, busy machine: where the benchmark's latency
 * figures say "slow", this says which operation costs how much and how that grows with the size of
 * the workshop.
 *
 *   node bench/tools/cost.mjs [--sizes=100,300,1000] [--answers=100] [--edits=200]
 *
 * For each size N (people in one workshop, all connected over socket.io, all in the plenary notes):
 *   join      server CPU per `session:join` while the workshop fills from 0 to N (reported per step)
 *   extend    server CPU per `agenda:control extend` with N people listening
 *   answer    server CPU per anonymous `poll:answer` (the k-th answer of a poll, k up to --answers)
 *   edit      server CPU per notes update relayed to N-1 others (one editor, everyone connected)
 *   awareness server CPU per awareness change (a cursor move) in a document with N connections
 * One process drives everything, one request at a time (operations do not overlap), so the figure
 * is the cost of the operation, not of queueing.
 */
import { io } from 'socket.io-client';
import { Moderator, createWorkshop } from '../lib/moderator.mjs';
import { NotesClient } from '../lib/notes-client.mjs';
import { procSample, startServer } from '../lib/servers.mjs';
import { fmt, mapLimit, sleep } from '../lib/util.mjs';

process.setMaxListeners(0);
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const sizes = (args.sizes ?? '100,300,1000').split(',').map(Number);
const ANSWERS = Number(args.answers ?? 100);
const EDITS = Number(args.edits ?? 200);
const { PROTOCOL_VERSION } = await import(new URL('../../shared/dist/protocol/version.js', import.meta.url).href);

const cpu = (server) => procSample(server.pid).cpuMs;
/** Server CPU ms spent on `task`, after the server has settled (in-flight broadcasts delivered). */
let idlePerMs = 0;
async function measure(server, task, settleMs = 300) {
  await sleep(settleMs);
  const before = cpu(server);
  const started = Date.now();
  await task();
  await sleep(settleMs);
  // An idle server still spends a little CPU (timers, pings): measured once and subtracted.
  return cpu(server) - before - idlePerMs * (Date.now() - started);
}

async function idleCost(server, ms) {
  const before = cpu(server);
  await sleep(ms);
  return cpu(server) - before;
}

function request(socket, event, payload) {
  return socket
    .timeout(60_000)
    .emitWithAck(event, payload)
    .then((r) => {
      if (!r.ok) throw new Error(`${event}: ${r.error.code} ${r.error.message}`);
      return r.data;
    });
}

async function person(port, workshop, i) {
  const socket = io(`http://127.0.0.1:${port}`, { auth: { protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  let received = 0;
  socket.onAny(() => received++);
  const snapshot = await request(socket, 'session:join', { workshopId: workshop.id, linkSecret: workshop.participantSecret, displayName: `P ${i}` });
  return { socket, snapshot, received: () => received };
}

const rows = [];
for (const N of sizes) {
  const server = await startServer('werkraum');
  try {
    const workshop = await createWorkshop(server.port, `cost ${N}`);
    const mod = new Moderator({ port: server.port, protocolVersion: PROTOCOL_VERSION, workshop, sends: new Map() });
    await mod.join();
    await mod.setup(0);
    await mod.startPlenary();
    idlePerMs = (await idleCost(server, 2_000)) / 2_000;

    // join: one at a time, cost per join in steps of N/5
    const people = [];
    const step = Math.max(1, Math.round(N / 5));
    for (let from = 0; from < N; from += step) {
      const count = Math.min(step, N - from);
      const ms = await measure(server, async () => {
        for (let i = 0; i < count; i++) people.push(await person(server.port, workshop, from + i));
      });
      rows.push({ N, op: `join (people ${from}-${from + count})`, perOp: ms / count });
    }

    // extend with N listening
    const extendMs = await measure(server, async () => {
      for (let i = 0; i < 20; i++) await mod.extend();
    });
    rows.push({ N, op: 'agenda:control extend', perOp: extendMs / 20 });

    // poll answers: the k-th answer costs more than the first (ballots rewritten, results counted, sent to all)
    const { pollId } = await mod.request('poll:create', { question: 'Q', type: 'single', options: [{ label: 'A' }, { label: 'B' }] });
    await mod.request('poll:open', { pollId });
    await sleep(500);
    const { polls } = await request(people[0].socket, 'poll:list', {});
    const optionId = polls.find((p) => p.poll.id === pollId).poll.options[0].id;
    const answerers = people.slice(0, Math.min(ANSWERS, N));
    const chunk = Math.max(1, Math.round(answerers.length / 4));
    for (let from = 0; from < answerers.length; from += chunk) {
      const part = answerers.slice(from, from + chunk);
      const ms = await measure(server, async () => {
        for (const p of part) await request(p.socket, 'poll:answer', { pollId, answer: { optionIds: [optionId] } });
      });
      rows.push({ N, op: `poll:answer (answers ${from + 1}-${from + part.length})`, perOp: ms / part.length });
    }
    // a poll:list by everyone (what every client does on each poll:changed)
    const listMs = await measure(server, async () => {
      await mapLimit(people, 50, (p) => request(p.socket, 'poll:list', {}));
    });
    rows.push({ N, op: 'poll:list (one client)', perOp: listMs / N });

    // notes: everyone in the plenary document
    const clients = await mapLimit(people, 50, async (p, i) => {
      const grant = await request(p.socket, 'notes:token', { roomId: 'plenary' });
      const c = new NotesClient({ kind: 'werkraum', port: server.port, docName: grant.docName, token: grant.token, name: `P ${i}` });
      await c.connect();
      return c;
    });
    await sleep(1_000);
    const editor = clients[0];
    const editMs = await measure(server, async () => {
      for (let i = 0; i < EDITS; i++) {
        editor.edit();
        await sleep(5);
      }
    }, 1_000);
    rows.push({ N, op: 'notes edit + cursor move (relayed to N-1)', perOp: editMs / EDITS });
    const cursorMs = await measure(server, async () => {
      for (let i = 0; i < EDITS; i++) {
        editor.awareness.setLocalStateField('cursor', { anchor: i, head: i });
        await sleep(5);
      }
    }, 1_000);
    rows.push({ N, op: 'cursor move only (awareness, batched per 100 ms)', perOp: cursorMs / EDITS });
    for (const c of clients) c.destroy();
    for (const p of people) p.socket.disconnect();
    mod.close();
  } finally {
    await server.stop();
  }
  console.error(`size ${N} done`);
}

console.log('| N (people in the workshop) | operation | server CPU per operation, ms |');
console.log('| ---: | --- | ---: |');
for (const r of rows) console.log(`| ${r.N} | ${r.op} | ${fmt(r.perOp)} |`);
