import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { PollsPage } from '../pages/polls.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
const QUESTION = 'Wie gut ist Ihre Kommune vernetzt?';

describe('live polls: five people answer, the moderation sees it live, hidden results stay hidden', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let participants: Actor[];

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    participants = await Promise.all(['Anna', 'Ben', 'Chris', 'Dana', 'Emil'].map((name) => newActor(browser, name)));
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Austauschtreffen', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    for (const participant of participants) {
      await participant.page.goto(links.participant);
      await new JoinPage(participant.page).join(participant.name);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('prepares a poll whose results only the moderation sees, and starts it', async () => {
    const polls = new PollsPage(moderator.page);
    await polls.createChoicePoll(QUESTION, ['gut', 'mittel', 'wenig'], 'Nur die Moderation (bis zur Freigabe)');
    await polls.poll(QUESTION).getByRole('button', { name: 'Umfrage starten' }).click();
    for (const participant of participants) await new PollsPage(participant.page).poll(QUESTION).getByRole('button', { name: 'Antwort senden' }).waitFor();
    expect(await accessibilityViolations(participants[0]!.page)).toEqual([]);
  });

  it('counts five answers live for the moderation while participants see only how many answered', async () => {
    const choices = ['gut', 'gut', 'mittel', 'gut', 'mittel'];
    const moderation = new PollsPage(moderator.page);
    for (const [index, participant] of participants.entries()) {
      await new PollsPage(participant.page).answer(QUESTION, choices[index]!);
      await expect.poll(() => moderation.poll(QUESTION).getByTestId('participation').innerText(), POLL).toBe(`${index + 1} ${index === 0 ? 'Antwort' : 'Antworten'}`);
    }
    await expect.poll(() => moderation.resultLines(QUESTION), POLL).toEqual(['gut: 3 (60 %)', 'mittel: 2 (40 %)', 'wenig: 0 (0 %)']);
    expect(await accessibilityViolations(moderator.page)).toEqual([]);

    for (const participant of participants) {
      const polls = new PollsPage(participant.page);
      await expect.poll(() => polls.poll(QUESTION).getByTestId('participation').innerText(), POLL).toBe('5 Antworten');
      expect(await polls.poll(QUESTION).getByTestId('poll-results').count()).toBe(0);
      expect(await polls.poll(QUESTION).getByText('Die Ergebnisse werden später gezeigt.').count()).toBe(1);
    }
  });

  it('shows everyone the results once the moderation publishes them', async () => {
    const moderation = new PollsPage(moderator.page);
    await moderation.poll(QUESTION).getByRole('button', { name: 'Umfrage schließen' }).click();
    await moderation.poll(QUESTION).getByRole('button', { name: 'Ergebnisse allen zeigen' }).click();
    for (const participant of participants) {
      await expect.poll(() => new PollsPage(participant.page).resultLines(QUESTION), POLL).toEqual(['gut: 3 (60 %)', 'mittel: 2 (40 %)', 'wenig: 0 (0 %)']);
    }
  });
});
