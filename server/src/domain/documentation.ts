/**
 * The documentation's settings ("compiled by", next steps, sections left out), its publication to the
 * participants, its attachments, and access to the summary (a rich-text Yjs document
 * `summary:<workshopId>` that facilitators write together).
 */
import { randomBytes } from 'node:crypto';
import type { AttachmentView, CollabGrant, DocumentationSection, DocumentationState } from '@werkraum/shared/protocol';
import { isFacilitator, type Role } from '@werkraum/shared/roles';
import { signCollabToken } from '../collab/tokens.js';
import type { AttachmentRecord, DocumentationSettingsRecord, DocumentationStore, WorkshopStore } from '../store/types.js';
import { DomainError } from './errors.js';
import type { Notifier } from './notifier.js';
import type { Actor, PeopleDomain } from './people.js';
import { serialized } from './versioned.js';

/** Largest attachment, bytes (25 MB). */
export const ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;
/** Most bytes of attachments per workshop (200 MB). */
export const WORKSHOP_ATTACHMENTS_MAX_BYTES = 200 * 1024 * 1024;
/** Longest attachment file name, characters. */
export const ATTACHMENT_NAME_MAX = 200;

/** The summary's collaboration document name. */
export function summaryDocName(workshopId: string): string {
  return `summary:${workshopId}`;
}

/** Reads a summary document name back; null for anything else. */
export function parseSummaryDocName(name: string): { workshopId: string } | null {
  const match = /^summary:([^:]+)$/.exec(name);
  return match ? { workshopId: match[1]! } : null;
}

/**
 * A file name safe to store and to send in Content-Disposition: the last path part, without
 * control, direction and reserved characters, at most 200 characters; `file` when nothing is left.
 */
export function sanitizeFileName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = last
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .trim();
  if (!cleaned) return 'file';
  if (cleaned.length <= ATTACHMENT_NAME_MAX) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, ATTACHMENT_NAME_MAX - ext.length) + ext;
}

/** A content type to store: a plain `type/subtype` as sent, else `application/octet-stream`. */
export function safeContentType(raw: string | undefined): string {
  const value = (raw ?? '').trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}$/.test(value) ? value : 'application/octet-stream';
}

/** Dependencies of the documentation domain. */
export interface DocumentationDeps {
  store: WorkshopStore & DocumentationStore;
  people: PeopleDomain;
  notifier: Notifier;
  /** Key of the collaboration tokens. */
  secret: Buffer;
  clock: () => number;
  now: () => Date;
}

const EMPTY: DocumentationSettingsRecord = { publishedAt: null, compiledBy: '', nextSteps: '', excluded: [] };

/** Settings, publication, attachments and the summary's access. */
export class DocumentationDomain {
  constructor(private readonly deps: DocumentationDeps) {}

  /** The stored settings (defaults when none were saved). */
  async settings(workshopId: string): Promise<DocumentationSettingsRecord> {
    return (await this.deps.store.getDocumentationSettings(workshopId)) ?? EMPTY;
  }

  /** The state as a role sees it: participants see attachments and next steps only once published. */
  async state(workshopId: string, role: Role): Promise<DocumentationState> {
    const [settings, attachments] = await Promise.all([this.settings(workshopId), this.deps.store.listAttachments(workshopId)]);
    const published = settings.publishedAt !== null;
    return {
      published,
      publishedAt: settings.publishedAt,
      compiledBy: settings.compiledBy,
      // A draft until published: participants read the next steps in the published documentation only.
      nextSteps: isFacilitator(role) || (published && !settings.excluded.includes('nextSteps')) ? settings.nextSteps : '',
      excluded: [...settings.excluded],
      // Participants get the attachments of the published documentation, unless the section is left out.
      attachments: isFacilitator(role) || (published && !settings.excluded.includes('attachments')) ? attachments.map(attachmentView) : [],
    };
  }

  /** Anyone joined: the documentation's state. */
  async get(actor: Actor): Promise<DocumentationState> {
    const person = await this.deps.people.current(actor);
    return this.state(actor.workshopId, person.role);
  }

