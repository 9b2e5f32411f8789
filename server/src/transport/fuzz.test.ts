/**
 * Generated input against one real server (seeded, so a failure repeats): socket events with
 * valid names and garbage payloads, unknown names and wrong argument shapes, and HTTP requests
 * with random paths, methods, headers, bodies and encodings. The server must live, answer every
 * event, never answer 5xx, and log no unexpected failure.
 */
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientEventSchemas } from '@werkraum/shared/protocol';
import { Harness, okData, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';

const SEED = 20261201;
const SOCKET_EVENTS = 10_000;
const HTTP_REQUESTS = 2_000;
const SOCKET_BATCH = 250;
const HTTP_CONCURRENCY = 8;

const EVENT_NAMES = Object.keys(clientEventSchemas);
// Names socket.io-client refuses to send itself.
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** A JSON-like value, sometimes close to what an event expects, sometimes binary. */
const payload = fc.oneof(
  { weight: 4, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 6 }) },
  {
    weight: 3,
    arbitrary: fc.dictionary(
      fc.constantFrom('roomId', 'pollId', 'blockId', 'roundId', 'personId', 'itemId', 'workshopId', 'linkSecret', 'displayName', 'title', 'answer', 'patch', 'block', 'drafts', 'text'),
      fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 })),
      { maxKeys: 5 },
    ),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
);

const socketEvent = fc.record({
  client: fc.nat(2),
  name: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...EVENT_NAMES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).filter((name) => !RESERVED.has(name)) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'session:join ', 'agenda:*') },
  ),
  args: fc.array(payload, { minLength: 0, maxLength: 3 }),
});

const SAFE_PATH_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-_.~/%:@!$&\'()*+,;=';
const pathChars = fc.string({ unit: fc.constantFrom(...SAFE_PATH_CHARS.split('')), maxLength: 40 });
const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 });

describe('fuzzing one real server', () => {
  const harness = new Harness();
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let clients: TestClient[];

  beforeAll(async () => {
    server = await harness.start();
    workshop = await harness.createWorkshop(server);
    clients = [
      await harness.join(server, workshop, 'moderator', 'Mia'),
      await harness.join(server, workshop, 'participant', 'Paul'),
      await harness.connect(server),
    ];
  });
  afterAll(() => harness.cleanup());

  it(`answers ${SOCKET_EVENTS} generated socket events, each with an acknowledgement`, async () => {
    const events = fc.sample(socketEvent, { seed: SEED, numRuns: SOCKET_EVENTS });
    let acknowledged = 0;
    for (let start = 0; start < events.length; start += SOCKET_BATCH) {
      const batch = events.slice(start, start + SOCKET_BATCH);
      const acks = await Promise.all(batch.map((event) => clients[event.client]!.raw(event.name, ...event.args)));
      for (const ack of acks) {
        expect(typeof ack === 'object' && ack !== null && typeof (ack as { ok?: unknown }).ok === 'boolean').toBe(true);
        if (!ack.ok) expect(ack.error.code).not.toBe('internal');
        acknowledged += 1;
      }
    }
    expect(acknowledged).toBe(SOCKET_EVENTS);
    // Every client is still connected and served.
    for (const client of clients) expect(okData(await client.call('clock:ping', undefined as never))).toHaveProperty('serverTime');
    expect(server.logs.filter((entry) => entry.error !== undefined)).toEqual([]);
    // A whole run of requests on a busy two-core machine: a guard against hangs, not a speed target.
  }, 120_000);

  it(`answers ${HTTP_REQUESTS} generated HTTP requests without a 5xx`, async () => {
    const key = () => fc.constantFrom(workshop.keys.moderator, workshop.keys.coModerator, workshop.secrets.participant, 'nonsense');
    const path = fc.oneof(
      pathChars.map((rest) => `/${rest}`),
      fc.tuple(fc.constantFrom(workshop.id, 'no-such', '%ff', '..', '%2e%2e'), fc.constantFrom('', '/agenda', '/polls', '/polls/x', '/notes/plenary', '/boards/plenary', '/boards/x', '/template', '/sessions'), fc.constantFrom('', '?format=png', '?format=svg', '?format=outline', '?format=text', '?format=markdown', '?format[]=x', '?%ff=%ff'))
        .map(([id, tail, query]) => `/api/workshops/${id}${tail}${query}`),
      fc.constantFrom('/api/health', '/api/workshops', '/api/templates', '/api/templates/exchange-meeting-de', '/api/templates/x', '/api', '/w/x/join', '/%ff', '/w/%c0%af/join', '/socket.io/?EIO=4&transport=polling', '/collab/x'),
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    );
    const requestSpec = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      path,
      contentType: fc.option(fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'multipart/form-data'), { nil: undefined }),
      contentEncoding: fc.option(fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-unknown', 'gzip, br'), { nil: undefined }),
      authorization: fc.option(fc.oneof(key().map((value) => `Bearer ${value}`), headerValue), { nil: undefined }),
      extraHeader: fc.option(headerValue, { nil: undefined }),
      body,
    });
    const specs = fc.sample(requestSpec, { seed: SEED + 1, numRuns: HTTP_REQUESTS });
    const agent = new Agent({ keepAlive: true, maxSockets: HTTP_CONCURRENCY });
    const statuses: number[] = [];
    const send = (spec: (typeof specs)[number]) =>
      new Promise<number>((resolve, reject) => {
        const headers: Record<string, string> = {};
        if (spec.contentType) headers['content-type'] = spec.contentType;
        if (spec.contentEncoding) headers['content-encoding'] = spec.contentEncoding;
        if (spec.authorization) headers.authorization = spec.authorization;
        if (spec.extraHeader !== undefined) headers['x-fuzz'] = spec.extraHeader;
        const sent = spec.method === 'GET' || spec.method === 'HEAD' ? undefined : spec.body;
        // Node's client frames a body of DELETE or OPTIONS only with an explicit length.
        if (sent !== undefined) headers['content-length'] = String(Buffer.byteLength(sent));
        const req = request({ host: '127.0.0.1', port: server.port, method: spec.method, path: spec.path, headers, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        });
        req.on('error', (error) => reject(new Error(`${spec.method} ${spec.path}: ${error.message} ${JSON.stringify({ ...spec, body: undefined })}`)));
        req.end(sent);
      });
    try {
      let next = 0;
      await Promise.all(
        Array.from({ length: HTTP_CONCURRENCY }, async () => {
          while (next < specs.length) {
            const spec = specs[next++]!;
            const status = await send(spec).catch((error: Error) => {
              throw new Error(`${error.message} after ${JSON.stringify({ ...specs[next - 2], body: String(specs[next - 2]?.body).slice(0, 40) })}`);
            });
            if (status >= 500) throw new Error(`${spec.method} ${spec.path} answered ${status}: ${JSON.stringify(spec)}`);
            statuses.push(status);
          }
        }),
      );
    } finally {
      agent.destroy();
    }
    expect(statuses).toHaveLength(HTTP_REQUESTS);
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
    expect(server.logs.filter((entry) => entry.error !== undefined)).toEqual([]);
    // Refused input leaves single lines, never a stack.
    expect(server.logs.every((entry) => !entry.message.includes('\n'))).toBe(true);
    // A whole run of requests on a busy two-core machine: a guard against hangs, not a speed target.
  }, 120_000);
});
