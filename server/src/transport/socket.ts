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
import { isFacilitator } from '@werkraum/shared/roles';
import { DomainError } from '../domain/errors.js';
import type { Notifier } from '../domain/notifier.js';
import type { AgendaDomain } from '../domain/agenda.js';
import type { BoardDomain } from '../domain/board.js';
import type { BreakoutDomain } from '../domain/breakouts.js';
import type { DocumentationDomain } from '../domain/documentation.js';
import type { NotesDomain } from '../domain/notes.js';
import type { MediaDomain } from '../domain/media.js';
import type { PollDomain } from '../domain/polls.js';
import type { SeriesDomain } from '../domain/series.js';
import type { FindingsDomain } from '../domain/findings.js';
import type { SpeakingDomain } from '../domain/speaking.js';
import type { Actor, Admitted, PeopleDomain } from '../domain/people.js';
import { requireRole } from '../domain/people.js';
import { loadTemplate } from '../domain/workshopTemplates.js';
import { inspectLink, requireWorkshop } from '../domain/workshops.js';
import type { AgendaStore, BreakoutStore, PollStore, WorkshopStore } from '../store/types.js';
import { RateLimiter, clientAddress, type RateLimiters } from './rateLimit.js';

/**
 * Events any participant may send whose every use reaches everyone in the workshop (a raised hand,
 * an agreement, a proposed finding): each person gets a budget, so a script cannot make the server
 * broadcast without end. Generous for people: 20 within 10 s, then one every half second.
 */
const BROADCASTING_EVENTS: ReadonlySet<string> = new Set(['speaking:hand', 'stage:agree', 'findings:propose']);
const BROADCASTING_BUDGET = { count: 20, perMs: 10_000 };

/** Unsent bytes a socket.io connection may pile up (a reader that stopped reading) before it is closed. */
export const SOCKET_UNSENT_BYTES_MAX = 4 * 1024 * 1024;
/** Packets waiting for a long-polling client beyond which it is closed (it stopped polling). */
export const SOCKET_UNSENT_PACKETS_MAX = 10_000;

/** Per-connection state: who joined through this socket. */
export interface SocketData {
  actor: Actor | null;
  /** A join or resume is under way on this socket (set before its first await). */
  joining: boolean;
  /** The address rate limits count against. */
  address: string;
}

/** The typed socket.io server of the app. */
export type AppServer = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
type AppSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;

const workshopRoom = (workshopId: string) => `w:${workshopId}`;
const personRoom = (personId: string) => `p:${personId}`;
const facilitatorRoom = (workshopId: string) => `w:${workshopId}:f`;

/** Dependencies of the socket transport. */
export interface SocketDeps {
  store: WorkshopStore & AgendaStore & PollStore & BreakoutStore;
  people: PeopleDomain;
  agenda: AgendaDomain;
  breakouts: BreakoutDomain;
  polls: PollDomain;
  notes: NotesDomain;
  media: MediaDomain;
  board: BoardDomain;
  series: SeriesDomain;
  findings: FindingsDomain;
  speaking: SpeakingDomain;
  documentation: DocumentationDomain;
  /** Server time in ms, the clock clients synchronise to. */
  clock: () => number;
  log: (message: string, error?: unknown) => void;
  /** Per-address limits of join, resume and link attempts. */
  limits: RateLimiters;
  /** Unsent bytes after which a connection is closed (see {@link SOCKET_UNSENT_BYTES_MAX}). */
  unsentBytesMax: number;
}

/** The parts of an engine.io connection the unsent-bytes guard reads. */
export interface EngineConnection {
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } } | undefined;
  writeBuffer?: unknown[];
  on(event: 'packetCreate', listener: () => void): unknown;
  close(): unknown;
}

/** Bytes and packets a connection has not yet sent to its client. */
export function unsent(conn: EngineConnection): { bytes: number; packets: number } {
  const bytes = conn.transport?.socket?.bufferedAmount;
  return { bytes: typeof bytes === 'number' ? bytes : 0, packets: conn.writeBuffer?.length ?? 0 };
}

/**
 * Closes a connection whose client stopped reading once more than `maxBytes` (WebSocket) or
 * {@link SOCKET_UNSENT_PACKETS_MAX} packets (long polling) wait for it, instead of buffering without
 * bound. The transport is dropped at once (not a polite close that would queue behind the backlog);
 * the stock client reconnects and resumes with a fresh snapshot. Calls `onClosed` once.
 */
export function guardUnsent(conn: EngineConnection, maxBytes: number, onClosed: (state: { bytes: number; packets: number }) => void): void {
  let closed = false;
  conn.on('packetCreate', () => {
    if (closed) return;
    const state = unsent(conn);
    if (state.bytes <= maxBytes && state.packets <= SOCKET_UNSENT_PACKETS_MAX) return;
    closed = true;
    onClosed(state);
    const ws = conn.transport?.socket;
    if (typeof ws?.terminate === 'function') ws.terminate();
    else conn.close();
  });
}

