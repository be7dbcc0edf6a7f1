import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { maskPhone } from '../../shared/domain/phone.ts'
import { isSecretKey } from '../log/redact.ts'
import { createRecordGuard, phoneFitsLeaveAlone, textGuardLeavesAlone } from './recordGuard.ts'
import { jsonString } from '../text/jsonString.ts'
import { createLineBuilder, jsonSlot, textSlot, type Slot } from './lineTrie.ts'
import { type BodyValues, isUsualBody, REQUEST_BODY, usualBodyJson, valuesFit } from './usualBodies.ts'

// The JSON Lines export's fast path. It writes exactly what the reference path writes,
// `JSON.stringify(toExportRecord(record, fullPhone))` (jsonlExport.ts; a test holds the two
// equal on ordinary and hostile records), but builds the line itself: the keys are constant,
// and runs of values that repeat across records are guarded, encoded and joined once per
// export (lineTrie.ts). A record outside the shape the store produces (a non-string where a
// string belongs, a phone the trie cannot speak for, an unusual header object) gets
// `undefined`, and the caller takes the reference path.

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

/** Header names an export remembers per header object; a record with a further name takes the reference path. */
const MAX_HEADER_NAMES = 64

/** The slots of one header object's names: the first pair's (no comma) and the others'. */
interface HeaderSlots {
  first: Map<string, Slot | null>
  rest: Map<string, Slot | null>
}

