/**
 * The collaboration (Yjs) WebSocket: where it lives, how large a message may be, and the close
 * codes the server ends a connection with. Defined once; the server sends them, the client reads
 * them from the close event.
 *
 * Ranges follow the convention of the stock `y-websocket` client (3.1): a close code in
 * 4400-4499 is permanent, like an HTTP 4xx — the client stops reconnecting and emits `closed`, so
 * the app must act (fetch a new token, show a message). Every other code, including 4500-4599, is
 * transient: the client reconnects with backoff and re-syncs, which loses nothing because a
 * client keeps its own edits until the server has them.
 */

/** Path prefix of the collaboration WebSocket; the document name follows: `/collab/<docName>`. */
export const COLLAB_PATH_PREFIX = '/collab/';

/**
 * Largest single message a client may send on the collaboration socket, in bytes. A notes
 * document of a workshop room is text only; 2 MiB leaves room for a first sync of a large offline
 * edit while keeping one message from tying up the server.
 */
export const COLLAB_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/**
 * The budget of one collaboration connection, enforced by the server with token buckets: a client
 * may send `messagesPerSecond` messages and `bytesPerSecond` bytes per second on average, with
 * bursts up to `messageBurst` messages and `byteBurst` bytes. Beyond that it is closed with
 * `COLLAB_CLOSE.rateLimited`. Typing, drawing and moving cards stay far below these numbers.
 */
export const COLLAB_RATE_LIMITS = {
  messagesPerSecond: 200,
  messageBurst: 400,
  bytesPerSecond: 1024 * 1024,
  /** Twice the largest message, so one first sync of a large offline edit fits. */
  byteBurst: 2 * COLLAB_MAX_MESSAGE_BYTES,
  /** Unsent bytes the server holds for one connection before it closes it with `slowReader`. */
  maxBufferedBytes: 4 * 1024 * 1024,
} as const;

/** Close codes of the collaboration socket (RFC 6455 private-use range 4000-4999). */
export const COLLAB_CLOSE = {
  /** A message could not be decoded or has an unknown type: a client bug or a hostile client. Permanent. */
  badMessage: 4400,
  /** The URL carries no `token` parameter. Permanent: the app must fetch a token first. */
  missingToken: 4401,
  /**
   * The token is malformed, its signature does not match, or it has already opened a connection
   * (a token opens one connection only). Permanent: fetch a fresh token and connect again.
   */
  invalidToken: 4403,
  /** The path names no valid document (`/collab/` followed by an allowed document name). Permanent. */
  invalidDocument: 4404,
  /** The token has expired (tokens live about a minute). Permanent: fetch a fresh token and connect again. */
  expiredToken: 4408,
  /** The token is valid but for another document than the path names. Permanent. */
  documentMismatch: 4409,
  /** Access was withdrawn while connected (moved to another room, removed from the workshop). Permanent. */
  accessRevoked: 4410,
  /**
   * A single message exceeded `COLLAB_MAX_MESSAGE_BYTES` (whatever its size: the server never
   * answers an oversize message with 1009). Permanent: resending the same edit would fail again.
   */
  messageTooLarge: 4413,
  /**
   * The connection sent more than its budget (`COLLAB_RATE_LIMITS`: messages or bytes per second).
   * Permanent: a client that floods the server is not let back in by itself; the app shows an error.
   */
  rateLimited: 4429,
  /** The server could not load or store the document (storage failure). Transient: the client retries and re-syncs. */
  internalError: 4500,
  /** The server is shutting down or restarting. Transient: the client reconnects once it is back. */
  serverShutdown: 4503,
  /**
   * The client did not read what the server sent: more than `COLLAB_RATE_LIMITS.maxBufferedBytes`
   * waited unsent for it. The server dropped its pending updates; transient: the client reconnects
   * (with a fresh token) and re-syncs, which sends it the current document once.
   */
  slowReader: 4508,
} as const;

/** One close code of the collaboration socket. */
export type CollabCloseCode = (typeof COLLAB_CLOSE)[keyof typeof COLLAB_CLOSE];

/** True when the stock client treats `code` as final and stops reconnecting (4400-4499). */
export function isPermanentCollabClose(code: number): boolean {
  return code >= 4400 && code < 4500;
}