type Input<K extends ClientEventName> = z.output<(typeof clientEventSchemas)[K]>;
type Handler<K extends ClientEventName> = (socket: AppSocket, input: Input<K>) => Promise<ClientEvents[K]['response']>;

/** Reaches people through socket.io rooms (one per workshop, one for its facilitators, one per person). */
export function socketNotifier(io: () => AppServer): Notifier {
  // socket.io's emit typing cannot follow a generic event key; the Notifier signature keeps callers typed.
  const emit = (target: { emit: unknown }, event: string, payload: unknown) =>
    (target.emit as (event: string, payload: unknown) => void).call(target, event, payload);
  return {
    toWorkshop: (workshopId, event, payload) => emit(io().to(workshopRoom(workshopId)), event, payload),
    toWorkshopHere: (workshopId, event, payload) => emit(io().local.to(workshopRoom(workshopId)), event, payload),
    toFacilitators: (workshopId, event, payload) => emit(io().to(facilitatorRoom(workshopId)), event, payload),
    toParticipants: (workshopId, event, payload) =>
      emit(io().to(workshopRoom(workshopId)).except(facilitatorRoom(workshopId)), event, payload),
    toPerson: (personId, event, payload) => emit(io().to(personRoom(personId)), event, payload),
    roleChanged(workshopId, personId, role) {
      if (isFacilitator(role)) io().in(personRoom(personId)).socketsJoin(facilitatorRoom(workshopId));
      else io().in(personRoom(personId)).socketsLeave(facilitatorRoom(workshopId));
    },
    disconnectPerson(personId) {
      // Without closing the transport, so the session:ended event sent just before still arrives first.
      io().in(personRoom(personId)).disconnectSockets(false);
    },
  };
}

