import type { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import type { HistoryTrends } from '../../shared/domain/historyViews.ts'
import { OUTCOMES } from '../../shared/domain/outcome.ts'
import { APP_MIGRATIONS, runMigrations } from '../storage/migrations.ts'
import { createHistoryStore } from './historyStore.ts'
import { completion, newAttempt, openTempDb, type TempDb } from './testFixtures.ts'
import { HOUR_MS } from './trendCounts.ts'
import { historyTrends, MAX_DAY_BUCKETS, TOP_CODES } from './trendQuery.ts'
import type { HistoryStore } from './types.ts'

// Trends from the count tables must equal a plain scan of the attempts, for every filter the
// chart follows, any UTC offset and ranges that cut hours; and they must not read the rows.

const DAY_MS = 86_400_000
// A UTC midnight, so that day and hour edges are easy to place.
const T0 = Date.UTC(2026, 9, 1)
const DAYS = 40
const OPERATORS = ['ada.obi', 'bola.ade', 'chidi.eze']
const ENVS = ['production', 'sandbox', 'training'] as const
const CODES = ['10403', '-2', 'E26', 'E34']

function seeded(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31
    return s / 2 ** 31
  }
}

let temp: TempDb
let store: HistoryStore
let records: AttemptRecord[]
const NOW = T0 + DAYS * DAY_MS + 5 * HOUR_MS + 1234

beforeAll(() => {
  temp = openTempDb()
  store = createHistoryStore(temp.db)
  const random = seeded(13)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T
  for (let i = 0; i < 900; i++) {
    const startedAt = T0 - 2 * DAY_MS + Math.floor(random() * (DAYS + 2) * DAY_MS)
    const id = store.begin(newAttempt({ startedAt, operator: pick(OPERATORS), environment: pick(ENVS), paymentId: String(100_000 + i) }))
    const roll = random()
    if (roll < 0.08) continue // stays unknown
    const outcome = roll < 0.5 ? 'enrolled' : roll < 0.85 ? 'rejected' : 'failed'
    // Some rejections repeat a code; an attempt counts once per code.
    const errors: AttemptRecord['errors'] =
      outcome === 'rejected' ? [{ code: pick(CODES), message: 'x' }, ...(random() < 0.3 ? [{ code: pick(CODES), message: 'y' }] : []), ...(random() < 0.1 ? [{ code: '-2', message: 'z' }] : [])] : []
    store.complete(id, completion(outcome, { errors }))
    // A few are completed twice, with another outcome: the counts must move, not add.
    if (random() < 0.05) store.complete(id, completion('rejected', { errors: [{ code: 'E34', message: 'busy' }] }))
  }
  records = [...store.iterate({}, 500)]
})

afterAll(() => {
  store.close()
  temp.cleanup()
})

/** The same question answered by reading every record. */
function scan(filter: HistoryFilter, from: number, to: number): { counts: Record<string, number>; codes: Map<string, number> } {
  const counts: Record<string, number> = Object.fromEntries(OUTCOMES.map((o) => [o, 0]))
  const codes = new Map<string, number>()
  for (const r of records) {
    if (r.startedAt < from || r.startedAt >= to) continue
    if (filter.outcome && !filter.outcome.includes(r.outcome)) continue
    if (filter.environment && !filter.environment.includes(r.environment)) continue
    if (filter.operator !== undefined && r.operator !== filter.operator) continue
    const own = new Set(r.errors.map((e) => String(e.code)))
    if (filter.code !== undefined && !own.has(filter.code)) continue
    counts[r.outcome] = (counts[r.outcome] ?? 0) + 1
    for (const code of own) if (filter.code === undefined || code === filter.code) codes.set(code, (codes.get(code) ?? 0) + 1)
  }
  return { counts, codes }
}

function expectEqualToScan(trends: HistoryTrends, filter: HistoryFilter): void {
  expect(trends.buckets.length).toBeGreaterThan(0)
  for (const b of trends.buckets) {
    const { counts } = scan(filter, Math.max(b.start, trends.from), Math.min(b.end, trends.to))
    expect(b.counts, `bucket ${new Date(b.start).toISOString()}`).toEqual(counts)
  }
  const { codes } = scan(filter, trends.from, trends.to)
  const expected = [...codes].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, TOP_CODES)
  expect(trends.topCodes).toEqual(expected.map(([code, count]) => ({ code, count })))
  expect(trends.total).toBe(trends.buckets.reduce((s, b) => s + b.total, 0))
}

