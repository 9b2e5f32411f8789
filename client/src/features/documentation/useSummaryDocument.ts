import { useEffect, useState } from 'react';
import type { CollabHandle } from '../../realtime/collab.js';

// The collaboration client (Yjs, IndexedDB, y-websocket) loads with the first document opened.
const loadCollab = () => import('../../realtime/collab.js');

/** The workshop's summary document (`summary:<workshopId>`), open while the component is shown. */
export function useSummaryDocument(workshopId: string, personId: string): { handle: CollabHandle | null; failed: unknown } {
  const [handle, setHandle] = useState<CollabHandle | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    let current: CollabHandle | null = null;
    let cancelled = false;
    setHandle(null);
    setFailed(null);
    loadCollab().then(
      ({ openRoomDocument }) => {
        if (cancelled) return;
        current = openRoomDocument(workshopId, '', 'summary');
        setHandle(current);
      },
      (error: unknown) => !cancelled && setFailed(error ?? new Error('load failed')),
    );
    return () => {
      cancelled = true;
      current?.destroy();
    };
  }, [workshopId, personId]);
  return { handle, failed };
}
