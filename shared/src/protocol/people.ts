import { z } from 'zod';
import { displayName, organisationName } from './session.js';
import type { PersonView } from './session.js';

const personId = z.string().min(1).max(64);

const renameRequest = z.object({ personId, displayName });
const setRoleRequest = z.object({ personId, role: z.enum(['coModerator', 'participant']) });
const removeRequest = z.object({ personId });
const updateSelfRequest = z
  .object({ displayName: displayName.optional(), listInDocumentation: z.boolean().optional(), organisation: organisationName.optional() })
  .refine((v) => v.displayName !== undefined || v.listInDocumentation !== undefined || v.organisation !== undefined, 'Nothing to change.');

/** Schemas of the people events a client sends. */
export const peopleClientEvents = {
  'people:rename': renameRequest,
  'people:setRole': setRoleRequest,
  'people:remove': removeRequest,
  'people:updateSelf': updateSelfRequest,
};

/** People events a client sends. */
export interface PeopleClientEvents {
  /** Moderator: change someone's display name. */
  'people:rename': { request: z.input<typeof renameRequest>; response: PersonView };
  /** Moderator: promote a participant to co-moderator or back. */
  'people:setRole': { request: z.input<typeof setRoleRequest>; response: PersonView };
  /** Moderator: remove someone; their identity cannot rejoin. */
  'people:remove': { request: z.input<typeof removeRequest>; response: { personId: string } };
  /** Anyone: change their own name, organisation, or whether they are listed in the documentation. */
  'people:updateSelf': { request: z.input<typeof updateSelfRequest>; response: PersonView };
}

/** People events the server sends to everyone in a workshop. */
export interface PeopleServerEvents {
  /**
   * People joined or changed (name, role, connection state): the latest view of each. Changes
   * within a short interval come together.
   */
  'people:upserted': { people: PersonView[] };
  /** A person was removed from the workshop. */
  'people:removed': { personId: string };
}
