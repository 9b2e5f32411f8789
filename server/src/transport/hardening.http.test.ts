import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard } from '@werkraum/shared/board';
import { PLENARY_ROOM, roomDocName } from '@werkraum/shared/rooms';
import { BOARD_PNG_MAX_PIXELS, BOARD_PNG_MAX_SIDE } from '../board/render.js';
import { Harness, validWorkshopBody, type CreatedWorkshop, type TestServer } from '../test/harness.js';
import type { RateLimitSettings } from './rateLimit.js';

interface ErrorBody {
  error: { code: string; message: string; retryAfterMs?: number };
}

/** Sends a request exactly as given (fetch would normalise the path and refuse some headers). */
function rawRequest(
  server: TestServer,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const codeOf = (body: string) => (JSON.parse(body) as ErrorBody).error.code;

/** A directory with a minimal built client, so the SPA fallback route is live. */
function fakeClientDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'werkraum-client-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Werkraum</title>');
  return dir;
}

describe('HTTP input that the server refuses instead of failing', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  it('answers malformed percent-encoding anywhere in the path with 400 bad_request and one log line', async () => {
    const server = await harness.start({ clientDir: fakeClientDir() });
    const workshop = await harness.createWorkshop(server);
    for (const path of ['/%ff', '/api/workshops/%ff', '/w/%c0%af/join', `/api/workshops/${workshop.id}/notes/%E0%A4%A`, '/assets/%']) {
      const response = await rawRequest(server, { path, headers: { authorization: `Bearer ${workshop.keys.moderator}` } });
      expect(response.status, path).toBe(400);
      expect(codeOf(response.body), path).toBe('bad_request');
    }
    expect(server.logs).toHaveLength(5);
    for (const entry of server.logs) {
      expect(entry.error).toBeUndefined();
      expect(entry.message).toMatch(/^HTTP 400 bad_request: GET "/);
      expect(entry.message).not.toContain('\n');
    }
    // Well-formed encodings still work.
    expect((await rawRequest(server, { path: '/w/abc%20def/join' })).status).toBe(200);
  });

  it('answers a Content-Encoding that does not match the body with 415 unsupported_encoding', async () => {
    const server = await harness.start();
    const body = JSON.stringify(validWorkshopBody());
    for (const encoding of ['deflate', 'br', 'gzip', 'x-zip', 'gzip, identity']) {
      const response = await rawRequest(server, {
        method: 'POST',
        path: '/api/workshops',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': String(Buffer.byteLength(body)) },
        body,
      });
      expect(response.status, encoding).toBe(415);
      expect(codeOf(response.body)).toBe('unsupported_encoding');
    }
    expect(server.logs.every((entry) => entry.error === undefined && entry.message.startsWith('HTTP 415 unsupported_encoding'))).toBe(true);
    // Without an encoding (or "identity") the same body is accepted.
    const plain = await rawRequest(server, {
      method: 'POST',
      path: '/api/workshops',
      headers: { 'content-type': 'application/json', 'content-encoding': 'identity' },
      body,
    });
    expect(plain.status).toBe(201);
  });
});

