import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { maskPhone } from '../../shared/domain/phone.ts'
import { isSecretKey, REDACTED } from '../log/redact.ts'
import { createTextGuard, type TextGuard } from './recordGuard.ts'
import { createJsonlLineWriter } from './jsonlLine.ts'

// JSON Lines: one AttemptRecord per line, '\n' after each, UTF-8 without BOM. The record is
// rebuilt field by field (a property the type does not know is never written), every string
// passes through the text guard (secrets redacted; unless fullPhone, the record's phone number
// masked everywhere, bodies included) and header objects lose the values of secret-like keys
// (Authorization, Signature…) should history ever have kept one.

/** Header object copy: secret-like keys keep their name but lose their value; keys and values guarded. */
export function guardHeaders(headers: Record<string, string>, guard: TextGuard): Record<string, string> {
  if (untouched(headers, guard)) return headers
  const copy: Record<string, string> = {}
  for (const key in headers) {
    if (!Object.hasOwn(headers, key)) continue
    copy[guardKey(key, guard)] = isSecretKey(key) ? REDACTED : guard(String(headers[key]))
  }
  return copy
}

/**
 * Whether guardHeaders' copy would equal `headers` as JSON: a plain object of strings that no
 * rule changes (nearly always), which is then written as it is instead of copied.
 */
function untouched(headers: Record<string, string>, guard: TextGuard): boolean {
  const proto = Object.getPrototypeOf(headers) as unknown
  if (proto !== Object.prototype && proto !== null) return false
  for (const key in headers) {
    if (!Object.hasOwn(headers, key)) return false
    const value = headers[key]
    if (typeof value !== 'string' || isSecretKey(key) || guardKey(key, guard) !== key || guard.affects(value)) return false
  }
  return true
}

/** Header names repeat in every record (and are interned), so whether a guard touches one is cached. */
const plainKeys = new Set<string>()
function guardKey(key: string, guard: TextGuard): string {
  if (plainKeys.has(key)) return key
  const out = guard(key)
  // Only a key no guard can affect (no secret hint, no phone-like digits) is remembered.
  if (out === key && !/\d/.test(key) && plainKeys.size < 1000) plainKeys.add(key)
  return out
}

/** A text guarded; a missing one (null, or undefined in a damaged record) is written as null. */
const str = (value: string | null, guard: TextGuard): string | null => (value === null || value === undefined ? null : guard(String(value)))
/** The same for a text the type says is always there: a damaged record still exports. */
const text = <T extends string>(value: T, guard: TextGuard): T => str(value, guard) as T

/** The record as it is exported: same shape, masked and guarded. */
export function toExportRecord(record: AttemptRecord, fullPhone: boolean): AttemptRecord {
  const guard = createTextGuard(String(record.phone ?? ''), fullPhone)
  return {
    id: record.id,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    environment: text(record.environment, guard),
    baseUrl: text(record.baseUrl, guard),
    channel: text(record.channel, guard),
    operator: text(record.operator, guard),
    appVersion: text(record.appVersion, guard),
    clientId: text(record.clientId, guard),
    paymentId: text(record.paymentId, guard),
    phone: fullPhone ? text(record.phone, guard) : maskPhone(String(record.phone ?? '')),
    transactionRef: text(record.transactionRef, guard),
    signatureMethod: text(record.signatureMethod, guard),
    requestUrl: text(record.requestUrl, guard),
    requestHeaders: guardHeaders(record.requestHeaders ?? {}, guard),
    requestBody: text(record.requestBody, guard),
    httpStatus: record.httpStatus,
    responseHeaders: record.responseHeaders ? guardHeaders(record.responseHeaders, guard) : null,
    responseBody: str(record.responseBody, guard),
    outcome: text(record.outcome, guard),
    errors: (Array.isArray(record.errors) ? record.errors : []).map((e) => ({ code: guard(String(e.code)), message: guard(String(e.message)) })),
    failureReason: str(record.failureReason, guard),
    tokenMs: record.tokenMs,
    requestMs: record.requestMs,
    durationMs: record.durationMs,
    clockOffsetMs: record.clockOffsetMs,
    retryOf: record.retryOf,
  }
}

export interface JsonlEncoder {
  /** Nothing: JSON Lines has no header and no BOM. */
  readonly head: string
  /** One record as a '\n'-terminated JSON line. */
  encode(record: AttemptRecord): string
}

/**
 * Writes `JSON.stringify(toExportRecord(record, fullPhone)) + '\n'` per record: through the
 * fast path of jsonlLine.ts, which writes the same text, or for a record it does not take,
 * directly.
 */
export function createJsonlEncoder(options: { fullPhone: boolean }): JsonlEncoder {
  const { fullPhone } = options
  const line = createJsonlLineWriter(fullPhone)
  return {
    head: '',
    encode(record) {
      return line(record) ?? JSON.stringify(toExportRecord(record, fullPhone)) + '\n'
    },
  }
}
