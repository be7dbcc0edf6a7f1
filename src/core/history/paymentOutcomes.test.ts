import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { completion, newAttempt, openTempHistory, type TempDb } from './testFixtures.ts'
import type { HistoryStore } from './types.ts'
import { PAYMENT_LOOKUP_CHUNK, PAYMENT_OUTCOMES_SQL } from './paymentOutcomes.ts'

let temp: TempDb
let store: HistoryStore
beforeEach(() => ({ temp, store } = openTempHistory()))
afterEach(() => temp.cleanup())

function attempt(paymentId: string, outcome: 'enrolled' | 'rejected' | 'failed' | 'unknown', startedAt: number): number {
  const id = store.begin(newAttempt({ paymentId, startedAt }))
  if (outcome !== 'unknown') store.complete(id, completion(outcome))
  return id
}

describe('payment outcomes for many payment ids at once', () => {
  it('finds payments with an enrolled or unknown attempt, enrolled first, newest attempt of that outcome', () => {
    const unknownOnly = attempt('100', 'unknown', 1_000)
    attempt('200', 'unknown', 1_000)
    const enrolled = attempt('200', 'enrolled', 2_000)
    attempt('200', 'unknown', 3_000)
    attempt('300', 'rejected', 1_000)
    attempt('400', 'failed', 1_000)
    attempt('500', 'enrolled', 1_000)
    const newestEnrolled = attempt('500', 'enrolled', 5_000)
    const found = store.paymentOutcomes(['100', '200', '300', '400', '500', '600'])
    expect(Object.fromEntries(found)).toEqual({
      '100': { outcome: 'unknown', attemptId: unknownOnly },
      '200': { outcome: 'enrolled', attemptId: enrolled },
      '500': { outcome: 'enrolled', attemptId: newestEnrolled },
    })
  })

  it('looks up more ids than one query holds, and repeated ids', () => {
    const ids = Array.from({ length: PAYMENT_LOOKUP_CHUNK * 2 + 7 }, (_, i) => String(10_000 + i))
    const marked = [ids[0], ids[PAYMENT_LOOKUP_CHUNK], ids.at(-1)] as string[]
    for (const id of marked) attempt(id, 'enrolled', 1_000)
    expect([...store.paymentOutcomes([...ids, ...ids]).keys()].sort()).toEqual([...marked].sort())
    expect(store.paymentOutcomes([]).size).toBe(0)
  })

  it('reads the payment index, not the whole table', () => {
    const ids = Array.from({ length: PAYMENT_LOOKUP_CHUNK }, (_, i) => String(i))
    const plan = (temp.db.prepare(`EXPLAIN QUERY PLAN ${PAYMENT_OUTCOMES_SQL}`).all(...ids) as { detail: string }[]).map((row) => row.detail).join('\n')
    expect(plan).toContain('USING INDEX attempts_payment (payment_id=?)')
  })
})
