import expressStaticGzip from 'express-static-gzip';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ErrorCode } from '@werkraum/shared/errors';
import { LIMITS } from '@werkraum/shared/limits';
import { agendaFromTimetable } from '@werkraum/shared/agendaImport';
import { PROTOCOL_VERSION, agendaReplaceRequest, createWorkshopRequest, pollInput } from '@werkraum/shared/protocol';
import { parseTimetable } from '@werkraum/shared/timetable';
import { agendaDocument, agendaMarkdown, agendaText } from '../domain/agendaDocument.js';
import type { Role } from '@werkraum/shared/roles';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { DomainError } from '../domain/errors.js';
import type { AgendaDomain } from '../domain/agenda.js';
import type { PeopleDomain } from '../domain/people.js';
import type { BoardDomain } from '../domain/board.js';
import type { NotesDomain } from '../domain/notes.js';
import type { PollDomain } from '../domain/polls.js';
import { createWorkshop, requireWorkshop, roleOfSecret, workshopInfo } from '../domain/workshops.js';
import type { BreakoutStore, DocumentationStore, WorkshopStore } from '../store/types.js';
import type { DocumentationDomain } from '../domain/documentation.js';
import type { DocumentationExporter } from '../export/service.js';
import { mountDocumentationRoutes } from './documentation.http.js';
import { clientAddress, retryAfterSeconds, type RateLimiter, type RateLimiters } from './rateLimit.js';

/** Dependencies of the HTTP routes. */
export interface HttpDeps {
  store: WorkshopStore & BreakoutStore & DocumentationStore;
  people: PeopleDomain;
  agenda: AgendaDomain;
  polls: PollDomain;
  notes: NotesDomain;
  board: BoardDomain;
  now: () => Date;
  /** Base URL for links, e.g. https://werkraum.example.org; taken from the request when unset. */
  publicUrl?: string;
  /** Built client (index.html and assets); not served when absent. */
  clientDir?: string;
  log: (message: string, error?: unknown) => void;
  /** Per-address limits (creating workshops, failed keys). */
  limits: RateLimiters;
  /** When set, creating a workshop requires this key (header `X-Create-Key` or body field `createKey`). */
  createKey?: string;
  documentation: DocumentationDomain;
  exporter: DocumentationExporter;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_payload: 400,
  forbidden: 403,
  workshop_not_found: 404,
  person_not_found: 404,
  invalid_state: 409,
  render_timeout: 503,
  render_busy: 503,
  too_large: 413,
  unavailable: 503,
  export_busy: 503,
};

/** Content-Encodings of request bodies the API reads: none (the bodies are small JSON or text). */
const ACCEPTED_ENCODINGS = new Set(['', 'identity']);

/** Sends `{ error: { code, message, field? } }` with the given status. */
function sendError(res: Response, status: number, code: ErrorCode, message: string, field?: string): void {
  res.status(status).json({ error: { code, message, ...(field ? { field } : {}) } });
}

