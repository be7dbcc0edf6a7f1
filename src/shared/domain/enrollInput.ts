import { normalisePhone } from './phone.ts'
import { isSignatureMethod, type SignatureMethod } from './signatureMethods.ts'

export interface EnrollInput {
  paymentId: string
  phone: string
  transactionRef: string
  signatureMethod: SignatureMethod
}

export interface ValidEnrollInput {
  paymentId: string
  /** MSISDN, `234` + 10 digits. */
  mobilePhoneNumber: string
  transactionRef: string
  signatureMethod: SignatureMethod
}

export type FieldErrors = Partial<Record<keyof EnrollInput, string>>

/** `JB-<unix seconds>-Enrol`: the convention that makes failures traceable. */
export function defaultTransactionRef(nowMs: number): string {
  return `JB-${Math.floor(nowMs / 1000)}-Enrol`
}

export function checkPaymentId(value: string): string | undefined {
  const v = value.trim()
  if (v === '') return 'Enter the payment id returned by the purchase.'
  if (!/^\d+$/.test(v)) return 'The payment id is digits only.'
  if (v.length > 19) return 'The payment id is at most 19 digits.'
  return undefined
}

export function checkTransactionRef(value: string): string | undefined {
  const v = value.trim()
  if (v === '') return 'Enter a transaction reference (the default JB-<time>-Enrol is fine).'
  if (v.length > 64) return 'The transaction reference is at most 64 characters.'
  if (!/^[\x20-\x7E]+$/.test(v)) return 'The transaction reference may contain only plain ASCII characters.'
  return undefined
}

/** Validates every field at once so the form can show all problems together. */
export function validateEnrollInput(input: EnrollInput): { ok: true; value: ValidEnrollInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const paymentError = checkPaymentId(input.paymentId)
  if (paymentError) errors.paymentId = paymentError
  const phone = normalisePhone(input.phone)
  if (!phone.ok) errors.phone = phone.error
  const refError = checkTransactionRef(input.transactionRef)
  if (refError) errors.transactionRef = refError
  if (!isSignatureMethod(input.signatureMethod)) {
    errors.signatureMethod = 'Choose SHA1, SHA-256 or SHA-512.'
  }
  if (Object.keys(errors).length > 0 || !phone.ok) return { ok: false, errors }
  return {
    ok: true,
    value: {
      paymentId: input.paymentId.trim(),
      mobilePhoneNumber: phone.msisdn,
      transactionRef: input.transactionRef.trim(),
      signatureMethod: input.signatureMethod,
    },
  }
}
