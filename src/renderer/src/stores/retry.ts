import { defineStore } from 'pinia'
import type { AttemptRecord } from '../../../shared/domain/attempt.ts'
import type { IpcRequest } from '../../../shared/ipc/contract.ts'
import type { Result } from '../../../shared/domain/result.ts'
import { otp } from '../api/bridge.ts'
import { useRecentStore } from './recentAttempts.ts'
import { useSendGuardStore } from './sendGuard.ts'

export interface RetryOptions {
  transactionRef: string
  confirmRetry: boolean
  productionConfirmation?: string
}

/**
 * A retry from the History view: same payment, phone and signature method, a reference of the
 * operator's choosing, `retryOf` set. Shares the one-in-flight guard with the Enroll form.
 */
export const useRetryStore = defineStore('retry', () => {
  const guard = useSendGuardStore()
  const recent = useRecentStore()

  async function retry(record: AttemptRecord, options: RetryOptions): Promise<Result<AttemptRecord>> {
    if (!guard.claim('retry')) return { ok: false, error: { code: 'busy', message: 'An enrollment is already being sent from this window.' } }
    try {
      const request: IpcRequest<'enroll'> = {
        paymentId: record.paymentId,
        phone: record.phone,
        transactionRef: options.transactionRef,
        signatureMethod: record.signatureMethod,
        retryOf: record.id,
      }
      if (options.confirmRetry) request.confirmRetry = true
      if (options.productionConfirmation !== undefined) request.productionConfirmation = options.productionConfirmation
      guard.markSending(record.paymentId, record.environment)
      const r = await otp().enroll(request)
      if (r.ok) recent.add(r.value)
      return r
    } finally {
      guard.release()
    }
  }

  return { retry }
})
