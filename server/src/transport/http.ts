import expressStaticGzip from 'express-static-gzip';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ErrorCode } from '@werkraum/shared/errors';
import { LIMITS } from '@werkraum/shared/limits';
import { agendaFromTimetable } from '@werkraum/shared/agendaImport';
import { PROTOCOL_VERSION, agendaReplaceRequest, createWorkshopRequest, pollInput, seriesClientEvents, summarizeTemplate, workshopTemplate, type TemplateSummary, type WorkshopTemplate } from '@werkraum/shared/protocol';
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
import type { SeriesDomain } from '../domain/series.js';
import type { FindingsDomain } from '../domain/findings.js';
import type { SpeakingDomain } from '../domain/speaking.js';
import { createWorkshop, requireWorkshop, roleOfSecret, workshopInfo } from '../domain/workshops.js';
import { applyTemplate, loadTemplate } from '../domain/workshopTemplates.js';
import { newId } from '../domain/secrets.js';
import { BUILT_IN_TEMPLATES } from '../templates/builtIn.js';
import type { AgendaStore, BreakoutStore, DocumentationStore, PollStore, TemplateLibraryStore, WorkshopStore } from '../store/types.js';
import type { DocumentationDomain } from '../domain/documentation.js';
import type { DocumentationExporter } from '../export/service.js';
import { mountDocumentationRoutes } from './documentation.http.js';
import { clientAddress, retryAfterSeconds, type AddressLimiter, type RateLimiters } from './rateLimit.js';

const addDateRequest = seriesClientEvents['series:addDate'];

/** Most templates one installation's library holds. */
const TEMPLATE_LIBRARY_MAX = 500;

/** Dependencies of the HTTP routes. */
export interface HttpDeps {
  store: WorkshopStore & BreakoutStore & AgendaStore & PollStore & TemplateLibraryStore & DocumentationStore;
  people: PeopleDomain;
  agenda: AgendaDomain;
  polls: PollDomain;
  notes: NotesDomain;
  board: BoardDomain;
  series: SeriesDomain;
  findings: FindingsDomain;
  speaking: SpeakingDomain;
  now: () => Date;
  /** Base URL for links, e.g. https://werkraum.example.org; taken from the request when unset. */
  publicUrl?: string;
  /** Built client (index.html and assets); not served when absent. */
  clientDir?: string;
  log: (message: string, error?: unknown) => void;
  /** Per-address limits (creating workshops, failed keys). */
  limits: RateLimiters;
  /** Takes a LiveKit webhook (raw body, Authorization header). */
  liveKitWebhook?: (body: string, authorization: string | undefined) => Promise<'accepted' | 'unauthorized' | 'off'>;
  /** When set, creating a workshop requires this key (header `X-Create-Key` or body field `createKey`). */
  createKey?: string;
  /** When set, holders of this key keep templates in the installation's library (header `X-Template-Key`). */
  templateKey?: string;
  /** Whether the store and Redis answer (scaled mode); /api/health answers 503 when one does not. */
  reachability?: () => Promise<{ store: boolean; redis: boolean | null }>;
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
  // LiveKit's webhooks (application/webhook+json): its signature covers the raw body, so it is read as text.
  app.post(
    '/api/livekit/webhook',
    express.text({ type: () => true, limit: LIMITS.httpBodyBytes }),
    route(async (req, res) => {
      // Wrong signatures count like wrong keys: a flood of forged webhooks meets the same limit.
      if (await limited(req, res, deps.limits.badKey, false)) return;
      const outcome = deps.liveKitWebhook ? await deps.liveKitWebhook(typeof req.body === 'string' ? req.body : '', req.get('authorization')) : 'off';
      if (outcome === 'off') return sendError(res, 404, 'not_found', 'Audio and video are not set up on this server.');
      if (outcome === 'unauthorized') {
        await deps.limits.badKey.take(addressOf(req));
        logRefused(req, 401, 'unauthorized');
        return sendError(res, 401, 'unauthorized', 'The webhook is not signed with this server\'s LiveKit key.');
      }
      res.json({ ok: true });
    }),
  );
  app.use(express.json({ limit: LIMITS.httpBodyBytes }));

  /** Answers 429 with Retry-After when the address has no attempt left in `limiter` (spending one with `spend`). */
  async function limited(req: Request, res: Response, limiter: AddressLimiter, spend: boolean): Promise<boolean> {
    const address = addressOf(req);
    const verdict = await (spend ? limiter.take(address) : limiter.check(address));
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
    if (await limited(req, res, deps.limits.badKey, false)) return undefined;
    const workshop = await deps.store.getWorkshop(workshopId);
    const role: Role | undefined = workshop ? roleOfSecret(workshop, key) : undefined;
    if (!workshop || (role !== 'moderator' && role !== 'coModerator')) {
      await deps.limits.badKey.take(addressOf(req));
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

  app.get('/api/health', async (_req, res) => {
    const base = { protocolVersion: PROTOCOL_VERSION, time: deps.now().toISOString(), createKeyRequired: Boolean(deps.createKey) };
    if (!deps.reachability) {
      res.json({ ok: true, ...base });
      return;
    }
    const reachable = await deps.reachability().catch(() => ({ store: false, redis: false }));
    const ok = reachable.store && reachable.redis !== false;
    res.status(ok ? 200 : 503).json({ ok, ...base, store: reachable.store ? 'reachable' : 'unreachable', redis: reachable.redis === null ? 'none' : reachable.redis ? 'reachable' : 'unreachable' });
  });

  app.post(
    '/api/workshops',
    route(async (req, res) => {
      if (deps.createKey !== undefined) {
        if (await limited(req, res, deps.limits.badKey, false)) return;
        const body: unknown = req.body;
        const fromBody = body && typeof body === 'object' ? (body as { createKey?: unknown }).createKey : undefined;
        const sent = req.get('x-create-key') ?? (typeof fromBody === 'string' ? fromBody : undefined);
        if (sent === undefined || !sameKey(sent, deps.createKey)) {
          await deps.limits.badKey.take(addressOf(req));
          sendError(res, 403, 'invalid_create_key', 'Creating a workshop on this server needs its create key (header X-Create-Key or field createKey).');
          return;
        }
      }
      if (await limited(req, res, deps.limits.create, true)) return;
      const input = parseBody(createWorkshopRequest, req, res);
      if (!input) return;
      const { template } = input;
      const { workshop, secrets } = await createWorkshop(
        deps.store,
        template && !input.description ? { ...input, description: template.description } : input,
        deps.now(),
      );
      if (template) await applyTemplate(deps.store, workshop.id, template, newId);
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
        sessions: (await deps.series.view(workshop.id)).dates,
        people: people.map((person) => ({ ...deps.people.view(person), joinedAt: person.joinedAt })),
      });
    }),
  );