const FILTERS: [string, HistoryFilter][] = [
  ['no filter', {}],
  ['an outcome', { outcome: ['rejected', 'unknown'] }],
  ['a code', { code: 'E26' }],
  ['a code of the -2 kind', { code: '-2' }],
  ['code, environment and operator', { code: '10403', environment: ['production', 'sandbox'], operator: 'bola.ade' }],
  ['environment and operator', { environment: ['training'], operator: 'ada.obi' }],
]

describe('history trends', () => {
  describe.each([0, 60, -300, 330, 600])('UTC offset %i min', (offset) => {
    it.each(FILTERS)('per local day over 30 days equals a row scan: %s', (_name, filter) => {
      const offsetHours = Math.round(offset / 60)
      // 30 local days, as the History "30 days" range asks for them.
      const from = T0 + 5 * DAY_MS - offsetHours * HOUR_MS
      const trends = store.trends({ filter: { ...filter, from, to: from + 30 * DAY_MS }, utcOffsetMinutes: offset, nowMs: NOW })
      expect(trends.unit).toBe('day')
      expect(trends.buckets).toHaveLength(30)
      for (const b of trends.buckets) expect((b.start + offsetHours * HOUR_MS) % DAY_MS).toBe(0)
      expectEqualToScan(trends, filter)
    })

    it.each(FILTERS)('with open ranges and cut hours equals a row scan: %s', (_name, filter) => {
      const open = store.trends({ filter, utcOffsetMinutes: offset, nowMs: NOW })
      expect(open.from).toBe(Math.min(...records.map((r) => r.startedAt)))
      expect(open.to).toBe(NOW)
      expectEqualToScan(open, filter)
      const cut = store.trends({ filter: { ...filter, from: T0 + 3 * DAY_MS + 1_234_567, to: T0 + 9 * DAY_MS - 7_654_321 }, utcOffsetMinutes: offset, nowMs: NOW })
      expectEqualToScan(cut, filter)
    })
  })

  it.each(FILTERS)('per hour for a day or less, cut at both ends, equals a row scan: %s', (_name, filter) => {
    const from = T0 + 12 * DAY_MS + 17 * 60_000
    const trends = store.trends({ filter: { ...filter, from, to: from + 20 * HOUR_MS - 999 }, utcOffsetMinutes: 60, nowMs: NOW })
    expect(trends.unit).toBe('hour')
    expect(trends.buckets).toHaveLength(21)
    for (const b of trends.buckets) expect(b.end - b.start).toBe(HOUR_MS)
    expectEqualToScan(trends, filter)
    // A "last hour" range lies across two clock hours.
    const lastHour = store.trends({ filter: { ...filter, from: from + 2 * HOUR_MS }, utcOffsetMinutes: 60, nowMs: from + 3 * HOUR_MS })
    expect(lastHour.buckets).toHaveLength(2)
    expectEqualToScan(lastHour, filter)
  })

  it('shows nothing for an empty or reversed range, and the newest days of a very long one', () => {
    expect(store.trends({ filter: { from: 10, to: 10 }, utcOffsetMinutes: 0, nowMs: NOW }).buckets).toEqual([])
    const long = store.trends({ filter: { from: T0 - 1000 * DAY_MS }, utcOffsetMinutes: 0, nowMs: NOW })
    expect(long.clipped).toBe(true)
    expect(long.buckets).toHaveLength(MAX_DAY_BUCKETS)
    expect(long.buckets.at(-1)?.start).toBe(T0 + DAYS * DAY_MS)
    expect(long.from).toBe(long.buckets[0]?.start)
  })

  it('counts nothing on a database without attempts', () => {
    const other = openTempDb()
    try {
      const empty = createHistoryStore(other.db).trends({ filter: {}, utcOffsetMinutes: 60, nowMs: NOW })
      expect(empty).toMatchObject({ buckets: [], topCodes: [], total: 0 })
    } finally {
      other.cleanup()
    }
  })
})

