import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { ServerProcess } from '../fixtures/server.js';
import { AgendaPanel } from '../pages/agenda.js';
import { BoardPage } from '../pages/board.js';
import { RoomPage, setUpRound } from '../pages/breakouts.js';
import { FindingsPanel, RoomFindingsPanel, SpeakingPanel, StagePanel } from '../pages/findings.js';
import { CreateWorkshopPage, JoinPage } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
const ROUND = 'Breakout-Session Runde 1';

describe('from the rooms to the closing round: findings, the stage and the speaking order', () => {
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let coModerator: Actor;
  let anna: Actor;
  let ben: Actor;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser();
    moderator = await newActor(browser, 'Mara');
    coModerator = await newActor(browser, 'Cem');
    anna = await newActor(browser, 'Anna');
    ben = await newActor(browser, 'Ben');
    // Ben follows on a phone.
    await ben.page.setViewportSize({ width: 390, height: 844 });
    await moderator.page.setViewportSize({ width: 1366, height: 768 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('a room proposes, the co-moderator collects, merges and orders; the closing round shows each finding to everyone', async () => {
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Netzwerktreffen', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    await new AgendaPanel(moderator.page).importTimetable(`14:00-14:05 Vorstellungsrunde\n14:05-14:25 ${ROUND}\n14:25-14:30 Abschlussrunde`, 3);
    await setUpRound(moderator.page, ROUND, [{ name: 'Raum Nord', task: 'Was verbindet uns?' }], 0);
    await coModerator.page.goto(links.coModerator);
    await new JoinPage(coModerator.page).join('Cem');
    for (const participant of [anna, ben]) {
      await participant.page.goto(links.participant);
      await new JoinPage(participant.page).join(participant.name);
    }

    const agenda = new AgendaPanel(moderator.page);
    await agenda.control('Workshop starten');
    await agenda.control('Nächster Block');
    await new RoomPage(anna.page).heading.waitFor();
    await new RoomPage(ben.page).heading.waitFor();

    // In the room, both participants propose a finding (the same thought twice).
    await new RoomFindingsPanel(anna.page).propose('Wir wollen uns öfter treffen');
    await new RoomFindingsPanel(ben.page).propose('Öfter treffen, z. B. monatlich');
    await expect.poll(() => new RoomFindingsPanel(anna.page).findings.allInnerTexts(), POLL).toEqual([
      'Wir wollen uns öfter treffen',
      'Öfter treffen, z. B. monatlich',
    ]);

    // The room clusters its cards on the board.
    const board = new BoardPage(anna.page, 'Pinnwand dieses Raums');
    await board.addCluster('Regelmäßige Treffen');
    await board.addCard('Stammtisch');
    await board.clusterWithKeyboard('Stammtisch', 'Regelmäßige Treffen');
    await expect.poll(() => board.cardsIn('Regelmäßige Treffen'), POLL).toEqual(['Stammtisch']);

    // The co-moderator sees which room proposed how much, turns the cluster and a passage of the notes into findings,
    // merges the duplicates and orders the list.
    await expect.poll(() => coModerator.page.getByTestId('room-finding-count').innerText(), POLL).toBe('2 Erkenntnisse vorgeschlagen');
    const collecting = new FindingsPanel(coModerator.page);
    await collecting.chooseRound(ROUND);
    await expect.poll(() => collecting.proposedIn('Raum Nord').innerText(), POLL).toBe('2');
    await collecting.collectCluster('Regelmäßige Treffen', 1);
    await collecting.collectFromNotes('Ein gemeinsamer Newsletter fehlt.');
    await expect.poll(() => collecting.texts(), POLL).toEqual([
      'Wir wollen uns öfter treffen',
      'Öfter treffen, z. B. monatlich',
      'Regelmäßige Treffen',
      'Ein gemeinsamer Newsletter fehlt.',
    ]);
    await collecting.select('Wir wollen uns öfter treffen');
    await collecting.select('Öfter treffen, z. B. monatlich');
    await collecting.select('Regelmäßige Treffen');
    await collecting.merge();
    await expect.poll(() => collecting.texts(), POLL).toEqual(['Wir wollen uns öfter treffen', 'Ein gemeinsamer Newsletter fehlt.']);
    await expect.poll(() => collecting.finding('Wir wollen uns öfter treffen').locator('summary').innerText(), POLL).toBe('3 Quellen');
    await collecting.moveUp('Ein gemeinsamer Newsletter fehlt.');
    await expect.poll(() => collecting.texts(), POLL).toEqual(['Ein gemeinsamer Newsletter fehlt.', 'Wir wollen uns öfter treffen']);
    // The moderator's list follows live.
    await expect.poll(() => new FindingsPanel(moderator.page).texts(), POLL).toEqual(['Ein gemeinsamer Newsletter fehlt.', 'Wir wollen uns öfter treffen']);
    await collecting.setHeading('Wir wollen uns öfter treffen', 'Austausch');
    await expect.poll(() => new FindingsPanel(moderator.page).headings.allInnerTexts(), POLL).toEqual(['Austausch']);
    expect(await accessibilityViolations(coModerator.page)).toEqual([]);

    // Closing round: everyone is back in the plenary, the moderator presents the findings one by one.
    await agenda.control('Nächster Block');
    await expect.poll(() => new RoomPage(ben.page).region.count(), POLL).toBe(0);
    await new FindingsPanel(moderator.page).presentOneByOne();
    for (const actor of [moderator, coModerator, anna, ben]) {
      await expect.poll(() => new StagePanel(actor.page).finding.innerText(), POLL).toBe('Ein gemeinsamer Newsletter fehlt.');
    }
    await new StagePanel(moderator.page).next();
    for (const actor of [anna, ben]) {
      await expect.poll(() => new StagePanel(actor.page).finding.innerText(), POLL).toBe('Wir wollen uns öfter treffen');
    }
    // Agreement, once the moderator allows it, counted live on every screen.
    await new StagePanel(moderator.page).allowAgreement();
    await new StagePanel(ben.page).agree();
    await new StagePanel(anna.page).agree();
    await expect.poll(() => new StagePanel(moderator.page).agreements.innerText(), POLL).toBe('2 Zustimmungen');
    await expect.poll(() => new StagePanel(ben.page).agreements.innerText(), POLL).toBe('2 Zustimmungen');
    expect(await accessibilityViolations(ben.page)).toEqual([]);
    // Nothing sticks out sideways on the phone.
    expect(await ben.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('a participant raises a hand and is called; a speaking round moves on for everyone', async () => {
    await new SpeakingPanel(anna.page).raiseHand();
    const moderation = new SpeakingPanel(moderator.page);
    await expect.poll(() => moderation.queue.allInnerTexts(), POLL).toEqual(['Anna']);
    await moderation.callNext();
    await expect.poll(() => new SpeakingPanel(anna.page).called.innerText(), POLL).toBe('Sie haben das Wort.');
    await expect.poll(() => new SpeakingPanel(ben.page).called.innerText(), POLL).toBe('Anna hat das Wort.');

    await moderation.startRound('Abschlussrunde', 60);
    // The list order: Mara, Cem, Anna, Ben (the order they joined, all present).
    await expect.poll(() => new SpeakingPanel(ben.page).speakerNow.innerText(), POLL).toBe('Es spricht: Mara');
    await moderation.nextSpeaker();
    for (const actor of [anna, ben]) {
      await expect.poll(() => new SpeakingPanel(actor.page).speakerNow.innerText(), POLL).toBe('Es spricht: Cem');
    }
    await moderation.nextSpeaker();
    await expect.poll(() => new SpeakingPanel(anna.page).speakerNow.innerText(), POLL).toBe('Sie sind an der Reihe.');
    expect(await accessibilityViolations(moderator.page)).toEqual([]);

    // A short flash round: the speaker's time running out is announced as the agenda's clock does.
    await moderation.endRound();
    await moderation.startRound('Blitzlicht', 5);
    await expect.poll(() => new SpeakingPanel(ben.page).speakerNow.innerText(), POLL).toBe('Es spricht: Mara');
    for (const actor of [ben, moderator]) {
      await expect.poll(() => new SpeakingPanel(actor.page).warning.innerText(), POLL).toBe('Die Redezeit ist um.');
    }
  });
});
