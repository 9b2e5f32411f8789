import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { NotesHarness } from '../test/notesHarness.js';

/** Appends a paragraph to a notes document, as the editor does (TipTap's fragment "default"). */
function writeParagraph(doc: Y.Doc, text: string): void {
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [paragraph]);
}

const BLOCKS = [
  { title: 'Rückblick auf das erste Treffen', type: 'review', plannedMinutes: 5 },
  { title: 'Kurze Umfrage', type: 'poll', plannedMinutes: 5 },
  { title: 'Kleingruppen', type: 'breakout', plannedMinutes: 20 },
  { title: 'Abschluss', type: 'closing', plannedMinutes: 5 },
] as const;

describe('a workshop series: dates, moving on, review and repeated polls', () => {
  const harness = new NotesHarness();
  afterEach(() => harness.cleanup());

  const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

  async function addSession(server: TestServer, workshop: CreatedWorkshop, startsAt: unknown, key = workshop.keys.moderator) {
    return fetch(`${server.baseUrl}/api/workshops/${workshop.id}/sessions`, { method: 'POST', headers: auth(key), body: JSON.stringify({ startsAt }) });
  }

  it('runs three dates with the same links and people; each date keeps its own run; date 2 reviews date 1', async () => {
    const server = await harness.startNotes();
    const workshop = await harness.createWorkshop(server, { title: 'Austauschtreffen', startsAt: '2026-11-20T14:00:00+01:00' });
    const moderator = await harness.join(server, workshop, 'moderator', 'Kai');
    let participant: TestClient = await harness.join(server, workshop, 'participant', 'Jürgen Weiß');
    const personId = participant.snapshot!.session.personId;
    const personToken = participant.snapshot!.session.personToken;
    okData(await moderator.call('agenda:replace', { blocks: [...BLOCKS] }));
    const { agenda } = okData(await moderator.call('agenda:get', undefined));
    const [, pollBlock, breakoutBlock] = agenda.blocks;

    // Two more dates: one over the documented HTTP API, one over the socket.
    const added = await addSession(server, workshop, '2027-01-20T14:00:00+01:00');
    expect(added.status).toBe(201);
    const body = (await added.json()) as { session: { id: string; status: string; startsAt: string }; sessions: { status: string }[] };
    expect(body.session).toMatchObject({ status: 'upcoming', startsAt: '2027-01-20T13:00:00.000Z' });
    expect(body.sessions.map((date) => date.status)).toEqual(['current', 'upcoming']);
    okData(await moderator.call('series:addDate', { startsAt: '2027-03-10T14:00:00+01:00' }));
    await waitFor(() => participant.eventsOf('series:changed').at(-1)?.dates.length === 3, 'everyone sees the third date');
    expect(participant.eventsOf('series:changed').at(-1)!.dates.map((date) => date.status)).toEqual(['current', 'upcoming', 'upcoming']);

    // Date 1 runs: a poll is answered, a room writes notes.
    const { pollId } = okData(
      await moderator.call('poll:create', { blockId: pollBlock!.id, question: 'Wie sind Sie vernetzt?', type: 'single', options: [{ label: 'Fest' }, { label: 'Informell' }] }),
    );
    okData(await moderator.call('poll:open', { pollId }));
    const { polls } = okData(await participant.call('poll:list', undefined));
    const fest = polls[0]!.poll.options[0]!.id;
    okData(await participant.call('poll:answer', { pollId, answer: { optionIds: [fest] } }));
    const { roundId } = okData(await moderator.call('breakout:saveRound', { blockId: breakoutBlock!.id, assignmentMode: 'manual', rooms: [{ name: 'Raum A' }] }));
    const roomId = (await server.store.getBreakouts(workshop.id))!.rounds[0]!.rooms[0]!.id;
    okData(await moderator.call('breakout:assign', { roundId, personId, roomId }));
    okData(await moderator.call('agenda:control', { action: 'start' }));
    okData(await moderator.call('agenda:control', { action: 'jump', blockId: breakoutBlock!.id }));
    const notes = harness.collab(server, okData(await participant.call('notes:token', { roomId })));
    await waitFor(() => notes.provider.synced, 'notes open');
    writeParagraph(notes.doc, 'Netzwerk: Kulturbüro und Freiwilligenagentur');
    okData(await participant.call('findings:propose', { roundId, roomId, text: 'Freiwilligenagenturen sind die besten Partner' }));
    const notesUrl = `${server.baseUrl}/api/workshops/${workshop.id}/notes/${roomId}?format=markdown`;
    await waitFor(async () => (await (await fetch(notesUrl, { headers: auth(workshop.keys.moderator) })).text()).includes('Kulturbüro'), 'notes stored');

    // Moving on is refused while a block runs, and to participants.
    expect(await moderator.call('series:advance', undefined)).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    okData(await moderator.call('agenda:control', { action: 'endWorkshop' }));
    expect(await participant.call('series:advance', undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const { dateId } = okData(await moderator.call('series:advance', undefined));
    await waitFor(() => participant.eventsOf('series:changed').at(-1)!.dates[1]!.status === 'current', 'everyone sees date 2 as current');
    await waitFor(() => participant.eventsOf('workshop:updated').at(-1)?.startsAt === '2027-01-20T13:00:00.000Z', 'the start moves to date 2');

    // Date 2: the participant comes back (same link, same browser) and is the same person.
    participant.close();
    participant = await harness.resume(server, workshop.id, personToken);
    expect(participant.snapshot!.session.personId).toBe(personId);
    expect(participant.snapshot!.workshop.startsAt).toBe('2027-01-20T13:00:00.000Z');
    const second = okData(await participant.call('agenda:get', undefined)).agenda;
    expect(second.blocks.map((block) => [block.title, block.type])).toEqual(BLOCKS.map((block) => [block.title, block.type]));
    expect(second.blocks.map((block) => block.id)).not.toContain(pollBlock!.id);
    expect(second.run).toMatchObject({ status: 'notStarted', actuals: [], log: [] });
    // Drafts are for the moderation only.
    expect(okData(await participant.call('poll:list', undefined)).polls).toEqual([]);
    const newPolls = okData(await moderator.call('poll:list', undefined)).polls;
    expect(newPolls.map((view) => [view.poll.question, view.poll.status, view.poll.blockId])).toEqual([['Wie sind Sie vernetzt?', 'draft', second.blocks[1]!.id]]);
    expect(okData(await participant.call('breakout:get', undefined)).rounds[0]).toMatchObject({ rooms: [{ name: 'Raum A' }], assignments: {}, openedAt: null });

    // Date 1 kept its own run with actual times.
    const stored = (await server.store.getSeries(workshop.id))!;
    const first = stored.dates.find((date) => date.status === 'done')!;
    expect(first.archive!.agenda.run.status).toBe('ended');
    expect(first.archive!.agenda.run.actuals.length).toBeGreaterThanOrEqual(2);

    // The review block of date 2 shows what date 1 produced.
    const review = okData(await participant.call('series:review', {}));
    expect(review.date).toMatchObject({ id: first.id, status: 'done', startsAt: '2026-11-20T13:00:00.000Z' });
    expect(review.rooms).toEqual([
      { roundTitle: 'Kleingruppen', roomId, name: 'Raum A', notes: 'Netzwerk: Kulturbüro und Freiwilligenagentur', board: expect.any(String) },
    ]);
    expect(review.findings).toEqual([
      { id: expect.any(String), text: 'Freiwilligenagenturen sind die besten Partner', heading: '', priority: false, roomName: 'Raum A', roundTitle: 'Kleingruppen' },
    ]);
    // Date 2 collects its own findings.
    expect(okData(await moderator.call('findings:list', undefined)).findings).toEqual([]);
    expect(review.polls).toHaveLength(1);
    expect(review.polls[0]!.results).toMatchObject({ participants: 1, counts: { [fest]: 1 }, byPerson: null });

    // The repeated poll shows date 1's results beside its own.
    const repeated = newPolls[0]!.poll.id;
    const history = okData(await participant.call('series:pollHistory', { pollId: repeated }));
    expect(history.earlier.map((entry) => [entry.date.id, entry.poll.question, entry.results.participants])).toEqual([
      [first.id, 'Wie sind Sie vernetzt?', 1],
    ]);

    // The documentation of date 1 alone, and of the current date by default.
    const documentation = async (query: string) =>
      fetch(`${server.baseUrl}/api/workshops/${workshop.id}/documentation?format=markdown${query}`, { headers: auth(workshop.keys.moderator) });
    const firstDoc = await (await documentation(`&date=${first.id}`)).text();
    expect(firstDoc).toContain('Freiwilligenagenturen sind die besten Partner');
    expect(firstDoc).toContain('Netzwerk: Kulturbüro und Freiwilligenagentur');
    const currentDoc = await (await documentation('')).text();
    expect(currentDoc).not.toContain('Freiwilligenagenturen sind die besten Partner');
    expect(currentDoc).not.toContain('Netzwerk: Kulturbüro und Freiwilligenagentur');
    const unknown = await documentation('&date=nope');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 'invalid_payload', field: 'date' } });
    const upcoming = (await server.store.getSeries(workshop.id))!.dates.find((date) => date.status === 'upcoming')!;
    expect((await documentation(`&date=${upcoming.id}`)).status).toBe(409);

    // Date 2 runs on its own, then date 3 follows with a two-step history.
    okData(await moderator.call('poll:open', { pollId: repeated }));
    okData(await moderator.call('agenda:control', { action: 'start' }));
    okData(await moderator.call('agenda:control', { action: 'endWorkshop' }));
    okData(await moderator.call('series:advance', undefined));
    const third = okData(await moderator.call('poll:list', undefined)).polls[0]!.poll.id;
    const twoDates = okData(await moderator.call('series:pollHistory', { pollId: third }));
    expect(twoDates.earlier.map((entry) => [entry.date.id, entry.results.participants])).toEqual([
      [first.id, 1],
      [dateId, 0],
    ]);
    const listed = (await (await fetch(`${server.baseUrl}/api/workshops/${workshop.id}`, { headers: auth(workshop.keys.moderator) })).json()) as {
      sessions: { status: string }[];
    };
    expect(listed.sessions.map((date) => date.status)).toEqual(['done', 'done', 'current']);
  });

  it('refuses dates that make no sense, with the field named, and checks roles', async () => {
    const server = await harness.startNotes();
    const workshop = await harness.createWorkshop(server, { startsAt: '2026-12-01T14:00:00+01:00' });
    const moderator = await harness.join(server, workshop, 'moderator', 'Kai');
    const participant = await harness.join(server, workshop, 'participant', 'Jürgen Weiß');

    const early = await addSession(server, workshop, '2026-11-01T14:00:00+01:00');
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ error: { code: 'invalid_state', field: 'startsAt' } });
    const garbage = await addSession(server, workshop, 'next tuesday');
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ error: { code: 'invalid_payload', field: 'startsAt' } });
    expect((await addSession(server, workshop, '2027-01-01T10:00:00Z', workshop.secrets.participant)).status).toBe(403);

    expect(await participant.call('series:addDate', { startsAt: '2027-01-01T10:00:00Z' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await moderator.call('series:advance', undefined)).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(await participant.call('series:review', {})).toMatchObject({ ok: false, error: { code: 'invalid_state' } });

    const { dateId } = okData(await moderator.call('series:addDate', { startsAt: '2027-01-01T10:00:00Z' }));
    expect(await moderator.call('series:addDate', { startsAt: '2027-01-01T11:00:00+01:00' })).toMatchObject({ ok: false, error: { code: 'invalid_state', field: 'startsAt' } });
    okData(await moderator.call('series:moveDate', { dateId, startsAt: '2027-01-08T10:00:00Z' }));
    // The current date moves with the workshop's start while it has not begun, but not past the next date.
    expect(await moderator.call('series:moveDate', { dateId: 'first', startsAt: '2027-02-01T10:00:00Z' })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    okData(await moderator.call('series:moveDate', { dateId: 'first', startsAt: '2026-12-02T14:00:00+01:00' }));
    await waitFor(() => participant.eventsOf('workshop:updated').at(-1)?.startsAt === '2026-12-02T13:00:00.000Z', 'the start moves');
    expect(await moderator.call('series:removeDate', { dateId: 'first' })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    okData(await moderator.call('series:removeDate', { dateId }));
    expect(okData(await participant.call('series:get', undefined)).dates).toEqual([
      { id: 'first', startsAt: '2026-12-02T13:00:00.000Z', status: 'current', closedAt: null },
    ]);
  });
});
