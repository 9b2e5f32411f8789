/**
 * HTTP routes of the documentation: the export in every format and the attachments (multipart
 * upload with busboy, downloads only as attachments). Mounted by http.ts; the rules live in the
 * documentation domain and the export service.
 */
import busboy from 'busboy';
import type express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import type { ErrorCode } from '@werkraum/shared/errors';
import { DOCUMENTATION_FORMATS, DOCUMENTATION_SECTIONS, type DocumentationFormat, type DocumentationSection } from '@werkraum/shared/protocol';
import { isFacilitator, type Language, type Role } from '@werkraum/shared/roles';
import { ATTACHMENT_MAX_BYTES, type DocumentationDomain } from '../domain/documentation.js';
import { DomainError } from '../domain/errors.js';
import { hashSecret } from '../domain/secrets.js';
import { roleOfSecret } from '../domain/workshops.js';
import type { DocumentationExporter } from '../export/service.js';
import type { DocumentationStore, WorkshopRecord, WorkshopStore } from '../store/types.js';

/** What the documentation routes need from the HTTP app. */
export interface DocumentationRouteDeps {
  store: WorkshopStore & DocumentationStore;
  documentation: DocumentationDomain;
  exporter: DocumentationExporter;
  now: () => Date;
  sendError: (res: Response, status: number, code: ErrorCode, message: string, field?: string) => void;
  /** Answers 429 when the address used up its failed-key attempts (true when it did). */
  badKeyLimited: (req: Request, res: Response) => Promise<boolean>;
  /** Counts a failed key against the address. */
  badKeyTaken: (req: Request) => Promise<void>;
  baseUrl: (req: Request) => string;
  route: (handler: (req: Request, res: Response) => Promise<void>) => RequestHandler;
}

/** Seconds a client waits before asking again when exports are busy. */
/** Attachment downloads read at once per process (each holds its file, up to 25 MB, in memory). */
const ATTACHMENT_DOWNLOADS_MAX = 8;
const EXPORT_RETRY_AFTER_SECONDS = 5;

