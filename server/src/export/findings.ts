import type { BreakoutRound } from '@werkraum/shared/protocol';
import type { AgendaRecord, AgendaStore, BreakoutStore, FindingsStore, StoredFinding } from '../store/types.js';
import type { DocumentationFindings } from './model.js';

/**
 * Findings as the documentation lists them, in the order the facilitators set: each with its
 * heading, a star for priority, and where it came from (round and room). Null when there are none.
 */
export function findingsSection(
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

/** The closing round's findings of the workshop's current date, for the documentation. */
export async function documentationFindings(store: FindingsStore & BreakoutStore & AgendaStore, workshopId: string): Promise<DocumentationFindings | null> {
  const [record, breakouts, agenda] = await Promise.all([store.getFindings(workshopId), store.getBreakouts(workshopId), store.getAgenda(workshopId)]);
  return findingsSection(record?.findings ?? [], breakouts?.rounds ?? [], agenda ?? null);
}
