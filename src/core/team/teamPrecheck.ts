import type { TeamPrecheck } from '../../shared/domain/historyViews.ts'
import { TEAM_SUMMARY_COLUMNS, toTeamSummary, type TeamQueryable, type TeamRow } from './teamHistoryRows.ts'

// The team's side of the Enroll duplicate warning: for a payment id, the attempts OTHER consoles
// shipped (this console's own are in its local history, which the local precheck reads, and
// may not be shipped yet), with the local precheck's rule for what is risky (enrolled or
// unknown), and how fresh the answer is: when the team database answered and when each other
// console last shipped (its attempts after that are not known yet).

/** Most risky attempts listed, as the local precheck. */
const RISKY_LIMIT = 10

export async function teamPrecheck(db: TeamQueryable, request: { paymentId: string; ownConsoleId: string; now?: () => number }): Promise<TeamPrecheck> {
  const { paymentId, ownConsoleId } = request
  const [risky, total, consoles] = await Promise.all([
    db.query(
      `SELECT ${TEAM_SUMMARY_COLUMNS} FROM attempts a
       WHERE a.payment_id = $1 AND a.console_id <> $2 AND a.outcome IN ('enrolled', 'unknown')
       ORDER BY a.started_at DESC, a.console_id DESC, a.local_id DESC LIMIT ${RISKY_LIMIT}`,
      [paymentId, ownConsoleId],
    ),
    db.query('SELECT count(*) AS n FROM attempts a WHERE a.payment_id = $1 AND a.console_id <> $2', [paymentId, ownConsoleId]),
    db.query(
      `SELECT console_id, machine, (extract(epoch FROM last_seen) * 1000)::float8 AS last_seen_ms
       FROM consoles WHERE console_id <> $1 ORDER BY last_seen, console_id`,
      [ownConsoleId],
    ),
  ])
  return {
    risky: (risky.rows as TeamRow[]).map(toTeamSummary),
    total: Number((total.rows[0] as { n: string }).n),
    readAt: (request.now ?? Date.now)(),
    consoles: (consoles.rows as { console_id: string; machine: string; last_seen_ms: number | null }[]).map((c) => ({
      consoleId: c.console_id,
      machine: c.machine,
      lastShippedAt: c.last_seen_ms === null ? null : Math.round(c.last_seen_ms),
    })),
  }
}
