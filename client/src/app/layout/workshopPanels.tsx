import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';
import { loadCreatedWorkshops } from '../../realtime/identity.js';
import { AgendaPanel } from '../../features/agenda/AgendaPanel.js';
import { BreakoutArea } from '../../features/breakouts/BreakoutArea.js';
import { AboutMe } from '../../features/people/AboutMe.js';
import { PeopleList } from '../../features/people/PeopleList.js';
import { InvitePanel } from '../../features/plenary/InvitePanel.js';
import { MediaPanel } from '../../features/media/MediaPanel.js';
import { SeriesPanel } from '../../features/series/SeriesPanel.js';
import type { SidePanelDefinition } from './panels.js';

/** The element id of the room overview region (the help badge moves focus there). */
export const ROOMS_REGION_ID = 'rooms-region';

/** The breakout rooms as a region named "Räume" / "Rooms": the moderation's overview or a participant's choice. */
export function RoomsRegion({ now }: { now: number }): ReactNode {
  const { t } = useTranslation();
  const hasRounds = useAppStore((state) => state.rounds.length > 0);
  if (!hasRounds) return null;
  return (
    <section id={ROOMS_REGION_ID} className="rooms-region" aria-label={t('layout.rooms')} tabIndex={-1}>
      <BreakoutArea now={now} />
    </section>
  );
}

/**
 * The side panel of the workshop page, top to bottom. To add a panel, append an entry: an id, its
 * name in the navigation, when it shows, and what it renders (a feature component that brings its
 * own heading and landmark).
 */
export const workshopSidePanels: SidePanelDefinition[] = [
  {
    id: 'rooms',
    label: (t) => t('layout.rooms'),
    // The stage shows the overview in the plenary; in a room it moves here, so it stays on screen.
    show: ({ facilitator, inRoom }) => facilitator && inRoom,
    render: ({ now }) => <RoomsRegion now={now} />,
  },
  { id: 'media', label: (t) => t('media.heading'), render: () => <MediaPanel /> },
  { id: 'agenda', label: (t) => t('layout.agenda'), render: () => <AgendaPanel withClock={false} /> },
  { id: 'people', label: (t) => t('layout.people'), render: () => <PeopleList /> },
  { id: 'me', label: (t) => t('layout.aboutMe'), render: () => <AboutMe /> },
  {
    id: 'invite',
    label: (t) => t('layout.invite'),
    // The links exist only in the browser that created the workshop.
    show: ({ facilitator, workshopId }) => facilitator && loadCreatedWorkshops().some((workshop) => workshop.id === workshopId),
    render: ({ workshopId }) => <InvitePanel workshopId={workshopId} />,
  },
  {
    id: 'series',
    label: (t) => t('series.heading'),
    // Everyone sees the dates of a series; facilitators also where a single workshop gets its next date.
    show: ({ facilitator, dates }) => facilitator || dates > 1,
    render: () => <SeriesPanel />,
  },
];
