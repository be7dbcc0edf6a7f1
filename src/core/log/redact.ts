
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
//  (c') the same pairs written with their key or value in JSON `\uXXXX` escapes, URL-encoded
//      (`client_secret%3D…`) or as HTML entities (`&quot;client_secret&quot;:…`) are found in a
//      decoded view of the text; when that view has something to redact, the decoded text is
//      kept, redacted (the encoding is lost, never the redaction); and `key: "value"` pairs
//      with a quoted value (`client_secret: "…"`, `'password' = '…'`) are redacted too;
//  (d) Nigerian numbers (MSISDN `234…`, `+234 803 123 4567`, local `0803…`) are masked the
//      way maskPhone (shared/domain/phone.ts) masks an MSISDN (first three national digits and last three shown),
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

// A cheap test that tells whether the (slower) secret rules below can match at all: a secret
// word, or an encoding (JSON \u escape, URL %XX, HTML entity) that could hide one.
const SECRET_HINT = /secret|passw|token|authori|signature|cipher|cookie|api[-_]?key|bearer|basic|\\u[0-9a-f]{4}|%[0-9a-f]{2}|&#?[a-z0-9]{2,8};/i

// "key": "value" in JSON text (also JSON text that was itself escaped into a string: \"key\":\"value\").
const JSON_STRING_PAIR = /"([^"\\\r\n]{1,100})"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g
const JSON_SCALAR_PAIR = /"([^"\\\r\n]{1,100})"(\s*:\s*)(-?\d[\d.eE+-]*|true|false)/g
const ESCAPED_JSON_STRING_PAIR = /\\"([^"\\\r\n]{1,100})\\"(\s*:\s*)\\"((?:[^"\\]|\\[^"])*)\\"/g
// `Key: value` / `key=value` in header dumps, form bodies and messages. The value is one
// token (an auth scheme may precede it); a cipher runs to the end of the line.
const TEXT_PAIR = /(?<![\w.-])([A-Za-z][\w.-]{0,63})(\s*[:=]\s*)((?:(?:Bearer|Basic)\s+)?[^\s&,;"'\\]+)/g
// key: "value" / key = 'value' with an unquoted or quoted key (code, config and log dumps).
const TEXT_QUOTED_PAIR = /(?<![\w.-])(['"]?)([A-Za-z][\w.-]{0,63})\1(\s*[:=]\s*)(["'])((?:(?!\4)[^\\\r\n]|\\.)*)\4/g
const TEXT_CIPHER_PAIR = /(?<![\w.-])([A-Za-z][\w.-]{0,63}cipher[\w.-]{0,63})(\s*[:=]\s*)([^\r\n"\\]+)/gi
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)(?!\[redacted\])[^\s"'\\,;]+/gi
// METHOD & encoded URL & timestamp & nonce & clientId & secret [& extra fields]
const CIPHER = /\b(GET|POST|PUT|PATCH|DELETE)&(https?%3A%2F%2F[^&\s"'\\]*)&([^&\s"'\\]*)&([^&\s"'\\]*)&([^&\s"'\\]*)&[^\s"'\\]+/gi

// Phone numbers: the compact MSISDN (as in the spec: 234 + 10 digits), and the spaced,
// dashed and local forms of Nigerian mobile numbers.
/** Every form PHONE matches contains `234` or a `0` + mobile prefix (070…091); most text has neither. */
const PHONE_HINT = /234|0[789][01]/
const PHONE = /(?<![\d+])(?:\+?234(?:[\s-]?[789][01]\d(?:[\s-]?\d){7}|\d{10})|0[789][01]\d(?:[\s-]?\d){7})(?!\d)/g

/** An MSISDN as stored: 234 and ten national digits. */
export const COMPACT_MSISDN = /^234\d{10}$/

/** Masks one phone number found by the phone rule (exported for the export guard). */
export function maskPhoneMatch(match: string): string {
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

/** Rules (a)–(c'): secrets redacted, phones untouched. */
export function redactSecretsInText(text: string): string {
  if (!SECRET_HINT.test(text)) return text
  const plain = redactPlainSecrets(text)
  const decoded = decodeView(plain)
  if (decoded === plain) return plain
  const redacted = redactPlainSecrets(decoded)
  return redacted === decoded ? plain : redacted
}

function redactPlainSecrets(text: string): string {
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
  if (out.includes('"') || out.includes("'")) {
    out = out.replace(TEXT_QUOTED_PAIR, (m, q: string, key: string, sep: string, quote: string) => (isSecretKey(key) ? `${q}${key}${q}${sep}${quote}${REDACTED}${quote}` : m))
  }
  return redactTextPairs(out)
}

const NAMED_ENTITIES: Record<string, string> = { quot: '"', amp: '&', apos: "'", lt: '<', gt: '>', colon: ':', equals: '=', sol: '/', plus: '+' }

/**
 * The text with JSON \uXXXX escapes, URL %XX escapes and HTML entities decoded, twice over
 * (an entity inside a URL-encoded value…). Invalid sequences are left as they are.
 */
function decodeView(text: string): string {
  let out = text
  for (let round = 0; round < 2; round++) {
    const before = out
    out = out.replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    out = out.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run)
      } catch {
        return run
      }
    })
    out = out.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,8});/g, (m, name: string) => {
      if (name.startsWith('#')) {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m
      }
      return NAMED_ENTITIES[name.toLowerCase()] ?? m
    })
    if (out === before) break
  }
  return out
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
 * Whether `part` may hold a secret that the rules would redact (the cheap hint, as the rules
 * themselves use it). A text built from parts without one and from fixed pieces without one,
 * joined at `"` characters (which no hint contains), has none either.
 */
export function mayHoldSecret(part: string): boolean {
  return SECRET_HINT.test(part)
}

/** SECRET_HINT or PHONE_HINT, in one pass (kept in step with both). */
const SECRET_OR_PHONE_HINT = new RegExp(`${SECRET_HINT.source}|${PHONE_HINT.source}`, 'i')

/** Whether the secret or the phone rules could change `text` at all (the cheap hint). */
export function mayHoldSecretOrPhone(text: string): boolean {
  return SECRET_OR_PHONE_HINT.test(text)
}

// --- known values -------------------------------------------------------------------------

/** What replaces a known secret value (the key-based rules above write REDACTED instead). */
export const HIDDEN = '[hidden]'

/** Values shorter than this are not searched for (they would match everywhere); see secretRule.ts. */
const MIN_HIDDEN_LENGTH = 8

/** What every form encodedForms() allows for a character, except the character itself, starts with. */
const ENCODING_START = /[&\\%]/

export interface KnownSecrets {
  /** Secret values: client secret, bearer tokens, Signatures. */
  values: Iterable<string>
  /** Client id and secret pairs, whose `id:secret` base64 (the Basic credentials) is hidden too. */
  basicPairs?: Iterable<{ clientId: string; clientSecret: string }>
}

/**
 * A function that hides every occurrence of the known values in a text: as they are, and
 * written character by character in any mix of JSON `\uXXXX` escapes, `\/`, URL `%XX`
 * escapes and HTML entities (a server that echoes a token back escaped). The base64 of
 * `id:secret` (standard or URL-safe alphabet, with or without padding, with or without
 * `Basic`) and of the secret alone count as values too.
 */
export function createValueScrubber(known: KnownSecrets): (text: string) => string {
  const values = new Set<string>()
  for (const value of known.values) values.add(value)
  for (const { clientId, clientSecret } of known.basicPairs ?? []) {
    for (const plain of [`${clientId}:${clientSecret}`, clientSecret]) {
      const b64 = Buffer.from(plain, 'utf8').toString('base64')
      const unpadded = b64.replace(/=+$/, '')
      for (const form of [b64, unpadded, b64.replaceAll('+', '-').replaceAll('/', '_'), unpadded.replaceAll('+', '-').replaceAll('/', '_')]) values.add(form)
    }
  }
  const wanted = [...values].filter((v) => v.length >= MIN_HIDDEN_LENGTH).sort((a, b) => b.length - a.length)
  if (wanted.length === 0) return (text) => text
  // The pattern with every character in any encoding is large (a token of a few hundred
  // characters makes it hundreds of KB): V8 takes tens of ms to compile it, more than a whole
  // CLI enrollment's own work. Every encoded form of a character starts with &, \ or %, so a
  // text with none of them can hold a value only as it is: the literal values (same order, so
  // the same matches) find exactly what the full pattern would. The full one is built on first need.
  // Both are built only when needed: the enrollment client makes a scrubber per call (each
  // call's Signature is one of the values), and a pattern compiled per call costs CPU and
  // lingers in V8's RegExp cache (several KB per call in a bulk run); most texts hold no value.
  let literal: RegExp | undefined
  let encoded: RegExp | undefined
  return (text) => {
    if (!ENCODING_START.test(text)) {
      if (!wanted.some((value) => text.includes(value))) return text
      literal ??= new RegExp(wanted.map(escapeRegex).join('|'), 'g')
      return text.replace(literal, HIDDEN)
    }
    encoded ??= new RegExp(wanted.map(encodedForms).join('|'), 'g')
    return text.replace(encoded, HIDDEN)
  }
}

/** A regex source matching `value` with each character in any of its encodings. */
function encodedForms(value: string): string {
  let source = ''
  for (const char of value) {
    const code = char.codePointAt(0) as number
    const forms = [escapeRegex(char), `&#0*${code};`, `&#[xX]0*${hexAnyCase(code.toString(16))};`]
    const units = code > 0xffff ? [char.charCodeAt(0), char.charCodeAt(1)] : [code]
    forms.push(units.map((u) => `\\\\[uU]${hexAnyCase(u.toString(16).padStart(4, '0'))}`).join(''))
    forms.push([...Buffer.from(char, 'utf8')].map((b) => `%${hexAnyCase(b.toString(16).padStart(2, '0'))}`).join(''))
    const entity = ENTITY_OF[char]
    if (entity) forms.push(entity)
    if (char === '/') forms.push('\\\\/')
    source += `(?:${forms.join('|')})`
  }
  return source
}

const ENTITY_OF: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '/': '&sol;', '+': '&plus;', '=': '&equals;', ':': '&colon;' }

function hexAnyCase(hex: string): string {
  return [...hex].map((c) => (/[a-f]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('')
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
