import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppShell } from '../../app/AppShell.js';
import { WorkshopFrame } from '../../app/layout/WorkshopFrame.js';
import { mountPanels } from '../../app/layout/panels.js';
import { ROOMS_REGION_ID, RoomsRegion, workshopSidePanels } from '../../app/layout/workshopPanels.js';
import { FormError } from '../../ui/FormError.js';
import { OpenOnDemand } from '../../ui/OpenOnDemand.js';
import { formatStart } from '../../app/format.js';
import { setLanguage, storedLanguage } from '../../i18n/index.js';
import { loadIdentity } from '../../realtime/identity.js';
import { workshopSession } from '../../realtime/session.js';
import { useAppStore } from '../../store/index.js';
import { useServerNow } from '../../realtime/clock.js';
import { CurrentBlock } from '../agenda/CurrentBlock.js';
import { RunControls } from '../agenda/RunControls.js';
import { useAgendaAction, useIsFacilitator } from '../agenda/useAgenda.js';
import { BreakoutArea } from '../breakouts/BreakoutArea.js';
import { RoomView } from '../breakouts/RoomView.js';
import { useLiveRound, useMyRoom, useRoundAnchors, type LiveRound } from '../breakouts/useBreakouts.js';
import { PollsPanel } from '../polls/PollsPanel.js';
import { NotesPanel } from '../notes/NotesPanel.js';
import { BoardPanel } from '../board/BoardPanel.js';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { FindingsPanel } from '../findings/FindingsPanel.js';
import { RoomFindings } from '../findings/RoomFindings.js';
import { StagePanel } from '../findings/StagePanel.js';
import { SpeakingPanel } from '../speaking/SpeakingPanel.js';
import { ReviewPanel } from '../series/ReviewPanel.js';
import { DocumentationLink } from '../documentation/DocumentationLink.js';
import { ConnectionBadge } from './ConnectionBadge.js';

/** The workshop as a joined person sees it: the frame with clock, stage and side panels. */
export function WorkshopPage({ workshopId }: { workshopId: string }) {
  const { t } = useTranslation();
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
  return <JoinedWorkshop workshopId={workshopId} />;
}

/**
 * The live workshop in its frame. The stage shows what matters now: a person's breakout room while
 * a round has them in one, else the plenary (the moderation's room overview first while a round
 * runs). Facilitators get the run controls under the clock; in a room their overview moves to the
 * side panel, so clock, controls and rooms stay on screen together.
 */
function JoinedWorkshop({ workshopId }: { workshopId: string }) {
  const { t } = useTranslation();
  // Rooms open and close at the block's deadline or the round's end: redraw on their seconds.
  const now = useServerNow(useRoundAnchors());
  const myRoom = useMyRoom(now);
  const live = useLiveRound(now);
  const facilitator = useIsFacilitator();
  const title = useAppStore((state) => state.workshop!.title);
  const dates = useAppStore((state) => state.series?.dates.length ?? 1);
  const panels = mountPanels(workshopSidePanels, { workshopId, facilitator, inRoom: myRoom !== null, now, dates }, t);

  return (
    <WorkshopFrame
      title={title}
      bar={
        <>
          <CurrentBlock />
          {facilitator && live ? <HelpBadge live={live} /> : null}
          {facilitator && live ? <BackToPlenary live={live} /> : null}
        </>
      }
      status={<ConnectionBadge />}
      controls={facilitator ? <RunControls /> : undefined}
      stage={
        myRoom ? (
          <>
            <RoomView live={myRoom} room={myRoom.room} />
            <RoomFindings roundId={myRoom.round.id} roomId={myRoom.room.id} roomLabel={myRoom.room.name} />
          </>
        ) : (
          <Plenary now={now} live={live !== null} />
        )
      }
      panels={panels}
    />
  );
}

