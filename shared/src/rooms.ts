/** The plenary's room id; breakout rooms use their own ids. */
export const PLENARY_ROOM = 'plenary';

/** The kinds of shared document every room has. */
export type RoomDocumentKind = 'notes' | 'board';

/** The collaboration document of a room: `notes:<workshopId>:<roomId>`. */
export function roomDocName(kind: RoomDocumentKind, workshopId: string, roomId: string): string {
  return `${kind}:${workshopId}:${roomId}`;
}

/** Reads a room document name back; null for anything else. */
export function parseRoomDocName(name: string): { kind: RoomDocumentKind; workshopId: string; roomId: string } | null {
  const match = /^(notes|board):([^:]+):([^:]+)$/.exec(name);
  return match ? { kind: match[1] as RoomDocumentKind, workshopId: match[2]!, roomId: match[3]! } : null;
}
