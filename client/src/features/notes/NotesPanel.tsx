import { lazy, Suspense, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { COLLAB_CLOSE } from '@werkraum/shared/closeCodes';
import type { CollabHandle } from '../../realtime/collab.js';
import { useAppStore } from '../../store/index.js';
import { useErrorText } from '../../ui/errors.js';
import { FormError } from '../../ui/FormError.js';

// The editor (TipTap, ProseMirror, Yjs) is the largest part of the client: load it when notes open.
const NotesEditor = lazy(() => import('./NotesEditor.js'));
const loadCollab = () => import('../../realtime/collab.js');

/** Whether the notes are connected and saved, in words (and for screen readers, politely). */
function NotesStatus({ handle }: { handle: CollabHandle }) {
  const { t } = useTranslation();
  const state = useSyncExternalStore(handle.subscribe, handle.state);
  const text =
    state.status === 'noAccess'
      ? t('notes.noAccess')
      : state.status === 'refused'
        ? state.refusedCode === COLLAB_CLOSE.rateLimited
          ? t('notes.rateLimited')
          : t('notes.refused')
      : state.status === 'connected' && state.synced
        ? t('notes.saved')
        : state.status === 'offline'
          ? t('notes.offline')
          : t('notes.connecting');
  return (
    <p role="status" className="notes-status" data-testid="notes-status" data-status={state.status} data-mode={state.mode}>
      {text}
      {state.mode === 'read' ? ` · ${t('notes.readOnly')}` : ''}
    </p>
  );
}

/** Shows its children unless the server refused access (then not even the copy kept in this browser). */
function UnlessRefused({ handle, children }: { handle: CollabHandle; children: ReactNode }) {
  const state = useSyncExternalStore(handle.subscribe, handle.state);
  return state.status === 'noAccess' ? null : children;
}

/** The shared notes of a room (the plenary or a breakout room). */
export function NotesPanel({ roomId, heading }: { roomId: string; heading: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const session = useAppStore((state) => state.session);
  const workshopId = session?.workshopId;
  const name = useAppStore((state) => (state.session ? state.peopleById[state.session.personId]?.displayName : undefined));
  const [handle, setHandle] = useState<CollabHandle | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!workshopId) return;
    let current: CollabHandle | null = null;
    let cancelled = false;
    setHandle(null);
    setError(null);
    loadCollab().then(
      ({ openRoomDocument }) => {
        if (cancelled) return;
        current = openRoomDocument(workshopId, roomId);
        setHandle(current);
      },
      (failure: unknown) => !cancelled && setError(errorText(failure)),
    );
    return () => {
      cancelled = true;
      current?.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workshopId, roomId, session?.personId]);

  return (
    <section className="card notes-panel" aria-labelledby={`notes-${roomId}`} data-room-id={roomId}>
      <h2 id={`notes-${roomId}`}>{heading}</h2>
      <FormError message={error} />
      {handle && session ? (
        <>
          <NotesStatus handle={handle} />
          <Suspense fallback={<p role="status">{t('notes.connecting')}</p>}>
            <UnlessRefused handle={handle}>
              <NotesEditor handle={handle} label={heading} user={{ personId: session.personId, name: name ?? '' }} />
            </UnlessRefused>
          </Suspense>
        </>
      ) : !error ? (
        <p role="status">{t('notes.connecting')}</p>
      ) : null}
    </section>
  );
}
