import type { AttemptRecord, AttemptSummary } from './attempt.ts'

// Read models of the history: pages, one attempt's details, the status strip, the precheck.

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
