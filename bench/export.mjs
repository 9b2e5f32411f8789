// Documentation export benchmark: times each format for a seed-003-sized workshop and a large one
// (10 rooms x 2 rounds, about 20,000 words of notes, 500 cards, 5 polls, 60 people), and the
// longest event-loop stall of this process while each export runs.
//
//   npx tsc -b server && node bench/export.mjs [--reps=5] [--sizes=seed,large]
//
// Runs the built server code (server/dist). DOCX and ZIP go through the export worker threads, the
// PDF through Chromium (skipped without it), exactly as the server does.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { addCard, addCluster } from '@werkraum/shared/board';
import { renderBoardOutline, renderBoardPng, renderBoardSvg, BoardRasterizer } from '../server/dist/board/render.js';
import { countResults } from '../server/dist/domain/polls.js';
import { BOARD_IMAGE_WIDTH, richTextOf } from '../server/dist/export/load.js';
import { buildDocumentationModel } from '../server/dist/export/model.js';
import { renderMarkdown } from '../server/dist/export/markdown.js';
import { renderHtml } from '../server/dist/export/html.js';
import { ExportWorkers, ThreadedPdfPrinter } from '../server/dist/export/service.js';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const REPS = Number(args.reps ?? 5);
const SIZES = (args.sizes ?? 'seed,large').split(',');

const WORDS = 'Kultur Netzwerk Engagement Verwaltung Freiwilligenagentur Stadtgesellschaft Ehrenamt Vernetzung Austausch Herausforderung Verein Bibliothek Museum Theater Förderung Partnerschaft'.split(' ');
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const words = (n) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');

function notesDoc(wordCount) {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment('default');
  let written = 0;
  let section = 1;
  while (written < wordCount) {
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', 2);
    heading.insert(0, [new Y.XmlText(`Abschnitt ${section++}`)]);
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    const sentence = `${words(60)}. `;
    text.insert(0, sentence);
    text.insert(sentence.length, words(5), { bold: {} });
    paragraph.insert(0, [text]);
    const list = new Y.XmlElement('bulletList');
    list.insert(0, Array.from({ length: 5 }, () => {
      const item = new Y.XmlElement('listItem');
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(words(6))]);
      item.insert(0, [p]);
      return item;
    }));
    fragment.push([heading, paragraph, list]);
    written += 95;
  }
  return doc;
}

function boardDoc(cards) {
  const doc = new Y.Doc();
  const clusters = Array.from({ length: Math.max(1, Math.round(cards / 6)) }, (_, i) => addCluster(doc, { title: `Cluster ${i + 1}`, x: (i % 4) * 700, y: Math.floor(i / 4) * 600 }));
  for (let i = 0; i < cards; i += 1) addCard(doc, { text: words(8), x: (i % 12) * 230, y: Math.floor(i / 12) * 180, clusterId: clusters[i % clusters.length] });
  return doc;
}

