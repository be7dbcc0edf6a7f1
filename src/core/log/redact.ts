import { maskPhone } from '../../shared/domain/phone.ts'

// One place that decides what may leave the process in a diagnostic log line or an export.
// The secret and the bearer token must never appear there (docs: "Safety notes"); phone
// numbers are personal data and are masked unless the operator explicitly asked otherwise.
//
// Rules, applied to every string (and, for objects, to every key):
//  (a) values under secret-like keys become '[redacted]' — keys matching SECRET_KEY, except
//      the exact keys in SAFE_KEYS (`signatureMethod` says which hash was used; `tokenMs` is a
//      duration), which stay readable;
//  (b) `Bearer <x>` / `Basic <x>` become `Bearer [redacted]` / `Basic [redacted]` (the scheme
//      name is kept: it tells support which kind of credential was there, never its value);
//  (c) secret-like pairs inside free text are redacted too: JSON (`"client_secret":"…"`),
//      header dumps (`Signature: …`), form bodies (`client_secret=…`), and a signature cipher
//      (`POST&https%3A%2F%2F…&ts&nonce&clientId&secret`) keeps only its non-secret fields;
//  (d) Nigerian numbers (MSISDN `234…`, `+234 803 123 4567`, local `0803…`) are masked the
//      way maskPhone masks an MSISDN (first three national digits and last three shown),
//      unless fullPhone.

export const REDACTED = '[redacted]'

export interface RedactOptions {
  /** Keep phone numbers as they are (the operator explicitly asked for full values). */
  fullPhone?: boolean | undefined
}

/** Keys whose values are secrets. Wider than strictly needed on purpose (British spelling, cookies, API keys). */
const SECRET_KEY = /secret|passw(or)?d|token|authori[sz]ation|signature|cipher|cookie|api[-_]?key/i

/** Exact keys that match SECRET_KEY but carry no secret. */
const SAFE_KEYS: ReadonlySet<string> = new Set(['signatureMethod', 'SignatureMethod', 'signature_method', 'tokenMs', 'token_ms'])

const keyCache = new Map<string, boolean>()

/** Whether the value stored under `key` must be redacted. */
export function isSecretKey(key: string): boolean {
  let secret = keyCache.get(key)
  if (secret === undefined) {
    secret = !SAFE_KEYS.has(key) && SECRET_KEY.test(key)
    if (keyCache.size < 10_000) keyCache.set(key, secret)
  }
  return secret
}

// A cheap test that tells whether the (slower) secret rules below can match at all.
const SECRET_HINT = /secret|passw|token|authori|signature|cipher|cookie|api[-_]?key|bearer|basic|%3A%2F%2F/i

