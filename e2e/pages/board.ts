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
    // Until the board itself is there (its list view), not just its section: the section carries the
    // room id itself, so waiting for a descendant with one only ever timed out (10 s on every open).
    await this.list.waitFor({ state: 'attached' });
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

  /** Moderation: starts dot voting on cards with the default of 3 dots per person. */
  async startVoting(): Promise<void> {
    await this.region.getByRole('button', { name: 'Punkten auf Karten (3 Punkte pro Person)' }).click();
  }

  /** Moderation: shows the counts to everyone. */
  async showDots(): Promise<void> {
    await this.region.getByRole('button', { name: 'Punkte allen zeigen' }).click();
  }

  /** The dot count shown next to a card in the list view ('1 Punkt'), null while none is shown. */
  async dotsOn(card: string): Promise<string | null> {
    const row = this.list.locator('li.board-list-card').filter({ has: this.page.locator('.board-list-text', { hasText: card }) });
    const notes = await row.first().locator('.muted').allInnerTexts();
    return notes.map((text) => text.replace(/^\s*·\s*/, '')).find((text) => /^\d+ Punkte?$/.test(text)) ?? null;
  }
}
