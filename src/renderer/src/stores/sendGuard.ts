import { defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'

export type SendOwner = 'form' | 'retry'

export interface SendingNow {
  owner: SendOwner
  paymentId: string
  environment: string
  /** When the request was handed to main (ms since epoch), for the elapsed time shown. */
  startedAt: number
}

/**
 * One enrollment at a time from this window: the Enroll form and a Retry from History claim
 * the same guard (from the precheck on), and `sending` says what is on the wire right now.
 */
export const useSendGuardStore = defineStore('sendGuard', () => {
  const owner = shallowRef<SendOwner | null>(null)
  const sending = shallowRef<SendingNow | null>(null)
  const busy = computed(() => owner.value !== null)

  function claim(who: SendOwner): boolean {
    if (owner.value !== null) return false
    owner.value = who
    return true
  }

  function markSending(paymentId: string, environment: string): void {
    if (owner.value) sending.value = { owner: owner.value, paymentId, environment, startedAt: Date.now() }
  }

  function release(): void {
    owner.value = null
    sending.value = null
  }

  return { owner, sending, busy, claim, markSending, release }
})
