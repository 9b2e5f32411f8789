import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { COLLAB_CLOSE, COLLAB_PATH_PREFIX } from '@werkraum/shared/closeCodes';
import type { CollabGrant } from '@werkraum/shared/protocol';
import { draftDocName, roomDocName } from '@werkraum/shared/rooms';
import { workshopSession } from './session.js';
import { RequestError, request } from './socket.js';

/** How a shared document is connected, as the UI shows it. */
export type CollabStatus = 'connecting' | 'connected' | 'offline' | 'noAccess' | 'refused';

/** Close codes after which a new token may help (expired, revoked, for another document...). */
const TOKEN_CLOSES: ReadonlySet<number> = new Set([
  COLLAB_CLOSE.missingToken,
  COLLAB_CLOSE.invalidToken,
  COLLAB_CLOSE.expiredToken,
  COLLAB_CLOSE.documentMismatch,
  COLLAB_CLOSE.accessRevoked,
]);

/** Tokens live 60 s on the server; renewing earlier keeps every reconnect attempt valid. */
const TOKEN_REFRESH_MS = 45_000;
/** While the server cannot be asked for a token, try again this often. */
const RETRY_MS = 5_000;
/** A token request that failed is retried after 0.5 s, 1 s, 2 s ... up to this. */
const RETRY_MAX_MS = 15_000;

/** A snapshot of a document's connection. */
export interface CollabState {
  status: CollabStatus;
  mode: 'edit' | 'read';
  synced: boolean;
  storedLocally: boolean;
  /** With status `refused`: the server's close code (for example 4429, too many changes too fast). */
  refusedCode: number | null;
}

/** One room document in this tab: the Y.Doc, its copy in the browser, and its connection. */
export interface CollabHandle {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** The current state (the same object until it changes); `subscribe` tells about changes. */
  state(): CollabState;
  subscribe(listener: () => void): () => void;
  destroy(): void;
}

/**
 * Opens a room's notes, board or one's private drafts of the board, offline-first: the document is read from (and kept in) IndexedDB at once,
 * so edits survive reloads and lost connections, and synced over the collaboration socket with a
 * short-lived token. The token is fetched again whenever the server refuses an old one or access
 * changes (read-only after a round), and retried while the server cannot be reached.
 */
