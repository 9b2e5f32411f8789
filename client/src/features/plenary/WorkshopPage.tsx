import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { isFacilitator } from '@werkraum/shared/roles';
import { AppShell } from '../../app/AppShell.js';
import { FormError } from '../../ui/FormError.js';
import { formatStart } from '../../app/format.js';
import { setLanguage, storedLanguage } from '../../i18n/index.js';
import { loadIdentity } from '../../realtime/identity.js';
import { workshopSession } from '../../realtime/session.js';
import { useAppStore } from '../../store/index.js';
import { useServerNow } from '../../realtime/clock.js';
import { AgendaPanel } from '../agenda/AgendaPanel.js';
import { BreakoutArea } from '../breakouts/BreakoutArea.js';
import { RoomView } from '../breakouts/RoomView.js';
import { useMyRoom, useRoundAnchors } from '../breakouts/useBreakouts.js';
import { PollsPanel } from '../polls/PollsPanel.js';
import { NotesPanel } from '../notes/NotesPanel.js';
import { BoardPanel } from '../board/BoardPanel.js';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { DocumentationLink } from '../documentation/DocumentationLink.js';
import { AboutMe } from '../people/AboutMe.js';
import { PeopleList } from '../people/PeopleList.js';
import { ConnectionBadge } from './ConnectionBadge.js';
import { InvitePanel } from './InvitePanel.js';

/** The workshop as a joined person sees it: the plenary with the workshop, people and own settings. */
export function WorkshopPage({ workshopId }: { workshopId: string }) {
  const { t, i18n } = useTranslation();
  const session = useAppStore((state) => state.session);
  const workshop = useAppStore((state) => state.workshop);
  const problem = useAppStore((state) => state.problem);
  const hasIdentity = loadIdentity(workshopId) !== null;

  useEffect(() => {
    workshopSession.open(workshopId);
  }, [workshopId]);

  useEffect(() => {
    if (workshop && !storedLanguage()) setLanguage(workshop.language, false);
  }, [workshop]);

  if (problem) {
    return (
      <AppShell>
        <h1>{workshop?.title ?? t('app.name')}</h1>
        <FormError message={t(`errors.${problem.code}` as 'errors.internal', { defaultValue: t('errors.internal') })} />
        {problem.code === 'protocol_mismatch' ? (
          <button type="button" className="primary" onClick={() => location.reload()}>
            {t('errors.reload')}
          </button>
        ) : null}
      </AppShell>
    );
  }
  if (!session || session.workshopId !== workshopId || !workshop) {
    return (
      <AppShell headerExtra={<ConnectionBadge />}>
        <p role="status">{hasIdentity ? t('workshop.loading') : t('workshop.notJoined')}</p>
      </AppShell>
    );
  }

  return (
    <AppShell headerExtra={<ConnectionBadge />}>
      <div className="workshop-layout">
        <WorkshopMain />
        <aside className="workshop-side" aria-label={t('workshop.sidebar')}>
          <PeopleList />
          <AboutMe />
          {isFacilitator(session.role) ? <InvitePanel workshopId={workshopId} /> : null}
        </aside>
      </div>
    </AppShell>
  );
}

/**
 * The main column: a person's breakout room while a round has them in one, else the plenary with
 * the workshop, the breakout overview for the moderation, and the agenda.
 */
function WorkshopMain() {
  const { t, i18n } = useTranslation();
  // Rooms open and close at the block's deadline or the round's end: redraw on their seconds.
  const now = useServerNow(useRoundAnchors());
  const myRoom = useMyRoom(now);
  const workshop = useAppStore((state) => state.workshop)!;
  const role = useAppStore((state) => state.session?.role);
  if (myRoom) {
    return (
      <div className="workshop-main">
        <RoomView live={myRoom} room={myRoom.room} />
      </div>
    );
  }
  return (
    <div className="workshop-main">
      <section className="card workshop-intro" aria-labelledby="workshop-title">
        <h1 id="workshop-title">{workshop.title}</h1>
        <p className="workshop-date">{formatStart(workshop.startsAt, i18n.language, workshop.timeZone)}</p>
        {workshop.moderatorNames ? <p>{t('workshop.moderation', { names: workshop.moderatorNames })}</p> : null}
        {workshop.coModeratorNames ? <p>{t('workshop.coModeration', { names: workshop.coModeratorNames })}</p> : null}
        {workshop.description ? <p className="workshop-description">{workshop.description}</p> : null}
        {role ? <p className="role-note">{t('workshop.yourRole', { role: t(`roles.${role}`) })}</p> : null}
        <DocumentationLink workshopId={workshop.id} />
      </section>
      <BreakoutArea now={now} />
      <PollsPanel />
      <AgendaPanel />
      <NotesPanel roomId={PLENARY_ROOM} heading={t('notes.plenary')} />
      <BoardPanel roomId={PLENARY_ROOM} heading={t('board.plenary')} />
    </div>
  );
}
