import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '@werkraum/shared/limits';
import { PROTOCOL_VERSION } from '@werkraum/shared/protocol';
import { ROLES } from '@werkraum/shared/roles';
import { Harness, TEST_STORE, validWorkshopBody, type TestServer } from '../test/harness.js';
import { postgresRawPages, withStoreReader } from '../test/storeReader.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

describe('HTTP API', () => {
  const harness = new Harness();
  let server: TestServer;

  beforeEach(async () => {
    server = await harness.start();
  });
  afterEach(() => harness.cleanup());

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${server.baseUrl}/api/workshops`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const getWorkshop = (id: string, key?: string) =>
    fetch(`${server.baseUrl}/api/workshops/${encodeURIComponent(id)}`, {
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    });

  it('GET /api/health answers 200 { ok: true } with the protocol version', async () => {
    const response = await fetch(`${server.baseUrl}/api/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.ok).toBe(true);
    expect(body.protocolVersion).toBe(PROTOCOL_VERSION);
  });

  describe('POST /api/workshops', () => {
    it('creates a workshop: 201 with id, three absolute links and the two moderation keys', async () => {
      const response = await post(JSON.stringify(validWorkshopBody({ title: '  Retro Q3  ' })));
      expect(response.status).toBe(201);
      const body = (await response.json()) as {
        id: string;
        links: Record<string, string>;
        keys: Record<string, string>;
        workshop?: Record<string, unknown>;
      };
      expect(typeof body.id).toBe('string');
      expect(body.id.length).toBeGreaterThan(0);
      expect(Object.keys(body.links).sort()).toEqual(['coModerator', 'moderator', 'participant']);
      expect(Object.keys(body.keys).sort()).toEqual(['coModerator', 'moderator']);

      const secrets: Record<string, string> = {};
      for (const role of ROLES) {
        const link = body.links[role]!;
        const url = new URL(link);
        expect(url.origin).toBe(server.baseUrl);
        expect(url.pathname).toContain(body.id);
        const secret = url.hash.slice(1);
        expect(link.endsWith(`#${secret}`)).toBe(true);
        // At least 128 bits: 22 base64url characters.
        expect(secret).toMatch(/^[A-Za-z0-9_-]{22,}$/);
        // The secret travels only after '#', never in path or query (which reach server logs).
        expect(url.pathname + url.search).not.toContain(secret);
        secrets[role] = secret;
      }
      expect(new Set(Object.values(secrets)).size).toBe(3);
      expect(body.keys.moderator).toBe(secrets.moderator);
      expect(body.keys.coModerator).toBe(secrets.coModerator);

      // The created workshop is readable with the key, with the title trimmed.
      const read = await getWorkshop(body.id, body.keys.moderator);
      expect(read.status).toBe(200);
      expect(((await read.json()) as { title: string }).title).toBe('Retro Q3');
    });

    it('gives every workshop its own id and secrets', async () => {
      const first = await harness.createWorkshop(server);
      const second = await harness.createWorkshop(server);
      expect(second.id).not.toBe(first.id);
      const all = [...Object.values(first.secrets), ...Object.values(second.secrets)];
      expect(new Set(all).size).toBe(6);
      // A key of one workshop opens no other.
      expect((await getWorkshop(second.id, first.keys.moderator)).status).toBe(403);
    });

    it('stores no secret in clear, only SHA-256 hashes', async () => {
      const workshop = await harness.createWorkshop(server);
      const moderator = await harness.join(server, workshop, 'moderator', 'Mia');
      const personToken = moderator.snapshot!.session.personToken;
      const secrets = [...Object.values(workshop.secrets), personToken];

      /** The SQLite file and its log, or on PostgreSQL the pages of the server's schema. */
      const fileBytes = async () =>
        TEST_STORE === 'postgres'
          ? (await postgresRawPages(server)).map(({ page }) => page.toString('latin1')).join('\n')
          : [server.dataFile, `${server.dataFile}-wal`]
              .filter((file) => existsSync(file))
              .map((file) => readFileSync(file).toString('latin1'))
              .join('\n');
      const assertNoSecretIn = (haystack: string) => {
        for (const secret of secrets) expect(haystack).not.toContain(secret);
      };

      // While the server runs (data may still sit in the write-ahead log) …
      assertNoSecretIn(await fileBytes());
      await withStoreReader(server, async (db) => {
        const [row] = await db.all('SELECT * FROM workshops WHERE id = ?', [workshop.id]);
        // Every row of every table (on PostgreSQL the schema's tables, the equivalent of the file).
        assertNoSecretIn(JSON.stringify(await db.everyRow()));
        const stored = Object.values(row!).map(String);
        for (const role of ROLES) expect(stored).toContain(sha256(workshop.secrets[role]));
        const [person] = await db.all<{ token_hash: string }>('SELECT token_hash FROM people WHERE workshop_id = ?', [workshop.id]);
        expect(person!.token_hash).toBe(sha256(personToken));
      });

      // … and after shutdown, when everything is in the main file.
      moderator.close();
      await server.close();
      assertNoSecretIn(await fileBytes());
    });

    it.each([
      ['title is missing', { title: undefined }, 'title'],
      ['title is only spaces', { title: '   ' }, 'title'],
      ['title is too long', { title: 'x'.repeat(LIMITS.titleMax + 1) }, 'title'],
      ['startsAt is not a date', { startsAt: 'next tuesday' }, 'startsAt'],
      ['startsAt has no offset', { startsAt: '2026-12-01T14:00:00' }, 'startsAt'],
      ['startsAt is missing', { startsAt: undefined }, 'startsAt'],
      ['language is fr', { language: 'fr' }, 'language'],
      ['an unknown time zone', { timeZone: 'Europe/Berln' }, 'timeZone'],
      ['language is missing', { language: undefined }, 'language'],
      ['description is too long', { description: 'x'.repeat(LIMITS.descriptionMax + 1) }, 'description'],
    ])('answers 400 naming the field when %s', async (_case, overrides, field) => {
      const response = await post(JSON.stringify(validWorkshopBody(overrides)));
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.field).toBe(field);
      expect(body.error.code).toBe('invalid_payload');
      expect(typeof body.error.message).toBe('string');
      expect(body.error.message.length).toBeGreaterThan(0);
    });

    it.each([
      ['a body that is not JSON', '{"title": "Retro", ', 'application/json'],
      ['a JSON body sent as text/plain', JSON.stringify(validWorkshopBody()), 'text/plain'],
      ['a JSON body sent as form data', 'title=Retro', 'application/x-www-form-urlencoded'],
      ['a JSON string instead of an object', JSON.stringify('Retro'), 'application/json'],
      ['a JSON array', JSON.stringify([validWorkshopBody()]), 'application/json'],
      ['JSON null', 'null', 'application/json'],
      ['an empty body', '', 'application/json'],
    ])('answers 400 with an error message for %s', async (_case, body, contentType) => {
      const response = await post(body, contentType);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      const error = ((await response.json()) as ErrorBody).error;
      expect(error.code).toBe('invalid_payload');
      expect(error.message.length).toBeGreaterThan(0);
    });

    it(`answers 413 for a body over ${LIMITS.httpBodyBytes} bytes, but reads a body just under it`, async () => {
      const padded = (bytes: number) => {
        const base = JSON.stringify(validWorkshopBody({ description: '' }));
        // Pad the description so that the whole body has exactly `bytes` bytes.
        return base.replace('"description":""', `"description":"${'x'.repeat(bytes - base.length)}"`);
      };
      const tooBig = padded(LIMITS.httpBodyBytes + 1);
      expect(Buffer.byteLength(tooBig)).toBe(LIMITS.httpBodyBytes + 1);
      const big = await post(tooBig);
      expect(big.status).toBe(413);
      expect(((await big.json()) as ErrorBody).error.message.length).toBeGreaterThan(0);

      // At the limit the body is read and validated (the description is then too long: 400, not 413).
      const atLimit = await post(padded(LIMITS.httpBodyBytes));
      expect(atLimit.status).toBe(400);
      expect(((await atLimit.json()) as ErrorBody).error.field).toBe('description');

      // The server is still fine.
      expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
    });
  });

  describe('GET /api/workshops/:id', () => {
    it('shows the workshop and its people with roles to the moderator and the co-moderator', async () => {
      const workshop = await harness.createWorkshop(server, {
        title: 'Planning day',
        startsAt: '2026-12-01T09:30:00+01:00',
        language: 'en',
      });
      const mia = await harness.join(server, workshop, 'moderator', 'Mia');
      const bo = await harness.join(server, workshop, 'participant', 'Bo', true);

      for (const key of [workshop.keys.moderator, workshop.keys.coModerator]) {
        const response = await getWorkshop(workshop.id, key);
        expect(response.status).toBe(200);
        const body = (await response.json()) as {
          id: string;
          title: string;
          startsAt: string;
          language: string;
          people: { id: string; displayName: string; role: string; listInDocumentation: boolean; joinedAt: string }[];
        };
        expect(body).toMatchObject({
          id: workshop.id,
          title: 'Planning day',
          startsAt: '2026-12-01T09:30:00+01:00',
          language: 'en',
        });
        expect(body.people).toMatchObject([
          { id: mia.snapshot!.session.personId, displayName: 'Mia', role: 'moderator', listInDocumentation: false },
          { id: bo.snapshot!.session.personId, displayName: 'Bo', role: 'participant', listInDocumentation: true },
        ]);
        for (const person of body.people) expect(Number.isNaN(Date.parse(person.joinedAt))).toBe(false);
        // No secrets leak through the API.
        expect(JSON.stringify(body)).not.toContain(mia.snapshot!.session.personToken);
        expect(JSON.stringify(body)).not.toContain('tokenHash');
      }
    });

    it('answers 401 without an Authorization header', async () => {
      const workshop = await harness.createWorkshop(server);
      const response = await getWorkshop(workshop.id);
      expect(response.status).toBe(401);
      expect(((await response.json()) as ErrorBody).error.code).toBe('unauthorized');
    });

    it('answers 403 for the participant key and for a random key', async () => {
      const workshop = await harness.createWorkshop(server);
      for (const key of [workshop.secrets.participant, randomBytes(24).toString('base64url')]) {
        const response = await getWorkshop(workshop.id, key);
        expect(response.status).toBe(403);
        const body = (await response.json()) as ErrorBody & Record<string, unknown>;
        expect(body.error.code).toBe('forbidden');
        expect(body.title).toBeUndefined();
      }
    });

    it('answers an unknown workshop id exactly like a wrong key (403), so ids cannot be probed', async () => {
      const workshop = await harness.createWorkshop(server);
      const unknown = await getWorkshop('no-such-workshop', workshop.keys.moderator);
      const wrong = await getWorkshop(workshop.id, randomBytes(24).toString('base64url'));
      expect(unknown.status).toBe(403);
      expect(wrong.status).toBe(403);
      expect(await unknown.json()).toEqual(await wrong.json());
    });
  });

  it('answers unknown /api paths with 404 JSON', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['GET', '/api/workshops'],
      ['DELETE', '/api/workshops/abc'],
    ] as const) {
      const response = await fetch(`${server.baseUrl}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(((await response.json()) as ErrorBody).error.code).toBe('not_found');
    }
  });
});
