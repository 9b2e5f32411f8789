import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { CreateWorkshopPage, JoinPage, WorkshopView } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };

/** The people list of an actor as "name · role · state" lines, sorted. */
async function peopleLines(actor: Actor): Promise<string[]> {
  const entries = await new WorkshopView(actor.page).people.all();
  const lines = await Promise.all(
    entries.map(async (entry) =>
      [
        (await entry.locator('.person-name').innerText()).replace(/ \(Sie\)$/, ''),
        await entry.locator('.person-role').innerText(),
        await entry.locator('.person-connection').innerText(),
      ].join(' · '),
    ),
  );
  return lines.sort();
}

describe('a moderator creates a workshop and people join by link and name', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let participants: Actor[];
  let links: { moderator: string; coModerator: string; participant: string };

  const everyone = () => [moderator, ...participants];
  const expectedPeople = [
    'Anna · Teilnehmende:r · online',
    'Ben · Teilnehmende:r · online',
    'Chris · Teilnehmende:r · online',
    'Mara · Moderation · online',
  ];

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    participants = await Promise.all(['Anna', 'Ben', 'Chris'].map((name) => newActor(browser, name)));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('creates the workshop in the UI and hands out three links', async () => {
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    expect(await accessibilityViolations(moderator.page)).toEqual([]);

    // The form refuses an empty title with a message tied to the field.
    await moderator.page.getByRole('button', { name: 'Workshop anlegen' }).click();
    await expect.poll(() => moderator.page.getByLabel('Titel').getAttribute('aria-invalid'), POLL).toBe('true');

    links = await create.create({
      title: 'Städtepartnerschaften digital',
      date: '2026-12-15',
      time: '17:30',
      description: 'Online-Workshop für zivilgesellschaftliche Akteure',
      moderatorNames: 'Dr. Kai Pfundheller',
    });
    for (const link of Object.values(links)) expect(link).toMatch(new RegExp(`^${server.url}/w/[\\w-]+/join#[\\w-]{22,}$`));
    expect(new Set(Object.values(links)).size).toBe(3);
    expect(await accessibilityViolations(moderator.page)).toEqual([]);
  });

  it('lets the moderator and three participants in; everyone sees four people with roles', async () => {
    await new CreateWorkshopPage(moderator.page).openAsModerator();
    await moderator.page.getByRole('heading', { name: /beitreten/ }).waitFor();
    await expect.poll(() => moderator.page.getByText('Sie treten bei als: Moderation').count(), POLL).toBe(1);
    await new JoinPage(moderator.page).join('Mara');

    for (const participant of participants) {
      await participant.page.goto(links.participant);
      await participant.page.getByText('Sie treten bei als: Teilnehmende:r').waitFor();
      expect(await accessibilityViolations(participant.page)).toEqual([]);
      await new JoinPage(participant.page).join(participant.name, { listInDocumentation: participant.name === 'Anna' });
    }

    for (const actor of everyone()) {
      await expect.poll(() => peopleLines(actor), POLL).toEqual(expectedPeople);
      await expect.poll(() => new WorkshopView(actor.page).me.locator('.person-name').innerText(), POLL).toBe(`${actor.name} (Sie)`);
    }
    expect(await accessibilityViolations(moderator.page)).toEqual([]);
  });

  it('brings a person back as the same person after a reload or when the link is opened again', async () => {
    const ben = participants[1]!;
    const before = await new WorkshopView(ben.page).me.getAttribute('data-person-id');
    await ben.page.reload();
    await new WorkshopView(ben.page).waitUntilJoined();
    await expect.poll(() => new WorkshopView(ben.page).me.getAttribute('data-person-id'), POLL).toBe(before);
    for (const actor of everyone()) await expect.poll(() => peopleLines(actor), POLL).toEqual(expectedPeople);

    // Opening the link again in the same browser also resumes instead of asking for a name.
    await ben.page.goto(links.participant);
    await new WorkshopView(ben.page).waitUntilJoined();
    await expect.poll(() => new WorkshopView(ben.page).me.getAttribute('data-person-id'), POLL).toBe(before);
    expect(ben.page.url()).not.toContain('#');
  });

  it('keeps the workshop and every person through a server restart', async () => {
    await server.stop();
    await expect.poll(() => new WorkshopView(moderator.page).connectionStatus().getAttribute('data-connection'), POLL).toBe('reconnecting');

    await server.start();
    for (const actor of everyone()) {
      await expect.poll(() => new WorkshopView(actor.page).connectionStatus().getAttribute('data-connection'), POLL).toBe('connected');
      await expect.poll(() => peopleLines(actor), POLL).toEqual(expectedPeople);
    }

    // A newcomer after the restart sees the same workshop.
    const late = await newActor(browser, 'Dana');
    await late.page.goto(links.participant);
    await late.page.getByRole('heading', { name: '„Städtepartnerschaften digital“ beitreten' }).waitFor();
    await new JoinPage(late.page).join('Dana');
    await expect.poll(() => peopleLines(moderator), POLL).toContain('Dana · Teilnehmende:r · online');
    await late.context.close();
    await expect.poll(() => peopleLines(moderator), POLL).toContain('Dana · Teilnehmende:r · verbindet neu');
  });

  it('lets the moderator rename, promote and remove people; the others see it live', async () => {
    const view = new WorkshopView(moderator.page);
    const anna = participants[0]!;
    const chris = participants[2]!;

    await view.personAction('Anna', 'Zur Co-Moderation machen');
    await expect.poll(() => peopleLines(anna), POLL).toContain('Anna · Co-Moderation · online');
    await anna.page.getByText('Ihre Rolle: Co-Moderation').waitFor();

    await view.personAction('Ben', 'Umbenennen');
    const dialog = moderator.page.getByRole('dialog', { name: 'Ben umbenennen' });
    await dialog.getByLabel('Neuer Name').fill('Benjamin');
    await dialog.getByRole('button', { name: 'Speichern' }).click();
    await expect.poll(() => peopleLines(chris), POLL).toContain('Benjamin · Teilnehmende:r · online');

    await view.personAction('Chris', 'Aus dem Workshop entfernen');
    await moderator.page.getByRole('dialog', { name: 'Chris entfernen?' }).getByRole('button', { name: 'Entfernen' }).click();
    await chris.page.getByText('Die Moderation hat Sie aus diesem Workshop entfernt.').waitFor();
    await expect.poll(async () => (await peopleLines(anna)).some((line) => line.startsWith('Chris')), POLL).toBe(false);

    // Chris's browser cannot come back as Chris: the link asks for a name again.
    await chris.page.goto(links.participant);
    await chris.page.getByLabel('Ihr Name').waitFor();
    await expect.poll(() => chris.page.getByRole('button', { name: /Weiter als/ }).count(), POLL).toBe(0);
  });
});
