import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { PLENARY_ROOM } from '@werkraum/shared/rooms';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useAppStore } from '../../store/index.js';
import { useErrorText } from '../../ui/errors.js';

/**
 * Facilitators: the external meeting link (BigBlueButton, Jitsi, Zoom) of the plenary and of each
 * room of rounds not yet closed; everyone sees the link of the room they are in.
 */
export function MeetingLinks() {
  const { t } = useTranslation();
  const rooms = useAppStore(
    useShallow((state) => state.rounds.filter((round) => round.closedAt === null).flatMap((round) => round.rooms.map((room) => room.id + '\u0000' + room.name))),
  );
  return (
    <details className="media-links">
      <summary>{t('media.links')}</summary>
      <p>{t('media.linksHint')}</p>
      <LinkField roomId={PLENARY_ROOM} label={t('media.plenary')} />
      {rooms.map((entry) => {
        const [id, name] = entry.split('\u0000') as [string, string];
        return <LinkField key={id} roomId={id} label={name} />;
      })}
    </details>
  );
}

/** Facilitators: whether participants may use their camera and share their screen (also in running calls). */
export function ParticipantPermissions() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const permissions = useAppStore((state) => state.mediaPermissions);
  const [error, setError] = useState<string | null>(null);
  const change = async (next: typeof permissions) => {
    setError(null);
    try {
      useAppStore.getState().setMediaSettings(await request(workshopSession.socket(), 'media:setPermissions', next));
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <fieldset className="media-permissions">
      <legend>{t('media.permissions')}</legend>
      <label className="checkbox">
        <input type="checkbox" checked={permissions.camera} onChange={(event) => void change({ ...permissions, camera: event.target.checked })} />{' '}
        {t('media.allowCamera')}
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={permissions.screenShare} onChange={(event) => void change({ ...permissions, screenShare: event.target.checked })} />{' '}
        {t('media.allowScreenShare')}
      </label>
      {error ? <p role="alert" className="form-error">{error}</p> : null}
    </fieldset>
  );
}

/** One room's link: type, save (an empty field removes it). */
function LinkField({ roomId, label }: { roomId: string; label: string }) {
  const { t } = useTranslation();
  const id = useId();
  const errorText = useErrorText();
  const saved = useAppStore((state) => state.meetingLinks[roomId] ?? '');
  const [value, setValue] = useState<string | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const save = async () => {
    setMessage(null);
    try {
      const url = (value ?? saved).trim();
      const settings = await request(workshopSession.socket(), 'media:setLink', { roomId, url: url === '' ? null : url });
      useAppStore.getState().setMediaSettings(settings);
      setValue(null);
      setMessage({ error: false, text: t('media.linkSaved') });
    } catch (failure) {
      setMessage({ error: true, text: errorText(failure) });
    }
  };
  return (
    <form
      className="media-link-field"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label htmlFor={id}>{t('media.linkFor', { room: label })}</label>
      <input id={id} type="url" inputMode="url" placeholder="https://" value={value ?? saved} onChange={(event) => setValue(event.target.value)} aria-invalid={message?.error ?? false} />
      <button type="submit">{t('media.saveLink')}</button>
      {message ? (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'form-error' : undefined}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
