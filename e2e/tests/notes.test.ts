import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { AgendaPanel } from '../pages/agenda.js';
import { BreakoutOverviewPage, RoomPage, setUpRound } from '../pages/breakouts.js';
import { NotesPage } from '../pages/notes.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
const ROOM_NOTES = 'Notizen dieses Raums';

/** How many updates the browser has stored for its room's notes (IndexedDB, one database per document). */
async function storedUpdates(actor: Actor): Promise<number> {
  return actor.page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((database) => database.name ?? '').filter((name) => name.startsWith('werkraum:notes:') && !name.endsWith(':plenary'));
    let count = 0;
    for (const name of names) {
      count += await new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const database = open.result;
          const counting = database.transaction('updates').objectStore('updates').count();
          counting.onsuccess = () => {
            resolve(counting.result);
            database.close();
          };
          counting.onerror = () => reject(counting.error);
        };
      });
    }
    return count;
  });
}

describe('notes per breakout room: co-editing with carets, closed to others, read-only afterwards', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let participants: Actor[];
  let workshopUrl: string;
  /** People by the room they landed in. */
  const rooms = new Map<string, Actor[]>();

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    participants = await Promise.all(['Anna', 'Ben', 'Chris', 'Dana'].map((name) => newActor(browser, name)));
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Werkstatt', date: '2026-11-20', time: '14:00' });
    workshopUrl = links.participant.replace(/\/join#.*$/, '');
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    await new AgendaPanel(moderator.page).importTimetable('14:00-14:05 Ankommen\n14:05-14:25 Breakout: Netzwerke\n14:25-14:30 Abschluss', 3);
    await setUpRound(
      moderator.page,
      'Breakout: Netzwerke',
      [
        { name: 'Nord', task: 'Was verbindet uns?' },
        { name: 'Süd', task: 'Was trennt uns?' },
      ],
      60,
    );
    for (const participant of participants) {
      await participant.page.goto(links.participant);
      await new JoinPage(participant.page).join(participant.name);
    }
    const agenda = new AgendaPanel(moderator.page);
    await agenda.control('Workshop starten');
    await agenda.control('Nächster Block');
    for (const participant of participants) {
      const name = await new RoomPage(participant.page).heading.innerText();
      rooms.set(name, [...(rooms.get(name) ?? []), participant]);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('lets two people of a room write together and see each other’s text and caret', async () => {
    expect([...rooms.values()].map((members) => members.length)).toEqual([2, 2]);
    const [first, second] = rooms.get('Nord')!;
    const notesOfFirst = new NotesPage(first!.page, ROOM_NOTES);
    const notesOfSecond = new NotesPage(second!.page, ROOM_NOTES);
    await notesOfFirst.ready();
    await notesOfSecond.ready();

    await notesOfFirst.type('Vereine und Schulen');
    await expect.poll(() => notesOfSecond.editor.innerText(), POLL).toContain('Vereine und Schulen');
    await notesOfSecond.type(' – und die Bibliothek');
    await expect.poll(() => notesOfFirst.editor.innerText(), POLL).toContain('Vereine und Schulen – und die Bibliothek');

    // Each sees the other's caret with their name.
    await expect.poll(() => notesOfFirst.caretLabels.allInnerTexts(), POLL).toContain(second!.name);
    await expect.poll(() => notesOfSecond.caretLabels.allInnerTexts(), POLL).toContain(first!.name);
    await expect.poll(() => notesOfFirst.status.innerText(), POLL).toBe('Gespeichert');
    expect(await accessibilityViolations(first!.page)).toEqual([]);
  });

  it('keeps a room’s notes from people in the other room', async () => {
    const [other] = rooms.get('Süd')!;
    const theirNotes = new NotesPage(other!.page, ROOM_NOTES);
    await theirNotes.ready();
    expect(await theirNotes.editor.innerText()).not.toContain('Vereine und Schulen');
    await theirNotes.type('Zu wenig Zeit');
    const [north] = rooms.get('Nord')!;
    await expect.poll(() => new NotesPage(north!.page, ROOM_NOTES).editor.innerText(), POLL).toContain('Bibliothek');
    expect(await new NotesPage(north!.page, ROOM_NOTES).editor.innerText()).not.toContain('Zu wenig Zeit');
  });

  it('keeps writing through a lost connection and loses nothing when the tab is closed meanwhile', async () => {
    const [writer, reader] = rooms.get('Süd')!;
    const notes = new NotesPage(writer!.page, ROOM_NOTES);
    await writer!.context.setOffline(true);
    await expect.poll(() => notes.status.getAttribute('data-status'), POLL).not.toBe('connected');
    const before = await storedUpdates(writer!);
    const typed = ' · offline notiert';
    await notes.type(typed);
    // Every keystroke is one update in the browser's own storage; wait until all are written.
    await expect.poll(() => storedUpdates(writer!), POLL).toBeGreaterThanOrEqual(before + typed.length);
    // Closing the tab while offline: the edit lives on in the browser's own storage.
    await writer!.page.close();
    await writer!.context.setOffline(false);
    writer!.page = await writer!.context.newPage();
    await writer!.page.goto(workshopUrl);
    const reopened = new NotesPage(writer!.page, ROOM_NOTES);
    await reopened.ready();
    await expect.poll(() => reopened.editor.innerText(), POLL).toContain('offline notiert');
    await expect.poll(() => new NotesPage(reader!.page, ROOM_NOTES).editor.innerText(), POLL).toContain('Zu wenig Zeit · offline notiert');
  });

  it('makes the notes read-only for participants once the round is over, and keeps them', async () => {
    await new BreakoutOverviewPage(moderator.page).region.getByRole('button', { name: 'Alle Räume jetzt schließen' }).click();
    await moderator.page.getByRole('dialog', { name: 'Alle Räume jetzt schließen?' }).getByRole('button', { name: 'Alle Räume jetzt schließen' }).click();
    const [first] = rooms.get('Nord')!;
    // Back in the plenary; the moderation can look into the room's notes in the overview.
    await first!.page.getByRole('heading', { level: 1, name: 'Werkstatt' }).waitFor();
    const preview = new BreakoutOverviewPage(moderator.page).region.getByRole('article', { name: 'Nord' }).locator('details.notes-preview');
    await preview.locator('summary').click();
    await expect.poll(() => preview.innerText(), POLL).toContain('Vereine und Schulen – und die Bibliothek');

    // The participant reads their room's notes in the plenary, but can no longer change them.
    const past = new NotesPage(first!.page, 'Notizen aus Raum Nord');
    await expect.poll(() => past.status.getAttribute('data-mode'), POLL).toBe('read');
    await expect.poll(() => past.editor.innerText(), POLL).toContain('Vereine und Schulen – und die Bibliothek');
    expect(await past.editor.getAttribute('contenteditable')).toBe('false');
    expect(await past.region.getByRole('toolbar').count()).toBe(0);
  });
});
