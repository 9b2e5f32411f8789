import { z } from 'zod';

const roomRequest = z.object({ roomId: z.string().min(1).max(64) });

/** Access to one collaborative document, granted for a short time. */
export interface CollabGrant {
  /** The document's name: the path after `/collab/`. */
  docName: string;
  /** The token the WebSocket presents (y-websocket `params.token`). */
  token: string;
  mode: 'edit' | 'read';
}

/** Schemas of the notes events a client sends. */
export const notesClientEvents = {
  'notes:token': roomRequest,
  'notes:preview': roomRequest,
};

/** Notes events a client sends. */
export interface NotesClientEvents {
  /**
   * A short-lived token for a room's notes: members and the moderation edit, members of a closed
   * round read, everyone else is refused.
   */
  'notes:token': { request: z.input<typeof roomRequest>; response: CollabGrant };
  /** Facilitators: a room's notes rendered as HTML (for the rooms overview). */
  'notes:preview': { request: z.input<typeof roomRequest>; response: { html: string } };
}
