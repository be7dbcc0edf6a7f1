import { isCalendarDate, rangeEndMs, rangeStartMs, startOfLocalDay } from '../../../shared/domain/dateRange.ts'
import { ENVIRONMENT_IDS, type EnvironmentId } from '../../../shared/domain/environments.ts'
import type { HistoryFilter } from '../../../shared/domain/historyFilter.ts'
import { DEFAULT_HISTORY_SORT, isHistorySort, type HistorySort } from '../../../shared/domain/historySort.ts'
import { OUTCOMES, type Outcome } from '../../../shared/domain/outcome.ts'
import type { HistoryScope } from '../../../shared/domain/teamViews.ts'

// The History view keeps its filter in the route's query string so that a reload or a copied
// link shows the same rows. This module converts query ⇄ UI state ⇄ HistoryFilter.

/** Relative ranges stay relative in the URL: "Today" opened tomorrow means tomorrow. */
export const RANGE_PRESETS = ['today', '7d', '30d', '1h'] as const
export type RangePreset = (typeof RANGE_PRESETS)[number]
export type RangeChoice = 'all' | RangePreset | 'custom'

export const RANGE_LABELS: Record<RangeChoice, string> = {
  all: 'Any time',
  today: 'Today',
  '7d': '7 days',
  '30d': '30 days',
  '1h': 'Last hour',
  custom: 'Custom',
}

export interface HistoryViewState {
  outcome: Outcome[]
  environment: EnvironmentId[]
  code: string
  operator: string
  range: RangeChoice
  /** `YYYY-MM-DD` (local day, inclusive) when range is custom, '' for open. */
  fromDate: string
  toDate: string
  /** `HH` (local hour) when a custom range of one day is narrowed to an hour (trends chart). */
  hour?: string
  search: string
  paymentId: string
  /** A bulk run's id (digits): its attempts only ("Show in History" of the Bulk view). */
  runId?: string
  sort: HistorySort
  /** This computer's history, or the team's (every console's, from the team database). */
  scope: HistoryScope
}

export function emptyHistoryState(): HistoryViewState {
  return { outcome: [], environment: [], code: '', operator: '', range: 'all', fromDate: '', toDate: '', search: '', paymentId: '', sort: DEFAULT_HISTORY_SORT, scope: 'local' }
}

type QueryValue = string | null | undefined | (string | null)[]
export type QueryInput = Record<string, QueryValue>

function first(v: QueryValue): string {
  if (Array.isArray(v)) return (v.find((x) => typeof x === 'string') ?? '').trim()
  return typeof v === 'string' ? v.trim() : ''
}

function list<T extends string>(v: QueryValue, allowed: readonly T[]): T[] {
  const raw = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')
  const out: T[] = []
  for (const part of raw.flatMap((x) => x.split(','))) {
    const p = part.trim() as T
    if ((allowed as readonly string[]).includes(p) && !out.includes(p)) out.push(p)
  }
  // Keep the canonical order so that equal filters give equal URLs.
  return allowed.filter((a) => out.includes(a))
}

const HOUR_RE = /^(?:[01]\d|2[0-3])$/

/** The hour a state narrows its one-day custom range to, or null. */
export function narrowedHour(state: Pick<HistoryViewState, 'range' | 'fromDate' | 'toDate' | 'hour'>): number | null {
  if (state.range !== 'custom' || !state.hour || !HOUR_RE.test(state.hour) || !isCalendarDate(state.fromDate) || state.fromDate !== state.toDate) return null
  return Number(state.hour)
}

/** Reads a route query; anything malformed (hand-edited links) is dropped, never fatal. */
export function parseHistoryQuery(query: QueryInput): { state: HistoryViewState; selectedId: number | null } {
  const state = emptyHistoryState()
  state.outcome = list(query.outcome, OUTCOMES)
  state.environment = list(query.env, ENVIRONMENT_IDS)
  const code = first(query.code)
  if (code.length > 0 && code.length <= 16) state.code = code
  const operator = first(query.operator)
  if (operator.length <= 128) state.operator = operator
  const search = first(query.q)
  if (search.length <= 64) state.search = search
  const paymentId = first(query.paymentId)
  if (/^\d{1,19}$/.test(paymentId)) state.paymentId = paymentId
  const runId = first(query.runId)
  if (/^[1-9]\d{0,14}$/.test(runId)) state.runId = runId
  const sort = first(query.sort)
  if (isHistorySort(sort)) state.sort = sort
  if (first(query.scope) === 'team') state.scope = 'team'
  const range = first(query.range)
  const from = first(query.from)
  const to = first(query.to)
  if ((RANGE_PRESETS as readonly string[]).includes(range)) {
    state.range = range as RangePreset
  } else if (range === 'custom' || isCalendarDate(from) || isCalendarDate(to)) {
    state.range = 'custom'
    state.fromDate = isCalendarDate(from) ? from : ''
    state.toDate = isCalendarDate(to) ? to : ''
    const hour = first(query.hour)
    if (narrowedHour({ ...state, hour }) !== null) state.hour = hour
  }
  const idText = first(query.id)
  const id = /^\d{1,15}$/.test(idText) ? Number(idText) : NaN
  return { state, selectedId: Number.isSafeInteger(id) && id > 0 ? id : null }
}

