/**
 * The whole socket protocol in one place: each domain owns its event map, and the lines below
 * combine them. Clients import only types from here (plus the zod-free version module), so zod
 * stays out of the browser bundle.
 */
import type { Ack } from '../errors.js';
import { agendaClientEvents, type AgendaClientEvents, type AgendaServerEvents } from './agenda.js';
import { breakoutClientEvents, type BreakoutClientEvents, type BreakoutServerEvents } from './breakouts.js';
import { pollClientEvents, type PollClientEvents, type PollServerEvents } from './polls.js';
import { boardClientEvents, type BoardClientEvents, type BoardServerEvents } from './board.js';
import { notesClientEvents, type NotesClientEvents } from './notes.js';
import { mediaClientEvents, type MediaClientEvents, type MediaServerEvents } from './media.js';
import { documentationClientEvents, type DocumentationClientEvents, type DocumentationServerEvents } from './documentation.js';
import { peopleClientEvents, type PeopleClientEvents, type PeopleServerEvents } from './people.js';
import { seriesClientEvents, type SeriesClientEvents, type SeriesServerEvents } from './series.js';
import { templateClientEvents, type TemplateClientEvents } from './template.js';
import { findingsClientEvents, type FindingsClientEvents, type FindingsServerEvents } from './findings.js';
import { stageClientEvents, type StageClientEvents, type StageServerEvents } from './stage.js';
import { speakingClientEvents, type SpeakingClientEvents, type SpeakingServerEvents } from './speaking.js';
import { sessionClientEvents, type SessionClientEvents, type SessionServerEvents } from './session.js';

export { PROTOCOL_VERSION } from './version.js';
export * from './session.js';
export * from './people.js';
export * from './agenda.js';
export * from './breakouts.js';
export * from './polls.js';
export * from './notes.js';
export * from './media.js';
export * from './board.js';
export * from './documentation.js';
export * from './text.js';
export * from './template.js';
export * from './series.js';
export * from './findings.js';
export * from './stage.js';
export * from './speaking.js';

/** Every event a client may send, with the zod schema of its payload. */
export const clientEventSchemas = {
  ...sessionClientEvents,
  ...peopleClientEvents,
  ...agendaClientEvents,
  ...breakoutClientEvents,
  ...pollClientEvents,
  ...notesClientEvents,
  ...mediaClientEvents,
  ...boardClientEvents,
  ...documentationClientEvents,
  ...templateClientEvents,
  ...seriesClientEvents,
  ...findingsClientEvents,
  ...stageClientEvents,
  ...speakingClientEvents,
};

/** Request and response types of every client event. */
export type ClientEvents = SessionClientEvents &
  PeopleClientEvents &
  AgendaClientEvents &
  BreakoutClientEvents &
  PollClientEvents &
  NotesClientEvents &
  BoardClientEvents &
  DocumentationClientEvents &
  TemplateClientEvents &
  SeriesClientEvents &
  FindingsClientEvents &
  StageClientEvents &
  SpeakingClientEvents &
  MediaClientEvents;

/** Payload types of every event the server sends. */
export type ServerEvents = SessionServerEvents &
  PeopleServerEvents &
  AgendaServerEvents &
  BreakoutServerEvents &
  PollServerEvents &
  BoardServerEvents &
  DocumentationServerEvents &
  SeriesServerEvents &
  FindingsServerEvents &
  StageServerEvents &
  SpeakingServerEvents &
  MediaServerEvents;


/** Name of a client event. */
export type ClientEventName = keyof ClientEvents;

/** socket.io typing of what clients send: one payload and an acknowledgement callback. */
export type ClientToServer = {
  [K in ClientEventName]: (payload: ClientEvents[K]['request'], ack: (result: Ack<ClientEvents[K]['response']>) => void) => void;
};

/** socket.io typing of what the server sends. */
export type ServerToClient = { [K in keyof ServerEvents]: (payload: ServerEvents[K]) => void };

/** What the client sends in the socket.io handshake (`auth`). */
export interface HandshakeAuth {
  protocolVersion: number;
}

// Compile-time guarantee that every typed event has a schema and vice versa.
type SchemaNames = keyof typeof clientEventSchemas;
const _everyEventHasSchema: [SchemaNames] extends [ClientEventName] ? ([ClientEventName] extends [SchemaNames] ? true : never) : never = true;
void _everyEventHasSchema;
