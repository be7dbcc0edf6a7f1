import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { HistoryTrends } from '../../../shared/domain/historyViews.ts'
import type { Result } from '../../../shared/domain/result.ts'
import { installBridge } from '../api/bridge.ts'
import { deferred, fakeBridge } from './fakeBridge.test-helpers.ts'
import { chartFilter, useTrendsStore } from './trends.ts'

const answer = (total: number): HistoryTrends => ({ unit: 'day', from: 0, to: 1, clipped: false, buckets: [], topCodes: [], total })

describe('trends store', () => {
  beforeEach(() => {
    installBridge(null)
    setActivePinia(createPinia())
  })

  it('asks for the filter without search text, payment id or sort, with the window’s UTC offset', async () => {
    const fake = fakeBridge({ getHistoryTrends: () => ({ ok: true, value: answer(3) }) })
    installBridge(fake.bridge)
    const store = useTrendsStore()
    await store.load({ outcome: ['rejected'], code: 'E26', search: '0803', paymentId: '12', sort: 'time-asc', from: 5 }, 60)
    expect(fake.calls).toEqual([{ method: 'getHistoryTrends', request: { filter: { outcome: ['rejected'], code: 'E26', from: 5 }, utcOffsetMinutes: 60 } }])
    expect(store.trends?.total).toBe(3)
    expect(chartFilter({ search: 'x', operator: 'ada' })).toEqual({ operator: 'ada' })
  })

  it('drops an answer for an older filter and shows an error in place of the chart', async () => {
    const slow = deferred<Result<HistoryTrends>>()
    let call = 0
    const fake = fakeBridge({ getHistoryTrends: () => (++call === 1 ? slow.promise : { ok: false, error: { code: 'internal', message: 'boom' } }) })
    installBridge(fake.bridge)
    const store = useTrendsStore()
    const first = store.load({ code: 'A' }, 0)
    await store.load({ code: 'B' }, 0)
    slow.resolve({ ok: true, value: answer(9) })
    await first
    expect(store.trends).toBeNull()
    expect(store.error?.message).toBe('boom')
  })
})
