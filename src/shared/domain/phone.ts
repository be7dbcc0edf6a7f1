import { parsePhoneNumberFromString } from 'libphonenumber-js/core'
import { NIGERIA_PHONE_METADATA } from './phoneMetadata.ts'

// Operators type Nigerian numbers as `0803 123 4567`, `+234 803 123 4567` or `2348031234567`;
// the API wants the MSISDN: `234` + 10 digits, no plus, as a string (a number loses zeros).

export type PhoneCheck =
  | { ok: true; msisdn: string; display: string }
  | { ok: false; error: string }

export function normalisePhone(input: string): PhoneCheck {
  const trimmed = input.trim()
  if (trimmed === '') return { ok: false, error: 'Enter the card holder’s mobile number.' }
  if (/[^\d\s+()\-.]/.test(trimmed)) {
    return { ok: false, error: 'A phone number may contain only digits, spaces, dashes and a leading +.' }
  }
  const digits = trimmed.replace(/\D/g, '')
  // A bare `234…` is an international number typed without its plus.
  const candidate = trimmed.startsWith('+') ? `+${digits}` : digits.startsWith('234') && digits.length > 11 ? `+${digits}` : digits
  const parsed = parsePhoneNumberFromString(candidate, 'NG', NIGERIA_PHONE_METADATA)
  if (!parsed || parsed.countryCallingCode !== '234') {
    return { ok: false, error: 'Only Nigerian numbers (+234) can be enrolled: use 0803 123 4567, +234 803 123 4567 or 2348031234567.' }
  }
  if (parsed.nationalNumber.length !== 10) {
    return { ok: false, error: `A Nigerian mobile number has 10 digits after 234 (or 11 starting with 0); this one has ${parsed.nationalNumber.length}.` }
  }
  const type = parsed.getType()
  if (!parsed.isValid() || (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE')) {
    return { ok: false, error: 'This is not a valid Nigerian mobile number (check the network prefix, e.g. 0803, 0805, 0703).' }
  }
  const msisdn = `234${parsed.nationalNumber}`
  return { ok: true, msisdn, display: `+234 ${parsed.nationalNumber.slice(0, 3)} ${parsed.nationalNumber.slice(3, 6)} ${parsed.nationalNumber.slice(6)}` }
}

/**
 * `2348031234567` → `234803****567`: enough to recognise, not enough to misuse. Under 10
 * characters the first six and last three would show everything (or overlap), so all is masked.
 */
export function maskPhone(phone: string): string {
  if (phone.length < 10) return '*'.repeat(phone.length)
  return `${phone.slice(0, 6)}${'*'.repeat(phone.length - 9)}${phone.slice(-3)}`
}

/**
 * Turns what an operator types into a search (`0803 123`) into the digits stored in an MSISDN
 * (`234803123`), so a search by the local form finds the international one.
 */
export function phoneSearchDigits(input: string): string {
  const digits = input.replace(/\D/g, '')
  if (digits.startsWith('0')) return `234${digits.slice(1)}`
  return digits
}
