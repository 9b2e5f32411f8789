import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { DocumentationPage } from '../pages/documentation.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
const SUMMARY = 'Die Runde hat drei Netzwerke der Kulturarbeit benannt.';
const CO_SUMMARY = 'Nächstes Treffen im Frühjahr.';
const ATTACHMENT = { name: 'Präsentation Kultur.txt', mimeType: 'text/plain', buffer: Buffer.from('Folie 1: Netzwerke\n') };
/** The rendered document sits in a frame without scripts, where axe cannot run; it is checked on its own below. */
const OUTSIDE_DOCUMENT = { exclude: ['[data-testid="document-frame"]'] };

/** Whether the page is wider than the window (people on a phone would have to scroll sideways). */
function scrollsSideways(actor: Actor): Promise<boolean> {
  return actor.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

describe('documentation view: the moderation writes, publishes and downloads; participants read the published documentation', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let participant: Actor;
  let coModerator: Actor;
  let moderatorView: DocumentationPage;
  let participantView: DocumentationPage;
  let coModeratorView: DocumentationPage;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    participant = await newActor(browser, 'Jürgen Weiß');
    coModerator = await newActor(browser, 'Kai');
    await moderator.page.setViewportSize({ width: 1366, height: 768 });
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Austauschtreffen Kultur', date: '2026-11-20', time: '14:00', moderatorNames: 'Mara Schulte' });
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    await participant.page.goto(links.participant);
    await new JoinPage(participant.page).join('Jürgen Weiß', { listInDocumentation: true, organisation: 'Stadt Rheine' });
    await coModerator.page.goto(links.coModerator);
    await new JoinPage(coModerator.page).join('Kai');
    moderatorView = new DocumentationPage(moderator.page);
    coModeratorView = new DocumentationPage(coModerator.page);
    participantView = new DocumentationPage(participant.page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shows participants no way to the documentation before it is published', async () => {
    expect(await participant.page.getByRole('link', { name: 'Dokumentation lesen' }).count()).toBe(0);
    await participant.page.goto(`${server.url}${new URL(participant.page.url()).pathname.replace(/\/$/, '')}/documentation`);
    await participant.page.getByTestId('documentation-unpublished').waitFor();
    expect(await participant.page.locator('[data-testid="document-frame"]').count()).toBe(0);
    await participant.page.getByRole('link', { name: 'Zurück zum Workshop' }).click();
    await participant.page.getByRole('region', { name: /^Personen/ }).waitFor();
  });

  it('lets the moderation fill in the title block and the summary and see them in the live preview', async () => {
    await moderatorView.openFromWorkshop();
    await moderatorView.setCompiledBy('Anna Müller, LWL-Kulturabteilung');
    await moderatorView.writeSummary(SUMMARY);
    await expect.poll(() => moderatorView.documentText(), POLL).toContain(SUMMARY);
    const preview = await moderatorView.documentText();
    expect(preview).toContain('Anna Müller, LWL-Kulturabteilung');
    expect(preview).toContain('Austauschtreffen Kultur');
    expect(preview).toContain('Jürgen Weiß');
    expect(await accessibilityViolations(moderator.page, OUTSIDE_DOCUMENT)).toEqual([]);
  });

  it('lets the moderation write what happens next, shown as its own section with a list in the preview', async () => {
    await moderatorView.setNextSteps('Das nächste Treffen ist im März.\n\n- Einladung folgt per E-Mail\n- Themenwünsche an Mara');
    await expect.poll(() => moderatorView.documentText(), POLL).toContain('Wie geht es weiter');
    await expect.poll(() => moderatorView.document.locator('#nextSteps li').allTextContents(), POLL).toEqual(['Einladung folgt per E-Mail', 'Themenwünsche an Mara']);
    expect(await moderatorView.documentText()).toContain('Das nächste Treffen ist im März.');
    expect(await moderatorView.section('Wie geht es weiter').isChecked()).toBe(true);
  });

  it('lets a co-moderator write in the same summary', async () => {
    await coModeratorView.openFromWorkshop();
    const editor = await coModeratorView.summaryEditor();
    await expect.poll(() => editor.innerText(), POLL).toContain(SUMMARY);
    await coModeratorView.writeSummary(` ${CO_SUMMARY}`);
    await expect.poll(async () => (await moderatorView.summaryEditor()).innerText(), POLL).toContain(CO_SUMMARY);
    await expect.poll(() => moderatorView.documentText(), POLL).toContain(CO_SUMMARY);
  });

  it('takes attachments and lists them with name and size', async () => {
    await moderatorView.upload(ATTACHMENT);
    expect(await moderatorView.attachmentNames()).toEqual([ATTACHMENT.name]);
    await expect.poll(() => coModeratorView.attachmentNames(), POLL).toEqual([ATTACHMENT.name]);
    await expect.poll(() => moderatorView.documentText(), POLL).toContain(ATTACHMENT.name);
  });

  it('downloads the Markdown with one click, holding the title block, the summary and the people who agreed to be listed', async () => {
    const markdown = await moderatorView.download('Markdown');
    expect(markdown.fileName).toMatch(/^austauschtreffen-kultur-2026-11-20\.md$/);
    expect(markdown.text).toMatch(/^# Austauschtreffen Kultur/m);
    expect(markdown.text).toContain('Anna Müller, LWL-Kulturabteilung');
    expect(markdown.text).toContain(SUMMARY);
    expect(markdown.text).toContain('Jürgen Weiß');
    expect(markdown.text).toContain('Stadt Rheine');
    await moderator.page.getByTestId('export-status').filter({ hasText: `${markdown.fileName} heruntergeladen.` }).waitFor();

    // People can change their organisation later; the next download has it.
    const aboutMe = participant.page.getByRole('region', { name: 'Über mich' });
    await aboutMe.getByLabel('Meine Organisation (freiwillig)').fill('Kulturbüro Rheine');
    await aboutMe.getByLabel('Meine Organisation (freiwillig)').press('Enter');
    await aboutMe.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();
    const updated = await moderatorView.download('Markdown');
    expect(updated.text).toContain('Kulturbüro Rheine');
    expect(updated.text).not.toContain('Stadt Rheine');
  });

  it('leaves out a section that is switched off, in the preview and in the download', async () => {
    await moderatorView.section('Teilnehmendenliste').uncheck();
    await expect.poll(() => moderatorView.documentText(), POLL).not.toContain('Jürgen Weiß');
    expect(await moderatorView.documentText()).toContain(SUMMARY);
    const markdown = await moderatorView.download('Markdown');
    expect(markdown.text).not.toContain('Jürgen Weiß');
    expect(markdown.text).toContain(SUMMARY);
    // The switch is stored: after a reload it is still off.
    await moderator.page.reload();
    await moderatorView.heading.waitFor();
    await expect.poll(() => moderatorView.section('Teilnehmendenliste').isChecked(), POLL).toBe(false);
  });

  it('gives a co-moderator the Word file without the left-out participant list', async () => {
    await expect.poll(() => coModeratorView.section('Teilnehmendenliste').isChecked(), POLL).toBe(false);
    const docx = await coModeratorView.downloadBytes('Word (DOCX)');
    expect(docx.fileName).toBe('austauschtreffen-kultur-2026-11-20.docx');
    const documentXml = strFromU8(unzipSync(new Uint8Array(docx.bytes))['word/document.xml']!);
    const text = documentXml.replace(/<[^>]+>/g, '');
    expect(text).toContain(SUMMARY);
    expect(text).toContain(CO_SUMMARY);
    expect(text).toContain('Anna Müller, LWL-Kulturabteilung');
    expect(text).not.toContain('Jürgen Weiß');
    expect(documentXml).toMatch(/<w:pStyle w:val="Heading1"\/>/);
  });

  it('prints the PDF with one click', async () => {
    const pdf = await moderatorView.downloadBytes('PDF');
    expect(pdf.fileName).toBe('austauschtreffen-kultur-2026-11-20.pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await moderator.page.getByTestId('export-status').filter({ hasText: `${pdf.fileName} heruntergeladen.` }).waitFor();
  });

  it('exports in English independently of the app’s language', async () => {
    await moderatorView.chooseLanguage('English');
    const markdown = await moderatorView.download('Markdown');
    expect(markdown.text).toContain(SUMMARY);
    expect(markdown.text).toMatch(/Friday, 20 November 2026/);
    await moderatorView.chooseLanguage('Deutsch');
  });

  it('publishes to the participants, who find the link, read the documentation and download it', async () => {
    await moderatorView.publish();
    await participant.page.getByRole('link', { name: 'Dokumentation lesen' }).waitFor();
    await participantView.openFromWorkshop('Dokumentation lesen');
    await expect.poll(() => participantView.documentText(), POLL).toContain(SUMMARY);
    // The moderation left out the participant list; participants get it without as well.
    expect(await participantView.documentText()).not.toContain('Jürgen Weiß');
    // The attachments come with it, as downloads.
    const attachment = await participantView.downloadAttachment(ATTACHMENT.name);
    expect(attachment.fileName).toBe(ATTACHMENT.name);
    expect(attachment.text).toBe('Folie 1: Netzwerke\n');
    const markdown = await participantView.download('Markdown');
    expect(markdown.text).toContain('Anna Müller, LWL-Kulturabteilung');
    expect(markdown.text).toContain(SUMMARY);
    expect(await accessibilityViolations(participant.page, OUTSIDE_DOCUMENT)).toEqual([]);
    // The document itself, as participants download it, passes the same check.
    const html = await participantView.download('HTML');
    expect(html.fileName).toBe('austauschtreffen-kultur-2026-11-20.html');
    const reader = await participant.context.newPage();
    await reader.setContent(html.text);
    expect(await reader.locator('html').getAttribute('lang')).toBe('de');
    expect(await accessibilityViolations(reader)).toEqual([]);
    await reader.close();
    await participant.page.bringToFront();
  });

  it('is usable on a phone-sized screen', async () => {
    await participant.page.setViewportSize({ width: 390, height: 844 });
    await moderator.page.setViewportSize({ width: 390, height: 844 });
    expect(await scrollsSideways(participant)).toBe(false);
    expect(await scrollsSideways(moderator)).toBe(false);
    await moderator.page.setViewportSize({ width: 1366, height: 768 });
  });

  it('takes the documentation back from participants at once when unpublished', async () => {
    await moderatorView.unpublish();
    await participant.page.getByTestId('documentation-unpublished').waitFor();
    expect(await participant.page.locator('[data-testid="document-frame"]').count()).toBe(0);
  });

  it('removes an attachment with the keyboard and keeps the focus in the attachments', async () => {
    const attachments = moderatorView.region('Anlagen');
    await attachments.getByRole('button', { name: `${ATTACHMENT.name} entfernen` }).focus();
    await moderator.page.keyboard.press('Enter');
    await attachments.getByRole('status').filter({ hasText: `${ATTACHMENT.name} entfernt.` }).waitFor();
    expect(await moderatorView.attachmentNames()).toEqual([]);
    expect(await attachments.getByLabel('Dateien hochladen').evaluate((input) => input === document.activeElement)).toBe(true);
    await expect.poll(() => coModeratorView.attachmentNames(), POLL).toEqual([]);
  });
});
