import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { LANGUAGES } from '../roles.js';
import { agendaBlockInput, warningThreshold } from './agenda.js';
import { saveRoundRequest } from './breakouts.js';
import { checkPoll, pollFields } from './polls.js';
import { safeText } from './text.js';
import { TEMPLATE_FORMAT_VERSION, TEMPLATE_KIND } from '../templateFormat.js';

export { TEMPLATE_FORMAT_VERSION, TEMPLATE_KIND };

/** A name that blocks, polls and rounds use to point at a block inside one template file. */
const blockKey = z.string().trim().min(1, 'Each block needs a key.').max(64);

/**
 * A workshop template: the format of a workshop without its people, answers, runs or secrets.
 * Agenda blocks carry a `key` that polls and breakout rounds name in their `blockKey`.
 */
export const workshopTemplate = z
  .object({
    kind: z.literal(TEMPLATE_KIND, { message: `A template file says "kind": "${TEMPLATE_KIND}".` }),
    formatVersion: z.literal(TEMPLATE_FORMAT_VERSION, {
      message: `This server reads template format version ${TEMPLATE_FORMAT_VERSION}.`,
    }),
    /** The template's own name, shown in the template list. */
    name: safeText(z.string().trim().min(1, 'Please name the template.').max(LIMITS.titleMax)),
    language: z.enum(LANGUAGES),
    /** The workshop description a new workshop starts with. */
    description: safeText(z.string().max(LIMITS.descriptionMax), 'multiline').default(''),
    agenda: z.object({
      blocks: z.array(agendaBlockInput.extend({ key: blockKey })).max(LIMITS.agendaBlocksMax),
      /** The clock's warning points; left out: the server's defaults. */
      warningThresholds: z.array(warningThreshold).max(6).optional(),
    }),
    /** Polls, unopened; `blockKey` attaches one to a block (null: not attached). */
    polls: z
      .array(pollFields.omit({ blockId: true }).extend({ blockKey: blockKey.nullable().default(null) }).superRefine(checkPoll))
      .max(LIMITS.pollsMax)
      .default([]),
    /** Breakout round set-ups; `blockKey` names the breakout block that runs the round. */
    rounds: z
      .array(saveRoundRequest.omit({ blockId: true }).extend({ blockKey }))
      .max(LIMITS.agendaBlocksMax)
      .default([]),
  })
  .superRefine((template, context) => {
    const types = new Map<string, string>();
    template.agenda.blocks.forEach((block, index) => {
      if (types.has(block.key)) {
        context.addIssue({ code: 'custom', path: ['agenda', 'blocks', index, 'key'], message: 'Each block needs its own key.' });
      }
      types.set(block.key, block.type);
    });
    template.polls.forEach((poll, index) => {
      if (poll.blockKey !== null && !types.has(poll.blockKey)) {
        context.addIssue({ code: 'custom', path: ['polls', index, 'blockKey'], message: 'No block has this key.' });
      }
    });
    const used = new Set<string>();
    template.rounds.forEach((round, index) => {
      const type = types.get(round.blockKey);
      if (type === undefined) {
        context.addIssue({ code: 'custom', path: ['rounds', index, 'blockKey'], message: 'No block has this key.' });
      } else if (type !== 'breakout') {
        context.addIssue({ code: 'custom', path: ['rounds', index, 'blockKey'], message: 'A round belongs to a breakout block.' });
      } else if (used.has(round.blockKey)) {
        context.addIssue({ code: 'custom', path: ['rounds', index, 'blockKey'], message: 'A breakout block has one round.' });
      }
      used.add(round.blockKey);
    });
  });

/** A valid workshop template, as read from a file or built from a workshop. */
export type WorkshopTemplate = z.output<typeof workshopTemplate>;
/** A template as written into a file (defaults may be left out). */
export type WorkshopTemplateInput = z.input<typeof workshopTemplate>;

/** One entry of the template list (GET /api/templates). */
export interface TemplateSummary {
  id: string;
  name: string;
  language: (typeof LANGUAGES)[number];
  description: string;
  /** Sum of the blocks' planned minutes. */
  plannedMinutes: number;
  blocks: number;
  polls: number;
  rounds: number;
  /** Shipped with the server (true) or saved into this installation's library (false). */
  builtIn: boolean;
}

/** The summary of a template for lists. */
export function summarizeTemplate(id: string, template: WorkshopTemplate, builtIn: boolean): TemplateSummary {
  return {
    id,
    name: template.name,
    language: template.language,
    description: template.description,
    plannedMinutes: template.agenda.blocks.reduce((sum, block) => sum + block.plannedMinutes, 0),
    blocks: template.agenda.blocks.length,
    polls: template.polls.length,
    rounds: template.rounds.length,
    builtIn,
  };
}

/** Schemas of the template events a client sends. */
export const templateClientEvents = {
  'template:get': z.object({}).optional(),
};

/** Template events a client sends. */
export interface TemplateClientEvents {
  /** Facilitators: the workshop's format as a template file (the same as GET /api/workshops/:id/template). */
  'template:get': { request: Record<string, never> | undefined; response: WorkshopTemplate };
}
