import type { AttemptRecord, AttemptSummary } from './attempt.ts'
import type { Outcome } from './outcome.ts'

// Read models of the history: pages, one attempt's details, the status strip, the precheck, trends.

export interface EnrollPrecheck {
  /** Earlier attempts for the payment id whose outcome was enrolled or unknown, newest first. */
  risky: AttemptSummary[]
  /** Offset seen in the newest answer from the active environment (server − local, ms). */
  clockOffsetMs: number | null
}

export interface HistoryPage {
  rows: AttemptSummary[]
  nextCursor: string | null
}

export interface AttemptDetail {
  record: AttemptRecord
  /** Attempts for the same payment id, oldest first, including this one. */
  chain: AttemptSummary[]
  /** The cipher that was hashed, with the client secret masked. */
  cipher: string
  /** The percent-encoded URL as it appears in the cipher. */
  encodedUrl: string
}

export interface StatusStrip {
  attemptsToday: number
  enrolledToday: number
  /** null when no attempt finished today. */
  successRateToday: number | null
  topCodeLastHour: { code: string; count: number } | null
}

/** One bar of the History trends chart: attempts started in [start, end), by outcome. */
export interface TrendBucket {
  start: number
  end: number
  counts: Record<Outcome, number>
  total: number
}

/**
 * Attempts per hour (ranges of a day or less) or per local day, for the History filter's
 * outcome, code, environment, operator and date range. Free-text search and the payment id
 * are not applied: trends come from count tables that do not hold them.
 */
export interface HistoryTrends {
  unit: 'hour' | 'day'
  /** The period charted, ms: the filter's range, or first attempt → now when open. */
  from: number
  to: number
  /** True when the period was longer than the chart shows and its oldest days were left out. */
  clipped: boolean
  buckets: TrendBucket[]
  /** The most frequent error codes of the period (an attempt repeating a code counts once). */
  topCodes: { code: string; count: number }[]
  total: number
}
