import type { WorkshopSnapshot } from '@werkraum/shared/protocol';
import type { AppState } from '../store/index.js';
import type { AppSocket } from './socket.js';

type StoreApi = { getState(): AppState };

/** Puts a join/resume snapshot into the store. */
export function applySnapshot(store: StoreApi, snapshot: WorkshopSnapshot): void {
  const state = store.getState();
  state.setSession(snapshot.session, snapshot.workshop);
  state.replacePeople(snapshot.people);
}

/**
 * The one place where server events become store actions. Returns a function that detaches
 * the listeners again.
 */
export function attachDispatch(socket: AppSocket, store: StoreApi, onSessionEnded: (reason: string) => void): () => void {
  const onUpserted: Parameters<typeof socket.on<'people:upserted'>>[1] = (person) => {
    const state = store.getState();
    state.upsertPerson(person);
    if (state.session?.personId === person.id && state.session.role !== person.role) state.setOwnRole(person.role);
  };
  const onRemoved: Parameters<typeof socket.on<'people:removed'>>[1] = ({ personId }) => {
    store.getState().removePerson(personId);
  };
  const onEnded: Parameters<typeof socket.on<'session:ended'>>[1] = ({ reason }) => onSessionEnded(reason);

  socket.on('people:upserted', onUpserted);
  socket.on('people:removed', onRemoved);
  socket.on('session:ended', onEnded);
  return () => {
    socket.off('people:upserted', onUpserted);
    socket.off('people:removed', onRemoved);
    socket.off('session:ended', onEnded);
  };
}
