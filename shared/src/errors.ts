/**
 * Error codes that the server puts into socket acknowledgements and HTTP error bodies.
 * Clients translate the code into the person's language; the English message is a fallback
 * for integrators and logs.
 */
export const ERROR_CODES = [
  /** The payload does not match the event's schema; `field` names the first bad field. */
  'invalid_payload',
  /** The event name is not part of the protocol. */
  'unknown_event',
  /** The client speaks another protocol version: it must reload. */
  'protocol_mismatch',
  /** The action needs a joined session (join or resume first). */
  'not_joined',
  /** The HTTP request carries no key. */
  'unauthorized',
  /** The caller's role may not take this action. */
  'forbidden',
  /** The HTTP endpoint does not exist. */
  'not_found',
  /** The workshop does not exist. */
  'workshop_not_found',
  /** The join link's secret is not valid for this workshop. */
  'invalid_link',
  /** The stored identity is unknown (for example after the workshop was deleted). */
  'unknown_identity',
  /** This person was removed from the workshop by a moderator. */
  'removed',
  /** The person the action names is not in this workshop. */
  'person_not_found',
  /** A pasted time table has lines that cannot be read (the HTTP error lists them in `lines`). */
  'invalid_timetable',
  /** The action makes no sense in the current state (for example demoting a moderator). */
  'invalid_state',
  /** The request cannot be read (for example malformed percent-encoding in the path). */
  'bad_request',
  /** The request body's `Content-Encoding` is not accepted or does not match the body (HTTP 415). */
  'unsupported_encoding',
  /** Too many attempts from this address; try again after `Retry-After` seconds (HTTP) or `retryAfterMs` (socket). */
  'rate_limited',
  /** Creating a workshop needs the server's create key, and none or a wrong one was sent. */
  'invalid_create_key',
  /** The template library needs the server's template key (header X-Template-Key); also when the server keeps no library. */
  'invalid_template_key',
  /** Rendering a picture took too long and was stopped (HTTP 503). */
  'render_timeout',
  /** Too many pictures are being rendered at once (HTTP 503); try again shortly. */
  'render_busy',
  /** Audio and video are not set up on this server (no LiveKit settings). */
  'media_off',
  /** The media server (LiveKit) did not answer or refused the call. */
  'media_failed',
  /** A file or the sum of a workshop's files is over its limit (HTTP 413). */
  'too_large',
  /** A capability needs something the server does not have, e.g. Chromium for PDF (HTTP 503). */
  'unavailable',
  /** Too many documentation exports are running (HTTP 503 with Retry-After); try again shortly. */
  'export_busy',
  /** Something broke on the server; nothing was changed. */
  'internal',
] as const;

/** One error code of the protocol. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The error part of a refused acknowledgement or HTTP response. */
export interface ProtocolError {
  code: ErrorCode;
  message: string;
  field?: string;
  /** With `rate_limited`: milliseconds until the next attempt can succeed. */
  retryAfterMs?: number;
}

/** What every client event gets back: ok with the event's result, or an error. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };
