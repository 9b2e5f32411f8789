/**
 * The moderation of one workshop, driven from the orchestrator process: creates the workshop over
 * the HTTP API, joins with the moderator link, builds the agenda (a plenary block, and a breakout
 * block with a round of rooms of about 20), runs it, extends the running block and runs polls.
 *
 * Every measured action is recorded in `sends` under the key the participants will see it under
 * (see participant.mjs), with the time just before it was emitted:
 *   run:<workshop>:<log length>   an 'agenda:run' (start, next, extend); the run's log grows by one
 *                                 entry per action (two for 'next': end + start), so the length
 *                                 after the action names it
 *   round:<workshop>:<round>      the 'breakout:changed' that opens the round
 *   poll:<poll>:<n>               the n-th 'poll:changed' of a poll: 1 created, 2 opened, 3 closed
 */
import { io } from 'socket.io-client';
import { NotesClient } from './notes-client.mjs';
import { now, sleep } from './util.mjs';

export async function createWorkshop(port, title) {
  const response = await fetch(`http://127.0.0.1:${port}/api/workshops`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title, startsAt: new Date().toISOString(), language: 'de' }),
  });
  if (response.status !== 201) throw new Error(`POST /api/workshops: ${response.status} ${await response.text()}`);
  const body = await response.json();
  const secretOf = (link) => link.slice(link.indexOf('#') + 1);
  return { id: body.id, participantSecret: secretOf(body.links.participant), moderatorSecret: body.keys.moderator };
}

export class Moderator {
  constructor({ port, protocolVersion, workshop, sends, hists }) {
    this.hists = hists;
    this.probes = [];
    this.port = port;
    this.protocolVersion = protocolVersion;
    this.workshop = workshop;
    this.sends = sends;
    this.socket = null;
    this.plenaryBlockId = null;
    this.breakoutBlockId = null;
    this.roundId = null;
    this.roomIds = [];
    this.openPollId = null;
    this.extendSign = 1;
    this.actions = 0;
    this.failures = [];
  }

  async join() {
    this.socket = io(`http://127.0.0.1:${this.port}`, {
      auth: { protocolVersion: this.protocolVersion },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('connect_error', reject);
    });
    await this.request('session:join', { workshopId: this.workshop.id, linkSecret: this.workshop.moderatorSecret, displayName: 'Moderation' });
  }

  async request(event, payload) {
    const result = await this.socket.timeout(30_000).emitWithAck(event, payload);
    if (!result.ok) throw new Error(`${event}: ${result.error.code} ${result.error.message}`);
    return result.data;
  }

  /** Agenda: a plenary block, and with `rooms` > 0 a breakout block holding a round of that many rooms (random assignment). */
  async setup(rooms) {
    const plenary = await this.request('agenda:addBlock', { afterBlockId: null, block: { title: 'Plenum', type: 'input', plannedMinutes: 20 } });
    this.plenaryBlockId = plenary.blockId;
    if (rooms > 0) {
      const breakout = await this.request('agenda:addBlock', {
        afterBlockId: this.plenaryBlockId,
        block: { title: 'Arbeitsgruppen', type: 'breakout', plannedMinutes: 30 },
      });
      this.breakoutBlockId = breakout.blockId;
      const round = await this.request('breakout:saveRound', {
        blockId: this.breakoutBlockId,
        rooms: Array.from({ length: rooms }, (_, i) => ({ name: `Raum ${i + 1}`, task: '', hostId: null })),
        assignmentMode: 'random',
      });
      this.roundId = round.roundId;
      const { rounds } = await this.request('breakout:get', {});
      this.roomIds = rounds.find((r) => r.id === this.roundId).rooms.map((room) => room.id);
    }
  }

  /** Records the send time of a control action under the key its 'agenda:run' carries. */
  async control(payload, kind, extraKey) {
    const at = now();
    const { run } = await this.request('agenda:control', payload);
    this.acked(at);
    this.sends.set(`run:${this.workshop.id}:${run.log.length}`, { at, kind, workshopId: this.workshop.id });
    if (extraKey) this.sends.set(extraKey, { at, kind: 'roundOpen', workshopId: this.workshop.id });
    this.actions++;
    return run;
  }

  /** The acknowledgement comes after the server has written the broadcast to every socket. */
  acked(at) {
    this.hists?.add('actionAck', now() - at);
  }

