import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { AgendaPanel } from '../pages/agenda.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
const seedAgenda = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '../../shared/src/fixtures/seed003-agenda.txt'),
  'utf8',
);

/** Reads everyone's countdown as close together as possible. */
async function remainingOfAll(actors: Actor[]): Promise<number[]> {
  return Promise.all(actors.map((actor) => new AgendaPanel(actor.page).remainingSeconds()));
}

const spread = (values: number[]) => Math.max(...values) - Math.min(...values);

describe('one clock for everyone: the timed agenda', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let ahead: Actor;
  let behind: Actor;
  let participantLink: string;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    // Two people whose computers' clocks are wrong: three minutes ahead and two minutes behind.
    ahead = await newActor(browser, 'Ahmet', { clockOffsetMs: 3 * 60_000 });
    behind = await newActor(browser, 'Birte', { clockOffsetMs: -2 * 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('imports a pasted time table as blocks with planned times', async () => {
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Austauschtreffen Kulturbüros', date: '2026-11-20', time: '13:30' });
    participantLink = links.participant;
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');

    const agenda = new AgendaPanel(moderator.page);
    await agenda.importTimetable(seedAgenda, 11);
    await expect.poll(() => agenda.items.count(), POLL).toBe(11);
    const first = agenda.items.first();
    await expect.poll(() => first.innerText(), POLL).toContain('14:00–14:05');
    expect(await first.innerText()).toContain('Ankommen');
    const breakout = agenda.items.nth(6);
    expect(await breakout.innerText()).toContain('14:45–15:05');
    expect(await breakout.innerText()).toContain('Breakout-Session Runde 1');
    expect(await agenda.items.last().innerText()).toContain('15:55–16:00');
    expect(await accessibilityViolations(moderator.page)).toEqual([]);
  });

  it('shows participants with wrong system clocks the same remaining time as the moderator', async () => {
    for (const actor of [ahead, behind]) {
      await actor.page.goto(participantLink);
      await new JoinPage(actor.page).join(actor.name);
      await new AgendaPanel(actor.page).items.first().waitFor();
      // Participants see the agenda but no controls.
      expect(await actor.page.getByRole('group', { name: 'Ablauf steuern' }).count()).toBe(0);
    }

    const moderation = new AgendaPanel(moderator.page);
    await moderation.control('Workshop starten');
    for (const actor of [moderator, ahead, behind]) {
      await expect.poll(() => new AgendaPanel(actor.page).currentTitle.innerText(), POLL).toBe('Ankommen');
    }
    // The workshop was planned for another day: ahead/behind compares with the plan moved to the start.
    await expect.poll(() => moderator.page.getByTestId('schedule-summary').innerText(), POLL).toContain('im Plan');
    const everyone = [moderator, ahead, behind];
    const shown = await remainingOfAll(everyone);
    expect(spread(shown), `remaining seconds shown: ${shown.join(', ')}`).toBeLessThanOrEqual(1);
    expect(Math.min(...shown)).toBeGreaterThan(4 * 60);
    expect(Math.max(...shown)).toBeLessThanOrEqual(5 * 60);
    expect(await accessibilityViolations(ahead.page)).toEqual([]);
  });

  it('brings an extension to everyone at once', async () => {
    const moderation = new AgendaPanel(moderator.page);
    const before = await moderation.remainingSeconds();
    await moderation.control('+5 Min.');
    for (const actor of [moderator, ahead, behind]) {
      await expect.poll(() => new AgendaPanel(actor.page).remainingSeconds(), POLL).toBeGreaterThan(before + 4 * 60);
    }
    const shown = await remainingOfAll([moderator, ahead, behind]);
    expect(spread(shown), `remaining seconds shown: ${shown.join(', ')}`).toBeLessThanOrEqual(1);
  });

  it('shows a late joiner the right remaining time at once', async () => {
    const late = await newActor(browser, 'Lena', { clockOffsetMs: 7 * 60_000 });
    await late.page.goto(participantLink);
    await new JoinPage(late.page).join('Lena');
    await expect.poll(() => new AgendaPanel(late.page).currentTitle.innerText(), POLL).toBe('Ankommen');
    // Wait for the clock estimate (a few round trips) rather than for a fixed time.
    await expect.poll(async () => spread(await remainingOfAll([moderator, late])), POLL).toBeLessThanOrEqual(1);
    await late.context.close();
  });

  it('turns to overrun with a warning for everyone when time is up, and moves on with next', async () => {
    const moderation = new AgendaPanel(moderator.page);
    await moderation.setRemainingMinutes(0);
    for (const actor of [moderator, ahead, behind]) {
      const agenda = new AgendaPanel(actor.page);
      await expect.poll(() => agenda.remaining.innerText(), POLL).toMatch(/^\+\d\d:\d\d$/);
      await expect.poll(() => agenda.warning.innerText(), POLL).toBe('Die Zeit ist um');
    }
    await moderation.control('Nächster Block');
    for (const actor of [moderator, ahead, behind]) {
      await expect
        .poll(() => new AgendaPanel(actor.page).currentTitle.innerText(), POLL)
        .toBe('Begrüßung, Vorstellung des Formats, Rückblick auf das erste Treffen, Vorstellung des Themas');
    }
    // The first block is done and shows its actual times.
    await expect.poll(() => moderation.items.first().getAttribute('data-status'), POLL).toBe('done');
  });
});
