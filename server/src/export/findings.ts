import { findingsForDocumentation } from '../domain/findings.js';
import type { BreakoutRound } from '@werkraum/shared/protocol';
import type { AgendaRecord, AgendaStore, BreakoutStore, FindingsStore, StoredFinding } from '../store/types.js';
import type { DocumentationFindings } from './model.js';

/**
 * The closing round's findings as the documentation lists them, in the workshop's order: each
 * finding with its heading, and where it came from (round and room). Priorities come first within
 * the order the facilitators set, marked with a star. Null when no finding was collected.
 */
export async function documentationFindings(store: FindingsStore & BreakoutStore & AgendaStore, workshopId: string): Promise<DocumentationFindings | null> {
  const { findings, rounds } = await findingsForDocumentation(store, workshopId);
  if (findings.length === 0) return null;
  const placeOf = new Map<string, string>();
  for (const round of rounds) {
    for (const room of round.rooms) {
      for (const finding of room.findings) placeOf.set(finding.id, [round.title, room.roomName].filter(Boolean).join(' · '));
    }
  }
  return {
    items: findings.map((finding) => {
      const place = placeOf.get(finding.id) ?? '';
      return {
        title: `${finding.priority ? '★ ' : ''}${finding.heading ? `${finding.heading}: ` : ''}${finding.text}`,
        ...(place ? { details: [place] } : {}),
      };
    }),
  };
}

/** The findings an earlier date of a series kept, listed as on that date (null when there were none). */
export function archivedDocumentationFindings(
  findings: readonly StoredFinding[],
  rounds: readonly BreakoutRound[],
  agenda: AgendaRecord | null,
): DocumentationFindings | null {
  if (findings.length === 0) return null;
  const titleOf = (roundId: string | null) => {
    const round = rounds.find((candidate) => candidate.id === roundId);
    return round ? (agenda?.blocks.find((block) => block.id === round.blockId)?.title ?? '') : '';
  };
  const roomOf = (roundId: string | null, roomId: string | null) =>
    rounds.find((round) => round.id === roundId)?.rooms.find((room) => room.id === roomId)?.name ?? '';
  return {
    items: findings.map((finding) => {
      const place = [titleOf(finding.roundId), roomOf(finding.roundId, finding.roomId)].filter(Boolean).join(' · ');
      return {
        title: `${finding.priority ? '★ ' : ''}${finding.heading ? `${finding.heading}: ` : ''}${finding.text}`,
        ...(place ? { details: [place] } : {}),
      };
    }),
  };
}
