import type { Locator, Page } from 'playwright-core';

/** The findings of a breakout room, inside the room. */
export class RoomFindingsPanel {
  constructor(private readonly page: Page) {}

  get region(): Locator {
    return this.page.locator('section.room-findings');
  }

  get findings(): Locator {
    return this.region.getByTestId('room-finding');
  }

  async propose(text: string): Promise<void> {
    await this.region.getByLabel('Erkenntnis vorschlagen').fill(text);
    await this.region.getByRole('button', { name: 'Vorschlagen', exact: true }).click();
    await this.region.getByText('Ihre Erkenntnis wurde aufgenommen.').waitFor();
  }
}

/** The findings lists in the plenary. */
export class FindingsPanel {
  constructor(private readonly page: Page) {}

  get region(): Locator {
    return this.page.getByTestId('findings-panel');
  }

  get findings(): Locator {
    return this.region.getByTestId('finding');
  }

  finding(text: string): Locator {
    return this.findings.filter({ hasText: text });
  }

  async texts(): Promise<string[]> {
    return this.region.locator('.finding-text').allInnerTexts();
  }

  async chooseRound(title: string): Promise<void> {
    await this.region.getByLabel('Liste', { exact: true }).selectOption({ label: title });
  }

  /** Proposed findings of a room in the per-room table. */
  proposedIn(roomName: string): Locator {
    return this.region.getByTestId('room-count').filter({ hasText: roomName }).locator('td').first();
  }

  async collectFromNotes(passage: string): Promise<void> {
    await this.region.getByLabel('Passage aus den Notizen').fill(passage);
    await this.region.getByRole('button', { name: 'Passage als Erkenntnis übernehmen' }).click();
  }

  /** Turns a cluster of the chosen room's board into a finding (after reloading the board's items). */
  async collectCluster(title: string, cards: number): Promise<void> {
    await this.region.getByRole('button', { name: 'Pinnwand neu laden' }).click();
    const label = `Cluster: ${title} (${cards} ${cards === 1 ? 'Karte' : 'Karten'})`;
    const select = this.region.getByLabel('Karte oder Cluster der Pinnwand');
    await select.locator('option', { hasText: label }).waitFor({ state: 'attached' });
    await select.selectOption({ label });
    await this.region.getByRole('button', { name: 'Von der Pinnwand übernehmen' }).click();
  }

  /** Groups a finding under a heading and marks it as a priority. */
  async setHeading(text: string, heading: string): Promise<void> {
    await this.finding(text).getByRole('button', { name: `Erkenntnis bearbeiten: ${text}` }).click();
    const form = this.region.locator('form.finding-edit');
    await form.getByLabel('Überschrift').fill(heading);
    await form.getByLabel('Priorität').check();
    await form.getByRole('button', { name: 'Speichern' }).click();
    await form.waitFor({ state: 'detached' });
  }

  get headings(): Locator {
    return this.region.locator('.findings-group-heading h3');
  }

  async select(text: string): Promise<void> {
    await this.finding(text).getByLabel('Auswählen').check();
  }

  async merge(): Promise<void> {
    await this.region.getByRole('button', { name: /^Auswahl zusammenführen/ }).click();
  }

  async moveUp(text: string): Promise<void> {
    // Keyboard: focus the button and press Enter.
    const button = this.finding(text).getByRole('button', { name: `Hoch: ${text}` });
    await button.focus();
    await this.page.keyboard.press('Enter');
  }

  async presentOneByOne(): Promise<void> {
    await this.region.getByRole('button', { name: 'Einzeln präsentieren' }).click();
  }
}

/** What is on everyone's screen. */
export class StagePanel {
  constructor(private readonly page: Page) {}

  get region(): Locator {
    return this.page.getByTestId('stage');
  }

  get finding(): Locator {
    return this.region.getByTestId('stage-finding');
  }

  get agreements(): Locator {
    return this.region.getByTestId('stage-agreements');
  }

  async allowAgreement(): Promise<void> {
    await this.region.getByLabel('Zustimmung erlauben').check();
  }

  async agree(): Promise<void> {
    await this.region.getByRole('button', { name: 'Stimme zu' }).click();
  }

  async next(): Promise<void> {
    await this.region.getByRole('button', { name: 'Weiter', exact: true }).click();
  }
}

/** The speaking order. */
export class SpeakingPanel {
  constructor(private readonly page: Page) {}

  get region(): Locator {
    return this.page.getByTestId('speaking-panel');
  }

  get queue(): Locator {
    return this.region.getByTestId('hand-queue').getByRole('listitem');
  }

  get called(): Locator {
    return this.region.getByTestId('called');
  }

  get speakerNow(): Locator {
    return this.region.getByTestId('speaker-now');
  }

  async raiseHand(): Promise<void> {
    await this.region.getByRole('button', { name: 'Hand heben' }).click();
  }

  async callNext(): Promise<void> {
    await this.region.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  }

  async startRound(title: string, seconds: number): Promise<void> {
    await this.region.getByLabel('Name der Runde').fill(title);
    await this.region.getByLabel('Sekunden pro Person').fill(String(seconds));
    await this.region.getByRole('button', { name: 'Runde starten' }).click();
  }

  /** The warning of the speaker's countdown (time up), in the agenda's style. */
  get warning(): Locator {
    return this.region.getByTestId('speaking-warning');
  }

  async endRound(): Promise<void> {
    await this.region.getByRole('button', { name: 'Runde beenden' }).click();
  }

  async nextSpeaker(): Promise<void> {
    await this.region.getByRole('button', { name: 'Nächste Person', exact: true }).click();
  }
}
