import { DEFAULT_WARNING_THRESHOLDS } from '@werkraum/shared/agendaClock';
import {
  TEMPLATE_FORMAT_VERSION,
  TEMPLATE_KIND,
  type SaveRoundRequest,
  type WorkshopTemplate,
} from '@werkraum/shared/protocol';
import type { AgendaRecord, BreakoutsRecord, PollsRecord, WorkshopRecord, WorkshopStore, AgendaStore, BreakoutStore, PollStore } from '../store/types.js';
import { emptyAgenda } from './agenda.js';
import { saveRound } from './breakouts.js';
import { DomainError } from './errors.js';
import { pollFromInput } from './polls.js';

/** The stored parts of a workshop a template is made of. */
export interface TemplateSource {
  workshop: WorkshopRecord;
  agenda: AgendaRecord | undefined;
  polls: PollsRecord | undefined;
  breakouts: BreakoutsRecord | undefined;
}

/**
 * The template of a workshop: its agenda (with moderation notes), its polls as unopened
 * definitions and its round set-ups. No person, answer, assignment, run or secret goes in.
 */
export function templateOf({ workshop, agenda, polls, breakouts }: TemplateSource): WorkshopTemplate {
  const blocks = agenda?.blocks ?? [];
  const keyOf = new Map(blocks.map((block, index) => [block.id, `b${index + 1}`]));
  return {
    kind: TEMPLATE_KIND,
    formatVersion: TEMPLATE_FORMAT_VERSION,
    name: workshop.title,
    language: workshop.language,
    description: workshop.description,
    agenda: {
      blocks: blocks.map((block) => ({
        key: keyOf.get(block.id) ?? block.id,
        title: block.title,
        type: block.type,
        plannedMinutes: block.plannedMinutes,
        description: block.description,
        moderationNotes: block.moderationNotes,
      })),
      warningThresholds: [...(agenda?.warningThresholds ?? DEFAULT_WARNING_THRESHOLDS)],
    },
    polls: (polls?.polls ?? []).map((poll) => ({
      blockKey: (poll.blockId !== null && keyOf.get(poll.blockId)) || null,
      question: poll.question,
      type: poll.type,
      options: poll.type === 'single' || poll.type === 'multiple' ? poll.options.map((option) => ({ label: option.label })) : [],
      maxChoices: poll.maxChoices,
      scale: poll.scale,
      anonymous: poll.anonymous,
      resultsVisibility: poll.resultsVisibility,
      allowChange: poll.allowChange,
    })),
    rounds: (breakouts?.rounds ?? []).flatMap((round) => {
      const blockKey = keyOf.get(round.blockId);
      if (blockKey === undefined) return [];
      return [
        {
          blockKey,
          rooms: round.rooms.map((room) => ({ name: room.name, task: room.task, hostId: null })),
          assignmentMode: round.assignmentMode,
          roomCap: round.roomCap,
          graceSeconds: round.graceSeconds,
          notesTemplate: round.notesTemplate,
        },
      ];
    }),
  };
}

/** Reads the template of a stored workshop. */
export async function loadTemplate(
  store: WorkshopStore & AgendaStore & PollStore & BreakoutStore,
  workshop: WorkshopRecord,
): Promise<WorkshopTemplate> {
  const [agenda, polls, breakouts] = await Promise.all([
    store.getAgenda(workshop.id),
    store.getPolls(workshop.id),
    store.getBreakouts(workshop.id),
  ]);
  return templateOf({ workshop, agenda, polls, breakouts });
}

/**
 * The agenda, polls and rounds a template gives a new workshop, with fresh ids. Pure: the caller
 * stores them (before anything else happens in the workshop).
 */
export function workshopFromTemplate(
  workshopId: string,
  template: WorkshopTemplate,
  newId: () => string,
): { agenda: AgendaRecord; polls: PollsRecord; breakouts: BreakoutsRecord } {
  const idOf = new Map(template.agenda.blocks.map((block) => [block.key, newId()]));
  const blockId = (key: string): string => {
    const id = idOf.get(key);
    if (id === undefined) throw new DomainError('invalid_payload', 'No block has this key.', 'template');
    return id;
  };
  const agenda: AgendaRecord = {
    ...emptyAgenda(workshopId),
    version: 1,
    blocks: template.agenda.blocks.map((block) => ({
      id: blockId(block.key),
      title: block.title,
      type: block.type,
      plannedMinutes: block.plannedMinutes,
      description: block.description,
      moderationNotes: block.moderationNotes,
    })),
    warningThresholds: [...(template.agenda.warningThresholds ?? DEFAULT_WARNING_THRESHOLDS)],
  };
  const polls: PollsRecord = {
    workshopId,
    version: 1,
    polls: template.polls.map(({ blockKey, ...poll }) =>
      pollFromInput(newId(), { ...poll, blockId: blockKey === null ? null : blockId(blockKey), options: poll.options.map(({ label }) => ({ label })) }),
    ),
  };
  let breakouts: BreakoutsRecord = { workshopId, version: 1, rounds: [] };
  for (const { blockKey, ...round } of template.rounds) {
    const input: SaveRoundRequest = {
      ...round,
      blockId: blockId(blockKey),
      rooms: round.rooms.map((room) => ({ name: room.name, task: room.task, hostId: null })),
    };
    breakouts = saveRound(breakouts, input, newId, newId);
  }
  return { agenda, polls, breakouts };
}

/** Stores what a template gives a freshly created (still empty) workshop. */
export async function applyTemplate(
  store: AgendaStore & PollStore & BreakoutStore,
  workshopId: string,
  template: WorkshopTemplate,
  newId: () => string,
): Promise<void> {
  const { agenda, polls, breakouts } = workshopFromTemplate(workshopId, template, newId);
  const saved = [
    await store.saveAgenda(agenda),
    template.polls.length > 0 ? await store.savePolls(polls) : true,
    template.rounds.length > 0 ? await store.saveBreakouts(breakouts) : true,
  ];
  if (saved.includes(false)) throw new DomainError('invalid_state', 'The workshop changed while its template was applied.');
}