/** The query for a state (defaults left out, so the plain view has a clean URL). */
export function historyQueryFromState(state: HistoryViewState, selectedId: number | null = null): Record<string, string> {
  const q: Record<string, string> = {}
  if (state.outcome.length) q.outcome = OUTCOMES.filter((o) => state.outcome.includes(o)).join(',')
  if (state.environment.length) q.env = ENVIRONMENT_IDS.filter((e) => state.environment.includes(e)).join(',')
  if (state.code.trim()) q.code = state.code.trim()
  if (state.operator.trim()) q.operator = state.operator.trim()
  if (state.range === 'custom') {
    if (isCalendarDate(state.fromDate)) q.from = state.fromDate
    if (isCalendarDate(state.toDate)) q.to = state.toDate
    if (narrowedHour(state) !== null) q.hour = state.hour as string
    if (!q.from && !q.to) q.range = 'custom' // chosen, dates not picked yet
  } else if (state.range !== 'all') {
    q.range = state.range
  }
  if (state.search.trim()) q.q = state.search.trim()
  if (state.paymentId) q.paymentId = state.paymentId
  if (state.runId) q.runId = state.runId
  if (state.sort !== DEFAULT_HISTORY_SORT) q.sort = state.sort
  if (state.scope === 'team') q.scope = 'team'
  if (selectedId !== null) q.id = String(selectedId)
  return q
}

/** `{from, to}` in ms (from inclusive, to exclusive) for a range choice, evaluated at `nowMs`. */
export function rangeBounds(state: Pick<HistoryViewState, 'range' | 'fromDate' | 'toDate' | 'hour'>, nowMs: number): { from?: number; to?: number } {
  switch (state.range) {
    case 'today':
      return { from: startOfLocalDay(nowMs) }
    case '7d':
      return { from: startOfLocalDay(nowMs, 6) }
    case '30d':
      return { from: startOfLocalDay(nowMs, 29) }
    case '1h':
      return { from: Math.max(0, nowMs - 3_600_000) }
    case 'custom': {
      const hour = narrowedHour(state)
      if (hour !== null) {
        const [y, m, d] = state.fromDate.split('-').map(Number) as [number, number, number]
        return { from: new Date(y, m - 1, d, hour).getTime(), to: new Date(y, m - 1, d, hour + 1).getTime() }
      }
      const out: { from?: number; to?: number } = {}
      if (isCalendarDate(state.fromDate)) out.from = rangeStartMs(state.fromDate)
      if (isCalendarDate(state.toDate)) out.to = rangeEndMs(state.toDate)
      return out
    }
    default:
      return {}
  }
}

/** Why a custom range cannot be used, or null. */
export function rangeProblem(state: Pick<HistoryViewState, 'range' | 'fromDate' | 'toDate'>): string | null {
  if (state.range !== 'custom') return null
  if (isCalendarDate(state.fromDate) && isCalendarDate(state.toDate) && state.fromDate > state.toDate) {
    return 'The “from” date is after the “to” date.'
  }
  return null
}

/** The IPC filter for a state; the store normalises search text (phone digits and all). */
export function filterFromState(state: HistoryViewState, nowMs: number): HistoryFilter {
  const filter: HistoryFilter = {}
  if (state.outcome.length) filter.outcome = [...state.outcome]
  if (state.environment.length) filter.environment = [...state.environment]
  if (state.code.trim()) filter.code = state.code.trim()
  if (state.operator.trim()) filter.operator = state.operator.trim()
  const bounds = rangeProblem(state) ? {} : rangeBounds(state, nowMs)
  if (bounds.from !== undefined) filter.from = bounds.from
  if (bounds.to !== undefined) filter.to = bounds.to
  if (state.search.trim()) filter.search = state.search.trim()
  if (state.paymentId) filter.paymentId = state.paymentId
  if (state.runId) filter.runId = Number(state.runId)
  if (state.sort !== DEFAULT_HISTORY_SORT) filter.sort = state.sort
  return filter
}

/** True when anything narrows the list (used for the "no match" vs "no attempts yet" message); the scope is not a filter. */
export function isFiltered(state: HistoryViewState): boolean {
  return Object.keys(historyQueryFromState({ ...state, sort: DEFAULT_HISTORY_SORT, scope: 'local' })).length > 0
}

/** Filters the status strip's links apply. */
export function statusStripState(kind: 'today' | 'enrolled-today' | 'code-last-hour', code?: string): HistoryViewState {
  const s = emptyHistoryState()
  if (kind === 'today') s.range = 'today'
  if (kind === 'enrolled-today') {
    s.range = 'today'
    s.outcome = ['enrolled']
  }
  if (kind === 'code-last-hour') {
    s.range = '1h'
    s.code = code ?? ''
  }
  return s
}