/** The plenary stage: the workshop, the rooms, polls, notes and board. */
function Plenary({ now, live }: { now: number; live: boolean }) {
  const { t, i18n } = useTranslation();
  const workshop = useAppStore((state) => state.workshop)!;
  const role = useAppStore((state) => state.session?.role);
  const started = useAppStore((state) => (state.agenda?.run.status ?? 'notStarted') !== 'notStarted');
  const facilitator = useIsFacilitator();
  // The description gives way to the live content once the workshop runs, and on phones.
  const [narrow] = useState(() => window.matchMedia?.('(max-width: 40rem)').matches ?? false);
  const rooms = facilitator ? <RoomsRegion now={now} /> : <BreakoutArea now={now} />;
  // A review block shows the previous date's results to everyone while it runs.
  const reviewRunning = useAppStore((state) => {
    const timer = state.agenda?.run.timer;
    return timer ? state.agenda?.blocks.find((block) => block.id === timer.blockId)?.type === 'review' : false;
  });
  return (
    <>
      <StagePanel />
      {facilitator && live ? rooms : null}
      <section className="card workshop-intro" aria-labelledby="workshop-title">
        <h1 id="workshop-title">{workshop.title}</h1>
        <p className="workshop-date">{formatStart(workshop.startsAt, i18n.language, workshop.timeZone)}</p>
        {workshop.moderatorNames ? <p>{t('workshop.moderation', { names: workshop.moderatorNames })}</p> : null}
        {workshop.coModeratorNames ? <p>{t('workshop.coModeration', { names: workshop.coModeratorNames })}</p> : null}
        {workshop.description ? (
          <details key={started ? 'started' : 'planned'} open={!started && !narrow}>
            <summary>{t('layout.description')}</summary>
            <p className="workshop-description">{workshop.description}</p>
          </details>
        ) : null}
        {role ? <p className="role-note">{t('workshop.yourRole', { role: t(`roles.${role}`) })}</p> : null}
        <DocumentationLink workshopId={workshop.id} />
      </section>
      {facilitator && live ? null : rooms}
      {reviewRunning ? <ReviewPanel /> : null}
      <SpeakingPanel />
      <FindingsPanel />
      <PollsPanel />
      {/* The plenary's notes and board load when someone opens them: the first screen stays light. */}
      <OpenOnDemand id={`${workshop.id}:notes`} heading={t('notes.plenary')} hint={t('notes.openHint')} openLabel={t('notes.open')}>
        <NotesPanel roomId={PLENARY_ROOM} heading={t('notes.plenary')} />
      </OpenOnDemand>
      {facilitator ? (
        // Facilitators run the board (voting, private writing): it is there from the start.
        <BoardPanel roomId={PLENARY_ROOM} heading={t('board.plenary')} />
      ) : (
        <OpenOnDemand id={`${workshop.id}:board`} heading={t('board.plenary')} hint={t('board.openHint')} openLabel={t('board.open')}>
          <BoardPanel roomId={PLENARY_ROOM} heading={t('board.plenary')} />
        </OpenOnDemand>
      )}
    </>
  );
}

/** The count of open help requests in the top bar; it takes the moderation to the room overview. */
function HelpBadge({ live }: { live: LiveRound }) {
  const { t } = useTranslation();
  const count = live.round.helpRequests.filter((request) => request.resolvedAt === null).length;
  if (count === 0) return null;
  return (
    <button
      type="button"
      className="help-badge"
      data-testid="help-badge"
      onClick={() => {
        const region = document.getElementById(ROOMS_REGION_ID);
        region?.scrollIntoView({ block: 'start' });
        region?.focus({ preventScroll: true });
      }}
    >
      {t('layout.helpBadge', { count })}
    </button>
  );
}

/** "Back to the plenary" in the top bar while a facilitator visits a room. */
function BackToPlenary({ live }: { live: LiveRound }) {
  const { t } = useTranslation();
  const personId = useAppStore((state) => state.session?.personId ?? '');
  const { send } = useAgendaAction();
  if (!live.round.visits[personId]) return null;
  return (
    <button type="button" className="primary" onClick={() => void send('breakout:visit', { roundId: live.round.id, roomId: null })}>
      {t('breakouts.backToPlenary')}
    </button>
  );
}
