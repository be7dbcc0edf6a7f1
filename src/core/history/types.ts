import type { AttemptRecord, AttemptSummary } from '../../shared/domain/attempt.ts'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import type { PaymentOutcome } from './paymentOutcomes.ts'
import type { EnrollPrecheck, HistoryPage, HistoryTrends, StatusStrip } from '../../shared/domain/historyViews.ts'

/** The fields of an attempt known only once it has ended (any way it ends). */
type CompletionField =
  | 'finishedAt'
  | 'httpStatus'
  | 'responseHeaders'
  | 'responseBody'
  | 'outcome'
  | 'errors'
  | 'failureReason'
  | 'tokenMs'
  | 'requestMs'
  | 'durationMs'
  | 'clockOffsetMs'

/** Fields known before anything is sent; the row is inserted with outcome `unknown`. */
export type NewAttempt = Omit<AttemptRecord, 'id' | CompletionField>

/** What is known once the attempt has ended (any way it ends). */
export type AttemptCompletion = Pick<AttemptRecord, CompletionField>

/**
 * The history of enrollment attempts, shared by the console and the CLI (one SQLite file).
 * Every method is synchronous: node:sqlite is, and a write must be durable before the
 * request it describes leaves the machine.
 */
export interface HistoryStore {
  /** Inserts the attempt as `unknown` (finishedAt null) and returns its id. */
  begin(attempt: NewAttempt): number
  /** Records the non-secret headers of the request about to be sent (Timestamp, Nonce…). */
  markSending(id: number, requestHeaders: Record<string, string>): void
  /** `sentHeaders`: what markSending records, written with the outcome in one statement (a bulk cycle learns both at once). */
  complete(id: number, completion: AttemptCompletion, sentHeaders?: Record<string, string>): void
  get(id: number): AttemptRecord | undefined
  page(request: { filter: HistoryFilter; cursor?: string | undefined; limit: number }): HistoryPage
  count(filter: HistoryFilter): number
  /** All attempts for one payment id, oldest first. */
  chain(paymentId: string): AttemptSummary[]
  precheck(paymentId: string, environment: AttemptRecord['environment']): EnrollPrecheck
  /** Of many payment ids, those with an enrolled or unknown-outcome attempt (the bulk preview's check). */
  paymentOutcomes(paymentIds: readonly string[]): Map<string, PaymentOutcome>
  /** Server − local clock (ms) from the newest finished answer of an environment, or null. */
  latestClockOffset(environment: AttemptRecord['environment']): number | null
  statusStrip(nowMs: number): StatusStrip
  /** Attempts per hour or local day and the top codes, from the count tables (trendQuery.ts). */
  trends(request: { filter: HistoryFilter; utcOffsetMinutes: number; nowMs: number }): HistoryTrends
  /** Streams every matching record in the filter's order, a batch at a time (for exports). */
  iterate(filter: HistoryFilter, batchSize?: number): Iterable<AttemptRecord>
  /**
   * Runs `work` (many begin/complete calls, e.g. one transaction of a bulk run) with the list of
   * attempts in flight (inFlightRegistry.ts) written once at its end instead of at each call.
   */
  inFlightBatch<T>(work: () => T): T
  /**
   * Runs `work` (many begin/complete calls) in one transaction (the caller's, when one is open)
   * with the count tables' deltas summed per cell and written once at its end (countBatch.ts).
   */
  countBatch<T>(work: () => T): T
  close(): void
}
