import type { CreateWorkshopRequest, LinkInfo, WorkshopInfo } from '@werkraum/shared/protocol';
import { ROLES, type Role } from '@werkraum/shared/roles';
import type { WorkshopRecord, WorkshopStore } from '../store/types.js';
import { DomainError } from './errors.js';
import { hashSecret, newId, newSecret, sameHash } from './secrets.js';

/** A freshly created workshop with the link secrets, which exist in clear only in this answer. */
export interface CreatedWorkshop {
  workshop: WorkshopRecord;
  secrets: Record<Role, string>;
}

/** Creates a workshop with one new secret per role; only their hashes are stored. */
export async function createWorkshop(
  store: WorkshopStore,
  input: CreateWorkshopRequest,
  now: Date,
): Promise<CreatedWorkshop> {
  const secrets = { moderator: newSecret(), coModerator: newSecret(), participant: newSecret() };
  const workshop: WorkshopRecord = {
    id: newId(),
    title: input.title,
    startsAt: input.startsAt,
    timeZone: input.timeZone ?? null,
    language: input.language,
    description: input.description,
    moderatorNames: input.moderatorNames,
    coModeratorNames: input.coModeratorNames,
    createdAt: now.toISOString(),
    linkSecretHashes: {
      moderator: hashSecret(secrets.moderator),
      coModerator: hashSecret(secrets.coModerator),
      participant: hashSecret(secrets.participant),
    },
  };
  await store.insertWorkshop(workshop);
  return { workshop, secrets };
}

/** Loads a workshop or refuses with `workshop_not_found`. */
export async function requireWorkshop(store: WorkshopStore, workshopId: string): Promise<WorkshopRecord> {
  const workshop = await store.getWorkshop(workshopId);
  if (!workshop) throw new DomainError('workshop_not_found', 'There is no workshop with this id.');
  return workshop;
}

/** The role a link secret (or API key) grants in the workshop, or undefined for a wrong one. */
export function roleOfSecret(workshop: WorkshopRecord, secret: string): Role | undefined {
  const hash = hashSecret(secret);
  return ROLES.find((role) => sameHash(workshop.linkSecretHashes[role], hash));
}

/**
 * The role a join link grants, or `invalid_link`: for a wrong secret and for an unknown workshop
 * alike, so that answers never tell whether a workshop id exists.
 */
export async function resolveLink(
  store: WorkshopStore,
  workshopId: string,
  linkSecret: string,
): Promise<{ workshop: WorkshopRecord; role: Role }> {
  const workshop = await store.getWorkshop(workshopId);
  const role = workshop ? roleOfSecret(workshop, linkSecret) : undefined;
  if (!workshop || !role) throw new DomainError('invalid_link', 'This link is not valid (any more). Ask the moderation for a new one.');
  return { workshop, role };
}

/** What a join link leads to, for the page where a person types their name. */
export async function inspectLink(store: WorkshopStore, workshopId: string, linkSecret: string): Promise<LinkInfo> {
  const { workshop, role } = await resolveLink(store, workshopId, linkSecret);
  return {
    workshopId: workshop.id,
    title: workshop.title,
    startsAt: workshop.startsAt,
    timeZone: workshop.timeZone,
    language: workshop.language,
    role,
  };
}

/** The public facts of a workshop. */
export function workshopInfo(workshop: WorkshopRecord): WorkshopInfo {
  return {
    id: workshop.id,
    title: workshop.title,
    startsAt: workshop.startsAt,
    timeZone: workshop.timeZone,
    language: workshop.language,
    description: workshop.description,
    moderatorNames: workshop.moderatorNames,
    coModeratorNames: workshop.coModeratorNames,
  };
}
