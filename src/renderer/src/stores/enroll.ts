import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { AttemptRecord, AttemptSummary } from '../../../shared/domain/attempt.ts'
import { validateEnrollInput, type ValidEnrollInput } from '../../../shared/domain/enrollInput.ts'
import type { EnvironmentId } from '../../../shared/domain/environments.ts'
import type { IpcRequest } from '../../../shared/ipc/contract.ts'
import type { AppError } from '../../../shared/domain/result.ts'
import type { TeamPrecheck } from '../../../shared/domain/historyViews.ts'
import { otp } from '../api/bridge.ts'
import { clockIsOff } from '../lib/format.ts'
import { createEnrollFields, FIELDS } from './enrollFields.ts'
import { useEnvironmentStore } from './environment.ts'
import { useRecentStore } from './recentAttempts.ts'
import { useSendGuardStore } from './sendGuard.ts'

/**
 * The send state machine of the Enroll form:
 * idle → checking (precheck) → [warning: "Send anyway"] → [confirm-production: type the id]
 * → sending → idle. Only one request is ever in flight (the send guard, shared with Retry).
 * What is sent is exactly what was checked and confirmed: an edit or an environment switch
 * during the precheck or a confirmation cancels the send.
 */
export type EnrollPhase = 'idle' | 'checking' | 'warning' | 'confirm-production' | 'sending'

export type SubmitOutcome = 'busy' | 'invalid' | 'error' | 'needs-confirmation' | 'sent' | 'cancelled'

export interface PendingEnroll {
  input: ValidEnrollInput
  environment: EnvironmentId
  risky: AttemptSummary[]
  clockOffsetMs: number | null
  clockWarning: boolean
  /** Other consoles' attempts from the team database (null: no team database configured). */
  team: TeamPrecheck | null
  /** Why the team could not be asked (the team was then not checked). */
  teamError: string | null
  /** Set once the operator pressed "Send anyway" on risky earlier attempts. */
  confirmRisky: boolean
}

export { RECENT_LIMIT } from './recentAttempts.ts'

