import type { Locator, Page } from 'playwright-core';

/** A room's board, through its accessible controls and list view. */
export class BoardPage {
  constructor(
    private readonly page: Page,
    private readonly heading: string,
  ) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: this.heading });
  }

  /** Opens a board that loads on demand (the plenary's) and waits for it. */
  async open(): Promise<void> {
    const button = this.region.getByRole('button', { name: 'Pinnwand öffnen' });
    if (await button.isVisible()) await button.click();
    await this.region.locator('[data-room-id]').first().waitFor().catch(() => undefined);
  }

  get list(): Locator {
    return this.region.locator('.board-list');
  }

  /** Card texts of a cluster (by its title) or of the unclustered cards ('In keinem Cluster'). */
  async cardsIn(title: string): Promise<string[]> {
    const group = this.list.locator('.board-list-cluster').filter({ has: this.page.getByRole('heading', { level: 4, name: title, exact: true }) });
    return group.locator('.board-list-text').allInnerTexts();
  }

  async addCard(text: string): Promise<void> {
    await this.region.getByLabel(/^Neue Karte/).fill(text);
    await this.region.getByRole('button', { name: 'Karte hinzufügen' }).click();
  }

  async addCluster(title: string): Promise<void> {
    await this.region.getByLabel('Neuer Cluster (Überschrift)').fill(title);
    await this.region.getByRole('button', { name: 'Cluster hinzufügen' }).click();
  }

  /** Puts a card into a cluster with the keyboard only: focus its cluster select and choose. */
  async clusterWithKeyboard(card: string, cluster: string): Promise<void> {
    const select = this.region.getByLabel(`Cluster für „${card}“`);
    await select.focus();
    await select.selectOption({ label: cluster });
  }

  async vote(item: string): Promise<void> {
    await this.region.getByRole('button', { name: `Punkt auf „${item}“` }).click();
  }
}