  startPlenary() {
    return this.control({ action: 'start', blockId: this.plenaryBlockId }, 'start');
  }

  /** 'next' from the plenary block to the breakout block: the round opens and everyone is placed. */
  openBreakout() {
    return this.control({ action: 'next' }, 'next', `round:${this.workshop.id}:${this.roundId}`);
  }

  async extend() {
    // +1 and -1 minute alternately, so the block neither runs out nor grows without end.
    this.extendSign = -this.extendSign;
    return this.control({ action: 'extend', minutes: -this.extendSign }, 'extend');
  }

  /** Closes the previous poll, prepares a new one, opens it a second later (as a moderator clicks). */
  async pollCycle() {
    if (this.openPollId) {
      const at = now();
      await this.request('poll:close', { pollId: this.openPollId });
      this.acked(at);
      this.sends.set(`poll:${this.openPollId}:3`, { at, kind: 'pollClose', workshopId: this.workshop.id });
      this.openPollId = null;
    }
    let at = now();
    const { pollId } = await this.request('poll:create', {
      question: 'Wie geht es weiter?',
      type: 'single',
      options: [{ label: 'Weiter so' }, { label: 'Pause' }, { label: 'Andere Frage' }],
    });
    this.acked(at);
    this.sends.set(`poll:${pollId}:1`, { at, kind: 'pollCreate', workshopId: this.workshop.id });
    await sleep(1_000);
    at = now();
    await this.request('poll:open', { pollId });
    this.acked(at);
    this.sends.set(`poll:${pollId}:2`, { at, kind: 'pollOpen', workshopId: this.workshop.id });
    this.openPollId = pollId;
    this.actions += 3;
  }

  /**
   * The moderation's activity during the measured phase until `until`: an extension every
   * `extendEveryMs`, a poll cycle every `pollEveryMs`, both starting at a random phase so
   * workshops do not act in lockstep.
   */
  async run(until, { extendEveryMs = 2_000, pollEveryMs = 10_000, random = Math.random } = {}) {
    let nextExtend = now() + extendEveryMs * random();
    let nextPoll = Number.isFinite(pollEveryMs) ? now() + pollEveryMs * random() : Infinity;
    const polls = [];
    while (now() < until) {
      const t = now();
      if (t >= nextExtend) {
        nextExtend += extendEveryMs;
        await this.extend().catch((error) => this.failures.push(error.message));
      } else if (t >= nextPoll) {
        // A poll needs 1 s between create and open: none is started in the last 1.5 s.
        nextPoll = nextPoll + pollEveryMs + 1_500 < until ? nextPoll + pollEveryMs : Infinity;
        // Runs beside the extensions (its open comes a second after the create).
        polls.push(this.pollCycle().catch((error) => this.failures.push(error.message)));
      }
      await sleep(Math.max(1, Math.min(nextExtend, nextPoll, until) - now()));
    }
    await Promise.all(polls);
  }

  /** Writes `chars` characters into each of the given rooms' notes (the moderation may edit every room). */
  async seedNotes(roomIds, chars) {
    for (const roomId of roomIds) {
      const grant = await this.request('notes:token', { roomId });
      const client = new NotesClient({ kind: 'werkraum', port: this.port, docName: grant.docName, token: grant.token, name: 'Moderation' });
      await client.connect();
      if (client.textLength() === 0) client.seed(chars);
      // The update is stored before it is relayed; give the server a moment before the socket closes.
      await sleep(50);
      client.destroy();
    }
  }

  /** A notes token for a room (for seeding connections that stay open). */
  async notesGrant(roomId) {
    return this.request('notes:token', { roomId });
  }

  /**
   * A measuring member of a room's notes, held by the moderation (which may look into every room):
   * it only receives, and it lives in the orchestrator process, whose event loop is idle, so its
   * receive times carry no load-generator lag.
   */
  async openProbe(roomId, onLatency) {
    const grant = await this.request('notes:token', { roomId });
    const probe = new NotesClient({ kind: 'werkraum', port: this.port, docName: grant.docName, token: grant.token, name: 'Moderation', onLatency });
    this.probes.push(probe);
    await probe.connect();
    return probe;
  }

  close() {
    for (const probe of this.probes) probe.destroy();
    this.socket?.disconnect();
  }
}
