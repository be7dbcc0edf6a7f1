import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AttemptSummary } from '../../../shared/domain/attempt.ts'
import type { HistoryPage } from '../../../shared/domain/historyViews.ts'
import type { Result } from '../../../shared/domain/result.ts'
import { installBridge } from '../api/bridge.ts'
import { deferred, fakeBridge } from './fakeBridge.test-helpers.ts'
import { PAGE_SIZE, useHistoryStore } from './history.ts'

const summary = (id: number): AttemptSummary => ({
  id,
  startedAt: id,
  finishedAt: id,
  environment: 'training',
  channel: 'console',
  operator: 'ada',
  paymentId: String(id),
  phone: '2348031234567',
  transactionRef: `JB-${id}-Enrol`,
  outcome: 'enrolled',
  httpStatus: 200,
  durationMs: 10,
  retryOf: null,
  errorCodes: [],
})

describe('history store', () => {
  beforeEach(() => {
    installBridge(null)
    setActivePinia(createPinia())
  })

  it('pages with the keyset cursor and appends', async () => {
    const fake = fakeBridge({
      queryHistory: (r) => {
        const { cursor } = r as { cursor?: string }
        return cursor
          ? { ok: true, value: { rows: [summary(3)], nextCursor: null } }
          : { ok: true, value: { rows: [summary(1), summary(2)], nextCursor: 'c2' } }
      },
      countHistory: () => ({ ok: true, value: { total: 3 } }),
    })
    installBridge(fake.bridge)
    const store = useHistoryStore()
    await store.apply({ outcome: ['enrolled'] })
    expect(store.rows.map((r) => r.id)).toEqual([1, 2])
    expect(store.total).toBe(3)
    expect(store.hasMore).toBe(true)
    const before = store.rows
    const resultId = store.resultId
    await store.loadMore()
    expect(store.rows.map((r) => r.id)).toEqual([1, 2, 3])
    expect(store.rows).not.toBe(before) // a new array, so components see the change
    expect(store.resultId).toBe(resultId) // …but the same result set
    expect(store.hasMore).toBe(false)
    expect(fake.callsOf('queryHistory')[1]?.request).toEqual({ filter: { outcome: ['enrolled'] }, cursor: 'c2', limit: PAGE_SIZE })
    await store.loadMore() // at the end: no call
    expect(fake.callsOf('queryHistory')).toHaveLength(2)
  })

  it('drops an answer for a filter that was replaced meanwhile', async () => {
    const slow = deferred<Result<HistoryPage>>()
    let n = 0
    const fake = fakeBridge({
      queryHistory: () => (++n === 1 ? slow.promise : { ok: true, value: { rows: [summary(9)], nextCursor: null } }),
    })
    installBridge(fake.bridge)
    const store = useHistoryStore()
    const first = store.apply({ code: 'E26' })
    await store.apply({ code: 'E24' })
    slow.resolve({ ok: true, value: { rows: [summary(1)], nextCursor: 'x' } })
    await first
    expect(store.rows.map((r) => r.id)).toEqual([9])
    expect(store.filter).toEqual({ code: 'E24' })
    expect(store.hasMore).toBe(false)
  })

  it('keeps the error of a failed query', async () => {
    installBridge(fakeBridge({ queryHistory: () => ({ ok: false, error: { code: 'internal', message: 'db locked' } }) }).bridge)
    const store = useHistoryStore()
    await store.apply({})
    expect(store.error?.message).toBe('db locked')
    expect(store.rows).toEqual([])
  })
})
