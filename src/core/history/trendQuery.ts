import type { SQLInputValue, StatementSync } from 'node:sqlite'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import type { HistoryTrends, TrendBucket } from '../../shared/domain/historyViews.ts'
import { OUTCOMES, type Outcome } from '../../shared/domain/outcome.ts'
import { carriedFilters, type SqlPart } from './historySql.ts'
import { HOUR_MS } from './trendCounts.ts'

/*
 * The History trends: attempts per bucket (an hour, or a local day) by outcome, and the top
 * codes of the period, from the count tables (schema.ts attempt_day_counts, trendSchema.ts;
 * the *_totals ones when neither environment nor operator is filtered), never by reading the
 * attempts of the period:
 *
 *  - A count over [x, y) with x and y on whole hours is P(y) − P(x), where P(t) counts from
 *    the first day involved up to t: the whole UTC days before t from a day table, plus the
 *    hours of t's day before t — or, when t is past noon, the whole days up to and including
 *    t's day minus its hours from t on. So a local day (in Lagos, 23:00 UTC → 23:00 UTC) reads
 *    one day row set and one hour of hour rows, and with UTC offset 0 no hour rows at all.
 *  - Only what is finer than an hour (a "last hour" range, a range ending now) is counted
 *    from the attempts themselves, through the time index: at most two partial hours.
 *
 * Local days use the offset the window sends, rounded to whole hours (counts are per UTC
 * hour); daylight-saving changes inside the period are not followed (Nigeria has none).
 */

const DAY_MS = 86_400_000
const HOURS_PER_DAY = 24
/** A range this long or shorter is charted per hour (25 h: a local day with a DST change). */
const HOURLY_UP_TO_MS = 25 * HOUR_MS
export const MAX_DAY_BUCKETS = 400
export const TOP_CODES = 5

type Statement = (sql: string) => StatementSync
type Counts = Map<string, number>

export interface TrendRequest {
  filter: HistoryFilter
  /** The window's offset from UTC in minutes (east positive: Lagos is +60). */
  utcOffsetMinutes: number
  nowMs: number
}

/** Where one series (by outcome, or by code) is counted: count tables and the exact fallback. */
interface Source {
  dayTable: string
  hourTable: string
  /** Column of the count tables holding the series key. */
  key: 'outcome' | 'code'
  /** Conditions on the count tables' columns. */
  where: SqlPart[]
  /** Exact counts per key for [a, b), read from rows (only ever a part of an hour). */
  exactSql: { sql: string; params: SQLInputValue[] }
}

export function historyTrends(statement: Statement, request: TrendRequest): HistoryTrends {
  const { filter, nowMs } = request
  const offsetHours = Math.max(-14, Math.min(14, Math.round(request.utcOffsetMinutes / 60)))
  const to = filter.to ?? nowMs
  const from = filter.from ?? firstStart(statement)
  if (from === null || from >= to) return { unit: to - (from ?? to) <= HOURLY_UP_TO_MS ? 'hour' : 'day', from: from ?? to, to, clipped: false, buckets: [], topCodes: [], total: 0 }

  const unit = to - from <= HOURLY_UP_TO_MS ? 'hour' : 'day'
  const { starts, clipped } = bucketStarts(unit, from, to, offsetHours)
  const step = unit === 'hour' ? HOUR_MS : DAY_MS
  const periodFrom = Math.max(from, starts[0] as number)
  const ranges = starts.map((s): [number, number] => [Math.max(s, periodFrom), Math.min(s + step, to)])

  const counter = rangeCounter(statement)
  const byOutcome = counter(outcomeSource(filter), ranges)
  const buckets: TrendBucket[] = starts.map((start, i) => {
    const counts = Object.fromEntries(OUTCOMES.map((o) => [o, byOutcome[i]?.get(o) ?? 0])) as Record<Outcome, number>
    return { start, end: start + step, counts, total: OUTCOMES.reduce((sum, o) => sum + counts[o], 0) }
  })
  const [codes] = counter(codeSource(filter), [[periodFrom, to]])
  const topCodes = [...(codes ?? new Map<string, number>())]
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, TOP_CODES)
    .map(([code, count]) => ({ code, count }))
  return { unit, from: periodFrom, to, clipped, buckets, topCodes, total: buckets.reduce((sum, b) => sum + b.total, 0) }
}

