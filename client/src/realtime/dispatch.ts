import type { WorkshopSnapshot } from '@werkraum/shared/protocol';
import type { AppState } from '../store/index.js';
import type { AppSocket } from './socket.js';
import { currentDateId } from '../features/series/seriesSlice.js';
import { reloadFindings } from '../features/findings/loadFindings.js';

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
export function attachDispatch(
  socket: AppSocket,
  store: StoreApi,
  onSessionEnded: (reason: string) => void,
  onOwnRoleChanged: () => void,
  onPollsChanged: () => void,
  onBoardChanged: (roomId: string) => void,
): () => void {
  const onUpserted: Parameters<typeof socket.on<'people:upserted'>>[1] = ({ people }) => {
    const state = store.getState();
    state.upsertPeople(people);
    const own = people.find((person) => person.id === state.session?.personId);
    if (own && state.session && state.session.role !== own.role) {
      state.setOwnRole(own.role);
      onOwnRoleChanged();
    }
  };
  const onRemoved: Parameters<typeof socket.on<'people:removed'>>[1] = ({ personId }) => {
    store.getState().removePerson(personId);
  };
  const onEnded: Parameters<typeof socket.on<'session:ended'>>[1] = ({ reason }) => onSessionEnded(reason);

  const onWorkshop: Parameters<typeof socket.on<'workshop:updated'>>[1] = (workshop) => store.getState().setWorkshop(workshop);
  const onAgenda: Parameters<typeof socket.on<'agenda:changed'>>[1] = (agenda) => store.getState().setAgenda(agenda);
  const onRun: Parameters<typeof socket.on<'agenda:run'>>[1] = ({ run }) => store.getState().setRun(run);
  const onNotes: Parameters<typeof socket.on<'agenda:notes'>>[1] = ({ moderationNotes }) =>
    store.getState().setModerationNotes(moderationNotes);

  /** The rooms this person sits in (participants see the findings of these rooms). */
  const myRooms = () => {
    const state = store.getState();
    const personId = state.session?.personId ?? '';
    return state.rounds.map((round) => `${round.id}:${round.assignments[personId] ?? ''}`).join(' ');
  };
  const onBreakouts: Parameters<typeof socket.on<'breakout:changed'>>[1] = ({ rounds }) => {
    const before = myRooms();
    store.getState().setRounds(rounds);
    if (myRooms() !== before) void reloadFindings(socket, store);
  };
  const onMediaPresence: Parameters<typeof socket.on<'media:presence'>>[1] = ({ inCall }) => store.getState().setInCall(inCall);
  const onMediaSpeaking: Parameters<typeof socket.on<'media:speaking'>>[1] = ({ personId, speaking }) => store.getState().setCallSpeaker(personId, speaking);
  const onMediaSettings: Parameters<typeof socket.on<'media:settings'>>[1] = (settings) => store.getState().setMediaSettings(settings);
  const onUnmuteRequest: Parameters<typeof socket.on<'media:unmuteRequest'>>[1] = (request) => store.getState().setUnmuteRequest(request);

  const onPollChanged = () => onPollsChanged();
  const onPollResults: Parameters<typeof socket.on<'poll:results'>>[1] = (results) => store.getState().applyResults(results);
  const onParticipation: Parameters<typeof socket.on<'poll:participation'>>[1] = ({ pollId, participants }) =>
    store.getState().applyParticipation(pollId, participants);

  const onSeries: Parameters<typeof socket.on<'series:changed'>>[1] = (series) => {
    const state = store.getState();
    const movedOn = currentDateId(state.series) !== currentDateId(series);
    state.setSeries(series);
    // A new date brings its own polls (the agenda and rooms arrive as their own events).
    if (movedOn) onPollsChanged();
  };
  const onDocumentation: Parameters<typeof socket.on<'documentation:changed'>>[1] = (documentation) =>
    store.getState().setDocumentation(documentation);
  socket.on('documentation:changed', onDocumentation);

  const onBoard: Parameters<typeof socket.on<'board:changed'>>[1] = ({ roomId }) => onBoardChanged(roomId);
  const onFindings = () => void reloadFindings(socket, store);
  const onStage: Parameters<typeof socket.on<'stage:changed'>>[1] = ({ stage }) => store.getState().setStage(stage);
  const onSpeaking: Parameters<typeof socket.on<'speaking:changed'>>[1] = ({ speaking }) => store.getState().setSpeaking(speaking);
  socket.on('findings:changed', onFindings);
  socket.on('stage:changed', onStage);
  socket.on('speaking:changed', onSpeaking);
  socket.on('board:changed', onBoard);
  socket.on('series:changed', onSeries);
  socket.on('poll:changed', onPollChanged);
  socket.on('poll:results', onPollResults);
  socket.on('poll:participation', onParticipation);
  socket.on('people:upserted', onUpserted);
  socket.on('breakout:changed', onBreakouts);
  socket.on('media:presence', onMediaPresence);
  socket.on('media:speaking', onMediaSpeaking);
  socket.on('media:settings', onMediaSettings);
  socket.on('media:unmuteRequest', onUnmuteRequest);
  socket.on('people:removed', onRemoved);
  socket.on('session:ended', onEnded);
  socket.on('workshop:updated', onWorkshop);
  socket.on('agenda:changed', onAgenda);
  socket.on('agenda:run', onRun);
  socket.on('agenda:notes', onNotes);
  return () => {
    socket.off('findings:changed', onFindings);
    socket.off('stage:changed', onStage);
    socket.off('speaking:changed', onSpeaking);
    socket.off('documentation:changed', onDocumentation);
    socket.off('board:changed', onBoard);
    socket.off('series:changed', onSeries);
    socket.off('poll:changed', onPollChanged);
    socket.off('poll:results', onPollResults);
    socket.off('poll:participation', onParticipation);
    socket.off('people:upserted', onUpserted);
    socket.off('breakout:changed', onBreakouts);
    socket.off('media:presence', onMediaPresence);
    socket.off('media:speaking', onMediaSpeaking);
    socket.off('media:settings', onMediaSettings);
    socket.off('media:unmuteRequest', onUnmuteRequest);
    socket.off('people:removed', onRemoved);
    socket.off('session:ended', onEnded);
    socket.off('workshop:updated', onWorkshop);
    socket.off('agenda:changed', onAgenda);
    socket.off('agenda:run', onRun);
    socket.off('agenda:notes', onNotes);
  };
}
