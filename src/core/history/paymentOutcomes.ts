import type { StatementSync } from 'node:sqlite'

// The bulk preview's history check: which of many payment ids already have an enrolled or an
// unknown-outcome attempt (the Enroll precheck's rule, for a whole file at once). Chunked
// `IN (…)` queries on attempts_payment (payment_id, started_at); the outcome is read from the
// row only for attempts of those payments.

/** Ids per query: one prepared statement (the last chunk is padded with a repeated id). */
export const PAYMENT_LOOKUP_CHUNK = 500

export interface PaymentOutcome {
  /** `enrolled` when any attempt enrolled the card, else `unknown`. */
  outcome: 'enrolled' | 'unknown'
  /** The newest attempt with that outcome. */
  attemptId: number
}

type Statement = (sql: string) => StatementSync

export const PAYMENT_OUTCOMES_SQL = `SELECT a.payment_id AS p, a.id AS id, a.outcome AS o FROM attempts a INDEXED BY attempts_payment
  WHERE a.payment_id IN (${Array.from({ length: PAYMENT_LOOKUP_CHUNK }, () => '?').join(', ')})
  AND a.outcome IN ('enrolled', 'unknown') ORDER BY a.payment_id, a.started_at, a.id`

/** The payments among `paymentIds` with an enrolled or unknown attempt (any environment, like the Enroll precheck). */
export function paymentOutcomes(statement: Statement, paymentIds: readonly string[]): Map<string, PaymentOutcome> {
  const found = new Map<string, PaymentOutcome>()
  const unique = [...new Set(paymentIds)]
  for (let at = 0; at < unique.length; at += PAYMENT_LOOKUP_CHUNK) {
    const chunk = unique.slice(at, at + PAYMENT_LOOKUP_CHUNK)
    while (chunk.length < PAYMENT_LOOKUP_CHUNK) chunk.push(chunk[0] as string)
    // Oldest first, so the newest attempt of each outcome is the one kept.
    for (const row of statement(PAYMENT_OUTCOMES_SQL).all(...chunk) as { p: string; id: number; o: 'enrolled' | 'unknown' }[]) {
      const known = found.get(row.p)
      if (known?.outcome === 'enrolled' && row.o === 'unknown') continue
      found.set(row.p, { outcome: row.o, attemptId: row.id })
    }
  }
  return found
}