function firstStart(statement: Statement): number | null {
  const row = statement('SELECT min(started_at) AS t FROM attempts').get() as { t: number | null }
  return row.t
}

/** Bucket starts covering [from, to): whole hours, or local midnights (at most MAX_DAY_BUCKETS, the newest). */
export function bucketStarts(unit: 'hour' | 'day', from: number, to: number, offsetHours: number): { starts: number[]; clipped: boolean } {
  const step = unit === 'hour' ? HOUR_MS : DAY_MS
  const shift = unit === 'hour' ? 0 : offsetHours * HOUR_MS
  const startOf = (t: number) => Math.floor((t + shift) / step) * step - shift
  let first = startOf(from)
  const last = startOf(to - 1)
  const clipped = unit === 'day' && (last - first) / step + 1 > MAX_DAY_BUCKETS
  if (clipped) first = last - (MAX_DAY_BUCKETS - 1) * step
  const starts: number[] = []
  for (let s = first; s <= last; s += step) starts.push(s)
  return { starts, clipped }
}

/** With no environment or operator filter the totals tables (one row per day × outcome) do. */
function overall(filter: HistoryFilter): boolean {
  return (filter.environment === undefined || filter.environment.length === 0) && filter.operator === undefined
}

function outcomeSource(filter: HistoryFilter): Source {
  const carried = carriedFilters(filter, '')
  const carriedRows = carriedFilters(filter, 'a.')
  const whole = overall(filter)
  if (filter.code === undefined) {
    return {
      dayTable: whole ? 'attempt_day_totals' : 'attempt_day_counts',
      hourTable: whole ? 'attempt_hour_totals' : 'attempt_hour_counts',
      key: 'outcome',
      where: carried,
      exactSql: rowsSql('SELECT a.outcome AS k, count(*) AS n FROM attempts a INDEXED BY attempts_started', 'a.started_at', carriedRows),
    }
  }
  const code: SqlPart = { sql: 'code = ?', params: [filter.code] }
  return {
    dayTable: whole ? 'attempt_code_day_totals' : 'attempt_code_day_counts',
    hourTable: whole ? 'attempt_code_hour_totals' : 'attempt_code_hour_counts',
    key: 'outcome',
    where: [code, ...carried],
    exactSql: rowsSql('SELECT outcome AS k, count(*) AS n FROM attempt_codes', 'started_at', [code, ...carried]),
  }
}

function codeSource(filter: HistoryFilter): Source {
  const carried = carriedFilters(filter, '')
  const codeOfError = "CAST(j.value ->> 'code' AS TEXT)"
  const rowCode: SqlPart[] = filter.code === undefined ? [] : [{ sql: `${codeOfError} = ?`, params: [filter.code] }]
  const whole = overall(filter)
  return {
    dayTable: whole ? 'attempt_code_day_totals' : 'attempt_code_day_counts',
    hourTable: whole ? 'attempt_code_hour_totals' : 'attempt_code_hour_counts',
    key: 'code',
    where: [...(filter.code === undefined ? [] : [{ sql: 'code = ?', params: [filter.code] }]), ...carried],
    // As attempt_codes: an attempt repeating a code counts once.
    exactSql: rowsSql(`SELECT ${codeOfError} AS k, count(DISTINCT a.id) AS n FROM attempts a INDEXED BY attempts_started, json_each(a.errors) j`, 'a.started_at', [
      ...carriedFilters(filter, 'a.'),
      ...rowCode,
    ]),
  }
}

/** `select` over [?, ?) of `timeColumn` and `parts`, grouped by key; the two time parameters come first. */
function rowsSql(select: string, timeColumn: string, parts: SqlPart[]): { sql: string; params: SQLInputValue[] } {
  const where = [`${timeColumn} >= ?`, `${timeColumn} < ?`, ...parts.map((p) => p.sql)].join(' AND ')
  return { sql: `${select} WHERE ${where} GROUP BY 1`, params: parts.flatMap((p) => p.params) }
}

function add(into: Counts, from: Counts, sign = 1): Counts {
  for (const [k, n] of from) into.set(k, (into.get(k) ?? 0) + sign * n)
  return into
}

