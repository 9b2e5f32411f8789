import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { AgendaPanel } from '../pages/agenda.js';
import { PollsPage } from '../pages/polls.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
const QUESTION = 'Wie sind Sie in Ihrer Kommune vernetzt?';

describe('a series of two dates from the built-in exchange meeting', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let participant: Actor;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Kai');
    participant = await newActor(browser, 'Jürgen');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('adds a second date, moves on after date 1, and on date 2 the review block shows date 1 and the poll compares both', async () => {
    const page = moderator.page;
    const create = new CreateWorkshopPage(page);
    await create.goto(server.url);
    await page.getByRole('radio', { name: /Austauschtreffen \(2 Stunden\)/ }).check();
    const links = await create.create({ title: 'Austauschtreffen Kulturbüros', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(page).join('Kai Heddergott');
    await participant.page.goto(links.participant);
    await new JoinPage(participant.page).join('Jürgen Weiß');

    // The moderator plans the second date.
    const dates = page.getByRole('region', { name: 'Termine' });
    await dates.getByRole('button', { name: 'Termin hinzufügen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Termin hinzufügen' });
    await dialog.getByLabel('Datum').fill('2027-01-20');
    await dialog.getByLabel('Beginn').fill('14:00');
    await dialog.getByRole('button', { name: 'Speichern' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const participantDates = participant.page.getByRole('region', { name: 'Termine' });
    await participantDates.getByText(/Termin 2: .*20\. Januar 2027/).waitFor(POLL);
    await expect.poll(() => participantDates.locator('.series-date.next').innerText(), POLL).toMatch(/Termin 2.*nächster/s);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Date 1: the survey runs and is answered.
    const agenda = new AgendaPanel(page);
    await agenda.control('Workshop starten');
    const polls = new PollsPage(page);
    await polls.poll(QUESTION).getByRole('button', { name: 'Umfrage starten' }).click();
    await new PollsPage(participant.page).answer(QUESTION, 'In einem festen Netzwerk');
    await agenda.endWorkshop();

    // Moving on.
    await dates.getByRole('button', { name: 'Zum nächsten Termin wechseln' }).click();
    const confirm = page.getByRole('dialog', { name: 'Zum nächsten Termin wechseln' });
    await confirm.getByRole('button', { name: 'Wechseln' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => participantDates.locator('[aria-current="date"]').innerText(), POLL).toMatch(/Termin 2/);
    await participant.page.getByText(/20\. Januar 2027/).first().waitFor(POLL);

    // Date 2 runs its review block: everyone sees date 1's survey.
    await agenda.control('Workshop starten');
    await agenda.control('Nächster Block');
    for (const actor of [moderator, participant]) {
      const review = actor.page.getByRole('region', { name: /Rückblick auf .*20\. November 2026/ });
      await review.waitFor(POLL);
      const results = review.getByTestId('poll-results').filter({ hasText: QUESTION });
      await results.waitFor(POLL);
      expect((await results.locator('table tr').first().textContent())?.replace(/\s+/g, ' ')).toBe('In einem festen Netzwerk1 (100 %)');
    }
    expect(await accessibilityViolations(participant.page)).toEqual([]);

    // The repeated survey, answered differently, stands beside date 1's results.
    await polls.poll(QUESTION).getByRole('button', { name: 'Umfrage starten' }).click();
    await new PollsPage(participant.page).answer(QUESTION, 'Noch kaum');
    const history = participant.page.getByRole('table', { name: 'Im Vergleich mit früheren Terminen' });
    await history.waitFor(POLL);
    await expect
      .poll(async () => (await history.locator('tr').allInnerTexts()).map((row) => row.replace(/\s+/g, ' ').trim()), POLL)
      .toEqual([
        'Antwort 20.11.2026 Dieser Termin',
        'In einem festen Netzwerk 1 (100 %) 0 (0 %)',
        'Informell, von Fall zu Fall 0 (0 %) 0 (0 %)',
        'Noch kaum 0 (0 %) 1 (100 %)',
        'Antworten 1 1',
      ]);
  });
});
