import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRunStore } from '../bulk/runStore.ts'
import { createHistoryStore } from './historyStore.ts'
import { completion, newAttempt, openTempDb, type TempDb } from './testFixtures.ts'
import type { HistoryStore } from './types.ts'

// History filtered by bulk run (filter.runId): only the attempts linked to that run's rows,
// whichever plan reads them (the run's rows, or the time index), in pages and in counts.

let temp: TempDb
beforeEach(() => {
  temp = openTempDb()
})
afterEach(() => temp.cleanup())

function seed(store: HistoryStore) {
  const runs = createRunStore(temp.db, { now: () => 1 })
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ line: i + 1, values: [], paymentId: String(100 + i), phone: '2348031234567', transactionRef: `R${i}`, category: 'ready' as const, send: true }))
  const meta = { fileName: 'a.csv', fileFingerprint: 'x', environment: 'sandbox' as const, baseUrl: 'https://s', header: [], mapping: {}, concurrency: 1, rate: null, operator: 'ada', retryOfRun: null }
  const a = runs.create(meta, rows(6))
  const b = runs.create(meta, rows(3))
  const linked: Record<number, number[]> = { [a.id]: [], [b.id]: [] }
  let t = 1_700_000_000_000
  for (const [run, count] of [[a.id, 6], [b.id, 3]] as const) {
    for (let row = 1; row <= count; row++) {
      temp.db.exec('BEGIN IMMEDIATE')
      const id = store.begin(newAttempt({ paymentId: String(100 + row), startedAt: (t += 1000) }))
      runs.linkAttempt(run, row, id)
      temp.db.exec('COMMIT')
      store.complete(id, completion(row % 2 ? 'enrolled' : 'rejected'))
      linked[run]?.push(id)
    }
    // Attempts outside any run, in between.
    store.begin(newAttempt({ startedAt: (t += 1000) }))
  }
  return { a: a.id, b: b.id, linked }
}

describe('history filtered by bulk run', () => {
  it.each([
    ['through the run rows', {}],
    ['through the time index', { driverCap: 1 }],
  ])('pages and counts only that run’s attempts (%s)', (_, planner) => {
    const store = createHistoryStore(temp.db, { planner })
    const { a, b, linked } = seed(store)
    for (const run of [a, b]) {
      const ids = store.page({ filter: { runId: run }, limit: 100 }).rows.map((r) => r.id)
      expect(ids.sort((x, y) => x - y)).toEqual(linked[run])
      expect(store.count({ runId: run })).toBe(linked[run]?.length)
    }
    const rejected = store.page({ filter: { runId: a, outcome: ['rejected'] }, limit: 100 }).rows
    expect(rejected).toHaveLength(3)
    expect(store.count({ runId: a, outcome: ['rejected'] })).toBe(3)
    expect(store.count({ runId: 999 })).toBe(0)
    // Paging with a cursor keeps to the run.
    const first = store.page({ filter: { runId: a }, limit: 4 })
    const second = store.page({ filter: { runId: a }, limit: 4, cursor: first.nextCursor ?? undefined })
    expect([...first.rows, ...second.rows].map((r) => r.id).sort((x, y) => x - y)).toEqual(linked[a])
  })
})
