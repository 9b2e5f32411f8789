import { readFile } from 'node:fs/promises';
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** A file the browser downloaded: the name it offered and the content as text. */
export interface DownloadedFile {
  fileName: string;
  text: string;
}

/** The documentation view (`/w/:id/documentation`) as the moderation or a participant sees it. */
export class DocumentationPage {
  constructor(private readonly page: Page) {}

  /** Follows the link from the workshop page and waits for the view. */
  async openFromWorkshop(linkName: 'Dokumentation' | 'Dokumentation lesen' = 'Dokumentation'): Promise<void> {
    await this.page.getByRole('link', { name: linkName, exact: true }).click();
    await this.heading.waitFor();
  }

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: /^Dokumentation: / });
  }

  region(name: string): Locator {
    return this.page.getByRole('region', { name, exact: true });
  }

  /** The rendered document: the moderation's preview or the participants' reading frame. */
  get document(): FrameLocator {
    return this.page.frameLocator('[data-testid="document-frame"]');
  }

  /** The text of the rendered document ('' while it loads). */
  async documentText(): Promise<string> {
    if ((await this.page.locator('[data-testid="document-frame"]').count()) === 0) return '';
    return this.document.locator('body').innerText();
  }

  /** The moderation fills in "Erstellt von" and saves it. */
  async setCompiledBy(name: string): Promise<void> {
    const titleBlock = this.region('Titelblock');
    await titleBlock.getByLabel('Erstellt von').fill(name);
    await titleBlock.getByRole('button', { name: 'Speichern' }).click();
    await titleBlock.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();
  }

  /** Types the "Wie geht es weiter" text and saves it. */
  async setNextSteps(text: string): Promise<void> {
    const card = this.region('Wie geht es weiter');
    await card.getByRole('textbox', { name: 'Wie geht es weiter' }).fill(text);
    await card.getByRole('button', { name: 'Speichern' }).click();
    await card.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();
  }

  /** The switch of one section ("Teilnehmendenliste"). */
  section(name: string): Locator {
    return this.region('Abschnitte').getByLabel(name, { exact: true });
  }

  /** The summary editor, once connected. */
  async summaryEditor(): Promise<Locator> {
    const region = this.region('Zusammenfassung');
    await region.locator('[data-testid="summary-status"][data-status="connected"]').waitFor();
    const editor = region.getByRole('textbox', { name: 'Zusammenfassung' });
    await editor.waitFor();
    return editor;
  }

  /** Types at the end of the summary. */
  async writeSummary(text: string): Promise<void> {
    const editor = await this.summaryEditor();
    await editor.click();
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.type(text);
  }

  async publish(): Promise<void> {
    await this.region('Veröffentlichung').getByRole('button', { name: 'Für Teilnehmende veröffentlichen' }).click();
    await this.page.getByTestId('publication-state').and(this.page.locator('[data-published="true"]')).waitFor();
  }

  async unpublish(): Promise<void> {
    await this.region('Veröffentlichung').getByRole('button', { name: 'Veröffentlichung zurücknehmen' }).click();
    await this.page.getByTestId('publication-state').and(this.page.locator('[data-published="false"]')).waitFor();
  }

  /** Chooses the document's language for downloads and the preview. */
  async chooseLanguage(label: 'Deutsch' | 'English'): Promise<void> {
    await this.region('Herunterladen').getByLabel('Sprache des Dokuments').selectOption({ label });
  }

  /** Clicks one format's download button and returns the downloaded file. */
  async download(format: 'Markdown' | 'HTML' | 'Word (DOCX)' | 'PDF' | 'Alles als ZIP'): Promise<DownloadedFile> {
    const { fileName, bytes } = await this.downloadBytes(format);
    return { fileName, text: bytes.toString('utf8') };
  }

  /** Clicks one format's download button and returns the downloaded bytes. */
  async downloadBytes(format: 'Markdown' | 'HTML' | 'Word (DOCX)' | 'PDF' | 'Alles als ZIP'): Promise<{ fileName: string; bytes: Buffer }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.region('Herunterladen').getByRole('button', { name: `Als ${format} herunterladen` }).click(),
    ]);
    return { fileName: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  }

  /** Downloads one listed attachment and returns its name and content. */
  async downloadAttachment(name: string): Promise<DownloadedFile> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.region('Anlagen').getByRole('button', { name: `${name} herunterladen` }).click(),
    ]);
    return { fileName: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
  }

  /** Uploads a file as an attachment and waits until it is listed. */
  async upload(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    const region = this.region('Anlagen');
    await region.getByLabel('Dateien hochladen').setInputFiles(file);
    await region.getByRole('status').filter({ hasText: `${file.name} hochgeladen.` }).waitFor();
  }

  /** The names of the listed attachments. */
  attachmentNames(): Promise<string[]> {
    return this.region('Anlagen').locator('.attachment-name').allInnerTexts();
  }
}
