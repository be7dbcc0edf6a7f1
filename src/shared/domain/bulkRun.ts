import type { BulkColumnMapping, BulkRowCategory } from './bulk.ts'
import type { EnvironmentId } from './environments.ts'
import type { Outcome } from './outcome.ts'

// The run side of a bulk enrollment (issue 12): what a run is, the limits of its settings,
// its progress and summary, and the production confirmation rule the CLI and the UI share.
// The file side (CSV reading, mapping, preview categories, a run's row results) is in bulk.ts.

/**
 * running     – rows are being sent (a run left `running` by a process that is gone reads `interrupted`);
 * paused      – nothing new starts until resumed;
 * interrupted – its process ended mid-run (crash, closed window) or it stopped on an error: offered to resume;
 * cancelled   – stopped by the operator; the rows not sent stay pending;
 * finished    – every row to send has its attempt.
 */
export const BULK_RUN_STATES = ['running', 'paused', 'cancelled', 'finished', 'interrupted'] as const
export type BulkRunState = (typeof BULK_RUN_STATES)[number]

/** A run in these states can be resumed (it has rows left and nobody ended it). */
export function isResumableState(state: BulkRunState): boolean {
  return state === 'running' || state === 'paused' || state === 'interrupted'
}

export const DEFAULT_BULK_CONCURRENCY = 4
export const MAX_BULK_CONCURRENCY = 32
/** Requests per second; at most this (a typo of 10000 would hammer the API). */
export const MAX_BULK_RATE = 1000

/** The settings of a run, as the operator chose them. `rate` null: no limit. */
export interface BulkRunSettings {
  concurrency: number
  rate: number | null
}

/** Why these settings are refused, or null when they are fine. */
export function checkBulkSettings(settings: BulkRunSettings): string | null {
  const { concurrency, rate } = settings
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_BULK_CONCURRENCY) {
    return `The concurrency must be a whole number from 1 to ${MAX_BULK_CONCURRENCY} (got ${concurrency}).`
  }
  if (rate !== null && (!Number.isFinite(rate) || rate <= 0 || rate > MAX_BULK_RATE)) {
    return `The rate must be a number of requests per second above 0 and at most ${MAX_BULK_RATE} (got ${rate}).`
  }
  return null
}

/** One row of a run as the store keeps it and the runner sends it. */
export interface BulkRowInput {
  /** The row's line in the file (the header is line 1), as the preview numbered it. */
  line: number
  /** The input cells as read from the file (the run export writes them back). */
  values: string[]
  paymentId: string
  /** The phone sent: the MSISDN (`234…`) of a valid row. */
  phone: string
  transactionRef: string
  /** The preview's category (bulk.ts BULK_ROW_CATEGORIES): why a row is skipped. */
  category: BulkRowCategory
  /** False: the preview left the row out; it is stored as `skipped` and never sent. */
  send: boolean
}

/** A run as stored. */
export interface BulkRun {
  id: number
  fileName: string
  /** SHA-256 of the file's bytes, hex: the same file resumes its unfinished run. */
  fileFingerprint: string
  environment: EnvironmentId
  baseUrl: string
  /** The file's header row (the run export's first columns). */
  header: string[]
  /** Which header holds which field (the mapping step's answer). */
  mapping: BulkColumnMapping
  concurrency: number
  rate: number | null
  state: BulkRunState
  createdAt: number
  finishedAt: number | null
  operator: string
  retryOfRun: number | null
}

/** Rows of a run per state and, for attempted rows, per outcome of their attempt. */
export interface BulkCounts {
  total: number
  pending: number
  skipped: number
  /** Attempted rows whose request is out right now (this process or another). */
  inFlight: number
  outcomes: Record<Outcome, number>
}

export interface BulkProgress {
  runId: number
  state: BulkRunState
  counts: BulkCounts
  /** Requests started per second over the last few seconds. */
  currentRate: number
  /** Estimated time to send the pending rows at the current rate, or null when unknown. */
  secondsLeft: number | null
}

/** A row whose attempt has an unknown outcome: listed for the operator, never sent again automatically. */
export interface BulkUnknownRow {
  line: number
  paymentId: string
  transactionRef: string
  attemptId: number
}

/** What a finished, paused or cancelled run comes to. */
export interface BulkRunSummary {
  run: BulkRun
  counts: BulkCounts
  /** Skipped rows per preview category: why they were not sent. */
  skipped: Partial<Record<BulkRowCategory, number>>
  unknownRows: BulkUnknownRow[]
  /** Rows a "retry failed rows" run would send again. */
  retryableRows: number
}

/**
 * Production needs the operator to type the environment and the number of requests, e.g.
 * `production 120`. Case and spacing do not matter; the number must be exact.
 */
export function bulkConfirmationText(environment: EnvironmentId, requests: number): string {
  return `${environment} ${requests}`
}

export function needsBulkConfirmation(environment: EnvironmentId): boolean {
  return environment === 'production'
}

/** True when `typed` confirms sending `requests` requests to `environment` (always true off production). */
export function isBulkConfirmed(environment: EnvironmentId, requests: number, typed: string | undefined): boolean {
  if (!needsBulkConfirmation(environment)) return true
  const plain = (typed ?? '').trim().toLowerCase().split(/\s+/).join(' ')
  return plain === bulkConfirmationText(environment, requests)
}
