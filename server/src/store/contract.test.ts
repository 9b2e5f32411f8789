import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { personRecord, workshopRecord } from '../test/factories.js';
import { STORE_BACKENDS, type StoreLocation } from '../test/storeBackends.js';
import type { AgendaRecord, Store } from './types.js';

/**
 * The store interface's contract, run against every implementation (embedded SQLite and
 * PostgreSQL). Each test gets its own SQLite file or PostgreSQL schema.
 */
describe.each(STORE_BACKENDS)('store contract: $name', (backend) => {
  let location: StoreLocation;
  const open: Store[] = [];

  const openStore = async () => {
    const store = await location.open();
    open.push(store);
    return store;
  };
  const closeStore = async (store: Store) => {
    open.splice(open.indexOf(store), 1);
    await store.close();
  };

  beforeEach(async () => {
    location = await backend.create();
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    await location.remove();
  });

  describe('workshops and people', () => {
    it('round-trips a workshop', async () => {
      const store = await openStore();
      const workshop = workshopRecord({ title: 'Ünïcödé «Planung» 🚀', description: 'line 1\nline 2' });
      const withoutZone = workshopRecord({ timeZone: null, language: 'en', description: '' });
      await store.insertWorkshop(workshop);
      await store.insertWorkshop(withoutZone);
      expect(await store.getWorkshop(workshop.id)).toEqual(workshop);
      expect(await store.getWorkshop(withoutZone.id)).toEqual(withoutZone);
      expect(await store.getWorkshop('no-such-id')).toBeUndefined();
      await store.updateWorkshopStart(workshop.id, '2027-01-05T09:00:00+01:00');
      expect((await store.getWorkshop(workshop.id))?.startsAt).toBe('2027-01-05T09:00:00+01:00');
    });

    it('round-trips people, including booleans and removal, scoped to their workshop', async () => {
      const store = await openStore();
      const workshop = workshopRecord();
      const other = workshopRecord();
      await store.insertWorkshop(workshop);
      await store.insertWorkshop(other);
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
      expect(await store.getPerson(other.id, listed.id)).toBeUndefined();
      expect(await store.findPersonByTokenHash(other.id, listed.tokenHash)).toBeUndefined();
      expect(await store.updatePerson(other.id, listed.id, { displayName: 'Hijacked' })).toBeUndefined();
      expect(await store.listPeople(other.id)).toEqual([]);
    });

    it('lists people in join order and leaves out removed people', async () => {
      const store = await openStore();
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
      expect((await store.findPersonByTokenHash(workshop.id, max.tokenHash))?.removedAt).toBe('2026-12-01T15:00:00.000Z');
      await store.insertPerson(personRecord(workshop.id, { id: '00-late' }));
      expect((await store.listPeople(workshop.id)).map((p) => p.id)).toEqual(['zz-first', 'aa-third', '00-late']);
      expect((await store.listPeople(other.id)).map((p) => p.id)).toEqual(['bb-elsewhere']);
    });

    it('updatePerson changes only the given fields and returns the updated person', async () => {
      const store = await openStore();
      const workshop = workshopRecord();
      await store.insertWorkshop(workshop);
      const ann = personRecord(workshop.id, { displayName: 'Ann', role: 'participant', listInDocumentation: false });
      const bob = personRecord(workshop.id, { displayName: 'Bob' });
      await store.insertPerson(ann);
      await store.insertPerson(bob);

      expect(await store.updatePerson(workshop.id, ann.id, { displayName: 'Anna' })).toEqual({ ...ann, displayName: 'Anna' });
      expect(await store.updatePerson(workshop.id, ann.id, { role: 'coModerator' })).toEqual({ ...ann, displayName: 'Anna', role: 'coModerator' });
      const listed = await store.updatePerson(workshop.id, ann.id, { listInDocumentation: true });
      expect(listed).toEqual({ ...ann, displayName: 'Anna', role: 'coModerator', listInDocumentation: true });
      const unlisted = await store.updatePerson(workshop.id, ann.id, { listInDocumentation: false });
      expect(unlisted?.listInDocumentation).toBe(false);
      expect(await store.updatePerson(workshop.id, ann.id, { displayName: undefined, role: undefined })).toEqual(unlisted);
      expect(await store.updatePerson(workshop.id, ann.id, {})).toEqual(unlisted);
      expect(await store.getPerson(workshop.id, bob.id)).toEqual(bob);
      expect((await store.findPersonByTokenHash(workshop.id, ann.tokenHash))?.id).toBe(ann.id);
      expect(await store.updatePerson(workshop.id, 'nobody', { displayName: 'X' })).toBeUndefined();
    });

    it('refuses a person whose token hash is taken or whose workshop does not exist', async () => {
      const store = await openStore();
      const workshop = workshopRecord();
      await store.insertWorkshop(workshop);
      const ann = personRecord(workshop.id);
      await store.insertPerson(ann);
      await expect(store.insertPerson(personRecord(workshop.id, { tokenHash: ann.tokenHash }))).rejects.toThrow();
      await expect(store.insertPerson(personRecord('no-such-workshop'))).rejects.toThrow();
      await expect(store.insertWorkshop(workshop)).rejects.toThrow();
      expect(await store.listPeople(workshop.id)).toEqual([ann]);
    });

    it('keeps everything when the store is closed and opened again (migrations run once)', async () => {
      const store = await openStore();
      const workshop = workshopRecord();
      await store.insertWorkshop(workshop);
      const people = [personRecord(workshop.id, { role: 'moderator' }), personRecord(workshop.id, { displayName: 'Bo' })];
      for (const person of people) await store.insertPerson(person);
      await store.updatePerson(workshop.id, people[1]!.id, { displayName: 'Bo B.' });
      await store.collab.appendUpdate('doc', new Uint8Array([1, 2, 3]));
      await closeStore(store);

      const reopened = await openStore();
      const alsoOpen = await openStore();
      expect(await reopened.getWorkshop(workshop.id)).toEqual(workshop);
      expect(await reopened.listPeople(workshop.id)).toEqual([people[0], { ...people[1], displayName: 'Bo B.' }]);
      expect(await alsoOpen.collab.loadDocument('doc')).toEqual({ updates: [new Uint8Array([1, 2, 3])], lastSeq: 1 });
    });
  });

  describe('versioned saves', () => {
    const agenda = (workshopId: string, version: number, title: string): AgendaRecord => ({
      workshopId,
      version,
      blocks: [
        { id: 'b1', title, durationMinutes: 10, description: '', kind: 'plenary' } as unknown as AgendaRecord['blocks'][number],
      ],
      run: { status: 'notStarted' } as unknown as AgendaRecord['run'],
      warningThresholds: [],
    });

    it('an agenda saves version N only over version N-1, and exactly one of two concurrent saves wins', async () => {
      const store = await openStore();
      const second = await openStore();
      const workshop = workshopRecord();
      await store.insertWorkshop(workshop);
      expect(await store.getAgenda(workshop.id)).toBeUndefined();
      expect(await store.saveAgenda(agenda(workshop.id, 1, 'One'))).toBe(true);
      expect(await store.saveAgenda(agenda(workshop.id, 1, 'Again'))).toBe(false);
      expect(await store.saveAgenda(agenda(workshop.id, 3, 'Skipped'))).toBe(false);
      const outcomes = await Promise.all([store.saveAgenda(agenda(workshop.id, 2, 'A')), second.saveAgenda(agenda(workshop.id, 2, 'B'))]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const stored = await second.getAgenda(workshop.id);
      expect(stored?.version).toBe(2);
      expect(stored?.blocks[0]?.title).toBe(outcomes[0] ? 'A' : 'B');
      expect(stored).toEqual(agenda(workshop.id, 2, outcomes[0] ? 'A' : 'B'));
    });

    it('breakout rounds, polls and boards are versioned per workshop and kind', async () => {
      const store = await openStore();
      const other = await openStore();
      const workshop = workshopRecord();
      const neighbour = workshopRecord();
      await store.insertWorkshop(workshop);
      await store.insertWorkshop(neighbour);
      const rounds = [{ id: 'r1', title: 'Round' }] as unknown as Parameters<Store['saveBreakouts']>[0]['rounds'];
      const polls = [{ id: 'p1', question: 'Why?' }] as unknown as Parameters<Store['savePolls']>[0]['polls'];
      const rooms = { plenary: { privateWriting: false, voting: { status: 'none', dotsPerPerson: 3, target: 'cards', revealed: false, votes: {} } } } as const;

      expect(await store.saveBreakouts({ workshopId: workshop.id, version: 1, rounds })).toBe(true);
      expect(await store.savePolls({ workshopId: workshop.id, version: 1, polls })).toBe(true);
      expect(await store.saveBoards({ workshopId: workshop.id, version: 1, rooms: structuredClone(rooms) as never })).toBe(true);
      expect(await store.saveBreakouts({ workshopId: workshop.id, version: 1, rounds: [] })).toBe(false);
      expect(await store.savePolls({ workshopId: neighbour.id, version: 1, polls: [] })).toBe(true);

      const racing = await Promise.all([
        store.savePolls({ workshopId: workshop.id, version: 2, polls: [] }),
        other.savePolls({ workshopId: workshop.id, version: 2, polls: [...polls, ...polls] }),
      ]);
      expect(racing.filter(Boolean)).toHaveLength(1);
      expect((await other.getPolls(workshop.id))?.polls).toHaveLength(racing[0] ? 0 : 2);
      expect(await other.getBreakouts(workshop.id)).toEqual({ workshopId: workshop.id, version: 1, rounds });
      expect(await other.getBoards(workshop.id)).toEqual({ workshopId: workshop.id, version: 1, rooms });
      expect(await other.getPolls(neighbour.id)).toEqual({ workshopId: neighbour.id, version: 1, polls: [] });
      expect(await other.getBoards(neighbour.id)).toBeUndefined();
    });
  });

  describe('series, findings, speaking, media and the template library', () => {
    it('keeps the newer versioned kinds apart per workshop, with the same version rule', async () => {
      const store = await openStore();
      const other = await openStore();
      const workshop = workshopRecord();
      await store.insertWorkshop(workshop);
      const dates = [{ id: 'first', startsAt: '2026-12-01T13:00:00.000Z', status: 'current', closedAt: null, archive: null, repeats: {} }] as const;
      expect(await store.saveSeries({ workshopId: workshop.id, version: 1, dates: structuredClone(dates) as never })).toBe(true);
      expect(await store.saveSeries({ workshopId: workshop.id, version: 1, dates: [] })).toBe(false);
      expect(await store.saveFindings({ workshopId: workshop.id, version: 1, findings: [], stage: null })).toBe(true);
      expect(await store.saveSpeaking({ workshopId: workshop.id, version: 1, speaking: { hands: [], called: null, round: null, history: [] } })).toBe(true);
      const media = { workshopId: workshop.id, version: 1, links: { plenary: 'https://meet.example.org/a' }, permissions: {} as never, spotlights: {} };
      expect(await store.saveMediaSettings(media)).toBe(true);
      expect(await other.getSeries(workshop.id)).toEqual({ workshopId: workshop.id, version: 1, dates });
      expect(await other.getFindings(workshop.id)).toEqual({ workshopId: workshop.id, version: 1, findings: [], stage: null });
      expect((await other.getSpeaking(workshop.id))?.speaking.hands).toEqual([]);
      expect(await other.getMediaSettings(workshop.id)).toEqual(media);
      expect(await other.getSeries(workshopRecord().id)).toBeUndefined();
    });

    it('documentation settings keep "compiled by", the multi-line next steps and the sections left out, per workshop', async () => {
      const store = await openStore();
      const other = await openStore();
      const workshop = workshopRecord();
      await store.insertWorkshop(workshop);
      expect(await store.getDocumentationSettings(workshop.id)).toBeUndefined();
      const settings = { publishedAt: null, compiledBy: 'Anne', nextSteps: 'Im März.\n\n- Einladung folgt', excluded: ['plenary', 'nextSteps'] as const };
      await store.saveDocumentationSettings(workshop.id, { ...settings, excluded: [...settings.excluded] });
      expect(await other.getDocumentationSettings(workshop.id)).toEqual(settings);
      await store.saveDocumentationSettings(workshop.id, { ...settings, nextSteps: '', excluded: [] });
      expect(await other.getDocumentationSettings(workshop.id)).toEqual({ ...settings, nextSteps: '', excluded: [] });
      expect(await other.getDocumentationSettings(workshopRecord().id)).toBeUndefined();
    });

    it('lists, reads and deletes library templates in the order they were saved', async () => {
      const store = await openStore();
      await store.insertTemplate({ id: 't2', body: { name: 'Zweites' }, createdAt: '2026-12-01T10:00:01.000Z' });
      await store.insertTemplate({ id: 't1', body: { name: 'Erstes' }, createdAt: '2026-12-01T10:00:00.000Z' });
      expect((await store.listTemplates()).map((entry) => entry.id)).toEqual(['t1', 't2']);
      expect(await store.getTemplate('t2')).toEqual({ id: 't2', body: { name: 'Zweites' }, createdAt: '2026-12-01T10:00:01.000Z' });
      expect(await store.deleteTemplate('t2')).toBe(true);
      expect(await store.deleteTemplate('t2')).toBe(false);
      expect(await store.getTemplate('t2')).toBeUndefined();
    });
  });

  describe('poll answers', () => {
    const yes = { optionIds: ['yes'] };
    const no = { optionIds: ['no'] };
    const answersOf = async (store: Store, pollId: string) =>
      (await store.listAnswers(pollId)).map((entry) => `${entry.personId}:${JSON.stringify(entry.answer)}`).sort();

    it('named answers are saved once unless replaced', async () => {
      const store = await openStore();
      expect(await store.saveNamedAnswer('poll-1', 'ann', yes, false)).toBe('saved');
      expect(await store.saveNamedAnswer('poll-1', 'ann', no, false)).toBe('exists');
      expect(await store.getNamedAnswer('poll-1', 'ann')).toEqual(yes);
      expect(await store.saveNamedAnswer('poll-1', 'ann', no, true)).toBe('saved');
      expect(await store.getNamedAnswer('poll-1', 'ann')).toEqual(no);
      expect(await store.getNamedAnswer('poll-1', 'bob')).toBeUndefined();
      expect(await answersOf(store, 'poll-1')).toEqual([`ann:${JSON.stringify(no)}`]);
    });

    it('anonymous answers cast at the same time each get their own outcome; a voter counts once', async () => {
      const store = await openStore();
      const outcomes = await Promise.all([
        store.saveAnonymousAnswer('poll-1', 'voter-a', 'ballot-a', yes),
        store.saveAnonymousAnswer('poll-1', 'voter-b', 'ballot-b', yes),
        store.saveAnonymousAnswer('poll-1', 'voter-a', 'ballot-a2', no),
        store.saveAnonymousAnswer('poll-2', 'voter-a', 'ballot-c', no),
        store.replaceAnonymousAnswer('poll-1', 'ballot-b', no),
        store.replaceAnonymousAnswer('poll-1', 'ballot-unknown', no),
      ]);
      expect(outcomes).toEqual(['saved', 'saved', 'exists', 'saved', true, false]);
      expect(await answersOf(store, 'poll-1')).toEqual([`null:${JSON.stringify(no)}`, `null:${JSON.stringify(yes)}`]);
      expect(await answersOf(store, 'poll-2')).toEqual([`null:${JSON.stringify(no)}`]);
      expect(await store.hasVoted('poll-1', 'voter-a')).toBe(true);
      expect(await store.hasVoted('poll-1', 'voter-c')).toBe(false);
    });

    it('anonymous votes from two handles at once (two processes) all count, each voter once', async () => {
      const first = await openStore();
      const second = await openStore();
      const votes = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? first : second).saveAnonymousAnswer('poll-x', `voter-${i % 10}`, `ballot-${i}`, yes));
      const outcomes = await Promise.all(votes);
      expect(outcomes.filter((outcome) => outcome === 'saved')).toHaveLength(10);
      expect(await first.listAnswers('poll-x')).toHaveLength(10);
    });

    it('answers still waiting to be written are written when the store closes', async () => {
      const store = await openStore();
      const saved = [store.saveAnonymousAnswer('poll-1', 'voter-a', 'ballot-a', yes), store.saveAnonymousAnswer('poll-1', 'voter-b', 'ballot-b', no)];
      await closeStore(store);
      expect(await Promise.all(saved)).toEqual(['saved', 'saved']);
      const reopened = await openStore();
      expect(await answersOf(reopened, 'poll-1')).toEqual([`null:${JSON.stringify(no)}`, `null:${JSON.stringify(yes)}`]);
      expect(await reopened.hasVoted('poll-1', 'voter-b')).toBe(true);
    });
  });

  describe('collaboration updates', () => {
    function textUpdates(count: number): Uint8Array[] {
      const doc = new Y.Doc();
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      for (let i = 0; i < count; i++) doc.getText('t').insert(i, String(i % 10));
      return updates;
    }
    function textOf(updates: Uint8Array[]): string {
      const doc = new Y.Doc();
      for (const u of updates) Y.applyUpdate(doc, u);
      return doc.getText('t').toString();
    }

    it('an unknown document is empty', async () => {
      const { collab } = await openStore();
      expect(await collab.loadDocument('nothing')).toEqual({ updates: [], lastSeq: 0 });
      expect(await collab.size('nothing')).toEqual({ rows: 0, bytes: 0 });
    });

    it('appends get growing sequence numbers per document and load back in order', async () => {
      const { collab } = await openStore();
      const updates = textUpdates(5);
      const seqs = [];
      for (const u of updates) seqs.push(await collab.appendUpdate('a', u));
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      expect(await collab.appendUpdate('b', updates[0]!)).toBe(1);
      const loaded = await collab.loadDocument('a');
      expect(loaded.lastSeq).toBe(5);
      expect(loaded.updates).toEqual(updates);
      expect(textOf(loaded.updates)).toBe('01234');
      expect(await collab.size('a')).toEqual({ rows: 5, bytes: updates.reduce((sum, u) => sum + u.byteLength, 0) });
    });

    it('concurrent appends from two handles get distinct numbers and all load back', async () => {
      const first = await openStore();
      const second = await openStore();
      const updates = textUpdates(30);
      const seqs = await Promise.all(updates.map((u, i) => (i % 2 === 0 ? first : second).collab.appendUpdate('shared', u)));
      expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const loaded = await first.collab.loadDocument('shared');
      expect(loaded.lastSeq).toBe(30);
      expect(textOf(loaded.updates)).toBe(textOf(updates));
    });

    it('compaction replaces rows up to a sequence number by one merged row; numbers keep growing', async () => {
      const { collab } = await openStore();
      const updates = textUpdates(10);
      for (const u of updates.slice(0, 8)) await collab.appendUpdate('a', u);
      await collab.compact('a', Y.mergeUpdates(updates.slice(0, 6)), 6);
      expect((await collab.size('a')).rows).toBe(3);
      expect(textOf((await collab.loadDocument('a')).updates)).toBe('01234567');
      expect(await collab.appendUpdate('a', updates[8]!)).toBe(9);
      await collab.compact('a', Y.mergeUpdates(updates.slice(0, 9)), 9);
      const loaded = await collab.loadDocument('a');
      expect(loaded).toMatchObject({ lastSeq: 9 });
      expect(loaded.updates).toHaveLength(1);
      expect(await collab.appendUpdate('a', updates[9]!)).toBe(10);
      expect(textOf((await collab.loadDocument('a')).updates)).toBe('0123456789');
      await expect(collab.compact('a', new Uint8Array([0, 0]), 0)).rejects.toThrow(/throughSeq/);
    });

    it('deleteDocument removes one document; listDocuments finds names by prefix, wildcards taken literally', async () => {
      const store = await openStore();
      const [u] = textUpdates(1);
      for (const name of ['room:a:1', 'room:a:2', 'room:b:1', 'room%:x', 'other']) await store.collab.appendUpdate(name, u!);
      await store.collab.deleteDocument('room:a:2');
      const again = await openStore();
      expect((await again.collab.loadDocument('room:a:2')).updates).toHaveLength(0);
      expect((await again.collab.loadDocument('room:a:1')).updates).toHaveLength(1);
      expect(await again.collab.listDocuments('room:')).toEqual(['room:a:1', 'room:b:1']);
      expect(await again.collab.listDocuments('room%')).toEqual(['room%:x']);
      expect(await again.collab.listDocuments('zzz')).toEqual([]);
    });
  });
});
