import type { Store } from '../store/types.js';

/** A real store whose answers the test can hold back, like a slow networked database would. */
export interface GatedStore extends Store {
  /** From now on every store call waits until `release()`. */
  hold(): void;
  /** Lets every waiting call (and all later ones) through. */
  release(): void;
  /** Store calls currently waiting at the gate. */
  readonly waiting: number;
}

/** Wraps a store so that its calls can be held at a gate; `close` is never held. */
export function gatedStore(inner: Store): GatedStore {
  let held = false;
  let queue: (() => void)[] = [];
  const pass = async () => {
    if (!held) return;
    await new Promise<void>((resolve) => queue.push(resolve));
  };
  const gated =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await pass();
      return call(...args);
    };
  // Every store method goes through the gate, including ones added later; `close` never waits.
  const methods = Object.fromEntries(
    (Object.keys(inner) as (keyof Store)[])
      .filter((name) => name !== 'close' && typeof inner[name] === 'function')
      .map((name) => [name, gated((inner[name] as (...args: unknown[]) => Promise<unknown>).bind(inner))]),
  ) as unknown as Omit<Store, 'close'>;
  return {
    ...methods,
    close: () => inner.close(),
    hold() {
      held = true;
    },
    release() {
      held = false;
      const waiting = queue;
      queue = [];
      for (const resolve of waiting) resolve();
    },
    get waiting() {
      return queue.length;
    },
  };
}