/** The input of the model, shaped like a real workshop. */
async function workshopInput(size, rasterizer) {
  const large = size === 'large';
  const roomsPerRound = large ? 10 : 3;
  const roundsCount = 2;
  const people = Array.from({ length: large ? 60 : 25 }, (_, i) => ({
    id: `p${i}`, workshopId: 'w', displayName: `Person ${i}`, role: i === 0 ? 'moderator' : 'participant',
    listInDocumentation: i % 3 !== 0, organisation: i % 2 ? 'Stadt Rheine' : '', tokenHash: '', joinedAt: '', removedAt: null,
  }));
  const start = Date.parse('2024-11-20T13:00:00Z');
  const blocks = Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, title: `Programmpunkt ${i + 1}: ${words(4)}`, type: i === 5 || i === 7 ? 'breakout' : 'input', plannedMinutes: 12, description: words(10), moderationNotes: '' }));
  const actuals = blocks.map((block, i) => ({ blockId: block.id, startedAt: start + i * 13 * 60_000, endedAt: start + (i + 1) * 13 * 60_000 }));
  const polls = Array.from({ length: large ? 5 : 1 }, (_, i) => {
    const poll = { id: `poll${i}`, blockId: null, question: `Frage ${i + 1}: ${words(6)}?`, type: i === 4 ? 'text' : 'single', options: i === 4 ? [] : [1, 2, 3, 4].map((n) => ({ id: `o${n}`, label: words(2) })), maxChoices: null, scale: null, anonymous: true, resultsVisibility: 'live', allowChange: true, status: 'closed', published: true, openedAt: start, closedAt: start };
    const answers = people.map((_, n) => ({ personId: null, answer: i === 4 ? { text: words(12) } : { optionIds: [`o${(n % 4) + 1}`] } }));
    return { poll, results: countResults(poll, answers, false) };
  });
  const rounds = Array.from({ length: roundsCount }, (_, r) => ({
    id: `r${r}`, blockId: r === 0 ? 'b5' : 'b7', assignmentMode: 'random', roomCap: null, graceSeconds: 0, notesTemplate: '', visits: {}, openedAt: start, endedAt: start, closedAt: null, broadcasts: [], helpRequests: [],
    rooms: Array.from({ length: roomsPerRound }, (_, i) => ({ id: `room${r}-${i}`, name: `Raum ${r * roomsPerRound + i + 1}`, task: words(8), hostId: null, closedAt: null })),
    assignments: Object.fromEntries(people.map((person, n) => [person.id, `room${r}-${n % roomsPerRound}`])),
  }));
  const totalRooms = roomsPerRound * roundsCount;
  const notesWords = large ? Math.round(20_000 / totalRooms) : 400;
  const cardsPerRoom = large ? Math.round(500 / totalRooms) : 12;
  const rooms = {};
  const t0 = performance.now();
  for (const round of rounds) {
    for (const room of round.rooms) {
      const notes = notesDoc(notesWords);
      const board = boardDoc(cardsPerRoom);
      rooms[room.id] = {
        notes: richTextOf(notes),
        board: { outline: renderBoardOutline(board, {}, { showAuthors: false }), svg: renderBoardSvg(board, { showAuthors: false }), png: new Uint8Array(await renderBoardPng(board, { width: BOARD_IMAGE_WIDTH, showAuthors: false, rasterizer })) },
      };
    }
  }
  const loadMs = performance.now() - t0;
  const input = {
    workshop: { id: 'w', title: 'Austauschtreffen Kultur und Engagement', startsAt: '2024-11-20T14:00:00+01:00', timeZone: 'Europe/Berlin', language: 'de', description: words(40), moderatorNames: 'Kai Heddergott', coModeratorNames: 'Anne Melzig', createdAt: '', linkSecretHashes: {} },
    people, agenda: { workshopId: 'w', version: 1, blocks, run: { status: 'ended', timer: null, actuals, log: [] }, warningThresholds: [] },
    polls, rounds, rooms, summary: richTextOf(notesDoc(large ? 600 : 200)), compiledBy: 'Anne Melzig', nextSteps: 'Nächstes Treffen im März.\n\n- Einladung folgt', plenary: null, attachments: [], findings: null,
    attachmentBaseUrl: 'https://example.org/api/workshops/w/attachments/', now: start + 3 * 3600_000,
  };
  return { input, loadMs, words: notesWords * totalRooms, cards: cardsPerRoom * totalRooms };
}

/** Runs `task` REPS times; the median time and the longest event-loop stall seen while it ran. */
async function measure(task) {
  const times = [];
  let stall = 0;
  for (let i = 0; i < REPS + 1; i += 1) {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    const t0 = performance.now();
    await task();
    const ms = performance.now() - t0;
    // Let the loop turn once more, so a stall at the very end is recorded too.
    await new Promise((resolve) => setTimeout(resolve, 20));
    histogram.disable();
    if (i === 0) continue; // warm-up
    times.push(ms);
    stall = Math.max(stall, histogram.max / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], stall };
}

const rasterizer = new BoardRasterizer();
const workers = new ExportWorkers();
const printer = new ThreadedPdfPrinter();
console.log(`export worker threads: ${workers.threaded ? 'yes' : 'no (run npx tsc -b server first)'}; Chromium: ${printer.available() ? 'yes' : 'no'}; ${REPS} runs each (median)`);
const rows = [];
for (const size of SIZES) {
  const { input, loadMs, words: wordCount, cards } = await workshopInput(size, rasterizer);
  const model = buildDocumentationModel(input, { language: 'de', excluded: [] });
    const modelRun = await measure(async () => buildDocumentationModel(input, { language: 'de', excluded: [] }));
  const md = await measure(async () => renderMarkdown(buildDocumentationModel(input, { language: 'de', excluded: [] })));
  const htmlRun = await measure(async () => renderHtml(buildDocumentationModel(input, { language: 'de', excluded: [] })));
  const docx = await measure(() => workers.run({ kind: 'docx', model }));
  const pdf = printer.available() ? await measure(() => printer.printDocument(model)) : null;
  // As the server packs it: HTML, Markdown, DOCX and the boards built in the export thread from the model (PDF not included here).
  const zip = await measure(() => workers.run({ kind: 'zip', model, pdf: null, attachments: [] }));
  rows.push({ size, wordCount, cards, loadMs, modelRun, md, htmlRun, docx, pdf, zip });
}
await Promise.all([workers.close(), printer.close(), rasterizer.close()]);

const f = (value) => (value === null ? '–' : `${Math.round(value.median)} ms (stall ${Math.round(value.stall)} ms)`);
console.log('\n| workshop | notes words / cards | board PNGs (load) | model | Markdown | HTML | DOCX | PDF | ZIP (HTML, Markdown, DOCX, boards; no PDF) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  console.log(`| ${row.size} | ${row.wordCount} / ${row.cards} | ${Math.round(row.loadMs)} ms | ${f(row.modelRun)} | ${f(row.md)} | ${f(row.htmlRun)} | ${f(row.docx)} | ${f(row.pdf)} | ${f(row.zip)} |`);
}
