// Event-loop stalls of the server while documentation exports run and 200 people are connected.
//
//   npm run build && node bench/export-stall.mjs [--people=200] [--rooms=10] [--reps=3] [--formats=pdf,zip]
//
// Starts the built server as its own process (with the event-loop probe of bench/lib), builds a
// workshop through its API (agenda, two breakout rounds of `rooms` rooms with notes and boards, a
// poll everyone answers), keeps `people` socket.io clients connected, then fetches every format
// and reports the time and the server's longest event-loop stall during each export.
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addCard, addCluster } from '@werkraum/shared/board';
import { createWorkshop } from './lib/moderator.mjs';
import { startServer } from './lib/servers.mjs';
import { median, sleep, waitUntil } from './lib/util.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const PEOPLE = Number(args.people ?? 200);
const ROOMS = Number(args.rooms ?? 10);
const REPS = Number(args.reps ?? 3);
const FORMATS = (args.formats ?? 'markdown,html,docx,pdf,zip').split(',');
const { PROTOCOL_VERSION } = await import('@werkraum/shared/version');
const WORDS = 'Kultur Netzwerk Engagement Verwaltung Freiwilligenagentur Ehrenamt Vernetzung Austausch Verein Bibliothek Museum Theater Förderung'.split(' ');
const words = (n, seed) => Array.from({ length: n }, (_, i) => WORDS[(seed * 7 + i * 3) % WORDS.length]).join(' ');

const server = await startServer('werkraum');
const sockets = [];
const providers = [];
try {
  const port = server.port;
  const workshop = await createWorkshop(port, 'Austauschtreffen Kultur und Engagement');
  const api = (path, init = {}) =>
    fetch(`http://127.0.0.1:${port}/api/workshops/${workshop.id}${path}`, { ...init, headers: { authorization: `Bearer ${workshop.moderatorSecret}`, ...(init.headers ?? {}) } });
  const agenda = ['Ankommen', 'Input', 'Umfrage', 'Breakout Runde 1', 'Einordnen', 'Breakout Runde 2', 'Abschluss']
    .map((title, i) => `${String(14 + Math.floor((i * 15) / 60)).padStart(2, '0')}:${String((i * 15) % 60).padStart(2, '0')}-${String(14 + Math.floor(((i + 1) * 15) / 60)).padStart(2, '0')}:${String(((i + 1) * 15) % 60).padStart(2, '0')} ${title}`)
    .join('\n');
  const put = await api('/agenda', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: agenda });
  if (put.status !== 200) throw new Error(`agenda: ${put.status} ${await put.text()}`);

  const connect = async (secret, name, listed) => {
    const socket = io(`http://127.0.0.1:${port}`, { auth: { protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const ack = await socket.emitWithAck('session:join', { workshopId: workshop.id, linkSecret: secret, displayName: name, listInDocumentation: listed });
    if (!ack.ok) throw new Error(`join: ${ack.error.code}`);
    sockets.push(socket);
    return socket;
  };
  const call = async (socket, event, payload) => {
    const ack = await socket.emitWithAck(event, payload);
    if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  };
  const moderator = await connect(workshop.moderatorSecret, 'Moderation', false);
  for (let i = 0; i < PEOPLE; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, PEOPLE - i) }, (_, k) => connect(workshop.participantSecret, `Person ${i + k + 1}`, (i + k) % 3 !== 0)));
  }

  const blocks = (await call(moderator, 'agenda:get', {})).agenda.blocks;
  for (const block of blocks.filter((b) => b.type === 'breakout')) {
    const rooms = Array.from({ length: ROOMS }, (_, r) => ({ name: `Raum ${r + 1}`, task: words(8, r), hostId: null }));
    await call(moderator, 'breakout:saveRound', { blockId: block.id, rooms, assignmentMode: 'random', roomCap: null, graceSeconds: 0, notesTemplate: '' });
  }
  const rounds = (await call(moderator, 'breakout:get', {})).rounds;
  const { pollId } = await call(moderator, 'poll:create', { question: 'Wie gut sind Sie vernetzt?', type: 'single', options: [{ label: 'Gut' }, { label: 'Teils' }, { label: 'Kaum' }], anonymous: true, blockId: null });
  await call(moderator, 'poll:open', { pollId });
  const poll = (await call(moderator, 'poll:list', {})).polls.find((view) => view.poll.id === pollId).poll;
  await Promise.all(sockets.slice(1).map((socket, i) => call(socket, 'poll:answer', { pollId, answer: { optionIds: [poll.options[i % 3].id] } })));
  await call(moderator, 'poll:close', { pollId });

  // Notes (about 20,000 words in all) and boards (about 500 cards), written as the browser does.
  const wordsPerRoom = Math.round(20_000 / (2 * ROOMS));
  const cardsPerRoom = Math.round(500 / (2 * ROOMS));
  let seed = 1;
  for (const round of rounds) {
    for (const room of round.rooms) {
      for (const kind of ['notes', 'board']) {
        const grant = await call(moderator, kind === 'notes' ? 'notes:token' : 'board:token', { roomId: room.id });
        const doc = new Y.Doc();
        const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/collab`, grant.docName, doc, { WebSocketPolyfill: WebSocket, params: { token: grant.token }, disableBc: true });
        providers.push(provider);
        await waitUntil(() => provider.synced, { what: `${grant.docName} synced` });
        if (kind === 'notes') {
          const fragment = doc.getXmlFragment('default');
          for (let written = 0; written < wordsPerRoom; written += 50) {
            const paragraph = new Y.XmlElement('paragraph');
            paragraph.insert(0, [new Y.XmlText(words(50, seed++))]);
            fragment.push([paragraph]);
          }
        } else {
          const cluster = addCluster(doc, { title: `Cluster ${room.name}`, x: 0, y: 0 });
          for (let c = 0; c < cardsPerRoom; c += 1) addCard(doc, { text: words(6, seed++), x: (c % 6) * 230, y: 60 + Math.floor(c / 6) * 180, clusterId: c % 2 ? cluster : null });
        }
        await sleep(50);
      }
    }
  }
  await sleep(1000);
  for (const provider of providers.splice(0)) provider.destroy();

  console.log(`${PEOPLE} people connected, ${2 * ROOMS} rooms, ${wordsPerRoom * 2 * ROOMS} words of notes, ${cardsPerRoom * 2 * ROOMS} cards; ${REPS} runs each`);
  console.log('| format | time (median) | longest event-loop stall of the server | stalls > 50 ms (all runs) |');
  console.log('| --- | --- | --- | --- |');
  for (const format of FORMATS) {
    const times = [];
    let longest = 0;
    let count = 0;
    // One export first, not counted: the first PDF loads playwright and starts Chromium.
    await (await api(`/documentation?format=${format}`)).arrayBuffer();
    for (let rep = 0; rep < REPS; rep += 1) {
      await server.eldReset();
      const t0 = performance.now();
      const response = await api(`/documentation?format=${format}`);
      await response.arrayBuffer();
      times.push(performance.now() - t0);
      if (response.status !== 200) throw new Error(`${format}: ${response.status}`);
      await sleep(100);
      const dump = await server.eldDump();
      longest = Math.max(longest, dump.eld.max, ...dump.stalls.map((stall) => stall.ms));
      count += dump.stalls.length;
    }
    console.log(`| ${format} | ${Math.round(median(times))} ms | ${Math.round(longest)} ms | ${count} |`);
  }
} finally {
  for (const provider of providers) provider.destroy();
  for (const socket of sockets) socket.close();
  await server.stop();
}
// Closed sockets and providers may still hold timers; the run is over.
process.exit(0);
