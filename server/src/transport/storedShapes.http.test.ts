/**
 * Documents that an older version or a bug could have stored: broken shapes written straight into
 * the SQLite file (around every check of the collaboration server), then exported over HTTP and
 * opened by editors. Every answer is a clear one (200 with what can be shown, or a 4xx), the
 * server never crashes and the readable part of each document is still there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, addCluster, addLabel, addStroke, readBoard } from '@werkraum/shared/board';
import type { CollabGrant } from '@werkraum/shared/protocol';
import { PLENARY_ROOM, roomDocName } from '@werkraum/shared/rooms';
import { renderNotesMarkdown } from '../collab/render.js';
import { okData, waitFor, type CreatedWorkshop, type TestServer } from '../test/harness.js';
import { NotesHarness } from '../test/notesHarness.js';
import { withStoreReader } from '../test/storeReader.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The text every broken document also holds, readable, so each answer can show it. */
const READABLE = 'Lesbar';

/** A Y.Doc's whole content as one update. */
const updateOf = (build: (doc: Y.Doc) => void): Uint8Array => {
  const doc = new Y.Doc();
  build(doc);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
};

function paragraph(text: string): Y.XmlElement {
  const element = new Y.XmlElement('paragraph');
  element.insert(0, [new Y.XmlText(text)]);
  return element;
}

/** A readable paragraph, as its own stored row. */
const readableNotes = () => updateOf((doc) => doc.getXmlFragment('default').insert(0, [paragraph(READABLE)]));

/** Stored rows (updates, in order) of one notes document the editor would never write. */
const BROKEN_NOTES: Record<string, () => Uint8Array[]> = {
  'bare text beside the paragraphs': () => [
    updateOf((doc) => doc.getXmlFragment('default').insert(0, [paragraph(READABLE), new Y.XmlText('lose'), paragraph('Zweiter')])),
  ],
  // The same root written as plain text by another client: the fragment then holds strings where elements belong.
  'plain strings in the fragment': () => [readableNotes(), updateOf((doc) => doc.getText('default').insert(0, 'nur eine Zeichenkette'))],
  'JSON values in the fragment': () => [readableNotes(), updateOf((doc) => doc.getArray('default').insert(0, [1, { a: 1 }, null, 'x', [2]]))],
  'map entries on the fragment': () => [readableNotes(), updateOf((doc) => doc.getMap('default').set('key', { nested: true }))],
  'only a plain string': () => [updateOf((doc) => doc.getText('default').insert(0, 'nur Text, kein Absatz'))],
  '2,000 nested blockquotes': () => [
    updateOf((doc) => {
      const fragment = doc.getXmlFragment('default');
      fragment.insert(0, [paragraph(READABLE)]);
      let parent: Y.XmlFragment | Y.XmlElement = fragment;
      for (let i = 0; i < 2_000; i++) {
        const quote = new Y.XmlElement('blockquote');
        parent.insert(parent === fragment ? 1 : 0, [quote]);
        parent = quote;
      }
      parent.insert(0, [paragraph('tief')]);
    }),
  ],
  'unknown elements, attributes, marks and embeds': () => [
    updateOf((doc) => {
      const script = new Y.XmlElement('script');
      script.insert(0, [new Y.XmlText('alert(1)')]);
      const image = new Y.XmlElement('img');
      image.setAttribute('src', 'javascript:alert(1)');
      const heading = new Y.XmlElement('heading');
      heading.setAttribute('level', { not: 'a level' } as unknown as string);
      heading.insert(0, [new Y.XmlText('Kopf')]);
      const nested = new Y.XmlElement('paragraph');
      nested.insert(0, [paragraph('Absatz im Absatz')]);
      const marked = new Y.XmlText('markiert');
      const embed = new Y.XmlText('vor');
      doc.getXmlFragment('default').insert(0, [paragraph(READABLE), script, image, heading, nested, (() => {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [marked, embed]);
        return p;
      })()]);
      marked.format(0, 4, { blink: { speed: 'fast' }, link: { href: 'javascript:alert(1)' } });
      embed.insertEmbed(1, { image: 'x' });
    }),
  ],
  'an undecodable row between readable ones': () => [readableNotes(), Uint8Array.of(0xff, 0xfe, 0x00, 0x13, 0x37), updateOf((doc) => doc.getXmlFragment('default').insert(0, [paragraph('Danach')]))],
};

/** A readable card, as its own stored row. */
const readableBoard = () => updateOf((doc) => addCard(doc, { text: READABLE, x: 0, y: 0 }));

