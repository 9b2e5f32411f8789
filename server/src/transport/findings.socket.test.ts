import { afterEach, describe, expect, it } from 'vitest';
import { addCard, addCluster, readBoard } from '@werkraum/shared/board';
import { roomDocName } from '@werkraum/shared/rooms';
import type { Ack } from '@werkraum/shared/errors';
import type { AgendaBlockView, BreakoutRound, ClientEventName, ClientEvents, StageView } from '@werkraum/shared/protocol';
import { remainingMs } from '@werkraum/shared/agendaClock';
import { findingsForDocumentation } from '../domain/findings.js';
import { okData, waitFor, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { NotesHarness } from '../test/notesHarness.js';
import { MINUTE_MS, TestClock } from '../test/testClock.js';

const STARTS_AT = '2026-12-01T14:00:00+01:00';
const T0 = Date.parse(STARTS_AT);
const NO_PERIODIC_CHECK_MS = 60 * MINUTE_MS;

const idOf = (client: TestClient) => client.snapshot!.session.personId;

function expectError(ack: Ack<unknown>, code: string) {
  expect(ack.ok, `expected error ${code}, got ${JSON.stringify(ack)}`).toBe(false);
  if (!ack.ok) expect(ack.error.code).toBe(code);
}

describe('findings, stage and speaking order over the socket', () => {
  const harness = new NotesHarness();
  let clock: TestClock;
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mia: TestClient;
  let cem: TestClient;
  let participants: TestClient[];
  let roundId: string;
  let rooms: string[];

  afterEach(async () => {
    const logs = server ? server.logs.map((entry) => `${entry.message} ${String(entry.error ?? '')}`) : [];
    await harness.cleanup();
    expect(logs).toEqual([]);
  });

  async function addBlock(afterBlockId: string | null, title: string, type: AgendaBlockView['type'], plannedMinutes: number): Promise<string> {
    return okData(await mia.call('agenda:addBlock', { afterBlockId, block: { title, type, plannedMinutes, description: '', moderationNotes: '' } })).blockId;
  }

  async function serverRound(): Promise<BreakoutRound> {
    return okData(await mia.call('breakout:get', {})).rounds.find((round) => round.id === roundId)!;
  }

  /** A workshop with a moderator, a co-moderator and four participants in an open round of two rooms. */
  async function startInRooms(): Promise<void> {
    clock = new TestClock(T0 - 5 * MINUTE_MS);
    server = await harness.startNotes({ now: clock.now, randomSeed: () => 7, accessCheckMs: NO_PERIODIC_CHECK_MS });
    workshop = await harness.createWorkshop(server, { title: 'Netzwerktreffen', startsAt: STARTS_AT, language: 'de' });
    mia = await harness.join(server, workshop, 'moderator', 'Mia');
    cem = await harness.join(server, workshop, 'coModerator', 'Cem');
    participants = [];
    for (const name of ['Ana', 'Ben', 'Cleo', 'Dan']) participants.push(await harness.join(server, workshop, 'participant', name));
    const arrival = await addBlock(null, 'Vorstellungsrunde', 'arrival', 5);
    const breakout = await addBlock(arrival, 'Breakout-Session Runde 1', 'breakout', 20);
    await addBlock(breakout, 'Abschlussrunde', 'closing', 5);
    const input: ClientEvents['breakout:saveRound']['request'] = {
      blockId: breakout,
      rooms: [{ name: 'Raum Nord' }, { name: 'Raum Süd' }],
      assignmentMode: 'random',
    };
    roundId = okData(await mia.call('breakout:saveRound', input)).roundId;
    clock.set(T0);
    okData(await mia.call('agenda:control', { action: 'start' }));
    clock.advance(5 * MINUTE_MS);
    okData(await mia.call('agenda:control', { action: 'next' }));
    rooms = (await serverRound()).rooms.map((room) => room.id);
  }

  async function roomOf(client: TestClient): Promise<string> {
    return (await serverRound()).assignments[idOf(client)]!;
  }

  it('room members propose, co-moderators collect from the board, merge and order; participants see only their room', async () => {
    await startInRooms();
    const [ana, ben] = participants as [TestClient, TestClient];
    const anaRoom = await roomOf(ana);
    const otherRoom = rooms.find((room) => room !== anaRoom)!;

    const proposal = okData(await ana.call('findings:propose', { roundId, roomId: anaRoom, text: 'Wir wollen uns öfter treffen' })).findingId;
    // Proposing for a room one is not in is refused.
    expectError(await ana.call('findings:propose', { roundId, roomId: otherRoom, text: 'Fremder Raum' }), 'forbidden');

    // A cluster on the room's board becomes a finding in one action; the server reads its words.
    const board = harness.collab(server, okData(await cem.call('board:token', { roomId: anaRoom })));
    await waitFor(() => board.provider.synced, 'Cem synced on the board');
    const clusterId = addCluster(board.doc, { title: 'Regelmäßige Treffen', x: 0, y: 0 });
    addCard(board.doc, { text: 'Stammtisch jeden Monat', x: 10, y: 60, authorId: idOf(cem), authorName: 'Cem', clusterId });
    await waitFor(async () => {
      const doc = await server.app.collab.snapshot(roomDocName('board', workshop.id, anaRoom));
      try {
        return readBoard(doc).cards.length === 1;
      } finally {
        doc.destroy();
      }
    }, 'the cluster and its card reached the server');
    const choices = okData(await cem.call('findings:boardItems', { roundId, roomId: anaRoom })).items;
    expect(choices.map((item) => [item.kind, item.text, item.cards])).toEqual([
      ['cluster', 'Regelmäßige Treffen', 1],
      ['card', 'Stammtisch jeden Monat', 0],
    ]);
    okData(await cem.call('findings:fromBoard', { roundId, roomId: anaRoom, itemId: clusterId }));
    const listed = okData(await cem.call('findings:list', {}));
    const fromCluster = listed.findings.find((finding) => finding.sources[0]!.kind === 'cluster')!;
    expect(fromCluster.text).toBe('Regelmäßige Treffen');
    expect(fromCluster.sources[0]!.excerpt).toBe('Regelmäßige Treffen\n- Stammtisch jeden Monat');
    expect(listed.counts.find((count) => count.roomId === anaRoom)).toMatchObject({ proposals: 1, findings: 2 });

    // Participants may not collect, edit, merge, order, delete or present.
    const refusals: [ClientEventName, unknown][] = [
      ['findings:fromBoard', { roundId, roomId: anaRoom, itemId: clusterId }],
      ['findings:boardItems', { roundId, roomId: anaRoom }],
      ['findings:fromNotes', { roundId, roomId: anaRoom, excerpt: 'Absatz' }],
      ['findings:update', { findingId: proposal, text: 'anders' }],
      ['findings:merge', { findingId: fromCluster.id, mergeIds: [proposal] }],
      ['findings:move', { findingId: proposal, beforeId: null }],
      ['findings:delete', { findingId: proposal }],
      ['stage:show', { kind: 'findings', roundId: null }],
      ['stage:step', { direction: 'next' }],
      ['stage:stop', {}],
      ['stage:reactions', { allowed: true }],
      ['speaking:callNext', {}],
      ['speaking:lowerAll', {}],
      ['speaking:start', { title: 'Blitzlicht', order: 'list' }],
      ['speaking:control', { action: 'next' }],
    ];
    for (const [event, payload] of refusals) expectError(await ana.raw(event, payload), 'forbidden');

    // Merge: the cluster finding keeps the proposal as a second source.
    okData(await cem.call('findings:merge', { findingId: fromCluster.id, mergeIds: [proposal] }));
    okData(await mia.call('findings:fromNotes', { roundId, roomId: otherRoom, excerpt: 'Wir brauchen einen Newsletter.' }));
    const merged = okData(await mia.call('findings:list', {})).findings;
    expect(merged).toHaveLength(2);
    expect(merged[0]!.sources.map((source) => source.kind)).toEqual(['cluster', 'proposal']);
    okData(await cem.call('findings:move', { findingId: merged[1]!.id, beforeId: merged[0]!.id }));
    okData(await mia.call('findings:update', { findingId: merged[0]!.id, heading: 'Austausch', priority: true }));

    // Ana sees her room's finding only; everyone was told to read the list again.
    await waitFor(() => ana.eventsOf('findings:changed').length >= 5, 'Ana told of the changes');
    const anaView = okData(await ana.call('findings:list', {})).findings;
    expect(anaView.map((finding) => finding.text)).toEqual(['Regelmäßige Treffen']);
    const benRoom = await roomOf(ben);
    const benView = okData(await ben.call('findings:list', {})).findings;
    expect(benView.map((finding) => finding.text)).toEqual(benRoom === anaRoom ? ['Regelmäßige Treffen'] : ['Wir brauchen einen Newsletter.']);

    // HTTP: the moderation key reads the ordered list with its sources.
    const response = await fetch(`${server.baseUrl}/api/workshops/${workshop.id}/findings`, { headers: { authorization: `Bearer ${workshop.keys.coModerator}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { findings: { text: string; order: number; heading: string; priority: boolean; sources: { kind: string; roomId: string; excerpt: string }[]; agreements: number }[] };
    expect(body.findings.map((finding) => [finding.order, finding.text, finding.heading, finding.priority])).toEqual([
      [0, 'Wir brauchen einen Newsletter.', '', false],
      [1, 'Regelmäßige Treffen', 'Austausch', true],
    ]);
    expect(body.findings[1]!.sources.map((source) => [source.kind, source.roomId])).toEqual([
      ['cluster', anaRoom],
      ['proposal', anaRoom],
    ]);
    const participantKey = await fetch(`${server.baseUrl}/api/workshops/${workshop.id}/findings`, { headers: { authorization: `Bearer ${workshop.secrets.participant}` } });
    expect(participantKey.status).toBe(403);
    const noKey = await fetch(`${server.baseUrl}/api/workshops/${workshop.id}/findings`);
    expect(noKey.status).toBe(401);

    // The documentation export reads the same findings grouped by round and room.
    const documentation = await findingsForDocumentation(server.store, workshop.id);
    expect(documentation.rounds).toHaveLength(1);
    expect(documentation.rounds[0]!.title).toBe('Breakout-Session Runde 1');
    expect(documentation.rounds[0]!.rooms.map((room) => room.findings.map((finding) => finding.text))).toEqual([['Wir brauchen einen Newsletter.'], ['Regelmäßige Treffen']]);
    expect(JSON.parse(JSON.stringify(documentation))).toEqual(documentation);
    // ... and the written documentation lists them with their heading, round and room.
    const markdown = await (
      await fetch(`${server.baseUrl}/api/workshops/${workshop.id}/documentation?format=markdown`, { headers: { authorization: `Bearer ${workshop.keys.moderator}` } })
    ).text();
    const anaRoomName = (await server.store.getBreakouts(workshop.id))!.rounds[0]!.rooms.find((room) => room.id === anaRoom)!.name;
    expect(markdown).toContain('Wir brauchen einen Newsletter.');
    expect(markdown).toContain('★ Austausch: Regelmäßige Treffen');
    expect(markdown).toContain(`Breakout-Session Runde 1 · ${anaRoomName}`);
  });

  it('presents findings one by one to everyone, counts one agreement per person, and a late joiner sees the stage', async () => {
    await startInRooms();
    const [ana] = participants as [TestClient];
    const anaRoom = await roomOf(ana);
    okData(await ana.call('findings:propose', { roundId, roomId: anaRoom, text: 'Erste Erkenntnis' }));
    okData(await ana.call('findings:propose', { roundId, roomId: anaRoom, text: 'Zweite Erkenntnis' }));

    const shown = okData(await mia.call('stage:show', { kind: 'finding', roundId, index: 0 })).stage as Extract<StageView, { kind: 'finding' }>;
    expect(shown.finding!.text).toBe('Erste Erkenntnis');
    expect(shown.total).toBe(2);
    const lastStage = (client: TestClient) => client.eventsOf('stage:changed').at(-1)?.stage;
    for (const client of participants) {
      await waitFor(() => {
        const stage = lastStage(client);
        return stage?.kind === 'finding' && stage.finding?.text === 'Erste Erkenntnis';
      }, 'everyone sees the first finding');
    }
    // Agreement only when the facilitator allows it.
    expectError(await ana.call('stage:agree', { findingId: shown.finding!.id, agree: true }), 'invalid_state');
    okData(await mia.call('stage:reactions', { allowed: true }));
    expect(okData(await ana.call('stage:agree', { findingId: shown.finding!.id, agree: true }))).toEqual({ agreements: 1, agreed: true });
    expect(okData(await ana.call('stage:agree', { findingId: shown.finding!.id, agree: true }))).toEqual({ agreements: 1, agreed: true });
    expect(okData(await participants[1]!.call('stage:agree', { findingId: shown.finding!.id, agree: true })).agreements).toBe(2);
    await waitFor(() => {
      const stage = lastStage(participants[2]!);
      return stage?.kind === 'finding' && stage.finding?.agreements === 2;
    }, 'the count reaches everyone live');

    okData(await cem.call('stage:step', { direction: 'next' }));
    const late = await harness.join(server, workshop, 'participant', 'Eva');
    const lateView = okData(await late.call('stage:get', {}));
    expect(lateView.stage?.kind === 'finding' && lateView.stage.finding?.text).toBe('Zweite Erkenntnis');
    expect(okData(await ana.call('stage:get', {})).agreed).toEqual([shown.finding!.id]);

    okData(await mia.call('stage:stop', {}));
    await waitFor(() => lastStage(ana) === null, 'Ana back in her own view');
    expect(okData(await late.call('stage:get', {})).stage).toBeNull();
  });

  it('two facilitators ordering and editing at the same moment both keep their change', async () => {
    await startInRooms();
    const [ana] = participants as [TestClient];
    const anaRoom = await roomOf(ana);
    const ids: string[] = [];
    for (const text of ['A', 'B', 'C', 'D', 'E']) ids.push(okData(await ana.call('findings:propose', { roundId, roomId: anaRoom, text })).findingId);
    const [a, b, , d, e] = ids as [string, string, string, string, string];
    // Sent together: Cem moves E in front of B, Mia moves A in front of D and rewords B, Cem marks B as priority.
    const acks = await Promise.all([
      cem.call('findings:move', { findingId: e, beforeId: b }),
      mia.call('findings:move', { findingId: a, beforeId: d }),
      mia.call('findings:update', { findingId: b, text: 'B, neu formuliert' }),
      cem.call('findings:update', { findingId: b, priority: true }),
    ]);
    for (const ack of acks) okData(ack);
    const list = okData(await mia.call('findings:list', {})).findings;
    expect(list.map((finding) => finding.text)).toEqual(['E', 'B, neu formuliert', 'C', 'A', 'D']);
    expect(list[1]!.priority).toBe(true);
  });

  it('keeps the speaking round and its clock through a server restart', async () => {
    await startInRooms();
    okData(await mia.call('speaking:start', { title: 'Blitzlicht', order: 'list', speakerSeconds: 30 }));
    clock.advance(10_000);
    okData(await mia.call('speaking:control', { action: 'pause' }));
    const dataFile = server.dataFile;
    await server.close();
    clock.advance(60_000);
    server = await harness.startNotes({ now: clock.now, dataFile, accessCheckMs: NO_PERIODIC_CHECK_MS });
    const back = await harness.join(server, workshop, 'moderator', 'Mia 2');
    let { speaking } = okData(await back.call('speaking:get', {}));
    // Paused at 20 s left; the minute the server was down does not count.
    expect(remainingMs(speaking.round!.timer, clock.ms)).toBe(20_000);
    okData(await back.call('speaking:control', { action: 'resume' }));
    clock.advance(5_000);
    speaking = okData(await back.call('speaking:get', {})).speaking;
    expect(remainingMs(speaking.round!.timer, clock.ms)).toBe(15_000);
  });

  it('raised hands queue in order and a round moves on the server clock', async () => {
    await startInRooms();
    const [ana, ben] = participants as [TestClient, TestClient];
    okData(await ben.call('speaking:hand', { raised: true }));
    okData(await ana.call('speaking:hand', { raised: true }));
    expect(okData(await cem.call('speaking:callNext', {}))).toEqual({ personId: idOf(ben) });
    await waitFor(() => ana.eventsOf('speaking:changed').at(-1)?.speaking.called?.personId === idOf(ben), 'Ana sees Ben called');
    expect(okData(await mia.call('speaking:lowerAll', {}))).toEqual({ lowered: 1 });

    const order = [idOf(ana), idOf(mia), idOf(ben)];
    okData(await mia.call('speaking:start', { title: 'Abschlussrunde', order: 'custom', personIds: order, speakerSeconds: 60 }));
    clock.advance(20_000);
    okData(await mia.call('speaking:control', { action: 'next' }));
    await waitFor(() => ben.eventsOf('speaking:changed').at(-1)?.speaking.round?.position === 1, 'Ben sees the next speaker');
    clock.advance(5_000);
    okData(await mia.call('speaking:control', { action: 'skip' }));
    clock.advance(7_000);
    okData(await mia.call('speaking:control', { action: 'next' }));
    const finished = okData(await ana.call('speaking:get', {})).speaking;
    expect(finished.round).toBeNull();
    expect(finished.history[0]!.turns).toEqual([
      { personId: idOf(ana), spokenMs: 20_000, skipped: false },
      { personId: idOf(mia), spokenMs: 0, skipped: true },
      { personId: idOf(ben), spokenMs: 7_000, skipped: false },
    ]);
    const response = await fetch(`${server.baseUrl}/api/workshops/${workshop.id}/speaking`, { headers: { authorization: `Bearer ${workshop.keys.moderator}` } });
    const body = (await response.json()) as { rounds: { title: string; turns: { name: string | null; spokenSeconds: number }[] }[] };
    expect(body.rounds[0]!.title).toBe('Abschlussrunde');
    expect(body.rounds[0]!.turns.map((turn) => turn.spokenSeconds)).toEqual([20, 0, 7]);
  });
});
