import { findingsForDocumentation } from '../domain/findings.js';
import type { AgendaStore, BreakoutStore, FindingsStore } from '../store/types.js';
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
