import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { isAwarenessEcho } from './server.js';

/** A client's awareness with a state, and the update it would send for it. */
function client(state: Record<string, unknown> | null) {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  awareness.setLocalState(state);
  return { awareness, update: () => awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]) };
}

describe('isAwarenessEcho', () => {
  it('recognises an update the document already has, and nothing newer', () => {
    const server = new awarenessProtocol.Awareness(new Y.Doc());
    const ann = client({ user: 'Ann', cursor: 1 });
    const first = ann.update();
    expect(isAwarenessEcho(server, first)).toBe(false);
    awarenessProtocol.applyAwarenessUpdate(server, first, 'ann');
    // The same update coming back (the stock client re-sends what it receives) is an echo.
    expect(isAwarenessEcho(server, first)).toBe(true);

    // A newer state of the same client is not.
    ann.awareness.setLocalStateField('cursor', 2);
    const newer = ann.update();
    expect(isAwarenessEcho(server, newer)).toBe(false);
    awarenessProtocol.applyAwarenessUpdate(server, newer, 'ann');
    expect(server.getStates().get(ann.awareness.clientID)).toEqual({ user: 'Ann', cursor: 2 });
    // An older one is (applyAwarenessUpdate would ignore it too).
    expect(isAwarenessEcho(server, first)).toBe(true);
  });

  it('an update with one new entry among echoes is applied', () => {
    const server = new awarenessProtocol.Awareness(new Y.Doc());
    const ann = client({ user: 'Ann' });
    const bo = client({ user: 'Bo' });
    awarenessProtocol.applyAwarenessUpdate(server, ann.update(), 'ann');
    // A relay of both as one message, as the server's batched flush sends it.
    const relay = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(relay, ann.update(), 'x');
    awarenessProtocol.applyAwarenessUpdate(relay, bo.update(), 'x');
    const both = awarenessProtocol.encodeAwarenessUpdate(relay, [ann.awareness.clientID, bo.awareness.clientID]);
    expect(isAwarenessEcho(server, both)).toBe(false);
    awarenessProtocol.applyAwarenessUpdate(server, both, 'bo');
    expect(isAwarenessEcho(server, both)).toBe(true);
  });

  it('a removal is never taken for an echo', () => {
    const server = new awarenessProtocol.Awareness(new Y.Doc());
    const ann = client({ user: 'Ann' });
    awarenessProtocol.applyAwarenessUpdate(server, ann.update(), 'ann');
    // A removal with the known clock still removes the state.
    // (the typings say states are objects; the protocol writes a removed state as null)
    const removedStates = new Map([[ann.awareness.clientID, null]]) as unknown as Map<number, Record<string, unknown>>;
    const removal = awarenessProtocol.encodeAwarenessUpdate(ann.awareness, [ann.awareness.clientID], removedStates);
    expect(isAwarenessEcho(server, removal)).toBe(false);
    awarenessProtocol.applyAwarenessUpdate(server, removal, 'ann');
    expect(server.getStates().has(ann.awareness.clientID)).toBe(false);
  });

  it('unknown clients, empty updates and trailing bytes go the full way; malformed input throws', () => {
    const server = new awarenessProtocol.Awareness(new Y.Doc());
    const ann = client({ user: 'Ann' });
    expect(isAwarenessEcho(server, ann.update())).toBe(false);
    expect(isAwarenessEcho(server, Uint8Array.of(0))).toBe(false);
    awarenessProtocol.applyAwarenessUpdate(server, ann.update(), 'ann');
    expect(isAwarenessEcho(server, Uint8Array.of(...ann.update(), 7))).toBe(false);
    expect(() => isAwarenessEcho(server, Uint8Array.of(1, 200))).toThrow();
  });
});
