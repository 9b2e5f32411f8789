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

  /** Waits for the notes to be connected and synced. */
  async ready(): Promise<void> {
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