/** Who is reading: a role, and whether the documentation is published. */
interface Reader {
  workshop: WorkshopRecord;
  role: Role;
  published: boolean;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name. */
export function attachmentDisposition(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Mounts the documentation routes. */
export function mountDocumentationRoutes(app: express.Express, deps: DocumentationRouteDeps): void {
  const { sendError, route } = deps;

  /**
   * The reader behind a bearer key: a moderation key, a person token, or the participant link's
   * key. 401 without a key; 403 for a wrong key or an unknown workshop (alike); 403 for
   * participants while the documentation is not published, or when `facilitatorsOnly`.
   */
  async function authorize(req: Request, res: Response, facilitatorsOnly: boolean): Promise<Reader | undefined> {
    const header = req.get('authorization');
    const key = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    if (!key) {
      res.set('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'unauthorized', 'Send a moderation key or your person token as Authorization: Bearer <key>.');
      return undefined;
    }
    if (await deps.badKeyLimited(req, res)) return undefined;
    const workshopId = String(req.params.id);
    const workshop = await deps.store.getWorkshop(workshopId);
    let role: Role | undefined = workshop ? roleOfSecret(workshop, key) : undefined;
    if (workshop && !role) {
      const person = await deps.store.findPersonByTokenHash(workshop.id, hashSecret(key));
      if (person && !person.removedAt) role = person.role;
    }
    if (!workshop || !role) {
      await deps.badKeyTaken(req);
      sendError(res, 403, 'forbidden', 'This key does not give access to this workshop.');
      return undefined;
    }
    const settings = await deps.documentation.settings(workshop.id);
    const published = settings.publishedAt !== null;
    if (!isFacilitator(role) && (facilitatorsOnly || !published)) {
      sendError(res, 403, 'forbidden', facilitatorsOnly ? 'Only the moderation can do this.' : 'The documentation has not been published.');
      return undefined;
    }
    return { workshop, role, published };
  }

  app.get(
    '/api/workshops/:id/documentation',
    route(async (req, res) => {
      const format = typeof req.query.format === 'string' ? req.query.format : req.query.format === undefined ? 'html' : '';
      if (!(DOCUMENTATION_FORMATS as readonly string[]).includes(format)) {
        sendError(res, 400, 'invalid_payload', `format must be one of ${DOCUMENTATION_FORMATS.join(', ')}.`, 'format');
        return;
      }
      const lang = req.query.lang;
      if (lang !== undefined && lang !== 'de' && lang !== 'en') {
        sendError(res, 400, 'invalid_payload', 'lang must be de or en.', 'lang');
        return;
      }
      const excludeParam = req.query.exclude;
      if (excludeParam !== undefined && typeof excludeParam !== 'string') {
        sendError(res, 400, 'invalid_payload', `exclude is one comma-separated list of ${DOCUMENTATION_SECTIONS.join(', ')}.`, 'exclude');
        return;
      }
      const named = excludeParam === undefined ? undefined : excludeParam.split(',').map((part) => part.trim()).filter(Boolean);
      const unknown = named?.find((section) => !(DOCUMENTATION_SECTIONS as readonly string[]).includes(section));
      if (unknown !== undefined) {
        sendError(res, 400, 'invalid_payload', `Unknown section "${unknown.slice(0, 40)}"; sections are ${DOCUMENTATION_SECTIONS.join(', ')}.`, 'exclude');
        return;
      }
      const date = req.query.date;
      if (date !== undefined && (typeof date !== 'string' || date.length === 0 || date.length > 64)) {
        sendError(res, 400, 'invalid_payload', 'date is the id of one date of the workshop (see sessions in GET /api/workshops/:id).', 'date');
        return;
      }
      const reader = await authorize(req, res, false);
      if (!reader) return;
      const stored = (await deps.documentation.settings(reader.workshop.id)).excluded;
      const excluded: DocumentationSection[] = isFacilitator(reader.role)
        ? ((named as DocumentationSection[] | undefined) ?? stored)
        : [...new Set([...stored, ...((named as DocumentationSection[] | undefined) ?? [])])];
      const result = await deps.exporter
        .export(reader.workshop.id, {
          format: format as DocumentationFormat,
          language: (lang as Language | undefined) ?? reader.workshop.language,
          excluded,
          attachmentBaseUrl: `${deps.baseUrl(req)}/api/workshops/${encodeURIComponent(reader.workshop.id)}/attachments/`,
          now: deps.now().getTime(),
          ...(date !== undefined ? { dateId: date } : {}),
          audience: isFacilitator(reader.role) ? 'facilitators' : 'participants',
        })
        .catch((error: unknown) => {
          if (error instanceof DomainError && error.code === 'export_busy') res.set('Retry-After', String(EXPORT_RETRY_AFTER_SECONDS));
          throw error;
        });
      if (!result) {
        sendError(res, 403, 'forbidden', 'This key does not give access to this workshop.');
        return;
      }
      res.set('Content-Type', result.contentType);
      res.set('Content-Disposition', attachmentDisposition(result.fileName));
      res.set('X-Content-Type-Options', 'nosniff');
      res.set('Cache-Control', 'no-store');
      if (format === 'html') res.set('Content-Security-Policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'");
      // Written as bytes without Express's ETag: hashing megabytes on every export would stall the
      // event loop, and exports are not cached anyway (no-store).
      const body = typeof result.body === 'string' ? Buffer.from(result.body) : Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength);
      res.status(200).set('Content-Length', String(body.byteLength));
      res.end(body);
    }),
  );

  let downloads = 0;

  app.get(
    '/api/workshops/:id/attachments',
    route(async (req, res) => {
      const reader = await authorize(req, res, false);
      if (!reader) return;
      const state = await deps.documentation.state(reader.workshop.id, reader.role);
      res.json({ attachments: state.attachments });
    }),
  );

  app.get(
    '/api/workshops/:id/attachments/:attachmentId',
    route(async (req, res) => {
      const reader = await authorize(req, res, false);
      if (!reader) return;
      const attachmentId = String(req.params.attachmentId);
      // A participant reads only what the published documentation lists.
      if (!isFacilitator(reader.role) && !(await deps.documentation.state(reader.workshop.id, reader.role)).attachments.some((a) => a.id === attachmentId)) {
        sendError(res, 404, 'not_found', 'There is no such attachment.');
        return;
      }
      // Each download holds the whole file in memory: a few at once per process, the rest wait a moment.
      if (downloads >= ATTACHMENT_DOWNLOADS_MAX) {
        res.set('Retry-After', '2');
        sendError(res, 503, 'export_busy', 'Many files are being downloaded right now; please try again in a moment.');
        return;
      }
      downloads += 1;
      // Counted until the answer is sent or the client went away.
      res.once('close', () => {
        downloads -= 1;
      });
      const found = await deps.store.getAttachment(reader.workshop.id, attachmentId);
      if (!found) {
        sendError(res, 404, 'not_found', 'There is no such attachment.');
        return;
      }
      res.set('Content-Type', found.record.contentType);
      res.set('Content-Disposition', attachmentDisposition(found.record.name));
      res.set('X-Content-Type-Options', 'nosniff');
      res.set('Content-Security-Policy', 'sandbox');
      res.set('Cache-Control', 'private, no-store');
      res.status(200).send(found.data);
    }),
  );

  app.delete(
    '/api/workshops/:id/attachments/:attachmentId',
    route(async (req, res) => {
      const reader = await authorize(req, res, true);
      if (!reader) return;
      if (!(await deps.documentation.removeAttachment(reader.workshop.id, String(req.params.attachmentId)))) {
        sendError(res, 404, 'not_found', 'There is no such attachment.');
        return;
      }
      res.status(204).end();
    }),
  );

  app.post(
    '/api/workshops/:id/attachments',
    route(async (req, res) => {
      const reader = await authorize(req, res, true);
      if (!reader) {
        req.resume();
        return;
      }
      if (!req.is('multipart/form-data')) {
        req.resume();
        sendError(res, 400, 'invalid_payload', 'Send the file as multipart/form-data in the field "file".', 'file');
        return;
      }
      let file: { name: string; contentType: string; data: Buffer } | undefined;
      try {
        file = await readUpload(req);
      } catch (error) {
        // Let the rest of the body drain, so the client reads the answer instead of a reset.
        req.resume();
        if (error instanceof DomainError) {
          res.set('Connection', 'close');
          sendError(res, error.code === 'too_large' ? 413 : 400, error.code, error.message, error.field);
          return;
        }
        throw error;
      }
      if (!file) {
        sendError(res, 400, 'invalid_payload', 'Send one file in the field "file".', 'file');
        return;
      }
      const view = await deps.documentation.addAttachment(reader.workshop.id, file);
      res.status(201).json(view);
    }),
  );
}

/** Reads the one file of the field `file` from a multipart body, at most 25 MB. */
function readUpload(req: Request): Promise<{ name: string; contentType: string; data: Buffer } | undefined> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: ATTACHMENT_MAX_BYTES, fields: 10, parts: 20, fieldSize: 1024 } });
    } catch {
      reject(new DomainError('invalid_payload', 'The multipart body cannot be read.', 'file'));
      return;
    }
    let result: { name: string; contentType: string; data: Buffer } | undefined;
    let failure: DomainError | undefined;
    let pending = 0;
    let finished = false;
    const settle = () => {
      if (!finished || pending > 0) return;
      if (failure) reject(failure);
      else resolve(result);
    };
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || result || failure) {
        stream.resume();
        return;
      }
      pending += 1;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure = new DomainError('too_large', 'A file may have at most 25 MB.', 'file');
      });
      stream.on('close', () => {
        pending -= 1;
        if (!failure) result = { name: info.filename ?? 'file', contentType: info.mimeType, data: Buffer.concat(chunks) };
        settle();
      });
    });
    parser.on('error', () => {
      failure ??= new DomainError('invalid_payload', 'The multipart body cannot be read.', 'file');
      finished = true;
      settle();
    });
    parser.on('close', () => {
      finished = true;
      settle();
    });
    req.on('error', () => {
      failure ??= new DomainError('invalid_payload', 'The upload broke off.', 'file');
      finished = true;
      settle();
    });
    req.pipe(parser);
  });
}
