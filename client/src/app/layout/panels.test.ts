import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import { mountPanels, type PanelContext, type SidePanelDefinition } from './panels.js';

const t = ((key: string) => `«${key}»`) as unknown as TFunction;
const context = (patch: Partial<PanelContext> = {}): PanelContext => ({ workshopId: 'w1', facilitator: false, inRoom: false, now: 0, dates: 1, ...patch });

const definitions: SidePanelDefinition[] = [
  { id: 'rooms', label: (tr) => tr('layout.rooms'), show: ({ facilitator, inRoom }) => facilitator && inRoom, render: () => 'rooms' },
  { id: 'agenda', label: (tr) => tr('layout.agenda'), render: ({ workshopId }) => `agenda of ${workshopId}` },
  { id: 'invite', label: (tr) => tr('layout.invite'), show: ({ facilitator }) => facilitator, render: () => 'invite' },
];

describe('side panels of the workshop frame', () => {
  it('mounts the panels that apply, in list order, with their names and content', () => {
    expect(mountPanels(definitions, context(), t)).toEqual([{ id: 'agenda', label: '«layout.agenda»', content: 'agenda of w1' }]);
    expect(mountPanels(definitions, context({ facilitator: true }), t).map((panel) => panel.id)).toEqual(['agenda', 'invite']);
  });

  it('puts the room overview first for a facilitator in a room, so it stays in view', () => {
    expect(mountPanels(definitions, context({ facilitator: true, inRoom: true }), t).map((panel) => panel.id)).toEqual(['rooms', 'agenda', 'invite']);
    expect(mountPanels(definitions, context({ inRoom: true }), t).map((panel) => panel.id)).toEqual(['agenda']);
  });

  it('adds a new panel with one more entry in the list', () => {
    const withLinks = [...definitions, { id: 'links', label: () => 'Links', render: () => 'links' }];
    expect(mountPanels(withLinks, context(), t).at(-1)).toEqual({ id: 'links', label: 'Links', content: 'links' });
  });
});