/** Stored rows of one board the board model would refuse. */
const BROKEN_BOARDS: Record<string, () => Uint8Array[]> = {
  'cards far away, huge, not finite': () => [
    readableBoard(),
    updateOf((doc) => {
      const huge = addCard(doc, { text: 'Riesig', x: 0, y: 0 });
      (doc.getMap('items').get(huge) as Y.Map<unknown>).set('h', 1e9);
      addCard(doc, { text: 'Unten', x: 0, y: 60_000 });
      addCard(doc, { text: 'Weit weg', x: 1e8, y: 0 });
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, -1e308, '12', null]) {
        const id = addCard(doc, { text: `Kaputt ${String(value)}`, x: 0, y: 0 });
        const card = doc.getMap('items').get(id) as Y.Map<unknown>;
        card.set('x', value);
        card.set('w', value);
      }
    }),
  ],
  'items of the wrong type and unknown kinds': () => [
    readableBoard(),
    updateOf((doc) => {
      const items = doc.getMap('items');
      items.set('a-string', 'text');
      items.set('a-number', 42);
      items.set('an-array', new Y.Array());
      items.set('a-text', new Y.Text('frei'));
      const unknown = new Y.Map<unknown>();
      items.set('unknown-kind', unknown);
      unknown.set('kind', 'rocket');
      unknown.set('x', 0);
      items.set('no-kind', new Y.Map());
      const odd = addCard(doc, { text: 'x', x: 10, y: 10 });
      const card = items.get(odd) as Y.Map<unknown>;
      card.set('text', 12_345);
      card.set('color', 'url(javascript:alert(1))');
      card.set('clusterId', odd);
      const cluster = addCluster(doc, { title: 'Gruppe', x: 400, y: 0 });
      (items.get(cluster) as Y.Map<unknown>).set('w', -500);
      (items.get(cluster) as Y.Map<unknown>).set('title', { no: 'string' });
      const stroke = addStroke(doc, { points: [0, 0, 10, 10], color: '#000000', size: 4 });
      (items.get(stroke) as Y.Map<unknown>).set('points', 'nonsense');
      const long = addStroke(doc, { points: [0, 0], color: '#000000', size: 4 });
      const points = new Y.Array<unknown>();
      (items.get(long) as Y.Map<unknown>).set('points', points);
      points.push([...Array.from({ length: 100_001 }, (_, i) => (i % 7 === 0 ? Number.NaN : i)), 'x']);
      addLabel(doc, { text: 'L'.repeat(100_000), x: 0, y: 800 });
    }),
  ],
  'roots of the wrong type': () => [
    readableBoard(),
    updateOf((doc) => doc.getText('items').insert(0, 'kein Eintrag')),
    updateOf((doc) => doc.getArray('settings').insert(0, [true, 'locked'])),
    updateOf((doc) => doc.getMap('settings').set('locked', 'ja')),
    updateOf((doc) => doc.getXmlFragment('other').insert(0, [paragraph('daneben')])),
  ],
  'an undecodable row between readable ones': () => [readableBoard(), Uint8Array.of(0x01, 0x02, 0x03, 0xff, 0xff, 0xff), updateOf((doc) => addCard(doc, { text: 'Danach', x: 300, y: 0 }))],
};

