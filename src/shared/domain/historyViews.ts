import type { AttemptOrigin, AttemptRecord, AttemptSummary } from './attempt.ts'
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
  /** Team scope only: the console that made the attempt (record.id is then the team-wide id). */
  origin?: AttemptOrigin
}

/**
 * The team's side of the duplicate warning (team scope precheck, src/core/team/teamPrecheck.ts):
 * other consoles' attempts for a payment id, and how fresh that knowledge is.
 */
export interface TeamPrecheck {
  /**
   * Other consoles' attempts for the payment id whose outcome was enrolled or unknown (the
   * local precheck's rule), newest first, each with its origin (machine, console); at most 10.
   */
  risky: AttemptSummary[]
  /** Every other-console attempt for the payment id, any outcome. */
  total: number
  /** When the team database answered (ms since epoch). */
  readAt: number
  /**
   * The last time each other console shipped to the team database, oldest first: attempts a
   * console made after its time are not known yet. Empty when no other console ever shipped.
   */
  consoles: { consoleId: string; machine: string; lastShippedAt: number | null }[]
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
