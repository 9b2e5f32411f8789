import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { AgendaPanel } from '../pages/agenda.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
/** Seed 003's time table as pasted from its PDF, with the page footer between a time range and its title. */
const seed003Pasted = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../shared/src/fixtures/seed003-pasted.txt'), 'utf8');

/** The agenda as "start–end title" lines. */
async function agendaLines(agenda: AgendaPanel): Promise<string[]> {
  const items = await agenda.items.all();
  return Promise.all(
    items.map(async (item) => `${await item.locator('.planned-times').innerText()} ${await item.locator('.agenda-item-title').innerText()}`),
  );
}

describe('building the agenda by hand, with the keyboard only', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let participant: Actor;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    participant = await newActor(browser, 'Anna');
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Werkstattgespräch', date: '2026-11-30', time: '10:00' });
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    await participant.page.goto(links.participant);
    await new JoinPage(participant.page).join('Anna');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('adds, edits, duplicates, moves and deletes blocks; planned times follow and participants see it live', async () => {
    const agenda = new AgendaPanel(moderator.page);
    const page = moderator.page;
    for (const [title, minutes, notes] of [
      ['Begrüßung', '10', ''],
      ['Vorstellungsrunde', '20', 'Reihenfolge nach Alphabet'],
    ] as const) {
      await agenda.region.getByRole('button', { name: 'Block hinzufügen' }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Neuer Block' });
      await dialog.getByLabel('Titel', { exact: true }).fill(title);
      await dialog.getByLabel('Geplante Minuten').fill(minutes);
      if (notes) await dialog.getByLabel('Moderationsnotizen (nur für die Moderation)').fill(notes);
      await dialog.getByLabel('Geplante Minuten').press('Enter');
      await dialog.waitFor({ state: 'hidden' });
    }
    await expect.poll(() => agendaLines(agenda), POLL).toEqual(['10:00–10:10 Begrüßung', '10:10–10:30 Vorstellungsrunde']);

    const second = agenda.items.nth(1);
    await second.getByRole('button', { name: 'Bearbeiten' }).click();
    const edit = page.getByRole('dialog', { name: '„Vorstellungsrunde“ bearbeiten' });
    await edit.getByLabel('Titel', { exact: true }).fill('Kennenlernen');
    await edit.getByLabel('Art').selectOption('discussion');
    await edit.getByRole('button', { name: 'Speichern' }).click();
    await agenda.blockAction(second, 'Duplizieren');
    await expect.poll(() => agendaLines(agenda), POLL).toEqual([
      '10:00–10:10 Begrüßung',
      '10:10–10:30 Kennenlernen',
      '10:30–10:50 Kennenlernen',
    ]);

    // Move the first block down with the keyboard: open its "More" menu, then press Enter on the action.
    await agenda.items.first().getByRole('button', { name: /^Mehr zu/ }).focus();
    await page.keyboard.press('Enter');
    await agenda.items.first().getByRole('button', { name: 'Nach unten' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => agendaLines(agenda), POLL).toEqual([
      '10:00–10:20 Kennenlernen',
      '10:20–10:30 Begrüßung',
      '10:30–10:50 Kennenlernen',
    ]);

    // Cancelling the question gives the focus back to the block's "More" button, not to the page.
    await agenda.blockAction(agenda.items.last(), 'Löschen');
    await page.getByRole('dialog', { name: '„Kennenlernen“ löschen?' }).getByRole('button', { name: 'Abbrechen' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), POLL).toBe('Mehr zu „Kennenlernen“');
    await agenda.blockAction(agenda.items.last(), 'Löschen');
    await page.getByRole('dialog', { name: '„Kennenlernen“ löschen?' }).getByRole('button', { name: 'Löschen' }).click();
    await expect.poll(() => agendaLines(agenda), POLL).toEqual(['10:00–10:20 Kennenlernen', '10:20–10:30 Begrüßung']);

    // The participant sees the same plan, without the moderation notes.
    const theirs = new AgendaPanel(participant.page);
    await expect.poll(() => agendaLines(theirs), POLL).toEqual(['10:00–10:20 Kennenlernen', '10:20–10:30 Begrüßung']);
    expect(await participant.page.getByText('Reihenfolge nach Alphabet').count()).toBe(0);
    expect(await page.getByText('Reihenfolge nach Alphabet').count()).toBe(1);
  });

  it('reorders a block by keyboard drag (space, arrow, space)', async () => {
    const agenda = new AgendaPanel(moderator.page);
    const handle = agenda.items.first().getByRole('button', { name: /verschieben/ });
    await handle.focus();
    await moderator.page.keyboard.press('Space');
    await expect.poll(() => handle.getAttribute('aria-pressed'), POLL).toBe('true');
    // The screen-reader announcement confirms the move before the drop. dnd-kit measures the drop
    // targets just after the pick-up; an arrow key before that moves nothing, so it is pressed again
    // until the move is announced (with two blocks, more presses stay at position 2).
    const announced = moderator.page.getByText('Kennenlernen ist jetzt an Position 2.');
    await expect
      .poll(async () => {
        await moderator.page.keyboard.press('ArrowDown');
        return announced.waitFor({ state: 'attached', timeout: 1_000 }).then(
          () => true,
          () => false,
        );
      }, POLL)
      .toBe(true);
    await moderator.page.keyboard.press('Space');
    await expect.poll(() => agendaLines(agenda), POLL).toEqual(['10:00–10:10 Begrüßung', '10:10–10:30 Kennenlernen']);
  });

  it('imports seed 003 pasted from its PDF: the page footer is left out and shown, no block is made of it', async () => {
    const page = moderator.page;
    const agenda = new AgendaPanel(page);
    await agenda.region.getByRole('button', { name: 'Zeitplan einfügen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Zeitplan einfügen' });
    await dialog.getByLabel('Zeitplan').fill(seed003Pasted);
    await dialog.getByText('Vorschau: 11 Blöcke').waitFor();
    const preview = await dialog.locator('.import-preview').innerText();
    expect(preview).not.toContain('Kultur in Westfalen');
    expect(preview).toContain('15:35–15:55 Abschlussrunde: Zusammenführung der wichtigsten Erkenntnisse aus den Breakouts');
    const omitted = await dialog.getByTestId('import-omitted').getByRole('listitem').allInnerTexts();
    expect(omitted).toHaveLength(8);
    expect(omitted[0]).toMatch(/^Zeile \d+: „„Kultur in Westfalen“ wird gefördert vom:“$/);

    // Unreadable lines: each once, with every reason; a German dot time is read as a time.
    await dialog.getByLabel('Zeitplan').fill('Ablauf\n14:00-14:30 Plenum\n14:20-14:10 Rückwärts\n14.20 Uhr Input\n14:75 Uhr Kaffee\n15:00-15:30 Ende');
    const errors = dialog.getByTestId('import-errors').getByRole('listitem');
    await expect.poll(() => errors.allInnerTexts(), POLL).toEqual([
      'Zeile 1: „Ablauf“ – steht vor der ersten Uhrzeit und ist keine Zeitangabe',
      'Zeile 3: „14:20-14:10 Rückwärts“ – das Ende liegt nicht nach dem Beginn; der Block beginnt, bevor der vorige endet',
      'Zeile 5: „14:75 Uhr Kaffee“ – beginnt mit einer Uhrzeit, die es nicht gibt (Stunden 0–23, Minuten 0–59)',
    ]);
    await dialog.getByLabel('Zeitplan').fill('14:00-14:20 Plenum\n14.20 Uhr Input\n15:00-15:30 Ende');
    await dialog.getByText('Vorschau: 3 Blöcke').waitFor();
    expect(await dialog.locator('.import-preview').innerText()).toContain('14:20–15:00 Input');
    await dialog.getByRole('button', { name: 'Abbrechen' }).click();
  });
});
