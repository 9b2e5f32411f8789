import type { Locator, Page } from 'playwright-core';

/** The workshop's app frame: top bar with the clock, facilitation row, stage and side panel. */
export class WorkshopFrame {
  constructor(private readonly page: Page) {}

  get topBar(): Locator {
    return this.page.getByRole('banner');
  }

  /** The running block's clock in the top bar. */
  get clock(): Locator {
    return this.topBar.getByRole('timer');
  }

  get runControls(): Locator {
    return this.page.getByRole('group', { name: 'Ablauf steuern' });
  }

  get rooms(): Locator {
    return this.page.getByRole('region', { name: 'Räume', exact: true });
  }

  get stage(): Locator {
    return this.page.getByRole('main');
  }

  get phoneNav(): Locator {
    return this.page.getByRole('navigation', { name: 'Bereiche' });
  }

  /** Whether the element's box lies in the window as it is now (nothing scrolled). */
  async inViewport(locator: Locator): Promise<boolean> {
    const box = await locator.boundingBox();
    const size = this.page.viewportSize();
    if (!box || !size) return false;
    return box.y >= 0 && box.x >= 0 && box.y + Math.min(box.height, 24) <= size.height && box.x + box.width <= size.width;
  }

  /** Whether the page itself scrolls (vertically or sideways) at the current window size. */
  async pageOverflow(): Promise<{ horizontal: boolean; vertical: boolean }> {
    return this.page.evaluate(() => {
      const root = document.documentElement;
      return { horizontal: root.scrollWidth > root.clientWidth || document.body.scrollWidth > root.clientWidth, vertical: root.scrollHeight > root.clientHeight };
    });
  }

  /** Elements reaching past the right edge of the window, unless a scrolling box that fits holds them (for messages). */
  async widerThanWindow(): Promise<string[]> {
    return this.page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const scrolls = (element: Element) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(element).overflowX);
      const found: string[] = [];
      for (const element of Array.from(document.querySelectorAll('body *'))) {
        const rect = element.getBoundingClientRect();
        if (rect.width === 0 || rect.right <= width + 1) continue;
        // Content inside a scrolling or clipping box that itself fits does not widen the page.
        let parent = element.parentElement;
        let clipped = false;
        while (parent && parent !== document.body) {
          if (scrolls(parent)) {
            clipped = parent.getBoundingClientRect().right <= width + 1;
            break;
          }
          parent = parent.parentElement;
        }
        if (!clipped) found.push(`${element.tagName.toLowerCase()}.${element.className} (${Math.round(rect.right)} px)`);
      }
      return found.slice(0, 10);
    });
  }
}
