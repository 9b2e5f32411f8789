import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { PROTOCOL_VERSION } from '@werkraum/shared/protocol';
import { ServerProcess } from '../fixtures/server.js';

/**
 * Scaled mode with real processes: two (then three) servers on different ports, one PostgreSQL
 * schema, one Redis prefix, as `npm start` runs them with DATABASE_URL and REDIS_URL. Stock
 * socket.io and y-websocket clients talk to different processes; one process is killed with SIGKILL
 * and its people carry on on another. Needs the built server (`npm run build`) and the machine's
 * PostgreSQL and Redis on 127.0.0.1.
 */
const DATABASE = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const schema = `test_e2e_${randomBytes(6).toString('hex')}`;
const prefix = `test-e2e-${randomBytes(6).toString('hex')}`;
const env = {
  DATABASE_URL: `${DATABASE}?schema=${schema}`,
  REDIS_URL: REDIS,
  REDIS_PREFIX: prefix,
  COLLAB_SECRET: randomBytes(32).toString('hex'),
};

type Ack = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };

/** A stock socket.io client that keeps every event it received. */
class Person {
  readonly events: { event: string; payload: any }[] = [];
  snapshot: any;
  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => this.events.push({ event, payload }));
  }

  static async connect(server: ServerProcess): Promise<Person> {
    const socket = io(server.url, { auth: { protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new Person(socket);
  }

  async call(event: string, payload: unknown): Promise<any> {
    const ack = (await this.socket.timeout(5_000).emitWithAck(event, payload)) as Ack;
    if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  async join(workshop: Created, role: 'moderator' | 'participant', displayName: string) {
    const secret = workshop.links[role].slice(workshop.links[role].indexOf('#') + 1);
    this.snapshot = await this.call('session:join', { workshopId: workshop.id, linkSecret: secret, displayName, listInDocumentation: false });
    return this;
  }

  async resume(workshopId: string, personToken: string) {
    this.snapshot = await this.call('session:resume', { workshopId, personToken });
    return this;
  }

  /** The latest view of a person this client was sent (join snapshot, then every upsert). */
  connectionOf(personId: string): string | undefined {
    let state = this.snapshot.people.find((person: any) => person.id === personId)?.connection;
    for (const entry of this.events) {
      if (entry.event !== 'people:upserted') continue;
      const view = entry.payload.people.find((person: any) => person.id === personId);
      if (view) state = view.connection;
    }
    return state;
  }

  last(event: string): any {
    return this.events.filter((entry) => entry.event === event).at(-1)?.payload;
  }

  get id(): string {
    return this.snapshot.session.personId;
  }
}

interface Created {
  id: string;
  links: Record<'moderator' | 'coModerator' | 'participant', string>;
}

/** Waits until the assertion holds (or fails with its last error after `ms`). */
async function until(assertion: () => void | Promise<void>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function notesClient(server: ServerProcess, grant: { docName: string; token: string }) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://localhost:${server.port}/collab`, grant.docName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token: grant.token },
    disableBc: true,
    connect: true,
  });
  return { doc, provider, text: () => doc.getXmlFragment('default').toString() };
}

function writeParagraph(doc: Y.Doc, text: string): void {
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [paragraph]);
}

