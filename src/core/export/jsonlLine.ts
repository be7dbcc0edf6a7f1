import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { maskPhone } from '../../shared/domain/phone.ts'
import { createTextGuard, isSecretKey, phoneFitsLeaveAlone, textGuardLeavesAlone, type TextGuard } from '../log/redact.ts'
import { jsonString } from '../text/jsonString.ts'
import { createTextMemo, type TextMemo } from './textMemo.ts'

// The JSON Lines export's fast path. It writes exactly what the reference path writes,
// `JSON.stringify(toExportRecord(record, fullPhone))` (jsonlExport.ts; a test holds the two
// equal on ordinary and hostile records), but builds the line itself: the keys are constant,
// and strings that repeat across records are guarded and JSON-encoded once per export
// (TextMemo) — about 4 s less at a million records (bench: export). A record outside the shape
// the store produces (a non-string where a string belongs, a phone the memos cannot speak
// for, an unusual header object) gets `undefined`, and the caller takes the reference path.

const ZEROS = ['', '0', '00', '000', '0000', '00000']

/**
 * String(n) for a finite number. Millisecond timestamps are not small integers, and V8 turns
 * those into text several times slower than small ones (which it also caches), so a whole
 * number of 7 to 15 digits is written as its millions and its remainder.
 */
export function numberText(n: number): string {
  if (n >= 1e6 && n < 1e15 && Number.isInteger(n)) {
    const high = Math.floor(n / 1e6)
    const low = String(n - high * 1e6)
    return String(high) + (ZEROS[6 - low.length] as string) + low
  }
  return String(n)
}

/** Header names an export remembers; a record with a further name takes the reference path. */
const MAX_HEADER_NAMES = 64

interface HeaderName {
  /** `"name":` */
  prefix: string
  values: TextMemo<string>
}

export function createJsonlLineWriter(fullPhone: boolean): (record: AttemptRecord) => string | undefined {
  const memo = (): TextMemo<string> => createTextMemo(jsonString)
  const fields = {
    environment: memo(),
    baseUrl: memo(),
    channel: memo(),
    operator: memo(),
    appVersion: memo(),
    clientId: memo(),
    paymentId: memo(),
    transactionRef: memo(),
    signatureMethod: memo(),
    requestUrl: memo(),
    // Bodies are JSON text: full of quotes, so straight to JSON.stringify.
    requestBody: createTextMemo<string>(JSON.stringify),
    responseBody: createTextMemo<string>(JSON.stringify),
    outcome: memo(),
    errorCode: memo(),
    errorMessage: memo(),
    failureReason: memo(),
  }
  const headerNames = new Map<string, HeaderName | null>()

  // Per record: its guard, and whether every part so far took the fast path.
  let guard: TextGuard = createTextGuard('', fullPhone)
  let ok = true

  const num = (value: unknown): string => {
    if (typeof value === 'number') return Number.isFinite(value) ? numberText(value) : 'null'
    if (value !== null) ok = false
    return 'null'
  }
  const text = (value: unknown, field: TextMemo<string>): string => {
    if (typeof value === 'string') return field.get(value, guard)
    ok = false
    return ''
  }
  // toExportRecord writes null for a missing nullable text.
  const nullableText = (value: unknown, field: TextMemo<string>): string => (value === null || value === undefined ? 'null' : text(value, field))

  /** `"name":` and the memo of its values, or null for a name the fast path leaves to the reference path. */
  const headerName = (name: string): HeaderName | null => {
    let known = headerNames.get(name)
    if (known === undefined) {
      if (headerNames.size >= MAX_HEADER_NAMES) return null
      // '__proto__' behaves differently in copies; secret-like names lose their value; the rest
      // must be names no guard changes (SignatureMethod is one): the reference path writes those as they are.
      const plain = name !== '__proto__' && !isSecretKey(name) && textGuardLeavesAlone(name)
      known = plain ? { prefix: jsonString(name) + ':', values: memo() } : null
      headerNames.set(name, known)
    }
    return known
  }

  const headers = (value: unknown): string => {
    const proto = typeof value === 'object' && value !== null ? (Object.getPrototypeOf(value) as unknown) : undefined
    if (proto !== Object.prototype && proto !== null) return ((ok = false), '')
    const object = value as Record<string, unknown>
    let out = ''
    for (const name of Object.keys(object)) {
      const item = object[name]
      const known = typeof item === 'string' ? headerName(name) : null
      if (known === null) return ((ok = false), '')
      out += (out === '' ? '' : ',') + known.prefix + known.values.get(item as string, guard)
    }
    return `{${out}}`
  }

  const errors = (value: unknown): string => {
    if (!Array.isArray(value)) return '[]'
    let out = ''
    for (let i = 0; i < value.length; i++) {
      // A hole: toExportRecord's map() would keep it.
      if (!(i in value)) return ((ok = false), '')
      const error = value[i] as { code: unknown; message: unknown }
      out += `${i === 0 ? '' : ','}{"code":${fields.errorCode.get(String(error.code), guard)},"message":${fields.errorMessage.get(String(error.message), guard)}}`
    }
    return `[${out}]`
  }

  return (r) => {
    const phone = r.phone
    if (!phoneFitsLeaveAlone(phone)) return undefined
    guard = createTextGuard(phone, fullPhone)
    ok = true
    const f = fields
    // Keys in toExportRecord's order.
    const line =
      `{"id":${num(r.id)},"startedAt":${num(r.startedAt)},"finishedAt":${num(r.finishedAt)},` +
      `"environment":${text(r.environment, f.environment)},"baseUrl":${text(r.baseUrl, f.baseUrl)},"channel":${text(r.channel, f.channel)},` +
      `"operator":${text(r.operator, f.operator)},"appVersion":${text(r.appVersion, f.appVersion)},"clientId":${text(r.clientId, f.clientId)},` +
      `"paymentId":${text(r.paymentId, f.paymentId)},"phone":${jsonString(fullPhone ? guard(phone) : maskPhone(phone))},` +
      `"transactionRef":${text(r.transactionRef, f.transactionRef)},"signatureMethod":${text(r.signatureMethod, f.signatureMethod)},` +
      `"requestUrl":${text(r.requestUrl, f.requestUrl)},"requestHeaders":${headers(r.requestHeaders ?? {})},` +
      `"requestBody":${text(r.requestBody, f.requestBody)},"httpStatus":${num(r.httpStatus)},` +
      `"responseHeaders":${r.responseHeaders ? headers(r.responseHeaders) : 'null'},"responseBody":${nullableText(r.responseBody, f.responseBody)},` +
      `"outcome":${text(r.outcome, f.outcome)},"errors":${errors(r.errors)},"failureReason":${nullableText(r.failureReason, f.failureReason)},` +
      `"tokenMs":${num(r.tokenMs)},"requestMs":${num(r.requestMs)},"durationMs":${num(r.durationMs)},` +
      `"clockOffsetMs":${num(r.clockOffsetMs)},"retryOf":${num(r.retryOf)}}\n`
    return ok ? line : undefined
  }
}
