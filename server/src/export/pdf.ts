/**
 * PDF: the documentation's HTML printed by Debian's Chromium through playwright-core (tagged, with
 * an outline from the headings). One browser is started on first use and kept; every print gets
 * its own context with JavaScript off and no network, so the page can only show what it holds.
 * No browser is ever downloaded: without Chromium the PDF is unavailable and the other formats
 * keep working.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { renderHtml } from './html.js';
import type { DocumentationModel } from './model.js';

/** Where Chromium is looked for when WERKRAUM_CHROMIUM is not set. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** util-linux's setpriv, to start Chromium without the right to raise its own priority. */
const SETPRIV = '/usr/bin/setpriv';

/**
 * Run as root, Chromium raises the priority of its own threads above the server's (nice -8), and on
 * a small machine a print then starves the live workshop. Started through setpriv without
 * CAP_SYS_NICE it keeps the priority it was started with (an export thread's, below the server's).
 * Returns the launcher script to use instead of the browser, or undefined when none is needed.
 */
async function launcherWithoutPriorityRaise(executablePath: string): Promise<{ path: string; dir: string } | undefined> {
  if (process.getuid?.() !== 0 || !existsSync(SETPRIV)) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'werkraum-chromium-'));
  const path = join(dir, 'chromium');
  const quoted = `'${executablePath.replace(/'/g, `'\\''`)}'`;
  await writeFile(path, `#!/bin/sh\nexec ${SETPRIV} --bounding-set=-sys_nice --inh-caps=-sys_nice -- ${quoted} "$@"\n`);
  await chmod(path, 0o700);
  return { path, dir };
}

/** Why there is no PDF on a server without a browser. */
export const NO_CHROMIUM_MESSAGE = 'No Chromium found: install the Debian package "chromium" (or set WERKRAUM_CHROMIUM to a Chromium binary).';

/** The PDF cannot be made on this server (no browser). */
export class PdfUnavailableError extends Error {}

/** The browser binary to print with, or undefined when none is installed. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.WERKRAUM_CHROMIUM?.trim();
  if (configured) return existsSync(configured) ? configured : undefined;
  return CANDIDATES.find((candidate) => existsSync(candidate));
}

/** Prints HTML to PDF with one shared headless Chromium. */
export class PdfPrinter {
  private browser: Promise<Browser> | undefined;
  private closed = false;
  /** The launcher script, made once per printer (see launcherWithoutPriorityRaise). */
  private launcher: Promise<{ path: string; dir: string } | undefined> | undefined;

  constructor(private readonly options: { executablePath?: string | undefined; timeoutMs?: number } = {}) {}

  /** Whether a browser binary is there. */
  available(): boolean {
    return this.executable() !== undefined;
  }

  private executable(): string | undefined {
    if (this.options.executablePath !== undefined) return existsSync(this.options.executablePath) ? this.options.executablePath : undefined;
    return chromiumPath();
  }

  private async launch(): Promise<Browser> {
    const executablePath = this.executable();
    if (!executablePath) throw new PdfUnavailableError(NO_CHROMIUM_MESSAGE);
    const { chromium } = await import('playwright-core');
    const launcher = await (this.launcher ??= launcherWithoutPriorityRaise(executablePath));
    const browser = await chromium.launch({
      executablePath: launcher?.path ?? executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    browser.on('disconnected', () => {
      this.browser = undefined;
    });
    return browser;
  }

  /** Prints one HTML document. */
  async print(html: string): Promise<Uint8Array> {
    if (this.closed) throw new PdfUnavailableError('The PDF printer is closed.');
    this.browser ??= this.launch().catch((error: unknown) => {
      this.browser = undefined;
      throw error instanceof PdfUnavailableError ? error : new PdfUnavailableError(`Chromium could not be started: ${String(error)}`);
    });
    const browser = await this.browser;
    // The page is loaded from a file rather than sent over the browser's pipe: a documentation with
    // board pictures is megabytes, and serialising it for the pipe would stall this process.
    const dir = await mkdtemp(join(tmpdir(), 'werkraum-pdf-'));
    const file = join(dir, 'documentation.html');
    await writeFile(file, html);
    const url = pathToFileURL(file).href;
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await context.newPage();
      // Nothing but the page itself is loaded (images are data URIs).
      await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
      await page.goto(url, { waitUntil: 'load', timeout: this.options.timeoutMs ?? 30_000 });
      const pdf = await page.pdf({
        format: 'A4',
        printBackground: true,
        margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' },
        tagged: true,
        outline: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#555"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
      });
      return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    } finally {
      await context.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Prints a documentation (its HTML). */
  printDocument(model: DocumentationModel): Promise<Uint8Array> {
    return this.print(renderHtml(model));
  }

  async close(): Promise<void> {
    this.closed = true;
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser.catch(() => undefined))?.close().catch(() => undefined);
    const launcher = await this.launcher?.catch(() => undefined);
    this.launcher = undefined;
    if (launcher) await rm(launcher.dir, { recursive: true, force: true });
  }
}
