import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { AgendaPanel } from '../pages/agenda.js';
import { CountdownRecorder, type CountdownChange } from '../pages/countdownRecorder.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };

/** The texts a page showed between the first and the last text that every page showed. */
function commonSpan(all: CountdownChange[][]): string[][] {
  const texts = all.map((changes) => changes.map((change) => change.text ?? ''));
  const shownEverywhere = (text: string) => texts.every((list) => list.includes(text));
  // The recorders start one after the other: the first text all of them saw is where they compare.
  const first = texts[0]!.find(shownEverywhere)!;
  const last = texts[0]!.findLast(shownEverywhere)!;
  return texts.map((list) => list.slice(list.indexOf(first), list.lastIndexOf(last) + 1));
}

describe('one clock, to the second: every screen changes the countdown together', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let ahead: Actor;
  let behind: Actor;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    // Computers whose clocks are minutes off, by no whole number of seconds.
    ahead = await newActor(browser, 'Ahmet', { clockOffsetMs: 3 * 60_000 + 421 });
    behind = await newActor(browser, 'Birte', { clockOffsetMs: -(2 * 60_000 + 17_683) });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  /** The server's clock (ms), as GET /api/health reports it. */
  const serverTime = async () => Date.parse(((await (await fetch(`${server.url}/api/health`)).json()) as { time: string }).time);

  it('shows the same seconds in the same order on every screen across a pause, a resume and an extension', async () => {
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Uhrentest', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    const moderation = new AgendaPanel(moderator.page);
    await moderation.importTimetable('14:00-14:10 Ankommen\n14:10-14:20 Input', 2);
    for (const actor of [ahead, behind]) {
      await actor.page.goto(links.participant);
      await new JoinPage(actor.page).join(actor.name);
      await new AgendaPanel(actor.page).items.first().waitFor();
    }
    await moderation.control('Workshop starten');
    for (const actor of [moderator, ahead, behind]) {
      await expect.poll(() => new AgendaPanel(actor.page).currentTitle.innerText(), POLL).toBe('Ankommen');
    }

    const recorders = [
      new CountdownRecorder(moderator.page),
      new CountdownRecorder(ahead.page, 3 * 60_000 + 421),
      new CountdownRecorder(behind.page, -(2 * 60_000 + 17_683)),
    ];
    for (const recorder of recorders) await recorder.start();
    const waitAll = async (count: number) => {
      for (const recorder of recorders) await recorder.waitForChanges((await recorder.changes()).length, count);
    };

    await waitAll(3);
    // A pause of no whole number of seconds moves the deadline off its second grid: resumed once the
    // server's clock reads 1.37 s past the moment every screen showed the pause.
    await moderation.control('Pausieren');
    for (const actor of [moderator, ahead, behind]) {
      await actor.page.locator('.clock-paused').waitFor();
    }
    const pausedSeenAt = await serverTime();
    await expect.poll(serverTime, { timeout: 15_000, interval: 50 }).toBeGreaterThanOrEqual(pausedSeenAt + 1_370);
    await moderation.control('Fortsetzen');
    await waitAll(3);
    await moderation.control('+1 Min.');
    await waitAll(4);

    const all = await Promise.all(recorders.map((recorder) => recorder.changes()));
    const spans = commonSpan(all);
    // Every screen showed exactly the same sequence of values: none skipped one, none showed one twice.
    for (const span of spans.slice(1)) expect(span).toEqual(spans[0]);
    const values = spans[0]!;
    expect(values.length).toBeGreaterThanOrEqual(10);
    expect(values.every((text) => /^\d\d:\d\d$/.test(text))).toBe(true);
    // The countdown went down one second at a time, except once: the extension added a minute.
    const seconds = values.map((text) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3)));
    const steps = seconds.slice(1).map((value, index) => value - seconds[index]!);
    expect(steps.filter((step) => step === -1).length).toBe(steps.length - 1);
    expect(steps.filter((step) => step === 59 || step === 60)).toHaveLength(1);

    // Order: no screen shows a value before every other screen has left the one two steps back.
    const timesOf = (changes: CountdownChange[], span: string[]) => {
      const start = changes.findIndex((change) => change.text === span[0]);
      return changes.slice(start, start + span.length).map((change) => change.at);
    };
    const times = all.map((changes, index) => timesOf(changes, spans[index]!));
    for (let k = 0; k + 2 < values.length; k += 1) {
      const latestK = Math.max(...times.map((list) => list[k]!));
      const earliestK2 = Math.min(...times.map((list) => list[k + 2]!));
      expect(latestK, `change ${k} (${values[k]}) against change ${k + 2} (${values[k + 2]})`).toBeLessThan(earliestK2);
    }
  });
});
