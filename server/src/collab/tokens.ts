import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a collaboration token grants: one document, in one mode, to one person of one workshop. */
export interface CollabClaims {
  /** The document name, exactly as in the path `/collab/<doc>`. */
  doc: string;
  /** `edit` may change the document; `read` receives it and its updates only. */
  mode: 'edit' | 'read';
  personId: string;
  workshopId: string;
}

/** Result of `verifyCollabToken`. */
export type CollabTokenResult =
  | { ok: true; claims: CollabClaims; expiresAt: number; /** Random id of this token: it opens one connection only. */ tokenId: string }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/** Default lifetime of a token: long enough to open the socket, short enough that a leaked URL is useless. */
export const COLLAB_TOKEN_TTL_MS = 60_000;

/** Shortest secret accepted (bytes): below 128 bits an HMAC key can be guessed. */
const MIN_SECRET_BYTES = 16;
/** Tokens travel in a URL; anything longer than this is not one of ours and is not even decoded. */
const MAX_TOKEN_CHARS = 4096;
/** Version tag inside the payload, so the format can change without accepting old tokens by accident. */
const TOKEN_VERSION = 2;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Signs a short-lived access token for one document and one mode.
 * Format: `base64url(JSON payload) "." base64url(HMAC-SHA256(secret, payload part))`.
 * The token travels as the `token` URL parameter of the WebSocket (browsers cannot set headers there),
 * which is why it expires after `ttlMs` (default one minute): it only has to open the connection.
 */
export function signCollabToken(secret: Buffer, claims: CollabClaims, now: number, ttlMs = COLLAB_TOKEN_TTL_MS): string {
  assertSecret(secret);
  const payload = {
    v: TOKEN_VERSION,
    // A random id, so the server can refuse a second connection with the same token.
    id: randomBytes(12).toString('base64url'),
    doc: claims.doc,
    mode: claims.mode,
    personId: claims.personId,
    workshopId: claims.workshopId,
    exp: now + ttlMs,
  };
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${sign(secret, body).toString('base64url')}`;
}

/**
 * Checks a token's form, signature (constant-time) and expiry at `now`. The signature is checked
 * before the payload is parsed, so unauthenticated bytes never reach JSON.parse.
 */
export function verifyCollabToken(secret: Buffer, token: string, now: number): CollabTokenResult {
  assertSecret(secret);
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) {
    return { ok: false, reason: 'malformed' };
  }
  const parts = token.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed' };
  const [body, signature] = parts as [string, string];
  if (!BASE64URL.test(body) || !BASE64URL.test(signature)) return { ok: false, reason: 'malformed' };

  const given = Buffer.from(signature, 'base64url');
  const expected = sign(secret, body);
  // timingSafeEqual throws on different lengths; the length of a MAC is public, so checking it first leaks nothing.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }

  const claims = parsePayload(body);
  if (!claims) return { ok: false, reason: 'malformed' };
  if (now >= claims.exp) return { ok: false, reason: 'expired' };
  const { exp, id, ...rest } = claims;
  return { ok: true, claims: rest, expiresAt: exp, tokenId: id };
}

function sign(secret: Buffer, body: string): Buffer {
  return createHmac('sha256', secret).update(body, 'utf8').digest();
}

function assertSecret(secret: Buffer): void {
  if (!Buffer.isBuffer(secret) || secret.length < MIN_SECRET_BYTES) {
    throw new Error(`collab token secret must be a Buffer of at least ${MIN_SECRET_BYTES} bytes`);
  }
}

/** Reads a signed payload; a signed but odd payload (another version, missing fields) is still rejected. */
function parsePayload(body: string): (CollabClaims & { exp: number; id: string }) | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const p = value as Record<string, unknown>;
  if (p.v !== TOKEN_VERSION) return undefined;
  if (typeof p.id !== 'string' || p.id.length === 0) return undefined;
  if (typeof p.doc !== 'string' || p.doc.length === 0) return undefined;
  if (p.mode !== 'edit' && p.mode !== 'read') return undefined;
  if (typeof p.personId !== 'string' || typeof p.workshopId !== 'string') return undefined;
  if (typeof p.exp !== 'number' || !Number.isFinite(p.exp)) return undefined;
  return { doc: p.doc, mode: p.mode, personId: p.personId, workshopId: p.workshopId, exp: p.exp, id: p.id };
}
