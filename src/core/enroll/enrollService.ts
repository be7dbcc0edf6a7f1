import type { AttemptRecord, Channel } from '../../shared/domain/attempt.ts'
import { validateEnrollInput, type EnrollInput, type ValidEnrollInput } from '../../shared/domain/enrollInput.ts'
import type { EnvironmentId } from '../../shared/domain/environments.ts'
import { fail, ok, type Result } from '../../shared/domain/result.ts'
import type { AuditTrail } from '../audit/types.ts'
import type { HistoryStore } from '../history/types.ts'
import type { Logger } from '../log/logger.ts'
import { attemptAuditEntry, clientErrorResult, completionOf, newAttemptRecord, outcomeAuditEntry } from './attemptSteps.ts'
import { checkTargetUrls } from '../protocol/targetUrls.ts'
import type { EnrollBody, EnrollCallResult, EnrollTarget } from '../protocol/types.ts'

export interface EnrollCaller {
  enroll(
    target: EnrollTarget,
    body: EnrollBody,
    hooks?: { beforeSend?(requestHeaders: Record<string, string>, url: string): void },
  ): Promise<EnrollCallResult>
}

export type TargetResolution = { ok: true; target: Omit<EnrollTarget, 'signatureMethod'> } | { ok: false; result: Result<never> }

/**
 * What sending attempts takes, for a single enrollment and a bulk run alike (appCore builds it
 * once and hands the same to both).
 */
export interface AttemptDeps {
  history: HistoryStore
  audit: AuditTrail
  client: EnrollCaller
  logger: Logger
  now: () => number
  operator: string
  appVersion: string
  channel: Channel
  /** Base URLs and credentials for an environment (keychain, env vars, training server). */
  resolveTarget(environment: EnvironmentId): Promise<TargetResolution>
}

export interface EnrollServiceDeps extends AttemptDeps {
  /**
   * Runs `work` as one durable transaction on the history file (history and audit share it):
   * an attempt and its audit entry are committed together, with one disk flush instead of two.
   */
  atomically<T>(work: () => T): T
}

export interface EnrollRequest extends EnrollInput {
  environment: EnvironmentId
  productionConfirmation?: string | undefined
  retryOf?: number | undefined
  confirmRetry?: boolean | undefined
}

/**
 * One enrollment, start to finish: validate, check the deliberate confirmations, write the
 * attempt BEFORE sending (outcome `unknown` until completed, so a crash leaves a trace),
 * send once, complete the record. Never retries after the request may have left. Two durable
 * commits on the way: the attempt as it leaves, and its outcome.
 */
