import type { StateCreator } from 'zustand';
import type { SeriesView } from '@werkraum/shared/protocol';
import type { AppState } from '../../store/index.js';

/** The workshop's dates (a series of one for a single workshop). */
export interface SeriesSlice {
  series: SeriesView | null;
  setSeries(series: SeriesView): void;
}

/** Creates the series slice of the app store. */
export const createSeriesSlice: StateCreator<AppState, [], [], SeriesSlice> = (set) => ({
  series: null,
  setSeries: (series) => set({ series }),
});

/** The id of the date the workshop is on now. */
export function currentDateId(series: SeriesView | null): string | null {
  return series?.dates.find((date) => date.status === 'current')?.id ?? null;
}
