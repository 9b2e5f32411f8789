import { afterEach, describe, expect, it } from 'vitest';
import { addCard, addCluster } from '@werkraum/shared/board';
import type { CollabGrant } from '@werkraum/shared/protocol';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { NotesHarness } from '../test/notesHarness.js';

const LONG_CARD = 'Regelmäßiger Austausch zwischen Vereinen, Schulen und der Freiwilligenagentur im Landkreis';

/** The text of an SVG's card lines, one string per card, with lines joined as a reader would (hyphens at line ends rejoined). */
function cardTexts(svg: string): string[] {
  const cards = svg.split('data-kind="card"').slice(1);
  return cards.map((card) => {
    const text = /<text [^>]*>(.*?)<\/text>/.exec(card)?.[1] ?? '';
    const lines = [...text.matchAll(/<tspan[^>]*>(.*?)<\/tspan>/g)].map((match) => match[1]!);
    return lines.reduce((all, line) => (all.endsWith('-') ? all.slice(0, -1) + line : all === '' ? line : `${all} ${line}`), '');
  });
}

describe('board exports: only consenting authors, the workshop language, the whole card text', () => {
  const harness = new NotesHarness();
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mara: TestClient;
  afterEach(() => harness.cleanup());

  const get = (query: string) =>
    fetch(`${server.baseUrl}/api/workshops/${workshop.id}/boards/${PLENARY_ROOM}${query}`, {
      headers: { authorization: `Bearer ${workshop.keys.moderator}` },
    });

  /** Writes a card on the plenary board as this person (their own connection, their own name). */
  async function cardBy(person: TestClient, name: string, text: string, x: number, clusterTitle?: string) {
    const grant = okData(await person.call('board:token', { roomId: PLENARY_ROOM })) as CollabGrant;
    const client = harness.collab(server, grant);
    await waitFor(() => client.provider.synced, 'board synced');
    const clusterId = clusterTitle ? addCluster(client.doc, { title: clusterTitle, x, y: 400 }) : null;
    return addCard(client.doc, { text, x, y: clusterTitle ? 400 : 0, clusterId, authorId: person.snapshot!.session.personId, authorName: name });
  }

  async function board(language: 'de' | 'en') {
    server = await harness.startNotes();
    workshop = await harness.createWorkshop(server, { language });
    // Mara agreed to be named in the documentation, Stephanie did not.
    mara = await harness.join(server, workshop, 'moderator', 'Mara Brandt', true);
    const stephanie = await harness.join(server, workshop, 'participant', 'Stephanie Krause', false);
    const card = await cardBy(stephanie, 'Stephanie Krause', LONG_CARD, 0);
    await cardBy(mara, 'Mara Brandt', 'Räume der Bibliothek', 400, 'Orte');
    okData(await mara.call('board:startVoting', { roomId: PLENARY_ROOM, dotsPerPerson: 2, target: 'cards' }));
    okData(await mara.call('board:vote', { roomId: PLENARY_ROOM, itemId: card }));
    await waitFor(async () => {
      const outline = await (await get('?format=outline')).text();
      return outline.includes('Bibliothek') && outline.includes('Landkreis');
    }, 'both cards stored');
  }

  it('names only the people who agreed, in the outline, the SVG and the preview', async () => {
    await board('de');
    const outline = await (await get('?format=outline')).text();
    const svg = await (await get('')).text();
    const preview = okData(await mara.call('board:preview', { roomId: PLENARY_ROOM })).svg;
    for (const exported of [outline, svg, preview]) {
      expect(exported).not.toContain('Stephanie');
      expect(exported).not.toContain('Krause');
      expect(exported).toContain('Mara Brandt');
    }
  });

  it('writes the outline and the picture of a German workshop in German', async () => {
    await board('de');
    const outline = await (await get('?format=outline')).text();
    expect(outline).toContain('## In keinem Cluster');
    expect(outline).toContain('(1 Punkt)');
    expect(outline).not.toMatch(/Unclustered|\bdots?\b/);
    const svg = await (await get('')).text();
    expect(svg).toContain('<title>Pinnwand</title>');
    expect(svg).toContain('2 Karten');

    await harness.cleanup();
    await board('en');
    const english = await (await get('?format=outline')).text();
    expect(english).toContain('## Not in a cluster');
    expect(english).toContain('(1 dot)');
  });

  it('draws the whole text of a long card, breaking German words at syllables with a hyphen', async () => {
    await board('de');
    const svg = await (await get('')).text();
    expect(svg).not.toContain('…');
    const texts = cardTexts(svg);
    expect(texts).toContain(LONG_CARD);
    // Every line that ends inside a word ends with a hyphen.
    const words = new Set(LONG_CARD.split(/[\s,]+/));
    const lines = [...svg.matchAll(/<tspan[^>]*>(.*?)<\/tspan>/g)].map((match) => match[1]!);
    for (const line of lines) {
      const last = line.split(' ').at(-1)!.replace(/,$/, '');
      if (!line.endsWith('-')) expect(words.has(last) || !LONG_CARD.includes(line), `line "${line}" ends mid-word without a hyphen`).toBe(true);
    }
    expect(lines.some((line) => line.endsWith('-'))).toBe(true);
  });
});
