// The orders of the history list, apart from the filter's schema (historyFilter.ts): the
// history queries need only these, and a one-shot CLI enroll loads the queries' module without
// building the filter's zod schemas.

/** Orders of the history list, newest first by default. */
export const HISTORY_SORTS = ['time-desc', 'time-asc', 'latency-desc', 'latency-asc'] as const
export type HistorySort = (typeof HISTORY_SORTS)[number]
export const DEFAULT_HISTORY_SORT: HistorySort = 'time-desc'

export function isHistorySort(value: unknown): value is HistorySort {
  return (HISTORY_SORTS as readonly unknown[]).includes(value)
}