/** Counts per key for each [a, b) range, as described at the top of this file. */
function rangeCounter(statement: Statement) {
  function grouped(sql: string, params: SQLInputValue[]): Counts {
    const rows = statement(sql).all(...params) as { k: string; n: number }[]
    return new Map(rows.map((r) => [String(r.k), r.n]))
  }
  const whereOf = (parts: SqlPart[]) => parts.map((p) => ` AND ${p.sql}`).join('')
  const paramsOf = (parts: SqlPart[]) => parts.flatMap((p) => p.params)

  return function count(source: Source, ranges: [number, number][]): Counts[] {
    const exact = (a: number, b: number): Counts => (a >= b ? new Map() : grouped(source.exactSql.sql, [a, b, ...source.exactSql.params]))
    // The whole hours each range covers, and the day rows every P(t) below needs.
    const wholeHours = ranges.map(([a, b]) => [Math.ceil(a / HOUR_MS), Math.floor(b / HOUR_MS)] as const)
    const points = [...new Set(wholeHours.filter(([x, y]) => x < y).flat())]
    const firstDay = Math.floor(Math.min(...points) / HOURS_PER_DAY)
    const lastDay = Math.floor(Math.max(...points) / HOURS_PER_DAY)
    // cumulative[i]: counts of days firstDay … firstDay + i − 1.
    const cumulative: Counts[] = [new Map()]
    if (points.length > 0) {
      const rows = statement(
        `SELECT day AS d, ${source.key} AS k, sum(n) AS n FROM ${source.dayTable} WHERE day >= ? AND day <= ?${whereOf(source.where)} GROUP BY 1, 2`,
      ).all(firstDay, lastDay, ...paramsOf(source.where)) as { d: number; k: string; n: number }[]
      const perDay = new Map<number, Counts>()
      for (const r of rows) perDay.set(r.d, (perDay.get(r.d) ?? new Map<string, number>()).set(String(r.k), r.n))
      for (let day = firstDay; day <= lastDay; day++) cumulative.push(add(new Map(cumulative.at(-1)), perDay.get(day) ?? new Map()))
    }

    // P(t) for each point: a day prefix plus or minus the hours between t and the nearer midnight.
    const edges = points.map((h) => {
      const day = Math.floor(h / HOURS_PER_DAY)
      const into = h - day * HOURS_PER_DAY
      if (into <= HOURS_PER_DAY / 2) return { h, base: day - firstDay, sign: 1, from: day * HOURS_PER_DAY, to: h }
      return { h, base: day - firstDay + 1, sign: -1, from: h, to: (day + 1) * HOURS_PER_DAY }
    })
    // All those hours in one statement: a primary-key seek per hour, never a range of days.
    const wanted = edges.flatMap((e) => Array.from({ length: e.to - e.from }, (_, i) => e.from + i))
    const perHour = new Map<number, Counts>()
    if (wanted.length > 0) {
      const rows = statement(
        `SELECT hour AS h, ${source.key} AS k, sum(n) AS n FROM ${source.hourTable} WHERE hour IN (SELECT value FROM json_each(?))${whereOf(source.where)} GROUP BY 1, 2`,
      ).all(JSON.stringify(wanted), ...paramsOf(source.where)) as { h: number; k: string; n: number }[]
      for (const r of rows) perHour.set(r.h, (perHour.get(r.h) ?? new Map<string, number>()).set(String(r.k), r.n))
    }
    const prefix = new Map<number, Counts>()
    for (const e of edges) {
      const p = new Map(cumulative[e.base])
      for (let h = e.from; h < e.to; h++) add(p, perHour.get(h) ?? new Map(), e.sign)
      prefix.set(e.h, p)
    }
    /** Attempts from the start of firstDay up to hour `h` (exclusive). */
    const upTo = (h: number): Counts => prefix.get(h) as Counts

    return ranges.map(([a, b], i) => {
      const [x, y] = wholeHours[i] as readonly [number, number]
      if (x >= y) return exact(a, b)
      const counts = add(new Map(upTo(y)), upTo(x), -1)
      add(counts, exact(a, x * HOUR_MS))
      return add(counts, exact(y * HOUR_MS, b))
    })
  }
}
