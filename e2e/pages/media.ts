import type { Locator, Page } from 'playwright-core';

/** The audio and video panel of the workshop page. */
export class MediaPanelPage {
  constructor(private readonly page: Page) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: 'Audio und Video' });
  }

  /** "Gespräch: <room>" with the room's id in `data-room-id`. */
  get room(): Locator {
    return this.region.getByTestId('media-room');
  }

  get off(): Locator {
    return this.region.getByTestId('media-off');
  }

  get joinButton(): Locator {
    return this.region.getByRole('button', { name: 'Am Gespräch teilnehmen' });
  }

  get deviceCheck(): Locator {
    return this.region.getByTestId('device-check');
  }

  get micLevel(): Locator {
    return this.deviceCheck.getByLabel('Mikrofonpegel');
  }

  get error(): Locator {
    return this.region.getByTestId('media-error');
  }

  get meetingLink(): Locator {
    return this.region.getByTestId('meeting-link');
  }

  /** Facilitators: sets a room's external meeting link. */
  async setMeetingLink(roomLabel: string, url: string): Promise<void> {
    const details = this.region.locator('details.media-links');
    if (!(await details.evaluate((element) => (element as HTMLDetailsElement).open))) {
      await details.getByText('Links zu externen Konferenzen').click();
    }
    await details.getByLabel(`Link für ${roomLabel}`).fill(url);
    const form = details.locator('form').filter({ has: this.page.getByLabel(`Link für ${roomLabel}`) });
    await form.getByRole('button', { name: 'Link speichern' }).click();
    await form.getByText('Gespeichert.').waitFor();
  }
}
