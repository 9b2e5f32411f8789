import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MediaStatus } from '@werkraum/shared/protocol';
import { isFacilitator } from '@werkraum/shared/roles';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { useServerNow } from '../../realtime/clock.js';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useAppStore } from '../../store/index.js';
import { useMyRoom, useRoundAnchors } from '../breakouts/useBreakouts.js';
import { MeetingLinks, ParticipantPermissions } from './MeetingLinks.js';

// livekit-client is large: it loads only when someone opens the call.
const CallView = lazy(() => import('./CallView.js'));

/**
 * Audio and video of the room the person is in: the off-state when the server has no LiveKit,
 * else the room's call, which follows the person when breakout rooms open, when they are moved,
 * and back to the plenary when the round ends.
 */
export function MediaPanel() {
  const { t } = useTranslation();
  const session = useAppStore((state) => state.session);
  const connection = useAppStore((state) => state.connection);
  const [status, setStatus] = useState<MediaStatus | null>(null);
  const [open, setOpen] = useState(false);
  // Rooms open and close at the block's deadline or the round's end: redraw on their seconds.
  const myRoom = useMyRoom(useServerNow(useRoundAnchors()));
  const roomId = myRoom?.room.id ?? PLENARY_ROOM;
  const roomLabel = myRoom?.room.name ?? t('media.plenary');
  const meetingLink = useAppStore((state) => state.meetingLinks[roomId]);
  const facilitator = session ? isFacilitator(session.role) : false;

  useEffect(() => {
    if (!session || status) return;
    let cancelled = false;
    request(workshopSession.socket(), 'media:status', {}).then(
      (answer) => {
        if (cancelled) return;
        setStatus(answer);
        useAppStore.getState().setInCall(answer.inCall);
        useAppStore.getState().setCallSpeakers(answer.speaking);
        useAppStore.getState().setMediaSettings(answer);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [session, status, connection]);

  return (
    <section className="card media-panel" aria-labelledby="media-heading" data-testid="media-panel">
      <h2 id="media-heading">{t('media.heading')}</h2>
      {status === null ? (
        <p role="status">{t('media.loading')}</p>
      ) : !status.enabled ? (
        <p role="status" className="media-off" data-testid="media-off">
          {t('media.off')}
        </p>
      ) : (
        <>
          <p className="media-room" data-testid="media-room" data-room-id={roomId}>
            {t('media.callIn', { room: roomLabel })}
          </p>
          {open ? (
            <Suspense fallback={<p role="status">{t('media.loading')}</p>}>
              <CallView
                roomId={roomId}
                roomLabel={roomLabel}
                facilitator={facilitator}
                onClose={() => setOpen(false)}
              />
            </Suspense>
          ) : (
            <button type="button" className="primary" onClick={() => setOpen(true)}>
              {t('media.join')}
            </button>
          )}
        </>
      )}
      {meetingLink ? (
        <p className="media-link">
          <a href={meetingLink} target="_blank" rel="noopener noreferrer" data-testid="meeting-link">
            {t('media.openLink', { room: roomLabel })}
          </a>
        </p>
      ) : null}
      {status?.enabled && facilitator ? <ParticipantPermissions /> : null}
      {status && facilitator ? <MeetingLinks /> : null}
    </section>
  );
}
