import { z } from 'zod';
import type { CollabGrant } from './notes.js';
import { safeText } from './text.js';
import { COMPILED_BY_MAX, NEXT_STEPS_MAX, DOCUMENTATION_FORMATS, DOCUMENTATION_SECTIONS, type DocumentationFormat, type DocumentationSection } from '../documentationFormat.js';

export { COMPILED_BY_MAX, NEXT_STEPS_MAX, DOCUMENTATION_FORMATS, DOCUMENTATION_SECTIONS, type DocumentationFormat, type DocumentationSection };

/** A file facilitators uploaded to the workshop for its documentation ("Anlagen"). */
export interface AttachmentView {
  id: string;
  /** The sanitised file name. */
  name: string;
  /** Bytes. */
  size: number;
  contentType: string;
  uploadedAt: string;
}

/** The documentation's settings and publication state, as every joined person may see it. */
export interface DocumentationState {
  /** Whether participants can read and download the documentation through their own link. */
  published: boolean;
  publishedAt: string | null;
  /** Who compiled the documentation ("Erstellt von"), filled in by the facilitators. */
  compiledBy: string;
  /**
   * What happens next ("Wie geht es weiter"), filled in by the facilitators: plain text, blank
   * lines separate paragraphs, lines starting with "- " are list items; empty when not given, and
   * for participants until the documentation is published.
   */
  nextSteps: string;
  /** Sections left out of the documentation (the view's switches; participants get it without them). */
  excluded: DocumentationSection[];
  /** Uploaded files, in upload order. */
  attachments: AttachmentView[];
}

const updateRequest = z
  .object({
    compiledBy: safeText(z.string().trim().max(COMPILED_BY_MAX)).optional(),
    nextSteps: safeText(z.string().trim().max(NEXT_STEPS_MAX), 'multiline').optional(),
    excluded: z.array(z.enum(DOCUMENTATION_SECTIONS)).max(DOCUMENTATION_SECTIONS.length).optional(),
  })
  .refine((v) => v.compiledBy !== undefined || v.nextSteps !== undefined || v.excluded !== undefined, 'Nothing to change.');
const publishRequest = z.object({ published: z.boolean() });
const emptyRequest = z.object({}).optional();

/** Schemas of the documentation events a client sends. */
export const documentationClientEvents = {
  'documentation:get': emptyRequest,
  'documentation:update': updateRequest,
  'documentation:publish': publishRequest,
  'documentation:summaryToken': emptyRequest,
};

/** Documentation events a client sends. */
export interface DocumentationClientEvents {
  /** Anyone joined: the documentation's state (participants see attachments only once it is published). */
  'documentation:get': { request: z.input<typeof emptyRequest>; response: DocumentationState };
  /**
   * Facilitators: the title-block field "compiled by", the "next steps" text (up to 5,000
   * characters, several lines; its own section after the findings) and the sections left out.
   */
  'documentation:update': { request: z.input<typeof updateRequest>; response: DocumentationState };
  /** Facilitators: publish the documentation to the participants, or take it back. */
  'documentation:publish': { request: z.input<typeof publishRequest>; response: DocumentationState };
  /**
   * Facilitators: a short-lived token for the summary, a rich-text Yjs document
   * (`summary:<workshopId>`, TipTap's `default` fragment) on the collaboration server.
   */
  'documentation:summaryToken': { request: z.input<typeof emptyRequest>; response: CollabGrant };
}

/** Documentation events the server sends to everyone in a workshop. */
export interface DocumentationServerEvents {
  /** Settings, publication or attachments changed. */
  'documentation:changed': DocumentationState;
}
