import type { Language } from '@werkraum/shared/roles';
import type { AttachmentRecord, WorkshopRecord } from './types.js';

/* Rows as both stores read them (the same columns in SQLite and PostgreSQL). */

/** A row of the workshops table. */
export interface WorkshopRow {
  id: string;
  title: string;
  starts_at: string;
  time_zone: string | null;
  language: string;
  description: string;
  moderator_names: string;
  co_moderator_names: string;
  created_at: string;
  moderator_secret_hash: string;
  co_moderator_secret_hash: string;
  participant_secret_hash: string;
}

/** A stored workshop from its row. */
export function toWorkshop(row: WorkshopRow): WorkshopRecord {
  return {
    id: row.id,
    title: row.title,
    startsAt: row.starts_at,
    timeZone: row.time_zone,
    language: row.language as Language,
    description: row.description,
    moderatorNames: row.moderator_names,
    coModeratorNames: row.co_moderator_names,
    createdAt: row.created_at,
    linkSecretHashes: {
      moderator: row.moderator_secret_hash,
      coModerator: row.co_moderator_secret_hash,
      participant: row.participant_secret_hash,
    },
  };
}

/** A row of the attachments table, without its bytes. */
export interface AttachmentRow {
  id: string;
  workshop_id: string;
  name: string;
  content_type: string;
  size: number;
  uploaded_at: string;
}

/** An attachment's facts from its row (PostgreSQL may return sizes as strings). */
export function toAttachment(row: AttachmentRow): AttachmentRecord {
  return { id: row.id, workshopId: row.workshop_id, name: row.name, size: Number(row.size), contentType: row.content_type, uploadedAt: row.uploaded_at };
}
