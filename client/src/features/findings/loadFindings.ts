import { request, type AppSocket } from '../../realtime/socket.js';
import type { AppState } from '../../store/index.js';

type StoreApi = { getState(): AppState };

let reading = false;
let stale = false;

/**
 * Reads the findings this person may see. Changes that arrive during a read cause exactly one more
 * read afterwards, not one each.
 */
export async function reloadFindings(socket: AppSocket, store: StoreApi): Promise<void> {
  if (reading) {
    stale = true;
    return;
  }
  reading = true;
  try {
    do {
      stale = false;
      const { findings, counts } = await request(socket, 'findings:list', {});
      store.getState().setFindings(findings, counts);
    } while (stale);
  } catch {
    // The next change or reconnect reads them again.
  } finally {
    reading = false;
  }
}

/** Reads the findings, the stage and the speaking order (after joining or reconnecting). */
export async function loadPlenaryTools(socket: AppSocket, store: StoreApi): Promise<void> {
  try {
    const [stage, speaking] = await Promise.all([request(socket, 'stage:get', {}), request(socket, 'speaking:get', {})]);
    store.getState().setStage(stage.stage);
    store.getState().replaceAgreed(stage.agreed);
    store.getState().setSpeaking(speaking.speaking);
  } catch {
    // The next reconnect reads them again.
  }
  await reloadFindings(socket, store);
}
