import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AttemptSummary } from '../../shared/domain/attempt.ts'
import type { EnvironmentId } from '../../shared/domain/environments.ts'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import type { Outcome } from '../../shared/domain/outcome.ts'
import { phoneSearchDigits } from '../../shared/domain/phone.ts'
import { createHistoryStore } from './historyStore.ts'
import { completion, newAttempt, openTempDb, type TempDb } from './testFixtures.ts'
import type { HistoryStore } from './types.ts'

// Every filter, sort and page boundary checked against a plain in-memory implementation of
// the rules, with the planner's thresholds shrunk so that a few hundred rows exercise every
// plan (window, continued scan, each driver) as well as with the default thresholds.

const OUTCOMES: Outcome[] = ['enrolled', 'rejected', 'failed', 'unknown']
const ENVS: EnvironmentId[] = ['training', 'sandbox', 'production', 'custom']
const OPERATORS = ['ada', 'bola', 'chidi', 'dayo', 'rare.one']
const CODES = ['10403', '-2', 'E26', 'E24']
const SORTS = ['time-desc', 'time-asc', 'latency-desc', 'latency-asc'] as const

function random(seed: number) {
  let a = seed
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648
    return a / 2147483648
  }
}

interface Row extends AttemptSummary {
  codes: string[]
}

let temp: TempDb
const rows: Row[] = []
const stores: Record<string, HistoryStore> = {}

beforeAll(() => {
  temp = openTempDb()
  const writer = createHistoryStore(temp.db)
  const r = random(3)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T
  for (let i = 0; i < 400; i++) {
    // Many equal start times and durations, so that ties are broken by id.
    const startedAt = 1_000_000 + Math.floor(r() * 120) * 1000
    const paymentId = String(100000 + Math.floor(r() * 60) * 7919)
    const phone = `234${pick(['803', '806', '705', '810'])}${String(Math.floor(r() * 1e7)).padStart(7, '0')}`
    const transactionRef = r() < 0.8 ? `JB-${Math.floor(startedAt / 1000)}-Enrol` : `Ticket-${pick(['AB', 'cd', 'Éf'])}${i}`
    const attempt = newAttempt({ startedAt, paymentId, phone, transactionRef, environment: pick(ENVS), operator: i % 97 === 0 ? 'rare.one' : pick(OPERATORS.slice(0, 4)) })
    const id = writer.begin(attempt)
    const outcome = pick(OUTCOMES)
    const codes = outcome === 'rejected' ? [pick(CODES), ...(r() < 0.2 ? [pick(CODES)] : [])] : []
    const crashed = outcome === 'unknown' && r() < 0.5
    const durationMs = crashed ? null : Math.floor(r() * 20) * 50
    if (!crashed) writer.complete(id, completion(outcome, { errors: codes.map((code) => ({ code, message: code })), durationMs }))
    rows.push({
      id,
      startedAt,
      finishedAt: null,
      environment: attempt.environment,
      channel: attempt.channel,
      operator: attempt.operator,
      paymentId,
      phone,
      transactionRef,
      outcome,
      httpStatus: null,
      durationMs,
      retryOf: null,
      errorCodes: [],
      codes,
    })
  }
  stores.default = writer
  stores.tiny = createHistoryStore(temp.db, { planner: { windowRows: 5, rowWindowRows: 3, driverCap: 12, searchCap: 12 } })
  stores.noWindow = createHistoryStore(temp.db, { planner: { windowRows: 1, rowWindowRows: 1, driverCap: 1_000_000, searchCap: 1_000_000 } })
  stores.noDrivers = createHistoryStore(temp.db, { planner: { windowRows: 2, rowWindowRows: 2, driverCap: 0, searchCap: 0 } })
})
afterAll(() => temp.cleanup())

/** The rules, written plainly. */
function expected(filter: HistoryFilter): number[] {
  const search = filter.search?.trim()
  const digits = search && /^[\d\s+().-]+$/.test(search) ? phoneSearchDigits(search) : ''
  const matches = rows.filter(
    (row) =>
      (!filter.outcome?.length || filter.outcome.includes(row.outcome)) &&
      (!filter.environment?.length || filter.environment.includes(row.environment)) &&
      (filter.operator === undefined || row.operator === filter.operator) &&
      (filter.code === undefined || row.codes.includes(filter.code)) &&
      (filter.from === undefined || row.startedAt >= filter.from) &&
      (filter.to === undefined || row.startedAt < filter.to) &&
      (filter.paymentId === undefined || row.paymentId === filter.paymentId) &&
      (!search ||
        row.paymentId.includes(search) ||
        row.transactionRef.toLowerCase().includes(search.toLowerCase()) ||
        (digits !== '' && row.phone.includes(digits))),
  )
  const sort = filter.sort ?? 'time-desc'
  const key = (row: Row) => (sort.startsWith('time') ? row.startedAt : (row.durationMs ?? -1))
  const dir = sort.endsWith('desc') ? -1 : 1
  return matches.sort((a, b) => dir * (key(a) - key(b) || a.id - b.id)).map((row) => row.id)
}

function allPages(store: HistoryStore, filter: HistoryFilter, limit: number): number[] {
  const ids: number[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 1000; pages++) {
    const page = store.page({ filter, cursor, limit })
    expect(page.rows.length).toBeLessThanOrEqual(limit)
    ids.push(...page.rows.map((row) => row.id))
    if (page.nextCursor === null) return ids
    expect(page.rows).toHaveLength(limit)
    cursor = page.nextCursor
  }
  throw new Error('paging did not end')
}

