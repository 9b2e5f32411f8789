import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { AgendaPanel } from '../pages/agenda.js';
import { BoardPage } from '../pages/board.js';
import { PollsPage } from '../pages/polls.js';
import { BreakoutOverviewPage, RoomPage, setUpRound } from '../pages/breakouts.js';
import { WorkshopFrame } from '../pages/frame.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
// The real workshop's title and a description long enough to fill a phone's first screen.
const TITLE = 'Austauschtreffen Städtepartnerschaften';
const DESCRIPTION = `${'Mit diesem Angebot laden wir alle hauptamtlichen Mitarbeiter:innen in Kulturbüros ein, sich auszutauschen. '.repeat(6)}`;
// 200 characters with the long compound words German workshops write on their cards.
const LONG_CARD =
  'Städtepartnerschaftsvereinsvorsitzende und Bürgerschaftsengagementbeauftragte gemeinsam zur Jahresauftaktveranstaltung einladen, Austauschprogrammkoordinationsstellen einbinden und Jugendliche fördern';
const LONG_NAME = 'Bürgerschaftsengagementbeauftragte Kulturbüro Nordrhein-West';
const ROOMS = [
  { name: 'Städtepartnerschaftsvereinsvernetzung', task: 'Welche Partnerschaftsvereine gibt es in Ihrer Kommune?' },
  { name: 'Herausforderungen', task: 'Was erschwert die Vernetzung?' },
  { name: 'Ideen', task: 'Was wollen wir ausprobieren?' },
];

