import type { Locator, Page } from 'playwright-core';

/** A breakout room as its members see it. */
export class RoomPage {
  constructor(private readonly page: Page) {}

  get region(): Locator {
    return this.page.locator('section.room-view');
  }

  get heading(): Locator {
    return this.region.getByRole('heading', { level: 1 });
  }

  get task(): Locator {
    return this.region.locator('.room-task p');
  }

  get broadcasts(): Locator {
    return this.region.getByTestId('broadcast');
  }

  get returningNotice(): Locator {
    return this.page.getByTestId('returning-notice');
  }

  async askForHelp(): Promise<void> {
    await this.region.getByRole('button', { name: 'Moderation um Hilfe bitten' }).click();
  }
}

/** The moderation's overview of a breakout round. */
export class BreakoutOverviewPage {
  constructor(private readonly page: Page) {}

  get region(): Locator {
    return this.page.locator('section.breakout-overview');
  }

  get phase(): Locator {
    return this.page.getByTestId('round-phase');
  }

  async broadcast(text: string): Promise<void> {
    await this.region.getByLabel('Nachricht', { exact: true }).fill(text);
    await this.region.getByRole('button', { name: 'Senden' }).click();
  }
}

/** Sets up the round of a breakout block through the agenda. */
export async function setUpRound(page: Page, blockTitle: string, rooms: { name: string; task: string }[], graceSeconds: number): Promise<void> {
  const block = page.locator('.agenda-list > li').filter({ hasText: blockTitle });
  await block.getByRole('button', { name: 'Breakout-Runde einrichten' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Anzahl der Räume').fill(String(rooms.length));
  await dialog.getByRole('button', { name: 'Räume anlegen' }).click();
  for (const [index, room] of rooms.entries()) {
    await dialog.getByLabel(`Name von Raum ${index + 1}`).fill(room.name);
    await dialog.getByLabel(`Aufgabe von Raum ${index + 1}`).fill(room.task);
  }
  await dialog.getByLabel('Sekunden bis zur Rückkehr ins Plenum am Ende').fill(String(graceSeconds));
  await dialog.getByRole('button', { name: 'Runde speichern' }).click();
  await dialog.waitFor({ state: 'hidden' });
}