const sample = () => rows[137] as Row
const FILTERS: [string, () => HistoryFilter][] = [
  ['no filter', () => ({})],
  ['one outcome', () => ({ outcome: ['failed'] })],
  ['two outcomes', () => ({ outcome: ['unknown', 'rejected'] })],
  ['environment', () => ({ environment: ['custom'] })],
  ['operator', () => ({ operator: 'bola' })],
  ['rare operator', () => ({ operator: 'rare.one' })],
  ['code', () => ({ code: 'E26' })],
  ['absent code', () => ({ code: 'E99' })],
  ['date range', () => ({ from: 1_030_000, to: 1_070_000 })],
  ['payment id', () => ({ paymentId: sample().paymentId })],
  ['search: payment id prefix', () => ({ search: sample().paymentId.slice(0, 4) })],
  ['search: payment id substring', () => ({ search: sample().paymentId.slice(2, 6) })],
  ['search: local phone form', () => ({ search: `0${sample().phone.slice(3, 6)} ${sample().phone.slice(6, 8)}` })],
  ['search: trailing phone digits', () => ({ search: sample().phone.slice(-4) })],
  ['search: reference, any case', () => ({ search: 'tICKET-c' })],
  ['search: short', () => ({ search: '7' })],
  ['search: two characters', () => ({ search: 'cd' })],
  ['search: nothing matches', () => ({ search: 'zzzz' })],
  ['combined', () => ({ outcome: ['rejected', 'failed'], environment: ['sandbox', 'production'], operator: 'ada', from: 1_010_000 })],
  ['combined with code and search', () => ({ code: '10403', environment: ['training', 'custom', 'sandbox'], search: '803' })],
]

describe('page() against the plain rules', () => {
  for (const [name, make] of FILTERS) {
    for (const sort of SORTS) {
      it(`${name}, ${sort}: every plan returns exactly the matching rows, in order, without gaps or repeats`, () => {
        const filter = { ...make(), sort }
        const want = expected(filter)
        for (const [plan, store] of Object.entries(stores)) {
          expect(allPages(store, filter, 7), plan).toEqual(want)
        }
        expect(stores.default?.page({ filter, limit: 500 }).rows.map((r) => r.id)).toEqual(want)
        expect(stores.tiny?.count(filter)).toBe(want.length)
        expect(stores.default?.count(filter)).toBe(want.length)
      })
    }
  }

  it('the fixture covers the interesting cases (guards the test itself)', () => {
    expect(expected({ search: `0${sample().phone.slice(3, 6)} ${sample().phone.slice(6, 8)}` })).toContain(sample().id)
    expect(expected({ search: sample().phone.slice(-4) })).toContain(sample().id)
    expect(expected({ operator: 'rare.one' }).length).toBeGreaterThan(2)
    expect(expected({ code: 'E26' }).length).toBeGreaterThan(12)
    expect(expected({ search: 'tICKET-c' }).length).toBeGreaterThan(0)
    expect(rows.some((r) => r.durationMs === null)).toBe(true)
  })
})

describe('page() while attempts are being written', () => {
  for (const sort of SORTS) {
    it(`${sort}: pages have no gaps or repeats when new attempts arrive between calls`, () => {
      const temp2 = openTempDb()
      try {
        const store = createHistoryStore(temp2.db, { planner: { windowRows: 4, rowWindowRows: 2, driverCap: 6, searchCap: 6 } })
        const add = (startedAt: number, durationMs: number) => {
          const id = store.begin(newAttempt({ startedAt, operator: startedAt % 2 ? 'ada' : 'bola' }))
          store.complete(id, completion('enrolled', { durationMs }))
          return id
        }
        const before: number[] = []
        for (let i = 0; i < 40; i++) before.push(add(1000 + (i % 13) * 10, (i * 7) % 5))
        const seen: number[] = []
        let cursor: string | undefined
        let t = 5000
        for (;;) {
          const page = store.page({ filter: { sort }, cursor, limit: 6 })
          seen.push(...page.rows.map((r) => r.id))
          // New attempts: newer than everything, and some equal to existing keys.
          add(t++, 2)
          add(1000, 0)
          if (!page.nextCursor) break
          cursor = page.nextCursor
        }
        expect(new Set(seen).size).toBe(seen.length)
        expect(seen.filter((id) => before.includes(id)).sort((a, b) => a - b)).toEqual(before)
      } finally {
        temp2.cleanup()
      }
    })
  }
})

describe('page() input', () => {
  it('rejects a cursor that is not one of its own, naming the cursor', () => {
    const store = stores.default as HistoryStore
    expect(() => store.page({ filter: {}, cursor: 'not-a-cursor', limit: 5 })).toThrow(/cursor/)
    const timeCursor = store.page({ filter: {}, limit: 5 }).nextCursor ?? ''
    expect(() => store.page({ filter: { sort: 'latency-asc' }, cursor: timeCursor, limit: 5 })).toThrow(/cursor/)
  })

  it('rejects a limit below 1', () => {
    expect(() => stores.default?.page({ filter: {}, limit: 0 })).toThrow(RangeError)
  })

  it('summaries carry the error codes', () => {
    const rejected = rows.find((r) => r.codes.length === 2) as Row
    const page = stores.default?.page({ filter: { paymentId: rejected.paymentId }, limit: 100 })
    expect(page?.rows.find((r) => r.id === rejected.id)?.errorCodes).toEqual(rejected.codes)
  })
})
