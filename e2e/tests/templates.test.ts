import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { AgendaPanel } from '../pages/agenda.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };

describe('starting a workshop from a template', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start({ TEMPLATE_KEY: 'vorlagen-2027' });
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Kai');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  const titles = (agenda: AgendaPanel) => agenda.items.locator('.agenda-item-title').allInnerTexts();

  it('creates from the built-in exchange meeting, saves it as a file and starts the next date from that file', async () => {
    const page = moderator.page;
    const create = new CreateWorkshopPage(page);
    await create.goto(server.url);
    await page.getByRole('radio', { name: /Austauschtreffen \(2 Stunden\)/ }).check();
    expect(await accessibilityViolations(page)).toEqual([]);
    await create.create({ title: 'Zweites Austauschtreffen', date: '2027-01-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(page).join('Kai Heddergott');

    const agenda = new AgendaPanel(page);
    await expect.poll(() => agenda.items.count(), POLL).toBe(11);
    const original = await titles(agenda);
    expect(original[9]).toBe('Abschlussrunde: Zusammenführung der wichtigsten Erkenntnisse aus den Breakouts');
    // The workshop's description came from the template, as the form was left empty.
    await page.getByText(/Austauschtreffen für Fachleute aus verschiedenen Kommunen/).first().waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), agenda.region.getByRole('button', { name: 'Als Vorlage speichern' }).click()]);
    expect(download.suggestedFilename()).toBe('Zweites-Austauschtreffen.werkraum-template.json');
    const file = await download.path();
    const saved = JSON.parse(await readFile(file, 'utf8')) as { name: string; agenda: { blocks: unknown[] }; polls: unknown[]; rounds: unknown[] };
    expect([saved.name, saved.agenda.blocks.length, saved.polls.length, saved.rounds.length]).toEqual(['Zweites Austauschtreffen', 11, 2, 2]);
    expect(JSON.stringify(saved)).not.toContain('Heddergott');

    // The third meeting starts from the file.
    await create.goto(server.url);
    await page.getByLabel('Oder einer Vorlagendatei (.json)').setInputFiles(file);
    await page.getByText('Vorlagendatei: Zweites Austauschtreffen').waitFor();
    await create.create({ title: 'Drittes Austauschtreffen', date: '2027-03-10', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(page).join('Kai Heddergott');
    await expect.poll(() => agenda.items.count(), POLL).toBe(11);
    expect(await titles(agenda)).toEqual(original);
  });

  it('says plainly when a file is not a template, and when the server refuses one', async () => {
    const page = moderator.page;
    const create = new CreateWorkshopPage(page);
    await create.goto(server.url);
    const input = page.getByLabel('Oder einer Vorlagendatei (.json)');
    await input.setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": "world"}') });
    await page.getByText('Diese Datei ist keine Werkraum-Vorlage.').waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');

    const broken = {
      kind: 'werkraum.workshop-template',
      formatVersion: 1,
      name: 'Kaputt',
      language: 'de',
      agenda: { blocks: [{ key: 'a', title: 'Ankommen', type: 'arrival', plannedMinutes: 5 }] },
      rounds: [{ blockKey: 'a', assignmentMode: 'random', rooms: [{ name: 'Raum 1' }] }],
    };
    await input.setInputFiles({ name: 'kaputt.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    await page.getByText('Vorlagendatei: Kaputt').waitFor();
    await create.submit({ title: 'Mit kaputter Vorlage', date: '2027-01-20', time: '14:00' });
    await expect.poll(() => page.getByText(/Die Vorlage ist nicht verwendbar: .*template\.rounds\.0\.blockKey/).count(), POLL).toBe(1);
    expect(await page.getByRole('heading', { level: 1, name: 'Workshop anlegen' }).count()).toBe(1);
  });

  it('keeps a format in the server\'s template library for everyone who holds the key', async () => {
    const page = moderator.page;
    const create = new CreateWorkshopPage(page);
    await create.goto(server.url);
    await page.getByRole('radio', { name: /Input und Diskussion \(90 Minuten\)/ }).check();
    await create.create({ title: 'Städtepartnerschaften digital', date: '2027-01-15', time: '17:30' });
    await create.openAsModerator();
    await new JoinPage(page).join('Dr. Kai Pfundheller');
    const agenda = new AgendaPanel(page);
    await expect.poll(() => agenda.items.count(), POLL).toBe(7);

    await agenda.region.getByRole('button', { name: 'In der Vorlagenbibliothek speichern' }).click();
    const dialog = page.getByRole('dialog', { name: 'In der Vorlagenbibliothek speichern' });
    await dialog.getByLabel('Vorlagen-Schlüssel').fill('geraten');
    await dialog.getByRole('button', { name: 'Speichern' }).click();
    await dialog.getByText('gültigen Vorlagen-Schlüssel').waitFor(POLL);
    await dialog.getByLabel('Vorlagen-Schlüssel').fill('vorlagen-2027');
    await dialog.getByRole('button', { name: 'Speichern' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('„Städtepartnerschaften digital“ ist in der Vorlagenbibliothek.').waitFor(POLL);

    // A colleague's browser: the library shows after entering the key.
    const colleague = await newActor(browser, 'Sigmar');
    const other = new CreateWorkshopPage(colleague.page);
    await other.goto(server.url);
    expect(await colleague.page.getByRole('radio', { name: /Städtepartnerschaften digital/ }).count()).toBe(0);
    await colleague.page.getByText('Vorlagenbibliothek dieses Servers (mit Schlüssel)').click();
    await colleague.page.getByLabel('Vorlagen-Schlüssel').fill('vorlagen-2027');
    await colleague.page.getByRole('button', { name: 'Bibliothek anzeigen' }).click();
    await colleague.page.getByRole('radio', { name: /Städtepartnerschaften digital/ }).check();
    await other.create({ title: 'Transfer-Seminar', date: '2027-01-29', time: '17:30' });
    await other.openAsModerator();
    await new JoinPage(colleague.page).join('Sigmar Fischer');
    const copied = new AgendaPanel(colleague.page);
    await expect.poll(() => copied.items.count(), POLL).toBe(7);
    expect(await titles(copied)).toEqual(await titles(agenda));
  });
});
