import { afterEach, describe, expect, it } from 'vitest';
import { addCard, addCluster } from '@werkraum/shared/board';
import type { CollabGrant } from '@werkraum/shared/protocol';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { okData, waitFor, type CreatedWorkshop, type TestServer } from '../test/harness.js';
import { NotesHarness } from '../test/notesHarness.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('GET /api/workshops/:id/boards/:roomId (the board for the documentation)', () => {
  const harness = new NotesHarness();
  let server: TestServer;
  let workshop: CreatedWorkshop;
  afterEach(() => harness.cleanup());

  const get = (roomId: string, query: string, key: string | null = workshop.keys.moderator) =>
    fetch(`${server.baseUrl}/api/workshops/${workshop.id}/boards/${roomId}${query}`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });

  /** A plenary board with a cluster of two cards, one of them looking like markup, and one dot. */
  async function boardWithCards(): Promise<void> {
    server = await harness.startNotes();
    workshop = await harness.createWorkshop(server);
    const moderator = await harness.join(server, workshop, 'moderator', 'Mara');
    const grant = okData(await moderator.call('board:token', { roomId: PLENARY_ROOM })) as CollabGrant;
    const client = harness.collab(server, grant);
    await waitFor(() => client.provider.synced, 'board synced');
    const cluster = addCluster(client.doc, { title: 'Netzwerke', x: 0, y: 0 });
    const card = addCard(client.doc, { text: 'Vereine <b>&</b> Schulen', x: 0, y: 0, clusterId: cluster, authorName: 'Mara' });
    addCard(client.doc, { text: 'Bibliothek', x: 400, y: 0 });
    okData(await moderator.call('board:startVoting', { roomId: PLENARY_ROOM, dotsPerPerson: 2, target: 'cards' }));
    okData(await moderator.call('board:vote', { roomId: PLENARY_ROOM, itemId: card }));
    await waitFor(async () => (await (await get(PLENARY_ROOM, '?format=outline')).text()).includes('Bibliothek'), 'stored');
  }

  it('renders the outline with clusters, cards and dots, the SVG with text escaped, and a PNG', async () => {
    await boardWithCards();
    const outline = await get(PLENARY_ROOM, '?format=outline');
    expect(outline.headers.get('content-type')).toContain('text/markdown');
    const text = await outline.text();
    expect(text).toContain('Netzwerke');
    expect(text).toContain('Bibliothek');
    expect(text).toMatch(/Vereine .*Schulen.*1 Punkt/);

    const svg = await (await get(PLENARY_ROOM, '')).text();
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('&lt;b&gt;&amp;&lt;/b&gt;');
    expect(svg).not.toContain('<b>');

    const png = Buffer.from(await (await get(PLENARY_ROOM, '?format=png')).arrayBuffer());
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it('refuses other formats, unknown rooms, participants and requests without a key', async () => {
    await boardWithCards();
    expect((await get(PLENARY_ROOM, '?format=pdf')).status).toBe(400);
    expect((await get('no-such-room', '')).status).toBe(404);
    expect((await get(PLENARY_ROOM, '', workshop.links.participant.split('#')[1]!)).status).toBe(403);
    expect((await get(PLENARY_ROOM, '', null)).status).toBe(401);
  });
});
