import type { Server, Socket } from 'socket.io';
import type { z } from 'zod';
import type { Ack, ProtocolError } from '@werkraum/shared/errors';
import {
  PROTOCOL_VERSION,
  clientEventSchemas,
  type ClientEventName,
  type ClientEvents,
  type ClientToServer,
  type ServerToClient,
} from '@werkraum/shared/protocol';
import { DomainError } from '../domain/errors.js';
import type { Notifier } from '../domain/notifier.js';
import type { Actor, PeopleDomain } from '../domain/people.js';
import { inspectLink } from '../domain/workshops.js';
import type { WorkshopStore } from '../store/types.js';

/** Per-connection state: who joined through this socket. */
export interface SocketData {
  actor: Actor | null;
}

/** The typed socket.io server of the app. */
export type AppServer = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
type AppSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;

const workshopRoom = (workshopId: string) => `w:${workshopId}`;
const personRoom = (personId: string) => `p:${personId}`;

/** Dependencies of the socket transport. */
export interface SocketDeps {
  store: WorkshopStore;
  people: PeopleDomain;
  log: (message: string, error?: unknown) => void;
}

type Input<K extends ClientEventName> = z.output<(typeof clientEventSchemas)[K]>;
type Handler<K extends ClientEventName> = (socket: AppSocket, input: Input<K>) => Promise<ClientEvents[K]['response']>;

/** Reaches people through socket.io rooms (one per workshop, one per person). */
export function socketNotifier(io: () => AppServer): Notifier {
  return {
    toWorkshop(workshopId, event, payload) {
      // socket.io's emit typing cannot follow a generic event key; the Notifier signature keeps callers typed.
      (io().to(workshopRoom(workshopId)).emit as (e: string, p: unknown) => void)(event, payload);
    },
    toPerson(personId, event, payload) {
      (io().to(personRoom(personId)).emit as (e: string, p: unknown) => void)(event, payload);
    },
    disconnectPerson(personId) {
      // Without closing the transport, so the session:ended event sent just before still arrives first.
      io().in(personRoom(personId)).disconnectSockets(false);
    },
  };
}

/** The joined person behind a socket, or `not_joined`. */
function actorOf(socket: AppSocket): Actor {
  const actor = socket.data.actor;
  if (!actor) throw new DomainError('not_joined', 'Join the workshop first.');
  return actor;
}

/**
 * Wires the socket protocol: checks the protocol version in the handshake, parses every event
 * with its schema, calls the domain, and answers every event with an acknowledgement.
 */
export function attachSocketTransport(io: AppServer, deps: SocketDeps): void {
  const { people } = deps;

  /** Joins the socket to its rooms the moment the domain admits the person. */
  const admit = (socket: AppSocket) => (actor: Actor) => {
    socket.data.actor = actor;
    void socket.join([workshopRoom(actor.workshopId), personRoom(actor.personId)]);
  };
  const requireFresh = (socket: AppSocket) => {
    if (socket.data.actor) throw new DomainError('invalid_state', 'This connection has already joined a workshop.');
  };

  const handlers: { [K in ClientEventName]: Handler<K> } = {
    'session:inspectLink': async (_socket, input) => inspectLink(deps.store, input.workshopId, input.linkSecret),
    'session:join': async (socket, input) => {
      requireFresh(socket);
      return people.join(input, socket.id, admit(socket));
    },
    'session:resume': async (socket, input) => {
      requireFresh(socket);
      return people.resume(input, socket.id, admit(socket));
    },
    'people:rename': async (socket, input) => people.rename(actorOf(socket), input),
    'people:setRole': async (socket, input) => people.setRole(actorOf(socket), input),
    'people:remove': async (socket, input) => people.remove(actorOf(socket), input),
    'people:updateSelf': async (socket, input) => people.updateSelf(actorOf(socket), input),
  };

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { protocolVersion?: unknown } | undefined;
    if (auth?.protocolVersion !== PROTOCOL_VERSION) {
      const error = new Error('Werkraum was updated. Please reload the page.') as Error & { data: unknown };
      error.data = { code: 'protocol_mismatch', serverVersion: PROTOCOL_VERSION } satisfies Partial<ProtocolError> & { serverVersion: number };
      next(error);
      return;
    }
    next();
  });

  io.on('connection', (socket) => {
    socket.data.actor = null;

    for (const name of Object.keys(handlers) as ClientEventName[]) {
      socket.on(name, (...args: unknown[]) => void dispatch(socket, name, args));
    }
    socket.onAny((event: string, ...args: unknown[]) => {
      if (Object.hasOwn(handlers, event)) return;
      const ack = args.at(-1);
      if (typeof ack === 'function') {
        ack({ ok: false, error: { code: 'unknown_event', message: `Unknown event "${String(event).slice(0, 64)}".` } });
      }
    });
    socket.on('disconnect', () => {
      if (socket.data.actor) people.disconnected(socket.data.actor, socket.id);
    });
  });

  async function dispatch<K extends ClientEventName>(socket: AppSocket, name: K, args: unknown[]): Promise<void> {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (result: Ack<unknown>) => void) : undefined;
    // A client that asks for no acknowledgement gets none; the action still runs.
    const reply = (result: Ack<unknown>) => ack?.(result);
    const payload = ack && args.length === 1 ? undefined : args[0];
    const parsed = clientEventSchemas[name].safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? issue.path.join('.') : undefined;
      reply({
        ok: false,
        error: {
          code: 'invalid_payload',
          message: issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'Invalid payload.',
          ...(field ? { field } : {}),
        },
      });
      return;
    }
    try {
      const data = await handlers[name](socket, parsed.data as Input<K>);
      reply({ ok: true, data });
    } catch (error) {
      if (error instanceof DomainError) {
        reply({ ok: false, error: error.toProtocol() });
      } else {
        deps.log(`socket event ${name} failed`, error);
        reply({ ok: false, error: { code: 'internal', message: 'Something went wrong on the server; nothing was changed.' } });
      }
    }
  }
}
