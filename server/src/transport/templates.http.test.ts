import { afterEach, describe, expect, it } from 'vitest';
import { TEMPLATE_FORMAT_VERSION, TEMPLATE_KIND, workshopTemplate, type TemplateSummary, type WorkshopTemplate } from '@werkraum/shared/protocol';
import { Harness, okData, type CreatedWorkshop, type TestServer } from '../test/harness.js';
import { withStoreReader } from '../test/storeReader.js';

/** The agenda of seed 003's exchange meeting, as a moderator types it in. */
const SEED_003_BLOCKS = [
  { title: 'Ankommen', type: 'arrival', plannedMinutes: 5, description: 'Kamera an', moderationNotes: 'Link im Chat posten' },
  { title: 'Begrüßung, Rückblick auf das erste Treffen', type: 'input', plannedMinutes: 5 },
  { title: 'Kurze Umfrage', type: 'poll', plannedMinutes: 5 },
  { title: 'Praxisinput', type: 'input', plannedMinutes: 15 },
  { title: 'Breakout-Session Runde 1', type: 'breakout', plannedMinutes: 20 },
  { title: 'Einordnen der Ergebnisse', type: 'discussion', plannedMinutes: 5 },
  { title: 'Breakout-Session Runde 2', type: 'breakout', plannedMinutes: 25 },
  { title: 'Abschlussrunde', type: 'closing', plannedMinutes: 20, moderationNotes: 'Co-Moderation fasst zusammen' },
];

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