describe('trends query plan', () => {
  function plansOf(run: (statement: (sql: string) => ReturnType<DatabaseSync['prepare']>) => void): string[][] {
    const plans: string[][] = []
    run((sql) => {
      const statement = temp.db.prepare(sql)
      const explain = temp.db.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      return new Proxy(statement, {
        get(target, prop) {
          if (prop !== 'all' && prop !== 'get') return Reflect.get(target, prop)
          return (...params: never[]) => {
            plans.push((explain.all(...params) as { detail: string }[]).map((r) => r.detail))
            return (target[prop] as (...p: never[]) => unknown).apply(target, params)
          }
        },
      })
    })
    return plans
  }

  it('reads only the count tables for whole local days, and never scans a table', () => {
    for (const offset of [0, 60]) {
      const from = T0 + 5 * DAY_MS - (offset / 60) * HOUR_MS
      const plans = plansOf((statement) => historyTrends(statement, { filter: { outcome: ['rejected'], from, to: from + 30 * DAY_MS }, utcOffsetMinutes: offset, nowMs: NOW }))
      const lines = plans.flat()
      expect(lines.some((l) => /attempts\b|\ba\b/.test(l.replace(/attempt_\w+/g, '')))).toBe(false)
      // Day tables by a range of days; hour tables only by seeks on listed hours.
      const allowed = [/^SEARCH attempt_(code_)?day_(counts|totals) USING PRIMARY KEY \(day>\? AND day<\?\)$/, /^SEARCH attempt_(code_)?hour_(counts|totals) USING PRIMARY KEY \(hour=\?/, /^LIST SUBQUERY \d+$/, /^SCAN json_each VIRTUAL TABLE/, /^USE TEMP B-TREE/]
      for (const l of lines) expect(allowed.some((re) => re.test(l)), l).toBe(true)
      // UTC: two day-table reads (outcomes, codes); Lagos: plus one hour-table read for each.
      expect(plans.filter((p) => p.some((l) => /day_(counts|totals)/.test(l)))).toHaveLength(2)
      expect(plans.filter((p) => p.some((l) => /hour_(counts|totals)/.test(l)))).toHaveLength(offset === 0 ? 0 : 2)
    }
  })

  it('uses the totals without an environment or operator filter, the full counts with one', () => {
    const tablesRead = (filter: HistoryFilter) =>
      new Set(plansOf((statement) => historyTrends(statement, { filter: { ...filter, from: T0 + 5 * HOUR_MS, to: T0 + 10 * DAY_MS }, utcOffsetMinutes: 60, nowMs: NOW })).flat().map((l) => /attempt_\w+/.exec(l)?.[0]).filter(Boolean))
    expect(tablesRead({ outcome: ['enrolled'] })).toEqual(new Set(['attempt_day_totals', 'attempt_hour_totals', 'attempt_code_day_totals', 'attempt_code_hour_totals']))
    expect(tablesRead({ code: 'E26' })).toEqual(new Set(['attempt_code_day_totals', 'attempt_code_hour_totals']))
    expect(tablesRead({ operator: 'ada.obi' })).toEqual(new Set(['attempt_day_counts', 'attempt_hour_counts', 'attempt_code_day_counts', 'attempt_code_hour_counts']))
  })

  it('reads attempts only through the time index, for the parts of hours a range cuts', () => {
    const from = T0 + 3 * DAY_MS + 1_234_567
    const plans = plansOf((statement) => historyTrends(statement, { filter: { from, to: from + 9 * DAY_MS }, utcOffsetMinutes: 60, nowMs: NOW }))
    const rowReads = plans.flat().filter((l) => /\b(a|attempts|attempt_codes)\b/.test(l))
    expect(rowReads.length).toBeGreaterThan(0)
    for (const l of rowReads) expect(l).toMatch(/^SEARCH a USING (COVERING )?INDEX attempts_started \(started_at>\? AND started_at<\?\)/)
  })

  it('counts by the code tables after the migration backfills them from existing attempts', () => {
    const tables = ['attempt_hour_counts', 'attempt_code_day_counts', 'attempt_code_hour_counts', 'attempt_day_totals', 'attempt_hour_totals', 'attempt_code_day_totals', 'attempt_code_hour_totals']
    const snapshot = () => tables.map((t) => temp.db.prepare(`SELECT * FROM ${t} WHERE n != 0`).all().map((row) => JSON.stringify(row)).sort())
    const kept = snapshot()
    expect(kept.every((rows) => rows.length > 0)).toBe(true)
    // An older database: version 2, no trend tables, attempts already there.
    for (const t of tables) temp.db.exec(`DROP TABLE ${t}`)
    temp.db.exec('PRAGMA user_version = 2')
    // Up to the trend counts (3): the later migrations' tables are still there.
    runMigrations(temp.db, APP_MIGRATIONS.filter((m) => m.version <= 3))
    expect(snapshot()).toEqual(kept)
  })
})
