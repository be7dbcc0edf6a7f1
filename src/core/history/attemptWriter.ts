import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { pickStoredHeaders, type AttemptRecord } from '../../shared/domain/attempt.ts'
import { immediateTransaction } from '../storage/transaction.ts'
import type { ContextRegistry } from './attemptContexts.ts'
import { canonicalRequestBody } from './attemptRows.ts'
import { bodyTemplateId, encodeResponseHeaders, type TextRegistry } from './attemptTexts.ts'
import { encodeBlob } from './blobCodec.ts'
import { dayOf } from './historyCount.ts'
import { searchIndexText } from './searchText.ts'
import { createCountBatcher } from './countBatch.ts'
import { countNow, countUpsert, createTrendCounter } from './trendCounts.ts'
import type { AttemptCompletion, HistoryStore, NewAttempt } from './types.ts'

// The write side of the history: each call is one durable transaction (synchronous=FULL),
// keeping the attempt row, its search entry, its codes and the day, hour and code counts in step.

export type AttemptWriter = Pick<HistoryStore, 'begin' | 'markSending' | 'complete' | 'countBatch'>

const DAY_COUNT = countUpsert('attempt_day_counts', 'day, outcome, environment, operator')
const COMPLETION_COLUMNS = `finished_at = ?, http_status = ?, response_headers = ?, response_header_values = ?, response_body_template = ?,
  response_body = ?, outcome = ?, errors = ?, failure_reason = ?, token_ms = ?, request_ms = ?, duration_ms = ?, clock_offset_ms = ?`
/** What markSending writes: requestHeaderColumns(headers). */
const SENT_COLUMNS = 'request_timestamp = ?, request_nonce = ?, request_headers = ?'
const MARK_SENDING = `UPDATE attempts SET ${SENT_COLUMNS} WHERE id = ?`
const COMPLETE = `UPDATE attempts SET ${COMPLETION_COLUMNS} WHERE id = ?`
const COMPLETE_SENT = `UPDATE attempts SET ${SENT_COLUMNS}, ${COMPLETION_COLUMNS} WHERE id = ?`

export function createAttemptWriter(db: DatabaseSync, statement: (sql: string) => StatementSync, contexts: ContextRegistry, texts: TextRegistry): AttemptWriter {
  /** Timestamp, Nonce and the id of the other stored request headers (see schema.ts). */
  function requestHeaderColumns(headers: Record<string, string>): [string | null, string | null, number] {
    const kept = pickStoredHeaders(headers)
    const { Timestamp: timestamp, Nonce: nonce, ...rest } = kept
    return [timestamp ?? null, nonce ?? null, texts.idFor(JSON.stringify(rest), false) as number]
  }

  const counts = createCountBatcher(countNow(statement))
  const trends = createTrendCounter(counts.sink, dayOf)

  /** Adds `delta` to the attempt's cell in attempt_day_counts and the trend counts (trendCounts.ts). */
  function dayCount(a: Pick<AttemptRecord, 'startedAt' | 'environment' | 'operator'>, outcome: AttemptRecord['outcome'], delta: number) {
    counts.sink(DAY_COUNT, [dayOf(a.startedAt), outcome, a.environment, a.operator], delta)
    trends.outcome(a, outcome, delta)
  }

  function begin(attempt: NewAttempt): number {
    return immediateTransaction(db, () => {
      const contextId = contexts.idFor(attempt)
      const { lastInsertRowid } = statement(
        `INSERT INTO attempts (started_at, environment, channel, operator, payment_id, phone, transaction_ref, outcome,
           retry_of, context_id, request_timestamp, request_nonce, request_headers, request_body)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'unknown', ?, ?, ?, ?, ?, ?)`,
      ).run(
        attempt.startedAt,
        attempt.environment,
        attempt.channel,
        attempt.operator,
        attempt.paymentId,
        attempt.phone,
        attempt.transactionRef,
        attempt.retryOf,
        contextId,
        ...requestHeaderColumns(attempt.requestHeaders),
        attempt.requestBody === canonicalRequestBody(attempt) ? null : encodeBlob(attempt.requestBody),
      )
      const id = Number(lastInsertRowid)
      statement('INSERT INTO attempt_search (rowid, text) VALUES (?, ?)').run(id, searchIndexText(attempt.paymentId, attempt.transactionRef, attempt.phone))
      dayCount(attempt, 'unknown', 1)
      return id
    })
  }

  function markSending(id: number, requestHeaders: Record<string, string>): void {
    const changes = immediateTransaction(db, () => {
      return Number(statement(MARK_SENDING).run(...requestHeaderColumns(requestHeaders), id).changes)
    })
    if (changes === 0) throw new Error(`Attempt #${id} is not in the history.`)
  }

  function complete(id: number, c: AttemptCompletion, sentHeaders?: Record<string, string>): void {
    immediateTransaction(db, () => {
      const before = statement('SELECT started_at, environment, operator, outcome, errors, payment_id, transaction_ref FROM attempts WHERE id = ?').get(id) as
        | {
            started_at: number
            environment: AttemptRecord['environment']
            operator: string
            outcome: AttemptRecord['outcome']
            errors: string
            payment_id: string
            transaction_ref: string
          }
        | undefined
      if (!before) throw new Error(`Attempt #${id} is not in the history.`)
      const headers = c.responseHeaders === null ? null : encodeResponseHeaders(c.responseHeaders, texts)
      const keys = { transactionRef: before.transaction_ref, paymentId: before.payment_id }
      const bodyTemplate = c.responseBody === null ? null : bodyTemplateId(c.responseBody, keys, texts)
      statement(sentHeaders ? COMPLETE_SENT : COMPLETE).run(
        ...(sentHeaders ? requestHeaderColumns(sentHeaders) : []),
        c.finishedAt,
        c.httpStatus,
        headers?.template ?? null,
        headers?.values ?? null,
        bodyTemplate,
        c.responseBody === null || bodyTemplate !== null ? null : encodeBlob(c.responseBody),
        c.outcome,
        JSON.stringify(c.errors),
        c.failureReason,
        c.tokenMs,
        c.requestMs,
        c.durationMs,
        c.clockOffsetMs,
        id,
      )
      const attempt = { startedAt: before.started_at, environment: before.environment, operator: before.operator }
      if (before.outcome !== c.outcome) {
        dayCount(attempt, before.outcome, -1)
        dayCount(attempt, c.outcome, 1)
      }
      // Completing twice replaces the codes rather than adding to them.
      const deleteCode = statement('DELETE FROM attempt_codes WHERE code = ? AND started_at = ? AND attempt_id = ?')
      // The codes stored so far were written with the outcome stored so far.
      for (const code of codesOf(JSON.parse(before.errors) as AttemptRecord['errors'])) {
        deleteCode.run(code, before.started_at, id)
        trends.code(attempt, code, before.outcome, -1)
      }
      const insertCode = statement('INSERT INTO attempt_codes (code, started_at, attempt_id, outcome, environment, operator) VALUES (?, ?, ?, ?, ?, ?)')
      for (const code of codesOf(c.errors)) {
        insertCode.run(code, before.started_at, id, c.outcome, before.environment, before.operator)
        trends.code(attempt, code, c.outcome, 1)
      }
    })
  }

  return { begin, markSending, complete, countBatch: (work) => immediateTransaction(db, () => counts.batch(work)) }
}

function codesOf(errors: AttemptRecord['errors']): Set<string> {
  return new Set(errors.map((e) => String(e.code)))
}
