import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { createHistoryStore } from './historyStore.ts'
import { purgeAttemptsBefore } from './historyPurge.ts'
import { TREND_COUNT_TABLES } from './trendSchema.ts'
import { completion, newAttempt, openTempDb, type TempDb } from './testFixtures.ts'
import type { HistoryStore } from './types.ts'

// A retention purge removes exactly the attempts older than the cut-off, and leaves the
// derived tables (search index, codes, day counts) agreeing with what is left.
const DAY = 86_400_000
const CUTOFF = Date.UTC(2025, 5, 15, 12) // mid-day, so one UTC day is cut in two
const OUTCOMES: AttemptRecord['outcome'][] = ['enrolled', 'rejected', 'failed', 'unknown']

let t: TempDb
let history: HistoryStore
beforeEach(() => {
  t = openTempDb()
  history = createHistoryStore(t.db)
})
afterEach(() => t.cleanup())

/** 60 attempts around the cut-off (every 6 hours over 15 days), mixed outcomes, unique phones. */
function seed(): { oldIds: number[]; newIds: number[] } {
  const oldIds: number[] = []
  const newIds: number[] = []
  for (let i = 0; i < 60; i++) {
    const startedAt = CUTOFF - 7 * DAY + i * 6 * 3_600_000 + (i % 2 === 0 ? 0 : -1)
    const outcome = OUTCOMES[i % 4] as AttemptRecord['outcome']
    const id = history.begin(
      newAttempt({ startedAt, paymentId: String(500_000 + i), phone: `23480${String(10_000_000 + i * 7919).slice(-8)}`, transactionRef: `JB-${i}-Enrol`, operator: i % 3 ? 'ada' : 'obi' }),
    )
    if (outcome !== 'unknown') history.complete(id, completion(outcome, { finishedAt: startedAt + 900 }))
    ;(startedAt < CUTOFF ? oldIds : newIds).push(id)
  }
  return { oldIds, newIds }
}

const allIds = () => (t.db.prepare('SELECT id FROM attempts ORDER BY id').all() as { id: number }[]).map((r) => r.id)
const ftsIds = (term: string) =>
  (t.db.prepare('SELECT rowid AS id FROM attempt_search WHERE attempt_search MATCH ? ORDER BY rowid').all(`"${term}"`) as { id: number }[]).map((r) => r.id)

