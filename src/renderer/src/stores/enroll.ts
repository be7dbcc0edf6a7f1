import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import type { AttemptRecord, AttemptSummary } from '../../../shared/domain/attempt.ts'
import { defaultTransactionRef, validateEnrollInput, type EnrollInput, type FieldErrors, type ValidEnrollInput } from '../../../shared/domain/enrollInput.ts'
import type { EnvironmentId } from '../../../shared/domain/environments.ts'
import { normalisePhone } from '../../../shared/domain/phone.ts'
import { DEFAULT_SIGNATURE_METHOD } from '../../../shared/domain/signatureMethods.ts'
import type { IpcRequest } from '../../../shared/ipc/contract.ts'
import type { AppError, Result } from '../../../shared/domain/result.ts'
import { otp } from '../api/bridge.ts'
import { clockIsOff } from '../lib/format.ts'
import { useEnvironmentStore } from './environment.ts'

/**
 * idle → checking (precheck) → [warning: "Send anyway"] → [confirm-production: type the id]
 * → sending → idle. Only one request is ever in flight: the guard is here, not in the button.
 */
export type EnrollPhase = 'idle' | 'checking' | 'warning' | 'confirm-production' | 'sending'

export type SubmitOutcome = 'busy' | 'invalid' | 'error' | 'needs-confirmation' | 'sent'

export interface PendingEnroll {
  input: ValidEnrollInput
  environment: EnvironmentId
  risky: AttemptSummary[]
  clockOffsetMs: number | null
  clockWarning: boolean
  /** Set once the operator pressed "Send anyway" on risky earlier attempts. */
  confirmRisky: boolean
}

type FieldName = keyof EnrollInput
const FIELDS: FieldName[] = ['paymentId', 'phone', 'transactionRef', 'signatureMethod']
/** Main's `fields` keys that mean one of ours. */
const SERVER_FIELD_ALIASES: Record<string, FieldName> = { mobilePhoneNumber: 'phone', phone: 'phone', paymentId: 'paymentId', transactionRef: 'transactionRef', signatureMethod: 'signatureMethod' }

export const RECENT_LIMIT = 20

