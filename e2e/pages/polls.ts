import type { Locator, Page } from 'playwright-core';

/** The polls panel of the plenary. */
export class PollsPage {
  constructor(private readonly page: Page) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: 'Umfragen' });
  }

  poll(question: string): Locator {
    return this.region.getByRole('article', { name: question });
  }

  /** The moderation creates a choice poll through the form. */
  async createChoicePoll(question: string, options: string[], visibility: string): Promise<void> {
    await this.region.getByRole('button', { name: 'Neue Umfrage' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Neue Umfrage' });
    await dialog.getByLabel('Frage', { exact: true }).fill(question);
    for (const [index, option] of options.entries()) {
      if (index >= 2) await dialog.getByRole('button', { name: 'Antwort hinzufügen' }).click();
      await dialog.getByLabel(`Antwort ${index + 1}`, { exact: true }).fill(option);
    }
    await dialog.getByLabel(visibility).check();
    await dialog.getByRole('button', { name: 'Umfrage speichern' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  async answer(question: string, option: string): Promise<void> {
    const poll = this.poll(question);
    await poll.getByLabel(option, { exact: true }).check();
    await poll.getByRole('button', { name: 'Antwort senden' }).click();
    await poll.getByText('Danke, Ihre Antwort ist gezählt.').waitFor();
  }

  /** The result lines of a poll as screen readers get them ("gut: 3 (60 %)"). */
  async resultLines(question: string): Promise<string[]> {
    const rows = await this.poll(question).locator('table tr').all();
    return Promise.all(
      rows.map(async (row) => `${await row.locator('th').textContent()}: ${await row.locator('td').textContent()}`.replace(/\s+/g, ' ').trim()),
    );
  }
}
