import { normalisePhone, type PhoneCheck } from '../../shared/domain/phone.ts'

// The phone rule (src/shared/domain/phone.ts) for a whole file, fast. libphonenumber takes
// ~10 µs a number, most of a 100,000-row preview's 2 s budget. Its answer for a Nigerian
// number depends only on the number's first digits and its length: every pattern of the NG
// metadata (international and national prefix, leading digits, the valid, mobile and fixed
// line patterns) is a prefix of at most 4 digits of the national number followed by \d{n}.
// So a number with at least MEMO_MIN_DIGITS digits gets the answer of its template, the same
// text with its last TAIL_DIGITS digits set to 0 (its first 4 national digits are kept), and
// the MSISDN is built from its own digits. previewPhone.test.ts holds this equal to
// normalisePhone on random numbers, and phoneMetadata.test.ts fails when the metadata changes.

const TAIL_DIGITS = 6
const MEMO_MIN_DIGITS = 10
const MEMO_LIMIT = 10_000

export type PhoneNormaliser = (input: string) => PhoneCheck

export function createPhoneNormaliser(): PhoneNormaliser {
  const templates = new Map<string, PhoneCheck>()
  return (input) => {
    const trimmed = input.trim()
    const digits = trimmed.replace(/\D/g, '')
    if (digits.length < MEMO_MIN_DIGITS) return normalisePhone(input)
    const template = zeroTail(trimmed)
    let check = templates.get(template)
    if (check === undefined) {
      check = normalisePhone(template)
      if (templates.size >= MEMO_LIMIT) templates.clear()
      templates.set(template, check)
    }
    if (!check.ok) return check
    const national = digits.slice(-10)
    return { ok: true, msisdn: `234${national}`, display: `+234 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}` }
  }
}

/** The text with its last TAIL_DIGITS digits replaced by 0, every other character kept. */
function zeroTail(text: string): string {
  const chars = text.split('')
  let left = TAIL_DIGITS
  for (let i = chars.length - 1; i >= 0 && left > 0; i--) {
    const c = chars[i] as string
    if (c >= '0' && c <= '9') {
      chars[i] = '0'
      left--
    }
  }
  return chars.join('')
}
