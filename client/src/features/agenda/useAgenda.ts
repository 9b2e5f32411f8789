import { useState } from 'react';
import { deadline, projectSchedule, type Schedule } from '@werkraum/shared/agendaClock';
import type { ClientEventName, ClientEvents } from '@werkraum/shared/protocol';
import { isFacilitator } from '@werkraum/shared/roles';
import { workshopSession } from '../../realtime/session.js';
import { request } from '../../realtime/socket.js';
import { useAppStore } from '../../store/index.js';
import { useErrorText } from '../../ui/errors.js';

const MINUTE = 60_000;

/** Whether this person may edit and run the agenda. */
export function useIsFacilitator(): boolean {
  return useAppStore((state) => (state.session ? isFacilitator(state.session.role) : false));
}

/**
 * The running block's deadline as the anchor of {@link useServerNow}: what depends on the block's
 * time (warnings, the projected end) is recomputed on the deadline's own seconds, together with
 * its countdown. Empty between blocks (whole server seconds then).
 */
export function useTimerAnchors(): readonly number[] {
  const end = useAppStore((state) => (state.agenda?.run.timer ? deadline(state.agenda.run.timer) : null));
  return end === null ? [] : [end];
}

/** The live schedule (planned, projected and actual times) at server time `now`. */
export function useSchedule(now: number): Schedule | null {
  const agenda = useAppStore((state) => state.agenda);
  const startsAt = useAppStore((state) => state.workshop?.startsAt);
  if (!agenda || !startsAt) return null;
  return projectSchedule({
    blocks: agenda.blocks.map((block) => ({ id: block.id, plannedMs: block.plannedMinutes * MINUTE })),
    plannedStart: Date.parse(startsAt),
    actuals: agenda.run.actuals,
    running: agenda.run.timer,
    now,
  });
}

/** Sends agenda actions and keeps the last error as a sentence for the UI. */
export function useAgendaAction() {
  const errorText = useErrorText();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function send<K extends ClientEventName>(event: K, payload: ClientEvents[K]['request']): Promise<boolean> {
    setError(null);
    setBusy(true);
    try {
      await request(workshopSession.socket(), event, payload);
      return true;
    } catch (failure) {
      setError(errorText(failure));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { send, error, busy, clearError: () => setError(null) };
}
