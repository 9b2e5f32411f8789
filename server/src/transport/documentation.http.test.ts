import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CollabGrant, DocumentationState } from '@werkraum/shared/protocol';
import { Harness, okData, type TestServer } from '../test/harness.js';
import { NotesHarness } from '../test/notesHarness.js';
import { TestClock } from '../test/testClock.js';
import { waitFor } from '../test/waitFor.js';
import {
  HOSTILE_NOTE,
  LISTED,
  NEXT_STEPS,
  PLENARY_CARD,
  PLENARY_NOTE,
  POLL_GUESTS,
  UNLISTED,
  buildSeedLikeWorkshop,
  type DocumentationFixture,
} from '../test/documentationFixture.js';

/** Everything in a file that a reader could see, for "appears nowhere" checks. */
function everyName(): string[] {
  return [...UNLISTED, ...POLL_GUESTS];
}

describe('GET /api/workshops/:id/documentation (a seed-003-shaped workshop run through the server)', () => {
  const harness = new NotesHarness();
  let server: TestServer;
  let fixture: DocumentationFixture;
  const clock = new TestClock('2024-11-20T13:00:00.000Z');
  const tmp = mkdtempSync(join(tmpdir(), 'werkraum-doc-'));

  beforeAll(async () => {
    server = await harness.startNotes({ now: () => clock.now() });
    fixture = await buildSeedLikeWorkshop(harness, server, clock);
  }, 60_000);
  afterAll(async () => {
    await harness.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  const get = (query: string, key: string | null = fixture.workshop.keys.moderator) =>
    fetch(`${server.baseUrl}/api/workshops/${fixture.workshop.id}/documentation${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('Markdown: the heading tree, title block, agenda with actual times, poll results, rooms with notes and boards, listed people only', async () => {
    const response = await get('?format=markdown');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('filename="austauschtreffen-kultur-engagement-2024-11-20.md"');
    const md = await response.text();
    const headings = md.split('\n').filter((line) => /^#{1,6} /.test(line));
    expect(headings.slice(0, 4)).toEqual(['# Austauschtreffen Kultur & Engagement', '## Ablauf', '## Umfrageergebnisse', '### Wie gut sind Sie lokal vernetzt?']);
    expect(headings).toContain('## Kleingruppen');
    expect(headings).toContain('#### Raum 1');
    expect(headings).toContain('## Anlagen');
    expect(headings).toContain('## Teilnehmendenliste');
    expect(headings.indexOf('## Kleingruppen')).toBeLessThan(headings.indexOf('## Anlagen'));
    // The plenary after the rooms, the next steps before the attachments (after the findings).
    expect(headings.indexOf('## Kleingruppen')).toBeLessThan(headings.indexOf('## Plenum'));
    expect(headings.indexOf('## Plenum')).toBeLessThan(headings.indexOf('## Wie geht es weiter'));
    expect(headings.indexOf('## Wie geht es weiter')).toBe(headings.indexOf('## Anlagen') - 1);
    expect(headings.slice(headings.indexOf('## Plenum'), headings.indexOf('## Plenum') + 3)).toEqual(['## Plenum', '### Notizen', '##### Verabredungen im Plenum']);
    expect(md).toContain(PLENARY_NOTE);
    expect(md).toContain(`- ${PLENARY_CARD}`);
    expect(md).toContain(
      '## Wie geht es weiter\n\nIn Zukunft sollen weitere Termine zum Austausch angeboten werden, jeweils mit einem Schwerpunktthema.  \n' +
        'Themenwünsche gerne an: anne.melzig@lwl.org\n\n- Nächstes Treffen im Frühjahr 2025\n- Sammlung der Netzwerke folgt per E-Mail\n\n',
    );
    expect(md).toContain('**Datum:** Mittwoch, 20. November 2024, 14:00–16:08 Uhr');
    expect(md).toContain('**Moderation:** Kai Heddergott');
    // The input ran 5 minutes longer, the first round paused 3 minutes; everything after moved.
    expect(md).toMatch(/\| 14:15 \| 14:20 \| 14:15 \| 14:25 \| Input durch Anne Melzig: Engagement vor Ort gemeinsam gestalten \| Input \| um 5 Min\. verlängert \|/);
    expect(md).toMatch(/\| 14:45 \| 15:05 \| 14:50 \| 15:13 \| Breakout-Session Runde 1.*\| 3 Min\. pausiert \|/);
    expect(md).toContain('**Geplantes Ende:** 16:00');
    expect(md).toContain('**Tatsächliches Ende:** 16:08');
    expect(md).toContain('12 Personen haben teilgenommen (anonym)');
    expect(md).toContain('| Sehr gut | 6 | 50 % |');
    expect(md).toContain('| Teilweise | 4 | 33 % |');
    expect(md).toContain('| Kaum | 2 | 17 % |');
    for (const round of fixture.rounds) for (const room of round.rooms) expect(md).toContain(`Ergebnis aus ${room.name}: Kulturbüro`);
    expect(md).toContain('###### Netzwerke in Raum 2');
    expect(md).toContain('- Stadtbibliothek');
    expect(md).toContain('**wichtig**');
    expect(md).toMatch(/\[ ?Freiwilligenagentur\]\(https:\/\/example\.org\/fa\)/);
    expect(md).not.toContain('javascript:');
    expect(md).toContain('Partner Raum 4');
    expect(md).toContain('Volkshochschule');
    expect(md).toContain('- Jürgen Weiß (Stadt Rheine)');
    expect(md).toContain('- Anne Melzig (LWL-Kulturabteilung)');
    expect(md).toContain('- Stephanie Krause\n');
    expect(md).toContain('**Gastgeber\\*in:** Anne Melzig');
    expect(md).toContain('[Präsentation Stadtkultur Rheine.pdf]');
    expect(md).toMatch(/\*\*Mitglieder:\*\* \d+ weitere Personen \(nicht namentlich genannt\)/);
    expect(md).not.toContain('<script>');
    for (const name of everyName()) expect(md).not.toContain(name);
  });

  it('English on request, sections left out on request, and 400 naming the allowed values', async () => {
    const md = await (await get('?format=markdown&lang=en&exclude=participants,polls')).text();
    expect(md).toContain('**Date:** Wednesday, 20 November 2024, 2:00–4:08 pm');
    expect(md).toContain('## Agenda');
    expect(md).not.toContain('## Participants');
    expect(md).not.toContain('Poll results');
    expect(md).not.toContain('Jürgen Weiß (Stadt Rheine)');
    expect(md).toContain('## Plenary');
    expect(md).toContain('## Next steps');

    const without = await (await get('?format=markdown&exclude=plenary,nextSteps')).text();
    expect(without).not.toContain('## Plenum');
    expect(without).not.toContain(PLENARY_NOTE);
    expect(without).not.toContain(PLENARY_CARD);
    expect(without).not.toContain('Wie geht es weiter');
    expect(without).not.toContain('Frühjahr 2025');
    expect(without).toContain('## Kleingruppen');

    const badFormat = await get('?format=odt');
    expect(badFormat.status).toBe(400);
    const body = (await badFormat.json()) as { error: { code: string; field: string; message: string } };
    expect(body.error).toMatchObject({ code: 'invalid_payload', field: 'format' });
    expect(body.error.message).toContain('markdown, html, docx, pdf, zip');
    expect(((await (await get('?lang=fr')).json()) as { error: { field: string } }).error.field).toBe('lang');
    const badSection = (await (await get('?exclude=agenda,gossip')).json()) as { error: { field: string; message: string } };
    expect(badSection.error.field).toBe('exclude');
    expect(badSection.error.message).toContain('summary, agenda, polls, breakouts, plenary, findings, nextSteps, attachments, participants');
  });

  it('HTML: one self-contained file with lang set, no markup from user text, served as a download with a strict policy', async () => {
    const response = await get('');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="austauschtreffen-kultur-engagement-2024-11-20\.html"/);
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="de">/);
    expect(html).toContain('<h2>Ablauf</h2>');
    expect(html).toContain('<section class="round">');
    expect(html).toMatch(/<img class="board" src="data:image\/png;base64,/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/<script/i);
    // Every '<' of user text is escaped, so any tag here is the renderer's own.
    expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('href="https://example.org/fa"');
    // The next steps: typed text as text, list items as a list.
    expect(html).toContain('<section id="nextSteps"><h2>Wie geht es weiter</h2>');
    expect(html).toContain('<li>Nächstes Treffen im Frühjahr 2025</li><li>Sammlung der Netzwerke folgt per E-Mail</li>');
    expect(html).toContain('<p>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;</p>');
    expect(html).toMatch(/<section id="plenary"><h2>Plenum<\/h2>/);
    expect(html).toContain(PLENARY_NOTE);
    // Self-contained: every picture is inline.
    expect(html).not.toMatch(/src="(?!data:)/);
    for (const name of everyName()) expect(html).not.toContain(name);
    expect(HOSTILE_NOTE).toContain('<script>');
  });

  it('DOCX: a valid document whose headings use heading styles and whose text holds the title and every room\'s notes', async () => {
    const response = await get('?format=docx');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(response.headers.get('content-disposition')).toContain('austauschtreffen-kultur-engagement-2024-11-20.docx');
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const xml = strFromU8(files['word/document.xml']!);
    expect(xml).toContain('Austauschtreffen Kultur &amp; Engagement');
    expect(xml).toMatch(/<w:pStyle w:val="Heading1"\/>.*?<w:t[^>]*>Ablauf<\/w:t>/s);
    expect(xml).toMatch(/<w:pStyle w:val="Heading3"\/>.*?<w:t[^>]*>Raum 6<\/w:t>/s);
    for (const round of fixture.rounds) for (const room of round.rooms) expect(xml).toContain(`Ergebnis aus ${room.name}: Kulturbüro`);
    expect(xml).toContain('Jürgen Weiß (Stadt Rheine)');
    expect(Object.keys(files).some((name) => name.startsWith('word/media/'))).toBe(true);
    for (const name of everyName()) expect(xml).not.toContain(name);
    expect(xml).not.toContain('<script>');
    const rels = strFromU8(files['word/_rels/document.xml.rels']!);
    expect(rels).toContain('https://example.org/fa');
    expect(rels).not.toContain('javascript:');
    expect(xml).toContain('Klick mich');
    expect(xml).toMatch(/<w:pStyle w:val="Heading1"\/>(?:(?!<w:p>).)*?<w:t[^>]*>Plenum<\/w:t>/s);
    expect(xml).toMatch(/<w:pStyle w:val="Heading1"\/>(?:(?!<w:p>).)*?<w:t[^>]*>Wie geht es weiter<\/w:t>/s);
    expect(xml).toContain(PLENARY_NOTE);
    expect(xml).toContain('Sammlung der Netzwerke folgt per E-Mail');
    expect(xml).toContain('&lt;script&gt;alert');
  });

  it('PDF: printed by Chromium; its text holds the agenda with actual times, the poll results and the notes', async () => {
    const response = await get('?format=pdf');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const file = join(tmp, 'doc.pdf');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Ablauf');
    expect(text).toMatch(/14:50–15:13/);
    expect(text).toContain('Umfrageergebnisse');
    expect(text).toMatch(/Sehr gut\s+6\s+50 %/);
    expect(text).toContain('Ergebnis aus Raum 5');
    expect(text).toContain('Wie geht es weiter');
    expect(text).toContain('Frühjahr 2025');
    expect(text).toContain('Plenum');
    for (const name of everyName()) expect(text).not.toContain(name);
  }, 60_000);

  it('ZIP: HTML, DOCX, PDF, Markdown with its images, every board as SVG and PNG, and the attachment', async () => {
    const response = await get('?format=zip');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const base = 'austauschtreffen-kultur-engagement-2024-11-20';
    for (const ext of ['html', 'docx', 'pdf', 'md']) expect(files[`${base}.${ext}`]?.length ?? 0).toBeGreaterThan(0);
    const md = strFromU8(files[`${base}.md`]!);
    const images = [...md.matchAll(/\]\((images\/board-[^)]+\.png)\)/g)].map((match) => match[1]!);
    // Six rooms and the plenary.
    expect(images).toHaveLength(7);
    expect(images).toContain('images/board-plenary.png');
    const plenarySvg = strFromU8(files['boards/plenary.svg']!);
    expect(plenarySvg).toContain('Netzwerkkarte');
    for (const name of UNLISTED) expect(plenarySvg).not.toContain(name);
    for (const image of images) expect(files[image]?.length ?? 0).toBeGreaterThan(0);
    for (const round of fixture.rounds) {
      for (const room of round.rooms) {
        const svg = strFromU8(files[`boards/${room.id}.svg`]!);
        expect(svg).toContain('Musikschule');
        // Card authors who did not agree to be listed are not drawn.
        for (const name of UNLISTED) expect(svg).not.toContain(name);
        expect(files[`boards/${room.id}.png`]!.subarray(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47]));
      }
    }
    expect(strFromU8(files['attachments/Präsentation Stadtkultur Rheine.pdf']!)).toBe('%PDF-1.4 Ablaufplan');
    for (const name of everyName()) {
      expect(strFromU8(files[`${base}.html`]!)).not.toContain(name);
      expect(md).not.toContain(name);
    }
  }, 60_000);

  it('roles: 401 without a key, 403 for a wrong key or a participant before publishing, then the published documentation without the sections left out', async () => {
    expect((await get('', null)).status).toBe(401);
    expect((await get('', 'x'.repeat(32))).status).toBe(403);
    const participantToken = fixture.participants[0]!.snapshot!.session.personToken;
    const before = await get('?format=markdown', participantToken);
    expect(before.status).toBe(403);
    expect(((await before.json()) as { error: { message: string } }).error.message).toContain('not been published');
    expect((await get('?format=markdown', fixture.workshop.secrets.participant)).status).toBe(403);

    const participant = fixture.participants[0]!;
    expect(okData(await participant.call('documentation:get', {}))).toMatchObject({ published: false, attachments: [] });
    expect(okData(await fixture.moderator.call('documentation:get', {})).attachments).toHaveLength(1);
    expect((await participant.call('documentation:publish', { published: true })).ok).toBe(false);
    // A poll whose results only the moderation sees stays theirs in the published documentation too.
    const { pollId } = okData(
      await fixture.moderator.call('poll:create', { question: 'Nur für die Moderation?', type: 'yesNo', resultsVisibility: 'moderators' }),
    );
    okData(await fixture.moderator.call('poll:open', { pollId }));
    okData(await fixture.moderator.call('documentation:update', { excluded: ['participants'], compiledBy: 'Anne Melzig (LWL-Kulturabteilung)' }));
    const state = okData(await fixture.moderator.call('documentation:publish', { published: true }));
    expect(state.published).toBe(true);
    await waitFor(() => participant.eventsOf('documentation:changed').some((change) => change.published), 'participants told');
    const seen = participant.eventsOf('documentation:changed').at(-1)!;
    expect(seen.attachments.map((attachment) => attachment.name)).toEqual(['Präsentation Stadtkultur Rheine.pdf']);

    const after = await get('?format=markdown&exclude=', participantToken);
    expect(after.status).toBe(200);
    const md = await after.text();
    expect(md).toContain('**Erstellt von:** Anne Melzig (LWL-Kulturabteilung)');
    expect(md).not.toContain('## Teilnehmendenliste');
    expect(md).toContain('Wie gut sind Sie lokal vernetzt?');
    expect(md).not.toContain('Nur für die Moderation?');
    // The moderation still gets what it asks for.
    const moderation = await (await get('?format=markdown&exclude=')).text();
    expect(moderation).toContain('## Teilnehmendenliste');
    expect(moderation).toContain('Nur für die Moderation?');

    // Attachments left out of the documentation are not listed or served to participants either.
    const attachments = `${server.baseUrl}/api/workshops/${fixture.workshop.id}/attachments`;
    const asParticipant = { headers: { authorization: `Bearer ${participantToken}` } };
    const listed = (await (await fetch(attachments, asParticipant)).json()) as { attachments: { id: string }[] };
    expect(listed.attachments).toHaveLength(1);
    const attachmentId = listed.attachments[0]!.id;
    expect((await fetch(`${attachments}/${attachmentId}`, asParticipant)).status).toBe(200);
    okData(await fixture.moderator.call('documentation:update', { excluded: ['participants', 'attachments'] }));
    expect(((await (await fetch(attachments, asParticipant)).json()) as { attachments: unknown[] }).attachments).toEqual([]);
    expect((await fetch(`${attachments}/${attachmentId}`, asParticipant)).status).toBe(404);
    expect((await fetch(`${attachments}/${attachmentId}`, { headers: { authorization: `Bearer ${fixture.workshop.keys.moderator}` } })).status).toBe(200);

    okData(await fixture.moderator.call('documentation:publish', { published: false }));
    expect((await get('?format=markdown', participantToken)).status).toBe(403);
    okData(await fixture.moderator.call('documentation:update', { excluded: [], compiledBy: '' }));
  });
});

describe('documentation settings, summary and attachments', () => {
  const harness = new NotesHarness();
  let server: TestServer;
  afterAll(() => harness.cleanup());
  beforeAll(async () => {
    server = await harness.startNotes();
  });

  it('the summary is written together by facilitators on the collaboration server and becomes the summary section; participants get no token', async () => {
    const workshop = await harness.createWorkshop(server, { title: 'Retro Zusammenfassung', language: 'en' });
    const coModerator = await harness.join(server, workshop, 'coModerator', 'Cem');
    const participant = await harness.join(server, workshop, 'participant', 'Pia', true);
    const refused = await participant.call('documentation:summaryToken', {});
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('forbidden');
    expect((await participant.call('documentation:update', { compiledBy: 'Pia' })).ok).toBe(false);

    const grant = okData(await coModerator.call('documentation:summaryToken', {})) as CollabGrant;
    expect(grant.docName).toBe(`summary:${workshop.id}`);
    const client = harness.collab(server, grant);
    await waitFor(() => client.provider.synced, 'summary synced');
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('We agreed to meet every quarter.')]);
    client.doc.getXmlFragment('default').push([paragraph]);
    const read = () =>
      fetch(`${server.baseUrl}/api/workshops/${workshop.id}/documentation?format=markdown`, { headers: { authorization: `Bearer ${workshop.keys.coModerator}` } }).then((r) => r.text());
    await waitFor(async () => (await read()).includes('We agreed to meet every quarter.'), 'summary exported');
    const md = await read();
    expect(md).toContain('## Summary\n\nWe agreed to meet every quarter.');
    expect(md).toContain('- Pia');

    // An organisation given when joining is listed with the name.
    const other = await harness.connect(server);
    const snapshot = okData(
      await other.call('session:join', { workshopId: workshop.id, linkSecret: workshop.secrets.participant, displayName: 'Jürgen Weiß', listInDocumentation: true, organisation: 'Stadt Rheine' }),
    );
    expect(snapshot.people.find((person) => person.displayName === 'Jürgen Weiß')?.organisation).toBe('Stadt Rheine');
    expect(await read()).toContain('- Jürgen Weiß (Stadt Rheine)');

    const state = okData(await coModerator.call('documentation:get', {})) as DocumentationState;
    expect(state).toMatchObject({ published: false, compiledBy: '', nextSteps: '', excluded: [] });

    // Next steps: facilitators only, several lines (stored with one kind of line break), at most 5,000 characters.
    expect((await participant.call('documentation:update', { nextSteps: 'Pia' })).ok).toBe(false);
    expect((await coModerator.call('documentation:update', { nextSteps: 'x'.repeat(5001) })).ok).toBe(false);
    expect((await coModerator.call('documentation:update', { nextSteps: 'a\u202eb' })).ok).toBe(false);
    const updated = okData(await coModerator.call('documentation:update', { nextSteps: 'Next date in March.\r\n\r\n- Invitations follow' })) as DocumentationState;
    expect(updated.nextSteps).toBe('Next date in March.\n\n- Invitations follow');
    expect(await read()).toContain('## Next steps\n\nNext date in March.\n\n- Invitations follow\n');
    // A draft until published: participants are told of the change, without the text.
    await waitFor(() => participant.eventsOf('documentation:changed').length > 0, 'participants told');
    expect(participant.eventsOf('documentation:changed').every((change) => change.nextSteps === '')).toBe(true);
    expect((okData(await participant.call('documentation:get', {})) as DocumentationState).nextSteps).toBe('');
    okData(await coModerator.call('documentation:publish', { published: true }));
    await waitFor(() => participant.eventsOf('documentation:changed').some((change) => change.published && change.nextSteps.includes('March')), 'published next steps');
    okData(await coModerator.call('documentation:publish', { published: false }));
  });

  it('attachments: upload, list, download as attachment only, 400 empty, 413 too large, 403 for participants, delete', async () => {
    const workshop = await harness.createWorkshop(server);
    const participant = await harness.join(server, workshop, 'participant', 'Pia');
    const url = `${server.baseUrl}/api/workshops/${workshop.id}/attachments`;
    const auth = { authorization: `Bearer ${workshop.keys.moderator}` };
    const upload = (data: Uint8Array, name: string, type: string, key = workshop.keys.moderator) => {
      const form = new FormData();
      form.append('file', new Blob([data], { type }), name);
      return fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
    };

    const created = await upload(new TextEncoder().encode('<html><script>alert(1)</script></html>'), '../../etc/evil\u202e<x>.html', 'text/html');
    expect(created.status).toBe(201);
    const view = (await created.json()) as { id: string; name: string; size: number; contentType: string };
    expect(view).toMatchObject({ name: 'evil_x_.html', size: 38, contentType: 'text/html' });
    const list = (await (await fetch(url, { headers: auth })).json()) as { attachments: { id: string }[] };
    expect(list.attachments.map((attachment) => attachment.id)).toEqual([view.id]);

    const download = await fetch(`${url}/${view.id}`, { headers: auth });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="evil_x_\.html"/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-security-policy')).toBe('sandbox');
    expect(await download.text()).toContain('<script>');

    expect((await upload(new Uint8Array(0), 'empty.txt', 'text/plain')).status).toBe(400);
    const notMultipart = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    expect(notMultipart.status).toBe(400);
    const big = await upload(new Uint8Array(25 * 1024 * 1024 + 1), 'big.bin', 'application/octet-stream');
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('too_large');
    expect((await upload(new Uint8Array([1]), 'p.txt', 'text/plain', participant.snapshot!.session.personToken)).status).toBe(403);
    expect((await fetch(`${url}/${view.id}`, { headers: { authorization: `Bearer ${participant.snapshot!.session.personToken}` } })).status).toBe(403);
    expect((await fetch(`${url}/nope`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${url}/${view.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${participant.snapshot!.session.personToken}` } })).status).toBe(403);
    expect((await fetch(`${url}/${view.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await fetch(`${url}/${view.id}`, { method: 'DELETE', headers: auth })).status).toBe(404);
    expect((await fetch(url)).status).toBe(401);
  }, 60_000);
});

describe('PDF without a browser', () => {
  const harness = new Harness();
  afterAll(() => harness.cleanup());

  it('answers 503 unavailable naming the package, while the other formats keep working', async () => {
    const server = await harness.start({ chromiumPath: '/nonexistent/chromium' });
    const workshop = await harness.createWorkshop(server);
    const get = (format: string) =>
      fetch(`${server.baseUrl}/api/workshops/${workshop.id}/documentation?format=${format}`, { headers: { authorization: `Bearer ${workshop.keys.moderator}` } });
    const pdf = await get('pdf');
    expect(pdf.status).toBe(503);
    const body = (await pdf.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unavailable');
    expect(body.error.message).toContain('chromium');
    expect((await get('docx')).status).toBe(200);
    const zip = unzipSync(new Uint8Array(await (await get('zip')).arrayBuffer()));
    expect(Object.keys(zip).some((name) => name.endsWith('.pdf'))).toBe(false);
    expect(Object.keys(zip).some((name) => name.endsWith('.docx'))).toBe(true);
  });
});