  /** Facilitators: "compiled by", the next steps and the sections left out. */
  async update(
    actor: Actor,
    input: { compiledBy?: string | undefined; nextSteps?: string | undefined; excluded?: DocumentationSection[] | undefined },
  ): Promise<DocumentationState> {
    await this.requireFacilitator(actor);
    await this.change(actor.workshopId, (settings) => ({
      ...settings,
      ...(input.compiledBy !== undefined ? { compiledBy: input.compiledBy } : {}),
      // One kind of line break is stored, whatever the browser sent.
      ...(input.nextSteps !== undefined ? { nextSteps: input.nextSteps.replace(/\r\n?/g, '\n') } : {}),
      ...(input.excluded !== undefined ? { excluded: [...new Set(input.excluded)] } : {}),
    }));
    await this.announce(actor.workshopId);
    return this.state(actor.workshopId, 'moderator');
  }

  /** Facilitators: publish to the participants, or take it back. */
  async publish(actor: Actor, input: { published: boolean }): Promise<DocumentationState> {
    await this.requireFacilitator(actor);
    const at = this.deps.now().toISOString();
    await this.change(actor.workshopId, (settings) => ({
      ...settings,
      publishedAt: input.published ? (settings.publishedAt ?? at) : null,
    }));
    await this.announce(actor.workshopId);
    return this.state(actor.workshopId, 'moderator');
  }

  /** Facilitators: a token for the summary document. */
  async summaryToken(actor: Actor): Promise<CollabGrant> {
    const person = await this.requireFacilitator(actor);
    const docName = summaryDocName(actor.workshopId);
    const claims = { doc: docName, mode: 'edit' as const, personId: person.id, workshopId: actor.workshopId };
    return { docName, token: signCollabToken(this.deps.secret, claims, this.deps.clock()), mode: 'edit' };
  }

  /** Stores an uploaded file; 'too_large' when the workshop's files would exceed their limit. */
  async addAttachment(workshopId: string, file: { name: string; contentType: string | undefined; data: Buffer }): Promise<AttachmentView> {
    if (file.data.length === 0) throw new DomainError('invalid_payload', 'The file is empty.', 'file');
    if (file.data.length > ATTACHMENT_MAX_BYTES) throw new DomainError('too_large', 'A file may have at most 25 MB.', 'file');
    const record: AttachmentRecord = {
      id: randomBytes(12).toString('base64url'),
      workshopId,
      name: sanitizeFileName(file.name),
      size: file.data.length,
      contentType: safeContentType(file.contentType),
      uploadedAt: this.deps.now().toISOString(),
    };
    const outcome = await this.deps.store.insertAttachment(record, file.data, WORKSHOP_ATTACHMENTS_MAX_BYTES);
    if (outcome === 'too_large') throw new DomainError('too_large', 'The attachments of a workshop may have at most 200 MB together.', 'file');
    await this.announce(workshopId);
    return attachmentView(record);
  }

  /** Removes an attachment; false when there is none with that id. */
  async removeAttachment(workshopId: string, id: string): Promise<boolean> {
    const removed = await this.deps.store.deleteAttachment(workshopId, id);
    if (removed) await this.announce(workshopId);
    return removed;
  }

  /** Tells everyone in the workshop: facilitators the full state, participants what they may see. */
  async announce(workshopId: string): Promise<void> {
    const [full, forParticipants] = await Promise.all([this.state(workshopId, 'moderator'), this.state(workshopId, 'participant')]);
    this.deps.notifier.toFacilitators(workshopId, 'documentation:changed', full);
    this.deps.notifier.toParticipants(workshopId, 'documentation:changed', forParticipants);
  }

  private async change(workshopId: string, apply: (settings: DocumentationSettingsRecord) => DocumentationSettingsRecord): Promise<void> {
    await serialized(`documentation:${workshopId}`, async () => {
      const next = apply(await this.settings(workshopId));
      await this.deps.store.saveDocumentationSettings(workshopId, next);
    });
  }

  private async requireFacilitator(actor: Actor) {
    const person = await this.deps.people.current(actor);
    if (!isFacilitator(person.role)) throw new DomainError('forbidden', 'Only the moderation can change the documentation.');
    return person;
  }
}

function attachmentView(record: AttachmentRecord): AttachmentView {
  return { id: record.id, name: record.name, size: record.size, contentType: record.contentType, uploadedAt: record.uploadedAt };
}