describe('per-address rate limits', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  const limits = (overrides: Partial<RateLimitSettings>): RateLimitSettings => ({ create: null, join: null, badKey: null, ...overrides });
  const create = (server: TestServer, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(validWorkshopBody()),
    });

  it('refuses the workshop beyond the creation limit with 429 and Retry-After', async () => {
    const server = await harness.start({ rateLimits: limits({ create: { count: 3, perMs: 3_600_000 } }) });
    for (let i = 0; i < 3; i++) expect((await create(server)).status).toBe(201);
    const refused = await create(server);
    expect(refused.status).toBe(429);
    // One attempt is earned back after 20 minutes.
    expect(Number(refused.headers.get('retry-after'))).toBe(1200);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.retryAfterMs).toBeGreaterThan(1_190_000);
  });

  it('counts addresses behind a trusted proxy by X-Forwarded-For, and ignores the header otherwise', async () => {
    const proxied = await harness.start({ rateLimits: limits({ create: { count: 1, perMs: 3_600_000 } }), trustProxy: 1 });
    expect((await create(proxied, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(201);
    expect((await create(proxied, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(429);
    // A forged left-most entry does not help: the proxy's own entry (right-most) counts.
    expect((await create(proxied, { 'x-forwarded-for': '198.51.100.7, 203.0.113.1' })).status).toBe(429);
    expect((await create(proxied, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(201);

    const direct = await harness.start({ rateLimits: limits({ create: { count: 1, perMs: 3_600_000 } }) });
    expect((await create(direct, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(201);
    expect((await create(direct, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(429);
  });

  it('stops guessing API keys after the failed-key limit, also for the right key, and for unknown workshops', async () => {
    const server = await harness.start({ rateLimits: limits({ badKey: { count: 5, perMs: 60_000 } }) });
    const workshop = await harness.createWorkshop(server);
    const get = (id: string, key: string) => fetch(`${server.baseUrl}/api/workshops/${id}`, { headers: { authorization: `Bearer ${key}` } });
    for (let i = 0; i < 3; i++) expect((await get(workshop.id, `wrong-key-${i}`)).status).toBe(403);
    // Correct keys do not use up the limit.
    expect((await get(workshop.id, workshop.keys.moderator)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await get('no-such-workshop', `wrong-key-${i}`)).status).toBe(403);
    const refused = await get(workshop.id, workshop.keys.moderator);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(12);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('rate_limited');
  });

  it('answers join and resume attempts beyond the limit with a rate_limited ack that says when to retry', async () => {
    const server = await harness.start({ rateLimits: limits({ join: { count: 4, perMs: 60_000 }, badKey: { count: 2, perMs: 60_000 } }) });
    const workshop = await harness.createWorkshop(server);
    const client = await harness.connect(server);
    const wrongJoin = { workshopId: workshop.id, linkSecret: 'x'.repeat(32), displayName: 'Eve', listInDocumentation: false };
    for (let i = 0; i < 2; i++) expect(await client.call('session:join', wrongJoin)).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    // Two failed secrets use up the failed-key limit: the third attempt is refused before the secret is checked.
    const refused = await client.call('session:join', { ...wrongJoin, linkSecret: workshop.secrets.participant });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(!refused.ok && refused.error.retryAfterMs).toBeGreaterThan(29_000);

    // Another server: the join limit counts every attempt, successful ones too.
    const busy = await harness.start({ rateLimits: limits({ join: { count: 3, perMs: 60_000 } }) });
    const other = await harness.createWorkshop(busy);
    for (let i = 0; i < 3; i++) {
      const person = await harness.connect(busy);
      await person.join(other, 'participant', `P${i}`);
    }
    const late = await harness.connect(busy);
    const ack = await late.call('session:resume', { workshopId: other.id, personToken: 'y'.repeat(32) });
    expect(ack).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(!ack.ok && ack.error.retryAfterMs).toBeGreaterThan(19_000);
    expect(await late.call('session:inspectLink', { workshopId: other.id, linkSecret: other.secrets.participant })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
  });
});

describe('CREATE_KEY: creating workshops only with the server key', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  it('says in /api/health whether a key is needed, refuses creation without it, and accepts header or body field', async () => {
    const open = await harness.start();
    expect(((await (await fetch(`${open.baseUrl}/api/health`)).json()) as { createKeyRequired: boolean }).createKeyRequired).toBe(false);

    const server = await harness.start({ createKey: 'werkstatt-2026', rateLimits: { create: null, join: null, badKey: { count: 3, perMs: 60_000 } } });
    expect(((await (await fetch(`${server.baseUrl}/api/health`)).json()) as { createKeyRequired: boolean }).createKeyRequired).toBe(true);
    const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      fetch(`${server.baseUrl}/api/workshops`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(validWorkshopBody(body)),
      });
    const missing = await post({});
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('invalid_create_key');
    expect((await post({ createKey: 'werkstatt-2025' })).status).toBe(403);
    expect((await post({ createKey: 'werkstatt-2026' })).status).toBe(201);
    expect((await post({}, { 'x-create-key': 'werkstatt-2026' })).status).toBe(201);
    // Guessing the key counts as failed keys: the third wrong one uses up the limit.
    expect((await post({}, { 'x-create-key': 'guess' })).status).toBe(403);
    expect((await post({ createKey: 'werkstatt-2026' })).status).toBe(429);
  });
});

describe('board PNG on hostile content', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  /** Stores a board straight in the database, as content written before validation existed would be. */
  async function storeBoard(server: TestServer, workshop: CreatedWorkshop, build: (doc: Y.Doc) => void): Promise<void> {
    const doc = new Y.Doc();
    build(doc);
    await server.store.collab.appendUpdate(roomDocName('board', workshop.id, PLENARY_ROOM), Y.encodeStateAsUpdate(doc));
  }

  /** Sets raw numbers on an item, as a client writing straight into the document could. */
  const forge = (doc: Y.Doc, id: string, fields: Record<string, number>) => {
    const item = doc.getMap('items').get(id) as Y.Map<unknown>;
    for (const [key, value] of Object.entries(fields)) item.set(key, value);
  };

  const png = (server: TestServer, workshop: CreatedWorkshop) =>
    fetch(`${server.baseUrl}/api/workshops/${workshop.id}/boards/${PLENARY_ROOM}?format=png`, {
      headers: { authorization: `Bearer ${workshop.keys.moderator}` },
    });

  const sizeOf = (bytes: Buffer) => ({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) });

  it('renders cards of absurd size and position on a bounded canvas', async () => {
    const server = await harness.start();
    const workshop = await harness.createWorkshop(server);
    await storeBoard(server, workshop, (doc) => {
      addCard(doc, { id: 'ok', text: 'Normal', x: 0, y: 0 });
      addCard(doc, { id: 'tall', text: 'Riesig', x: 200, y: 0 });
      forge(doc, 'tall', { h: 1e9 });
      addCard(doc, { id: 'low', text: 'Weit unten', x: 0, y: 0 });
      forge(doc, 'low', { y: 60_000 });
      addCard(doc, { id: 'far', text: 'Weit weg', x: 0, y: 0 });
      forge(doc, 'far', { x: 1e8 });
    });
    const response = await png(server, workshop);
    expect(response.status).toBe(200);
    const { width, height } = sizeOf(Buffer.from(await response.arrayBuffer()));
    expect(width).toBeGreaterThan(0);
    expect(height).toBeGreaterThan(0);
    expect(Math.max(width, height)).toBeLessThanOrEqual(BOARD_PNG_MAX_SIDE);
    expect(width * height).toBeLessThanOrEqual(BOARD_PNG_MAX_PIXELS);
    expect(server.logs).toEqual([]);
  });

  it('keeps answering /api/health while a large board is rendered', async () => {
    // Every card shows its whole text (about 8,000 lines here): on a busy machine that takes longer
    // than the default limit. This test is about the event loop staying free, not about speed.
    const server = await harness.start({ renderTimeoutMs: 60_000 });
    const workshop = await harness.createWorkshop(server);
    await storeBoard(server, workshop, (doc) => {
      for (let i = 0; i < 500; i++) addCard(doc, { id: `c${i}`, text: `Karte ${i} `.repeat(20), x: (i % 25) * 180, y: Math.floor(i / 25) * 120 });
      for (let i = 0; i < 40; i++) addCard(doc, { id: `col${i}`, text: `Spalte ${i}`, x: 5000, y: i * 810 });
    });
    const order: string[] = [];
    const rendering = png(server, workshop).then(async (response) => {
      order.push('png');
      return response;
    });
    // Health checks sent while the picture is drawn come back before it.
    for (let i = 0; i < 5; i++) {
      const health = await fetch(`${server.baseUrl}/api/health`);
      expect(health.status).toBe(200);
      order.push('health');
    }
    const response = await rendering;
    expect(order.slice(0, 5)).toEqual(['health', 'health', 'health', 'health', 'health']);
    expect(response.status).toBe(200);
    const { width, height } = sizeOf(Buffer.from(await response.arrayBuffer()));
    expect(width * height).toBeLessThanOrEqual(BOARD_PNG_MAX_PIXELS);
  }, 60_000);

  it('answers 503 render_timeout when a render runs out of time, and renders again afterwards', async () => {
    const server = await harness.start({ renderTimeoutMs: 1 });
    const workshop = await harness.createWorkshop(server);
    await storeBoard(server, workshop, (doc) => {
      for (let i = 0; i < 300; i++) addCard(doc, { id: `c${i}`, text: 'Viel Text '.repeat(40), x: (i % 20) * 200, y: Math.floor(i / 20) * 150 });
    });
    const response = await png(server, workshop);
    expect(response.status).toBe(503);
    expect(((await response.json()) as ErrorBody).error.code).toBe('render_timeout');
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
  });
});
