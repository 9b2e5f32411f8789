import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { personRecord, workshopRecord } from '../test/factories.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

describe('SQLite store', () => {
  let dir: string;
  let file: string;
  const open: Store[] = [];

  /** Opens the store on the test's file; closed after the test. */
  const openStore = () => {
    const store = openSqliteStore(file);
    open.push(store);
    return store;
  };
  /** Closes a store and forgets it. */
  const closeStore = async (store: Store) => {
    open.splice(open.indexOf(store), 1);
    await store.close();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'werkraum-store-'));
    file = join(dir, 'nested', 'test.sqlite');
  });

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips a workshop through the file', async () => {
    const store = openStore();
    const workshop = workshopRecord({ title: 'Ünïcödé «Planung» 🚀', description: 'line 1\nline 2' });
    const withoutZone = workshopRecord({ timeZone: null, language: 'en', description: '' });
    await store.insertWorkshop(workshop);
    await store.insertWorkshop(withoutZone);

    expect(await store.getWorkshop(workshop.id)).toEqual(workshop);
    expect(await store.getWorkshop(withoutZone.id)).toEqual(withoutZone);
    expect(await store.getWorkshop('no-such-id')).toBeUndefined();
  });

  it('round-trips people, including booleans and removal', async () => {
    const store = openStore();
    const workshop = workshopRecord();
    await store.insertWorkshop(workshop);
    const listed = personRecord(workshop.id, { displayName: 'Mia', role: 'moderator', listInDocumentation: true });
    const unlisted = personRecord(workshop.id, { displayName: 'Bo', listInDocumentation: false });
    const removed = personRecord(workshop.id, { displayName: 'Gone', removedAt: '2026-12-01T15:00:00.000Z' });
    for (const person of [listed, unlisted, removed]) await store.insertPerson(person);

    expect(await store.getPerson(workshop.id, listed.id)).toEqual(listed);
    expect(await store.getPerson(workshop.id, unlisted.id)).toEqual(unlisted);
    expect(await store.getPerson(workshop.id, removed.id)).toEqual(removed);
    expect(await store.findPersonByTokenHash(workshop.id, unlisted.tokenHash)).toEqual(unlisted);
    expect(await store.getPerson(workshop.id, 'nobody')).toBeUndefined();
    expect(await store.findPersonByTokenHash(workshop.id, 'f'.repeat(64))).toBeUndefined();
  });

  it('scopes people to their workshop', async () => {
    const store = openStore();
    const first = workshopRecord();
    const second = workshopRecord();
    await store.insertWorkshop(first);
    await store.insertWorkshop(second);
    const ann = personRecord(first.id);
    await store.insertPerson(ann);

    expect(await store.getPerson(second.id, ann.id)).toBeUndefined();
    expect(await store.findPersonByTokenHash(second.id, ann.tokenHash)).toBeUndefined();
    expect(await store.listPeople(second.id)).toEqual([]);
    expect(await store.updatePerson(second.id, ann.id, { displayName: 'Hijacked' })).toBeUndefined();
    expect((await store.getPerson(first.id, ann.id))?.displayName).toBe(ann.displayName);
  });

  it('keeps everything after the file is closed and opened again', async () => {
    const store = openStore();
    const workshop = workshopRecord();
    await store.insertWorkshop(workshop);
    const people = [
      personRecord(workshop.id, { displayName: 'Mia', role: 'moderator' }),
      personRecord(workshop.id, { displayName: 'Cem', role: 'coModerator', listInDocumentation: true }),
      personRecord(workshop.id, { displayName: 'Bo' }),
    ];
    for (const person of people) await store.insertPerson(person);
    await store.updatePerson(workshop.id, people[2]!.id, { displayName: 'Bo B.' });
    await closeStore(store);

    const reopened = openStore();
    expect(await reopened.getWorkshop(workshop.id)).toEqual(workshop);
    expect(await reopened.listPeople(workshop.id)).toEqual([people[0], people[1], { ...people[2], displayName: 'Bo B.' }]);
    expect(await reopened.findPersonByTokenHash(workshop.id, people[1]!.tokenHash)).toEqual(people[1]);
  });

  it('lists people in join order and leaves out removed people', async () => {
    const store = openStore();
    const workshop = workshopRecord();
    const other = workshopRecord();
    await store.insertWorkshop(workshop);
    await store.insertWorkshop(other);
    // Ids and names sort the other way round than the join order.
    const zoe = personRecord(workshop.id, { id: 'zz-first', displayName: 'Zoe' });
    const max = personRecord(workshop.id, { id: 'mm-second', displayName: 'Max' });
    const stranger = personRecord(other.id, { id: 'bb-elsewhere', displayName: 'Stranger' });
    const amy = personRecord(workshop.id, { id: 'aa-third', displayName: 'Amy' });
    for (const person of [zoe, max, stranger, amy]) await store.insertPerson(person);

    expect((await store.listPeople(workshop.id)).map((p) => p.id)).toEqual(['zz-first', 'mm-second', 'aa-third']);

    await store.updatePerson(workshop.id, max.id, { removedAt: '2026-12-01T15:00:00.000Z' });
    expect((await store.listPeople(workshop.id)).map((p) => p.id)).toEqual(['zz-first', 'aa-third']);
    // Removed people stay findable (their token must be refused with "removed", not "unknown").
    expect((await store.findPersonByTokenHash(workshop.id, max.tokenHash))?.removedAt).toBe('2026-12-01T15:00:00.000Z');

    // A later joiner comes last, also after a removal.
    const late = personRecord(workshop.id, { id: '00-late', displayName: 'Late' });
    await store.insertPerson(late);
    expect((await store.listPeople(workshop.id)).map((p) => p.id)).toEqual(['zz-first', 'aa-third', '00-late']);
    expect((await store.listPeople(other.id)).map((p) => p.id)).toEqual(['bb-elsewhere']);
  });

  it('updatePerson changes only the given fields and returns the updated person', async () => {
    const store = openStore();
    const workshop = workshopRecord();
    await store.insertWorkshop(workshop);
    const ann = personRecord(workshop.id, { displayName: 'Ann', role: 'participant', listInDocumentation: false });
    const bob = personRecord(workshop.id, { displayName: 'Bob' });
    await store.insertPerson(ann);
    await store.insertPerson(bob);

    const renamed = await store.updatePerson(workshop.id, ann.id, { displayName: 'Anna' });
    expect(renamed).toEqual({ ...ann, displayName: 'Anna' });

    const promoted = await store.updatePerson(workshop.id, ann.id, { role: 'coModerator' });
    expect(promoted).toEqual({ ...ann, displayName: 'Anna', role: 'coModerator' });

    const listed = await store.updatePerson(workshop.id, ann.id, { listInDocumentation: true });
    expect(listed).toEqual({ ...ann, displayName: 'Anna', role: 'coModerator', listInDocumentation: true });
    const unlisted = await store.updatePerson(workshop.id, ann.id, { listInDocumentation: false });
    expect(unlisted?.listInDocumentation).toBe(false);

    // Undefined values and an empty patch change nothing.
    const unchanged = await store.updatePerson(workshop.id, ann.id, { displayName: undefined, role: undefined });
    expect(unchanged).toEqual(unlisted);
    expect(await store.updatePerson(workshop.id, ann.id, {})).toEqual(unlisted);

    // Other people are untouched, and so is the token.
    expect(await store.getPerson(workshop.id, bob.id)).toEqual(bob);
    expect((await store.findPersonByTokenHash(workshop.id, ann.tokenHash))?.id).toBe(ann.id);
    expect(await store.updatePerson(workshop.id, 'nobody', { displayName: 'X' })).toBeUndefined();
  });

  it('refuses a person whose token hash is already taken or whose workshop does not exist', async () => {
    const store = openStore();
    const workshop = workshopRecord();
    await store.insertWorkshop(workshop);
    const ann = personRecord(workshop.id);
    await store.insertPerson(ann);
    await expect(store.insertPerson(personRecord(workshop.id, { tokenHash: ann.tokenHash }))).rejects.toThrow();
    await expect(store.insertPerson(personRecord('no-such-workshop'))).rejects.toThrow();
    expect(await store.listPeople(workshop.id)).toEqual([ann]);
  });

  it('applies migrations once: opening an existing file again keeps schema and data', async () => {
    const store = openStore();
    const workshop = workshopRecord();
    await store.insertWorkshop(workshop);
    const ann = personRecord(workshop.id);
    await store.insertPerson(ann);
    await closeStore(store);

    const inspect = () => {
      const db = new Database(file, { readonly: true });
      try {
        return {
          version: db.pragma('user_version', { simple: true }) as number,
          schema: db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
        };
      } finally {
        db.close();
      }
    };
    const afterFirst = inspect();
    expect(afterFirst.version).toBeGreaterThan(0);

    await closeStore(openStore());
    const second = openStore();
    expect(inspect()).toEqual(afterFirst);
    expect(await second.getWorkshop(workshop.id)).toEqual(workshop);
    expect(await second.listPeople(workshop.id)).toEqual([ann]);

    // A second handle on the same file while the first is open (WAL) also opens cleanly.
    const third = openStore();
    expect(await third.getPerson(workshop.id, ann.id)).toEqual(ann);
    expect(inspect()).toEqual(afterFirst);
  });

  describe('anonymous answers cast at the same time', () => {
    const yes = { optionIds: ['yes'] };
    const no = { optionIds: ['no'] };
    const answersOf = async (store: Store, pollId: string) =>
      (await store.listAnswers(pollId)).map((entry) => JSON.stringify(entry.answer)).sort();

    it('each gets its own outcome: a voter counts once, a ballot written in the same batch can be changed', async () => {
      const store = openStore();
      const outcomes = await Promise.all([
        store.saveAnonymousAnswer('poll-1', 'voter-a', 'ballot-a', yes),
        store.saveAnonymousAnswer('poll-1', 'voter-b', 'ballot-b', yes),
        store.saveAnonymousAnswer('poll-1', 'voter-a', 'ballot-a2', no),
        store.saveAnonymousAnswer('poll-2', 'voter-a', 'ballot-c', no),
        store.replaceAnonymousAnswer('poll-1', 'ballot-b', no),
        store.replaceAnonymousAnswer('poll-1', 'ballot-unknown', no),
      ]);
      expect(outcomes).toEqual(['saved', 'saved', 'exists', 'saved', true, false]);
      expect(await answersOf(store, 'poll-1')).toEqual([JSON.stringify(no), JSON.stringify(yes)]);
      expect(await answersOf(store, 'poll-2')).toEqual([JSON.stringify(no)]);
      expect(await store.hasVoted('poll-1', 'voter-a')).toBe(true);
      expect(await store.hasVoted('poll-1', 'voter-c')).toBe(false);
    });

    it('answers still waiting for their batch are written when the store closes', async () => {
      const store = openStore();
      const saved = [
        store.saveAnonymousAnswer('poll-1', 'voter-a', 'ballot-a', yes),
        store.saveAnonymousAnswer('poll-1', 'voter-b', 'ballot-b', no),
      ];
      await closeStore(store);
      expect(await Promise.all(saved)).toEqual(['saved', 'saved']);
      const reopened = openStore();
      expect(await answersOf(reopened, 'poll-1')).toEqual([JSON.stringify(no), JSON.stringify(yes)]);
      expect(await reopened.hasVoted('poll-1', 'voter-b')).toBe(true);
    });
  });
});
