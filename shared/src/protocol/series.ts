import { z } from 'zod';
import type { PollResults, Poll } from './polls.js';

const id = z.string().min(1).max(64);
const startsAt = z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date and time, e.g. 2027-01-20T14:00:00+01:00.' });

/** Most dates one workshop series may have. */
export const SERIES_DATES_MAX = 50;

/** Where a date of a series stands: held, the one the workshop is on now, or still to come. */
export type SeriesDateStatus = 'done' | 'current' | 'upcoming';

/** One date (session) of a workshop series. */
export interface SeriesDate {
  id: string;
  /** ISO 8601 (UTC) start. */
  startsAt: string;
  status: SeriesDateStatus;
  /** Server ms when the series moved on from this date; null unless done. */
  closedAt: number | null;
}

/** The dates of a workshop, in order; a workshop with one date is a series of one. */
export interface SeriesView {
  dates: SeriesDate[];
}

/** A poll of an earlier date with its counted results (names left out). */
export interface ArchivedPoll {
  poll: Poll;
  results: PollResults;
}

/** A breakout room of an earlier date with what it wrote. */
export interface ReviewRoom {
  roundTitle: string;
  roomId: string;
  name: string;
  /** The room's notes as Markdown ('' when empty). */
  notes: string;
  /** The room's board as a Markdown outline ('' when empty). */
  board: string;
}

/** A finding of an earlier date, as its closing round left it. */
export interface ReviewFinding {
  id: string;
  text: string;
  heading: string;
  priority: boolean;
  /** The room it came from ('' for the plenary or several rooms). */
  roomName: string;
  /** The title of the breakout block it came from ('' when none). */
  roundTitle: string;
}

/** What a review block ("Rückblick") shows of an earlier date. */
export interface SeriesReview {
  date: SeriesDate;
  /** The date's findings in their order; when there are none, the rooms' notes and boards stand in. */
  findings: ReviewFinding[];
  /** Polls whose results everyone could see on that date. */
  polls: ArchivedPoll[];
  rooms: ReviewRoom[];
}

/** Results of a poll repeated from earlier dates, oldest first (for showing side by side). */
export interface PollHistory {
  pollId: string;
  earlier: { date: SeriesDate; poll: Poll; results: PollResults }[];
}

const addDateRequest = z.object({ startsAt });
const moveDateRequest = z.object({ dateId: id, startsAt });
const dateRef = z.object({ dateId: id });
const reviewRequest = z.object({ dateId: id.optional() });
const historyRequest = z.object({ pollId: id });

/** Schemas of the series events a client sends. */
export const seriesClientEvents = {
  'series:get': z.object({}).optional(),
  'series:addDate': addDateRequest,
  'series:moveDate': moveDateRequest,
  'series:removeDate': dateRef,
  'series:advance': z.object({}).optional(),
  'series:review': reviewRequest,
  'series:pollHistory': historyRequest,
};

/** Series events a client sends. */
export interface SeriesClientEvents {
  /** Anyone joined: the dates of the workshop. */
  'series:get': { request: Record<string, never> | undefined; response: SeriesView };
  /** Facilitators: add a later date. */
  'series:addDate': { request: z.input<typeof addDateRequest>; response: { dateId: string } };
  /** Facilitators: move an upcoming date (or the current one before it started). */
  'series:moveDate': { request: z.input<typeof moveDateRequest>; response: { dateId: string } };
  /** Facilitators: remove an upcoming date. */
  'series:removeDate': { request: z.input<typeof dateRef>; response: { dateId: string } };
  /**
   * Facilitators: close the current date (its agenda, run, polls and rooms are kept as they are)
   * and move the workshop to the next date, which starts from the same format with fresh runs.
   */
  'series:advance': { request: Record<string, never> | undefined; response: { dateId: string } };
  /** Anyone joined: what an earlier date produced (the previous one when no id is given). */
  'series:review': { request: z.input<typeof reviewRequest>; response: SeriesReview };
  /** Anyone joined: a repeated poll's results on earlier dates. */
  'series:pollHistory': { request: z.input<typeof historyRequest>; response: PollHistory };
}

/** Series events the server sends. */
export interface SeriesServerEvents {
  /** Dates were added, moved or removed, or the workshop moved on to the next date (to everyone). */
  'series:changed': SeriesView;
}