// "key": "value" in JSON text (also JSON text that was itself escaped into a string: \"key\":\"value\").
const JSON_STRING_PAIR = /"([^"\\\r\n]{1,100})"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g
const JSON_SCALAR_PAIR = /"([^"\\\r\n]{1,100})"(\s*:\s*)(-?\d[\d.eE+-]*|true|false)/g
const ESCAPED_JSON_STRING_PAIR = /\\"([^"\\\r\n]{1,100})\\"(\s*:\s*)\\"((?:[^"\\]|\\[^"])*)\\"/g
// `Key: value` / `key=value` in header dumps, form bodies and messages. The value is one
// token (an auth scheme may precede it); a cipher runs to the end of the line.
const TEXT_PAIR = /(?<![\w.-])([A-Za-z][\w.-]{0,63})(\s*[:=]\s*)((?:(?:Bearer|Basic)\s+)?[^\s&,;"'\\]+)/g
const TEXT_CIPHER_PAIR = /(?<![\w.-])([A-Za-z][\w.-]{0,63}cipher[\w.-]{0,63})(\s*[:=]\s*)([^\r\n"\\]+)/gi
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)(?!\[redacted\])[^\s"'\\,;]+/gi
// METHOD & encoded URL & timestamp & nonce & clientId & secret [& extra fields]
const CIPHER = /\b(GET|POST|PUT|PATCH|DELETE)&(https?%3A%2F%2F[^&\s"'\\]*)&([^&\s"'\\]*)&([^&\s"'\\]*)&([^&\s"'\\]*)&[^\s"'\\]+/gi

// Phone numbers: the compact MSISDN (as in the spec: 234 + 10 digits), and the spaced,
// dashed and local forms of Nigerian mobile numbers.
/** Every form PHONE matches contains `234` or a `0` + mobile prefix (070…091); most text has neither. */
const PHONE_HINT = /234|0[789][01]/
const PHONE = /(?<![\d+])(?:\+?234(?:[\s-]?[789][01]\d(?:[\s-]?\d){7}|\d{10})|0[789][01]\d(?:[\s-]?\d){7})(?!\d)/g

const COMPACT_MSISDN = /^234\d{10}$/

function maskPhoneMatch(match: string): string {
  // Mask national digits 4–7 (0-based 3..6): `234803****567`, `0803****567`, `+234 803 *** *567`.
  if (COMPACT_MSISDN.test(match)) return `${match.slice(0, 6)}****${match.slice(10)}`
  const prefixDigits = match.replace(/\D/g, '').length - 10
  let seen = 0
  let out = ''
  for (const ch of match) {
    if (ch >= '0' && ch <= '9') {
      const national = seen - prefixDigits
      out += national >= 3 && national <= 6 ? '*' : ch
      seen++
    } else out += ch
  }
  return out
}

/** Masks every Nigerian phone number found in `text`. */
export function maskPhonesInText(text: string): string {
  if (!PHONE_HINT.test(text)) return text
  return text.replace(PHONE, maskPhoneMatch)
}

function redactSecretsInText(text: string): string {
  if (!SECRET_HINT.test(text)) return text
  let out = text
  if (out.includes('"')) {
    out = out.replace(JSON_STRING_PAIR, (m, key: string, sep: string) => (isSecretKey(key) ? `"${key}"${sep}"${REDACTED}"` : m))
    out = out.replace(JSON_SCALAR_PAIR, (m, key: string, sep: string) => (isSecretKey(key) ? `"${key}"${sep}"${REDACTED}"` : m))
    if (out.includes('\\"')) {
      out = out.replace(ESCAPED_JSON_STRING_PAIR, (m, key: string, sep: string) => (isSecretKey(key) ? `\\"${key}\\"${sep}\\"${REDACTED}\\"` : m))
    }
  }
  out = out.replace(CIPHER, (_m, method: string, url: string, ts: string, nonce: string, clientId: string) => `${method}&${url}&${ts}&${nonce}&${clientId}&${REDACTED}`)
  out = out.replace(AUTH_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`)
  out = out.replace(TEXT_CIPHER_PAIR, (m, key: string, sep: string) => (isSecretKey(key) ? `${key}${sep}${REDACTED}` : m))
  return redactTextPairs(out)
}

/**
 * `key: value` / `key=value` pairs. A pair whose key is not secret must not swallow what
 * follows its separator (`https://host/?access_token=…`), so the scan resumes right after the
 * separator rather than after the value.
 */
function redactTextPairs(text: string): string {
  let out = ''
  let last = 0
  TEXT_PAIR.lastIndex = 0
  for (let match = TEXT_PAIR.exec(text); match !== null; match = TEXT_PAIR.exec(text)) {
    const [whole, key = '', sep = '', value = ''] = match
    const valueStart = match.index + key.length + sep.length
    if (isSecretKey(key) && value !== REDACTED) {
      out += text.slice(last, valueStart) + REDACTED
      last = match.index + whole.length
      TEXT_PAIR.lastIndex = last
    } else {
      TEXT_PAIR.lastIndex = valueStart
    }
  }
  return last === 0 ? text : out + text.slice(last)
}

/** Applies the string rules (b)–(d) to one string. */
export function redactString(text: string, options: RedactOptions = {}): string {
  const out = redactSecretsInText(text)
  return options.fullPhone ? out : maskPhonesInText(out)
}

const MAX_DEPTH = 12

/**
 * Deep copy of `value` with every rule applied. Plain objects and arrays are copied; Errors
 * become `{ type, message, stack }`; Dates become ISO strings; Buffers and typed arrays are
 * summarised (never copied out); functions and symbols are dropped; cycles become '[circular]'.
 */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  return walk(value, options, new WeakSet(), 0)
}

function walk(value: unknown, options: RedactOptions, seen: WeakSet<object>, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return redactString(value, options)
    case 'number':
    case 'boolean':
    case 'undefined':
      return value
    case 'bigint':
      return value.toString()
    case 'function':
    case 'symbol':
      return undefined
  }
  if (value === null) return null
  const object = value as object
  if (seen.has(object)) return '[circular]'
  if (depth >= MAX_DEPTH) return '[too deep]'
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString()
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) return `[binary ${object.byteLength} bytes]`
  seen.add(object)
  try {
    if (Array.isArray(object)) return object.map((item) => walk(item, options, seen, depth + 1))
    if (object instanceof Error) {
      const copy: Record<string, unknown> = { type: object.name, message: redactString(object.message, options) }
      if (object.stack) copy.stack = redactString(object.stack, options)
      if ('code' in object && object.code !== undefined) copy.code = walk(object.code, options, seen, depth + 1)
      if (object.cause !== undefined) copy.cause = walk(object.cause, options, seen, depth + 1)
      return copy
    }
    if (object instanceof Map) return walkEntries([...object.entries()].map(([k, v]) => [String(k), v]), options, seen, depth)
    if (object instanceof Set) return [...object].map((item) => walk(item, options, seen, depth + 1))
    return walkEntries(Object.entries(object), options, seen, depth)
  } finally {
    seen.delete(object)
  }
}

function walkEntries(entries: [string, unknown][], options: RedactOptions, seen: WeakSet<object>, depth: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {}
  for (const [key, item] of entries) {
    if (isSecretKey(key)) {
      // A header object dump might still be secret-free (e.g. `{ authorization: null }`).
      copy[key] = item === null || item === undefined ? item : REDACTED
      continue
    }
    const walked = walk(item, options, seen, depth + 1)
    if (walked !== undefined) copy[key] = walked
  }
  return copy
}

/**
 * Guards the strings of one exported record. `affects(text)` tells, cheaply, whether the guard
 * could change `text` at all; when it is false, `guard(text) === text`.
 */
export interface TextGuard {
  (text: string): string
  affects(text: string): boolean
}

/**
 * Whether `part` may hold a secret that the rules would redact (the cheap hint, as the rules
 * themselves use it). A text built from parts without one and from fixed pieces without one,
 * joined at `"` characters (which no hint contains), has none either.
 */
export function mayHoldSecret(part: string): boolean {
  return SECRET_HINT.test(part)
}

/** SECRET_HINT or PHONE_HINT, in one pass (kept in step with both). */
const SECRET_OR_PHONE_HINT = new RegExp(`${SECRET_HINT.source}|${PHONE_HINT.source}`, 'i')

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
  if (!SECRET_OR_PHONE_HINT.test(text)) return true
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
    ? (text: string): boolean => SECRET_HINT.test(text)
    : (text: string): boolean =>
        SECRET_OR_PHONE_HINT.test(text) || (checkPhone && text.includes(phone)) || (checkNational && text.includes(national as string))
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
    checkPhone = usePhone && !compact && !SECRET_OR_PHONE_HINT.test(phone)
    checkNational = national !== null && !SECRET_OR_PHONE_HINT.test(national)
  }
  return Object.assign(guard, { affects, use })
}

/** A guard for one record (see createRecordGuard). */
export function createTextGuard(phone: string, fullPhone: boolean): TextGuard {
  const guard = createRecordGuard(fullPhone)
  guard.use(phone)
  return guard
}