export const useEnrollStore = defineStore('enroll', () => {
  const env = useEnvironmentStore()

  const form = reactive<EnrollInput>({
    paymentId: '',
    phone: '',
    transactionRef: defaultTransactionRef(Date.now()),
    signatureMethod: DEFAULT_SIGNATURE_METHOD,
  })
  const touched = reactive<Record<FieldName, boolean>>({ paymentId: false, phone: false, transactionRef: false, signatureMethod: false })
  const submitAttempted = ref(false)
  const serverFieldErrors = ref<FieldErrors>({})

  const phase = ref<EnrollPhase>('idle')
  const pending = shallowRef<PendingEnroll | null>(null)
  const result = shallowRef<AttemptRecord | null>(null)
  const error = shallowRef<AppError | null>(null)
  /** Where the last error came from, to phrase it (precheck vs send). */
  const errorStage = ref<'precheck' | 'send' | null>(null)
  const retryInFlight = ref(false)

  const recent = shallowRef<AttemptSummary[]>([])
  const recentLoaded = ref(false)
  const recentError = shallowRef<AppError | null>(null)

  const busy = computed(() => phase.value === 'checking' || phase.value === 'sending' || retryInFlight.value)
  const awaitingConfirmation = computed(() => phase.value === 'warning' || phase.value === 'confirm-production')

  const validation = computed(() => validateEnrollInput(form))
  const fieldErrors = computed<FieldErrors>(() => ({ ...(validation.value.ok ? {} : validation.value.errors), ...serverFieldErrors.value }))
  /** Errors the form shows: a field's once it was typed in or left, all after a submit. */
  const visibleErrors = computed<FieldErrors>(() => {
    const out: FieldErrors = {}
    for (const f of FIELDS) {
      const message = fieldErrors.value[f]
      if (message && (touched[f] || submitAttempted.value)) out[f] = message
    }
    return out
  })
  /** The MSISDN that will be sent, when the phone is valid. */
  const phonePreview = computed(() => {
    const p = normalisePhone(form.phone)
    return p.ok ? p.msisdn : null
  })

  function touch(field: FieldName): void {
    touched[field] = true
  }

  /**
   * Leaving a field shows its error only if something was typed: focus leaves the form after
   * a send (it moves to the result), and a just-cleared form must not light up in red.
   */
  function leave(field: FieldName): void {
    if (String(form[field]).trim() !== '') touched[field] = true
  }

  function newReference(): void {
    form.transactionRef = defaultTransactionRef(Date.now())
  }

  // Editing the form or switching environment while a confirmation is open cancels it: what
  // is confirmed must be exactly what is sent.
  watch(
    [() => form.paymentId, () => form.phone, () => form.transactionRef, () => form.signatureMethod, () => env.activeId],
    (now, before) => {
      for (const f of FIELDS) {
        const i = FIELDS.indexOf(f)
        if (now[i] !== before[i] && serverFieldErrors.value[f]) {
          const { [f]: _drop, ...rest } = serverFieldErrors.value
          serverFieldErrors.value = rest
        }
      }
      if (awaitingConfirmation.value) cancelPending()
    },
  )

  async function submit(): Promise<SubmitOutcome> {
    if (busy.value) return 'busy'
    if (awaitingConfirmation.value) return 'needs-confirmation'
    submitAttempted.value = true
    const v = validateEnrollInput(form)
    if (!v.ok || Object.keys(serverFieldErrors.value).length > 0) return 'invalid'
    phase.value = 'checking' // set before the first await: a second call now returns 'busy'
    error.value = null
    errorStage.value = null
    const environment = env.activeId
    const pre = await otp().precheckEnroll({ paymentId: v.value.paymentId })
    if (!pre.ok) {
      phase.value = 'idle'
      fail(pre.error, 'precheck')
      return 'error'
    }
    const clockWarning = clockIsOff(pre.value.clockOffsetMs)
    pending.value = { input: v.value, environment, risky: pre.value.risky, clockOffsetMs: pre.value.clockOffsetMs, clockWarning, confirmRisky: false }
    if (pre.value.risky.length > 0 || clockWarning) {
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
    if (phase.value !== 'warning' || !pending.value) return busy.value ? 'busy' : 'error'
    pending.value = { ...pending.value, confirmRisky: pending.value.risky.length > 0 }
    return afterWarnings()
  }

  /** The Production dialog: `typed` must repeat the payment id. */
  async function confirmProduction(typed: string): Promise<SubmitOutcome | 'mismatch'> {
    if (phase.value !== 'confirm-production' || !pending.value) return busy.value ? 'busy' : 'error'
    if (typed.trim() !== pending.value.input.paymentId) return 'mismatch'
    return send(typed.trim())
  }

  function cancelPending(): void {
    if (!awaitingConfirmation.value) return
    phase.value = 'idle'
    pending.value = null
  }

  function fail(e: AppError, stage: 'precheck' | 'send'): void {
    error.value = e
    errorStage.value = stage
    if (e.code === 'invalid-input' && e.fields) {
      const mapped: FieldErrors = {}
      for (const [k, message] of Object.entries(e.fields)) {
        const f = SERVER_FIELD_ALIASES[k]
        if (f) mapped[f] = message
      }
      serverFieldErrors.value = mapped
    }
  }

  async function send(productionConfirmation?: string): Promise<SubmitOutcome> {
    const p = pending.value
    if (!p) return 'error'
    phase.value = 'sending'
    result.value = null
    error.value = null
    const request: IpcRequest<'enroll'> = {
      paymentId: p.input.paymentId,
      phone: p.input.mobilePhoneNumber,
      transactionRef: p.input.transactionRef,
      signatureMethod: p.input.signatureMethod,
    }
    if (productionConfirmation !== undefined) request.productionConfirmation = productionConfirmation
    if (p.confirmRisky) request.confirmRetry = true
    try {
      const r = await otp().enroll(request)
      if (!r.ok) {
        fail(r.error, 'send')
        return 'error'
      }
      result.value = r.value
      // A reference identifies one attempt: the next send gets a fresh one.
      if (form.transactionRef.trim() === p.input.transactionRef) newReference()
      if (r.value.outcome === 'enrolled') {
        form.paymentId = ''
        form.phone = ''
        touched.paymentId = false
        touched.phone = false
        submitAttempted.value = false
      }
      return 'sent'
    } finally {
      phase.value = 'idle'
      pending.value = null
      void refreshRecent()
    }
  }

  /**
   * A retry from the History view: same payment and phone, a reference of the operator's
   * choosing, `retryOf` set. Shares the one-in-flight guard with the form.
   */
  async function retry(
    record: AttemptRecord,
    options: { transactionRef: string; confirmRetry: boolean; productionConfirmation?: string },
  ): Promise<Result<AttemptRecord>> {
    if (busy.value) return { ok: false, error: { code: 'busy', message: 'An enrollment is already being sent from this window.' } }
    retryInFlight.value = true
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
      return await otp().enroll(request)
    } finally {
      retryInFlight.value = false
      void refreshRecent()
    }
  }

  async function refreshRecent(): Promise<void> {
    const r = await otp().queryHistory({ filter: {}, limit: RECENT_LIMIT })
    recentLoaded.value = true
    if (r.ok) {
      recent.value = r.value.rows.slice(0, RECENT_LIMIT)
      recentError.value = null
    } else {
      recentError.value = r.error
    }
  }

  function dismissResult(): void {
    result.value = null
    error.value = null
    errorStage.value = null
  }

  return {
    form,
    touched,
    leave,
    submitAttempted,
    phase,
    pending,
    result,
    error,
    errorStage,
    recent,
    recentLoaded,
    recentError,
    busy,
    awaitingConfirmation,
    fieldErrors,
    visibleErrors,
    phonePreview,
    touch,
    newReference,
    submit,
    acknowledgeWarnings,
    confirmProduction,
    cancelPending,
    retry,
    refreshRecent,
    dismissResult,
  }
})
