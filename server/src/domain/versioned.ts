import { DomainError } from './errors.js';

/** A stored document that carries a version for optimistic concurrency. */
export interface Versioned {
  version: number;
}

/** The tail of the queue of changes per document, so one process applies them one at a time. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `task` after every earlier task with the same key has finished. Within one process this
 * removes version conflicts entirely; the version check still guards writers in other processes.
 */
export function serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const result = previous.then(task, task);
  const tail = result.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return result;
}

/**
 * Read-modify-write with a version check: loads, applies, and saves only if nobody saved in
 * between; retries a few times on conflict. `apply` returning the same object means "no change".
 * Returns the saved (or unchanged) document and whether it changed.
 */
export async function updateVersioned<T extends Versioned>(
  key: string,
  load: () => Promise<T>,
  save: (next: T) => Promise<boolean>,
  apply: (current: T) => T,
): Promise<{ record: T; changed: boolean }> {
  return serialized(key, () => retryVersioned(load, save, apply));
}

async function retryVersioned<T extends Versioned>(
  load: () => Promise<T>,
  save: (next: T) => Promise<boolean>,
  apply: (current: T) => T,
): Promise<{ record: T; changed: boolean }> {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const current = await load();
    const changed = apply(current);
    if (changed === current) return { record: current, changed: false };
    const record = { ...changed, version: current.version + 1 };
    if (await save(record)) return { record, changed: true };
  }
  throw new DomainError('invalid_state', 'This is being changed by someone else right now; please try again.');
}
