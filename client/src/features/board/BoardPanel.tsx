import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isFacilitator } from '@werkraum/shared/roles';
import type { CollabHandle } from '../../realtime/collab.js';
import { workshopSession } from '../../realtime/session.js';
import { useAppStore } from '../../store/index.js';
import { useErrorText } from '../../ui/errors.js';
import { FormError } from '../../ui/FormError.js';

// The board (Yjs, the shared scene, freehand) loads when a board opens.
const BoardView = lazy(() => import('./BoardView.js'));
const loadCollab = () => import('../../realtime/collab.js');

/** Opens a collaboration document of this room while the component is shown. */
function useRoomDocument(kind: 'board' | 'drafts', roomId: string, enabled: boolean): { handle: CollabHandle | null; error: string | null } {
  const errorText = useErrorText();
  const session = useAppStore((state) => state.session);
  const [handle, setHandle] = useState<CollabHandle | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled || !session) return;
    let current: CollabHandle | null = null;
    let cancelled = false;
    loadCollab().then(
      ({ openRoomDocument }) => {
        if (cancelled) return;
        current = openRoomDocument(session.workshopId, roomId, kind, session.personId);
        setHandle(current);
      },
      (failure: unknown) => !cancelled && setError(errorText(failure)),
    );
    return () => {
      cancelled = true;
      current?.destroy();
      setHandle(null);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, kind, roomId, session?.workshopId, session?.personId]);
  return { handle, error };
}

/** A room's whiteboard (the plenary's or a breakout room's). */
export function BoardPanel({ roomId, heading }: { roomId: string; heading: string }) {
  const { t } = useTranslation();
  const session = useAppStore((state) => state.session);
  const name = useAppStore((state) => (state.session ? state.peopleById[state.session.personId]?.displayName : undefined));
  const boardState = useAppStore((state) => state.boardStates[roomId]);
  const facilitator = session ? isFacilitator(session.role) : false;
  const board = useRoomDocument('board', roomId, true);
  const drafts = useRoomDocument('drafts', roomId, Boolean(boardState?.privateWriting) && !facilitator);

  useEffect(() => {
    // Also when the first read failed: every later change of the board reads its state again.
    return workshopSession.showBoard(roomId);
  }, [roomId, session?.personId]);

  return (
    <section className="card board-panel" aria-labelledby={`board-${roomId}`} data-room-id={roomId}>
      <h2 id={`board-${roomId}`}>{heading}</h2>
      <FormError message={board.error} />
      {board.handle && session ? (
        <Suspense fallback={<p role="status">{t('notes.connecting')}</p>}>
          <BoardView
            handle={board.handle}
            drafts={drafts.handle}
            roomId={roomId}
            state={boardState}
            facilitator={facilitator}
            user={{ personId: session.personId, name: name ?? '' }}
          />
        </Suspense>
      ) : (
        <p role="status">{t('notes.connecting')}</p>
      )}
    </section>
  );
}
