import type { Locator, Page } from 'playwright-core';

/** The shared notes of a room (or the plenary). */
export class NotesPage {
  constructor(
    private readonly page: Page,
    private readonly heading: string,
  ) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: this.heading });
  }

  get editor(): Locator {
    return this.region.getByRole('textbox', { name: this.heading });
  }

  get status(): Locator {
    return this.region.getByTestId('notes-status');
  }

  /** Other people's carets with their names. */
  get caretLabels(): Locator {
    return this.region.locator('.collaboration-carets__label');
  }

  /** Opens notes that load on demand (the plenary's); nothing to do for notes shown at once. */
  async open(): Promise<void> {
    const button = this.region.getByRole('button', { name: 'Notizen öffnen' });
    if (await button.isVisible()) await button.click();
  }

  /** Waits for the notes to be connected and synced (opening them first where they load on demand). */
  async ready(): Promise<void> {
    await this.open();
    await this.region.locator('[data-testid="notes-status"][data-status="connected"]').waitFor();
    await this.editor.waitFor();
  }

  /** Types at the end of the notes. */
  async type(text: string): Promise<void> {
    await this.editor.click();
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.type(text);
  }
}
