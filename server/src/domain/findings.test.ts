import { describe, expect, it } from 'vitest';
import type { BoardSnapshot } from '@werkraum/shared/board';
import type { BreakoutRound } from '@werkraum/shared/protocol';
import type { StoredFinding } from '../store/types.js';
import { DomainError } from './errors.js';
import { agreeWith, boardExcerpt, countsPerRoom, mergeFindings, moveFinding, stepStage, updateFinding, visibleTo } from './findings.js';

/** A finding proposed in a room of round r1. */
function finding(id: string, roomId = 'north', overrides: Partial<StoredFinding> = {}): StoredFinding {
  return {
    id,
    text: `Erkenntnis ${id}`,
    heading: '',
    priority: false,
    roundId: 'r1',
    roomId,
    sources: [{ kind: 'proposal', roundId: 'r1', roomId, itemId: null, excerpt: `Erkenntnis ${id}` }],
    agreedBy: [],
    createdBy: 'p-ana',
    createdAt: 1_000,
    ...overrides,
  };
}

const ids = (findings: readonly StoredFinding[]) => findings.map((entry) => entry.id);

function refusedCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('merging findings', () => {
  it('keeps every source of the merged findings, in order, and counts each agreeing person once', () => {
    const cardSource = { kind: 'card' as const, roundId: 'r1', roomId: 'south', itemId: 'card-7', excerpt: 'Mehr Zeit für Austausch' };
    const list = [
      finding('a', 'north', { agreedBy: ['p1'] }),
      finding('b'),
      finding('c', 'south', { sources: [cardSource], agreedBy: ['p1', 'p2'] }),
    ];
    const merged = mergeFindings(list, 'a', ['c']);
    expect(ids(merged)).toEqual(['a', 'b']);
    const kept = merged[0]!;
    expect(kept.text).toBe('Erkenntnis a');
    expect(kept.sources).toEqual([list[0]!.sources[0], cardSource]);
    expect(kept.agreedBy.sort()).toEqual(['p1', 'p2']);
    // Two rooms: it now belongs to the round, not to one room.
    expect(kept.roomId).toBeNull();
    // Merging a merged finding again still keeps all three sources.
    const again = mergeFindings(merged, 'b', ['a']);
    expect(again[0]!.sources.map((source) => source.kind)).toEqual(['proposal', 'proposal', 'card']);
  });

  it('takes a finding named many times once, so sources move over and never multiply', () => {
    const list = [finding('a'), finding('b'), finding('c')];
    const merged = mergeFindings(list, 'a', Array.from({ length: 500 }, () => 'b'));
    expect(merged[0]!.sources).toHaveLength(2);
    const twice = mergeFindings(merged, 'c', Array.from({ length: 500 }, () => 'a'));
    expect(twice.map((entry) => [entry.id, entry.sources.length])).toEqual([['c', 3]]);
  });

  it('refuses merging a finding into itself or an unknown one', () => {
    expect(refusedCode(() => mergeFindings([finding('a')], 'a', ['a']))).toBe('invalid_payload');
    expect(refusedCode(() => mergeFindings([finding('a')], 'a', ['zz']))).toBe('invalid_payload');
  });
});

describe('ordering findings', () => {
  const list = ['a', 'b', 'c', 'd', 'e'].map((id) => finding(id));

  it('moves in front of a named finding or to the end', () => {
    expect(ids(moveFinding(list, 'd', 'a'))).toEqual(['d', 'a', 'b', 'c', 'e']);
    expect(ids(moveFinding(list, 'a', null))).toEqual(['b', 'c', 'd', 'e', 'a']);
    expect(ids(moveFinding(list, 'b', 'b'))).toEqual(ids(list));
  });

  it('applies two facilitators’ moves made on the same list both, in either order of arrival', () => {
    // Both screens show a..e. Cem moves e in front of b, Mia moves a behind c (in front of d).
    const cem = (findings: StoredFinding[]) => moveFinding(findings, 'e', 'b');
    const mia = (findings: StoredFinding[]) => moveFinding(findings, 'a', 'd');
    const oneWay = ids(mia(cem(list)));
    const otherWay = ids(cem(mia(list)));
    expect(oneWay).toEqual(['e', 'b', 'c', 'a', 'd']);
    expect(otherWay).toEqual(oneWay);
    // Each move keeps what it meant: e right in front of b, a right in front of d; nothing lost or doubled.
    expect(oneWay.indexOf('e') + 1).toBe(oneWay.indexOf('b'));
    expect(oneWay.indexOf('a') + 1).toBe(oneWay.indexOf('d'));
  });

  it('keeps edits of two facilitators to different fields of one finding', () => {
    let findings = [finding('a')];
    findings = updateFinding(findings, { findingId: 'a', text: 'Neue Formulierung' });
    findings = updateFinding(findings, { findingId: 'a', heading: 'Zusammenarbeit', priority: true });
    expect(findings[0]).toMatchObject({ text: 'Neue Formulierung', heading: 'Zusammenarbeit', priority: true });
  });
});