describe('scaled mode: several server processes on one PostgreSQL and one Redis', () => {
  const a = new ServerProcess();
  const b = new ServerProcess();
  const c = new ServerProcess();
  const people: Person[] = [];
  const providers: WebsocketProvider[] = [];

  beforeAll(async () => {
    // Two processes starting at the same moment on an empty schema: migrations run once.
    await Promise.all([a.start(env), b.start(env)]);
  });

  afterAll(async () => {
    for (const provider of providers) provider.destroy();
    for (const person of people) person.socket.disconnect();
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
    const client = new pg.Client({ connectionString: DATABASE });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('people on different processes share agenda, clock, polls and notes; a killed process ends nobody’s workshop', async () => {
    const health = await (await fetch(`${a.url}/api/health`)).json();
    expect(health).toMatchObject({ ok: true, store: 'reachable', redis: 'reachable' });

    const response = await fetch(`${a.url}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Skaliert',
        startsAt: '2026-12-01T14:00:00+01:00',
        timeZone: 'Europe/Berlin',
        language: 'de',
        description: '',
        moderatorNames: 'Mia',
        coModeratorNames: '',
      }),
    });
    expect(response.status).toBe(201);
    const workshop = (await response.json()) as Created;

    const mia = await (await Person.connect(a)).join(workshop, 'moderator', 'Mia');
    const bo = await (await Person.connect(b)).join(workshop, 'participant', 'Bo');
    const ida = await (await Person.connect(a)).join(workshop, 'participant', 'Ida');
    people.push(mia, bo, ida);
    // Presence across processes: Bo (on B) sees Mia (on A) online, and the other way round.
    // (B may hear of Mia a moment after Bo's snapshot; it then sends her again.)
    await until(() => expect(bo.connectionOf(mia.id)).toBe('online'));
    await until(() => expect(mia.connectionOf(bo.id)).toBe('online'));

    // Agenda and clock: edited and started on A, the same run on B.
    await mia.call('agenda:addBlock', { afterBlockId: null, block: { title: 'Einstieg', type: 'other', plannedMinutes: 10, description: '', moderationNotes: '' } });
    await mia.call('agenda:addBlock', { afterBlockId: null, block: { title: 'Vorstellung', type: 'other', plannedMinutes: 5, description: '', moderationNotes: '' } });
    const { run } = await mia.call('agenda:control', { action: 'start' });
    await until(() => expect(bo.last('agenda:run')?.run).toEqual(run));
    expect((await bo.call('agenda:get', {})).agenda.run).toEqual(run);

    // A poll opened on A, answered on A and B: the counts agree on both processes.
    const { pollId } = await mia.call('poll:create', {
      question: 'Wie geht es?',
      type: 'single',
      options: [
        { id: 'gut', label: 'Gut' },
        { id: 'schlecht', label: 'Schlecht' },
      ],
    });
    await mia.call('poll:open', { pollId });
    await bo.call('poll:answer', { pollId, answer: { optionIds: ['gut'] } });
    await ida.call('poll:answer', { pollId, answer: { optionIds: ['schlecht'] } });
    await mia.call('poll:answer', { pollId, answer: { optionIds: ['gut'] } });
    // (A process drops its cached answers when another's notice arrives, a moment after the acknowledgement.)
    for (const person of [mia, bo]) {
      await until(async () => {
        const { polls } = await person.call('poll:list', {});
        expect(polls.find((view: any) => view.poll.id === pollId).results.counts).toEqual({ gut: 2, schlecht: 1 });
      });
    }

    // Notes: stock y-websocket clients on A and B edit one document.
    const onA = notesClient(a, await mia.call('notes:token', { roomId: 'plenary' }));
    const onB = notesClient(b, await bo.call('notes:token', { roomId: 'plenary' }));
    providers.push(onA.provider, onB.provider);
    await until(() => expect(onA.provider.synced && onB.provider.synced).toBe(true));
    for (let i = 0; i < 10; i++) writeParagraph(i % 2 === 0 ? onA.doc : onB.doc, `Punkt ${i}`);
    await until(() => {
      expect(onA.doc.getXmlFragment('default').length).toBe(10);
      expect(onB.text()).toBe(onA.text());
    });
    const notesBefore = onA.text();

    // A second poll, answered by five people on A at the moment A dies, while Mia types a burst on A.
    const { pollId: lastPoll } = await mia.call('poll:create', { question: 'Noch Fragen?', type: 'yesNo' });
    await mia.call('poll:open', { pollId: lastPoll });
    const voters = await Promise.all([1, 2, 3, 4, 5].map(async (i) => (await Person.connect(a)).join(workshop, 'participant', `Gast ${i}`)));
    people.push(...voters);
    const burst = (async () => {
      for (let i = 0; i < 40; i++) {
        writeParagraph(onA.doc, `Burst ${i}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await until(() => expect(onB.text()).toContain('Burst 5'));
    const answers = voters.map((voter) =>
      voter.call('poll:answer', { pollId: lastPoll, answer: { optionIds: ['yes'] } }).then(
        () => true,
        () => false,
      ),
    );

    // Process A dies without a goodbye, in the middle of both. A third process joins the installation.
    await a.stop('SIGKILL');
    await burst;
    const acknowledged = (await Promise.all(answers)).filter(Boolean).length;
    await c.start(env);
    const runBefore = (await bo.call('agenda:get', {})).agenda.run;

    // Mia and Ida come back through C with the tokens their browsers kept.
    const miaAgain = await (await Person.connect(c)).resume(workshop.id, mia.snapshot.session.personToken);
    const idaAgain = await (await Person.connect(b)).resume(workshop.id, ida.snapshot.session.personToken);
    people.push(miaAgain, idaAgain);
    expect(miaAgain.id).toBe(mia.id);
    // The same run (so the same remaining time on every clock), the same counts, the same notes.
    expect((await miaAgain.call('agenda:get', {})).agenda.run).toEqual(runBefore);
    expect(runBefore).toEqual(run);
    const { polls } = await idaAgain.call('poll:list', {});
    expect(polls.find((view: any) => view.poll.id === pollId).results.counts).toEqual({ gut: 2, schlecht: 1 });
    await expect(idaAgain.call('poll:answer', { pollId, answer: { optionIds: ['gut'] } })).rejects.toThrow(/invalid_state/);
    const reopened = notesClient(c, await miaAgain.call('notes:token', { roomId: 'plenary' }));
    providers.push(reopened.provider);
    await until(() => expect(reopened.provider.synced).toBe(true));
    // Every edit another process had received is stored: the relay only carries stored updates.
    expect(reopened.text().startsWith(notesBefore.slice(0, -'</paragraph>'.length))).toBe(true);
    const seenOnB = onB.text().match(/Burst \d+/g) ?? [];
    expect(seenOnB.length).toBeGreaterThan(5);
    for (const line of seenOnB) expect(reopened.text()).toContain(`${line}<`);
    // Every acknowledged answer is counted (one that was stored but not acknowledged may count too).
    const last = (await idaAgain.call('poll:list', {})).polls.find((view: any) => view.poll.id === lastPoll);
    expect(last.results.participants).toBeGreaterThanOrEqual(acknowledged);
    expect(last.results.participants).toBeLessThanOrEqual(5);

    // The workshop goes on: the moderator on C moves the agenda, Bo on B sees it; notes still flow.
    const next = (await miaAgain.call('agenda:control', { action: 'next' })).run;
    await until(() => expect(bo.last('agenda:run')?.run).toEqual(next));
    writeParagraph(reopened.doc, 'Nach dem Absturz');
    await until(() => expect(onB.text()).toContain('Nach dem Absturz'));
    // Mia shows online again to Bo (connected to another process than hers).
    await until(() => expect(bo.connectionOf(mia.id)).toBe('online'));
    const view = (await bo.call('agenda:get', {})).agenda;
    expect(view.run).toEqual(next);
  });
});

describe('scaled mode: a breakout round across processes, one of them killed during the round', () => {
  const roundSchema = `test_e2e_${randomBytes(6).toString('hex')}`;
  const roundPrefix = `test-e2e-${randomBytes(6).toString('hex')}`;
  const roundEnv = { ...env, DATABASE_URL: `${DATABASE}?schema=${roundSchema}`, REDIS_PREFIX: roundPrefix };
  const a = new ServerProcess();
  const b = new ServerProcess();
  const c = new ServerProcess();
  const people: Person[] = [];
  const providers: WebsocketProvider[] = [];

  beforeAll(async () => {
    await a.start(roundEnv);
    await Promise.all([b.start(roundEnv), c.start(roundEnv)]);
  });

  afterAll(async () => {
    for (const provider of providers) provider.destroy();
    for (const person of people) person.socket.disconnect();
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
    const client = new pg.Client({ connectionString: DATABASE });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${roundSchema} CASCADE`);
    await client.end();
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`${roundPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('rooms open with people of every process; after SIGKILL of the moderator’s process the round ends on a survivor and the way back closes the rooms everywhere', async () => {
    const response = await fetch(`${a.url}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Gruppen', startsAt: '2026-12-01T14:00:00+01:00', timeZone: 'Europe/Berlin', language: 'de', description: '', moderatorNames: 'Mia', coModeratorNames: '' }),
    });
    const workshop = (await response.json()) as Created;
    const mia = await (await Person.connect(a)).join(workshop, 'moderator', 'Mia');
    const ana = await (await Person.connect(b)).join(workshop, 'participant', 'Ana');
    const ben = await (await Person.connect(c)).join(workshop, 'participant', 'Ben');
    people.push(mia, ana, ben);
    const block = await mia.call('agenda:addBlock', { afterBlockId: null, block: { title: 'Gruppenarbeit', type: 'breakout', plannedMinutes: 20, description: '', moderationNotes: '' } });
    await mia.call('agenda:addBlock', { afterBlockId: block.blockId, block: { title: 'Abschluss', type: 'closing', plannedMinutes: 5, description: '', moderationNotes: '' } });
    const { roundId } = await mia.call('breakout:saveRound', {
      blockId: block.blockId,
      rooms: [{ name: 'Raum Nord' }, { name: 'Raum Süd' }],
      assignmentMode: 'random',
      notesTemplate: '',
      graceSeconds: 3,
    });
    const round = (person: Person) => person.last('breakout:changed')?.rounds.find((candidate: any) => candidate.id === roundId);

    // A must count Ana (on B) and Ben (on C) as here before the block starts: it assigns only them.
    await until(async () => {
      const seenOnA = (await (await Person.connect(a)).resume(workshop.id, mia.snapshot.session.personToken)).snapshot.people;
      for (const person of [ana, ben]) expect(seenOnA.find((view: any) => view.id === person.id).connection).toBe('online');
    });
    await mia.call('agenda:control', { action: 'start' });
    for (const person of [ana, ben]) await until(() => expect(Object.keys(round(person)?.assignments ?? {}).sort()).toEqual([ana.id, ben.id].sort()));
    const assignments = round(ana).assignments;

    // Ana writes in her room through B.
    const anaNotes = notesClient(b, await ana.call('notes:token', { roomId: assignments[ana.id] }));
    providers.push(anaNotes.provider);
    let closedWith: number | undefined;
    anaNotes.provider.on('connection-close', (event: { code: number } | null) => {
      if (event && closedWith === undefined) closedWith = event.code;
    });
    await until(() => expect(anaNotes.provider.synced).toBe(true));
    writeParagraph(anaNotes.doc, 'Im Raum');

    // A dies; Mia comes back through C and ends the block: everyone on B and C is called back.
    await a.stop('SIGKILL');
    const miaAgain = await (await Person.connect(c)).resume(workshop.id, mia.snapshot.session.personToken);
    people.push(miaAgain);
    expect((await miaAgain.call('breakout:get', {})).rounds.find((candidate: any) => candidate.id === roundId).assignments).toEqual(assignments);
    await miaAgain.call('agenda:control', { action: 'next' });
    for (const person of [ana, ben]) await until(() => expect(round(person)?.endedAt).toEqual(expect.any(Number)));
    expect(round(ben).endedAt).toBe(round(ana).endedAt);

    // After the 3 s way back, B closes Ana's edit connection to the room, and her new token only reads.
    await until(() => expect(closedWith).toBe(4410), 20_000);
    expect((await ana.call('notes:token', { roomId: assignments[ana.id] })).mode).toBe('read');
    expect((await ben.call('notes:token', { roomId: assignments[ben.id] })).mode).toBe('read');
  });
});