describe('documents stored broken (by an older version or a bug) still export and open', () => {
  const harness = new NotesHarness();
  afterEach(() => harness.cleanup());

  it('notes and boards with every broken shape: HTTP exports answer clearly, previews work, editors open and write', async () => {
    const first = await harness.startNotes();
    const names = [...new Set([...Object.keys(BROKEN_NOTES), ...Object.keys(BROKEN_BOARDS)])];
    const workshops = new Map<string, CreatedWorkshop>();
    for (const name of names) workshops.set(name, await harness.createWorkshop(first, { title: name.slice(0, 60) }));
    await first.close();

    // Straight into the database, as an old version would have left it: no collaboration server involved.
    await withStoreReader(
      first,
      async (db) => {
        const insert =
          db.kind === 'postgres'
            ? // PostgreSQL keeps each document's last sequence number in collab_documents.
              (doc: string, data: Buffer) =>
                db.run(
                  `WITH next AS (
                     INSERT INTO collab_documents (doc, last_seq) VALUES (?, 1)
                     ON CONFLICT (doc) DO UPDATE SET last_seq = collab_documents.last_seq + 1 RETURNING last_seq
                   )
                   INSERT INTO collab_updates (doc, seq, data) SELECT ?, last_seq, ? FROM next`,
                  [doc, doc, data],
                )
            : (doc: string, data: Buffer) =>
                db.run('INSERT INTO collab_updates (doc, seq, data) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM collab_updates WHERE doc = ?), ?)', [doc, doc, data]);
        for (const [name, workshop] of workshops) {
          const notes = roomDocName('notes', workshop.id, PLENARY_ROOM);
          const board = roomDocName('board', workshop.id, PLENARY_ROOM);
          for (const row of BROKEN_NOTES[name]?.() ?? []) await insert(notes, Buffer.from(row));
          for (const row of BROKEN_BOARDS[name]?.() ?? []) await insert(board, Buffer.from(row));
        }
      },
      { writable: true },
    );

    const server: TestServer = await harness.startNotes({ dataFile: first.dataFile });
    const get = (workshop: CreatedWorkshop, path: string) =>
      fetch(`${server.baseUrl}/api/workshops/${workshop.id}/${path}`, { headers: { authorization: `Bearer ${workshop.keys.moderator}` } });

    for (const [name, workshop] of workshops) {
      if (BROKEN_NOTES[name]) {
        const html = await get(workshop, `notes/${PLENARY_ROOM}?format=html`);
        expect(html.status, `${name}: notes as HTML`).toBe(200);
        const htmlText = await html.text();
        expect(htmlText, name).not.toMatch(/<script|javascript:/i);
        const markdown = await get(workshop, `notes/${PLENARY_ROOM}?format=markdown`);
        expect(markdown.status, `${name}: notes as Markdown`).toBe(200);
        const markdownText = await markdown.text();
        if (name !== 'only a plain string') {
          expect(htmlText, name).toContain(READABLE);
          expect(markdownText, name).toContain(READABLE);
        }
      }
      if (BROKEN_BOARDS[name]) {
        const svg = await get(workshop, `boards/${PLENARY_ROOM}?format=svg`);
        expect(svg.status, `${name}: board as SVG`).toBe(200);
        const svgText = await svg.text();
        expect(svgText, name).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
        expect(svgText, name).toContain(READABLE);
        expect(svgText, name).not.toContain('javascript:');
        const png = await get(workshop, `boards/${PLENARY_ROOM}?format=png`);
        expect(png.status, `${name}: board as PNG`).toBe(200);
        expect([...Buffer.from(await png.arrayBuffer()).subarray(0, 8)], name).toEqual(PNG_SIGNATURE);
        const outline = await get(workshop, `boards/${PLENARY_ROOM}?format=outline`);
        expect(outline.status, `${name}: board outline`).toBe(200);
        expect(await outline.text(), name).toContain(READABLE);
      }
    }
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);

    // The moderation's previews and the editors: the room opens, and a new paragraph or card is accepted and stored.
    for (const [name, workshop] of workshops) {
      const mod = await harness.join(server, workshop, 'moderator', 'Mara');
      if (BROKEN_NOTES[name]) {
        expect(okData(await mod.call('notes:preview', { roomId: PLENARY_ROOM })).html, name).toEqual(expect.any(String));
        const notes = harness.collab(server, okData(await mod.call('notes:token', { roomId: PLENARY_ROOM })) as CollabGrant);
        await waitFor(() => notes.provider.synced, `${name}: notes synced`);
        const fragment = notes.doc.getXmlFragment('default');
        fragment.insert(fragment.length, [paragraph('Neu geschrieben')]);
        await waitFor(
          async () => (await (await get(workshop, `notes/${PLENARY_ROOM}?format=markdown`)).text()).includes('Neu geschrieben'),
          `${name}: the new paragraph is stored`,
        );
        expect(notes.closeCodes, name).toEqual([]);
        expect(renderNotesMarkdown(notes.doc), name).toContain('Neu geschrieben');
      }
      if (BROKEN_BOARDS[name]) {
        expect(okData(await mod.call('board:preview', { roomId: PLENARY_ROOM })).svg, name).toMatch(/^<svg/);
        const board = harness.collab(server, okData(await mod.call('board:token', { roomId: PLENARY_ROOM })) as CollabGrant);
        await waitFor(() => board.provider.synced, `${name}: board synced`);
        expect(readBoard(board.doc).cards.map((card) => card.text), name).toContain(READABLE);
        addCard(board.doc, { text: 'Neue Karte', x: 0, y: 200 });
        await waitFor(
          async () => (await (await get(workshop, `boards/${PLENARY_ROOM}?format=outline`)).text()).includes('Neue Karte'),
          `${name}: the new card is stored`,
        );
        expect(board.closeCodes, name).toEqual([]);
      }
    }
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
  }, 120_000);
});
