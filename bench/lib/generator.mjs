/**
 * A load generator process (forked by run.mjs; several of them share the simulated people so one
 * process's event loop is not the bottleneck). It holds participants (full Werkraum clients, see
 * participant.mjs) or Yjs-only people (NotesClient against any of the three servers), drives them on
 * the orchestrator's commands, and reports histograms and receipts back over IPC.
 *
 * Commands (process.send from run.mjs), each answered with { type: 'done', id, ... }:
 *   init { port, kind, protocolVersion, seed }
 *   prepare { specs }            Yjs-only against Werkraum: join over socket.io once to get a notes
 *                                token, then close the socket (the measured load is Yjs only)
 *   join { specs, ratePerSec }   people arrive at this rate; answered when all are in (or failed)
 *   editing { on }               start/stop editing at each person's rate
 *   status                       how many have their room's notes synced
 *   prepareReconnect { ids }     Yjs-only against Werkraum: fresh tokens for the reconnecting people
 *   reconnect { ids }            drop and re-open these people's connections at once
 *   report                       histograms, receipts, counters, errors, the generator's own loop delay and CPU
 *   exit
 * The process exits when the orchestrator goes away.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { Hists } from './hist.mjs';
import { NotesClient } from './notes-client.mjs';
import { Participant } from './participant.mjs';
import { now, rng, sleep } from './util.mjs';

// Every y-websocket provider adds a process 'exit' listener.
process.setMaxListeners(0);

const state = {
  port: 0,
  kind: 'werkraum',
  protocolVersion: 1,
  people: new Map(),
  editing: false,
};
const hists = new Hists();
const receipts = new Map();
const counters = { edits: 0, answers: 0, pollResults: 0, peopleUpserted: 0 };
const errors = new Map();
let random = Math.random;

const ctx = {
  get port() {
    return state.port;
  },
  get protocolVersion() {
    return state.protocolVersion;
  },
  hists,
  counters,
  random: () => random(),
  /** Edits count when they were sent inside the measured window (the steady phase). */
  window: { from: Infinity, to: Infinity },
  inWindow(sentAt) {
    return sentAt >= this.window.from && sentAt <= this.window.to;
  },
  receipt(key, at) {
    let list = receipts.get(key);
    if (!list) receipts.set(key, (list = []));
    list.push(at);
  },
  error(text) {
    const key = String(text).replace(/[A-Za-z0-9_-]{12,}/g, '<id>').slice(0, 160);
    errors.set(key, (errors.get(key) ?? 0) + 1);
  },
};

/** A Yjs-only person: one notes connection, edits at its rate; against Werkraum with a token from a socket.io join. */
class YjsPerson {
  constructor(spec) {
    this.spec = spec;
    this.token = undefined;
    this.personToken = undefined;
    this.notes = null;
    this.nextEditAt = Infinity;
  }

  async socketRequest(work) {
    const socket = io(`http://127.0.0.1:${state.port}`, {
      auth: { protocolVersion: state.protocolVersion },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const request = (event, payload) =>
      socket
        .timeout(20_000)
        .emitWithAck(event, payload)
        .then((r) => {
          if (!r.ok) throw new Error(`${event}: ${r.error.code}`);
          return r.data;
        });
    try {
      return await work(request);
    } finally {
      socket.disconnect();
    }
  }

  async prepare() {
    if (this.spec.kind !== 'werkraum') return;
    await this.socketRequest(async (request) => {
      const snapshot = await request('session:join', { workshopId: this.spec.workshopId, linkSecret: this.spec.secret, displayName: this.spec.name });
      this.personToken = snapshot.session.personToken;
      const grant = await request('notes:token', { roomId: 'plenary' });
      this.token = grant.token;
      this.spec.docName = grant.docName;
    });
  }

  async join() {
    this.notes = new NotesClient({
      kind: this.spec.kind,
      port: state.port,
      docName: this.spec.docName,
      token: this.token,
      name: this.spec.name,
      onLatency: this.spec.measure === false ? undefined : (ms, sentAt) => ctx.inWindow(sentAt) && hists.add('edit', ms),
    });
    hists.add('joinSync', await this.notes.connect());
  }

  async prepareReconnect() {
    if (this.spec.kind !== 'werkraum') return;
    await this.socketRequest(async (request) => {
      await request('session:resume', { workshopId: this.spec.workshopId, personToken: this.personToken });
      const grant = await request('notes:token', { roomId: 'plenary' });
      this.notes.provider.params = { token: grant.token };
    });
  }

  async reconnect() {
    hists.add('reconnect', await this.notes.reconnect());
  }

  tick(t, editing) {
    if (editing && t >= this.nextEditAt && this.notes?.synced) {
      this.notes.edit();
      counters.edits++;
      this.nextEditAt = t + (1000 / this.spec.editRate) * (0.5 + random());
    }
  }

  startEditing(t) {
    if (this.spec.editRate > 0) this.nextEditAt = t + (1000 / this.spec.editRate) * random();
  }

  get inRoom() {
    return Boolean(this.notes?.synced);
  }

  close() {
    this.notes?.destroy();
  }
}

const make = (spec) => (spec.kind ? new YjsPerson(spec) : new Participant(spec, ctx));

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let cpuAtStart = process.cpuUsage();
let cpuWallStart = now();

const ticker = setInterval(() => {
  const t = now();
  for (const person of state.people.values()) person.tick(t, state.editing);
}, 25);

/**
 * Starts `task(person)` for each spec at `ratePerSec` (spread evenly) and waits for all, but not
 * beyond `deadlineMs` after the start: what has not finished by then counts as failed (late), so an
 * overloaded server cannot stretch a run without end.
 */
async function ramp(specs, ratePerSec, task, deadlineMs = 120_000) {
  const started = now();
  const gap = 1000 / ratePerSec;
  let ok = 0;
  let failed = 0;
  const runs = [];
  for (let i = 0; i < specs.length; i++) {
    const due = started + i * gap - now();
    if (due > 1) await sleep(due);
    runs.push(
      task(specs[i]).then(
        () => ok++,
        (error) => {
          failed++;
          ctx.error(`${error.message}`);
        },
      ),
    );
  }
  const left = deadlineMs - (now() - started);
  let timer;
  await Promise.race([Promise.all(runs), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, left))))]);
  clearTimeout(timer);
  const late = specs.length - ok - failed;
  if (late > 0) ctx.error(`not done within the phase's ${Math.round(deadlineMs / 1000)} s bound`);
  return { ok, failed: failed + late, late, ms: now() - started };
}

