import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';

/**
 * A panel mounted in a region of the workshop frame. The frame lists every panel in its
 * navigation (the side panel's jump list on wide screens, the bottom bar on phones) and moves
 * focus to the panel when it is chosen there.
 */
export interface FramePanel {
  /** Stable id, used for the element id (`panel-<id>`) and in tests. */
  id: string;
  /** The short name in the navigation. */
  label: string;
  content: ReactNode;
}

/** What a side panel may depend on when the frame decides whether and how to show it. */
export interface PanelContext {
  workshopId: string;
  facilitator: boolean;
  /** The person is in a breakout room now (as member, host or visiting facilitator). */
  inRoom: boolean;
  /** Server time of the current render, for panels that follow rounds or the clock. */
  now: number;
  /** How many dates the workshop has (a series has more than one). */
  dates: number;
}

/**
 * One entry of the side panel: a feature adds its panel by appending such an entry to the list
 * the workshop page passes to the frame (see `workshopSidePanels`).
 */
export interface SidePanelDefinition {
  id: string;
  label: (t: TFunction) => string;
  /** Whether the panel is shown for this person now (default: always). */
  show?: (context: PanelContext) => boolean;
  render: (context: PanelContext) => ReactNode;
}

/** The side panels that apply now, in list order, ready for the frame. */
export function mountPanels(definitions: readonly SidePanelDefinition[], context: PanelContext, t: TFunction): FramePanel[] {
  return definitions
    .filter((definition) => definition.show?.(context) ?? true)
    .map((definition) => ({ id: definition.id, label: definition.label(t), content: definition.render(context) }));
}
