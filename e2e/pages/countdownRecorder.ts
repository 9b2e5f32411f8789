import type { Page } from 'playwright-core';

/** One change of the countdown on a page: the text it changed to, and the real time (ms) it was put on the screen. */
export interface CountdownChange {
  text: string | null;
  at: number;
}

declare global {
  interface Window {
    __countdownChanges?: CountdownChange[];
  }
}

/**
 * Records every change of the agenda countdown on a page, with the real time of the change: the
 * page's monotonic clock (`performance`) corrected by the skew its system clock was given, so the
 * times of pages with different skews compare. Runs in the page, from the DOM mutation itself.
 */
export class CountdownRecorder {
  constructor(
    private readonly page: Page,
    private readonly clockOffsetMs = 0,
  ) {}

  async start(): Promise<void> {
    await this.page.evaluate((offsetMs) => {
      const changes: CountdownChange[] = [];
      window.__countdownChanges = changes;
      let last: string | null | undefined;
      const read = () => {
        const text = document.querySelector('[data-testid="remaining-time"]')?.textContent ?? null;
        if (text === last) return;
        last = text;
        changes.push({ text, at: performance.timeOrigin + performance.now() - offsetMs });
      };
      new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
      read();
    }, this.clockOffsetMs);
  }

  /** The changes so far, in order. */
  changes(): Promise<CountdownChange[]> {
    return this.page.evaluate(() => window.__countdownChanges ?? []);
  }

  /** Waits until `count` more changes than `since` were recorded. */
  async waitForChanges(since: number, count: number, timeoutMs = 30_000): Promise<number> {
    const total = since + count;
    await this.page.waitForFunction((wanted) => (window.__countdownChanges?.length ?? 0) >= wanted, total, { timeout: timeoutMs });
    return (await this.changes()).length;
  }
}
