/** The plenary's room id; breakout rooms use their own ids. */
export const PLENARY_ROOM = 'plenary';

/** The kinds of shared document every room has. */
export type RoomDocumentKind = 'notes' | 'board';

/** A person's private cards for a room's board while private writing is on: `drafts:<workshopId>:<roomId>:<personId>`. */
export function draftDocName(workshopId: string, roomId: string, personId: string): string {
  return `drafts:${workshopId}:${roomId}:${personId}`;
}

/** Reads a drafts document name back; null for anything else. */
export function parseDraftDocName(name: string): { workshopId: string; roomId: string; personId: string } | null {
  const match = /^drafts:([^:]+):([^:]+):([^:]+)$/.exec(name);
  return match ? { workshopId: match[1]!, roomId: match[2]!, personId: match[3]! } : null;
}

/** The collaboration document of a room: `notes:<workshopId>:<roomId>`. */
export function roomDocName(kind: RoomDocumentKind, workshopId: string, roomId: string): string {
  return `${kind}:${workshopId}:${roomId}`;
}

/** Reads a room document name back; null for anything else. */
export function parseRoomDocName(name: string): { kind: RoomDocumentKind; workshopId: string; roomId: string } | null {
  const match = /^(notes|board):([^:]+):([^:]+)$/.exec(name);
  return match ? { kind: match[1] as RoomDocumentKind, workshopId: match[2]!, roomId: match[3]! } : null;
}
