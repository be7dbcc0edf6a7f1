import type { StatementSync } from 'node:sqlite'
import type { AttemptRecord, AttemptSummary } from '../../shared/domain/attempt.ts'
import type { EnrollPrecheck, StatusStrip } from '../../shared/domain/historyViews.ts'
import { SUMMARY_COLUMNS, toSummary } from './attemptRows.ts'
import type { Row } from './historyPlanner.ts'

// The small fixed queries around one payment and today's activity.

const HOUR_MS = 3_600_000

type Statement = (sql: string) => StatementSync

/** All attempts for one payment id, oldest first. */
export function chain(statement: Statement, paymentId: string): AttemptSummary[] {
  const rows = statement(`SELECT ${SUMMARY_COLUMNS} FROM attempts a INDEXED BY attempts_payment WHERE a.payment_id = ? ORDER BY a.started_at, a.id`).all(paymentId) as Row[]
  return rows.map(toSummary)
}

export function precheck(statement: Statement, paymentId: string, environment: AttemptRecord['environment']): EnrollPrecheck {
  const risky = statement(
    `SELECT ${SUMMARY_COLUMNS} FROM attempts a INDEXED BY attempts_payment
     WHERE a.payment_id = ? AND a.outcome IN ('enrolled', 'unknown') ORDER BY a.started_at DESC, a.id DESC LIMIT 10`,
  ).all(paymentId) as Row[]
  return { risky: risky.map(toSummary), clockOffsetMs: latestClockOffset(statement, environment) }
}

/** Server − local clock seen in the newest finished answer from an environment, or null. */
export function latestClockOffset(statement: Statement, environment: AttemptRecord['environment']): number | null {
  // Newest first by start; the environment is tested on the time index's entries.
  const offset = statement(
    `SELECT a.clock_offset_ms AS v FROM attempts a INDEXED BY attempts_started
     WHERE a.environment = ? AND a.finished_at IS NOT NULL AND a.clock_offset_ms IS NOT NULL ORDER BY a.started_at DESC, a.id DESC LIMIT 1`,
  ).get(environment) as { v: number } | undefined
  return offset?.v ?? null
}

/** Today = since local midnight of `nowMs`; last hour = (now − 1 h, now]. */
export function statusStrip(statement: Statement, nowMs: number): StatusStrip {
  const midnight = new Date(nowMs)
  midnight.setHours(0, 0, 0, 0)
  const nextMidnight = new Date(midnight)
  nextMidnight.setDate(nextMidnight.getDate() + 1)
  const today = statement(
    `SELECT count(*) AS attempts, ifnull(sum(outcome = 'enrolled'), 0) AS enrolled, ifnull(sum(finished_at IS NOT NULL), 0) AS finished
     FROM attempts INDEXED BY attempts_started WHERE started_at >= ? AND started_at < ?`,
  ).get(midnight.getTime(), nextMidnight.getTime()) as { attempts: number; enrolled: number; finished: number }
  // Attempts per code (an attempt repeating a code counts once).
  const top = statement(
    `SELECT j.value ->> 'code' AS code, count(DISTINCT a.id) AS n
     FROM attempts a INDEXED BY attempts_started, json_each(a.errors) j
     WHERE a.started_at > ? AND a.started_at <= ? GROUP BY 1 ORDER BY n DESC, code LIMIT 1`,
  ).get(nowMs - HOUR_MS, nowMs) as { code: string | number; n: number } | undefined
  return {
    attemptsToday: today.attempts,
    enrolledToday: today.enrolled,
    successRateToday: today.finished === 0 ? null : today.enrolled / today.finished,
    topCodeLastHour: top ? { code: String(top.code), count: top.n } : null,
  }
}
