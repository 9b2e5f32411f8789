/** Default time a test waits for an expected event or state before failing. */
export const WAIT_TIMEOUT_MS = 3_000;

/**
 * Polls until `probe` returns something other than undefined/false (or stops throwing), then
 * resolves with that value. Rejects with `message` and the last failure after `timeoutMs`.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  message = 'condition',
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false && value !== null) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}${detail}`);
    }
    // Yield to I/O (socket frames, timers) before probing again.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Anything with socket.io's `on`/`off`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- socket.io's listener signature
type Listener = (...args: any[]) => void;
interface Emitter {
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
}

/**
 * Resolves with the first payload of `event` (that matches `predicate`, when given) emitted from
 * now on; rejects after `timeoutMs`.
 */
export function nextEvent<T = unknown>(
  emitter: Emitter,
  event: string,
  predicate: (payload: T) => boolean = () => true,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (payload: T) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for event "${event}"`));
    }, timeoutMs);
    emitter.on(event, listener);
  });
}
