import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../store/postgres/index.js';
import * as Y from 'yjs';
import { addCard } from '@werkraum/shared/board';
import { COLLAB_CLOSE } from '@werkraum/shared/closeCodes';
import { renderNotesMarkdown } from '../collab/render.js';
import { okData, waitFor, type TestClient, type TestServer } from '../test/harness.js';
import { NotesHarness, TEST_COLLAB_SECRET } from '../test/notesHarness.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from '../test/storeBackends.js';
import { TEST_REDIS_URL, dropRedisPrefix } from '../test/redis.js';
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

  async function twoProcesses(): Promise<[TestServer, TestServer]> {
    const schema = freshSchemaName();
    schemas.push(schema);
    const prefix = `test-${randomBytes(6).toString('hex')}`;
    prefixes.push(prefix);
    const start = async () =>
      harness.start({
        collabSecret: TEST_COLLAB_SECRET,
        openStore: () => openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 }),
        cluster: await redisCluster(TEST_REDIS_URL, prefix, () => undefined),
      });
    return [await start(), await start()];
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
    expect(bo.snapshot!.people.find((person) => person.id === idOf(mia))?.connection).toBe('online');

    // A rename on A reaches B's people and B's cached list (a newcomer on B sees the new name).
    okData(await mia.call('people:rename', { personId: idOf(cem), displayName: 'Cem K.' }));
    await until(() => expect(bo.people.get(idOf(cem))?.displayName).toBe('Cem K.'));
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
    for (const client of [mia, bo]) {
      const polls = okData(await client.call('poll:list', {})).polls;
      expect(polls.find((view) => view.poll.id === pollId)?.results?.counts).toEqual({ gut: 2, schlecht: 1 });
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
