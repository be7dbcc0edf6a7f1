import { computed, reactive, ref } from 'vue'
import { validateEnrollInput, type EnrollInput, type FieldErrors } from '../../../shared/domain/enrollInput.ts'
import { normalisePhone } from '../../../shared/domain/phone.ts'
import { DEFAULT_SIGNATURE_METHOD } from '../../../shared/domain/signatureMethods.ts'
import type { AppError } from '../../../shared/domain/result.ts'
import { nextDefaultReference } from '../lib/reference.ts'

export type FieldName = keyof EnrollInput
export const FIELDS: FieldName[] = ['paymentId', 'phone', 'transactionRef', 'signatureMethod']
/** Main's `fields` keys that mean one of ours. */
const SERVER_FIELD_ALIASES: Record<string, FieldName> = { mobilePhoneNumber: 'phone', phone: 'phone', paymentId: 'paymentId', transactionRef: 'transactionRef', signatureMethod: 'signatureMethod' }

/**
 * The Enroll form's values, which fields were touched, and the errors shown: a field's once it
 * was typed in or left, all of them after a submit, plus main's per-field refusals.
 */
export function createEnrollFields() {
  const form = reactive<EnrollInput>({
    paymentId: '',
    phone: '',
    transactionRef: nextDefaultReference(),
    signatureMethod: DEFAULT_SIGNATURE_METHOD,
  })
  const touched = reactive<Record<FieldName, boolean>>({ paymentId: false, phone: false, transactionRef: false, signatureMethod: false })
  const submitAttempted = ref(false)
  const serverFieldErrors = ref<FieldErrors>({})

  const validation = computed(() => validateEnrollInput(form))
  const fieldErrors = computed<FieldErrors>(() => ({ ...(validation.value.ok ? {} : validation.value.errors), ...serverFieldErrors.value }))
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
    form.transactionRef = nextDefaultReference()
  }

  /** Main's refusal of single fields, shown on those fields until they are edited. */
  function showServerErrors(e: AppError): void {
    if (e.code !== 'invalid-input' || !e.fields) return
    const mapped: FieldErrors = {}
    for (const [k, message] of Object.entries(e.fields)) {
      const f = SERVER_FIELD_ALIASES[k]
      if (f) mapped[f] = message
    }
    serverFieldErrors.value = mapped
  }

  function clearServerError(field: FieldName): void {
    if (!serverFieldErrors.value[field]) return
    const { [field]: _drop, ...rest } = serverFieldErrors.value
    serverFieldErrors.value = rest
  }

  /** After an enrolled card: ready for the next one (reference already renewed). */
  function clearCard(): void {
    form.paymentId = ''
    form.phone = ''
    touched.paymentId = false
    touched.phone = false
    submitAttempted.value = false
  }

  return {
    form,
    touched,
    submitAttempted,
    serverFieldErrors,
    fieldErrors,
    visibleErrors,
    phonePreview,
    touch,
    leave,
    newReference,
    showServerErrors,
    clearServerError,
    clearCard,
  }
}