export function openRoomDocument(
  workshopId: string,
  roomId: string,
  kind: 'notes' | 'board' | 'drafts' | 'summary' = 'notes',
  personId = '',
): CollabHandle {
  // The documentation's summary is one document per workshop (`summary:<workshopId>`); roomId is unused for it.
  const docName =
    kind === 'drafts'
      ? draftDocName(workshopId, roomId, personId)
      : kind === 'summary'
        ? `summary:${workshopId}`
        : roomDocName(kind, workshopId, roomId);
  const doc = new Y.Doc();
  const local = new IndexeddbPersistence(`werkraum:${docName}`, doc);
  const serverUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${COLLAB_PATH_PREFIX.replace(/\/$/, '')}`;
  const provider = new WebsocketProvider(serverUrl, docName, doc, { connect: false, params: {} });

  let status: CollabStatus = 'connecting';
  let mode: 'edit' | 'read' = 'edit';
  let storedLocally = false;
  let refusedCode: number | null = null;
  let destroyed = false;
  let haveToken = false;
  const listeners = new Set<() => void>();
  // One object per change: React's useSyncExternalStore needs the same snapshot until something changes.
  const snapshot = (): CollabState => ({ status, mode, synced: provider.synced, storedLocally, refusedCode });
  let current = snapshot();
  const changed = () => {
    current = snapshot();
    listeners.forEach((listener) => listener());
  };

  // A failed token request is tried again with backoff (the socket may be back before its session is).
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const retryLater = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void renew(), Math.min(RETRY_MAX_MS, 500 * 2 ** failures));
    failures += 1;
  };

  /**
   * Asks for a (new) token; connects when allowed. Tokens are asked for only while the workshop
   * session is ready (joined or resumed): before that the server answers not_joined. When it is not
   * ready, the session's ready event asks again.
   */
  const renew = async (): Promise<void> => {
    if (destroyed) return;
    if (!workshopSession.isReady()) {
      if (!provider.wsconnected && status !== 'noAccess' && status !== 'refused') {
        status = navigator.onLine ? 'connecting' : 'offline';
        changed();
      }
      return;
    }
    try {
      const grant: CollabGrant =
        kind === 'notes'
          ? await request(workshopSession.socket(), 'notes:token', { roomId })
          : kind === 'summary'
            ? await request(workshopSession.socket(), 'documentation:summaryToken', {})
            : await request(workshopSession.socket(), 'board:token', { roomId, drafts: kind === 'drafts' });
      if (destroyed) return;
      failures = 0;
      clearTimeout(retryTimer);
      provider.params = { token: grant.token };
      haveToken = true;
      mode = grant.mode;
      if (!provider.shouldConnect || !provider.wsconnected) provider.connect();
      changed();
    } catch (error) {
      if (destroyed) return;
      if (error instanceof RequestError && error.code === 'forbidden') {
        status = 'noAccess';
        provider.disconnect();
      } else {
        if (!provider.wsconnected) status = navigator.onLine ? 'connecting' : 'offline';
        retryLater();
      }
      changed();
    }
  };

  // Renewals after refused connections back off, so a client never hammers the server.
  let renewals = 0;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  // A token opens one connection only: after a drop the provider's own reconnect needs a fresh one
  // (a transient close such as 4503 or 4508, or a lost network). Fetched at once; cancelled by a
  // permanent close, which the 'closed' handler below decides about.
  let reconnectRenew: ReturnType<typeof setTimeout> | undefined;
  provider.on('status', ({ status: next }) => {
    if (next === 'disconnected' && haveToken && !destroyed) {
      clearTimeout(reconnectRenew);
      reconnectRenew = setTimeout(() => {
        if (status !== 'refused' && status !== 'noAccess') void renew();
      }, 0);
    }
    if (status === 'noAccess' || status === 'refused' || (status === 'offline' && !navigator.onLine)) return;
    if (next === 'connected') renewals = 0;
    status = next === 'connected' ? 'connected' : haveToken && navigator.onLine ? 'connecting' : 'offline';
    changed();
  });
  provider.on('sync', () => changed());
  provider.on('closed', (event) => {
    clearTimeout(reconnectRenew);
    if (!TOKEN_CLOSES.has(event.code)) {
      // The server refused what this browser sends (malformed, too large, too many): resending would not help.
      status = 'refused';
      refusedCode = event.code;
      changed();
      return;
    }
    clearTimeout(renewTimer);
    renewTimer = setTimeout(() => void renew(), Math.min(30_000, 250 * 2 ** renewals));
    renewals += 1;
  });
  local.on('synced', () => {
    storedLocally = true;
    changed();
  });

  // The browser knows about a lost network long before a WebSocket times out: say so at once.
  const onOffline = () => {
    provider.disconnect();
    status = 'offline';
    changed();
  };
  const onOnline = () => void renew();
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);

  // Every time the session is (re)established: a fresh token, and the document reconnects.
  const offReady = workshopSession.onReady(() => void renew());
  const refresh = setInterval(() => void renew(), TOKEN_REFRESH_MS);
  const retry = setInterval(() => {
    if (!haveToken && status !== 'noAccess') void renew();
  }, RETRY_MS);
  void renew();

  return {
    doc,
    provider,
    state: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      destroyed = true;
      clearTimeout(renewTimer);
      clearTimeout(reconnectRenew);
      clearTimeout(retryTimer);
      clearInterval(refresh);
      clearInterval(retry);
      offReady();
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      provider.destroy();
      void local.destroy();
      doc.destroy();
    },
  };
}