describe('purgeAttemptsBefore', () => {
  it('removes exactly the attempts started before the cut-off, and nothing else', () => {
    const { oldIds, newIds } = seed()
    expect(oldIds.length).toBeGreaterThan(10)
    expect(newIds.length).toBeGreaterThan(10)
    const kept = newIds.map((id) => history.get(id))

    expect(purgeAttemptsBefore(t.db, CUTOFF, 7)).toBe(oldIds.length) // small batches: several transactions
    expect(allIds()).toEqual(newIds)
    expect(newIds.map((id) => history.get(id))).toEqual(kept)
    for (const id of oldIds) expect(history.get(id)).toBeUndefined()
    expect(purgeAttemptsBefore(t.db, CUTOFF)).toBe(0)
  })

  it('keeps the search index, the codes and the day counts consistent with the rows left', () => {
    const { oldIds, newIds } = seed()
    const oldRecord = history.get(oldIds[0] as number) as AttemptRecord
    purgeAttemptsBefore(t.db, CUTOFF)

    // Search index: the purged rows are gone from it, the others still found.
    expect(ftsIds('JB-')).toEqual(newIds)
    expect(ftsIds(oldRecord.phone.slice(-6, -3))).toEqual(expect.not.arrayContaining(oldIds))
    expect(history.page({ filter: { search: oldRecord.paymentId }, limit: 10 }).rows).toEqual([])
    const newest = history.get(newIds.at(-1) as number) as AttemptRecord
    expect(history.page({ filter: { search: newest.phone.slice(-6) }, limit: 10 }).rows.map((r) => r.id)).toEqual([newest.id])
    expect(t.db.prepare(`INSERT INTO attempt_search (attempt_search, rank) VALUES ('integrity-check', 0)`).run()).toBeTruthy()

    // Codes: only surviving attempts, and the code filter agrees with the rows.
    const codeRows = t.db.prepare('SELECT attempt_id FROM attempt_codes ORDER BY attempt_id').all() as { attempt_id: number }[]
    for (const row of codeRows) expect(newIds).toContain(row.attempt_id)
    const rejectedLeft = newIds.filter((id) => history.get(id)?.outcome === 'rejected').length
    expect(history.count({ code: '10403' })).toBe(rejectedLeft)

    // Day counts: every count answered from attempt_day_counts equals a count of the rows.
    const cells = t.db.prepare('SELECT sum(n) AS n, min(n) AS least FROM attempt_day_counts').get() as { n: number; least: number }
    expect(cells.n).toBe(newIds.length)
    expect(cells.least).toBeGreaterThanOrEqual(0)
    expect(t.db.prepare('SELECT count(*) AS n FROM attempt_day_counts WHERE day < ?').get(Math.floor(CUTOFF / DAY))).toEqual({ n: 0 })
    for (const outcome of OUTCOMES) {
      const exact = (t.db.prepare('SELECT count(*) AS n FROM attempts WHERE outcome = ?').get(outcome) as { n: number }).n
      expect(history.count({ outcome: [outcome], from: CUTOFF - 30 * DAY, to: CUTOFF + 30 * DAY })).toBe(exact)
    }
    expect(history.count({})).toBe(newIds.length)
  })

  it('keeps the trend counts equal to counts of the rows left, with no empty cells', () => {
    seed()
    purgeAttemptsBefore(t.db, CUTOFF, 7)
    const rows = (sql: string) => t.db.prepare(sql).all()
    expect(rows('SELECT hour, outcome, environment, operator, n FROM attempt_hour_counts ORDER BY 1, 2, 3, 4')).toEqual(
      rows(`SELECT started_at / 3600000 AS hour, outcome, environment, operator, count(*) AS n FROM attempts GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
    )
    expect(rows('SELECT day, outcome, n FROM attempt_day_totals ORDER BY 1, 2')).toEqual(
      rows(`SELECT started_at / 86400000 AS day, outcome, count(*) AS n FROM attempts GROUP BY 1, 2 ORDER BY 1, 2`),
    )
    expect(rows('SELECT day, code, outcome, n FROM attempt_code_day_totals ORDER BY 1, 2, 3')).toEqual(
      rows(`SELECT c.started_at / 86400000 AS day, c.code, a.outcome, count(*) AS n FROM attempt_codes c JOIN attempts a ON a.id = c.attempt_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`),
    )
    for (const table of TREND_COUNT_TABLES) expect(t.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE n <= 0`).get()).toEqual({ n: 0 })
  })

  it('clears the link of a later retry whose original was purged, and keeps the retry', () => {
    const original = history.begin(newAttempt({ startedAt: CUTOFF - DAY }))
    const retry = history.begin(newAttempt({ startedAt: CUTOFF + DAY, retryOf: original, transactionRef: 'JB-2-Enrol' }))
    expect(purgeAttemptsBefore(t.db, CUTOFF)).toBe(1)
    expect(history.get(retry)).toMatchObject({ id: retry, retryOf: null })
  })

  it('leaves no purged phone number in the database file', () => {
    const phone = '2348099990001'
    history.begin(newAttempt({ startedAt: CUTOFF - DAY, phone }))
    history.begin(newAttempt({ startedAt: CUTOFF + DAY, phone: '2348011112222' }))
    t.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    expect(readFileSync(t.path).includes(phone)).toBe(true)
    purgeAttemptsBefore(t.db, CUTOFF)
    expect(readFileSync(t.path).includes(phone)).toBe(false)
    expect(readFileSync(`${t.path}-wal`).includes(phone)).toBe(false)
    expect(readFileSync(t.path).includes('2348011112222')).toBe(true)
  })
})