describe('workshop templates over HTTP', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const json = { 'content-type': 'application/json' };

  async function createFrom(server: TestServer, template: unknown, overrides: Record<string, unknown> = {}) {
    return fetch(`${server.baseUrl}/api/workshops`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ title: 'Drittes Austauschtreffen', startsAt: '2027-02-03T14:00:00+01:00', language: 'de', template, ...overrides }),
    });
  }

  /** A workshop shaped like seed 003 that has run for a while: people joined, a poll answered, rooms assigned. */
  async function seedShapedWorkshop(server: TestServer): Promise<CreatedWorkshop> {
    const workshop = await harness.createWorkshop(server, { title: 'Zweites Austauschtreffen', description: 'Lokale Vernetzung und Netzwerke' });
    const put = await fetch(`${server.baseUrl}/api/workshops/${workshop.id}/agenda`, {
      method: 'PUT',
      headers: { ...json, ...auth(workshop.keys.moderator) },
      body: JSON.stringify({ blocks: SEED_003_BLOCKS }),
    });
    expect(put.status).toBe(200);
    const moderator = await harness.join(server, workshop, 'moderator', 'Kai Heddergott');
    const participant = await harness.join(server, workshop, 'participant', 'Jürgen Weiß', true);
    const { agenda } = okData(await moderator.call('agenda:get', undefined));
    const [, , pollBlock, , round1, , round2] = agenda.blocks;
    const { pollId } = okData(
      await moderator.call('poll:create', {
        blockId: pollBlock!.id,
        question: 'Wie sind Sie vernetzt?',
        type: 'single',
        options: [{ label: 'Fest' }, { label: 'Informell' }],
      }),
    );
    okData(await moderator.call('poll:create', { blockId: null, question: 'Was nehmen Sie mit?', type: 'text', anonymous: false }));
    okData(await moderator.call('poll:open', { pollId }));
    const { polls } = okData(await participant.call('poll:list', undefined));
    const optionId = polls.find((view) => view.poll.id === pollId)!.poll.options[0]!.id;
    okData(await participant.call('poll:answer', { pollId, answer: { optionIds: [optionId] } }));
    okData(
      await moderator.call('breakout:saveRound', {
        blockId: round1!.id,
        assignmentMode: 'selfSelect',
        roomCap: 6,
        rooms: [
          { name: 'Netzwerke in der Verwaltung', task: 'Welche Netzwerke gibt es?' },
          { name: 'Stadtgesellschaft', task: '' },
        ],
        notesTemplate: 'Was wir kennen\nOffene Fragen',
      }),
    );
    const { roundId } = okData(
      await moderator.call('breakout:saveRound', { blockId: round2!.id, assignmentMode: 'random', graceSeconds: 30, rooms: [{ name: 'Raum 1' }, { name: 'Raum 2' }] }),
    );
    const rounds = (await server.store.getBreakouts(workshop.id))!.rounds;
    const room = rounds.find((candidate) => candidate.id === roundId)!.rooms[0]!;
    okData(await moderator.call('breakout:assign', { roundId, personId: participant.snapshot!.session.personId, roomId: room.id }));
    okData(await moderator.call('agenda:control', { action: 'start' }));
    return workshop;
  }

  /** A workshop's agenda, polls and rounds without ids, run state or people: what a template must carry. */
  async function format(server: TestServer, workshopId: string) {
    const agenda = (await server.store.getAgenda(workshopId))!;
    const polls = (await server.store.getPolls(workshopId))?.polls ?? [];
    const rounds = (await server.store.getBreakouts(workshopId))?.rounds ?? [];
    const position = new Map(agenda.blocks.map((block, index) => [block.id, index]));
    return {
      blocks: agenda.blocks.map(({ id: _id, ...block }) => block),
      warningThresholds: agenda.warningThresholds,
      polls: polls.map((poll) => ({
        block: poll.blockId === null ? null : position.get(poll.blockId),
        question: poll.question,
        type: poll.type,
        options: poll.options.map((option) => option.label),
        maxChoices: poll.maxChoices,
        scale: poll.scale,
        anonymous: poll.anonymous,
        resultsVisibility: poll.resultsVisibility,
        allowChange: poll.allowChange,
      })),
      rounds: rounds.map((round) => ({
        block: position.get(round.blockId),
        rooms: round.rooms.map((room) => ({ name: room.name, task: room.task })),
        assignmentMode: round.assignmentMode,
        roomCap: round.roomCap,
        graceSeconds: round.graceSeconds,
        notesTemplate: round.notesTemplate,
      })),
    };
  }

  it('carries agenda, polls and rounds to a fresh server, and nothing of the people, answers or secrets', async () => {
    const first = await harness.start();
    const workshop = await seedShapedWorkshop(first);

    const response = await fetch(`${first.baseUrl}/api/workshops/${workshop.id}/template`, { headers: auth(workshop.keys.coModerator) });
    expect(response.status).toBe(200);
    const text = await response.text();
    const template = JSON.parse(text) as WorkshopTemplate;
    expect(template).toMatchObject({ kind: TEMPLATE_KIND, formatVersion: TEMPLATE_FORMAT_VERSION, name: 'Zweites Austauschtreffen', language: 'de' });
    expect(workshopTemplate.safeParse(template).success).toBe(true);
    for (const secret of [...Object.values(workshop.secrets), ...Object.values(workshop.keys)]) expect(text).not.toContain(secret);
    const people = await first.store.listPeople(workshop.id);
    for (const person of people) {
      expect(text).not.toContain(person.id);
      expect(text).not.toContain(person.displayName);
    }
    expect(text).not.toContain('Jürgen');
    // The run, the poll's state and the assignment are not part of a format.
    expect(text).not.toMatch(/"(status|assignments|openedAt|actuals|published|personId)"/);

    const second = await harness.start();
    const created = await createFrom(second, template);
    expect(created.status).toBe(201);
    const { id, workshop: info } = (await created.json()) as { id: string; workshop: { title: string; description: string } };
    expect(info).toMatchObject({ title: 'Drittes Austauschtreffen', description: 'Lokale Vernetzung und Netzwerke' });
    const copied = await format(second, id);
    expect(copied).toEqual(await format(first, workshop.id));
    expect(copied.polls).toHaveLength(2);
    expect(copied.rounds).toHaveLength(2);
    // A new workshop starts fresh: no run, no answers, polls unopened, rooms empty.
    expect((await second.store.getAgenda(id))!.run.status).toBe('notStarted');
    const polls = (await second.store.getPolls(id))!.polls;
    expect(polls.map((poll) => poll.status)).toEqual(['draft', 'draft']);
    expect(await second.store.listAnswers(polls[0]!.id)).toEqual([]);
    expect((await second.store.getBreakouts(id))!.rounds.every((round) => Object.keys(round.assignments).length === 0)).toBe(true);
    expect(await second.store.listPeople(id)).toEqual([]);
    // Every id is new: nothing of the first workshop is reused.
    const firstIds = [
      ...(await first.store.getAgenda(workshop.id))!.blocks.map((block) => block.id),
      ...(await first.store.getBreakouts(workshop.id))!.rounds.flatMap((round) => [round.id, ...round.rooms.map((room) => room.id)]),
    ];
    const secondText = JSON.stringify([await second.store.getAgenda(id), await second.store.getBreakouts(id)]);
    for (const old of firstIds) expect(secondText).not.toContain(old);
  });

  it('gives the template only to the moderation', async () => {
    const server = await harness.start();
    const workshop = await harness.createWorkshop(server);
    const url = `${server.baseUrl}/api/workshops/${workshop.id}/template`;
    expect((await fetch(url)).status).toBe(401);
    const asParticipant = await fetch(url, { headers: auth(workshop.secrets.participant) });
    expect(asParticipant.status).toBe(403);
    expect(((await asParticipant.json()) as ErrorBody).error.code).toBe('forbidden');
    expect((await fetch(`${server.baseUrl}/api/workshops/nope/template`, { headers: auth(workshop.keys.moderator) })).status).toBe(403);
    const empty = (await (await fetch(url, { headers: auth(workshop.keys.moderator) })).json()) as WorkshopTemplate;
    expect(empty.agenda.blocks).toEqual([]);
  });

  it('refuses a broken template with a 400 that names the field, and creates nothing', async () => {
    const server = await harness.start();
    const good = (await (await fetch(`${server.baseUrl}/api/templates/exchange-meeting-de`)).json()) as WorkshopTemplate;
    const cases: [unknown, string][] = [
      [{ ...good, formatVersion: 2 }, 'template.formatVersion'],
      [{ ...good, kind: 'something-else' }, 'template.kind'],
      ['not an object', 'template'],
      [{ ...good, rounds: [{ ...good.rounds[0]!, blockKey: 'survey' }] }, 'template.rounds.0.blockKey'],
      [{ ...good, rounds: [{ ...good.rounds[0]!, blockKey: 'nowhere' }] }, 'template.rounds.0.blockKey'],
      [{ ...good, rounds: [good.rounds[0]!, good.rounds[0]!] }, 'template.rounds.1.blockKey'],
      [{ ...good, polls: [{ ...good.polls[0]!, blockKey: 'nowhere' }] }, 'template.polls.0.blockKey'],
      [{ ...good, agenda: { blocks: [good.agenda.blocks[0]!, good.agenda.blocks[0]!] } }, 'template.agenda.blocks.1.key'],
      [{ ...good, agenda: { blocks: [{ ...good.agenda.blocks[0]!, plannedMinutes: -5 }] }, rounds: [], polls: [] }, 'template.agenda.blocks.0.plannedMinutes'],
      [{ ...good, polls: [{ ...good.polls[0]!, options: [{ label: 'only one' }] }] }, 'template.polls.0.options'],
      [{ ...good, polls: Array.from({ length: 101 }, () => good.polls[1]!) }, 'template.polls'],
    ];
    for (const [template, field] of cases) {
      const response = await createFrom(server, template);
      expect(response.status, field).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe('invalid_payload');
      expect(body.error.field).toBe(field);
    }
    // Nothing half-made was stored.
    const countWorkshops = () =>
      withStoreReader(server, async (db) => (await db.all<{ n: number }>('SELECT CAST(count(*) AS INTEGER) AS n FROM workshops'))[0]!.n);
    expect(await countWorkshops()).toBe(0);
    const created = await createFrom(server, good);
    expect(created.status).toBe(201);
    expect(await countWorkshops()).toBe(1);
  });

  it('offers the built-in formats, which make complete workshops', async () => {
    const server = await harness.start();
    const list = (await (await fetch(`${server.baseUrl}/api/templates`)).json()) as { templates: TemplateSummary[] };
    expect(list.templates.map((entry) => [entry.id, entry.language, entry.plannedMinutes])).toEqual([
      ['exchange-meeting-de', 'de', 120],
      ['exchange-meeting-en', 'en', 120],
      ['input-discussion-de', 'de', 90],
      ['input-discussion-en', 'en', 90],
    ]);
    expect((await fetch(`${server.baseUrl}/api/templates/unknown`)).status).toBe(404);
    const template = await (await fetch(`${server.baseUrl}/api/templates/exchange-meeting-de`)).json();
    const created = await createFrom(server, template, { description: '' });
    const { id, workshop } = (await created.json()) as { id: string; workshop: { description: string } };
    expect(workshop.description).toMatch(/Austauschtreffen/);
    const made = await format(server, id);
    expect(made.blocks.map((block) => block.type)).toEqual([
      'arrival', 'review', 'poll', 'input', 'input', 'discussion', 'breakout', 'discussion', 'breakout', 'closing', 'closing',
    ]);
    expect(made.polls.map((poll) => poll.block)).toEqual([2, 2]);
    expect(made.rounds.map((round) => [round.block, round.rooms.length])).toEqual([[6, 3], [8, 3]]);
  });

  it('keeps an installation library for holders of the template key, and nobody else', async () => {
    const server = await harness.start({ templateKey: 'vorlagen-2027' });
    const url = `${server.baseUrl}/api/templates`;
    const withKey = (key: string) => ({ 'x-template-key': key, ...json });
    const base = (await (await fetch(`${url}/input-discussion-de`)).json()) as WorkshopTemplate;
    const own = { ...base, name: 'Transfer-Seminar (Städtepartnerschaften)' };

    const refused = await fetch(url, { method: 'POST', headers: withKey('geraten'), body: JSON.stringify(own) });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('invalid_template_key');
    expect((await fetch(url, { method: 'POST', headers: json, body: JSON.stringify(own) })).status).toBe(403);
    const broken = await fetch(url, { method: 'POST', headers: withKey('vorlagen-2027'), body: JSON.stringify({ ...own, formatVersion: 9 }) });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as ErrorBody).error.field).toBe('formatVersion');

    const saved = await fetch(url, { method: 'POST', headers: withKey('vorlagen-2027'), body: JSON.stringify(own) });
    expect(saved.status).toBe(201);
    const summary = (await saved.json()) as TemplateSummary;
    expect(summary).toMatchObject({ name: 'Transfer-Seminar (Städtepartnerschaften)', builtIn: false, plannedMinutes: 90 });

    // Only key holders see and read the library; everyone sees the built-in templates.
    const names = async (headers: Record<string, string>) =>
      ((await (await fetch(url, { headers })).json()) as { templates: TemplateSummary[] }).templates.map((entry) => entry.name);
    expect(await names({})).not.toContain(own.name);
    expect(await names(withKey('vorlagen-2027'))).toContain(own.name);
    expect((await fetch(`${url}/${summary.id}`)).status).toBe(404);
    expect((await fetch(`${url}/${summary.id}`, { headers: withKey('falsch') })).status).toBe(403);
    const read = (await (await fetch(`${url}/${summary.id}`, { headers: withKey('vorlagen-2027') })).json()) as WorkshopTemplate;
    expect(read).toEqual(workshopTemplate.parse(own));

    expect((await fetch(`${url}/input-discussion-de`, { method: 'DELETE', headers: withKey('vorlagen-2027') })).status).toBe(403);
    expect((await fetch(`${url}/${summary.id}`, { method: 'DELETE', headers: withKey('falsch') })).status).toBe(403);
    expect((await fetch(`${url}/${summary.id}`, { method: 'DELETE', headers: withKey('vorlagen-2027') })).status).toBe(204);
    expect((await fetch(`${url}/${summary.id}`, { method: 'DELETE', headers: withKey('vorlagen-2027') })).status).toBe(404);
    expect(await names(withKey('vorlagen-2027'))).not.toContain(own.name);
  });

  it('says so when the server keeps no library', async () => {
    const server = await harness.start();
    const response = await fetch(`${server.baseUrl}/api/templates`, { method: 'POST', headers: { 'x-template-key': 'x', ...json }, body: '{}' });
    expect(response.status).toBe(403);
    expect((await response.json()) as ErrorBody).toMatchObject({ error: { code: 'invalid_template_key', message: expect.stringContaining('TEMPLATE_KEY') } });
  });
});