export function createEnrollService(deps: EnrollServiceDeps) {
  // Payment ids with a request in flight: a double click must not send twice.
  const inFlight = new Set<string>()

  async function enroll(request: EnrollRequest): Promise<Result<AttemptRecord>> {
    const checked = validateEnrollInput(request)
    if (!checked.ok) {
      return fail('invalid-input', 'Some fields need attention before sending.', checked.errors as Record<string, string>)
    }
    const input = checked.value

    if (request.environment === 'production' && request.productionConfirmation?.trim() !== input.paymentId) {
      return fail('confirmation-required', 'Sending to Production needs the payment id typed a second time to confirm.')
    }

    if (request.retryOf !== undefined) {
      const original = deps.history.get(request.retryOf)
      if (!original) return fail('not-found', `Attempt #${request.retryOf} is not in the history.`)
      if ((original.outcome === 'unknown' || original.outcome === 'enrolled') && !request.confirmRetry) {
        return fail(
          'confirmation-required',
          original.outcome === 'enrolled'
            ? `Attempt #${original.id} already enrolled this card. Confirm to send again.`
            : `The outcome of attempt #${original.id} is unknown: the card may already be enrolled. Confirm to send again.`,
        )
      }
    }

    if (inFlight.has(input.paymentId)) {
      return fail('busy', `An enrollment for payment ${input.paymentId} is already in progress.`)
    }

    // The attempt and its outcome must be sealed in the audit trail: without its key, nothing is sent.
    const auditRefusal = deps.audit.unavailable()
    if (auditRefusal) return fail('keychain-unavailable', auditRefusal)

    // Claimed before the first await, so that a second call meanwhile sees it; released however
    // the enrollment ends.
    inFlight.add(input.paymentId)
    try {
      return await resolveAndSend(request, input)
    } finally {
      inFlight.delete(input.paymentId)
    }
  }

  async function resolveAndSend(request: EnrollRequest, input: ValidEnrollInput): Promise<Result<AttemptRecord>> {
    const resolution = await deps.resolveTarget(request.environment)
    if (!resolution.ok) return resolution.result
    // URLs from settings.json (possibly edited by hand) meet the URL rule before anything is written or sent.
    const urls = checkTargetUrls(resolution.target)
    if (!urls.ok) return fail('invalid-input', urls.reason)
    const target: EnrollTarget = { ...resolution.target, baseUrl: urls.baseUrl, passportUrl: urls.passportUrl, signatureMethod: input.signatureMethod }
    const body: EnrollBody = { paymentId: input.paymentId, mobilePhoneNumber: input.mobilePhoneNumber, transactionRef: input.transactionRef }

    const startedAt = deps.now()
    const retryOf = request.retryOf ?? null
    const context = { environment: request.environment, channel: deps.channel, operator: deps.operator, appVersion: deps.appVersion }
    /** The attempt (outcome `unknown`) and its audit entry, one commit; answers the attempt's id. */
    function beginAttempt(requestHeaders: Record<string, string>): number {
      const id = deps.history.begin({ ...newAttemptRecord(context, target, body, startedAt, retryOf), requestHeaders })
      deps.audit.record(attemptAuditEntry(id, request.environment, body, retryOf))
      deps.logger.info('enroll.start', { attemptId: id, environment: request.environment, paymentId: body.paymentId, phone: body.mobilePhoneNumber })
      return id
    }

    let attemptId: number | undefined
    let beginError: unknown
    let result: EnrollCallResult
    try {
      result = await deps.client.enroll(target, body, {
        // Right before the request leaves (after the token): the attempt, its audit entry and the
        // exact headers sent are on disk in one commit. A second send (a refreshed token after a
        // 401) only updates the headers.
        beforeSend(headers) {
          if (attemptId !== undefined) return deps.history.markSending(attemptId, headers)
          try {
            attemptId = deps.atomically(() => beginAttempt(headers))
          } catch (error) {
            beginError = error // not written, so not sent: the enrollment ends with this error
            throw error
          }
        },
      })
    } catch (error) {
      if (beginError !== undefined) throw beginError
      // A defect in the client: if the request may have left, the outcome is unknown.
      deps.logger.error('enroll.client-error', { attemptId: attemptId ?? null, reason: error instanceof Error ? error.message : String(error) })
      result = clientErrorResult(error, attemptId !== undefined)
    }

    const finishedAt = deps.now()
    // The completed row and its outcome entry in one commit (recordOutcome never throws). An
    // attempt that never reached the point of sending (no token, say) is written here, whole.
    const record = deps.atomically(() => {
      const id = attemptId ?? beginAttempt({})
      attemptId = id
      deps.history.complete(id, completionOf(result, startedAt, finishedAt))
      const completed = deps.history.get(id)
      if (completed) recordOutcome(completed)
      return completed
    })
    deps.logger.info('enroll.done', {
      attemptId,
      outcome: result.outcome,
      httpStatus: result.httpStatus,
      codes: result.errors.map((e) => e.code),
      durationMs: finishedAt - startedAt,
    })
    if (!record) return fail('internal', `Attempt #${attemptId} was written but cannot be read back.`)
    return ok(record)
  }

  /** The outcome as an audit entry, with the hash of the completed history row it describes. */
  function recordOutcome(record: AttemptRecord): void {
    try {
      deps.audit.record(outcomeAuditEntry(record))
    } catch (error) {
      // The attempt is complete in history either way; a trail that refuses the entry is logged loudly.
      deps.logger.error('audit.outcome-not-recorded', { attemptId: record.id, reason: error instanceof Error ? error.message : String(error) })
    }
  }

  return { enroll }
}

export type EnrollService = ReturnType<typeof createEnrollService>
