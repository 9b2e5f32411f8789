import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { personRecord, workshopRecord } from '../../test/factories.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from '../../test/storeBackends.js';
import { openSqliteStore } from '../sqlite.js';
import type { AgendaRecord, Store } from '../types.js';
import { copySqliteToPostgres } from './copyFromSqlite.js';
import { openPostgresStore } from './index.js';

describe('copying a SQLite installation into PostgreSQL', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Everything the store answers about one workshop, as the exports read it. */
  async function everything(store: Store, workshopId: string, pollIds: string[], docs: string[]) {
    const docText = async (name: string) => {
      const doc = new Y.Doc();
      for (const update of (await store.collab.loadDocument(name)).updates) Y.applyUpdate(doc, update);
      return { text: doc.getText('t').toString(), lastSeq: (await store.collab.loadDocument(name)).lastSeq };
    };
    return {
      workshop: await store.getWorkshop(workshopId),
      people: await store.listPeople(workshopId),
      agenda: await store.getAgenda(workshopId),
      breakouts: await store.getBreakouts(workshopId),
      polls: await store.getPolls(workshopId),
      boards: await store.getBoards(workshopId),
      answers: await Promise.all(pollIds.map(async (id) => (await store.listAnswers(id)).map((a) => JSON.stringify(a)).sort())),
      docs: await Promise.all(docs.map(docText)),
      listed: await store.collab.listDocuments(`notes:${workshopId}`),
    };
  }

  it('moves workshops, people, agenda, rounds, polls, answers, boards and documents; exports read the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'werkraum-copy-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'werkraum.sqlite');
    const sqlite = openSqliteStore(file);
    const workshop = workshopRecord({ title: 'Strategie «2027» 🚀' });
    const other = workshopRecord();
    await sqlite.insertWorkshop(workshop);
    await sqlite.insertWorkshop(other);
    // Join order differs from id order, across two workshops; one removed person.
    for (const person of [
      personRecord(workshop.id, { id: 'zz', displayName: 'Zoe', role: 'moderator', listInDocumentation: true }),
      personRecord(other.id, { id: 'mm' }),
      personRecord(workshop.id, { id: 'aa', displayName: 'Amy' }),
      personRecord(workshop.id, { id: 'gone', removedAt: '2026-12-01T15:00:00.000Z' }),
    ]) {
      await sqlite.insertPerson(person);
    }
    const agenda = {
      workshopId: workshop.id,
      version: 1,
      blocks: [{ id: 'b1', title: 'Einstieg', plannedMinutes: 10 }],
      run: { status: 'running' },
      warningThresholds: [],
    } as unknown as AgendaRecord;
    await sqlite.saveAgenda(agenda);
    await sqlite.saveAgenda({ ...agenda, version: 2 });
    await sqlite.saveBreakouts({ workshopId: workshop.id, version: 1, rounds: [{ id: 'r1' }] as never });
    await sqlite.savePolls({ workshopId: workshop.id, version: 1, polls: [{ id: 'p1' }, { id: 'p2' }] as never });
    await sqlite.saveBoards({ workshopId: workshop.id, version: 1, rooms: { plenary: { privateWriting: true } } } as never);
    await sqlite.saveNamedAnswer('p1', 'zz', { optionIds: ['a'] }, false);
    await sqlite.saveAnonymousAnswer('p2', 'voter-1', 'ballot-1', { optionIds: ['x'] });
    await sqlite.saveAnonymousAnswer('p2', 'voter-2', 'ballot-2', { optionIds: ['y'] });
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 6; i++) doc.getText('t').insert(i, String(i));
    const notes = `notes:${workshop.id}:plenary`;
    for (const update of updates) await sqlite.collab.appendUpdate(notes, update);
    await sqlite.collab.compact(notes, Y.mergeUpdates(updates.slice(0, 4)), 4);
    const docs = [notes];
    const before = await everything(sqlite, workshop.id, ['p1', 'p2'], docs);
    await sqlite.close();

    const schema = freshSchemaName();
    cleanups.push(() => dropSchema(schema));
    const report = await copySqliteToPostgres(file, { connectionString: TEST_DATABASE_URL, schema });
    expect(report.tables).toMatchObject({ workshops: 2, people: 4, agendas: 1, poll_voters: 2, poll_ballots: 2, collab_updates: 3 });

    const pg = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    cleanups.push(() => pg.close());
    expect(await everything(pg, workshop.id, ['p1', 'p2'], docs)).toEqual(before);
    expect(before.people.map((person) => person.id)).toEqual(['zz', 'aa']);
    expect(await pg.hasVoted('p2', 'voter-2')).toBe(true);
    // Work goes on where it stopped: the next update continues the sequence, a new person joins last.
    expect(await pg.collab.appendUpdate(notes, updates[0]!)).toBe(7);
    await pg.insertPerson(personRecord(workshop.id, { id: '00' }));
    expect((await pg.listPeople(workshop.id)).map((person) => person.id)).toEqual(['zz', 'aa', '00']);

    // A second copy into the now filled database is refused and changes nothing.
    await expect(copySqliteToPostgres(file, { connectionString: TEST_DATABASE_URL, schema })).rejects.toThrow(/already holds workshops/);
    expect(await pg.listPeople(other.id)).toHaveLength(1);
  });
});