describe('agreement and visibility', () => {
  it('counts one agreement per person and lets it be taken back', () => {
    let findings = [finding('a')];
    findings = agreeWith(findings, 'a', 'p1', true);
    findings = agreeWith(findings, 'a', 'p1', true);
    findings = agreeWith(findings, 'a', 'p2', true);
    expect(findings[0]!.agreedBy).toEqual(['p1', 'p2']);
    findings = agreeWith(findings, 'a', 'p1', false);
    expect(findings[0]!.agreedBy).toEqual(['p2']);
  });

  const round: BreakoutRound = {
    id: 'r1',
    blockId: 'b1',
    rooms: [
      { id: 'north', name: 'Nord', task: '', hostId: null, closedAt: null },
      { id: 'south', name: 'Süd', task: '', hostId: null, closedAt: null },
    ],
    assignmentMode: 'manual',
    roomCap: null,
    graceSeconds: 60,
    notesTemplate: '',
    assignments: { ana: 'north', ben: 'south' },
    visits: {},
    openedAt: 1,
    endedAt: null,
    closedAt: null,
    broadcasts: [],
    helpRequests: [],
  };

  it('shows a participant only the findings of the room they sat in', () => {
    expect(visibleTo(finding('a', 'north'), 'ana', [round])).toBe(true);
    expect(visibleTo(finding('a', 'north'), 'ben', [round])).toBe(false);
  });

  it('counts proposals per room for the overview', () => {
    const counts = countsPerRoom([finding('a', 'north'), finding('b', 'north'), finding('c', 'south', { sources: [] })], [round]);
    expect(counts).toEqual([
      { roundId: 'r1', roomId: 'north', proposals: 2, findings: 2 },
      { roundId: 'r1', roomId: 'south', proposals: 0, findings: 0 },
    ]);
  });
});

describe('board sources and stepping', () => {
  const card = (id: string, text: string, clusterId: string | null) =>
    ({ kind: 'card', id, text, clusterId, color: 'yellow', x: 0, y: 0, w: 10, h: 10, authorId: 'x', authorName: 'X', order: id, locked: false, createdAt: 0 }) as const;
  const snapshot = {
    items: [
      { kind: 'cluster', id: 'k1', title: 'Kommunikation', x: 0, y: 0, w: 100, h: 100, order: 'a', locked: false },
      card('c1', 'Kurze Wege', 'k1'),
      card('c2', 'Offene Türen', 'k1'),
      card('c3', 'Allein', null),
    ],
  } as unknown as BoardSnapshot;

  it('takes a cluster with the words of its cards and a single card', () => {
    expect(boardExcerpt(snapshot, 'k1')).toEqual({ kind: 'cluster', title: 'Kommunikation', excerpt: 'Kommunikation\n- Kurze Wege\n- Offene Türen' });
    expect(boardExcerpt(snapshot, 'c3')).toEqual({ kind: 'card', title: 'Allein', excerpt: 'Allein' });
    expect(refusedCode(() => boardExcerpt(snapshot, 'nope'))).toBe('invalid_payload');
  });

  it('steps one finding at a time within the list', () => {
    const stage = { kind: 'finding' as const, roundId: null, index: 0, since: 0, reactions: false };
    const second = stepStage(stage, 'next', 3, 10);
    expect(second.kind === 'finding' && second.index).toBe(1);
    expect(stepStage(stage, 'back', 3, 10)).toBe(stage);
    const last = stepStage(stepStage(second, 'next', 3, 20), 'next', 3, 30);
    expect(last.kind === 'finding' && last.index).toBe(2);
  });
});