/** Whether a string is valid percent-encoding (what decodeURIComponent accepts). */
function decodable(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** Parses a body with a schema or answers 400 naming the first bad field. */
function parseBody<S extends z.ZodType>(schema: S, req: Request, res: Response): z.output<S> | undefined {
  if (!req.is('application/json')) {
    sendError(res, 400, 'invalid_payload', 'Send a JSON body with Content-Type: application/json.');
    return undefined;
  }
  const parsed = schema.safeParse(req.body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : undefined;
  sendError(res, 400, 'invalid_payload', issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'Invalid body.', field);
  return undefined;
}

/** Compares a sent key with the configured one in constant time. */
function sameKey(sent: string, expected: string): boolean {
  const a = createHash('sha256').update(sent).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The bearer key of a request, or undefined. */
function bearerKey(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** The time-table block behind an imported block (imports insert break blocks for gaps). */
function lineOfImportedBlock(parsed: readonly { line: number; title: string; gapBeforeMinutes: number }[], index: number) {
  let position = 0;
  for (const block of parsed) {
    if (block.gapBeforeMinutes > 0) {
      if (position === index) return block;
      position += 1;
    }
    if (position === index) return block;
    position += 1;
  }
  return undefined;
}

/** Wraps an async route so that a DomainError becomes its HTTP status and anything else a 500. */
function route(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    handler(req, res).catch(next);
  };
}

/** Builds the express app: the JSON API under /api and the built client with SPA fallback. */
export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const addressOf = (req: Request) => clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], deps.limits.trustProxy);
  /** One line for refused input: method, a bounded path, and why; never a stack trace. */
  const logRefused = (req: Request, status: number, code: ErrorCode) =>
    deps.log(`HTTP ${status} ${code}: ${req.method.slice(0, 16)} ${JSON.stringify(req.originalUrl.slice(0, 200))}`);

  // Before anything decodes the path: malformed percent-encoding is the client's mistake, not a 500.
  app.use((req, res, next) => {
    const path = (req.originalUrl ?? req.url).split('?')[0] ?? '';
    if (!decodable(path)) {
      logRefused(req, 400, 'bad_request');
      sendError(res, 400, 'bad_request', 'The path is not valid percent-encoding.');
      return;
    }
    const encoding = (req.get('content-encoding') ?? '').trim().toLowerCase();
    if (!ACCEPTED_ENCODINGS.has(encoding)) {
      logRefused(req, 415, 'unsupported_encoding');
      // The body is read and dropped first, so the client sees this answer rather than a reset connection.
      const answer = () =>
        sendError(res, 415, 'unsupported_encoding', 'Request bodies are read without Content-Encoding; send the body uncompressed.');
      if (req.complete) answer();
      else {
        let bytes = 0;
        req.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > LIMITS.httpBodyBytes) req.destroy();
        });
        req.once('end', answer);
        req.once('error', () => undefined);
      }
      return;
    }
    next();
  });
  app.use(express.json({ limit: LIMITS.httpBodyBytes }));

  /** Answers 429 with Retry-After when the address has no attempt left in `limiter` (spending one with `spend`). */
  function limited(req: Request, res: Response, limiter: RateLimiter, spend: boolean): boolean {
    const address = addressOf(req);
    const verdict = spend ? limiter.take(address) : limiter.check(address);
    if (verdict.ok) return false;
    res.set('Retry-After', String(retryAfterSeconds(verdict.retryAfterMs)));
    logRefused(req, 429, 'rate_limited');
    res.status(429).json({ error: { code: 'rate_limited', message: 'Too many attempts from this address. Please try again later.', retryAfterMs: verdict.retryAfterMs } });
    return true;
  }

  const baseUrl = (req: Request) => (deps.publicUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/$/, '');

  /**
   * Checks the bearer key: 401 without, 403 unless it is a moderation key of this workshop. An
   * unknown workshop answers the same 403 as a wrong key, so that no answer tells whether a
   * workshop id exists; failed keys count against the address's failed-key limit (429).
   */
  async function authorizeModeration(req: Request, res: Response, workshopId: string) {
    const key = bearerKey(req);
    if (!key) {
      res.set('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'unauthorized', 'Send the moderator or co-moderator key as Authorization: Bearer <key>.');
      return undefined;
    }
    if (limited(req, res, deps.limits.badKey, false)) return undefined;
    const workshop = await deps.store.getWorkshop(workshopId);
    const role: Role | undefined = workshop ? roleOfSecret(workshop, key) : undefined;
    if (!workshop || (role !== 'moderator' && role !== 'coModerator')) {
      deps.limits.badKey.take(addressOf(req));
      sendError(res, 403, 'forbidden', 'This key does not grant moderation rights for this workshop.');
      return undefined;
    }
    return { workshop, role };
  }

  /** The room id if it is the plenary or a breakout room of the workshop; otherwise answers 404. */
  async function requireRoom(res: Response, workshopId: string, roomId: string): Promise<string | undefined> {
    const rounds = (await deps.store.getBreakouts(workshopId))?.rounds ?? [];
    if (roomId === PLENARY_ROOM || rounds.some((round) => round.rooms.some((room) => room.id === roomId))) return roomId;
    sendError(res, 404, 'not_found', 'There is no such room in this workshop.');
    return undefined;
  }

  app.get('/api/health', (_req, res) => {
    res.json({ ok: true, protocolVersion: PROTOCOL_VERSION, time: deps.now().toISOString(), createKeyRequired: Boolean(deps.createKey) });
  });

  app.post(
    '/api/workshops',
    route(async (req, res) => {
      if (deps.createKey !== undefined) {
        if (limited(req, res, deps.limits.badKey, false)) return;
        const body: unknown = req.body;
        const fromBody = body && typeof body === 'object' ? (body as { createKey?: unknown }).createKey : undefined;
        const sent = req.get('x-create-key') ?? (typeof fromBody === 'string' ? fromBody : undefined);
        if (sent === undefined || !sameKey(sent, deps.createKey)) {
          deps.limits.badKey.take(addressOf(req));
          sendError(res, 403, 'invalid_create_key', 'Creating a workshop on this server needs its create key (header X-Create-Key or field createKey).');
          return;
        }
      }
      if (limited(req, res, deps.limits.create, true)) return;
      const input = parseBody(createWorkshopRequest, req, res);
      if (!input) return;
      const { workshop, secrets } = await createWorkshop(deps.store, input, deps.now());
      const base = `${baseUrl(req)}/w/${workshop.id}/join#`;
      res.status(201).json({
        id: workshop.id,
        workshop: workshopInfo(workshop),
        links: {
          moderator: base + secrets.moderator,
          coModerator: base + secrets.coModerator,
          participant: base + secrets.participant,
        },
        keys: { moderator: secrets.moderator, coModerator: secrets.coModerator },
      });
    }),
  );

  app.get(
    '/api/workshops/:id',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      const { workshop } = access;
      const people = await deps.store.listPeople(workshop.id);
      res.json({
        ...workshopInfo(workshop),
        createdAt: workshop.createdAt,
        people: people.map((person) => ({ ...deps.people.view(person), joinedAt: person.joinedAt })),
      });
    }),
  );

  app.get(
    '/api/workshops/:id/agenda',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      const agenda = await deps.agenda.load(access.workshop.id);
      const format = req.query.format;
      if (format === 'text' || format === 'markdown') {
        const render = format === 'text' ? agendaText : agendaMarkdown;
        res.type(format === 'text' ? 'text/plain' : 'text/markdown').send(render(access.workshop, agenda));
        return;
      }
      if (format !== undefined) {
        sendError(res, 400, 'invalid_payload', 'format must be "text" or "markdown" (or left out for JSON).', 'format');
        return;
      }
      res.json(agendaDocument(access.workshop, agenda, deps.now().getTime()));
    }),
  );

  app.put(
    '/api/workshops/:id/agenda',
    express.text({ type: 'text/plain', limit: LIMITS.timetableTextMax * 4 }),
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      let input: { blocks: z.output<typeof agendaReplaceRequest>['blocks']; startTime?: string | undefined } | undefined;
      if (req.is('text/plain')) {
        const text = typeof req.body === 'string' ? req.body : '';
        if (text.length > LIMITS.timetableTextMax) {
          sendError(res, 413, 'invalid_payload', `A time table may have at most ${LIMITS.timetableTextMax} characters.`);
          return;
        }
        const parsed = parseTimetable(text);
        if (!parsed.ok) {
          res.status(400).json({
            error: {
              code: 'invalid_timetable',
              message: parsed.errors.map((error) => error.message).join('\n'),
              lines: parsed.errors,
              omitted: parsed.omitted,
            },
          });
          return;
        }
        const imported = agendaFromTimetable(parsed.blocks, access.workshop.language);
        // The imported blocks obey the same limits as blocks sent as JSON (length, count, title size).
        const checked = agendaReplaceRequest.safeParse({ blocks: imported.blocks, startTime: imported.startTime ?? undefined });
        if (!checked.success) {
          const issue = checked.error.issues[0];
          const blockIndex = typeof issue?.path[1] === 'number' ? issue.path[1] : undefined;
          const source = blockIndex === undefined ? undefined : lineOfImportedBlock(parsed.blocks, blockIndex);
          res.status(400).json({
            error: {
              code: 'invalid_timetable',
              message: `${source ? `Line ${source.line}: ` : ''}${issue?.message ?? 'The time table breaks a limit.'}`,
              lines: source ? [{ line: source.line, text: source.title, code: 'limit', message: issue?.message ?? '' }] : [],
            },
          });
          return;
        }
        input = checked.data;
      } else {
        input = parseBody(agendaReplaceRequest, req, res);
        if (!input) return;
      }
      await deps.agenda.replace({ workshopId: access.workshop.id, viaKey: true }, input);
      const workshop = await requireWorkshop(deps.store, access.workshop.id);
      res.json(agendaDocument(workshop, await deps.agenda.load(workshop.id), deps.now().getTime()));
    }),
  );

  app.get(
    '/api/workshops/:id/polls',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      res.json({ polls: await deps.polls.results(access.workshop.id) });
    }),
  );

  app.post(
    '/api/workshops/:id/polls',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      const input = parseBody(pollInput, req, res);
      if (!input) return;
      const { pollId } = await deps.polls.create({ workshopId: access.workshop.id, viaKey: true }, input);
      const created = (await deps.polls.results(access.workshop.id)).find((entry) => entry.poll.id === pollId);
      res.status(201).json(created);
    }),
  );

  app.get(
    '/api/workshops/:id/polls/:pollId',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      const found = (await deps.polls.results(access.workshop.id)).find((entry) => entry.poll.id === req.params.pollId);
      if (!found) {
        sendError(res, 404, 'not_found', 'There is no such poll in this workshop.');
        return;
      }
      res.json(found);
    }),
  );

  app.get(
    '/api/workshops/:id/notes/:roomId',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      const format = req.query.format ?? 'html';
      if (format !== 'html' && format !== 'markdown') {
        sendError(res, 400, 'invalid_payload', 'format must be "html" or "markdown".', 'format');
        return;
      }
      const roomId = await requireRoom(res, access.workshop.id, String(req.params.roomId));
      if (!roomId) return;
      const body = await deps.notes.render(access.workshop.id, roomId, format);
      res.type(format === 'html' ? 'text/html' : 'text/markdown').send(body);
    }),
  );

  app.get(
    '/api/workshops/:id/boards/:roomId',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      const format = req.query.format ?? 'svg';
      if (format !== 'svg' && format !== 'png' && format !== 'outline') {
        sendError(res, 400, 'invalid_payload', 'format must be "svg", "png" or "outline".', 'format');
        return;
      }
      const roomId = await requireRoom(res, access.workshop.id, String(req.params.roomId));
      if (!roomId) return;
      const body = await deps.board.render(access.workshop.id, roomId, format);
      res.type(format === 'svg' ? 'image/svg+xml' : format === 'png' ? 'image/png' : 'text/markdown').send(body);
    }),
  );

  mountDocumentationRoutes(app, {
    store: deps.store,
    documentation: deps.documentation,
    exporter: deps.exporter,
    now: deps.now,
    sendError,
    badKeyLimited: (req, res) => limited(req, res, deps.limits.badKey, false),
    badKeyTaken: (req) => deps.limits.badKey.take(addressOf(req)),
    baseUrl,
    route,
  });

  app.use('/api', (_req, res) => sendError(res, 404, 'not_found', 'No such API endpoint.'));

  if (deps.clientDir && existsSync(join(deps.clientDir, 'index.html'))) {
    const clientDir = deps.clientDir;
    // Precompressed files (.br, .gz written by the build) go out as they are. Hashed assets never
    // change under their name, so browsers keep them for a year; index.html is revalidated.
    app.use(
      expressStaticGzip(clientDir, {
        enableBrotli: true,
        orderPreference: ['br', 'gzip'],
        index: false,
        serveStatic: {
          index: false,
          setHeaders: (res, path) => {
            res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
          },
        },
      }),
    );
    app.get('/{*splat}', (_req, res) => {
      res.set('Cache-Control', 'no-cache');
      res.sendFile(join(clientDir, 'index.html'));
    });
  }

  const onError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof DomainError) {
      sendError(res, STATUS[error.code] ?? 400, error.code, error.message, error.field);
      return;
    }
    const type = (error as { type?: string } | null)?.type;
    const status = (error as { status?: unknown } | null)?.status;
    if (error instanceof URIError) {
      logRefused(_req, 400, 'bad_request');
      sendError(res, 400, 'bad_request', 'The request cannot be read.');
      return;
    }
    if (type === 'entity.too.large') {
      sendError(res, 413, 'invalid_payload', `The request body is larger than ${LIMITS.httpBodyBytes} bytes.`);
      return;
    }
    if (type === 'entity.parse.failed') {
      sendError(res, 400, 'invalid_payload', 'The request body is not valid JSON.');
      return;
    }
    if (type === 'encoding.unsupported') {
      logRefused(_req, 415, 'unsupported_encoding');
      sendError(res, 415, 'unsupported_encoding', 'The request body could not be decoded.');
      return;
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Anything else the client got wrong while its request was read (body, charset, path).
      logRefused(_req, status, type === undefined ? 'bad_request' : 'invalid_payload');
      sendError(res, status, type === undefined ? 'bad_request' : 'invalid_payload', 'The request could not be read.');
      return;
    }
    deps.log('HTTP request failed', error);
    sendError(res, 500, 'internal', 'Something went wrong on the server; nothing was changed.');
  };
  app.use(onError);
  return app;
}
