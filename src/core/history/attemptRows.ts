import type { ApiError, AttemptRecord, AttemptSummary } from '../../shared/domain/attempt.ts'
import { decodeBlob } from './blobCodec.ts'
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

export const RECORD_COLUMNS = [
  SUMMARY_COLUMNS,
  'a.failure_reason',
  'a.token_ms',
  'a.request_ms',
  'a.clock_offset_ms',
  'a.context_id',
  'a.request_headers',
  'a.request_body',
  'a.response_headers',
  'a.response_body',
].join(', ')

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

export function toRecord(row: Row, context: AttemptContext): AttemptRecord {
  const summary = toSummary(row)
  return {
    id: summary.id,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    environment: summary.environment,
    baseUrl: context.baseUrl,
    channel: summary.channel,
    operator: summary.operator,
    appVersion: context.appVersion,
    clientId: context.clientId,
    paymentId: summary.paymentId,
    phone: summary.phone,
    transactionRef: summary.transactionRef,
    signatureMethod: context.signatureMethod,
    requestUrl: context.requestUrl,
    requestHeaders: JSON.parse(decodeBlob(row.request_headers as Uint8Array)) as Record<string, string>,
    requestBody: row.request_body === null ? canonicalRequestBody(summary) : decodeBlob(row.request_body as Uint8Array),
    httpStatus: summary.httpStatus,
    responseHeaders: row.response_headers === null ? null : (JSON.parse(decodeBlob(row.response_headers as Uint8Array)) as Record<string, string>),
    responseBody: row.response_body === null ? null : decodeBlob(row.response_body as Uint8Array),
    outcome: summary.outcome,
    errors: parseErrors(row.errors as string),
    failureReason: row.failure_reason as string | null,
    tokenMs: row.token_ms as number | null,
    requestMs: row.request_ms as number | null,
    durationMs: summary.durationMs,
    clockOffsetMs: row.clock_offset_ms as number | null,
    retryOf: summary.retryOf,
  }
}

/**
 * The body the enrollment client sends. Nearly every attempt's request body is exactly this,
 * so it is stored as NULL and rebuilt on reading (42 MB saved per million attempts); any
 * other body is stored as is.
 */
export function canonicalRequestBody(a: Pick<AttemptRecord, 'paymentId' | 'phone' | 'transactionRef'>): string {
  return JSON.stringify({ paymentId: a.paymentId, mobilePhoneNumber: a.phone, transactionRef: a.transactionRef })
}

function parseErrors(json: string): ApiError[] {
  return JSON.parse(json) as ApiError[]
}
