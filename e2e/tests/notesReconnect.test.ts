import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { NotesPage } from '../pages/notes.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

/** Well below the 45 s after which a token is renewed anyway: the notes must come back on their own. */
const BACK = { timeout: 15_000, interval: 100 };
const PLENARY_NOTES = 'Notizen des Plenums';

describe('notes reconnect as soon as the connection is back', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let participant: Actor;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    participant = await newActor(browser, 'Stephanie');
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Kulturwerkstatt', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    await participant.page.goto(links.participant);
    await new JoinPage(participant.page).join('Stephanie');
    await new NotesPage(moderator.page, PLENARY_NOTES).ready();
    await new NotesPage(participant.page, PLENARY_NOTES).ready();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  const connection = (actor: Actor) => actor.page.locator('[data-connection]').first().getAttribute('data-connection');

  it('after a few seconds offline, the notes are connected again and edits go out', async () => {
    const notes = new NotesPage(participant.page, PLENARY_NOTES);
    await participant.context.setOffline(true);
    await expect.poll(() => notes.status.getAttribute('data-status'), BACK).toBe('offline');
    // A short outage, as on a train or a flaky Wi-Fi. Emulated offline keeps open WebSockets, which a
    // real outage drops: a server restart meanwhile drops them, so the workshop connection too must
    // come back and resume the session before the notes can have a token.
    await server.stop();
    await expect.poll(() => connection(participant), BACK).not.toBe('connected');
    await server.start();
    // The server is back and the others are in again, while this person is still offline.
    await expect.poll(() => connection(moderator), BACK).toBe('connected');
    expect(await connection(participant)).not.toBe('connected');
    await participant.context.setOffline(false);
    await expect.poll(() => connection(participant), BACK).toBe('connected');
    await expect.poll(() => notes.status.getAttribute('data-status'), BACK).toBe('connected');
    await notes.type(' Nach dem Funkloch');
    await expect.poll(() => new NotesPage(moderator.page, PLENARY_NOTES).editor.innerText(), BACK).toContain('Nach dem Funkloch');
  });

  it('after a server restart, the notes are connected again and edits go out', async () => {
    await server.stop();
    const notes = new NotesPage(participant.page, PLENARY_NOTES);
    await expect.poll(() => notes.status.getAttribute('data-status'), BACK).not.toBe('connected');
    await server.start();
    await expect.poll(() => connection(participant), BACK).toBe('connected');
    await expect.poll(() => notes.status.getAttribute('data-status'), BACK).toBe('connected');
    await expect.poll(() => new NotesPage(moderator.page, PLENARY_NOTES).status.getAttribute('data-status'), BACK).toBe('connected');
    await notes.type(' Nach dem Neustart');
    await expect.poll(() => new NotesPage(moderator.page, PLENARY_NOTES).editor.innerText(), BACK).toContain('Nach dem Neustart');
  });
});
