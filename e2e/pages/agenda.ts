import type { Locator, Page } from 'playwright-core';

/** The agenda panel of the plenary. */
export class AgendaPanel {
  constructor(private readonly page: Page) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: 'Ablauf' });
  }

  get items(): Locator {
    return this.region.locator('.agenda-list > li');
  }

  get currentTitle(): Locator {
    return this.page.getByTestId('current-block-title');
  }

  get remaining(): Locator {
    return this.page.getByTestId('remaining-time');
  }

  get warning(): Locator {
    return this.page.getByTestId('clock-warning');
  }

  /** The remaining time shown, in seconds (negative when overrun). */
  async remainingSeconds(): Promise<number> {
    const text = (await this.remaining.innerText()).trim();
    const overrun = text.startsWith('+');
    const parts = text.replace('+', '').split(':').map(Number);
    const seconds = parts.reduce((total, part) => total * 60 + part, 0);
    return overrun ? -seconds : seconds;
  }

  /** Pastes a time table into the import dialog and replaces the agenda. */
  async importTimetable(text: string, expectedBlocks: number): Promise<void> {
    await this.region.getByRole('button', { name: 'Zeitplan einfügen' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Zeitplan einfügen' });
    await dialog.getByLabel('Zeitplan').fill(text);
    await dialog.getByText(`Vorschau: ${expectedBlocks} Blöcke`).waitFor();
    await dialog.getByRole('button', { name: 'Ablauf ersetzen' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /** Opens a block's "More" menu (duplicate, move, delete) and clicks one of its actions. */
  async blockAction(item: Locator, action: string): Promise<void> {
    await item.getByRole('button', { name: /^Mehr zu/ }).click();
    await item.getByRole('button', { name: action, exact: true }).click();
  }

  /** Clicks a control of the running agenda. */
  async control(name: string): Promise<void> {
    await this.page.getByRole('group', { name: 'Ablauf steuern' }).getByRole('button', { name, exact: true }).click();
  }

  /** Ends the workshop, confirming the question the moderation is asked first. */
  async endWorkshop(): Promise<void> {
    await this.control('Workshop beenden');
    const dialog = this.page.getByRole('dialog', { name: 'Workshop beenden?' });
    await dialog.getByRole('button', { name: 'Workshop beenden' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  async setRemainingMinutes(minutes: number): Promise<void> {
    const group = this.page.getByRole('group', { name: 'Ablauf steuern' });
    await group.getByLabel('Restliche Minuten').fill(String(minutes));
    await group.getByRole('button', { name: 'Setzen' }).click();
  }
}
