import { createHash, randomBytes } from 'node:crypto';
import type { PersonRecord, WorkshopRecord } from '../store/types.js';

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(3).toString('hex')}`;

/** A workshop record as the domain would store it. */
export function workshopRecord(overrides: Partial<WorkshopRecord> = {}): WorkshopRecord {
  const id = overrides.id ?? `w${unique()}`;
  return {
    id,
    title: 'Retro Q3',
    startsAt: '2026-12-01T14:00:00+01:00',
    timeZone: 'Europe/Berlin',
    language: 'de',
    description: 'Looking back.',
    moderatorNames: 'Mia',
    coModeratorNames: 'Cem',
    createdAt: '2026-11-01T09:00:00.000Z',
    linkSecretHashes: {
      moderator: hash(`${id}-moderator`),
      coModerator: hash(`${id}-coModerator`),
      participant: hash(`${id}-participant`),
    },
    ...overrides,
  };
}

/** A person record of `workshopId`. */
export function personRecord(workshopId: string, overrides: Partial<PersonRecord> = {}): PersonRecord {
  const id = overrides.id ?? `p${unique()}`;
  return {
    id,
    workshopId,
    displayName: 'Ann',
    role: 'participant',
    listInDocumentation: false,
    tokenHash: hash(`${id}-token-${unique()}`),
    joinedAt: '2026-12-01T13:55:00.000Z',
    removedAt: null,
    ...overrides,
  };
}
