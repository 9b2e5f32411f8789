import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { AgendaPanel } from '../pages/agenda.js';
import { BreakoutOverviewPage, RoomPage, setUpRound } from '../pages/breakouts.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
const ROOMS = [
  { name: 'Netzwerke', task: 'Welche lokalen Netzwerke gibt es?' },
  { name: 'Herausforderungen', task: 'Was erschwert die Vernetzung?' },
  { name: 'Ideen', task: 'Was wollen wir ausprobieren?' },
];

describe('breakout rounds: rooms, tasks, messages, help and the way back', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let participants: Actor[];

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    participants = await Promise.all(['Anna', 'Ben', 'Chris', 'Dana', 'Emil', 'Fatma'].map((name) => newActor(browser, name)));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('prepares a round of three rooms with tasks on the breakout block, and six people join', async () => {
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Austauschtreffen', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    await new AgendaPanel(moderator.page).importTimetable(
      '14:00-14:05 Ankommen\n14:05-14:25 Breakout-Session Runde 1: Lokale Netzwerke\n14:25-14:30 Abschluss',
      3,
    );
    await setUpRound(moderator.page, 'Breakout-Session Runde 1', ROOMS, 3);
    await expect.poll(() => moderator.page.getByText('3 Räume · Zufällig (gleich groß)').count(), POLL).toBe(1);

    for (const participant of participants) {
      await participant.page.goto(links.participant);
      await new JoinPage(participant.page).join(participant.name);
    }
    expect(await accessibilityViolations(moderator.page)).toEqual([]);
  });

  it('opens the rooms when the block starts: everyone sees their room and its task, two per room', async () => {
    const agenda = new AgendaPanel(moderator.page);
    await agenda.control('Workshop starten');
    await agenda.control('Nächster Block');
    await expect.poll(() => new BreakoutOverviewPage(moderator.page).phase.getAttribute('data-phase'), POLL).toBe('open');

    const roomOf = new Map<string, string>();
    for (const participant of participants) {
      const room = new RoomPage(participant.page);
      await room.heading.waitFor();
      const name = await room.heading.innerText();
      const expected = ROOMS.find((candidate) => candidate.name === name);
      expect(expected, `${participant.name} is in "${name}"`).toBeDefined();
      expect(await room.task.innerText()).toBe(expected!.task);
      roomOf.set(participant.name, name);
    }
    const sizes = ROOMS.map((room) => [...roomOf.values()].filter((name) => name === room.name).length);
    expect(sizes).toEqual([2, 2, 2]);
    // The moderation stays in the plenary with the overview.
    expect(await new RoomPage(moderator.page).region.count()).toBe(0);
    expect(await accessibilityViolations(participants[0]!.page)).toEqual([]);
    expect(await accessibilityViolations(moderator.page)).toEqual([]);
  });

  it('brings a message of the moderation to every room', async () => {
    await new BreakoutOverviewPage(moderator.page).broadcast('Noch fünf Minuten, bitte Ergebnisse notieren');
    for (const participant of participants) {
      await expect
        .poll(() => new RoomPage(participant.page).broadcasts.first().innerText(), POLL)
        .toBe('Nachricht der Moderation: Noch fünf Minuten, bitte Ergebnisse notieren');
    }
  });

  it('lets a room ask for help, and the moderator goes there with one click', async () => {
    const anna = participants[0]!;
    const annasRoom = await new RoomPage(anna.page).heading.innerText();
    await new RoomPage(anna.page).askForHelp();
    const overview = new BreakoutOverviewPage(moderator.page);
    await overview.region.getByText(`Anna bittet in ${annasRoom} um Hilfe`).waitFor();
    await overview.region.getByRole('region', { name: 'Hilferufe' }).getByRole('button', { name: `Zu ${annasRoom} gehen` }).click();
    await expect.poll(() => new RoomPage(moderator.page).heading.innerText(), POLL).toBe(annasRoom);
    // Anna sees the moderator in her room.
    await expect.poll(() => new RoomPage(anna.page).region.locator('.room-members').innerText(), POLL).toContain('Mara');
    await moderator.page.getByRole('button', { name: 'Zurück ins Plenum' }).click();
    await new RoomPage(moderator.page).region.waitFor({ state: 'detached' });
    await new BreakoutOverviewPage(moderator.page).region.waitFor();
  });

  it('calls everyone back: a countdown in every room when the block ends, then the plenary', async () => {
    await new AgendaPanel(moderator.page).control('Nächster Block');
    for (const participant of participants) {
      // With a grace of three seconds the notice shows, then the room gives way to the plenary.
      await expect.poll(async () => (await new RoomPage(participant.page).region.count()) === 0, POLL).toBe(true);
      await participant.page.getByRole('heading', { level: 1, name: 'Austauschtreffen' }).waitFor();
    }
    await expect.poll(() => new AgendaPanel(participants[0]!.page).currentTitle.innerText(), POLL).toBe('Abschluss');
  });
});
