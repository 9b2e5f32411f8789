import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { CreateWorkshopPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };

describe('a server with a create key', () => {
  let server: ServerProcess;
  let browser: Browser;
  let organiser: Actor;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start({ CREATE_KEY: 'werkstatt-2026' });
    browser = await launchBrowser();
    organiser = await newActor(browser, 'Olga');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('asks for the key in the create form, refuses a wrong one at the field, and creates with the right one', async () => {
    const create = new CreateWorkshopPage(organiser.page);
    await create.goto(server.url);
    await create.createKey.waitFor();
    expect(await accessibilityViolations(organiser.page)).toEqual([]);

    const workshop = { title: 'Vereinsforum', date: '2026-12-15', time: '18:00' };
    await create.submit({ ...workshop, createKey: 'geraten' });
    await expect.poll(() => create.createKey.getAttribute('aria-invalid'), POLL).toBe('true');
    await expect.poll(() => organiser.page.getByText('Anlege-Schlüssel, um Workshops anzulegen').count(), POLL).toBe(1);

    const links = await create.create({ ...workshop, createKey: 'werkstatt-2026' });
    expect(links.participant).toMatch(new RegExp(`^${server.url}/w/[\\w-]+/join#`));
  });
});
