import { io, type Socket } from 'socket.io-client';
import type { Ack, ProtocolError } from '@werkraum/shared/errors';
import type { ClientEventName, ClientEvents, ClientToServer, ServerToClient } from '@werkraum/shared/protocol';
import { PROTOCOL_VERSION } from '@werkraum/shared/version';

/** The typed socket.io client of the app. */
export type AppSocket = Socket<ServerToClient, ClientToServer>;

/** How long an action may wait for the server's acknowledgement before it counts as failed. */
const ACK_TIMEOUT_MS = 10_000;

/** A refused or failed request, carrying the protocol error (or `timeout`). */
export class RequestError extends Error {
  constructor(readonly error: ProtocolError | { code: 'timeout'; message: string; field?: undefined }) {
    super(error.message);
  }
  get code(): string {
    return this.error.code;
  }
}

/** Opens the one socket of this tab, announcing the protocol version in the handshake. */
export function connectSocket(): AppSocket {
  return io({
    auth: { protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 5_000,
  });
}

/** Sends a client event and resolves with the acknowledged data; rejects with a RequestError. */
export async function request<K extends ClientEventName>(
  socket: AppSocket,
  event: K,
  payload: ClientEvents[K]['request'],
): Promise<ClientEvents[K]['response']> {
  let result: Ack<ClientEvents[K]['response']>;
  try {
    // socket.io's typings cannot follow a generic event key; the signature of `request` keeps callers typed.
    const emitter = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<Ack<ClientEvents[K]['response']>>;
    };
    result = await emitter.emitWithAck(event, payload);
  } catch {
    throw new RequestError({ code: 'timeout', message: 'The server did not answer in time.' });
  }
  if (!result.ok) throw new RequestError(result.error);
  return result.data;
}
