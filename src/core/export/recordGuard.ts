import { maskPhone } from '../../shared/domain/phone.ts'
import { COMPACT_MSISDN, maskPhoneMatch, maskPhonesInText, mayHoldSecret, mayHoldSecretOrPhone, redactSecretsInText } from '../log/redact.ts'

// The text guard of exports: log/redact.ts's rules applied to every string of a record, plus
// the record's own phone number wherever it appears, with the cheap tests the fast JSON Lines
// path (jsonlLine.ts, lineTrie.ts) relies on.

/**
 * Guards the strings of one exported record. `affects(text)` tells, cheaply, whether the guard
 * could change `text` at all; when it is false, `guard(text) === text`.
 */
export interface TextGuard {
  (text: string): string
  affects(text: string): boolean
}

/** Ten digits in a row: the shortest run that can hold a 10+ digit phone or an MSISDN's national part. */
const TEN_DIGITS = /\d{10}/

/**
 * Whether `phone` is one textGuardLeavesAlone speaks for: digits only, and either too short
 * for createTextGuard to look for (under 7 digits) or at least 10 digits long (an MSISDN).
 */
export function phoneFitsLeaveAlone(phone: unknown): phone is string {
  return typeof phone === 'string' && (phone.length < 7 || phone.length >= 10) && /^\d*$/.test(phone)
}

/**
 * Whether every guard createTextGuard makes for a record whose phone fits phoneFitsLeaveAlone
 * (fullPhone or not) leaves `text` exactly as it is: no secret or phone rule changes it, and
 * it has no run of 10 digits that could hold the record's own number. Exports use it to
 * write such a text, which repeats from record to record (URLs, header names and values,
 * operator names), once per export.
 */
export function textGuardLeavesAlone(text: string): boolean {
  if (TEN_DIGITS.test(text)) return false
  if (!mayHoldSecretOrPhone(text)) return true
  return redactSecretsInText(text) === text && maskPhonesInText(text) === text
}

/** A TextGuard that is pointed at one record after another (an export makes one, not one per record). */
export interface RecordGuard extends TextGuard {
  /** Guards the next texts for the record whose phone number is `phone`. */
  use(phone: string): void
}

/**
 * A string guard for exported records: secrets redacted, and unless fullPhone every Nigerian
 * number masked plus the current record's own phone number wherever it appears (also inside
 * longer digit runs, and its national form `803…` as in a local `0803…`).
 */
export function createRecordGuard(fullPhone: boolean): RecordGuard {
  let phone = ''
  let usePhone = false
  let national: string | null = null
  let masked: string | undefined
  let nationalMasked: string | undefined
  // One regex pass for both hints. A text holding the phone (or its national form) also holds
  // whatever part of it matches the hint (an MSISDN's `234`), so includes() is only needed
  // when the hint does not match the phone itself.
  let checkPhone = false
  let checkNational = false
  const affects = fullPhone
    ? (text: string): boolean => mayHoldSecret(text)
    : (text: string): boolean =>
        mayHoldSecretOrPhone(text) || (checkPhone && text.includes(phone)) || (checkNational && text.includes(national as string))
  const guard = (text: string): string => {
    if (!affects(text)) return text
    let out = redactSecretsInText(text)
    if (fullPhone) return out
    out = maskPhonesInText(out)
    if (usePhone && out.includes(phone)) out = out.replaceAll(phone, (masked ??= maskPhone(phone)))
    if (national !== null && out.includes(national)) out = out.replaceAll(national, (nationalMasked ??= maskPhoneMatch(national)))
    return out
  }
  const use = (next: string): void => {
    if (fullPhone || next === phone) return
    phone = next
    masked = undefined
    nationalMasked = undefined
    usePhone = phone.length >= 7
    const compact = usePhone && COMPACT_MSISDN.test(phone)
    national = compact ? phone.slice(3) : null
    // A compact MSISDN starts with 234, which the hint matches.
    checkPhone = usePhone && !compact && !mayHoldSecretOrPhone(phone)
    checkNational = national !== null && !mayHoldSecretOrPhone(national)
  }
  return Object.assign(guard, { affects, use })
}

/** A guard for one record (see createRecordGuard). */
export function createTextGuard(phone: string, fullPhone: boolean): TextGuard {
  const guard = createRecordGuard(fullPhone)
  guard.use(phone)
  return guard
}
