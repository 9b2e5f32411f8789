import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@werkraum/shared/protocol';
import { accessibilityViolations, FAKE_MEDIA_ARGS, launchBrowser, newActor, type Actor } from '../fixtures/browser.js';
import { FakeLiveKitSignal } from '../fixtures/fakeLiveKit.js';
import { ServerProcess } from '../fixtures/server.js';
import { AgendaPanel } from '../pages/agenda.js';
import { BreakoutOverviewPage, RoomPage, setUpRound } from '../pages/breakouts.js';
import { MediaPanelPage } from '../pages/media.js';
import { CreateWorkshopPage, JoinPage, WorkshopView } from '../pages/workshop.js';

const POLL = { timeout: 15_000, interval: 100 };
const ROOMS = [
  { name: 'Netzwerke', task: 'Welche Netzwerke gibt es?' },
  { name: 'Ideen', task: 'Was probieren wir aus?' },
];

describe('audio and video: the call panel follows the room', () => {
  let liveKit: FakeLiveKitSignal;
  let server: ServerProcess;
  let browser: Browser;
  let moderator: Actor;
  let anna: Actor;
  /** The browser's requests for the call's code (livekit-client). */
  const callChunkRequests: string[] = [];

  beforeAll(async () => {
    liveKit = await new FakeLiveKitSignal().start();
    server = new ServerProcess();
    await server.start(liveKit.env());
    browser = await launchBrowser(FAKE_MEDIA_ARGS);
    moderator = await newActor(browser, 'Mara');
    anna = await newActor(browser, 'Anna');
    anna.page.on('request', (request) => {
      if (/\/assets\/CallView-/.test(request.url())) callChunkRequests.push(request.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await liveKit?.close();
  });

  it('checks the devices with a live microphone level, and loads the call code only then', async () => {
    const create = new CreateWorkshopPage(moderator.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Austausch mit Ton', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(moderator.page).join('Mara');
    await new AgendaPanel(moderator.page).importTimetable('14:00-14:05 Ankommen\n14:05-14:25 Breakout-Session Gruppen\n14:25-14:30 Abschluss', 3);
    await setUpRound(moderator.page, 'Breakout-Session Gruppen', ROOMS, 3);

    await anna.page.setViewportSize({ width: 390, height: 844 });
    await anna.page.goto(links.participant);
    await new JoinPage(anna.page).join('Anna');
    const media = new MediaPanelPage(anna.page);
    await expect.poll(() => media.room.innerText(), POLL).toBe('Gespräch: Plenum');
    expect(callChunkRequests).toEqual([]);

    await media.joinButton.click();
    await media.deviceCheck.waitFor();
    expect(callChunkRequests.length).toBe(1);
    // Chromium's fake microphone beeps: the level moves above zero.
    await expect.poll(async () => Number(await media.micLevel.getAttribute('data-level')), POLL).toBeGreaterThan(0);
    await expect.poll(() => media.deviceCheck.getByLabel('Mikrofon', { exact: true }).locator('option').count(), POLL).toBeGreaterThan(0);
    // Fits a phone: nothing wider than the screen.
    expect(await anna.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await accessibilityViolations(anna.page)).toEqual([]);
  });

  it('asks for the plenary call, and says so when the media server does not take the call', async () => {
    const media = new MediaPanelPage(anna.page);
    await media.deviceCheck.getByRole('button', { name: 'Jetzt beitreten' }).click();
    await expect.poll(() => liveKit.tokens.length, POLL).toBeGreaterThan(0);
    const plenary = liveKit.tokens.at(-1)!;
    expect(plenary.name).toBe('Anna');
    expect(plenary.room).toMatch(/^werkraum:[^:]+:plenary$/);
    expect(liveKit.rejected).toEqual([]);
    await media.error.waitFor();
    expect(await media.error.innerText()).toContain('Keine Verbindung zum Audio-/Video-Server');
  });

  it('moves to the breakout room\'s call when the rooms open', async () => {
    const agenda = new AgendaPanel(moderator.page);
    await agenda.control('Workshop starten');
    await agenda.control('Nächster Block');
    await expect.poll(() => new BreakoutOverviewPage(moderator.page).phase.getAttribute('data-phase'), POLL).toBe('open');

    const roomName = await new RoomPage(anna.page).heading.innerText();
    const media = new MediaPanelPage(anna.page);
    await expect.poll(() => media.room.innerText(), POLL).toBe(`Gespräch: ${roomName}`);
    const roomId = await media.room.getAttribute('data-room-id');
    expect(roomId).not.toBe('plenary');
    const workshopRoom = liveKit.tokens[0]!.room.replace(/:plenary$/, '');
    await expect.poll(() => liveKit.tokens.at(-1)?.room, POLL).toBe(`${workshopRoom}:${roomId}`);
    expect(liveKit.tokens.at(-1)!.identity).toBe(liveKit.tokens[0]!.identity);
    await media.error.waitFor();
  });

  it('shows who is in a call, as LiveKit reports it', async () => {
    const annaInList = new WorkshopView(moderator.page).person('Anna');
    expect(await annaInList.getByTestId('in-call').count()).toBe(0);
    expect(await liveKit.sendWebhook(server.url, 'participant_joined', liveKit.tokens.at(-1)!)).toBe(200);
    await annaInList.getByTestId('in-call').waitFor();
    expect(await annaInList.innerText()).toContain('im Gespräch');

    // Anna's call reports that she speaks (as her browser does from LiveKit's active speakers; sent
    // here from a stock client with her identity, since the fake media server carries no audio).
    const roomId = await new MediaPanelPage(anna.page).room.getAttribute('data-room-id');
    const workshopId = new URL(anna.page.url()).pathname.split('/')[2]!;
    const identity = JSON.parse((await anna.page.evaluate((key) => localStorage.getItem(key), `werkraum:identity:${workshopId}`))!) as { personToken: string };
    const annaSocket = io(server.url, { auth: { protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      expect((await annaSocket.emitWithAck('session:resume', { workshopId, personToken: identity.personToken })).ok).toBe(true);
      expect(await annaSocket.emitWithAck('media:speaking', { roomId, speaking: true })).toMatchObject({ ok: true });
      await annaInList.getByTestId('speaking').waitFor();
      expect(await annaInList.innerText()).toContain('spricht');
      // Text, not colour alone, and it goes away when she stops.
      expect(await annaSocket.emitWithAck('media:speaking', { roomId, speaking: false })).toMatchObject({ ok: true });
      await expect.poll(() => annaInList.getByTestId('speaking').count(), POLL).toBe(0);
      // Nobody speaks for someone who is not in that call.
      expect(await annaSocket.emitWithAck('media:speaking', { roomId: 'plenary', speaking: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    } finally {
      annaSocket.close();
    }

    expect(await liveKit.sendWebhook(server.url, 'participant_left', liveKit.tokens.at(-1)!)).toBe(200);
    await expect.poll(() => annaInList.getByTestId('in-call').count(), POLL).toBe(0);
  });
});

describe('audio and video: off when the server has no LiveKit', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = new ServerProcess();
    // Off even where the environment names a LiveKit server.
    await server.start({ LIVEKIT_URL: '', LIVEKIT_API_KEY: '', LIVEKIT_API_SECRET: '' });
    browser = await launchBrowser(FAKE_MEDIA_ARGS);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('says that audio and video are not set up, and offers the moderation\'s external meeting link instead', async () => {
    const mara = await newActor(browser, 'Mara');
    const create = new CreateWorkshopPage(mara.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Ohne Ton', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(mara.page).join('Mara');
    const media = new MediaPanelPage(mara.page);
    await media.off.waitFor();
    expect(await media.off.innerText()).toContain('Audio und Video sind auf diesem Server nicht eingerichtet');
    expect(await media.joinButton.count()).toBe(0);

    const ben = await newActor(browser, 'Ben');
    await ben.page.goto(links.participant);
    await new JoinPage(ben.page).join('Ben');
    const bensMedia = new MediaPanelPage(ben.page);
    await bensMedia.off.waitFor();
    expect(await bensMedia.meetingLink.count()).toBe(0);

    await media.setMeetingLink('Plenum', 'https://jitsi.example.org/ohne-ton');
    await bensMedia.meetingLink.waitFor();
    expect(await bensMedia.meetingLink.innerText()).toBe('Externe Konferenz von Plenum öffnen');
    expect(await bensMedia.meetingLink.getAttribute('href')).toBe('https://jitsi.example.org/ohne-ton');
    expect(await accessibilityViolations(mara.page)).toEqual([]);
  });
});

// Needs a running LiveKit server reachable from the browser: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET.
describe.skipIf(!process.env.LIVEKIT_URL)('audio and video with a live LiveKit server', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = new ServerProcess();
    await server.start();
    browser = await launchBrowser(FAKE_MEDIA_ARGS);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('puts two people into the plenary call, where each sees the other\'s tile', async () => {
    const mara = await newActor(browser, 'Mara');
    const create = new CreateWorkshopPage(mara.page);
    await create.goto(server.url);
    const links = await create.create({ title: 'Live', date: '2026-11-20', time: '14:00' });
    await create.openAsModerator();
    await new JoinPage(mara.page).join('Mara');
    const ben = await newActor(browser, 'Ben');
    await ben.page.goto(links.participant);
    await new JoinPage(ben.page).join('Ben');
    for (const actor of [mara, ben]) {
      const media = new MediaPanelPage(actor.page);
      await media.joinButton.click();
      await media.deviceCheck.getByRole('button', { name: 'Jetzt beitreten' }).click();
    }
    for (const actor of [mara, ben]) {
      await expect.poll(() => new MediaPanelPage(actor.page).region.getByTestId('media-tile').count(), { timeout: 30_000, interval: 200 }).toBe(2);
    }
  });
});
