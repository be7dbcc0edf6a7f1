import type { AttemptRecord, Channel } from '../../shared/domain/attempt.ts'
import { ENROLL_PATH, ENVIRONMENT_LABELS, type EnvironmentId } from '../../shared/domain/environments.ts'
import { maskPhone } from '../../shared/domain/phone.ts'
import { contentHash } from '../audit/auditHash.ts'
import type { AuditInput } from '../audit/types.ts'
import type { AttemptCompletion, NewAttempt } from '../history/types.ts'
import type { EnrollBody, EnrollCallResult, EnrollTarget } from '../protocol/types.ts'

// The steps of one attempt that a single enrollment (enrollService.ts) and a bulk run
// (bulk/runRunner.ts) share: the record written before sending, its audit entries, and the
// completion written after. One definition, so both paths store and seal the same things.

export interface AttemptContext {
  environment: EnvironmentId
  channel: Channel
  operator: string
  appVersion: string
}

/** The history row written BEFORE sending (outcome `unknown` until completed). */
export function newAttemptRecord(context: AttemptContext, target: EnrollTarget, body: EnrollBody, startedAt: number, retryOf: number | null): NewAttempt {
  return {
    startedAt,
    environment: context.environment,
    baseUrl: target.baseUrl,
    channel: context.channel,
    operator: context.operator,
    appVersion: context.appVersion,
    clientId: target.credentials.clientId,
    paymentId: body.paymentId,
    phone: body.mobilePhoneNumber,
    transactionRef: body.transactionRef,
    signatureMethod: target.signatureMethod,
    requestUrl: `${target.baseUrl}${ENROLL_PATH}`,
    requestHeaders: {},
    requestBody: JSON.stringify(body),
    retryOf,
  }
}

/** The audit entry of an attempt about to be sent (phone masked). */
export function attemptAuditEntry(id: number, environment: EnvironmentId, body: EnrollBody, retryOf: number | null, extra: Record<string, unknown> = {}): AuditInput {
  return {
    action: 'enroll.attempt',
    summary: `Enrollment #${id} of payment ${body.paymentId} (ref ${body.transactionRef}) sent to ${ENVIRONMENT_LABELS[environment]}${retryOf ? `, retrying #${retryOf}` : ''}`,
    details: {
      attemptId: id,
      environment,
      paymentId: body.paymentId,
      phone: maskPhone(body.mobilePhoneNumber),
      transactionRef: body.transactionRef,
      retryOf,
      ...extra,
    },
  }
}

/** The result of a client that threw: unknown if the request may have left, failed if not. */
export function clientErrorResult(error: unknown, sending: boolean): EnrollCallResult {
  const reason = error instanceof Error ? error.message : String(error)
  return {
    outcome: sending ? 'unknown' : 'failed',
    httpStatus: null,
    responseHeaders: null,
    responseBody: null,
    errors: [],
    failureReason: sending
      ? `The console hit an internal error after sending (${reason}); the card may or may not be enrolled.`
      : `The console hit an internal error before sending (${reason}).`,
    tokenMs: null,
    requestMs: null,
    clockOffsetMs: null,
    requestHeaders: {},
  }
}

export function completionOf(result: EnrollCallResult, startedAt: number, finishedAt: number): AttemptCompletion {
  return {
    finishedAt,
    httpStatus: result.httpStatus,
    responseHeaders: result.responseHeaders,
    responseBody: result.responseBody,
    outcome: result.outcome,
    errors: result.errors,
    failureReason: result.failureReason,
    tokenMs: result.tokenMs,
    requestMs: result.requestMs,
    durationMs: finishedAt - startedAt,
    clockOffsetMs: result.clockOffsetMs,
  }
}

/** The outcome as an audit entry, with the hash of the completed history row it describes. */
export function outcomeAuditEntry(record: AttemptRecord): AuditInput {
  const codes = record.errors.map((e) => e.code)
  return {
    action: 'enroll.outcome',
    summary: `Enrollment #${record.id} of payment ${record.paymentId}: ${record.outcome}${record.httpStatus === null ? '' : ` (HTTP ${record.httpStatus}${codes.length ? `, ${codes.join(', ')}` : ''})`}`,
    details: { attemptId: record.id, outcome: record.outcome, httpStatus: record.httpStatus, codes, durationMs: record.durationMs, historyRowHash: contentHash(record) },
  }
}
