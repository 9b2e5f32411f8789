import { z } from 'zod';
import { LANGUAGES, type ConnectionState, type Language, type Role } from '../roles.js';
import { LIMITS } from '../limits.js';
import { workshopTemplate } from './template.js';
import { safeText } from './text.js';

/** A display name: trimmed, not empty, no control characters. */
export const displayName = safeText(
  z.string().trim().min(1, 'Please enter a name.').max(LIMITS.displayNameMax, `At most ${LIMITS.displayNameMax} characters.`),
);

/** An organisation a person gives ("LWL-Kulturabteilung"): trimmed, may be empty, no control characters. */
export const organisationName = safeText(z.string().trim().max(LIMITS.organisationMax, `At most ${LIMITS.organisationMax} characters.`));

const secret = z.string().min(16).max(200);
const workshopId = z.string().min(1).max(64);

/** Body of POST /api/workshops (and of the create form in the UI). */
export const createWorkshopRequest = z.object({
  title: safeText(z.string().trim().min(1, 'Please enter a title.').max(LIMITS.titleMax)),
  startsAt: z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date and time, e.g. 2026-12-01T14:00:00+01:00.' }),
  timeZone: z
    .string()
    .max(64)
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'Use an IANA time zone such as Europe/Berlin.')
    .optional(),
  language: z.enum(LANGUAGES),
  description: safeText(z.string().max(LIMITS.descriptionMax), 'multiline').optional().default(''),
  moderatorNames: safeText(z.string().trim().max(LIMITS.moderationNamesMax)).optional().default(''),
  coModeratorNames: safeText(z.string().trim().max(LIMITS.moderationNamesMax)).optional().default(''),
  /** The server's create key, when it requires one (see `createKeyRequired` of GET /api/health). */
  createKey: z.string().max(256).optional(),
  /** Start from a template (GET /api/workshops/:id/template, GET /api/templates/:id): agenda, polls and rounds. */
  template: workshopTemplate.optional(),
});
/** A valid request to create a workshop. */
export type CreateWorkshopRequest = z.output<typeof createWorkshopRequest>;

/** The public facts of a workshop that every joined person sees. */
export interface WorkshopInfo {
  id: string;
  title: string;
  startsAt: string;
  timeZone: string | null;
  language: Language;
  description: string;
  moderatorNames: string;
  coModeratorNames: string;
}

/** A person as everyone in the workshop sees them. */
export interface PersonView {
  id: string;
  displayName: string;
  role: Role;
  connection: ConnectionState;
  listInDocumentation: boolean;
  /** The organisation the person gave ("Stadt Rheine"), or empty; listed only with their name. */
  organisation?: string;
}

/** Who this client is in the workshop, returned by join and resume. */
export interface SessionInfo {
  workshopId: string;
  personId: string;
  role: Role;
  /** Secret that brings this person back after a reload; the browser keeps it. */
  personToken: string;
}

/** Everything a client needs to draw the workshop after joining. */
export interface WorkshopSnapshot {
  session: SessionInfo;
  workshop: WorkshopInfo;
  people: PersonView[];
}

/** What a join link leads to, shown before the person types a name. */
export interface LinkInfo {
  workshopId: string;
  title: string;
  startsAt: string;
  timeZone: string | null;
  language: Language;
  role: Role;
}

const inspectLinkRequest = z.object({ workshopId, linkSecret: secret });
const joinRequest = z.object({
  workshopId,
  linkSecret: secret,
  displayName,
  listInDocumentation: z.boolean().default(false),
  organisation: organisationName.optional(),
});
const resumeRequest = z.object({ workshopId, personToken: secret });

/** Schemas of the session events a client sends. */
export const sessionClientEvents = {
  'session:inspectLink': inspectLinkRequest,
  'session:join': joinRequest,
  'session:resume': resumeRequest,
};

/** Session events a client sends: request and the data of an ok acknowledgement. */
export interface SessionClientEvents {
  /** Look up where a join link leads (title, role) without joining. */
  'session:inspectLink': { request: z.input<typeof inspectLinkRequest>; response: LinkInfo };
  /** Join as a new person through a link and a name. */
  'session:join': { request: z.input<typeof joinRequest>; response: WorkshopSnapshot };
  /** Come back as the person this browser joined as before. */
  'session:resume': { request: z.input<typeof resumeRequest>; response: WorkshopSnapshot };
}

/** Why the server ended a client's session. */
export type SessionEndReason = 'removed';

/** Session events the server sends. */
export interface SessionServerEvents {
  /** The workshop's facts changed (for example its start time after a time-table import). */
  'workshop:updated': WorkshopInfo;
  /** The session is over (for example the person was removed); the client must not reconnect as this person. */
  'session:ended': { reason: SessionEndReason };
}