const handlers = {
  async init(msg) {
    state.port = msg.port;
    state.kind = msg.kind;
    state.protocolVersion = msg.protocolVersion;
    random = rng(msg.seed ?? 1);
    return {};
  },
  async prepare(msg) {
    for (const spec of msg.specs) state.people.set(spec.id, make(spec));
    return ramp(msg.specs, msg.ratePerSec ?? 1e9, (spec) => state.people.get(spec.id).prepare(), msg.deadlineMs);
  },
  async join(msg) {
    for (const spec of msg.specs) if (!state.people.has(spec.id)) state.people.set(spec.id, make(spec));
    return ramp(msg.specs, msg.ratePerSec, (spec) => state.people.get(spec.id).join(), msg.deadlineMs);
  },
  async window(msg) {
    // Infinity travels as null over IPC (JSON).
    if (msg.from !== undefined) ctx.window.from = msg.from ?? Infinity;
    if (msg.to !== undefined) ctx.window.to = msg.to ?? Infinity;
    return {};
  },
  async editing(msg) {
    state.editing = msg.on;
    if (msg.on) {
      const t = now();
      for (const person of state.people.values()) person.startEditing(t);
    }
    return {};
  },
  async status() {
    let inRoom = 0;
    let synced = 0;
    for (const person of state.people.values()) {
      if (person.notes?.synced) synced++;
      if (person.inRoom) inRoom++;
    }
    return { inRoom, synced, people: state.people.size };
  },
  async prepareReconnect(msg) {
    await Promise.all(
      msg.ids.map((id) => {
        const person = state.people.get(id);
        return person.prepareReconnect ? person.prepareReconnect().catch((error) => ctx.error(`prepare reconnect: ${error.message}`)) : undefined;
      }),
    );
    return {};
  },
  async reconnect(msg) {
    const people = msg.ids.map((id) => state.people.get(id)).filter(Boolean);
    const result = await ramp(people.map((p) => p.spec), 1e9, (spec) => state.people.get(spec.id).reconnect(), msg.deadlineMs ?? 30_000);
    return { failed: result.failed, n: people.length };
  },
  async resetCpu() {
    cpuAtStart = process.cpuUsage();
    cpuWallStart = now();
    loop.reset();
    return {};
  },
  async report() {
    const cpu = process.cpuUsage(cpuAtStart);
    const wall = now() - cpuWallStart;
    return {
      hists: hists.toJSON(),
      receipts: Object.fromEntries(receipts),
      counters,
      errors: Object.fromEntries(errors),
      loop: { p99: Math.max(0, loop.percentile(99) / 1e6 - 10), max: Math.max(0, loop.max / 1e6 - 10) },
      cpuPercent: (100 * (cpu.user + cpu.system)) / 1000 / wall,
      rss: process.memoryUsage().rss,
    };
  },
  async exit() {
    clearInterval(ticker);
    for (const person of state.people.values()) person.close();
    setTimeout(() => process.exit(0), 200);
    return {};
  },
};

const answer = (message) => {
  if (process.connected) process.send(message, () => {});
};
process.on('message', (msg) => {
  const handler = handlers[msg?.cmd];
  if (!handler) return;
  handler(msg).then(
    (result) => answer({ type: 'done', id: msg.id, ...result }),
    (error) => answer({ type: 'done', id: msg.id, error: String(error?.stack ?? error) }),
  );
});
process.on('error', () => {});
process.on('disconnect', () => process.exit(0));
// Belt and braces: if the orchestrator is gone but the loop is too busy to notice soon, a check on every tick.
setInterval(() => {
  if (!process.connected) process.exit(0);
}, 1_000).unref();
process.send({ type: 'ready' });