export function createJsonlLineWriter(fullPhone: boolean): (record: AttemptRecord) => string | undefined {
  const text = (prefix: string): Slot => textSlot(prefix, jsonString)
  // Bodies are JSON text: full of quotes, so straight to JSON.stringify.
  const body = (prefix: string): Slot => textSlot(prefix, JSON.stringify)
  const S = {
    environment: text(',"environment":'),
    baseUrl: text(',"baseUrl":'),
    channel: text(',"channel":'),
    operator: text(',"operator":'),
    appVersion: text(',"appVersion":'),
    clientId: text(',"clientId":'),
    paymentId: text(',"paymentId":'),
    transactionRef: text(',"transactionRef":'),
    signatureMethod: text(',"signatureMethod":'),
    requestUrl: text(',"requestUrl":'),
    requestHeaders: jsonSlot(',"requestHeaders":{'),
    requestBody: body(',"requestBody":'),
    httpStatus: jsonSlot(',"httpStatus":'),
    responseHeaders: jsonSlot(',"responseHeaders":{'),
    noResponseHeaders: jsonSlot(',"responseHeaders":null'),
    /** The end of a header object or of an error. */
    close: jsonSlot('}'),
    responseBody: body(',"responseBody":'),
    responseBodyNull: jsonSlot(',"responseBody":null'),
    outcome: text(',"outcome":'),
    errors: jsonSlot(',"errors":['),
    firstErrorCode: text('{"code":'),
    errorCode: text(',{"code":'),
    errorMessage: text(',"message":'),
    errorsEnd: jsonSlot(']'),
    failureReason: text(',"failureReason":'),
    failureReasonNull: jsonSlot(',"failureReason":null'),
    tokenMs: jsonSlot(',"tokenMs":'),
    requestMs: jsonSlot(',"requestMs":'),
    durationMs: jsonSlot(',"durationMs":'),
    clockOffsetMs: jsonSlot(',"clockOffsetMs":'),
    retryOf: jsonSlot(',"retryOf":'),
    end: jsonSlot('}\n'),
  }
  const requestHeaderSlots: HeaderSlots = { first: new Map(), rest: new Map() }
  const responseHeaderSlots: HeaderSlots = { first: new Map(), rest: new Map() }
  const line = createLineBuilder()
  const guard = createRecordGuard(fullPhone)
  // The current record's payment id, phone and reference, as they are and guarded (reused).
  const raw: BodyValues = { paymentId: '', phone: '', ref: '' }
  const guarded: BodyValues = { paymentId: '', phone: '', ref: '' }

  // Whether every part of the current record took the fast path. When one does not, the run
  // is broken there (a hole), so no node's text ever skips a token.
  let ok = true
  const fail = (): void => {
    ok = false
    line.raw('')
  }

  const num = (value: unknown): string => {
    if (typeof value === 'number') return Number.isFinite(value) ? numberText(value) : 'null'
    if (value !== null) fail()
    return 'null'
  }
  const putText = (slot: Slot, value: unknown): void => {
    if (typeof value === 'string') line.put(slot, value)
    else fail()
  }
  // toExportRecord writes null for a missing nullable text.
  const putNullable = (slot: Slot, nullSlot: Slot, value: unknown): void => (value === null || value === undefined ? line.put(nullSlot, '') : putText(slot, value))
  const putNumber = (slot: Slot, value: unknown): void => line.put(slot, num(value))

  /** The slot of a header name, or null for a name the fast path leaves to the reference path. */
  const headerSlot = (slots: HeaderSlots, name: string, first: boolean): Slot | null => {
    const byName = first ? slots.first : slots.rest
    let slot = byName.get(name)
    if (slot === undefined) {
      if (byName.size >= MAX_HEADER_NAMES) return null
      // '__proto__' behaves differently in copies; secret-like names lose their value; the rest
      // must be names no guard changes (SignatureMethod is one): the reference path writes those as they are.
      const plain = name !== '__proto__' && !isSecretKey(name) && textGuardLeavesAlone(name)
      slot = plain ? text((first ? '' : ',') + jsonString(name) + ':') : null
      byName.set(name, slot)
    }
    return slot
  }

  const putHeaders = (open: Slot, slots: HeaderSlots, value: unknown): void => {
    const proto = typeof value === 'object' && value !== null ? (Object.getPrototypeOf(value) as unknown) : undefined
    if (proto !== Object.prototype && proto !== null) return fail()
    line.put(open, '')
    const object = value as Record<string, unknown>
    let first = true
    for (const name of Object.keys(object)) {
      const item = object[name]
      const slot = typeof item === 'string' ? headerSlot(slots, name, first) : null
      if (slot === null) return fail()
      line.put(slot, item as string)
      first = false
    }
    line.put(S.close, '')
  }

  const putErrors = (value: unknown): void => {
    line.put(S.errors, '')
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        // A hole: toExportRecord's map() would keep it.
        if (!(i in value)) return fail()
        const error = value[i] as { code: unknown; message: unknown }
        line.put(i === 0 ? S.firstErrorCode : S.errorCode, String(error.code))
        line.put(S.errorMessage, String(error.message))
        line.put(S.close, '')
      }
    }
    line.put(S.errorsEnd, '')
  }

  return (r) => {
    const phone = r.phone
    if (!phoneFitsLeaveAlone(phone)) return undefined
    guard.use(phone)
    ok = true
    line.start(guard)
    // Keys in toExportRecord's order.
    line.raw(`{"id":${num(r.id)},"startedAt":${num(r.startedAt)},"finishedAt":${num(r.finishedAt)}`)
    putText(S.environment, r.environment)
    putText(S.baseUrl, r.baseUrl)
    putText(S.channel, r.channel)
    putText(S.operator, r.operator)
    putText(S.appVersion, r.appVersion)
    putText(S.clientId, r.clientId)
    const paymentId = r.paymentId
    const ref = r.transactionRef
    // Plain and free of secret hints, the payment id and reference are guarded once, for their
    // fields and for the usual request body (usualBodies.ts).
    let usual = typeof paymentId === 'string' && typeof ref === 'string'
    if (usual) {
      raw.paymentId = paymentId
      raw.phone = phone
      raw.ref = ref
      usual = valuesFit(raw)
    }
    if (usual) {
      guarded.paymentId = guard(paymentId)
      guarded.phone = guard(phone)
      guarded.ref = guard(ref)
      line.raw(`,"paymentId":"${guarded.paymentId}","phone":"${fullPhone ? guarded.phone : maskPhone(phone)}","transactionRef":"${guarded.ref}"`)
    } else {
      putText(S.paymentId, paymentId)
      line.raw(`,"phone":${jsonString(fullPhone ? guard(phone) : maskPhone(phone))}`)
      putText(S.transactionRef, ref)
    }
    putText(S.signatureMethod, r.signatureMethod)
    putText(S.requestUrl, r.requestUrl)
    putHeaders(S.requestHeaders, requestHeaderSlots, r.requestHeaders ?? {})
    const requestBody = r.requestBody
    if (usual && typeof requestBody === 'string' && isUsualBody(requestBody, REQUEST_BODY, raw)) line.raw(`,"requestBody":${usualBodyJson(REQUEST_BODY, guarded)}`)
    else putText(S.requestBody, requestBody)
    putNumber(S.httpStatus, r.httpStatus)
    if (r.responseHeaders) putHeaders(S.responseHeaders, responseHeaderSlots, r.responseHeaders)
    else line.put(S.noResponseHeaders, '')
    putNullable(S.responseBody, S.responseBodyNull, r.responseBody)
    putText(S.outcome, r.outcome)
    putErrors(r.errors)
    putNullable(S.failureReason, S.failureReasonNull, r.failureReason)
    putNumber(S.tokenMs, r.tokenMs)
    putNumber(S.requestMs, r.requestMs)
    putNumber(S.durationMs, r.durationMs)
    putNumber(S.clockOffsetMs, r.clockOffsetMs)
    putNumber(S.retryOf, r.retryOf)
    line.put(S.end, '')
    return ok ? line.finish() : undefined
  }
}
