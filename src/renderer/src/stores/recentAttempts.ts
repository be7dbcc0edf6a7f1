import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { AttemptRecord, AttemptSummary } from '../../../shared/domain/attempt.ts'
import type { AppError } from '../../../shared/domain/result.ts'
import { otp } from '../api/bridge.ts'

export const RECENT_LIMIT = 20

/** The summary row of a full record (what the list would have fetched). */
export function summaryOf(r: AttemptRecord): AttemptSummary {
  return {
    id: r.id,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    environment: r.environment,
    channel: r.channel,
    operator: r.operator,
    paymentId: r.paymentId,
    phone: r.phone,
    transactionRef: r.transactionRef,
    outcome: r.outcome,
    httpStatus: r.httpStatus,
    durationMs: r.durationMs,
    retryOf: r.retryOf,
    errorCodes: r.errors.map((e) => e.code),
  }
}

/**
 * The newest attempts under the Enroll form. Loaded once (and on Refresh); an answer from a
 * send already holds the record, so it is put on top without asking main again.
 */
export const useRecentStore = defineStore('recentAttempts', () => {
  const rows = shallowRef<AttemptSummary[]>([])
  const loaded = ref(false)
  const error = shallowRef<AppError | null>(null)

  async function refresh(): Promise<void> {
    const r = await otp().queryHistory({ filter: {}, limit: RECENT_LIMIT })
    loaded.value = true
    if (r.ok) {
      rows.value = r.value.rows.slice(0, RECENT_LIMIT)
      error.value = null
    } else {
      error.value = r.error
    }
  }

  /** Puts a just-answered attempt on top (replacing an older copy of the same row). */
  function add(record: AttemptRecord): void {
    rows.value = [summaryOf(record), ...rows.value.filter((a) => a.id !== record.id)].slice(0, RECENT_LIMIT)
  }

  return { rows, loaded, error, refresh, add }
})
