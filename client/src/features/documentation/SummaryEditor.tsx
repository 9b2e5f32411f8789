import { lazy, Suspense, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { CollabHandle } from '../../realtime/collab.js';

// The rich-text editor is the largest part of the client: loaded when the summary shows.
const NotesEditor = lazy(() => import('../notes/NotesEditor.js'));

/** Whether the summary is connected and saved, politely announced. */
function SummaryStatus({ handle }: { handle: CollabHandle }) {
  const { t } = useTranslation();
  const state = useSyncExternalStore(handle.subscribe, handle.state);
  const text =
    state.status === 'noAccess'
      ? t('notes.noAccess')
      : state.status === 'refused'
        ? t('notes.refused')
        : state.status === 'connected' && state.synced
          ? t('notes.saved')
          : state.status === 'offline'
            ? t('notes.offline')
            : t('notes.connecting');
  return (
    <p role="status" className="notes-status" data-testid="summary-status" data-status={state.status}>
      {text}
    </p>
  );
}

/** The summary the moderation writes together: the same editor as the notes, on the workshop's summary document. */
export function SummaryEditor({ handle, user }: { handle: CollabHandle | null; user: { personId: string; name: string } }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="documentation-summary-heading">
      <h2 id="documentation-summary-heading">{t('documentation.summary')}</h2>
      <p className="hint">{t('documentation.summaryHint')}</p>
      {handle ? (
        <>
          <SummaryStatus handle={handle} />
          <Suspense fallback={<p role="status">{t('notes.connecting')}</p>}>
            <NotesEditor handle={handle} label={t('documentation.summary')} user={user} />
          </Suspense>
        </>
      ) : (
        <p role="status">{t('notes.connecting')}</p>
      )}
    </section>
  );
}
