import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ack } from '@werkraum/shared/errors';
import { LIMITS } from '@werkraum/shared/limits';
import { PROTOCOL_VERSION, type PersonView } from '@werkraum/shared/protocol';
import { ROLES, type Role } from '@werkraum/shared/roles';
import { gatedStore, type GatedStore } from '../test/gatedStore.js';
import {
  Harness,
  nextEvent,
  okData,
  sortedPeople,
  waitFor,
  waitForPerson,
  type CreatedWorkshop,
  type TestClient,
  type TestServer,
} from '../test/harness.js';

/** Asserts a refused acknowledgement with `code` (and `field`, when given). */
function expectError(ack: Ack<unknown>, code: string, field?: string) {
  expect(ack.ok, `expected error ${code}, got ${JSON.stringify(ack)}`).toBe(false);
  if (ack.ok) return;
  expect(ack.error.code).toBe(code);
  expect(typeof ack.error.message).toBe('string');
  if (field !== undefined) expect(ack.error.field).toBe(field);
}

interface ApiPerson {
  id: string;
  displayName: string;
  role: Role;
  listInDocumentation: boolean;
}

/** The people of a workshop as the HTTP API lists them. */
async function apiPeople(server: TestServer, workshop: CreatedWorkshop): Promise<ApiPerson[]> {
  const response = await fetch(`${server.baseUrl}/api/workshops/${workshop.id}`, {
    headers: { authorization: `Bearer ${workshop.keys.moderator}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { people: ApiPerson[] }).people;
}

const personIdOf = (client: TestClient) => client.snapshot!.session.personId;
const tokenOf = (client: TestClient) => client.snapshot!.session.personToken;

describe('socket protocol', () => {
  const harness = new Harness();
  let server: TestServer;
  let workshop: CreatedWorkshop;

  beforeEach(async () => {
    server = await harness.start();
    workshop = await harness.createWorkshop(server, { title: 'Retro Q3', language: 'en' });
  });
  afterEach(() => harness.cleanup());

  /** A moderator, a co-moderator and a participant, joined in that order. */
  async function joinThree() {
    const mia = await harness.join(server, workshop, 'moderator', 'Mia');
    const cem = await harness.join(server, workshop, 'coModerator', 'Cem');
    const bo = await harness.join(server, workshop, 'participant', 'Bo');
    return { mia, cem, bo };
  }

  describe('handshake', () => {
    it.each([
      ['another protocol version', { protocolVersion: PROTOCOL_VERSION + 1 }],
      ['the version as a string', { protocolVersion: String(PROTOCOL_VERSION) }],
      ['no protocol version', {}],
    ])('refuses %s with connect_error code protocol_mismatch', async (_case, auth) => {
      const client = harness.socketClient(server, auth);
      const error = await nextEvent<Error & { data?: { code?: string } }>(client.socket, 'connect_error');
      expect(error.data?.code).toBe('protocol_mismatch');
      expect(client.socket.connected).toBe(false);
    });
  });

  describe('session:inspectLink', () => {
    it('tells title and role for each of the three links', async () => {
      const client = await harness.connect(server);
      for (const role of ROLES) {
        const info = okData(await client.call('session:inspectLink', { workshopId: workshop.id, linkSecret: workshop.secrets[role] }));
        expect(info).toMatchObject({
          workshopId: workshop.id,
          title: 'Retro Q3',
          language: 'en',
          startsAt: '2026-12-01T14:00:00+01:00',
          role,
        });
      }
    });

    it('refuses a wrong secret and an unknown workshop alike with invalid_link (no oracle for workshop ids)', async () => {
      const client = await harness.connect(server);
      expectError(
        await client.call('session:inspectLink', { workshopId: workshop.id, linkSecret: randomBytes(24).toString('base64url') }),
        'invalid_link',
      );
      const other = await harness.createWorkshop(server);
      // A valid secret of another workshop is no good here.
      expectError(await client.call('session:inspectLink', { workshopId: workshop.id, linkSecret: other.secrets.moderator }), 'invalid_link');
      expectError(
        await client.call('session:inspectLink', { workshopId: 'no-such-workshop', linkSecret: workshop.secrets.participant }),
        'invalid_link',
      );
      const unknown = await client.call('session:join', {
        workshopId: 'no-such-workshop',
        linkSecret: workshop.secrets.participant,
        displayName: 'Eve',
        listInDocumentation: false,
      });
      const wrong = await client.call('session:join', {
        workshopId: workshop.id,
        linkSecret: randomBytes(24).toString('base64url'),
        displayName: 'Eve',
        listInDocumentation: false,
      });
      expect(unknown).toEqual(wrong);
      expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    });
  });

  describe('joining', () => {
    it('gives each link its role, and everyone ends up seeing the same people', async () => {
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      expect(mia.snapshot!.session).toMatchObject({ workshopId: workshop.id, role: 'moderator' });
      expect(mia.snapshot!.session.personToken).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      expect(mia.snapshot!.workshop).toMatchObject({ id: workshop.id, title: 'Retro Q3', language: 'en', moderatorNames: 'Mia' });
      expect(mia.snapshot!.people).toEqual([
        { id: personIdOf(mia), displayName: 'Mia', role: 'moderator', connection: 'online', listInDocumentation: false },
      ]);

      const cem = await harness.join(server, workshop, 'coModerator', 'Cem', true);
      expect(cem.snapshot!.session.role).toBe('coModerator');
      expect(cem.snapshot!.people.map((p) => [p.displayName, p.role])).toEqual([
        ['Mia', 'moderator'],
        ['Cem', 'coModerator'],
      ]);
      // The moderator learns about the newcomer.
      await waitForPerson(mia, personIdOf(cem), (p) => p.role === 'coModerator' && p.connection === 'online', 'Mia sees Cem');

      const bo = await harness.join(server, workshop, 'participant', 'Bo');
      expect(bo.snapshot!.session.role).toBe('participant');
      expect(bo.snapshot!.people).toHaveLength(3);
      expect(bo.snapshot!.people.find((p) => p.id === personIdOf(cem))?.listInDocumentation).toBe(true);
      for (const client of [mia, cem]) {
        const upsert = await waitFor(
          () => client.eventsOf('people:upserted').flatMap((batch) => batch.people).find((p) => p.id === personIdOf(bo)),
          'people:upserted for Bo',
        );
        expect(upsert).toMatchObject({ displayName: 'Bo', role: 'participant', connection: 'online' });
      }

      const expected = [
        [personIdOf(mia), 'Mia', 'moderator'],
        [personIdOf(cem), 'Cem', 'coModerator'],
        [personIdOf(bo), 'Bo', 'participant'],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!));
      for (const client of [mia, cem, bo]) {
        await waitFor(
          () => JSON.stringify(sortedPeople(client.people).map((p) => [p.id, p.displayName, p.role])) === JSON.stringify(expected),
          'the same people on every client',
        );
        expect(sortedPeople(client.people).every((p) => p.connection === 'online')).toBe(true);
      }
      expect(new Set([personIdOf(mia), personIdOf(cem), personIdOf(bo)]).size).toBe(3);
    });

    it('trims names and accepts a name of exactly the maximum length', async () => {
      const longest = 'L'.repeat(LIMITS.displayNameMax);
      const client = await harness.join(server, workshop, 'participant', `  ${longest}  `);
      expect(client.snapshot!.people[0]!.displayName).toBe(longest);
      const trimmed = await harness.join(server, workshop, 'participant', '  Jo Ann ');
      expect(trimmed.snapshot!.people.find((p) => p.id === personIdOf(trimmed))?.displayName).toBe('Jo Ann');
    });

    it('refuses a wrong link secret with invalid_link and admits nobody', async () => {
      const client = await harness.connect(server);
      expectError(
        await client.call('session:join', {
          workshopId: workshop.id,
          linkSecret: randomBytes(24).toString('base64url'),
          displayName: 'Eve',
          listInDocumentation: false,
        }),
        'invalid_link',
      );
      expect(await apiPeople(server, workshop)).toEqual([]);
      // The socket did not join: actions are refused.
      expectError(await client.call('people:updateSelf', { displayName: 'Eve2' }), 'not_joined');
    });
  });

  describe('presence', () => {
    it('shows a participant who drops as reconnecting, then left; a resume brings them back online', async () => {
      const { mia, cem, bo } = await joinThree();
      const boId = personIdOf(bo);
      const boToken = tokenOf(bo);
      await waitForPerson(mia, boId, (p) => p.connection === 'online', 'Bo online');

      bo.close();
      for (const client of [mia, cem]) {
        await waitForPerson(client, boId, (p) => p.connection === 'reconnecting' || p.connection === 'left', 'Bo not online');
        await waitForPerson(client, boId, (p) => p.connection === 'left', 'Bo left');
        const states = client.eventsOf('people:upserted').flatMap((batch) => batch.people).filter((p) => p.id === boId).map((p) => p.connection);
        expect(states.indexOf('reconnecting')).toBeGreaterThanOrEqual(0);
        expect(states.lastIndexOf('reconnecting')).toBeLessThan(states.indexOf('left'));
      }
      // Someone who left is still part of the workshop.
      expect((await apiPeople(server, workshop)).map((p) => p.id)).toContain(boId);

      const back = await harness.resume(server, workshop.id, boToken);
      expect(back.snapshot!.session).toMatchObject({ workshopId: workshop.id, personId: boId, role: 'participant' });
      expect(back.snapshot!.people.find((p) => p.id === boId)).toMatchObject({ displayName: 'Bo', connection: 'online' });
      for (const client of [mia, cem]) await waitForPerson(client, boId, (p) => p.connection === 'online', 'Bo online again');
      expect(await apiPeople(server, workshop)).toHaveLength(3);
    });

    it('a resume during the grace period goes straight back to online', async () => {
      const patient = await harness.start({ reconnectGraceMs: 60_000 });
      const ws = await harness.createWorkshop(patient);
      const mia = await harness.join(patient, ws, 'moderator', 'Mia');
      const bo = await harness.join(patient, ws, 'participant', 'Bo');
      bo.close();
      await waitForPerson(mia, personIdOf(bo), (p) => p.connection === 'reconnecting', 'Bo reconnecting');

      const back = await harness.resume(patient, ws.id, tokenOf(bo));
      expect(back.snapshot!.session.personId).toBe(personIdOf(bo));
      await waitForPerson(mia, personIdOf(bo), (p) => p.connection === 'online', 'Bo online again');
      expect(mia.eventsOf('people:upserted').flatMap((batch) => batch.people).some((p) => p.id === personIdOf(bo) && p.connection === 'left')).toBe(false);
    });

    it('keeps a person with two open tabs online when one tab closes', async () => {
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const tab1 = await harness.join(server, workshop, 'participant', 'Bo');
      const tab2 = await harness.resume(server, workshop.id, tokenOf(tab1));
      expect(personIdOf(tab2)).toBe(personIdOf(tab1));

      const sockets = server.app.io.of('/').sockets.size;
      tab1.close();
      await waitFor(() => server.app.io.of('/').sockets.size === sockets - 1, 'the server to see tab 1 close');
      // Tab 2 still works; its update reaches Mia after anything the closed tab caused.
      okData(await tab2.call('people:updateSelf', { listInDocumentation: true }));
      await waitForPerson(mia, personIdOf(tab1), (p) => p.listInDocumentation, 'the update from tab 2');
      expect(mia.people.get(personIdOf(tab1))?.connection).toBe('online');
      expect(mia.eventsOf('people:upserted').flatMap((batch) => batch.people).some((p) => p.id === personIdOf(tab1) && p.connection !== 'online')).toBe(false);

      tab2.close();
      await waitForPerson(mia, personIdOf(tab1), (p) => p.connection === 'left', 'Bo left after the last tab');
    });

    it('changes within the interval go out together, each person with their latest state', async () => {
      const INTERVAL_MS = 2_000;
      const slow = await harness.start({ peopleAnnounceMs: INTERVAL_MS });
      const ws = await harness.createWorkshop(slow);
      const mia = await harness.join(slow, ws, 'moderator', 'Mia');
      // Mia's own arrival went out at once; the next four within the interval wait for its end.
      const batchesBefore = mia.eventsOf('people:upserted').length;
      const names = ['Ana', 'Bo', 'Cleo', 'Dee'];
      const joined = await Promise.all(names.map((name) => harness.join(slow, ws, 'participant', name)));
      okData(await mia.call('people:rename', { personId: personIdOf(joined[0]!), displayName: 'Ana B.' }));
      for (const name of ['Bo', 'Cleo', 'Dee', 'Ana B.']) {
        await waitFor(() => [...mia.people.values()].some((p) => p.displayName === name && p.connection === 'online'), name, INTERVAL_MS + 3_000);
      }
      const batches = mia.eventsOf('people:upserted').slice(batchesBefore);
      expect(batches.length).toBeLessThanOrEqual(2);
      // Ana's arrival and her new name are one entry, the latest.
      const ana = batches.flatMap((batch) => batch.people).filter((p) => p.id === personIdOf(joined[0]!));
      expect(ana.at(-1)?.displayName).toBe('Ana B.');
      expect(batches.at(-1)!.people.filter((p) => p.id === personIdOf(joined[0]!))).toHaveLength(1);
      // Everyone who joined sees the same list as Mia.
      for (const client of joined) await waitFor(() => sortedPeople(client.people).length === 5, 'five people', INTERVAL_MS + 3_000);
      for (const client of joined) expect(sortedPeople(client.people)).toEqual(sortedPeople(mia.people));
    });

    it('a removed person is not brought back by a change that was still waiting to go out', async () => {
      const slow = await harness.start({ peopleAnnounceMs: 2_000 });
      const ws = await harness.createWorkshop(slow);
      const mia = await harness.join(slow, ws, 'moderator', 'Mia');
      const bo = await harness.join(slow, ws, 'participant', 'Bo');
      // Bo's arrival is waiting (Mia's own went out just before); Mia removes him at once.
      okData(await mia.call('people:remove', { personId: personIdOf(bo) }));
      await waitFor(() => mia.eventsOf('people:removed').length === 1, 'people:removed');
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      okData(await mia.call('clock:ping', {}));
      expect(mia.eventsOf('people:upserted').flatMap((batch) => batch.people).some((p) => p.id === personIdOf(bo))).toBe(false);
      expect(mia.people.has(personIdOf(bo))).toBe(false);
    });

    it('refuses a resume with an unknown token (unknown_identity) or an unknown workshop', async () => {
      const client = await harness.connect(server);
      expectError(
        await client.call('session:resume', { workshopId: workshop.id, personToken: randomBytes(24).toString('base64url') }),
        'unknown_identity',
      );
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const other = await harness.createWorkshop(server);
      // A token of one workshop does not open another.
      expectError(await client.call('session:resume', { workshopId: other.id, personToken: tokenOf(mia) }), 'unknown_identity');
      // An unknown workshop answers like an unknown token, so it does not confirm which ids exist.
      expectError(await client.call('session:resume', { workshopId: 'no-such-workshop', personToken: tokenOf(mia) }), 'unknown_identity');
    });
  });

  it('keeps the workshop and everyone in it across a server restart; old tokens still work', async () => {
    const { mia, cem, bo } = await joinThree();
    okData(await bo.call('people:updateSelf', { listInDocumentation: true }));
    const before = await apiPeople(server, workshop);
    const sessions = [mia, cem, bo].map((client) => client.snapshot!.session);
    for (const client of [mia, cem, bo]) client.close();
    await server.close();

    const restarted = await harness.start({ dataFile: server.dataFile });
    expect(await apiPeople(restarted, workshop)).toEqual(
      before.map((person) => ({ ...person, connection: 'left' })),
    );
    const inspector = await harness.connect(restarted);
    expect(
      okData(await inspector.call('session:inspectLink', { workshopId: workshop.id, linkSecret: workshop.secrets.participant })),
    ).toMatchObject({ title: 'Retro Q3', role: 'participant' });

    const clients: TestClient[] = [];
    for (const session of sessions) {
      const client = await harness.resume(restarted, workshop.id, session.personToken);
      expect(client.snapshot!.session).toEqual(session);
      expect(client.snapshot!.workshop).toMatchObject({ id: workshop.id, title: 'Retro Q3' });
      clients.push(client);
    }
    const last = clients.at(-1)!;
    expect(last.snapshot!.people.map((p) => [p.id, p.displayName, p.role, p.listInDocumentation, p.connection])).toEqual([
      [sessions[0]!.personId, 'Mia', 'moderator', false, 'online'],
      [sessions[1]!.personId, 'Cem', 'coModerator', false, 'online'],
      [sessions[2]!.personId, 'Bo', 'participant', true, 'online'],
    ]);
    // A new person can still join with the old link.
    await harness.join(restarted, workshop, 'participant', 'Dee');
    expect(await apiPeople(restarted, workshop)).toHaveLength(4);
  });

  describe('moderator actions', () => {
    it('rename: everyone sees the new name', async () => {
      const { mia, cem, bo } = await joinThree();
      const renamed = okData(await mia.call('people:rename', { personId: personIdOf(bo), displayName: '  Bo Berg ' }));
      expect(renamed).toMatchObject({ id: personIdOf(bo), displayName: 'Bo Berg', role: 'participant' });
      for (const client of [mia, cem, bo]) {
        await waitForPerson(client, personIdOf(bo), (p) => p.displayName === 'Bo Berg', 'the new name');
      }
      expect((await apiPeople(server, workshop)).find((p) => p.id === personIdOf(bo))?.displayName).toBe('Bo Berg');
    });

    it('setRole: promotes a participant to co-moderator and back; their own client learns it', async () => {
      const { mia, cem, bo } = await joinThree();
      const promoted = okData(await mia.call('people:setRole', { personId: personIdOf(bo), role: 'coModerator' }));
      expect(promoted).toMatchObject({ id: personIdOf(bo), role: 'coModerator' });
      for (const client of [bo, mia, cem]) {
        await waitForPerson(client, personIdOf(bo), (p) => p.role === 'coModerator', 'Bo as co-moderator');
      }
      expect((await apiPeople(server, workshop)).find((p) => p.id === personIdOf(bo))?.role).toBe('coModerator');
      // Coming back later keeps the new role.
      const again = await harness.resume(server, workshop.id, tokenOf(bo));
      expect(again.snapshot!.session.role).toBe('coModerator');

      okData(await mia.call('people:setRole', { personId: personIdOf(bo), role: 'participant' }));
      for (const client of [bo, mia, cem]) {
        await waitForPerson(client, personIdOf(bo), (p) => p.role === 'participant', 'Bo as participant again');
      }
      // Demoting a co-moderator who joined through the co-moderator link works too.
      okData(await mia.call('people:setRole', { personId: personIdOf(cem), role: 'participant' }));
      await waitForPerson(cem, personIdOf(cem), (p) => p.role === 'participant', 'Cem demoted');
      expect((await apiPeople(server, workshop)).map((p) => p.role)).toEqual(['moderator', 'participant', 'participant']);
    });

    it('setRole: a promoted co-moderator still may not take moderator-only actions', async () => {
      const { mia, cem, bo } = await joinThree();
      okData(await mia.call('people:setRole', { personId: personIdOf(bo), role: 'coModerator' }));
      // Being co-moderator does not grant moderator-only actions.
      expectError(await bo.call('people:rename', { personId: personIdOf(cem), displayName: 'X' }), 'forbidden');
      okData(await mia.call('people:setRole', { personId: personIdOf(bo), role: 'participant' }));
      expectError(await bo.call('people:remove', { personId: personIdOf(cem) }), 'forbidden');
    });

    it('remove: the removed person is told and disconnected, the others see them go, and they cannot come back', async () => {
      const { mia, cem, bo } = await joinThree();
      const boId = personIdOf(bo);
      const ended = nextEvent<{ reason: string }>(bo.socket, 'session:ended');
      const disconnected = nextEvent<string>(bo.socket, 'disconnect').then((reason) => ({
        reason,
        endedBefore: bo.eventsOf('session:ended').length > 0,
      }));

      expect(okData(await mia.call('people:remove', { personId: boId }))).toEqual({ personId: boId });
      expect(await ended).toEqual({ reason: 'removed' });
      // Disconnected by the server (the client does not retry), after session:ended arrived.
      expect(await disconnected).toEqual({ reason: 'io server disconnect', endedBefore: true });

      for (const client of [mia, cem]) {
        await waitFor(() => client.eventsOf('people:removed').some((p) => p.personId === boId), 'people:removed');
        expect(client.people.has(boId)).toBe(false);
      }
      expect((await apiPeople(server, workshop)).map((p) => p.id)).not.toContain(boId);

      const comeback = await harness.connect(server);
      expectError(await comeback.call('session:resume', { workshopId: workshop.id, personToken: tokenOf(bo) }), 'removed');
      // A later joiner does not see them either.
      const dee = await harness.join(server, workshop, 'participant', 'Dee');
      expect(dee.snapshot!.people.map((p) => p.id)).not.toContain(boId);
      // And actions on the removed person find nobody.
      expectError(await mia.call('people:rename', { personId: boId, displayName: 'Zombie' }), 'person_not_found', 'personId');
      expectError(await mia.call('people:remove', { personId: boId }), 'person_not_found');
    });

    it('remove: closes every open tab of the removed person', async () => {
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const tab1 = await harness.join(server, workshop, 'participant', 'Bo');
      const tab2 = await harness.resume(server, workshop.id, tokenOf(tab1));
      const gone = Promise.all([tab1, tab2].map((tab) => nextEvent(tab.socket, 'disconnect')));
      okData(await mia.call('people:remove', { personId: personIdOf(tab1) }));
      await gone;
      for (const tab of [tab1, tab2]) expect(tab.eventsOf('session:ended')).toEqual([{ reason: 'removed' }]);
    });

    it('refuses actions on a person id that is not in the workshop', async () => {
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const other = await harness.createWorkshop(server);
      const stranger = await harness.join(server, other, 'participant', 'Stranger');
      for (const personId of ['no-such-person', personIdOf(stranger)]) {
        expectError(await mia.call('people:rename', { personId, displayName: 'X' }), 'person_not_found', 'personId');
        expectError(await mia.call('people:setRole', { personId, role: 'coModerator' }), 'person_not_found', 'personId');
        expectError(await mia.call('people:remove', { personId }), 'person_not_found', 'personId');
      }
      expect(stranger.eventsOf('session:ended')).toEqual([]);
      expect(stranger.socket.connected).toBe(true);
    });
  });

  describe('refusals', () => {
    it('a participant and a co-moderator may not rename, change roles or remove: forbidden, nothing changes', async () => {
      const { mia, cem, bo } = await joinThree();
      const before = await apiPeople(server, workshop);
      for (const [actor, target] of [
        [bo, cem],
        [bo, bo],
        [cem, bo],
        [cem, mia],
      ] as const) {
        expectError(await actor.call('people:rename', { personId: personIdOf(target), displayName: 'Hacked' }), 'forbidden');
        expectError(await actor.call('people:setRole', { personId: personIdOf(target), role: 'coModerator' }), 'forbidden');
        expectError(await actor.call('people:setRole', { personId: personIdOf(target), role: 'participant' }), 'forbidden');
        expectError(await actor.call('people:remove', { personId: personIdOf(target) }), 'forbidden');
      }
      expect(await apiPeople(server, workshop)).toEqual(before);
      for (const client of [mia, cem, bo]) {
        expect(client.eventsOf('people:removed')).toEqual([]);
        expect(client.eventsOf('session:ended')).toEqual([]);
        expect(client.socket.connected).toBe(true);
      }
    });

    it('moderators keep their role and cannot be removed: invalid_state', async () => {
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const max = await harness.join(server, workshop, 'moderator', 'Max');
      const before = await apiPeople(server, workshop);
      for (const target of [mia, max]) {
        for (const role of ['coModerator', 'participant'] as const) {
          expectError(await mia.call('people:setRole', { personId: personIdOf(target), role }), 'invalid_state');
        }
        expectError(await mia.call('people:remove', { personId: personIdOf(target) }), 'invalid_state');
      }
      expect(await apiPeople(server, workshop)).toEqual(before);
      expect(max.socket.connected).toBe(true);
    });

    it('refuses every action before joining with not_joined', async () => {
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const client = await harness.connect(server);
      const target = personIdOf(mia);
      expectError(await client.call('people:rename', { personId: target, displayName: 'X' }), 'not_joined');
      expectError(await client.call('people:setRole', { personId: target, role: 'participant' }), 'not_joined');
      expectError(await client.call('people:remove', { personId: target }), 'not_joined');
      expectError(await client.call('people:updateSelf', { displayName: 'X' }), 'not_joined');
      expect((await apiPeople(server, workshop)).map((p) => p.displayName)).toEqual(['Mia']);
    });

    it('refuses a second join or a resume on a socket that already joined: invalid_state', async () => {
      const bo = await harness.join(server, workshop, 'participant', 'Bo');
      const join = {
        workshopId: workshop.id,
        linkSecret: workshop.secrets.moderator,
        displayName: 'Bo as moderator',
        listInDocumentation: false,
      };
      expectError(await bo.call('session:join', join), 'invalid_state');
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      expectError(await bo.call('session:resume', { workshopId: workshop.id, personToken: tokenOf(mia) }), 'invalid_state');
      expect((await apiPeople(server, workshop)).map((p) => p.displayName)).toEqual(['Bo', 'Mia']);
      // The socket still acts as Bo.
      const self = okData(await bo.call('people:updateSelf', { displayName: 'Bo B.' }));
      expect(self.id).toBe(personIdOf(bo));
    });
  });

  describe('bad input never crashes the server', () => {
    const validJoin = () => ({
      workshopId: workshop.id,
      linkSecret: workshop.secrets.participant,
      displayName: 'Ann',
      listInDocumentation: false,
    });

    it('answers invalid payloads with invalid_payload, naming the field to blame', async () => {
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const client = await harness.connect(server);
      const cases: [string, unknown, string | undefined][] = [
        ['session:join', { ...validJoin(), displayName: undefined }, 'displayName'],
        ['session:join', { ...validJoin(), workshopId: undefined }, 'workshopId'],
        ['session:join', { ...validJoin(), workshopId: 42 }, 'workshopId'],
        ['session:join', { ...validJoin(), linkSecret: 'short' }, 'linkSecret'],
        ['session:join', { ...validJoin(), linkSecret: ['x'.repeat(30)] }, 'linkSecret'],
        ['session:join', { ...validJoin(), displayName: 'x'.repeat(LIMITS.displayNameMax + 1) }, 'displayName'],
        ['session:join', { ...validJoin(), displayName: '     ' }, 'displayName'],
        ['session:join', { ...validJoin(), displayName: '' }, 'displayName'],
        ['session:join', { ...validJoin(), displayName: 'Ann\u0000' }, 'displayName'],
        ['session:join', { ...validJoin(), displayName: 'Ann\nBob' }, 'displayName'],
        ['session:join', { ...validJoin(), displayName: 'A\u001bnn' }, 'displayName'],
        ['session:join', { ...validJoin(), displayName: 'Ann\u007f' }, 'displayName'],
        ['session:join', { ...validJoin(), displayName: 12 }, 'displayName'],
        ['session:join', { ...validJoin(), listInDocumentation: 'yes' }, 'listInDocumentation'],
        ['session:inspectLink', { workshopId: workshop.id }, 'linkSecret'],
        ['session:resume', { workshopId: workshop.id, personToken: null }, 'personToken'],
        ['people:rename', { personId: personIdOf(mia) }, 'displayName'],
        ['people:setRole', { personId: personIdOf(mia), role: 'moderator' }, 'role'],
        ['people:remove', { personId: 7 }, 'personId'],
        ['people:updateSelf', { displayName: 'x'.repeat(LIMITS.displayNameMax + 1) }, 'displayName'],
        ['people:updateSelf', { listInDocumentation: 1 }, 'listInDocumentation'],
        ['people:updateSelf', {}, undefined],
      ];
      for (const [event, payload, field] of cases) {
        const ack = await client.raw(event, payload);
        expectError(ack, 'invalid_payload', field);
        if (field === undefined) expect(ack.ok || ack.error.field).toBeFalsy();
      }
      for (const payload of ['a string', 42, null, [validJoin()], true]) {
        const ack = await client.raw('session:join', payload);
        expectError(ack, 'invalid_payload');
        expect(ack.ok || ack.error.field).toBeFalsy();
      }
      // No payload at all, only an acknowledgement callback.
      for (const event of ['session:join', 'session:resume', 'people:rename', 'people:updateSelf']) {
        expectError(await client.raw(event), 'invalid_payload');
      }
      // Nothing was created or changed.
      expect((await apiPeople(server, workshop)).map((p) => p.displayName)).toEqual(['Mia']);
      expect(server.logs).toEqual([]);
    });

    it('answers an unknown event with unknown_event', async () => {
      const client = await harness.connect(server);
      expectError(await client.raw('workshop:delete', { workshopId: workshop.id }), 'unknown_event');
      expectError(await client.raw('constructor', {}), 'unknown_event');
      expectError(await client.raw('hasOwnProperty'), 'unknown_event');
      expectError(await client.raw('__proto__', {}), 'unknown_event');
      // The socket keeps working.
      okData(await client.call('session:inspectLink', { workshopId: workshop.id, linkSecret: workshop.secrets.participant }));
    });

    it('handles events without an acknowledgement callback: invalid ones are dropped, valid ones still run', async () => {
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const client = await harness.connect(server);
      client.socket.emit('session:join', { displayName: 42 });
      client.socket.emit('session:join');
      client.socket.emit('session:join', null);
      client.socket.emit('no:such-event', { a: 1 });
      client.socket.emit('people:rename', { personId: personIdOf(mia), displayName: 'X' });
      // A valid join without an acknowledgement still admits the person.
      client.socket.emit('session:join', { ...validJoin(), displayName: 'Silent' });
      const silent = await waitFor(
        () => [...mia.people.values()].find((p) => p.displayName === 'Silent'),
        'the silent join reaching the moderator',
      );
      expect(silent.role).toBe('participant');
      // The socket is joined as Silent and still answers acknowledged events.
      const self = okData(await client.call('people:updateSelf', { displayName: 'Loud' }));
      expect(self.id).toBe(silent.id);
      expect(mia.people.get(personIdOf(mia))?.displayName).toBe('Mia');
      expect(server.logs).toEqual([]);
    });

    it('still serves a fresh client after all that (health and join)', async () => {
      const abuser = await harness.connect(server);
      const junk: unknown[][] = [[], ['x'], [null], [[1, 2, 3]], [{ a: { b: { c: 'd' } } }], [123, 'extra', true], [undefined]];
      for (const event of ['session:join', 'session:resume', 'session:inspectLink', 'people:remove', 'people:setRole', 'nope']) {
        for (const args of junk) {
          abuser.socket.emit(event, ...args);
          const ack = await abuser.raw(event, ...args);
          expect(ack.ok).toBe(false);
        }
      }
      expect(abuser.socket.connected).toBe(true);

      const health = await fetch(`${server.baseUrl}/api/health`);
      expect(health.status).toBe(200);
      const fresh = await harness.join(server, workshop, 'participant', 'Fresh');
      expect(fresh.snapshot!.people.map((p) => p.displayName)).toEqual(['Fresh']);
      expect(server.logs).toEqual([]);
    });
  });

  it('people:updateSelf changes the own name and documentation consent; others see it', async () => {
    const { mia, cem, bo } = await joinThree();
    const updated = okData(await bo.call('people:updateSelf', { displayName: ' Bodo ', listInDocumentation: true }));
    expect(updated).toMatchObject({ id: personIdOf(bo), displayName: 'Bodo', listInDocumentation: true, role: 'participant' });
    for (const client of [mia, cem, bo]) {
      await waitForPerson(client, personIdOf(bo), (p) => p.displayName === 'Bodo' && p.listInDocumentation, 'Bodo listed');
    }
    // One field at a time leaves the other alone.
    okData(await bo.call('people:updateSelf', { listInDocumentation: false }));
    await waitForPerson(mia, personIdOf(bo), (p) => !p.listInDocumentation, 'Bodo unlisted');
    expect(mia.people.get(personIdOf(bo))?.displayName).toBe('Bodo');
    okData(await cem.call('people:updateSelf', { displayName: 'Cemile' }));
    await waitForPerson(bo, personIdOf(cem), (p) => p.displayName === 'Cemile', 'Cemile');

    const people = await apiPeople(server, workshop);
    expect(people.map((p) => [p.displayName, p.role, p.listInDocumentation])).toEqual([
      ['Mia', 'moderator', false],
      ['Cemile', 'coModerator', false],
      ['Bodo', 'participant', false],
    ]);
  });

  describe('with a store that answers asynchronously (like a networked database)', () => {
    let slow: TestServer;
    let store: GatedStore;
    let ws: CreatedWorkshop;

    beforeEach(async () => {
      slow = await harness.start({
        wrapStore: (real) => {
          store = gatedStore(real);
          return store;
        },
      });
      ws = await harness.createWorkshop(slow);
    });

    const joinPayload = (displayName: string) => ({
      workshopId: ws.id,
      linkSecret: ws.secrets.participant,
      displayName,
      listInDocumentation: false,
    });

    it('admits one person when a socket sends two joins at once; the second is refused', async () => {
      const client = await harness.connect(slow);
      store.hold();
      const first = client.call('session:join', joinPayload('First'));
      const second = client.call('session:join', joinPayload('Second'));
      // Once this unknown event is answered, the server has read both joins.
      expectError(await client.raw('test:barrier'), 'unknown_event');
      store.release();
      const acks = await Promise.all([first, second]);

      expect(acks.filter((ack) => ack.ok)).toHaveLength(1);
      expectError(acks.find((ack) => !ack.ok)!, 'invalid_state');
      expect(await apiPeople(slow, ws)).toHaveLength(1);
    });

    it('does not leave a person online forever when their socket closes while the join is still running', async () => {
      const mia = await harness.join(slow, ws, 'moderator', 'Mia');
      const quitter = await harness.connect(slow);
      const socketsBefore = slow.app.io.of('/').sockets.size;

      store.hold();
      quitter.socket.emit('session:join', joinPayload('Quitter'));
      await waitFor(() => store.waiting > 0, 'the join to reach the store');
      quitter.close();
      await waitFor(() => slow.app.io.of('/').sockets.size === socketsBefore - 1, 'the server to see the disconnect');
      store.release();

      // The join may be refused or complete, but nobody is connected as Quitter: they must not show as
      // online. (The API request is read after the released join has run to its end.)
      const isQuitter = (p: { displayName: string }) => p.displayName === 'Quitter';
      await waitFor(async () => {
        const quitter = (await apiPeople(slow, ws)).find(isQuitter) as (ApiPerson & { connection?: string }) | undefined;
        return !quitter || quitter.connection !== 'online';
      }, 'Quitter to be absent or not online in the API');
      await waitFor(() => {
        const quitter = [...mia.people.values()].find((p: PersonView) => isQuitter(p));
        return !quitter || quitter.connection !== 'online';
      }, 'Quitter to be absent or not online for the moderator');
    });
  });
});
