import type { Role } from '@werkraum/shared/roles';
import type { PersonPatch, PersonRecord, WorkshopStore } from '../types.js';
import type { Db } from './db.js';
import { toWorkshop, type WorkshopRow } from '../rows.js';


interface PersonRow {
  id: string;
  workshop_id: string;
  display_name: string;
  role: string;
  list_in_documentation: boolean;
  token_hash: string;
  joined_at: string;
  removed_at: string | null;
  organisation: string;
}


function toPerson(row: PersonRow): PersonRecord {
  return {
    id: row.id,
    workshopId: row.workshop_id,
    displayName: row.display_name,
    role: row.role as Role,
    listInDocumentation: row.list_in_documentation,
    tokenHash: row.token_hash,
    joinedAt: row.joined_at,
    removedAt: row.removed_at,
    ...(row.organisation ? { organisation: row.organisation } : {}),
  };
}

const PERSON_COLUMNS = 'id, workshop_id, display_name, role, list_in_documentation, token_hash, joined_at, removed_at, organisation';

/** Workshops and people. */
export function postgresWorkshopStore(db: Db): WorkshopStore {
  const getPerson = async (workshopId: string, personId: string) => {
    const { rows } = await db.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM people WHERE workshop_id = $1 AND id = $2`, [workshopId, personId]);
    return rows[0] ? toPerson(rows[0]) : undefined;
  };
  return {
    async insertWorkshop(w) {
      await db.query(
        `INSERT INTO workshops (id, title, starts_at, time_zone, language, description, moderator_names,
           co_moderator_names, created_at, moderator_secret_hash, co_moderator_secret_hash, participant_secret_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          w.id, w.title, w.startsAt, w.timeZone, w.language, w.description, w.moderatorNames, w.coModeratorNames,
          w.createdAt, w.linkSecretHashes.moderator, w.linkSecretHashes.coModerator, w.linkSecretHashes.participant,
        ],
      );
    },
    async getWorkshop(id) {
      const { rows } = await db.query<WorkshopRow>('SELECT * FROM workshops WHERE id = $1', [id]);
      return rows[0] ? toWorkshop(rows[0]) : undefined;
    },
    async insertPerson(p) {
      await db.query(
        `INSERT INTO people (id, workshop_id, display_name, role, list_in_documentation, token_hash, joined_at, removed_at, organisation)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [p.id, p.workshopId, p.displayName, p.role, p.listInDocumentation, p.tokenHash, p.joinedAt, p.removedAt, p.organisation ?? ''],
      );
    },
    getPerson,
    async findPersonByTokenHash(workshopId, tokenHash) {
      const { rows } = await db.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM people WHERE workshop_id = $1 AND token_hash = $2`, [
        workshopId,
        tokenHash,
      ]);
      return rows[0] ? toPerson(rows[0]) : undefined;
    },
    async listPeople(workshopId) {
      const { rows } = await db.query<PersonRow>(
        `SELECT ${PERSON_COLUMNS} FROM people WHERE workshop_id = $1 AND removed_at IS NULL ORDER BY seq`,
        [workshopId],
      );
      return rows.map(toPerson);
    },
    async updatePerson(workshopId, personId, patch: PersonPatch) {
      const columns: Record<keyof PersonPatch, string> = {
        displayName: 'display_name',
        role: 'role',
        listInDocumentation: 'list_in_documentation',
        removedAt: 'removed_at',
        organisation: 'organisation',
      };
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const key of Object.keys(columns) as (keyof PersonPatch)[]) {
        if (patch[key] === undefined) continue;
        values.push(patch[key]);
        sets.push(`${columns[key]} = $${values.length}`);
      }
      if (sets.length === 0) return getPerson(workshopId, personId);
      const { rows } = await db.query<PersonRow>(
        `UPDATE people SET ${sets.join(', ')} WHERE workshop_id = $${values.length + 1} AND id = $${values.length + 2}
         RETURNING ${PERSON_COLUMNS}`,
        [...values, workshopId, personId],
      );
      return rows[0] ? toPerson(rows[0]) : undefined;
    },
    async updateWorkshopStart(workshopId, startsAt) {
      await db.query('UPDATE workshops SET starts_at = $1 WHERE id = $2', [startsAt, workshopId]);
    },
  };
}
