import { normalisePhone, type PhoneCheck } from '../../shared/domain/phone.ts'

// The phone rule (src/shared/domain/phone.ts) for a whole file, fast. libphonenumber takes
// ~10 µs a number, most of a 100,000-row preview's 2 s budget. Its answer depends only on
// the text's characters other than digits, its leading digits and its length: every pattern
// of the NG metadata (international and national prefixes, leading digits, the general, mobile
// and fixed-line patterns) is a few leading digits followed by \d{n}, and the mobile and
// fixed-line ones look at no more than the first 4 digits of the 10-digit national number.
// So the template of a number (the same text with its last TAIL_DIGITS digits set to 0) is
// checked once; when the template is a valid number, its national number is its last 10
// digits, its last 6 digits are inside it and its first 4 are the number's own, so the number
// is valid too and its MSISDN is 234 + its own last 10 digits. Any other number (an invalid
// template, fewer than 10 digits) is checked directly: errors are rare and keep their exact
// message. previewPhone.test.ts holds this equal to normalisePhone on random texts, and
// phoneMetadata.test.ts fails when the metadata changes.

const TAIL_DIGITS = 6
const MEMO_MIN_DIGITS = 10
const MEMO_LIMIT = 10_000

export type PhoneNormaliser = (input: string) => PhoneCheck

export function createPhoneNormaliser(): PhoneNormaliser {
  // Template → whether it is a valid number.
  const templates = new Map<string, boolean>()
  return (input) => {
    const trimmed = input.trim()
    const digits = trimmed.replace(/\D/g, '')
    if (digits.length < MEMO_MIN_DIGITS) return normalisePhone(input)
    const template = zeroTail(trimmed)
    let valid = templates.get(template)
    if (valid === undefined) {
      valid = normalisePhone(template).ok
      if (templates.size >= MEMO_LIMIT) templates.clear()
      templates.set(template, valid)
    }
    if (!valid) return normalisePhone(input)
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
