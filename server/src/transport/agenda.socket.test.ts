import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadline, remainingMs } from '@werkraum/shared/agendaClock';
import type { Ack } from '@werkraum/shared/errors';
import type { AgendaBlockView, AgendaRun, AgendaSnapshot, AgendaView, ClientEventName } from '@werkraum/shared/protocol';
import { Harness, okData, waitFor, waitForPerson, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

/** Asserts a refused acknowledgement with `code` (and `field`, when given). */
function expectError(ack: Ack<unknown>, code: string, field?: string) {
  expect(ack.ok, `expected error ${code}, got ${JSON.stringify(ack)}`).toBe(false);
  if (ack.ok) return;
  expect(ack.error.code).toBe(code);
  expect(ack.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) expect(ack.error.field).toBe(field);
}

/** Planned start of the test workshop (14:00 in Berlin), and the test clock's start. */
const STARTS_AT = '2026-12-01T14:00:00+01:00';
const T0 = Date.parse(STARTS_AT);

const personIdOf = (client: TestClient) => client.snapshot!.session.personId;
const tokenOf = (client: TestClient) => client.snapshot!.session.personToken;

/** Every note text used in these tests carries this marker, so a leak is easy to find. */
const NOTE = 'NOTE-7f3a';

/** One socket round trip: everything the server sent this client before the answer has arrived. */
async function roundTrip(client: TestClient): Promise<void> {
  okData(await client.call('clock:ping', {}));
}

/** The last payload of an event a client received, once it has received at least `count` of them. */
async function nth<E extends 'agenda:changed' | 'agenda:run' | 'agenda:notes'>(client: TestClient, event: E, count: number) {
  return waitFor(() => {
    const all = client.eventsOf(event);
    return all.length >= count ? all[count - 1] : undefined;
  }, `${event} #${count}`);
}

describe('agenda over sockets', () => {
  const harness = new Harness();
  let clock: TestClock;
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mia: TestClient;
  let cem: TestClient;
  let bo: TestClient;
  let dee: TestClient;

  beforeEach(async () => {
    clock = new TestClock(T0 - 5 * MINUTE_MS);
    server = await harness.start({ now: clock.now });
    workshop = await harness.createWorkshop(server, { title: 'Vernetzung vor Ort', startsAt: STARTS_AT, language: 'de' });
    mia = await harness.join(server, workshop, 'moderator', 'Mia');
    cem = await harness.join(server, workshop, 'coModerator', 'Cem');
    bo = await harness.join(server, workshop, 'participant', 'Bo');
    dee = await harness.join(server, workshop, 'participant', 'Dee');
  });
  afterEach(async () => {
    // A healthy run logs nothing (no internal errors behind the acknowledgements).
    const logs = server.logs.map((entry) => entry.message);
    await harness.cleanup();
    expect(logs).toEqual([]);
  });

  const everyone = () => [mia, cem, bo, dee];
  const facilitators = () => [mia, cem];
  const participants = () => [bo, dee];

  /** Waits until every client has received `count` agenda:changed events and returns the last one of each. */
  async function changedEverywhere(count: number): Promise<AgendaView[]> {
    return Promise.all(everyone().map((client) => nth(client, 'agenda:changed', count)));
  }

  async function addBlock(
    client: TestClient,
    afterBlockId: string | null,
    title: string,
    plannedMinutes: number,
    extra: { type?: AgendaBlockView['type']; description?: string; moderationNotes?: string } = {},
  ): Promise<string> {
    const ack = await client.call('agenda:addBlock', {
      afterBlockId,
      block: { title, type: extra.type ?? 'other', plannedMinutes, description: extra.description ?? '', moderationNotes: extra.moderationNotes ?? '' },
    });
    return okData(ack).blockId;
  }

  /** Asserts that no note text reached a client in any event or answer it has seen. */
  function expectNoNotesIn(client: TestClient, answers: unknown[] = []) {
    expect(client.eventsOf('agenda:notes')).toEqual([]);
    expect(JSON.stringify(client.received)).not.toContain(NOTE);
    expect(JSON.stringify(answers)).not.toContain(NOTE);
  }

  describe('editing', () => {
    it('sends every change to everyone without notes, and the notes only to the moderation', async () => {
      const a = await addBlock(mia, null, 'Ankommen', 5, { type: 'arrival', description: 'Kamera an', moderationNotes: `${NOTE} Link posten` });
      let views = await changedEverywhere(1);
      for (const view of views) {
        expect(view.blocks).toEqual([{ id: a, title: 'Ankommen', type: 'arrival', plannedMinutes: 5, description: 'Kamera an' }]);
        expect(view.run).toEqual({ status: 'notStarted', timer: null, actuals: [], log: [] });
      }
      for (const client of facilitators()) {
        expect(await nth(client, 'agenda:notes', 1)).toEqual({ moderationNotes: { [a]: `${NOTE} Link posten` } });
      }

      // The co-moderator edits too.
      const b = await addBlock(cem, a, 'Input', 20, { type: 'input', moderationNotes: `${NOTE} Folien teilen` });
      const c = await addBlock(mia, b, 'Abschluss', 10, { type: 'closing' });
      await changedEverywhere(3);
      okData(
        await mia.call('agenda:updateBlock', {
          blockId: a,
          patch: { title: 'Ankommen & Technik', description: 'Kamera und Ton', moderationNotes: `${NOTE} Link posten!` },
        }),
      );
      await changedEverywhere(4);
      okData(await cem.call('agenda:moveBlock', { blockId: c, toIndex: 0 }));
      await changedEverywhere(5);
      const d = okData(await mia.call('agenda:duplicateBlock', { blockId: b })).blockId;
      await changedEverywhere(6);
      okData(await mia.call('agenda:deleteBlock', { blockId: c }));
      views = await changedEverywhere(7);

      const expectedBlocks: AgendaBlockView[] = [
        { id: a, title: 'Ankommen & Technik', type: 'arrival', plannedMinutes: 5, description: 'Kamera und Ton' },
        { id: b, title: 'Input', type: 'input', plannedMinutes: 20, description: '' },
        { id: d, title: 'Input', type: 'input', plannedMinutes: 20, description: '' },
      ];
      for (const view of views) expect(view.blocks).toEqual(expectedBlocks);
      // Exactly one broadcast per change, in order: after the move, c came first.
      for (const client of everyone()) {
        await roundTrip(client);
        const changes = client.eventsOf('agenda:changed');
        expect(changes).toHaveLength(7);
        expect(changes[4]!.blocks.map((block) => block.id)).toEqual([c, a, b]);
      }

      const notes = { [a]: `${NOTE} Link posten!`, [b]: `${NOTE} Folien teilen`, [d]: `${NOTE} Folien teilen` };
      for (const client of facilitators()) {
        expect(await nth(client, 'agenda:notes', 7)).toEqual({ moderationNotes: notes });
        const snapshot = okData(await client.call('agenda:get', {}));
        expect(snapshot.moderationNotes).toEqual(notes);
        expect(snapshot.agenda.blocks).toEqual(expectedBlocks);
        expect(snapshot.serverTime).toBe(clock.ms);
      }

      for (const client of participants()) {
        const snapshot = okData(await client.call('agenda:get', {}));
        expect(snapshot).toEqual({
          agenda: { blocks: expectedBlocks, run: { status: 'notStarted', timer: null, actuals: [], log: [] }, warningThresholds: expect.any(Array) },
          moderationNotes: null,
          serverTime: clock.ms,
        });
        await roundTrip(client);
        expectNoNotesIn(client, [snapshot]);
      }
    });

    it('keeps description and moderation notes when an edit changes only the title', async () => {
      const a = await addBlock(mia, null, 'Ankommen', 5, { description: 'Kamera an', moderationNotes: `${NOTE} Link posten` });
      okData(await mia.call('agenda:updateBlock', { blockId: a, patch: { title: 'Ankommen und Technik' } }));
      const snapshot = okData(await mia.call('agenda:get', {}));
      expect(snapshot.agenda.blocks).toEqual([{ id: a, title: 'Ankommen und Technik', type: 'other', plannedMinutes: 5, description: 'Kamera an' }]);
      expect(snapshot.moderationNotes).toEqual({ [a]: `${NOTE} Link posten` });
    });

    it('sends notes to a participant promoted to co-moderator, and stops after the demotion', async () => {
      const a = await addBlock(mia, null, 'Ankommen', 5, { moderationNotes: `${NOTE} eins` });
      await changedEverywhere(1);
      expect(okData(await bo.call('agenda:get', {})).moderationNotes).toBeNull();

      okData(await mia.call('people:setRole', { personId: personIdOf(bo), role: 'coModerator' }));
      await waitForPerson(bo, personIdOf(bo), (person) => person.role === 'coModerator', 'Bo sees himself promoted');
      expect(okData(await bo.call('agenda:get', {})).moderationNotes).toEqual({ [a]: `${NOTE} eins` });
      okData(await mia.call('agenda:updateBlock', { blockId: a, patch: { moderationNotes: `${NOTE} zwei` } }));
      expect(await nth(bo, 'agenda:notes', 1)).toEqual({ moderationNotes: { [a]: `${NOTE} zwei` } });
      // As co-moderator Bo may edit the agenda now.
      okData(await bo.call('agenda:updateBlock', { blockId: a, patch: { plannedMinutes: 7 } }));
      await changedEverywhere(3);

      okData(await mia.call('people:setRole', { personId: personIdOf(bo), role: 'participant' }));
      await waitForPerson(bo, personIdOf(bo), (person) => person.role === 'participant', 'Bo sees himself demoted');
      const notesBefore = bo.eventsOf('agenda:notes').length;
      okData(await mia.call('agenda:updateBlock', { blockId: a, patch: { moderationNotes: `${NOTE} drei` } }));
      await changedEverywhere(4);
      await roundTrip(bo);
      expect(bo.eventsOf('agenda:notes')).toHaveLength(notesBefore);
      expect(JSON.stringify(bo.received)).not.toContain(`${NOTE} drei`);
      expect(okData(await bo.call('agenda:get', {})).moderationNotes).toBeNull();
      expectError(await bo.call('agenda:updateBlock', { blockId: a, patch: { plannedMinutes: 8 } }), 'forbidden');

      // Dee, never promoted, never saw a note.
      await roundTrip(dee);
      expectNoNotesIn(dee);
    });
  });

  describe('refusals', () => {
    it("refuses every participant's write with forbidden, and nothing changes", async () => {
      const a = await addBlock(mia, null, 'Ankommen', 5, { moderationNotes: `${NOTE} eins` });
      await addBlock(mia, a, 'Input', 20);
      await changedEverywhere(2);
      const before = okData(await mia.call('agenda:get', {}));

      const block = { title: 'Hack', type: 'other' as const, plannedMinutes: 5, description: '', moderationNotes: '' };
      const writes: [ClientEventName, unknown][] = [
        ['agenda:addBlock', { afterBlockId: null, block }],
        ['agenda:updateBlock', { blockId: a, patch: { title: 'Hack' } }],
        ['agenda:duplicateBlock', { blockId: a }],
        ['agenda:deleteBlock', { blockId: a }],
        ['agenda:moveBlock', { blockId: a, toIndex: 1 }],
        ['agenda:replace', { blocks: [block] }],
        ['agenda:replace', { blocks: [block], startTime: '09:00' }],
        ['agenda:updateSettings', { warningThresholds: [] }],
        ['agenda:control', { action: 'start' }],
        ['agenda:control', { action: 'start', blockId: a }],
        ['agenda:control', { action: 'next' }],
        ['agenda:control', { action: 'previous' }],
        ['agenda:control', { action: 'jump', blockId: a }],
        ['agenda:control', { action: 'pause' }],
        ['agenda:control', { action: 'resume' }],
        ['agenda:control', { action: 'extend', minutes: 5 }],
        ['agenda:control', { action: 'setRemaining', seconds: 60 }],
        ['agenda:control', { action: 'endBlock' }],
        ['agenda:control', { action: 'endWorkshop' }],
      ];
      for (const client of participants()) {
        for (const [event, payload] of writes) {
          const ack = await client.raw(event, payload);
          expect(ack.ok, `${event} ${JSON.stringify(payload)}`).toBe(false);
          expectError(ack, 'forbidden');
        }
      }
      // Also while the workshop runs.
      okData(await mia.call('agenda:control', { action: 'start' }));
      await Promise.all(everyone().map((client) => nth(client, 'agenda:run', 1)));
      const running = okData(await mia.call('agenda:get', {}));
      for (const [event, payload] of writes) expectError(await bo.raw(event, payload), 'forbidden');

      const after = okData(await mia.call('agenda:get', {}));
      expect(after.agenda).toEqual(running.agenda);
      expect(after.agenda.blocks).toEqual(before.agenda.blocks);
      expect(after.moderationNotes).toEqual(before.moderationNotes);
      const workshopNow = await fetch(`${server.baseUrl}/api/workshops/${workshop.id}`, {
        headers: { authorization: `Bearer ${workshop.keys.moderator}` },
      });
      expect(((await workshopNow.json()) as { startsAt: string }).startsAt).toBe(STARTS_AT);
      for (const client of everyone()) {
        await roundTrip(client);
        expect(client.eventsOf('agenda:changed')).toHaveLength(2);
        expect(client.eventsOf('agenda:run')).toHaveLength(1);
        expect(client.eventsOf('workshop:updated')).toHaveLength(0);
      }
      for (const client of participants()) expectNoNotesIn(client);
    });

    it('refuses agenda events before joining with not_joined', async () => {
      const stranger = await harness.connect(server);
      expectError(await stranger.call('agenda:get', {}), 'not_joined');
      expectError(
        await stranger.call('agenda:addBlock', {
          afterBlockId: null,
          block: { title: 'X', type: 'other', plannedMinutes: 5, description: '', moderationNotes: '' },
        }),
        'not_joined',
      );
      expectError(await stranger.call('agenda:control', { action: 'start' }), 'not_joined');
    });

    it.each([
      ['plannedMinutes 0', 'agenda:addBlock', { afterBlockId: null, block: { title: 'A', type: 'other', plannedMinutes: 0 } }, 'block.plannedMinutes'],
      ['plannedMinutes 601', 'agenda:addBlock', { afterBlockId: null, block: { title: 'A', type: 'other', plannedMinutes: 601 } }, 'block.plannedMinutes'],
      ['plannedMinutes 1.5', 'agenda:addBlock', { afterBlockId: null, block: { title: 'A', type: 'other', plannedMinutes: 1.5 } }, 'block.plannedMinutes'],
      ['plannedMinutes "5"', 'agenda:addBlock', { afterBlockId: null, block: { title: 'A', type: 'other', plannedMinutes: '5' } }, 'block.plannedMinutes'],
      ['an empty title', 'agenda:addBlock', { afterBlockId: null, block: { title: '', type: 'other', plannedMinutes: 5 } }, 'block.title'],
      ['a title of spaces', 'agenda:addBlock', { afterBlockId: null, block: { title: '   ', type: 'other', plannedMinutes: 5 } }, 'block.title'],
      ['an unknown type', 'agenda:addBlock', { afterBlockId: null, block: { title: 'A', type: 'lunch', plannedMinutes: 5 } }, 'block.type'],
      ['a patch with plannedMinutes 0', 'agenda:updateBlock', { blockId: 'BLOCK', patch: { plannedMinutes: 0 } }, 'patch.plannedMinutes'],
      ['a patch with an empty title', 'agenda:updateBlock', { blockId: 'BLOCK', patch: { title: '' } }, 'patch.title'],
      ['a negative index', 'agenda:moveBlock', { blockId: 'BLOCK', toIndex: -1 }, 'toIndex'],
      ['extend 0', 'agenda:control', { action: 'extend', minutes: 0 }, 'minutes'],
      ['extend 1.5', 'agenda:control', { action: 'extend', minutes: 1.5 }, 'minutes'],
      ['setRemaining -1', 'agenda:control', { action: 'setRemaining', seconds: -1 }, 'seconds'],
      ['an unknown action', 'agenda:control', { action: 'rewind' }, 'action'],
      ['replace with a bad block', 'agenda:replace', { blocks: [{ title: 'A', type: 'other', plannedMinutes: 0 }] }, 'blocks.0.plannedMinutes'],
      ['replace with a bad start time', 'agenda:replace', { blocks: [], startTime: '25:00' }, 'startTime'],
    ])('refuses %s with invalid_payload naming the field', async (_case, event, payload, field) => {
      const a = await addBlock(mia, null, 'Ankommen', 5);
      okData(await mia.call('agenda:control', { action: 'start' }));
      const before = okData(await mia.call('agenda:get', {}));
      const json = JSON.stringify(payload).replace('"BLOCK"', JSON.stringify(a));
      for (const client of facilitators()) expectError(await client.raw(event, JSON.parse(json)), 'invalid_payload', field);
      const after = okData(await mia.call('agenda:get', {}));
      expect(after.agenda).toEqual(before.agenda);
      await roundTrip(bo);
      expect(bo.eventsOf('agenda:changed')).toHaveLength(1);
      expect(bo.eventsOf('agenda:run')).toHaveLength(1);
    });

    it('refuses control on an empty agenda and next before the start with invalid_state', async () => {
      expectError(await mia.call('agenda:control', { action: 'start' }), 'invalid_state');
      await addBlock(mia, null, 'Ankommen', 5);
      expectError(await mia.call('agenda:control', { action: 'next' }), 'invalid_state');
      expectError(await mia.call('agenda:control', { action: 'pause' }), 'invalid_state');
      okData(await mia.call('agenda:control', { action: 'start' }));
      expectError(await cem.call('agenda:control', { action: 'start' }), 'invalid_state');
    });
  });

  describe('running', () => {
    it('runs on the server clock: start, extend +5, pause, resume reach everyone and are logged', async () => {
      const a = await addBlock(mia, null, 'Ankommen', 10);
      const b = await addBlock(mia, a, 'Input', 20);
      clock.set(T0);

      const started = okData(await mia.call('agenda:control', { action: 'start' }));
      const timer = { blockId: a, startedAt: T0, allottedMs: 10 * MINUTE_MS, pausedAt: null, pausedMs: 0 };
      expect(started.run.timer).toEqual(timer);
      for (const client of everyone()) {
        expect(await nth(client, 'agenda:run', 1)).toEqual({
          run: { status: 'running', timer, actuals: [{ blockId: a, startedAt: T0, endedAt: null }], log: [{ at: T0, blockId: a, kind: 'start' }] },
          serverTime: T0,
        });
      }

      clock.advance(3 * MINUTE_MS);
      okData(await cem.call('agenda:control', { action: 'extend', minutes: 5 }));
      for (const client of everyone()) {
        const { run, serverTime } = await nth(client, 'agenda:run', 2);
        expect(run.timer).toEqual({ ...timer, allottedMs: 10 * MINUTE_MS + 300_000 });
        expect(serverTime).toBe(T0 + 3 * MINUTE_MS);
        expect(remainingMs(run.timer!, serverTime)).toBe(12 * MINUTE_MS);
      }

      clock.advance(MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'pause' }));
      for (const client of everyone()) {
        const { run } = await nth(client, 'agenda:run', 3);
        expect(run.timer).toEqual({ ...timer, allottedMs: 15 * MINUTE_MS, pausedAt: T0 + 4 * MINUTE_MS });
      }
      // Pausing again changes nothing and sends nothing.
      expect(okData(await mia.call('agenda:control', { action: 'pause' })).run.timer?.pausedAt).toBe(T0 + 4 * MINUTE_MS);

      clock.advance(2 * MINUTE_MS);
      // While paused, a participant sees the remaining time frozen.
      const whilePaused = okData(await bo.call('agenda:get', {}));
      expect(whilePaused.serverTime).toBe(T0 + 6 * MINUTE_MS);
      expect(remainingMs(whilePaused.agenda.run.timer!, whilePaused.serverTime)).toBe(11 * MINUTE_MS);

      okData(await mia.call('agenda:control', { action: 'resume' }));
      const expectedRun: AgendaRun = {
        status: 'running',
        timer: { blockId: a, startedAt: T0, allottedMs: 15 * MINUTE_MS, pausedAt: null, pausedMs: 2 * MINUTE_MS },
        actuals: [{ blockId: a, startedAt: T0, endedAt: null }],
        log: [
          { at: T0, blockId: a, kind: 'start' },
          { at: T0 + 3 * MINUTE_MS, blockId: a, kind: 'extend', deltaMs: 300_000 },
          { at: T0 + 4 * MINUTE_MS, blockId: a, kind: 'pause' },
          { at: T0 + 6 * MINUTE_MS, blockId: a, kind: 'resume' },
        ],
      };
      for (const client of everyone()) {
        expect(await nth(client, 'agenda:run', 4)).toEqual({ run: expectedRun, serverTime: T0 + 6 * MINUTE_MS });
      }
      expect(deadline(expectedRun.timer!)).toBe(T0 + 17 * MINUTE_MS);

      clock.advance(MINUTE_MS);
      const snapshot = okData(await dee.call('agenda:get', {}));
      expect(snapshot.agenda.run).toEqual(expectedRun);
      expect(remainingMs(snapshot.agenda.run.timer!, snapshot.serverTime)).toBe(10 * MINUTE_MS);

      // next: a ends at the server's time, b starts with its planned time.
      clock.advance(10 * MINUTE_MS);
      okData(await mia.call('agenda:control', { action: 'next' }));
      const { run } = await nth(bo, 'agenda:run', 5);
      expect(run.timer).toEqual({ blockId: b, startedAt: T0 + 17 * MINUTE_MS, allottedMs: 20 * MINUTE_MS, pausedAt: null, pausedMs: 0 });
      expect(run.actuals).toEqual([
        { blockId: a, startedAt: T0, endedAt: T0 + 17 * MINUTE_MS },
        { blockId: b, startedAt: T0 + 17 * MINUTE_MS, endedAt: null },
      ]);
      for (const client of everyone()) {
        await roundTrip(client);
        expect(client.eventsOf('agenda:run')).toHaveLength(5);
      }
    });

    it("answers clock:ping with the server's time, also before joining", async () => {
      const stranger = await harness.connect(server);
      clock.set('2026-12-01T12:59:58.250Z');
      expect(okData(await stranger.call('clock:ping', {}))).toEqual({ serverTime: Date.parse('2026-12-01T12:59:58.250Z') });
      clock.advance(1_234);
      expect(okData(await bo.call('clock:ping', {}))).toEqual({ serverTime: Date.parse('2026-12-01T12:59:59.484Z') });
      // Without a payload at all.
      expect(await bo.raw('clock:ping')).toEqual({ ok: true, data: { serverTime: Date.parse('2026-12-01T12:59:59.484Z') } });
    });

    it('answers clock:ping and agenda:get sent with an undefined payload, as the protocol types allow', async () => {
      // ClientEvents['clock:ping' | 'agenda:get']['request'] includes undefined; socket.io sends it as null.
      expect(await bo.call('clock:ping', undefined)).toEqual({ ok: true, data: { serverTime: clock.ms } });
      const ack = await bo.call('agenda:get', undefined);
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
    });
  });

  it('keeps the running block and its deadline across a server restart', async () => {
    const a = await addBlock(mia, null, 'Ankommen', 30, { moderationNotes: `${NOTE} eins` });
    await addBlock(mia, a, 'Input', 20);
    clock.set(T0);
    okData(await mia.call('agenda:control', { action: 'start' }));
    clock.advance(4 * MINUTE_MS);
    okData(await mia.call('agenda:control', { action: 'extend', minutes: 5 }));
    clock.advance(MINUTE_MS);
    const before = okData(await mia.call('agenda:get', {}));
    expect(before.agenda.run.timer).toEqual({ blockId: a, startedAt: T0, allottedMs: 35 * MINUTE_MS, pausedAt: null, pausedMs: 0 });
    expect(deadline(before.agenda.run.timer!)).toBe(T0 + 35 * MINUTE_MS);

    for (const client of everyone()) client.close();
    await server.close();
    // Two minutes of downtime on the same clock.
    clock.advance(2 * MINUTE_MS);
    const restarted = await harness.start({ dataFile: server.dataFile, now: clock.now });
    const miaAgain = await harness.resume(restarted, workshop.id, tokenOf(mia));
    const boAgain = await harness.resume(restarted, workshop.id, tokenOf(bo));

    const after = okData(await boAgain.call('agenda:get', {}));
    expect(after.agenda).toEqual(before.agenda);
    expect(after.moderationNotes).toBeNull();
    expect(after.serverTime).toBe(T0 + 7 * MINUTE_MS);
    expect(deadline(after.agenda.run.timer!)).toBe(T0 + 35 * MINUTE_MS);
    expect(remainingMs(after.agenda.run.timer!, after.serverTime)).toBe(28 * MINUTE_MS);
    expect(okData(await miaAgain.call('agenda:get', {})).moderationNotes).toEqual({ [a]: `${NOTE} eins` });

    // The run goes on from the same deadline.
    clock.advance(3 * MINUTE_MS);
    okData(await miaAgain.call('agenda:control', { action: 'pause' }));
    const { run, serverTime } = await nth(boAgain, 'agenda:run', 1);
    expect(serverTime).toBe(T0 + 10 * MINUTE_MS);
    expect(remainingMs(run.timer!, serverTime)).toBe(25 * MINUTE_MS);
    expect(run.log.map((entry) => [entry.kind, entry.at])).toEqual([
      ['start', T0],
      ['extend', T0 + 4 * MINUTE_MS],
      ['pause', T0 + 10 * MINUTE_MS],
    ]);
    expect(restarted.logs).toEqual([]);
  });

  it('loses no block when two moderators add 20 blocks each at the same time', async () => {
    const mia2 = await harness.join(server, workshop, 'moderator', 'Mia (Laptop 2)');
    const block = (title: string) => ({ title, type: 'other' as const, plannedMinutes: 5, description: '', moderationNotes: '' });
    const acks: Promise<Ack<{ blockId: string }>>[] = [];
    for (let i = 0; i < 20; i += 1) {
      acks.push(mia.call('agenda:addBlock', { afterBlockId: null, block: block(`Mia ${i}`) }));
      acks.push(mia2.call('agenda:addBlock', { afterBlockId: null, block: block(`Mia2 ${i}`) }));
    }
    const results = await Promise.all(acks);
    const snapshot: AgendaSnapshot = okData(await cem.call('agenda:get', {}));
    const failures = results.filter((ack) => !ack.ok);
    expect(
      { refused: failures.length, stored: snapshot.agenda.blocks.length },
      `first refusal: ${JSON.stringify(failures[0])}`,
    ).toEqual({ refused: 0, stored: 40 });
    const blockIds = results.map((ack) => okData(ack).blockId);
    expect(new Set(blockIds).size).toBe(40);
    expect(new Set(snapshot.agenda.blocks.map((b) => b.id))).toEqual(new Set(blockIds));
    const expectedTitles = Array.from({ length: 20 }, (_, i) => [`Mia ${i}`, `Mia2 ${i}`]).flat();
    expect(snapshot.agenda.blocks.map((b) => b.title).sort()).toEqual(expectedTitles.sort());
    // Everyone's last broadcast shows all 40.
    await waitFor(() => bo.eventsOf('agenda:changed').at(-1)?.blocks.length === 40, 'Bo sees 40 blocks');
  });
});
