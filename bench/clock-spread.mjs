#!/usr/bin/env node
/**
 * How closely the screens change the agenda countdown together (`npm run build` first, then
 * `node bench/clock-spread.mjs`).
 *
 * The real server and real Chromium pages: participants whose system clocks are minutes off (by no
 * whole number of seconds) follow a running block while the moderation pauses, resumes, extends and
 * sets the remaining time, and a late joiner comes in. Every page records the real time at which its
 * countdown text changed (from the DOM mutation, on the page's monotonic clock corrected by its
 * skew; all pages run in one browser, so the clocks compare). For every displayed value that all
 * screens showed, the spread is the latest minus the earliest change to it; reported as p50, p95 and
 * max over all changes, and per phase (before any action, after the pause/resume, after the
 * extension, after "set remaining").
 *
 * Options: --pages=4 (skewed participants; the moderation runs over a socket, not a page)
 *          --phase=8 (seconds each phase runs)  --quiet=120 (seconds to wait for a quiet machine)
 *          --out=FILE (raw changes as JSON)
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { chromium } from 'playwright-core';
import { Moderator } from './lib/moderator.mjs';
import { startServer, waitForQuiet } from './lib/servers.mjs';
import { percentile, sleep } from './lib/util.mjs';

const opt = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const PAGES = Number(opt.pages ?? 4);
const PHASE_MS = Number(opt.phase ?? 8) * 1000;
const SKEWS = [0, 3 * 60_000 + 421, -(2 * 60_000 + 17_683), 45_077, -(59 * 60_000 + 999), 7 * 60_000 + 313];

/** Shifts a page's system clock (Date and performance.timeOrigin), as e2e/fixtures/browser.ts does. */
function shiftClock(offsetMs) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + offsetMs);
      else super(...args);
    }
    static now() {
      return realNow() + offsetMs;
    }
  }
  globalThis.Date = ShiftedDate;
  const origin = performance.timeOrigin + offsetMs;
  Object.defineProperty(performance, 'timeOrigin', { get: () => origin });
}

/** Runs in the page: records each change of the countdown with its real time. */
function record(offsetMs) {
  const changes = [];
  window.__countdownChanges = changes;
  let last;
  const read = () => {
    const text = document.querySelector('[data-testid="remaining-time"]')?.textContent ?? null;
    if (text === last) return;
    last = text;
    changes.push({ text, at: performance.timeOrigin + performance.now() - offsetMs });
  };
  new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
  read();
}

async function openParticipant(browser, link, name, skew) {
  const context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin' });
  if (skew) await context.addInitScript(shiftClock, skew);
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel('Ihr Name').fill(name);
  await page.getByRole('button', { name: 'Beitreten' }).click();
  await page.getByTestId('remaining-time').waitFor();
  await page.evaluate(record, skew);
  return { name, page, skew };
}

const stats = (values) =>
  values.length === 0
    ? { n: 0 }
    : { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values) };

async function main() {
  const load = await waitForQuiet({ maxMs: Number(opt.quiet ?? 120) * 1000, log: console.log });
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, other load ${load.toFixed(0)} % of a core`);
  const server = await startServer('werkraum');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/api/workshops`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Uhrentest', startsAt: new Date().toISOString(), language: 'de' }),
    });
    const body = await response.json();
    const link = body.links.participant.replace(/^https?:\/\/[^/]+/, `http://127.0.0.1:${server.port}`);
    const { PROTOCOL_VERSION } = await import(new URL('../shared/dist/protocol/version.js', import.meta.url).href);
    const moderator = new Moderator({
      port: server.port,
      protocolVersion: PROTOCOL_VERSION,
      workshop: { id: body.id, moderatorSecret: body.keys.moderator },
      sends: new Map(),
    });
    await moderator.join();
    await moderator.setup(0);
    await moderator.request('agenda:control', { action: 'start' });

    const pages = [];
    for (let i = 0; i < PAGES; i += 1) pages.push(await openParticipant(browser, link, `Person ${i + 1}`, SKEWS[i % SKEWS.length]));
    const marks = [{ phase: 'before any action', at: Date.now() }];
    const act = async (phase, payload) => {
      await moderator.request('agenda:control', payload);
      marks.push({ phase, at: Date.now() });
    };
    await sleep(PHASE_MS);
    await act('after pause and resume', { action: 'pause' });
    await sleep(1_370);
    await act('after pause and resume', { action: 'resume' });
    await sleep(PHASE_MS);
    await act('after +1 min', { action: 'extend', minutes: 1 });
    await sleep(PHASE_MS);
    await act('after set remaining', { action: 'setRemaining', seconds: 125 });
    const late = await openParticipant(browser, link, 'Spät', SKEWS[(PAGES + 1) % SKEWS.length] + 1_234);
    pages.push(late);
    await sleep(PHASE_MS);

    const all = await Promise.all(pages.map((entry) => entry.page.evaluate(() => window.__countdownChanges)));
    if (opt.out) writeFileSync(opt.out, JSON.stringify({ marks, pages: pages.map((entry, i) => ({ name: entry.name, skew: entry.skew, changes: all[i] })) }));
    // For each text: when each page changed to it (its first change to it after its first record).
    const firstAt = all.map((changes) => {
      const map = new Map();
      changes.slice(1).forEach((change) => {
        if (change.text && !map.has(change.text)) map.set(change.text, change.at);
      });
      return map;
    });
    const spreads = [];
    const texts = new Set(firstAt.flatMap((map) => [...map.keys()]));
    for (const text of texts) {
      // Every page that showed the text and changed to it (the late joiner only after it came).
      const times = firstAt.map((map) => map.get(text)).filter((time) => time !== undefined);
      if (times.length < 2) continue;
      const phase = marks.findLast((mark) => mark.at <= Math.min(...times))?.phase ?? marks[0].phase;
      spreads.push({ text, phase, spread: Math.max(...times) - Math.min(...times) });
    }
    const result = {
      date: new Date().toISOString(),
      machine: `${cpus().length} x ${cpus()[0]?.model}`,
      pages: pages.map((entry) => ({ name: entry.name, skewMs: entry.skew })),
      all: stats(spreads.map((entry) => entry.spread)),
      byPhase: Object.fromEntries(
        [...new Set(marks.map((mark) => mark.phase))].map((phase) => [phase, stats(spreads.filter((entry) => entry.phase === phase).map((entry) => entry.spread))]),
      ),
    };
    console.log(JSON.stringify(result, null, 2));
    moderator.socket.close();
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
