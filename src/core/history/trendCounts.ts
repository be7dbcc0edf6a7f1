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

/** Adds `delta` to the count cell `keys` of the upsert `sql` (now, or summed into a batch: countBatch.ts). */
export type CountSink = (sql: string, keys: (string | number)[], delta: number) => void

/** A sink that runs each upsert at once. */
export function countNow(statement: (sql: string) => StatementSync): CountSink {
  return (sql, keys, delta) => statement(sql).run(...keys, delta)
}

/** The upsert adding `n` to one cell of a count table keyed by `keys`. */
export function countUpsert(table: string, keys: string): string {
  return `INSERT INTO ${table} (${keys}, n) VALUES (${keys.split(',').map(() => '?').join(', ')}, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n`
}

const CODE_KEYS = 'code, outcome, environment, operator'
const UPSERT = {
  hourCounts: countUpsert('attempt_hour_counts', 'hour, outcome, environment, operator'),
  dayTotals: countUpsert('attempt_day_totals', 'day, outcome'),
  hourTotals: countUpsert('attempt_hour_totals', 'hour, outcome'),
  codeDayCounts: countUpsert('attempt_code_day_counts', `day, ${CODE_KEYS}`),
  codeHourCounts: countUpsert('attempt_code_hour_counts', `hour, ${CODE_KEYS}`),
  codeDayTotals: countUpsert('attempt_code_day_totals', 'day, code, outcome'),
  codeHourTotals: countUpsert('attempt_code_hour_totals', 'hour, code, outcome'),
}

export function createTrendCounter(count: CountSink, dayOf: (ms: number) => number): TrendCounter {
  return {
    outcome(a, outcome, delta) {
      count(UPSERT.hourCounts, [hourOf(a.startedAt), outcome, a.environment, a.operator], delta)
      count(UPSERT.dayTotals, [dayOf(a.startedAt), outcome], delta)
      count(UPSERT.hourTotals, [hourOf(a.startedAt), outcome], delta)
    },
    code(a, code, outcome, delta) {
      count(UPSERT.codeDayCounts, [dayOf(a.startedAt), code, outcome, a.environment, a.operator], delta)
      count(UPSERT.codeHourCounts, [hourOf(a.startedAt), code, outcome, a.environment, a.operator], delta)
      count(UPSERT.codeDayTotals, [dayOf(a.startedAt), code, outcome], delta)
      count(UPSERT.codeHourTotals, [hourOf(a.startedAt), code, outcome], delta)
    },
  }
}
