import { create } from 'zustand';
import { createAgendaSlice, type AgendaSlice } from '../features/agenda/agendaSlice.js';
import { createBoardSlice, type BoardSlice } from '../features/board/boardSlice.js';
import { createBreakoutSlice, type BreakoutSlice } from '../features/breakouts/breakoutSlice.js';
import { createPollsSlice, type PollsSlice } from '../features/polls/pollsSlice.js';
import { createPeopleSlice, type PeopleSlice } from '../features/people/peopleSlice.js';
import { createSeriesSlice, type SeriesSlice } from '../features/series/seriesSlice.js';
import { createFindingsSlice, type FindingsSlice } from '../features/findings/findingsSlice.js';
import { createSpeakingSlice, type SpeakingSlice } from '../features/speaking/speakingSlice.js';
import { createMediaSlice, type MediaSlice } from '../features/media/mediaSlice.js';
import { createDocumentationSlice, type DocumentationSlice } from '../features/documentation/documentationSlice.js';
import { createSessionSlice, type SessionSlice } from './sessionSlice.js';

/** The whole client state: one store combined from one slice per capability. */
export type AppState = SessionSlice &
  PeopleSlice &
  AgendaSlice &
  BreakoutSlice &
  PollsSlice &
  BoardSlice &
  SeriesSlice &
  FindingsSlice &
  SpeakingSlice &
  MediaSlice &
  DocumentationSlice;

/** Creates a fresh store (one per tab; tests create their own). */
export const createAppStore = () =>
  create<AppState>()((...args) => ({
    ...createSessionSlice(...args),
    ...createPeopleSlice(...args),
    ...createAgendaSlice(...args),
    ...createBreakoutSlice(...args),
    ...createPollsSlice(...args),
    ...createBoardSlice(...args),
    ...createSeriesSlice(...args),
    ...createFindingsSlice(...args),
    ...createSpeakingSlice(...args),
    ...createMediaSlice(...args),
    ...createDocumentationSlice(...args),
  }));

/** The store of this tab. */
export const useAppStore = createAppStore();
