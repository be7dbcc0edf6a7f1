import { afterEach, describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { immediateTransaction } from '../storage/transaction.ts'
import { completion, newAttempt, openTempHistory, type TempDb } from './testFixtures.ts'
import type { HistoryStore } from './types.ts'

// countBatch sums the count tables' deltas of many writes: the tables must end exactly as the
// same writes one by one leave them (every count table, every cell, zero cells included).

const COUNT_TABLES = [
  'attempt_day_counts',
  'attempt_hour_counts',
  'attempt_day_totals',
  'attempt_hour_totals',
  'attempt_code_day_counts',
  'attempt_code_hour_counts',
  'attempt_code_day_totals',
  'attempt_code_hour_totals',
]

const opened: TempDb[] = []
afterEach(() => opened.splice(0).forEach((t) => t.cleanup()))

function history(): { temp: TempDb; store: HistoryStore } {
  const h = openTempHistory()
  opened.push(h.temp)
  return h
}

function countTables(temp: TempDb): Record<string, unknown[]> {
  const sorted = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort().map((text) => JSON.parse(text) as unknown)
  return Object.fromEntries(COUNT_TABLES.map((table) => [table, sorted(temp.db.prepare(`SELECT * FROM ${table}`).all())]))
}

const HOUR = 3_600_000
const OUTCOMES: { outcome: AttemptRecord['outcome']; errors: AttemptRecord['errors'] }[] = [
  { outcome: 'enrolled', errors: [] },
  { outcome: 'rejected', errors: [{ code: '10403', message: 'Payments is not allowed for auto enrollment' }] },
  { outcome: 'rejected', errors: [{ code: 'E34', message: 'System busy' }, { code: 'E16', message: 'x' }] },
  { outcome: 'failed', errors: [] },
  { outcome: 'unknown', errors: [] },
]

/** Cycles as a bulk run makes them: each completes the attempts begun by the cycle before and begins new ones. */
function cycles(store: HistoryStore, inBatch: boolean): void {
  let open: number[] = []
  for (let cycle = 0; cycle < 12; cycle++) {
    const work = () => {
      for (const [i, id] of open.entries()) {
        const { outcome, errors } = OUTCOMES[(cycle + i) % OUTCOMES.length]!
        store.complete(id, completion(outcome, { errors }))
      }
      // Two operators, two environments, attempts across an hour and a day boundary.
      // Begun and finished within one cycle, in an hour of its own: its unknown cells sum to 0 there.
      if (cycle % 5 === 2) store.complete(store.begin(newAttempt({ paymentId: `${cycle}99`, startedAt: 1_700_000_000_000 + cycle * 2 * HOUR + HOUR })), completion('enrolled'))
      open = Array.from({ length: 1 + (cycle % 4) }, (_, i) =>
        store.begin(newAttempt({ paymentId: `${cycle}0${i}`, operator: i % 2 ? 'ada.obi' : 'bo.eze', environment: i % 3 ? 'sandbox' : 'production', startedAt: 1_700_000_000_000 + cycle * 2 * HOUR + i })),
      )
    }
    if (inBatch) store.countBatch(work)
    else work()
  }
}

describe('countBatch', () => {
  it('leaves every count table as the same writes one by one do', () => {
    const oneByOne = history()
    const batched = history()
    cycles(oneByOne.store, false)
    cycles(batched.store, true)
    const expected = countTables(oneByOne.temp)
    expect(expected.attempt_code_day_counts).not.toHaveLength(0)
    expect(expected.attempt_hour_counts).toContainEqual(expect.objectContaining({ outcome: 'unknown', n: 0 }))
    expect(countTables(batched.temp)).toEqual(expected)
  })

  it('writes nothing of a batch whose transaction is rolled back', () => {
    const { temp, store } = history()
    const id = store.begin(newAttempt())
    const before = countTables(temp)
    expect(() =>
      immediateTransaction(temp.db, () =>
        store.countBatch(() => {
          store.complete(id, completion('enrolled'))
          store.begin(newAttempt({ paymentId: '777' }))
          throw new Error('the disk is full')
        }),
      ),
    ).toThrow('the disk is full')
    expect(countTables(temp)).toEqual(before)
    // And the next writes count one by one again.
    store.complete(id, completion('enrolled'))
    expect(temp.db.prepare("SELECT n FROM attempt_day_totals WHERE outcome = 'enrolled'").get()).toEqual({ n: 1 })
  })

  it('opens its own transaction when none is open: the attempts and their counts commit together', () => {
    const { temp, store } = history()
    expect(() =>
      store.countBatch(() => {
        store.begin(newAttempt())
        throw new Error('stop')
      }),
    ).toThrow('stop')
    expect(temp.db.prepare('SELECT count(*) AS n FROM attempts').get()).toEqual({ n: 0 })
    expect(countTables(temp).attempt_day_totals).toEqual([])
  })
})