describe('the workshop frame: a cockpit at 1366x768, a stage on the phone', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let laptop: Actor;
  let phone: Actor;
  let participantLink = '';

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    laptop = await newActor(browser, 'Anna');
    phone = await newActor(browser, LONG_NAME);
    await moderator.page.setViewportSize(LAPTOP);
    await laptop.page.setViewportSize(LAPTOP);
    await phone.page.setViewportSize(PHONE);
    // Waiting ceilings only (never timed assertions): this scenario runs three browsers at once.
    for (const actor of [moderator, laptop, phone]) actor.context.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('prepares the workshop; the join page and the plenary fit the phone', async () => {
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: TITLE, date: '2026-11-20', time: '14:00', description: DESCRIPTION });
    participantLink = links.participant;
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    await new AgendaPanel(moderator.page).importTimetable(
      '14:00-14:05 Ankommen\n14:05-14:25 Breakout-Session Runde 1: Lokale Netzwerke\n14:25-14:30 Abschluss',
      3,
    );
    await setUpRound(moderator.page, 'Breakout-Session Runde 1', ROOMS, 3);

    await phone.page.goto(participantLink);
    await phone.page.getByLabel('Ihr Name').waitFor();
    const phoneFrame = new WorkshopFrame(phone.page);
    expect(await phoneFrame.widerThanWindow()).toEqual([]);
    expect((await phoneFrame.pageOverflow()).horizontal).toBe(false);
    expect(await accessibilityViolations(phone.page)).toEqual([]);
    await new JoinPage(phone.page).join(LONG_NAME);
    await laptop.page.goto(participantLink);
    await new JoinPage(laptop.page).join('Anna');

    // The plenary on the phone: nothing wider than the screen, the description folded away.
    await phone.page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect((await phoneFrame.pageOverflow()).horizontal).toBe(false);
    expect(await phoneFrame.widerThanWindow()).toEqual([]);
    expect(await phone.page.getByText(DESCRIPTION.trim()).isVisible()).toBe(false);
    expect(await phoneFrame.inViewport(phoneFrame.phoneNav)).toBe(true);
    expect(await accessibilityViolations(phone.page)).toEqual([]);
    expect(await accessibilityViolations(moderator.page)).toEqual([]);
  });

  it('keeps the clock, the run controls and the rooms on the moderator\'s screen during a breakout, without page scrolling', async () => {
    const agenda = new AgendaPanel(moderator.page);
    await agenda.control('Workshop starten');
    await agenda.control('Nächster Block');
    const overview = new BreakoutOverviewPage(moderator.page);
    await expect.poll(() => overview.phase.getAttribute('data-phase'), POLL).toBe('open');

    const frame = new WorkshopFrame(moderator.page);
    await frame.clock.waitFor();
    expect(await frame.clock.getAttribute('aria-label')).toMatch(/^Verbleibende Zeit: \d+:\d\d/);
    expect(await frame.inViewport(frame.clock)).toBe(true);
    expect(await frame.inViewport(frame.runControls)).toBe(true);
    expect(await frame.inViewport(frame.rooms)).toBe(true);
    // The message to all rooms stays at hand at the bottom of the stage.
    expect(await frame.inViewport(overview.region.getByLabel('Nachricht', { exact: true }))).toBe(true);
    const heights = await moderator.page.evaluate(() =>
      ['.frame-bar', '.frame-controls', '.frame-stage', '.frame-side', '.phone-nav', '.frame'].map((selector) => `${selector} ${document.querySelector(selector)?.getBoundingClientRect().height}`),
    );
    expect(await frame.pageOverflow(), heights.join(', ')).toEqual({ horizontal: false, vertical: false });
    expect(await accessibilityViolations(moderator.page)).toEqual([]);
  });

  it('shows a participant in a room the clock, the task and "Hilfe" without scrolling, on the laptop and on the phone', async () => {
    for (const actor of [laptop, phone]) {
      const room = new RoomPage(actor.page);
      await room.heading.waitFor();
      const frame = new WorkshopFrame(actor.page);
      expect(await frame.inViewport(frame.clock), actor.name).toBe(true);
      expect(await frame.inViewport(room.region.getByRole('button', { name: 'Moderation um Hilfe bitten' })), actor.name).toBe(true);
      expect(await frame.inViewport(room.region.locator('.room-members')), actor.name).toBe(true);
      expect(await accessibilityViolations(actor.page)).toEqual([]);
    }
    const laptopRoom = new RoomPage(laptop.page);
    expect(await new WorkshopFrame(laptop.page).inViewport(laptopRoom.task)).toBe(true);
    const phoneFrame = new WorkshopFrame(phone.page);
    expect(await phoneFrame.widerThanWindow()).toEqual([]);
    expect((await phoneFrame.pageOverflow()).horizontal).toBe(false);
  });

  it('lets people write cards on the board canvas itself: double-click, type, Enter for the next card', async () => {
    const board = new BoardPage(laptop.page, 'Pinnwand dieses Raums');
    // No form field stands between the board's heading and its canvas.
    const canvas = board.region.locator('svg.board-canvas');
    await canvas.waitFor();
    const fieldsAbove = await board.region.evaluate((region) => {
      const svg = region.querySelector('svg.board-canvas')!;
      return Array.from(region.querySelectorAll('input, textarea, select')).filter(
        (field) => field.compareDocumentPosition(svg) & Node.DOCUMENT_POSITION_FOLLOWING,
      ).length;
    });
    expect(fieldsAbove).toBe(0);
    const box = (await canvas.boundingBox())!;
    await canvas.dblclick({ position: { x: box.width / 3, y: box.height / 3 } });
    const editor = board.region.getByRole('textbox', { name: 'Kartentext auf der Tafel' });
    await expect.poll(() => editor.evaluate((element) => element === document.activeElement), POLL).toBe(true);
    await laptop.page.keyboard.type('Partnerschaftsvereine einbinden');
    await laptop.page.keyboard.press('Enter');
    await laptop.page.keyboard.type('Jugendaustausch');
    await laptop.page.keyboard.press('Enter');
    await laptop.page.keyboard.press('Escape');
    await expect.poll(() => board.cardsIn('In keinem Cluster'), POLL).toEqual(['Partnerschaftsvereine einbinden', 'Jugendaustausch']);
    expect(await accessibilityViolations(laptop.page)).toEqual([]);
  });

  it('shows a 200-character card in full on the canvas, long German words hyphenated inside the card', async () => {
    const board = new BoardPage(laptop.page, 'Pinnwand dieses Raums');
    const canvas = board.region.locator('svg.board-canvas');
    const text = LONG_CARD;
    expect(text.length).toBe(200);
    // A colour from the toolbar on the canvas, then write on the canvas by double-click.
    const toolbar = board.region.getByRole('toolbar', { name: 'Werkzeuge der Pinnwand' });
    await toolbar.getByRole('group', { name: 'Farbe' }).getByRole('button', { name: 'blau' }).click();
    expect(await toolbar.getByRole('button', { name: 'blau' }).getAttribute('aria-pressed')).toBe('true');
    const box = (await canvas.boundingBox())!;
    await canvas.dblclick({ position: { x: box.width * 0.7, y: box.height * 0.6 } });
    const editor = board.region.getByRole('textbox', { name: 'Kartentext auf der Tafel' });
    await expect.poll(() => editor.evaluate((element) => element === document.activeElement), POLL).toBe(true);
    await editor.fill(text);
    await laptop.page.keyboard.press('Enter');
    await laptop.page.keyboard.press('Escape');
    await expect.poll(() => board.cardsIn('In keinem Cluster'), POLL).toContain(text);

    // The card on the canvas: every line of its text, inside the card, in the chosen colour.
    const card = await expect
      .poll(
        () =>
          canvas.evaluate((svg, full) => {
            const normalise = (value: string) => value.replace(/\s+/g, '');
            for (const group of Array.from(svg.querySelectorAll('g'))) {
              const textNode = Array.from(group.children).find((child) => child.tagName === 'text' && child.getAttribute('data-role') !== 'author');
              const rect = Array.from(group.children).find((child) => child.tagName === 'rect') as SVGRectElement | undefined;
              if (!textNode || !rect) continue;
              const lines = Array.from(textNode.querySelectorAll('tspan')).map((line) => line.textContent ?? '');
              // Lines broken inside a word end with a hyphen the text does not have.
              const joined = lines.map((line, i) => (i < lines.length - 1 && line.endsWith('-') && !full.includes(line.trim()) ? line.slice(0, -1) : line)).join(' ');
              if (!normalise(joined).startsWith(normalise(full).slice(0, 20))) continue;
              const cardBox = rect.getBoundingClientRect();
              const textBox = textNode.getBoundingClientRect();
              return {
                complete: normalise(joined) === normalise(full),
                ellipsis: joined.includes('…'),
                inside: textBox.top >= cardBox.top && textBox.bottom <= cardBox.bottom + 1 && textBox.right <= cardBox.right + 1,
                hyphenated: lines.some((line) => /\p{L}-$/u.test(line) && !full.includes(`${line.trim()} `)),
                fill: rect.getAttribute('fill'),
                lines: lines.length,
              };
            }
            return null;
          }, text),
        POLL,
      )
      .toMatchObject({ complete: true, ellipsis: false, inside: true, hyphenated: true });
    void card;
    expect(await accessibilityViolations(laptop.page)).toEqual([]);
  });

  it('widens the board to the full width of the stage and back', async () => {
    const board = new BoardPage(laptop.page, 'Pinnwand dieses Raums');
    const toolbar = board.region.getByRole('toolbar', { name: 'Werkzeuge der Pinnwand' });
    const canvas = board.region.locator('svg.board-canvas');
    const before = (await canvas.boundingBox())!.width;
    const side = laptop.page.getByRole('complementary', { name: 'Seitenleiste' });
    expect(await side.isVisible()).toBe(true);
    await toolbar.getByRole('button', { name: 'Volle Breite' }).click();
    await expect.poll(async () => (await canvas.boundingBox())!.width > before * 1.5, POLL).toBe(true);
    expect(await side.isVisible()).toBe(false);
    expect(await new WorkshopFrame(laptop.page).pageOverflow()).toEqual({ horizontal: false, vertical: false });
    await toolbar.getByRole('button', { name: 'Volle Breite' }).click();
    await expect.poll(() => side.isVisible(), POLL).toBe(true);
  });

  it('keeps the cockpit while the moderator visits a room, and counts help requests in the top bar', async () => {
    const anna = new RoomPage(laptop.page);
    const annasRoom = await anna.heading.innerText();
    await anna.askForHelp();
    const frame = new WorkshopFrame(moderator.page);
    await expect.poll(() => frame.topBar.getByTestId('help-badge').innerText(), POLL).toBe('Hilferufe: 1');
    await frame.topBar.getByTestId('help-badge').click();
    await expect.poll(() => moderator.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), POLL).toBe('Räume');

    await frame.rooms.getByRole('region', { name: 'Hilferufe' }).getByRole('button', { name: `Zu ${annasRoom} gehen` }).click();
    await expect.poll(() => new RoomPage(moderator.page).heading.innerText(), POLL).toBe(annasRoom);
    expect(await frame.inViewport(frame.clock)).toBe(true);
    expect(await frame.inViewport(frame.runControls)).toBe(true);
    expect(await frame.inViewport(frame.rooms)).toBe(true);
    const back = frame.topBar.getByRole('button', { name: 'Zurück ins Plenum' });
    expect(await frame.inViewport(back)).toBe(true);
    expect(await frame.pageOverflow()).toEqual({ horizontal: false, vertical: false });
    expect(await accessibilityViolations(moderator.page)).toEqual([]);

    await back.click();
    await new RoomPage(moderator.page).region.waitFor({ state: 'detached' });
    expect(await frame.inViewport(frame.rooms)).toBe(true);
  });

  it('moves the focus to a panel chosen in the phone\'s bottom bar', async () => {
    const frame = new WorkshopFrame(phone.page);
    await frame.phoneNav.getByRole('button', { name: 'Personen' }).click();
    await expect.poll(() => phone.page.evaluate(() => document.activeElement?.id), POLL).toBe('panel-people');
    expect(await frame.inViewport(phone.page.getByRole('region', { name: /^Personen/ }))).toBe(true);
    await frame.phoneNav.getByRole('button', { name: 'Bühne' }).click();
    await expect.poll(() => phone.page.evaluate(() => document.activeElement?.id), POLL).toBe('content');
  });

  it('lets the phone answer a poll and read its results at full text size, without sideways scrolling', async () => {
    const overview = new BreakoutOverviewPage(moderator.page);
    await overview.region.getByRole('button', { name: 'Alle Räume jetzt schließen' }).click();
    // Closing every room asks first.
    await moderator.page.getByRole('dialog', { name: 'Alle Räume jetzt schließen?' }).getByRole('button', { name: 'Alle Räume jetzt schließen' }).click();
    await new RoomPage(phone.page).region.waitFor({ state: 'detached', timeout: 15_000 });

    const question = 'Wie gut kennen Sie die Partnerschaftsvereine Ihrer Kommune?';
    const options = ['Städtepartnerschaftsvereinsvorsitzende persönlich', 'vom Hörensagen', 'gar nicht'];
    const moderation = new PollsPage(moderator.page);
    await moderation.createChoicePoll(question, options, 'Nur die Moderation (bis zur Freigabe)');
    await moderation.poll(question).getByRole('button', { name: 'Umfrage starten' }).click();
    // The start button goes away: the focus lands on the open poll, not on the page's start.
    await expect.poll(() => moderator.page.evaluate(() => document.activeElement?.querySelector('h3')?.textContent), POLL).toBe(question);
    const polls = new PollsPage(phone.page);
    await polls.poll(question).getByRole('button', { name: 'Antwort senden' }).waitFor();
    // The open poll is a landmark of its own ("Umfrage"), for the moderator and for the phone.
    for (const page of [moderator.page, phone.page]) {
      await expect.poll(() => page.getByRole('region', { name: 'Umfrage', exact: true }).getByRole('heading', { name: question }).count(), POLL).toBe(1);
    }
    const frame = new WorkshopFrame(phone.page);
    expect(await frame.widerThanWindow()).toEqual([]);
    expect((await frame.pageOverflow()).horizontal).toBe(false);
    await polls.answer(question, options[0]!);

    await moderation.poll(question).getByRole('button', { name: 'Umfrage schließen' }).click();
    // A closed poll leaves the open-poll region (and the focus stays on it).
    await expect.poll(() => moderator.page.getByRole('region', { name: 'Umfrage', exact: true }).count(), POLL).toBe(0);
    await expect.poll(() => moderator.page.evaluate(() => document.activeElement?.querySelector('h3')?.textContent), POLL).toBe(question);
    await moderation.poll(question).getByRole('button', { name: 'Ergebnisse allen zeigen' }).click();
    await expect.poll(() => polls.resultLines(question), POLL).toEqual([`${options[0]}: 1 (100 %)`, `${options[1]}: 0 (0 %)`, `${options[2]}: 0 (0 %)`]);
    const chart = polls.poll(question).locator('svg.poll-chart');
    expect(await chart.getAttribute('data-layout')).toBe('stacked');
    // Drawn at the screen's width, the labels keep their 14 px (never below 12 px on screen).
    const labelHeights = await chart.locator('.chart-label').evaluateAll((labels) => labels.map((label) => label.getBoundingClientRect().height));
    expect(labelHeights.length).toBe(3);
    for (const height of labelHeights) expect(height).toBeGreaterThanOrEqual(12);
    expect(await frame.widerThanWindow()).toEqual([]);
    expect((await frame.pageOverflow()).horizontal).toBe(false);
    expect(await accessibilityViolations(phone.page)).toEqual([]);

    // The phone's board starts as its list; the picture opens on request.
    const board = new BoardPage(phone.page, 'Pinnwand des Plenums');
    await board.open();
    expect(await board.region.locator('details.board-canvas-details').evaluate((details) => (details as HTMLDetailsElement).open)).toBe(false);
    expect(await board.list.isVisible()).toBe(true);
  });

  it('folds side panel sections away, keeps them folded after a reload of the tab, and unfolds a section chosen in the jump list', async () => {
    const page = laptop.page;
    const side = page.getByRole('complementary', { name: 'Seitenleiste' });
    const people = side.getByRole('region', { name: /^Personen/ });
    const toggle = side.getByRole('button', { name: 'Personen', exact: true, expanded: true });
    await toggle.click();
    const folded = side.getByRole('button', { name: 'Personen', exact: true, expanded: false });
    await folded.waitFor();
    expect(await people.isVisible()).toBe(false);
    expect(await folded.getAttribute('aria-controls')).toBe('panel-body-people');
    // The other sections stay open.
    expect(await side.getByRole('button', { name: 'Ablauf', exact: true, expanded: true }).count()).toBe(1);

    await page.reload();
    await folded.waitFor();
    expect(await people.isVisible()).toBe(false);

    // The keyboard works the disclosure too.
    await folded.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => people.isVisible(), POLL).toBe(true);
    await side.getByRole('button', { name: 'Personen', exact: true, expanded: true }).click();
    await folded.waitFor();

    // Choosing the folded section in the jump list opens it and moves the focus there.
    await side.getByRole('navigation', { name: 'Springen zu' }).getByRole('button', { name: 'Personen' }).click();
    await expect.poll(() => people.isVisible(), POLL).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('panel-people');
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