/** Too many attempts from one address; carries the wait until the next one can succeed. */
class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('Too many attempts from this address. Please wait a moment and try again.');
  }
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
  const { people, agenda, breakouts, polls, notes, board, findings, speaking, documentation } = deps;
  const broadcasting = new RateLimiter(BROADCASTING_BUDGET, deps.clock);

  /** Joins the socket to its rooms the moment the domain admits the person. */
  const admit = (socket: AppSocket) => (admitted: Admitted) => {
    // The socket may have closed while the store answered; a dead connection must not count as online.
    if (!socket.connected) throw new DomainError('invalid_state', 'The connection closed while joining.');
    socket.data.actor = { workshopId: admitted.workshopId, personId: admitted.personId };
    const rooms = [workshopRoom(admitted.workshopId), personRoom(admitted.personId)];
    if (isFacilitator(admitted.role)) rooms.push(facilitatorRoom(admitted.workshopId));
    void socket.join(rooms);
  };
  /** Runs a join or resume, refusing a second one on the same socket even while the first is under way. */
  const admitOnce = async <T>(socket: AppSocket, run: () => Promise<T>): Promise<T> => {
    if (socket.data.actor || socket.data.joining) {
      throw new DomainError('invalid_state', 'This connection has already joined a workshop.');
    }
    socket.data.joining = true;
    try {
      return await run();
    } finally {
      socket.data.joining = false;
    }
  };

  /**
   * Runs an attempt to get in (inspect a link, join, resume) within the address's limits: every
   * attempt counts against the join limit, a wrong secret or token also against the failed-key limit.
   */
  const attempt = async <T>(socket: AppSocket, run: () => Promise<T>): Promise<T> => {
    const { join, badKey } = deps.limits;
    const address = socket.data.address;
    const refused = (await Promise.all([join.check(address), badKey.check(address)])).find((verdict) => !verdict.ok);
    if (refused && !refused.ok) throw new RateLimitedError(refused.retryAfterMs);
    // Another attempt (on another socket or process) may have spent the last one meanwhile.
    const taken = await join.take(address);
    if (!taken.ok) throw new RateLimitedError(taken.retryAfterMs);
    try {
      return await run();
    } catch (error) {
      // Counted before the refusal is answered, so the next attempt (on any process) sees it.
      if (error instanceof DomainError && (error.code === 'invalid_link' || error.code === 'unknown_identity')) await badKey.take(address);
      throw error;
    }
  };

  const handlers: { [K in ClientEventName]: Handler<K> } = {
    'session:inspectLink': async (socket, input) => attempt(socket, () => inspectLink(deps.store, input.workshopId, input.linkSecret)),
    'session:join': async (socket, input) => attempt(socket, () => admitOnce(socket, () => people.join(input, socket.id, admit(socket)))),
    'session:resume': async (socket, input) =>
      attempt(socket, () => admitOnce(socket, () => people.resume(input, socket.id, admit(socket)))),
    'people:rename': async (socket, input) => people.rename(actorOf(socket), input),
    'people:setRole': async (socket, input) => people.setRole(actorOf(socket), input),
    'people:remove': async (socket, input) => people.remove(actorOf(socket), input),
    'people:updateSelf': async (socket, input) => people.updateSelf(actorOf(socket), input),
    'clock:ping': async () => ({ serverTime: deps.clock() }),
    'agenda:get': async (socket) => agenda.snapshot(actorOf(socket)),
    'series:get': async (socket) => deps.series.get(actorOf(socket)),
    'series:addDate': async (socket, input) => ({ dateId: (await deps.series.addDate(actorOf(socket), input)).dateId }),
    'series:moveDate': async (socket, input) => deps.series.moveDate(actorOf(socket), input),
    'series:removeDate': async (socket, input) => deps.series.removeDate(actorOf(socket), input),
    'series:advance': async (socket) => deps.series.advance(actorOf(socket)),
    'series:review': async (socket, input) => deps.series.review(actorOf(socket), input),
    'series:pollHistory': async (socket, input) => deps.series.pollHistory(actorOf(socket), input),
    'template:get': async (socket) => {
      const actor = actorOf(socket);
      requireRole(await people.current(actor), ['moderator', 'coModerator'], 'save the workshop as a template');
      return loadTemplate(deps.store, await requireWorkshop(deps.store, actor.workshopId));
    },
    'agenda:addBlock': async (socket, input) => agenda.addBlock(actorOf(socket), input),
    'agenda:updateBlock': async (socket, input) => agenda.updateBlock(actorOf(socket), input),
    'agenda:duplicateBlock': async (socket, input) => agenda.duplicateBlock(actorOf(socket), input),
    'agenda:deleteBlock': async (socket, input) => agenda.deleteBlock(actorOf(socket), input),
    'agenda:moveBlock': async (socket, input) => agenda.moveBlock(actorOf(socket), input),
    'agenda:replace': async (socket, input) => {
      const record = await agenda.replace(actorOf(socket), input);
      return { blocks: record.blocks.length };
    },
    'agenda:updateSettings': async (socket, input) => agenda.updateSettings(actorOf(socket), input),
    'agenda:control': async (socket, input) => agenda.control(actorOf(socket), input),
    'breakout:get': async (socket) => breakouts.snapshot(actorOf(socket)),
    'breakout:saveRound': async (socket, input) => breakouts.saveRound(actorOf(socket), input),
    'breakout:deleteRound': async (socket, input) => breakouts.deleteRound(actorOf(socket), input),
    'breakout:assign': async (socket, input) => breakouts.assign(actorOf(socket), input),
    'breakout:autoAssign': async (socket, input) => breakouts.autoAssign(actorOf(socket), input),
    'breakout:close': async (socket, input) => breakouts.close(actorOf(socket), input),
    'breakout:broadcast': async (socket, input) => breakouts.broadcast(actorOf(socket), input),
    'breakout:help': async (socket, input) => breakouts.help(actorOf(socket), input),
    'breakout:resolveHelp': async (socket, input) => breakouts.resolveHelp(actorOf(socket), input),
    'breakout:visit': async (socket, input) => breakouts.visit(actorOf(socket), input),
    'poll:list': async (socket) => polls.list(actorOf(socket)),
    'poll:create': async (socket, input) => polls.create(actorOf(socket), input),
    'poll:update': async (socket, input) => polls.update(actorOf(socket), input),
    'poll:delete': async (socket, input) => polls.delete(actorOf(socket), input),
    'poll:open': async (socket, input) => polls.open(actorOf(socket), input),
    'poll:close': async (socket, input) => polls.close(actorOf(socket), input),
    'poll:publish': async (socket, input) => polls.publish(actorOf(socket), input),
    'poll:answer': async (socket, input) => polls.answer(actorOf(socket), input),
    'notes:token': async (socket, input) => notes.token(actorOf(socket), input.roomId),
    'notes:preview': async (socket, input) => notes.preview(actorOf(socket), input.roomId),
    'media:status': async (socket) => deps.media.status(actorOf(socket)),
    'media:token': async (socket, input) => deps.media.token(actorOf(socket), input.roomId),
    'media:mute': async (socket, input) => deps.media.mute(actorOf(socket), input.roomId, input.personId),
    'media:setLink': async (socket, input) => deps.media.setLink(actorOf(socket), input.roomId, input.url),
    'media:setPermissions': async (socket, input) => deps.media.setPermissions(actorOf(socket), input),
    'media:spotlight': async (socket, input) => deps.media.spotlight(actorOf(socket), input.roomId, input.personId),
    'media:askUnmute': async (socket, input) => deps.media.askUnmute(actorOf(socket), input.roomId, input.personId),
    'media:speaking': async (socket, input) => deps.media.reportSpeaking(actorOf(socket), input.roomId, input.speaking),
    'board:token': async (socket, input) => board.token(actorOf(socket), input.roomId, input.drafts),
    'board:state': async (socket, input) => board.state(actorOf(socket), input.roomId),
    'board:setPrivateWriting': async (socket, input) => board.setPrivateWriting(actorOf(socket), input),
    'board:reveal': async (socket, input) => board.reveal(actorOf(socket), input),
    'board:startVoting': async (socket, input) => board.startVoting(actorOf(socket), input),
    'board:vote': async (socket, input) => board.vote(actorOf(socket), input),
    'board:unvote': async (socket, input) => board.unvote(actorOf(socket), input),
    'board:endVoting': async (socket, input) => board.endVoting(actorOf(socket), input),
    'board:revealVotes': async (socket, input) => board.revealVotes(actorOf(socket), input),
    'board:preview': async (socket, input) => board.preview(actorOf(socket), input),
    'findings:list': async (socket) => findings.list(actorOf(socket)),
    'findings:propose': async (socket, input) => findings.propose(actorOf(socket), input),
    'findings:fromNotes': async (socket, input) => findings.fromNotes(actorOf(socket), input),
    'findings:fromBoard': async (socket, input) => findings.fromBoard(actorOf(socket), input),
    'findings:boardItems': async (socket, input) => findings.boardItems(actorOf(socket), input),
    'findings:update': async (socket, input) => findings.update(actorOf(socket), input),
    'findings:merge': async (socket, input) => findings.merge(actorOf(socket), input),
    'findings:move': async (socket, input) => findings.move(actorOf(socket), input),
    'findings:delete': async (socket, input) => findings.delete(actorOf(socket), input),
    'stage:get': async (socket) => findings.stage(actorOf(socket)),
    'stage:show': async (socket, input) => findings.show(actorOf(socket), input),
    'stage:step': async (socket, input) => findings.step(actorOf(socket), input),
    'stage:stop': async (socket) => findings.stop(actorOf(socket)),
    'stage:reactions': async (socket, input) => findings.reactions(actorOf(socket), input),
    'stage:agree': async (socket, input) => findings.agree(actorOf(socket), input),
    'speaking:get': async (socket) => speaking.get(actorOf(socket)),
    'speaking:hand': async (socket, input) => speaking.hand(actorOf(socket), input),
    'speaking:callNext': async (socket) => speaking.callNext(actorOf(socket)),
    'speaking:lowerAll': async (socket) => speaking.lowerAll(actorOf(socket)),
    'speaking:start': async (socket, input) => speaking.start(actorOf(socket), input),
    'speaking:control': async (socket, input) => speaking.control(actorOf(socket), input),
    'documentation:get': async (socket) => documentation.get(actorOf(socket)),
    'documentation:update': async (socket, input) => documentation.update(actorOf(socket), input),
    'documentation:publish': async (socket, input) => documentation.publish(actorOf(socket), input),
    'documentation:summaryToken': async (socket) => documentation.summaryToken(actorOf(socket)),
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
    socket.data.joining = false;
    socket.data.address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], deps.limits.trustProxy);
    guardUnsent(socket.conn as unknown as EngineConnection, deps.unsentBytesMax, (state) => {
      deps.log(`socket ${socket.id} closed: its client stopped reading (${state.bytes} bytes, ${state.packets} packets unsent)`);
    });

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
    // socket.io sends an undefined payload as null.
    const payload = (ack && args.length === 1) || args[0] === null ? undefined : args[0];
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
    const actor = socket.data.actor;
    if (actor && BROADCASTING_EVENTS.has(name)) {
      const verdict = broadcasting.take(actor.personId);
      if (!verdict.ok) {
        reply({
          ok: false,
          error: { code: 'rate_limited', message: 'Too many of these at once. Please wait a moment and try again.', retryAfterMs: verdict.retryAfterMs },
        });
        return;
      }
    }
    try {
      const data = await handlers[name](socket, parsed.data as Input<K>);
      reply({ ok: true, data });
    } catch (error) {
      if (error instanceof RateLimitedError) {
        reply({ ok: false, error: { code: 'rate_limited', message: error.message, retryAfterMs: error.retryAfterMs } });
      } else if (error instanceof DomainError) {
        reply({ ok: false, error: error.toProtocol() });
      } else {
        deps.log(`socket event ${name} failed`, error);
        reply({ ok: false, error: { code: 'internal', message: 'Something went wrong on the server; nothing was changed.' } });
      }
    }
  }
}
