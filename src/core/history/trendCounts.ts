import type { StatementSync } from 'node:sqlite'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'

// Keeps the trend count tables (trendSchema.ts) in step with an attempt's writes; called by
// attemptWriter.ts inside its transaction.

export const HOUR_MS = 3_600_000

export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR_MS)
}

type Attempt = Pick<AttemptRecord, 'startedAt' | 'environment' | 'operator'>
type Outcome = AttemptRecord['outcome']

export interface TrendCounter {
  /** Adds `delta` to the attempt's hour cell and its day and hour totals for `outcome` (its day cell is attemptWriter's). */
  outcome(a: Attempt, outcome: Outcome, delta: number): void
  /** Adds `delta` to the attempt's day and hour cells and totals for `code` with `outcome`. */
  code(a: Attempt, code: string, outcome: Outcome, delta: number): void
}

export function createTrendCounter(statement: (sql: string) => StatementSync, dayOf: (ms: number) => number): TrendCounter {
  const upsert = (table: string, keys: string) =>
    `INSERT INTO ${table} (${keys}, n) VALUES (${keys.split(',').map(() => '?').join(', ')}, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n`
  return {
    outcome(a, outcome, delta) {
      statement(upsert('attempt_hour_counts', 'hour, outcome, environment, operator')).run(hourOf(a.startedAt), outcome, a.environment, a.operator, delta)
      statement(upsert('attempt_day_totals', 'day, outcome')).run(dayOf(a.startedAt), outcome, delta)
      statement(upsert('attempt_hour_totals', 'hour, outcome')).run(hourOf(a.startedAt), outcome, delta)
    },
    code(a, code, outcome, delta) {
      const keys = 'code, outcome, environment, operator'
      statement(upsert('attempt_code_day_counts', `day, ${keys}`)).run(dayOf(a.startedAt), code, outcome, a.environment, a.operator, delta)
      statement(upsert('attempt_code_hour_counts', `hour, ${keys}`)).run(hourOf(a.startedAt), code, outcome, a.environment, a.operator, delta)
      statement(upsert('attempt_code_day_totals', 'day, code, outcome')).run(dayOf(a.startedAt), code, outcome, delta)
      statement(upsert('attempt_code_hour_totals', 'hour, code, outcome')).run(hourOf(a.startedAt), code, outcome, delta)
    },
  }
}
