import type { ApiError, AttemptRecord, AttemptSummary } from '../../shared/domain/attempt.ts'
import { STORED_REQUEST_HEADERS } from '../../shared/domain/attempt.ts'
import { bodyFromTemplate, decodeResponseHeaders, type TextRegistry } from './attemptTexts.ts'
import { decodeBlob } from './blobCodec.ts'
import { jsonString } from '../text/jsonString.ts'
import type { SQLOutputValue } from 'node:sqlite'
import type { Row } from './historyPlanner.ts'

// Row ⇄ domain object mapping for the attempts table (see schema.ts).

export const SUMMARY_COLUMNS = [
  'a.id',
  'a.started_at',
  'a.finished_at',
  'a.environment',
  'a.channel',
  'a.operator',
  'a.payment_id',
  'a.phone',
  'a.transaction_ref',
  'a.outcome',
  'a.http_status',
  'a.duration_ms',
  'a.retry_of',
  'a.errors',
].join(', ')

/** Columns of a full record, read as an array row (StatementCache arrays): R gives each one's index. */
const RECORD_COLUMN_NAMES = [
  'id',
  'started_at',
  'finished_at',
  'environment',
  'channel',
  'operator',
  'payment_id',
  'phone',
  'transaction_ref',
  'outcome',
  'http_status',
  'duration_ms',
  'retry_of',
  'errors',
  'failure_reason',
  'token_ms',
  'request_ms',
  'clock_offset_ms',
  'context_id',
  'request_timestamp',
  'request_nonce',
  'request_headers',
  'request_body',
  'response_headers',
  'response_header_values',
  'response_body_template',
  'response_body',
] as const

export const RECORD_COLUMNS = RECORD_COLUMN_NAMES.map((name) => `a.${name}`).join(', ')

/** Index of each RECORD_COLUMNS column in an array row. */
export const R = Object.fromEntries(RECORD_COLUMN_NAMES.map((name, i) => [name, i])) as { readonly [K in (typeof RECORD_COLUMN_NAMES)[number]]: number }

export type RecordRow = SQLOutputValue[]

/** The per-setup fields stored once in attempt_contexts. */
export type AttemptContext = Pick<AttemptRecord, 'baseUrl' | 'requestUrl' | 'clientId' | 'appVersion' | 'signatureMethod'>

export function toSummary(row: Row): AttemptSummary {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at as number | null,
    environment: row.environment as AttemptSummary['environment'],
    channel: row.channel as AttemptSummary['channel'],
    operator: row.operator as string,
    paymentId: row.payment_id as string,
    phone: row.phone as string,
    transactionRef: row.transaction_ref as string,
    outcome: row.outcome as AttemptSummary['outcome'],
    httpStatus: row.http_status as number | null,
    durationMs: row.duration_ms,
    retryOf: row.retry_of as number | null,
    errorCodes: parseErrors(row.errors as string).map((e) => e.code),
  }
}

/** The stored request headers other than Timestamp and Nonce, parsed once per text. */
const parseObject = (text: string): Record<string, string> => JSON.parse(text) as Record<string, string>

/** The stored request headers, in STORED_REQUEST_HEADERS order as attemptWriter stored them. */
function requestHeadersOf(row: RecordRow, texts: TextRegistry): Record<string, string> {
  const rest = texts.derived(row[R.request_headers] as number, 'request-headers', parseObject)
  const headers: Record<string, string> = {}
  for (const name of STORED_REQUEST_HEADERS) {
    const value = name === 'Timestamp' ? row[R.request_timestamp] : name === 'Nonce' ? row[R.request_nonce] : rest[name]
    if (value !== null && value !== undefined) headers[name] = value as string
  }
  return headers
}

function responseBodyOf(row: RecordRow, texts: TextRegistry): string | null {
  const template = row[R.response_body_template]
  if (template !== null) {
    return bodyFromTemplate(template as number, { transactionRef: row[R.transaction_ref] as string, paymentId: row[R.payment_id] as string }, texts)
  }
  const blob = row[R.response_body]
  return blob === null ? null : decodeBlob(blob as Uint8Array)
}

/** The context id of a record row. */
export const contextIdOf = (row: RecordRow): number => row[R.context_id] as number

export function toRecord(row: RecordRow, context: AttemptContext, texts: TextRegistry): AttemptRecord {
  const paymentId = row[R.payment_id] as string
  const phone = row[R.phone] as string
  const transactionRef = row[R.transaction_ref] as string
  const requestBody = row[R.request_body]
  const headerValues = row[R.response_header_values]
  return {
    id: row[R.id] as number,
    startedAt: row[R.started_at] as number,
    finishedAt: row[R.finished_at] as number | null,
    environment: row[R.environment] as AttemptRecord['environment'],
    baseUrl: context.baseUrl,
    channel: row[R.channel] as AttemptRecord['channel'],
    operator: row[R.operator] as string,
    appVersion: context.appVersion,
    clientId: context.clientId,
    paymentId,
    phone,
    transactionRef,
    signatureMethod: context.signatureMethod,
    requestUrl: context.requestUrl,
    requestHeaders: requestHeadersOf(row, texts),
    requestBody: requestBody === null ? canonicalRequestBody({ paymentId, phone, transactionRef }) : decodeBlob(requestBody as Uint8Array),
    httpStatus: row[R.http_status] as number | null,
    responseHeaders: headerValues === null ? null : decodeResponseHeaders(row[R.response_headers] as number | null, headerValues as string, texts),
    responseBody: responseBodyOf(row, texts),
    outcome: row[R.outcome] as AttemptRecord['outcome'],
    errors: parseErrors(row[R.errors] as string),
    failureReason: row[R.failure_reason] as string | null,
    tokenMs: row[R.token_ms] as number | null,
    requestMs: row[R.request_ms] as number | null,
    durationMs: row[R.duration_ms] as number | null,
    clockOffsetMs: row[R.clock_offset_ms] as number | null,
    retryOf: row[R.retry_of] as number | null,
  }
}

/**
 * The body the enrollment client sends. Nearly every attempt's request body is exactly this,
 * so it is stored as NULL and rebuilt on reading (42 MB saved per million attempts); any
 * other body is stored as is.
 */
export function canonicalRequestBody(a: Pick<AttemptRecord, 'paymentId' | 'phone' | 'transactionRef'>): string {
  // JSON.stringify({ paymentId, mobilePhoneNumber, transactionRef }) written out (a test holds
  // them equal): a third of the cost, on every record read.
  return `{"paymentId":${jsonString(a.paymentId)},"mobilePhoneNumber":${jsonString(a.phone)},"transactionRef":${jsonString(a.transactionRef)}}`
}

function parseErrors(json: string): ApiError[] {
  // Most attempts have no errors; JSON.parse('[]') is a call per row for nothing.
  return json === '[]' ? [] : (JSON.parse(json) as ApiError[])
}