  app.post(
    '/api/workshops/:id/sessions',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      const input = parseBody(addDateRequest, req, res);
      if (!input) return;
      const { dateId, view } = await deps.series.addDate({ workshopId: access.workshop.id, viaKey: true }, input);
      res.status(201).json({ session: view.dates.find((date) => date.id === dateId), sessions: view.dates });
    }),
  );

  app.get(
    '/api/workshops/:id/template',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      res.json(await loadTemplate(deps.store, access.workshop));
    }),
  );

  /**
   * Whether the request may use the template library: 'none' without a key header, 'ok' with the
   * right key; a wrong key (or a server without TEMPLATE_KEY) is answered here with 403.
   */
  async function libraryAccess(req: Request, res: Response, required: boolean): Promise<'ok' | 'none' | 'refused'> {
    const sent = req.get('x-template-key');
    if (sent === undefined && !required) return 'none';
    if (!deps.templateKey) {
      sendError(res, 403, 'invalid_template_key', 'This server keeps no template library (its TEMPLATE_KEY is not set).');
      return 'refused';
    }
    if (await limited(req, res, deps.limits.badKey, false)) return 'refused';
    if (sent === undefined || !sameKey(sent, deps.templateKey)) {
      await deps.limits.badKey.take(addressOf(req));
      sendError(res, 403, 'invalid_template_key', 'The template library needs the server\'s template key (header X-Template-Key).');
      return 'refused';
    }
    return 'ok';
  }

  /** The library's templates that this server reads (a stored one in an unknown format is left out). */
  async function libraryTemplates(): Promise<{ id: string; template: WorkshopTemplate }[]> {
    return (await deps.store.listTemplates()).flatMap((entry) => {
      const parsed = workshopTemplate.safeParse(entry.body);
      return parsed.success ? [{ id: entry.id, template: parsed.data }] : [];
    });
  }

  app.get(
    '/api/templates',
    route(async (req, res) => {
      const access = await libraryAccess(req, res, false);
      if (access === 'refused') return;
      const templates: TemplateSummary[] = [...BUILT_IN_TEMPLATES].map(([id, template]) => summarizeTemplate(id, template, true));
      if (access === 'ok') for (const { id, template } of await libraryTemplates()) templates.push(summarizeTemplate(id, template, false));
      res.json({ templates });
    }),
  );

  app.get(
    '/api/templates/:templateId',
    route(async (req, res) => {
      const id = String(req.params.templateId);
      const builtIn = BUILT_IN_TEMPLATES.get(id);
      if (builtIn) {
        res.json(builtIn);
        return;
      }
      const access = await libraryAccess(req, res, false);
      if (access === 'refused') return;
      const stored = access === 'ok' ? await deps.store.getTemplate(id) : undefined;
      const parsed = stored ? workshopTemplate.safeParse(stored.body) : undefined;
      if (!parsed?.success) {
        sendError(res, 404, 'not_found', 'There is no template with this id.');
        return;
      }
      res.json(parsed.data);
    }),
  );

  app.post(
    '/api/templates',
    route(async (req, res) => {
      if ((await libraryAccess(req, res, true)) !== 'ok') return;
      const template = parseBody(workshopTemplate, req, res);
      if (!template) return;
      if ((await deps.store.listTemplates()).length >= TEMPLATE_LIBRARY_MAX) {
        sendError(res, 409, 'invalid_state', `The template library holds at most ${TEMPLATE_LIBRARY_MAX} templates; remove one first.`);
        return;
      }
      const id = newId();
      await deps.store.insertTemplate({ id, body: template, createdAt: deps.now().toISOString() });
      res.status(201).json(summarizeTemplate(id, template, false));
    }),
  );

  app.delete(
    '/api/templates/:templateId',
    route(async (req, res) => {
      if ((await libraryAccess(req, res, true)) !== 'ok') return;
      const id = String(req.params.templateId);
      if (BUILT_IN_TEMPLATES.has(id)) {
        sendError(res, 403, 'forbidden', 'Built-in templates cannot be removed.');
        return;
      }
      if (!(await deps.store.deleteTemplate(id))) {
        sendError(res, 404, 'not_found', 'There is no template with this id.');
        return;
      }
      res.status(204).end();
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
    '/api/workshops/:id/findings',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      res.json({ findings: await deps.findings.all(access.workshop.id) });
    }),
  );

  app.get(
    '/api/workshops/:id/speaking',
    route(async (req, res) => {
      const access = await authorizeModeration(req, res, String(req.params.id));
      if (!access) return;
      res.json({ rounds: await deps.speaking.documentation(access.workshop.id) });
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
    badKeyTaken: async (req) => {
      await deps.limits.badKey.take(addressOf(req));
    },
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
