import type { Locator, Page } from 'playwright-core';

/** The landing page where a moderator creates a workshop. */
export class CreateWorkshopPage {
  constructor(private readonly page: Page) {}

  async goto(baseUrl: string): Promise<void> {
    await this.page.goto(baseUrl);
    await this.page.getByRole('heading', { level: 1, name: 'Workshop anlegen' }).waitFor();
  }

  /** The field for the server's create key (shown only when the server requires one). */
  get createKey(): Locator {
    return this.page.getByLabel('Anlege-Schlüssel dieses Servers');
  }

  /** Fills in and submits the form, without waiting for the result. */
  async submit(input: { title: string; date: string; time: string; description?: string; moderatorNames?: string; createKey?: string }) {
    await this.page.getByLabel('Titel', { exact: true }).fill(input.title);
    await this.page.getByLabel('Datum', { exact: true }).fill(input.date);
    await this.page.getByLabel('Beginn', { exact: true }).fill(input.time);
    if (input.description) await this.page.getByLabel('Kurzbeschreibung').fill(input.description);
    if (input.moderatorNames) await this.page.getByLabel('Moderation (angezeigte Namen)', { exact: true }).fill(input.moderatorNames);
    if (input.createKey !== undefined) await this.createKey.fill(input.createKey);
    await this.page.getByRole('button', { name: 'Workshop anlegen' }).click();
  }

  /** Fills in and submits the form; returns the three links shown afterwards. */
  async create(input: { title: string; date: string; time: string; description?: string; moderatorNames?: string; createKey?: string }) {
    await this.submit(input);
    await this.page.getByRole('heading', { level: 1, name: /ist bereit/ }).waitFor();
    return {
      moderator: await this.page.getByLabel('Link für die Moderation (für Sie)').inputValue(),
      coModerator: await this.page.getByLabel('Link für die Co-Moderation').inputValue(),
      participant: await this.page.getByLabel('Link für Teilnehmende (für alle anderen)').inputValue(),
    };
  }

  async openAsModerator(): Promise<void> {
    await this.page.getByRole('link', { name: 'Workshop als Moderation öffnen' }).click();
  }
}

/** The page behind a join link. */
export class JoinPage {
  constructor(private readonly page: Page) {}

  async join(displayName: string, options: { listInDocumentation?: boolean; organisation?: string } = {}): Promise<void> {
    await this.page.getByLabel('Ihr Name').fill(displayName);
    if (options.listInDocumentation) await this.page.getByLabel('Meinen Namen in der Dokumentation des Workshops nennen').check();
    if (options.organisation) await this.page.getByLabel('Organisation (freiwillig)').fill(options.organisation);
    await this.page.getByRole('button', { name: 'Beitreten' }).click();
    await new WorkshopView(this.page).waitUntilJoined();
  }
}

/** The workshop (plenary) as a joined person sees it. */
export class WorkshopView {
  constructor(private readonly page: Page) {}

  get people(): Locator {
    return this.page.getByRole('region', { name: /^Personen/ }).getByRole('listitem');
  }

  /** The list entry of the person with this name. */
  person(displayName: string): Locator {
    return this.people.filter({ hasText: displayName });
  }

  /** The entry marked as oneself. */
  get me(): Locator {
    return this.people.filter({ hasText: '(Sie)' });
  }

  connectionStatus(): Locator {
    return this.page.locator('[data-connection].connection');
  }

  async waitUntilJoined(): Promise<void> {
    await this.page.getByRole('region', { name: /^Personen/ }).waitFor();
  }

  /** Opens the moderator's action menu for a person and clicks an action. */
  async personAction(displayName: string, action: string): Promise<void> {
    const entry = this.person(displayName);
    await entry.getByRole('button', { name: `Aktionen für ${displayName}` }).click();
    await entry.getByRole('button', { name: action }).click();
  }
}