export const useEnrollStore = defineStore('enroll', () => {
  const env = useEnvironmentStore()
  const guard = useSendGuardStore()
  const recent = useRecentStore()
  const fields = createEnrollFields()
  const { form } = fields

  const phase = ref<EnrollPhase>('idle')
  const pending = shallowRef<PendingEnroll | null>(null)
  const result = shallowRef<AttemptRecord | null>(null)
  const error = shallowRef<AppError | null>(null)
  /** Where the last error came from, to phrase it (precheck vs send), and for which environment. */
  const errorStage = ref<'precheck' | 'send' | null>(null)
  const errorEnvironment = ref<EnvironmentId | null>(null)
  /** Bumped by every edit; a precheck answer for older values is thrown away. */
  let editGeneration = 0

  const busy = computed(() => guard.busy)
  const awaitingConfirmation = computed(() => phase.value === 'warning' || phase.value === 'confirm-production')

  watch(
    [() => form.paymentId, () => form.phone, () => form.transactionRef, () => form.signatureMethod, () => env.activeId],
    (now, before) => {
      FIELDS.forEach((f, i) => {
        if (now[i] !== before[i]) fields.clearServerError(f)
      })
      editGeneration++
      if (awaitingConfirmation.value) cancelPending()
    },
    { flush: 'sync' }, // an edit made just before an await must already count
  )

  // Results and errors belong to the environment they came from.
  watch(
    () => env.activeId,
    () => dismissResult(),
  )

  async function submit(): Promise<SubmitOutcome> {
    if (awaitingConfirmation.value) return 'needs-confirmation'
    if (busy.value || env.switching) return 'busy' // sent where the form says, once it says it
    fields.submitAttempted.value = true
    const v = validateEnrollInput(form)
    if (!v.ok || Object.keys(fields.serverFieldErrors.value).length > 0) return 'invalid'
    if (!guard.claim('form')) return 'busy'
    phase.value = 'checking' // set before the first await: a second call now returns 'busy'
    dismissResult()
    const environment = env.activeId
    const checked = editGeneration
    const pre = await otp().precheckEnroll({ paymentId: v.value.paymentId })
    if (checked !== editGeneration) {
      // The operator changed the form (or the environment) while it was being checked.
      toIdle()
      return 'cancelled'
    }
    if (!pre.ok) {
      toIdle()
      fail(pre.error, 'precheck', environment)
      return 'error'
    }
    const clockWarning = clockIsOff(pre.value.clockOffsetMs)
    const { risky, clockOffsetMs, team, teamError } = pre.value
    pending.value = { input: v.value, environment, risky, clockOffsetMs, clockWarning, team, teamError, confirmRisky: false }
    // A team that could not be asked does not stop the send by itself (an unreachable team
    // database never holds up an enrollment); the warning says so when it shows for a reason.
    if (risky.length > 0 || (team?.risky.length ?? 0) > 0 || clockWarning) {
      phase.value = 'warning'
      return 'needs-confirmation'
    }
    return afterWarnings()
  }

  function afterWarnings(): Promise<SubmitOutcome> | SubmitOutcome {
    if (pending.value?.environment === 'production') {
      phase.value = 'confirm-production'
      return 'needs-confirmation'
    }
    return send()
  }

  /** "Send anyway" on the precheck warning. */
  async function acknowledgeWarnings(): Promise<SubmitOutcome> {
    if (phase.value !== 'warning' || !pending.value) return phase.value === 'idle' ? 'error' : 'busy'
    pending.value = { ...pending.value, confirmRisky: pending.value.risky.length > 0 }
    return afterWarnings()
  }

  /** The Production dialog: `typed` must repeat the payment id. */
  async function confirmProduction(typed: string): Promise<SubmitOutcome | 'mismatch'> {
    if (phase.value !== 'confirm-production' || !pending.value) return phase.value === 'idle' ? 'error' : 'busy'
    if (typed.trim() !== pending.value.input.paymentId) return 'mismatch'
    return send(typed.trim())
  }

  function toIdle(): void {
    phase.value = 'idle'
    pending.value = null
    guard.release()
  }

  function cancelPending(): void {
    if (awaitingConfirmation.value) toIdle()
  }

  function fail(e: AppError, stage: 'precheck' | 'send', environment: EnvironmentId): void {
    error.value = e
    errorStage.value = stage
    errorEnvironment.value = environment
    fields.showServerErrors(e)
  }

  async function send(productionConfirmation?: string): Promise<SubmitOutcome> {
    const p = pending.value
    if (!p) return 'error'
    phase.value = 'sending'
    const request: IpcRequest<'enroll'> = {
      paymentId: p.input.paymentId,
      phone: p.input.mobilePhoneNumber,
      transactionRef: p.input.transactionRef,
      signatureMethod: p.input.signatureMethod,
    }
    if (productionConfirmation !== undefined) request.productionConfirmation = productionConfirmation
    if (p.confirmRisky) request.confirmRetry = true
    guard.markSending(p.input.paymentId, p.environment)
    try {
      const r = await otp().enroll(request)
      if (!r.ok) {
        fail(r.error, 'send', p.environment)
        return 'error'
      }
      recent.add(r.value)
      if (env.activeId === p.environment) result.value = r.value
      // A reference identifies one attempt: the next send gets a fresh one.
      if (form.transactionRef.trim() === p.input.transactionRef) fields.newReference()
      if (r.value.outcome === 'enrolled') fields.clearCard()
      return 'sent'
    } finally {
      toIdle()
    }
  }

  function dismissResult(): void {
    result.value = null
    error.value = null
    errorStage.value = null
    errorEnvironment.value = null
  }

  return {
    ...fields,
    phase,
    pending,
    result,
    error,
    errorStage,
    errorEnvironment,
    busy,
    awaitingConfirmation,
    submit,
    acknowledgeWarnings,
    confirmProduction,
    cancelPending,
    dismissResult,
  }
})
