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

describe('dots on the plenary board a participant opens on demand', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  /** A fresh workshop with a card on the plenary board: the moderation has the board at once, the participant has not opened it. */
  async function workshopWithCard(card: string) {
    const moderator = await newActor(browser, 'Mara');
    const participant = await newActor(browser, 'Paul');
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Werkstatt', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    await participant.page.goto(links.participant);
    await new JoinPage(participant.page).join('Paul');
    const moderation = new BoardPage(moderator.page, BOARD);
    await moderation.open();
    await moderation.addCard(card);
    await expect.poll(() => moderation.cardsIn('In keinem Cluster'), POLL).toEqual([card]);
    const participants = new BoardPage(participant.page, BOARD);
    // Not opened yet: the plenary's board waits behind its button.
    await participants.region.getByRole('button', { name: 'Pinnwand öffnen' }).waitFor();
    return { moderator, participant, moderation, participants };
  }

  it('counts the dot of a participant who opened the board before voting started', async () => {
    const { moderator, participant, moderation, participants } = await workshopWithCard('Sportvereine');
    await participants.open();
    await expect.poll(() => participants.cardsIn('In keinem Cluster'), POLL).toEqual(['Sportvereine']);

    await moderation.startVoting();
    await participants.region.getByText('Punkten: noch 3 von 3 Punkten').waitFor();
    await participants.vote('Sportvereine');
    await participants.region.getByText('Punkten: noch 2 von 3 Punkten').waitFor();
    await expect.poll(() => moderation.dotsOn('Sportvereine'), POLL).toBe('1 Punkt');

    await moderation.showDots();
    await expect.poll(() => participants.dotsOn('Sportvereine'), POLL).toBe('1 Punkt');
    await Promise.all([moderator.context.close(), participant.context.close()]);
  });

  it('counts the dot of a participant who opens the board after voting started', async () => {
    const { moderator, participant, moderation, participants } = await workshopWithCard('Stadtbibliothek');
    await moderation.startVoting();
    await moderation.region.getByRole('button', { name: 'Punkten beenden' }).waitFor();

    await participants.open();
    await participants.region.getByText('Punkten: noch 3 von 3 Punkten').waitFor();
    await participants.vote('Stadtbibliothek');
    await participants.region.getByText('Punkten: noch 2 von 3 Punkten').waitFor();
    await expect.poll(() => moderation.dotsOn('Stadtbibliothek'), POLL).toBe('1 Punkt');

    await moderation.showDots();
    await expect.poll(() => participants.dotsOn('Stadtbibliothek'), POLL).toBe('1 Punkt');
    await Promise.all([moderator.context.close(), participant.context.close()]);
  });
});
