import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { HistoryFilter } from '../../../shared/domain/historyFilter.ts'
import type { HistoryTrends } from '../../../shared/domain/historyViews.ts'
import type { AppError } from '../../../shared/domain/result.ts'
import { otp } from '../api/bridge.ts'

/**
 * The History trends chart: one answer per filter the History list applied. Search text and
 * the payment id are left out of the request — trends come from count tables that do not hold
 * them, and the chart says so. An answer for an older filter is dropped.
 */
export const useTrendsStore = defineStore('trends', () => {
  const trends = shallowRef<HistoryTrends | null>(null)
  const error = shallowRef<AppError | null>(null)
  const loading = ref(false)
  let generation = 0

  async function load(filter: HistoryFilter, utcOffsetMinutes = -new Date().getTimezoneOffset()): Promise<void> {
    const gen = ++generation
    loading.value = true
    const r = await otp().getHistoryTrends({ filter: chartFilter(filter), utcOffsetMinutes })
    if (gen !== generation) return
    loading.value = false
    trends.value = r.ok ? r.value : null
    error.value = r.ok ? null : r.error
  }

  return { trends, error, loading, load }
})

/** The part of a History filter the chart follows. */
export function chartFilter(filter: HistoryFilter): HistoryFilter {
  const { search: _search, paymentId: _paymentId, runId: _runId, sort: _sort, ...followed } = filter
  return followed
}
