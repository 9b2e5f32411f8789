import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../store/postgres/index.js';
import * as Y from 'yjs';
import { addCard } from '@werkraum/shared/board';
import { breakoutState, currentRoomOf } from '@werkraum/shared/breakoutPhase';
import { COLLAB_CLOSE } from '@werkraum/shared/closeCodes';
import type { BreakoutRound } from '@werkraum/shared/protocol';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { renderNotesMarkdown } from '../collab/render.js';
import { okData, waitFor, type StartOptions, type TestClient, type TestServer } from '../test/harness.js';
import { NotesHarness, TEST_COLLAB_SECRET } from '../test/notesHarness.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from '../test/storeBackends.js';
import { TEST_REDIS_URL, dropRedisPrefix } from '../test/redis.js';
import { FakeLiveKit } from '../test/fakeLiveKit.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';
import { redisCluster } from './index.js';


/**
 * Two apps on one PostgreSQL schema and one Redis, as two processes of one installation (each with
 * its own pool, Redis connections and in-memory state): people on either see the same workshop.
 */
describe('two processes on one PostgreSQL and one Redis', () => {
  const harness = new NotesHarness();
  const schemas: string[] = [];
  const prefixes: string[] = [];

  afterEach(async () => {
    await harness.cleanup();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
    for (const prefix of prefixes.splice(0)) await dropRedisPrefix(prefix);
  });

  /** `count` processes of one installation; `options` (a shared test clock, the access check) go to each. */
  async function processes(count: number, options: StartOptions = {}): Promise<TestServer[]> {
    const schema = freshSchemaName();
    schemas.push(schema);
    const prefix = `test-${randomBytes(6).toString('hex')}`;
    prefixes.push(prefix);
    const started: TestServer[] = [];
    for (let i = 0; i < count; i++) {
      started.push(
        await harness.start({
          ...options,
          collabSecret: TEST_COLLAB_SECRET,
          openStore: () => openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 }),
          cluster: await redisCluster(TEST_REDIS_URL, prefix, () => undefined),
        }),
      );
    }
    return started;
  }

  async function twoProcesses(): Promise<[TestServer, TestServer]> {
    const [a, b] = await processes(2);
    return [a!, b!];
  }

  /** Waits until the assertion holds. */
  const until = (assertion: () => void | Promise<void>, timeoutMs?: number) =>
    waitFor(
      async () => {
        await assertion();
        return true;
      },
      'the assertion',
      timeoutMs,
    );
  const connectionOf = (client: TestClient, personId: string) => client.people.get(personId)?.connection;
  const idOf = (client: TestClient) => client.snapshot!.session.personId;

  it('presence, people changes, the agenda run and poll counts agree on both processes', async () => {
    const [a, b] = await twoProcesses();
    const workshop = await harness.createWorkshop(a);
    const mia = await harness.join(a, workshop, 'moderator', 'Mia');
    const bo = await harness.join(b, workshop, 'participant', 'Bo');
    const cem = await harness.join(b, workshop, 'participant', 'Cem');

    // Presence: the moderator on A sees Bo (on B) online, and Bo sees the moderator online.
    await until(() => expect(connectionOf(mia, idOf(bo))).toBe('online'));
    await until(() => expect(connectionOf(bo, idOf(mia))).toBe('online'));
    // B learns of Mia over the bus, apart from the broadcasts above: wait until B itself says so.
    // (What a client was sent and what a process has cached travel separately between processes.)
    const seenOnB = async () => (await harness.resume(b, workshop.id, bo.snapshot!.session.personToken)).snapshot!.people;
    await until(async () => expect((await seenOnB()).find((person) => person.id === idOf(mia))?.connection).toBe('online'));

    // A rename on A reaches B's people and B's cached list (a newcomer on B sees the new name).
    okData(await mia.call('people:rename', { personId: idOf(cem), displayName: 'Cem K.' }));
    await until(() => expect(bo.people.get(idOf(cem))?.displayName).toBe('Cem K.'));
    await until(async () => expect((await seenOnB()).find((person) => person.id === idOf(cem))?.displayName).toBe('Cem K.'));
    const late = await harness.join(b, workshop, 'participant', 'Lea');
    expect(late.snapshot!.people.find((person) => person.id === idOf(cem))?.displayName).toBe('Cem K.');

    // The agenda, edited and started on A, runs the same on B.
    const blockId = okData(
      await mia.call('agenda:addBlock', {
        afterBlockId: null,
        block: { title: 'Einstieg', type: 'other', plannedMinutes: 10, description: '', moderationNotes: '' },
      }),
    ).blockId;
    const started = okData(await mia.call('agenda:control', { action: 'start' })).run;
    await until(() => expect(bo.eventsOf('agenda:run').at(-1)?.run).toEqual(started));
    const onB = okData(await bo.call('agenda:get', {}));
    expect(onB.agenda.blocks.map((block) => block.id)).toEqual([blockId]);
    expect(onB.agenda.run).toEqual(started);

    // A poll opened on A, answered on both processes: the counts agree everywhere.
    const pollId = okData(
      await mia.call('poll:create', {
        question: 'Wie war der Input?',
        type: 'single',
        options: [
          { id: 'gut', label: 'Gut' },
          { id: 'schlecht', label: 'Schlecht' },
        ],
      } as never),
    ).pollId;
    okData(await mia.call('poll:open', { pollId }));
    await until(() => expect(bo.eventsOf('poll:changed').some((changed) => changed.pollId === pollId)).toBe(true));
    okData(await bo.call('poll:answer', { pollId, answer: { optionIds: ['gut'] } } as never));
    okData(await cem.call('poll:answer', { pollId, answer: { optionIds: ['schlecht'] } } as never));
    okData(await mia.call('poll:answer', { pollId, answer: { optionIds: ['gut'] } } as never));
    // Both processes count all three answers (B's cached answers were dropped when A stored one).
    // (B drops them when A's notice arrives, which may be a moment after Mia's acknowledgement.)
    for (const client of [mia, bo]) {
      await until(async () => {
        const polls = okData(await client.call('poll:list', {})).polls;
        expect(polls.find((view) => view.poll.id === pollId)?.results?.counts).toEqual({ gut: 2, schlecht: 1 });
      });
    }
    await until(() => expect(mia.eventsOf('poll:results').at(-1)?.counts).toEqual({ gut: 2, schlecht: 1 }));

    // A second answer from the same person is refused, whichever process they use.
    const again = await harness.resume(a, workshop.id, bo.snapshot!.session.personToken);
    expect((await again.call('poll:answer', { pollId, answer: { optionIds: ['schlecht'] } } as never)).ok).toBe(false);
  });

  it('a person whose process stops shows as left to the others; reconnecting elsewhere brings them back', async () => {
    const [a, b] = await twoProcesses();
    const workshop = await harness.createWorkshop(a);
    const mia = await harness.join(a, workshop, 'moderator', 'Mia');
    const bo = await harness.join(b, workshop, 'participant', 'Bo');
    await until(() => expect(connectionOf(mia, idOf(bo))).toBe('online'));

    // B goes away without a goodbye on the bus: its sockets close, its heartbeats stop.
    bo.socket.io.opts.reconnection = false;
    await b.close();
    await until(() => expect(connectionOf(mia, idOf(bo))).toBe('left'), 20_000);

    const back = await harness.resume(a, workshop.id, bo.snapshot!.session.personToken);
    expect(back.snapshot!.session.personId).toBe(idOf(bo));
    await until(() => expect(connectionOf(mia, idOf(bo))).toBe('online'));
  }, 30_000);

  it('a breakout round across processes: rooms open on the agenda clock with people of every process; the opening process dies; the round ends on a survivor and everyone returns', async () => {
    const T0 = Date.parse('2026-12-01T13:00:00Z');
    const clock = new TestClock(T0 - 5 * MINUTE_MS);
    const [a, b, c] = (await processes(3, { now: clock.now, accessCheckMs: 50, randomSeed: () => 7 })) as [TestServer, TestServer, TestServer];
    const workshop = await harness.createWorkshop(a);
    const mia = await harness.join(a, workshop, 'moderator', 'Mia');
    const participants = [
      await harness.join(b, workshop, 'participant', 'Ana'),
      await harness.join(c, workshop, 'participant', 'Ben'),
      await harness.join(b, workshop, 'participant', 'Cleo'),
      await harness.join(c, workshop, 'participant', 'Dan'),
    ];
    const [ana, ben] = participants as [TestClient, TestClient];
    const miaToken = mia.snapshot!.session.personToken;
    // Process A must know the people on B and C are here before it assigns them: wait on A's own view.
    await until(async () => {
      const seenOnA = (await harness.resume(a, workshop.id, miaToken)).snapshot!.people;
      for (const client of participants) expect(seenOnA.find((person) => person.id === idOf(client))?.connection).toBe('online');
    });

    const addBlock = async (afterBlockId: string | null, title: string, type: 'arrival' | 'breakout' | 'closing', plannedMinutes: number) =>
      okData(await mia.call('agenda:addBlock', { afterBlockId, block: { title, type, plannedMinutes, description: '', moderationNotes: '' } })).blockId;
    const arrival = await addBlock(null, 'Ankommen', 'arrival', 5);
    const breakout = await addBlock(arrival, 'Gruppenarbeit', 'breakout', 20);
    await addBlock(breakout, 'Abschluss', 'closing', 5);
    const roundId = okData(
      await mia.call('breakout:saveRound', {
        blockId: breakout,
        rooms: [
          { name: 'Raum Nord', task: 'Was verbindet uns?' },
          { name: 'Raum Süd', task: 'Was fehlt uns?' },
        ],
        assignmentMode: 'random',
        notesTemplate: '',
      }),
    ).roundId;
    const roundIn = (rounds: BreakoutRound[] | undefined) => rounds?.find((round) => round.id === roundId);
    const lastRound = (client: TestClient) => roundIn(client.eventsOf('breakout:changed').at(-1)?.rounds);

    // The agenda on A reaches the breakout block: A opens the rooms and assigns everyone, wherever connected.
    clock.set(T0);
    okData(await mia.call('agenda:control', { action: 'start' }));
    clock.advance(5 * MINUTE_MS);
    okData(await mia.call('agenda:control', { action: 'next' }));
    const opened = roundIn(okData(await mia.call('breakout:get', {})).rounds)!;
    expect(opened.openedAt).toBe(clock.ms);
    expect(Object.keys(opened.assignments).sort()).toEqual(participants.map(idOf).sort());
    for (const client of participants) await until(() => expect(lastRound(client)?.assignments).toEqual(opened.assignments));

    // Ana (on B) and Ben (on C) write in their rooms' notes, each through their own process.
    const anaRoom = opened.assignments[idOf(ana)]!;
    const benRoom = opened.assignments[idOf(ben)]!;
    const anaGrant = okData(await ana.call('notes:token', { roomId: anaRoom }));
    const benGrant = okData(await ben.call('notes:token', { roomId: benRoom }));
    expect([anaGrant.mode, benGrant.mode]).toEqual(['edit', 'edit']);
    const anaNotes = harness.collab(b, anaGrant);
    const benNotes = harness.collab(c, benGrant);
    await until(() => expect(anaNotes.provider.synced && benNotes.provider.synced).toBe(true));

    // A finding proposed in a room on B reaches the moderation on A.
    okData(await ana.call('findings:propose', { roundId, roomId: anaRoom, text: 'Mehr Zeit für Austausch' }));
    await until(() => expect(mia.eventsOf('findings:changed').length).toBeGreaterThan(0));
    expect(okData(await mia.call('findings:list', {})).findings.map((finding) => finding.text)).toEqual(['Mehr Zeit für Austausch']);

    // A, which opened the round and holds the moderator, stops in the middle of the round.
    mia.socket.io.opts.reconnection = false;
    await a.close();
    clock.advance(10 * MINUTE_MS);
    const miaOnC = await harness.resume(c, workshop.id, miaToken);
    const running = okData(await miaOnC.call('agenda:get', {})).agenda.run;
    const stillOpen = roundIn(okData(await miaOnC.call('breakout:get', {})).rounds)!;
    expect(stillOpen.assignments).toEqual(opened.assignments);
    expect(breakoutState(stillOpen, running.timer, clock.ms).phase).toBe('open');

    // The moderator, now on C, ends the block: the round ends and everyone on B and C is told.
    okData(await miaOnC.call('agenda:control', { action: 'next' }));
    const endedAt = clock.ms;
    for (const client of participants) {
      await until(() => expect(lastRound(client)?.endedAt).toBe(endedAt));
      const round = lastRound(client)!;
      const state = breakoutState(round, null, clock.ms);
      expect(state).toMatchObject({ phase: 'returning', endsAt: endedAt, returnAt: endedAt + round.graceSeconds * 1000 });
    }
    // Within the grace period the rooms still take edits.
    expect(okData(await ana.call('notes:token', { roomId: anaRoom })).mode).toBe('edit');
    writeParagraph(anaNotes.doc, 'Letzter Gedanke');

    // The grace period runs out: B and C each close their members' room connections, and everyone is in the plenary.
    clock.advance(opened.graceSeconds * 1000);
    await until(() => expect(anaNotes.closed?.code).toBe(COLLAB_CLOSE.accessRevoked));
    await until(() => expect(benNotes.closed?.code).toBe(COLLAB_CLOSE.accessRevoked));
    expect(okData(await ana.call('notes:token', { roomId: anaRoom })).mode).toBe('read');
    expect(okData(await ben.call('notes:token', { roomId: benRoom })).mode).toBe('read');
    for (const client of participants) {
      const round = lastRound(client)!;
      expect(currentRoomOf(round, breakoutState(round, null, clock.ms), idOf(client))).toBeNull();
    }
    // What Ana wrote while returning is kept.
    await b.app.collab.flush();
    const stored = new Y.Doc();
    for (const update of (await b.store.collab.loadDocument(anaGrant.docName)).updates) Y.applyUpdate(stored, update);
    expect(renderNotesMarkdown(stored)).toContain('Letzter Gedanke');

    // The documentation comes from any process, with what was written through the others.
    const documentation = await fetch(`${b.baseUrl}/api/workshops/${workshop.id}/documentation?format=markdown`, {
      headers: { authorization: `Bearer ${workshop.keys.moderator}` },
    });
    expect(documentation.status).toBe(200);
    const markdown = await documentation.text();
    expect(markdown).toContain('Mehr Zeit für Austausch');
    expect(markdown).toContain('Letzter Gedanke');

    // A series moved on from C reaches everyone on B and C.
    okData(await miaOnC.call('series:addDate', { startsAt: '2027-01-20T13:00:00Z' }));
    okData(await miaOnC.call('agenda:control', { action: 'endWorkshop' }));
    okData(await miaOnC.call('series:advance', undefined));
    for (const client of participants) {
      await until(() => expect(client.eventsOf('series:changed').at(-1)?.dates.map((date) => date.status)).toEqual(['done', 'current']));
    }
  }, 30_000);

  it('a count read on one process before another process stored an answer is followed by a fresh one: everyone ends on the stored counts', async () => {
    // Process B's first read of the answers is held after it read them, like a slow database
    // connection, so that its (then stale) count goes out after A's newer one.
    let holdNextRead = false;
    let heldRead: (() => void) | undefined;
    const [a] = await processes(1);
    const schema = schemas.at(-1)!;
    const prefix = prefixes.at(-1)!;
    const b = await harness.start({
      collabSecret: TEST_COLLAB_SECRET,
      openStore: () => openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 }),
      cluster: await redisCluster(TEST_REDIS_URL, prefix, () => undefined),
      wrapStore: (store) => ({
        ...store,
        async listAnswers(pollId: string) {
          const answers = await store.listAnswers(pollId);
          if (holdNextRead) {
            holdNextRead = false;
            await new Promise<void>((resolve) => (heldRead = resolve));
          }
          return answers;
        },
      }),
    });
    const workshop = await harness.createWorkshop(a!);
    const mia = await harness.join(a!, workshop, 'moderator', 'Mia');
    const ida = await harness.join(a!, workshop, 'participant', 'Ida');
    const bo = await harness.join(b, workshop, 'participant', 'Bo');
    const pollId = okData(await mia.call('poll:create', { question: 'Noch Fragen?', type: 'yesNo' } as never)).pollId;
    okData(await mia.call('poll:open', { pollId }));
    await until(() => expect(bo.eventsOf('poll:changed').some((changed) => changed.pollId === pollId)).toBe(true));

    holdNextRead = true;
    okData(await bo.call('poll:answer', { pollId, answer: { optionIds: ['yes'] } } as never));
    await waitFor(() => heldRead, 'B counting the answers');
    okData(await ida.call('poll:answer', { pollId, answer: { optionIds: ['no'] } } as never));
    await until(() => expect(mia.eventsOf('poll:results').at(-1)?.participants).toBe(2));
    // B's count (without Ida) goes out now, after A's.
    heldRead!();
    await until(() => expect(mia.eventsOf('poll:results').some((results) => results.participants === 1)).toBe(true));
    await until(() => expect(mia.eventsOf('poll:results').at(-1)).toMatchObject({ participants: 2, counts: { yes: 1, no: 1 } }));
  });

  it('someone who joins on B before B heard of a person on A is corrected when the news arrives', async () => {
    const [a] = await processes(1);
    // B's bus delivers nothing while held, like a Redis subscription running behind.
    const cluster = await redisCluster(TEST_REDIS_URL, prefixes.at(-1)!, () => undefined);
    let held: (() => void)[] | undefined = [];
    const bus = cluster.bus;
    const slowBus = {
      ...bus,
      on: (topic: string, handler: (payload: unknown, from: string) => void) =>
        bus.on(topic, (payload, from) => (held ? held.push(() => handler(payload, from)) : handler(payload, from))),
    };
    const schema = schemas.at(-1)!;
    const b = await harness.start({
      collabSecret: TEST_COLLAB_SECRET,
      openStore: () => openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 }),
      cluster: { ...cluster, bus: slowBus },
    });
    const workshop = await harness.createWorkshop(a!);
    const mia = await harness.join(a!, workshop, 'moderator', 'Mia');
    const bo = await harness.join(b, workshop, 'participant', 'Bo');
    // B did not know yet: Bo was told Mia is away, and A's broadcast of her arrival went out before Bo came.
    expect(bo.snapshot!.people.find((person) => person.id === idOf(mia))?.connection).toBe('left');
    const late = held!;
    held = undefined;
    for (const deliver of late) deliver();
    await until(() => expect(connectionOf(bo, idOf(mia))).toBe('online'));
  });

  it('someone whose call token came from a process that died is still taken out of the room’s call when the round is over', async () => {
    const liveKit = await new FakeLiveKit().start();
    try {
      const clock = new TestClock(Date.parse('2026-12-01T13:00:00Z'));
      const [a, b] = (await processes(2, { now: clock.now, accessCheckMs: 50, liveKit: liveKit.settings() })) as [TestServer, TestServer];
      const workshop = await harness.createWorkshop(a);
      const mia = await harness.join(a, workshop, 'moderator', 'Mia');
      const ana = await harness.join(b, workshop, 'participant', 'Ana');
      await until(async () => {
        const seenOnA = (await harness.resume(a, workshop.id, mia.snapshot!.session.personToken)).snapshot!.people;
        expect(seenOnA.find((person) => person.id === idOf(ana))?.connection).toBe('online');
      });
      const blockId = okData(
        await mia.call('agenda:addBlock', { afterBlockId: null, block: { title: 'Gruppenarbeit', type: 'breakout', plannedMinutes: 10, description: '', moderationNotes: '' } }),
      ).blockId;
      const roundId = okData(await mia.call('breakout:saveRound', { blockId, rooms: [{ name: 'Raum A' }], assignmentMode: 'random', notesTemplate: '' })).roundId;
      okData(await mia.call('agenda:control', { action: 'start' }));
      const round = okData(await mia.call('breakout:get', {})).rounds.find((candidate) => candidate.id === roundId)!;
      const roomId = round.assignments[idOf(ana)]!;
      expect(roomId).toBe(round.rooms[0]!.id);

      // Ana joins her room's call with a token from B; then B dies.
      const grant = okData(await ana.call('media:token', { roomId }));
      await liveKit.join(grant.token);
      const roomName = `werkraum:${workshop.id}:${roomId}`;
      expect(liveKit.identities(roomName)).toEqual([idOf(ana)]);
      ana.socket.io.opts.reconnection = false;
      await b.close();

      // The block's time and the grace period run out: A takes her out of the room's call, once.
      clock.advance(10 * MINUTE_MS + round.graceSeconds * 1000);
      await until(() => expect(liveKit.identities(roomName)).toEqual([]));
      expect(liveKit.callsOf('RemoveParticipant').map((call) => call.body)).toEqual([{ room: roomName, identity: idOf(ana) }]);
    } finally {
      await harness.cleanup();
      await liveKit.close();
    }
  });

  it('who is in a call and who speaks is known on every process, whichever process LiveKit’s webhook reached', async () => {
    const liveKit = await new FakeLiveKit().start();
    try {
      const [a, b, c] = (await processes(3, { liveKit: liveKit.settings() })) as [TestServer, TestServer, TestServer];
      const workshop = await harness.createWorkshop(a);
      await harness.join(a, workshop, 'moderator', 'Mia');
      const bo = await harness.join(b, workshop, 'participant', 'Bo');
      const cem = await harness.join(c, workshop, 'participant', 'Cem');
      const plenary = `werkraum:${workshop.id}:${PLENARY_ROOM}`;
      // What a client on B reads on joining or resuming there.
      const statusOnB = async () => okData(await (await harness.resume(b, workshop.id, bo.snapshot!.session.personToken)).call('media:status', {}));

      // Bo (on B) joins the plenary call; LiveKit's webhook reaches A.
      expect(await liveKit.sendWebhook(`${a.baseUrl}/api/livekit/webhook`, { event: 'participant_joined', room: plenary, identity: idOf(bo) })).toBe(200);
      expect((await statusOnB()).inCall).toEqual({ [idOf(bo)]: PLENARY_ROOM });
      const late = await harness.join(b, workshop, 'participant', 'Lea');
      expect(okData(await late.call('media:status', {})).inCall).toEqual({ [idOf(bo)]: PLENARY_ROOM });
      await until(() => expect(cem.eventsOf('media:presence').at(-1)).toEqual({ inCall: { [idOf(bo)]: PLENARY_ROOM } }));

      // B lets Bo report speaking; Cem on C hears it, and C's snapshot has it.
      expect(okData(await bo.call('media:speaking', { roomId: PLENARY_ROOM, speaking: true }))).toEqual({ speaking: true });
      await until(() => expect(cem.eventsOf('media:speaking')).toEqual([{ personId: idOf(bo), roomId: PLENARY_ROOM, speaking: true }]));
      expect(okData(await cem.call('media:status', {})).speaking).toEqual([idOf(bo)]);
      // Cem is in no call, whichever process he asks.
      expect((await cem.call('media:speaking', { roomId: PLENARY_ROOM, speaking: true })).ok).toBe(false);

      // Bo leaves; the webhook reaches C: gone from the call and no longer speaking, everywhere.
      expect(await liveKit.sendWebhook(`${c.baseUrl}/api/livekit/webhook`, { event: 'participant_left', room: plenary, identity: idOf(bo) })).toBe(200);
      expect(await statusOnB()).toMatchObject({ inCall: {}, speaking: [] });
      expect(okData(await late.call('media:status', {}))).toMatchObject({ inCall: {}, speaking: [] });
      await until(() => expect(late.eventsOf('media:speaking').at(-1)).toEqual({ personId: idOf(bo), roomId: PLENARY_ROOM, speaking: false }));
      await until(() => expect(late.eventsOf('media:presence').at(-1)).toEqual({ inCall: {} }));
      const refused = await bo.call('media:speaking', { roomId: PLENARY_ROOM, speaking: true });
      expect(refused.ok ? null : refused.error.code).toBe('forbidden');
    } finally {
      await harness.cleanup();
      await liveKit.close();
    }
  });

  it('a facilitator’s mute on one process names exactly the tracks LiveKit’s webhooks reported to the others', async () => {
    const liveKit = await new FakeLiveKit().start();
    try {
      const [a, b, c] = (await processes(3, { liveKit: liveKit.settings() })) as [TestServer, TestServer, TestServer];
      const workshop = await harness.createWorkshop(a);
      const bo = await harness.join(a, workshop, 'participant', 'Bo');
      const mia = await harness.join(b, workshop, 'moderator', 'Mia');
      const cem = await harness.join(c, workshop, 'participant', 'Cem');
      const plenary = `werkraum:${workshop.id}:${PLENARY_ROOM}`;
      const hookOf = (server: TestServer) => `${server.baseUrl}/api/livekit/webhook`;
      // Bo and Cem join the plenary call and switch their microphones on; every webhook reaches A.
      const mics = new Map<string, string>();
      for (const client of [bo, cem]) {
        await liveKit.join(okData(await client.call('media:token', { roomId: PLENARY_ROOM })).token);
        expect(await liveKit.sendWebhook(hookOf(a), { event: 'participant_joined', room: plenary, identity: idOf(client) })).toBe(200);
        mics.set(idOf(client), (await liveKit.publishMicrophoneAndNotify(hookOf(a), plenary, idOf(client))).sid);
      }

      // Mia, on B, mutes Bo: exactly his microphone, from the shared tracks (LiveKit is not asked who publishes).
      expect(okData(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: idOf(bo) }))).toEqual({ muted: 1 });
      expect(liveKit.callsOf('MutePublishedTrack').map((call) => call.body)).toEqual([{ room: plenary, identity: idOf(bo), trackSid: mics.get(idOf(bo)), muted: true }]);
      expect(liveKit.callsOf('ListParticipants')).toEqual([]);

      // Bo stops that microphone; the webhook reaches C. A later mute of everyone on B no longer names it.
      await liveKit.unpublishAndNotify(hookOf(c), plenary, idOf(bo), mics.get(idOf(bo))!);
      const before = liveKit.callsOf('MutePublishedTrack').length;
      expect(okData(await mia.call('media:mute', { roomId: PLENARY_ROOM, personId: null }))).toEqual({ muted: 1 });
      expect(liveKit.callsOf('MutePublishedTrack').slice(before).map((call) => call.body)).toEqual([
        { room: plenary, identity: idOf(cem), trackSid: mics.get(idOf(cem)), muted: true },
      ]);
      expect(liveKit.callsOf('ListParticipants')).toEqual([]);
    } finally {
      await harness.cleanup();
      await liveKit.close();
    }
  });

  it('a person’s view announced late by one process never overwrites a change made on another for good', async () => {
    const [a] = await processes(1);
    const cluster = await redisCluster(TEST_REDIS_URL, prefixes.at(-1)!, () => undefined);
    let held: (() => void)[] | undefined;
    const bus = cluster.bus;
    const slowBus = {
      ...bus,
      on: (topic: string, handler: (payload: unknown, from: string) => void) =>
        bus.on(topic, (payload, from) => (held ? held.push(() => handler(payload, from)) : handler(payload, from))),
    };
    const schema = schemas.at(-1)!;
    // B announces people at most once a second, so Cem's arrival is still queued when A renames him.
    const b = await harness.start({
      collabSecret: TEST_COLLAB_SECRET,
      peopleAnnounceMs: 1_000,
      openStore: () => openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 }),
      cluster: { ...cluster, bus: slowBus },
    });
    const workshop = await harness.createWorkshop(a!);
    const mia = await harness.join(a!, workshop, 'moderator', 'Mia');
    const bo = await harness.join(b, workshop, 'participant', 'Bo');
    const cem = await harness.join(b, workshop, 'participant', 'Cem');
    const cemViews = () => bo.eventsOf('people:upserted').flatMap((event) => event.people.filter((person) => person.id === idOf(cem)));
    const before = cemViews().length;

    // B hears nothing from A for a while (its list of people still has the old name) ...
    held = [];
    okData(await mia.call('people:rename', { personId: idOf(cem), displayName: 'Cem K.' }));
    await until(() => expect(cemViews().at(-1)?.displayName).toBe('Cem K.'));
    // ... and sends its queued announcement of Cem's arrival from that list, after A's rename.
    await until(() => expect(cemViews().length).toBeGreaterThanOrEqual(before + 2));
    expect(cemViews().at(-1)?.displayName).toBe('Cem');
    // When A's notice arrives, B sends Cem again as he is now.
    const late = held;
    held = undefined;
    for (const deliver of late) deliver();
    await until(() => expect(cemViews().at(-1)?.displayName).toBe('Cem K.'));
  });

  /** Appends a paragraph to a notes document, as the editor would (TipTap's fragment "default"). */
  function writeParagraph(doc: Y.Doc, text: string): void {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(text)]);
    const fragment = doc.getXmlFragment('default');
    fragment.insert(fragment.length, [paragraph]);
  }

  it('notes edited by stock y-websocket clients on two processes converge, live, with presence; the store has every edit', async () => {
    const [a, b] = await twoProcesses();
    const workshop = await harness.createWorkshop(a);
    const mia = await harness.join(a, workshop, 'moderator', 'Mia');
    const bo = await harness.join(b, workshop, 'participant', 'Bo');
    const miaGrant = okData(await mia.call('notes:token', { roomId: 'plenary' }));
    const boGrant = okData(await bo.call('notes:token', { roomId: 'plenary' }));
    const onA = harness.collab(a, miaGrant);
    const onB = harness.collab(b, boGrant);
    await until(() => expect(onA.provider.synced && onB.provider.synced).toBe(true));

    writeParagraph(onA.doc, 'Von A');
    await until(() => expect(renderNotesMarkdown(onB.doc)).toContain('Von A'));
    for (let i = 0; i < 20; i++) writeParagraph(i % 2 === 0 ? onA.doc : onB.doc, `Zeile ${i}`);
    await until(() => {
      expect(renderNotesMarkdown(onA.doc)).toBe(renderNotesMarkdown(onB.doc));
      expect(onA.doc.getXmlFragment('default').length).toBe(21);
    });

    // Presence crosses too: each sees the other's caret state.
    onA.provider.awareness.setLocalStateField('user', { name: 'Mia' });
    await until(() => expect([...onB.provider.awareness.getStates().values()].some((state) => (state as { user?: { name?: string } }).user?.name === 'Mia')).toBe(true));

    // Both processes stored their editors' updates in the one database: a third reader sees everything.
    await a.app.collab.flush();
    await b.app.collab.flush();
    const stored = new Y.Doc();
    for (const update of (await a.store.collab.loadDocument(miaGrant.docName)).updates) Y.applyUpdate(stored, update);
    expect(renderNotesMarkdown(stored)).toBe(renderNotesMarkdown(onA.doc));
  });

  it('a process that missed relayed updates catches up from the store', async () => {
    const [a, b] = await twoProcesses();
    const workshop = await harness.createWorkshop(a);
    const mia = await harness.join(a, workshop, 'moderator', 'Mia');
    const bo = await harness.join(b, workshop, 'participant', 'Bo');
    const onA = harness.collab(a, okData(await mia.call('notes:token', { roomId: 'plenary' })));
    const onB = harness.collab(b, okData(await bo.call('notes:token', { roomId: 'plenary' })));
    await until(() => expect(onA.provider.synced && onB.provider.synced).toBe(true));
    // An update stored behind everyone's back (as if its relay message were lost) ...
    const name = okData(await mia.call('notes:token', { roomId: 'plenary' })).docName;
    const lost = new Y.Doc();
    Y.applyUpdate(lost, Y.encodeStateAsUpdate(onA.doc));
    const before = Y.encodeStateVector(lost);
    writeParagraph(lost, 'Verloren');
    await a.store.collab.appendUpdate(name, Y.encodeStateAsUpdate(lost, before));
    // ... is found by both processes once the next relayed update shows the gap.
    writeParagraph(onA.doc, 'Danach');
    await until(() => {
      expect(renderNotesMarkdown(onB.doc)).toContain('Verloren');
      expect(renderNotesMarkdown(onA.doc)).toContain('Verloren');
      expect(renderNotesMarkdown(onB.doc)).toContain('Danach');
    }, 5_000);
  });

  it('dot votes cast at once on both processes keep the limit per person', async () => {
    const [a, b] = await twoProcesses();
    const workshop = await harness.createWorkshop(a);
    const mia = await harness.join(a, workshop, 'moderator', 'Mia');
    const boOnA = await harness.join(a, workshop, 'participant', 'Bo');
    const boOnB = await harness.resume(b, workshop.id, boOnA.snapshot!.session.personToken);
    const board = harness.collab(a, okData(await mia.call('board:token', { roomId: 'plenary' })));
    await until(() => expect(board.provider.synced).toBe(true));
    const cards = [0, 1, 2].map((i) => addCard(board.doc, { text: `Idee ${i}`, x: i * 200, y: 0, authorId: idOf(mia), authorName: 'Mia' }));
    await until(async () => {
      const copy = await b.app.collab.snapshot(`board:${workshop.id}:plenary`);
      expect(copy.getMap('items').size).toBe(3);
      copy.destroy();
    });
    okData(await mia.call('board:startVoting', { roomId: 'plenary', dotsPerPerson: 2, target: 'cards' }));

    const votes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? boOnA : boOnB).call('board:vote', { roomId: 'plenary', itemId: cards[i % 3]! })),
    );
    expect(votes.filter((ack) => ack.ok)).toHaveLength(2);
    for (const client of [boOnA, boOnB]) {
      expect(okData(await client.call('board:state', { roomId: 'plenary' })).voting.myVotes).toHaveLength(2);
    }
    const counts = okData(await mia.call('board:state', { roomId: 'plenary' })).voting.counts!;
    expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(2);
  });

  it('a collaboration token opens one connection in the whole installation, not one per process', async () => {
    const [a, b] = await twoProcesses();
    const workshop = await harness.createWorkshop(a);
    const mia = await harness.join(a, workshop, 'moderator', 'Mia');
    const grant = okData(await mia.call('notes:token', { roomId: 'plenary' }));
    const first = harness.collab(a, grant);
    await until(() => expect(first.provider.synced).toBe(true));
    // The same token on the other process (a replay) is refused.
    const replay = harness.collab(b, grant);
    await until(() => expect(replay.closeCodes[0]).toBe(COLLAB_CLOSE.invalidToken));
    expect(replay.provider.synced).toBe(false);
    // A fresh token opens the document on B.
    const fresh = harness.collab(b, okData(await mia.call('notes:token', { roomId: 'plenary' })));
    await until(() => expect(fresh.provider.synced).toBe(true));
  });
});
