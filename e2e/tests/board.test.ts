import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { BoardPage } from '../pages/board.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
const BOARD = 'Pinnwand des Plenums';

describe('the board: cards, clusters and dots, live for everyone, with the keyboard', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let anna: Actor;
  let ben: Actor;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    anna = await newActor(browser, 'Anna');
    ben = await newActor(browser, 'Ben');
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Werkstatt', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    for (const actor of [anna, ben]) {
      await actor.page.goto(links.participant);
      await new JoinPage(actor.page).join(actor.name);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shows each person’s cards and clusters to the other at once', async () => {
    const annasBoard = new BoardPage(anna.page, BOARD);
    const bensBoard = new BoardPage(ben.page, BOARD);
    // The plenary's board loads when someone opens it.
    await annasBoard.open();
    await bensBoard.open();
    await annasBoard.region.getByRole('button', { name: 'Karte hinzufügen' }).waitFor();
    await bensBoard.region.getByRole('button', { name: 'Karte hinzufügen' }).waitFor();

    await annasBoard.addCard('Sportvereine');
    await bensBoard.addCard('Stadtbibliothek');
    await annasBoard.addCluster('Netzwerke');
    for (const board of [annasBoard, bensBoard]) {
      await expect.poll(async () => (await board.cardsIn('In keinem Cluster')).sort(), POLL).toEqual(['Sportvereine', 'Stadtbibliothek']);
      await expect.poll(() => board.list.getByRole('heading', { level: 4, name: 'Netzwerke' }).count(), POLL).toBe(1);
    }
    expect(await accessibilityViolations(anna.page)).toEqual([]);
  });

  it('clusters cards with the keyboard only, and the other sees it', async () => {
    const bensBoard = new BoardPage(ben.page, BOARD);
    await bensBoard.clusterWithKeyboard('Sportvereine', 'Netzwerke');
    await bensBoard.clusterWithKeyboard('Stadtbibliothek', 'Netzwerke');
    const annasBoard = new BoardPage(anna.page, BOARD);
    await expect.poll(async () => (await annasBoard.cardsIn('Netzwerke')).sort(), POLL).toEqual(['Sportvereine', 'Stadtbibliothek']);
    expect(await annasBoard.cardsIn('In keinem Cluster')).toEqual([]);

    // Moving a card with the keyboard: select it from the list, then arrow keys on the board.
    const cardOn = (page: typeof ben.page) => page.locator('g[data-kind="card"]').filter({ hasText: 'Stadtbibliothek' });
    const before = await cardOn(anna.page).getAttribute('transform');
    await bensBoard.region.getByRole('button', { name: '„Stadtbibliothek“ auswählen, um es mit den Pfeiltasten zu verschieben' }).click();
    await ben.page.keyboard.press('Shift+ArrowDown');
    await expect.poll(() => cardOn(anna.page).getAttribute('transform'), POLL).not.toBe(before);
    const [x0, y0] = before!.match(/-?[\d.]+/g)!.map(Number);
    const [x1, y1] = (await cardOn(anna.page).getAttribute('transform'))!.match(/-?[\d.]+/g)!.map(Number);
    expect([x1! - x0!, y1! - y0!]).toEqual([0, 50]);
  });

  it('counts dots on the server, one limit per person, hidden until the moderation shows them', async () => {
    const moderation = new BoardPage(moderator.page, BOARD);
    await moderation.open();
    await moderation.region.getByRole('button', { name: 'Punkten auf Karten (3 Punkte pro Person)' }).click();
    const annasBoard = new BoardPage(anna.page, BOARD);
    const bensBoard = new BoardPage(ben.page, BOARD);
    await annasBoard.region.getByText('Punkten: noch 3 von 3 Punkten').waitFor();

    await annasBoard.vote('Sportvereine');
    await annasBoard.vote('Sportvereine');
    await annasBoard.vote('Stadtbibliothek');
    await annasBoard.region.getByText('Punkten: noch 0 von 3 Punkten').waitFor();
    // The limit: no fourth dot.
    expect(await annasBoard.region.getByRole('button', { name: 'Punkt auf „Sportvereine“' }).isDisabled()).toBe(true);
    await bensBoard.vote('Stadtbibliothek');
    await bensBoard.region.getByText('Punkten: noch 2 von 3 Punkten').waitFor();

    // Participants do not see the counts yet; the moderation does.
    expect(await bensBoard.list.getByText('2 Punkte').count()).toBe(0);
    await expect.poll(() => moderation.list.getByText('2 Punkte').count(), POLL).toBe(2);

    await moderation.region.getByRole('button', { name: 'Punkte allen zeigen' }).click();
    await expect.poll(() => bensBoard.list.getByText('2 Punkte').count(), POLL).toBe(2);
  });
});
