import { useEffect, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DisconnectReason, Room, RoomEvent, Track, type Participant } from 'livekit-client';
import { workshopSession } from '../../realtime/session.js';
import { request, RequestError } from '../../realtime/socket.js';
import { useAppStore } from '../../store/index.js';
import { useErrorText } from '../../ui/errors.js';
import { DeviceCheck, type DeviceChoice } from './DeviceCheck.js';
import { callRoomOptions, SpeakingReporter } from './speaking.js';

/** Where the call stands. */
type CallPhase = 'check' | 'connecting' | 'connected' | 'failed';

/**
 * The call of one room, with livekit-client (loaded with this module). Starts with the device
 * check; once joined it connects to the room's LiveKit room with a token from the server and
 * reconnects to the new room whenever `roomId` changes (rooms opened, moved, round over).
 */
export default function CallView({
  roomId,
  roomLabel,
  facilitator,
  onClose,
}: {
  roomId: string;
  roomLabel: string;
  facilitator: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [choice, setChoice] = useState<DeviceChoice | null>(null);
  const [phase, setPhase] = useState<CallPhase>('check');
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [room, setRoom] = useState<Room | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const permissions = useAppStore((state) => state.mediaPermissions);
  const canUseCamera = facilitator || permissions.camera;
  const canShareScreen = facilitator || permissions.screenShare;
  const spotlight = useAppStore((state) => state.spotlights[roomId] ?? null);
  const unmuteRequest = useAppStore((state) => (state.unmuteRequest?.roomId === roomId ? state.unmuteRequest : null));
  // Low bandwidth: hear everyone, receive no video.
  const [audioOnly, setAudioOnly] = useState(false);
  // Any change inside the LiveKit room (people, tracks, speakers) redraws the tiles.
  const [, redraw] = useReducer((count: number) => count + 1, 0);

  useEffect(() => {
    if (!choice) return;
    let cancelled = false;
    const call = new Room(callRoomOptions(choice));
    // The people list shows who speaks: tell the server when one's own speaking starts or stops.
    const reporter = new SpeakingReporter((speaking) => {
      // A report that is refused (left the call meanwhile, too many) changes nothing shown here.
      request(workshopSession.socket(), 'media:speaking', { roomId, speaking }).catch(() => undefined);
    });
    const onSpeakers = () => reporter.update(call.localParticipant.isSpeaking);
    call.on(RoomEvent.ActiveSpeakersChanged, onSpeakers);
    const events = [
      RoomEvent.ParticipantConnected,
      RoomEvent.ParticipantDisconnected,
      RoomEvent.TrackSubscribed,
      RoomEvent.TrackUnsubscribed,
      RoomEvent.TrackMuted,
      RoomEvent.TrackUnmuted,
      RoomEvent.LocalTrackPublished,
      RoomEvent.LocalTrackUnpublished,
      RoomEvent.ActiveSpeakersChanged,
    ] as const;
    for (const event of events) call.on(event, redraw);
    call.on(RoomEvent.Disconnected, (reason) => {
      if (cancelled) return;
      if (reason !== DisconnectReason.PARTICIPANT_REMOVED) return setPhase('failed');
      // Taken out by the server: the person moved (the new room's call follows with the room) or
      // their role changed (a new token carries the new grant). Either way: ask again.
      setPhase('connecting');
      setAttempt((count) => count + 1);
    });
    setPhase('connecting');
    setError(null);
    setRoom(call);
    (async () => {
      const grant = await request(workshopSession.socket(), 'media:token', { roomId });
      if (cancelled) return;
      await call.connect(grant.url, grant.token, { autoSubscribe: true });
      if (cancelled) return;
      setPhase('connected');
      if (choice.microphone) await call.localParticipant.setMicrophoneEnabled(true);
      if (choice.camera && !cancelled && (facilitator || useAppStore.getState().mediaPermissions.camera)) await call.localParticipant.setCameraEnabled(true);
      redraw();
    })().catch((failure: unknown) => {
      if (cancelled) return;
      setPhase('failed');
      // The server's refusals have words of their own; anything else is LiveKit not being reachable.
      setError(failure instanceof RequestError ? errorText(failure) : t('media.failed'));
    });
    return () => {
      cancelled = true;
      for (const event of events) call.off(event, redraw);
      call.off(RoomEvent.ActiveSpeakersChanged, onSpeakers);
      reporter.close();
      void call.disconnect();
    };
  }, [choice, roomId, attempt]);

  // Audio only: no video is received, also from people who join or switch their camera on later.
  useEffect(() => {
    if (!room || phase !== 'connected') return;
    const apply = () => {
      for (const participant of room.remoteParticipants.values()) {
        for (const publication of participant.videoTrackPublications.values()) publication.setSubscribed(!audioOnly);
      }
    };
    apply();
    room.on(RoomEvent.TrackPublished, apply);
    return () => void room.off(RoomEvent.TrackPublished, apply);
  }, [room, phase, audioOnly]);

  // Alt+M and Alt+V switch the microphone and camera while in the call.
  useEffect(() => {
    if (!room || phase !== 'connected') return;
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const key = event.key.toLowerCase();
      if (key === 'm' || event.code === 'KeyM') {
        event.preventDefault();
        void room.localParticipant.setMicrophoneEnabled(!room.localParticipant.isMicrophoneEnabled).then(redraw);
      } else if (canUseCamera && (key === 'v' || event.code === 'KeyV')) {
        event.preventDefault();
        void room.localParticipant.setCameraEnabled(!room.localParticipant.isCameraEnabled).then(redraw);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [room, phase, canUseCamera]);

  if (!choice) return <DeviceCheck onJoin={setChoice} onCancel={onClose} />;

  const local = room?.localParticipant;
  const everyone: Participant[] = room && phase === 'connected' ? [room.localParticipant, ...room.remoteParticipants.values()] : [];
  // Speaker view: the spotlit person and whoever presents their screen come first, across the whole width.
  const featured = (person: Participant) => person.identity === spotlight || presenting(person);
  const people = [...everyone.filter(featured), ...everyone.filter((person) => !featured(person))];
  /** Runs a moderation request; a refusal shows as a notice. */
  const moderate = async (run: () => Promise<unknown>) => {
    setNotice(null);
    try {
      await run();
    } catch (failure) {
      setNotice(errorText(failure));
    }
  };
  const socket = () => workshopSession.socket();
  const askUnmute = (personId: string) => moderate(() => request(socket(), 'media:askUnmute', { roomId, personId }));
  const setSpotlight = (personId: string | null) =>
    moderate(async () => useAppStore.getState().setMediaSettings(await request(socket(), 'media:spotlight', { roomId, personId })));
  const muteOne = async (personId: string) => {
    setNotice(null);
    try {
      await request(workshopSession.socket(), 'media:mute', { roomId, personId });
    } catch (failure) {
      setNotice(errorText(failure));
    }
  };
  const muteAll = async () => {
    setNotice(null);
    try {
      const { muted } = await request(workshopSession.socket(), 'media:mute', { roomId, personId: null });
      setNotice(t('media.mutedAll', { count: muted }));
    } catch (failure) {
      setNotice(errorText(failure));
    }
  };

  return (
    <div className="media-call" data-testid="media-call" data-phase={phase} data-room-id={roomId}>
      {phase === 'connecting' ? <p role="status">{t('media.connecting', { room: roomLabel })}</p> : null}
      {phase === 'connected' ? <p role="status">{t('media.connected', { room: roomLabel })}</p> : null}
      {phase === 'failed' ? (
        <div role="alert" className="form-error" data-testid="media-error">
          <p>{error ?? t('media.failed')}</p>
          <button type="button" onClick={() => setAttempt((count) => count + 1)}>
            {t('media.retry')}
          </button>
        </div>
      ) : null}
      {phase === 'connected' && local ? (
        <div className="media-controls" role="group" aria-label={t('media.heading')}>
          <button
            type="button"
            aria-keyshortcuts="Alt+M"
            onClick={() => void local.setMicrophoneEnabled(!local.isMicrophoneEnabled).then(redraw)}
          >
            {local.isMicrophoneEnabled ? t('media.mute') : t('media.unmute')}
          </button>
          {canUseCamera ? (
            <button
              type="button"
              aria-keyshortcuts="Alt+V"
              onClick={() => void local.setCameraEnabled(!local.isCameraEnabled).then(redraw)}
            >
              {local.isCameraEnabled ? t('media.cameraOff') : t('media.cameraOn')}
            </button>
          ) : null}
          {canShareScreen ? (
            <button
              type="button"
              onClick={() =>
                void local
                  .setScreenShareEnabled(!local.isScreenShareEnabled)
                  .catch(() => setNotice(t('media.shareFailed')))
                  .then(redraw)
              }
            >
              {local.isScreenShareEnabled ? t('media.stopSharing') : t('media.shareScreen')}
            </button>
          ) : null}
          <label className="checkbox">
            <input type="checkbox" checked={audioOnly} onChange={(event) => setAudioOnly(event.target.checked)} /> {t('media.audioOnly')}
          </label>
          {facilitator ? (
            <button type="button" onClick={() => void muteAll()}>
              {t('media.muteAll')}
            </button>
          ) : null}
          <p className="media-shortcuts">{t('media.shortcuts')}</p>
        </div>
      ) : null}
      {notice ? <p role="status">{notice}</p> : null}
      {unmuteRequest && local && !local.isMicrophoneEnabled ? (
        <div role="alert" className="media-unmute-request" data-testid="unmute-request">
          <p>{t('media.unmuteRequest', { name: unmuteRequest.fromName })}</p>
          <button
            type="button"
            className="primary"
            onClick={() => {
              useAppStore.getState().setUnmuteRequest(null);
              void local.setMicrophoneEnabled(true).then(redraw);
            }}
          >
            {t('media.unmute')}
          </button>
          <button type="button" onClick={() => useAppStore.getState().setUnmuteRequest(null)}>
            {t('media.dismiss')}
          </button>
        </div>
      ) : null}
      {people.length > 0 ? (
        <ul className="media-tiles" aria-label={t('media.tiles')}>
          {people.map((person) => (
            <ParticipantTile
              key={person.identity}
              person={person}
              self={person === local}
              spotlit={person.identity === spotlight}
              moderation={
                facilitator && person !== local
                  ? {
                      mute: () => void muteOne(person.identity),
                      askUnmute: () => void askUnmute(person.identity),
                      spotlight: () => void setSpotlight(person.identity === spotlight ? null : person.identity),
                    }
                  : null
              }
            />
          ))}
        </ul>
      ) : null}
      <button type="button" onClick={onClose}>
        {t('media.leave')}
      </button>
    </div>
  );
}

/** Whether a person shares their screen now. */
function presenting(person: Participant): boolean {
  const screen = person.getTrackPublication(Track.Source.ScreenShare);
  return Boolean(screen && !screen.isMuted);
}

/**
 * One person in the call: their screen or camera (or initial), name, whether they speak or are
 * muted, and for the moderation a button to mute them.
 */
function ParticipantTile({
  person,
  self,
  spotlit,
  moderation,
}: {
  person: Participant;
  self: boolean;
  spotlit: boolean;
  moderation: { mute: () => void; askUnmute: () => void; spotlight: () => void } | null;
}) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const screen = person.getTrackPublication(Track.Source.ScreenShare);
  const camera = person.getTrackPublication(Track.Source.Camera);
  const microphone = person.getTrackPublication(Track.Source.Microphone);
  const shown = screen && !screen.isMuted && screen.track ? screen : camera;
  const videoTrack = shown && !shown.isMuted ? shown.track : undefined;
  // One's own voice is never played back.
  const audioTrack = !self ? microphone?.track : undefined;

  useEffect(() => {
    const element = videoRef.current;
    if (!videoTrack || !element) return;
    videoTrack.attach(element);
    return () => void videoTrack.detach(element);
  }, [videoTrack]);
  useEffect(() => {
    const element = audioRef.current;
    if (!audioTrack || !element) return;
    audioTrack.attach(element);
    return () => void audioTrack.detach(element);
  }, [audioTrack]);

  const name = person.name || person.identity;
  const micOff = !microphone || microphone.isMuted;
  const states = [person.isSpeaking ? t('media.speaking') : null, micOff ? t('media.micOff') : null].filter(Boolean).join(', ');
  return (
    <li
      className={`media-tile${person.isSpeaking ? ' speaking' : ''}${presenting(person) || spotlit ? ' presenting' : ''}`}
      data-testid="media-tile"
      data-speaking={person.isSpeaking}
    >
      {videoTrack ? <video ref={videoRef} muted playsInline aria-hidden="true" /> : <span className="media-initial" aria-hidden="true">{name.slice(0, 1).toUpperCase()}</span>}
      {audioTrack ? <audio ref={audioRef} autoPlay /> : null}
      <span className="media-name">
        {self ? t('media.you', { name }) : name}
        {states ? <span className="media-state"> · {states}</span> : null}
      </span>
      {moderation ? (
        <span className="media-tile-actions">
          {micOff ? (
            <button type="button" onClick={moderation.askUnmute}>
              {t('media.askUnmute', { name })}
            </button>
          ) : (
            <button type="button" onClick={moderation.mute}>
              {t('media.muteOne', { name })}
            </button>
          )}
          <button type="button" aria-pressed={spotlit} onClick={moderation.spotlight}>
            {t('media.spotlight', { name })}
          </button>
        </span>
      ) : null}
    </li>
  );
}
