import type { DatabaseSync } from 'node:sqlite'

/*
 * Counts behind the History trends chart (schema version 3), kept by attemptWriter.ts in the
 * same transaction as the attempt, next to attempt_day_counts (schema.ts):
 *
 *   attempt_hour_counts       attempts per UTC hour × outcome × environment × operator
 *   attempt_code_day_counts   attempts carrying a code, per UTC day × code × outcome × environment × operator
 *   attempt_code_hour_counts  the same per UTC hour
 *   attempt_{day,hour}_totals, attempt_code_{day,hour}_totals
 *                             the same without environment and operator: the chart with
 *                             neither filter (the usual view) then sums ~4 rows a day, not ~300
 *
 * hour = floor(started_at / 3 600 000), day = floor(started_at / 86 400 000). An attempt
 * repeating a code counts once for it (as attempt_codes). trendQuery.ts sums whole days from
 * the day tables and only the hours that local-day edges and ranges cut from the hour tables,
 * so a year of trends reads a few thousand count rows, never the attempts.
 *
 * Created with a backfill from the attempts and attempt_codes already stored.
 */
/** Every table above: what deletes attempts (historyPurge.ts) keeps in step. */
export const TREND_COUNT_TABLES = [
  'attempt_hour_counts',
  'attempt_code_day_counts',
  'attempt_code_hour_counts',
  'attempt_day_totals',
  'attempt_hour_totals',
  'attempt_code_day_totals',
  'attempt_code_hour_totals',
] as const

export function createTrendCounts(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE attempt_hour_counts (
      hour        INTEGER NOT NULL,
      outcome     TEXT NOT NULL,
      environment TEXT NOT NULL,
      operator    TEXT NOT NULL,
      n           INTEGER NOT NULL,
      PRIMARY KEY (hour, outcome, environment, operator)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE attempt_code_day_counts (
      day         INTEGER NOT NULL,
      code        TEXT NOT NULL,
      outcome     TEXT NOT NULL,
      environment TEXT NOT NULL,
      operator    TEXT NOT NULL,
      n           INTEGER NOT NULL,
      PRIMARY KEY (day, code, outcome, environment, operator)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE attempt_code_hour_counts (
      hour        INTEGER NOT NULL,
      code        TEXT NOT NULL,
      outcome     TEXT NOT NULL,
      environment TEXT NOT NULL,
      operator    TEXT NOT NULL,
      n           INTEGER NOT NULL,
      PRIMARY KEY (hour, code, outcome, environment, operator)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE attempt_day_totals (
      day INTEGER NOT NULL, outcome TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, outcome)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE attempt_hour_totals (
      hour INTEGER NOT NULL, outcome TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hour, outcome)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE attempt_code_day_totals (
      day INTEGER NOT NULL, code TEXT NOT NULL, outcome TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, code, outcome)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE attempt_code_hour_totals (
      hour INTEGER NOT NULL, code TEXT NOT NULL, outcome TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hour, code, outcome)
    ) STRICT, WITHOUT ROWID;

    INSERT INTO attempt_hour_counts (hour, outcome, environment, operator, n)
      SELECT started_at / 3600000, outcome, environment, operator, count(*) FROM attempts GROUP BY 1, 2, 3, 4;
    INSERT INTO attempt_code_day_counts (day, code, outcome, environment, operator, n)
      SELECT started_at / 86400000, code, outcome, environment, operator, count(*) FROM attempt_codes GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO attempt_code_hour_counts (hour, code, outcome, environment, operator, n)
      SELECT started_at / 3600000, code, outcome, environment, operator, count(*) FROM attempt_codes GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO attempt_day_totals (day, outcome, n) SELECT day, outcome, sum(n) FROM attempt_day_counts GROUP BY 1, 2;
    INSERT INTO attempt_hour_totals (hour, outcome, n) SELECT hour, outcome, sum(n) FROM attempt_hour_counts GROUP BY 1, 2;
    INSERT INTO attempt_code_day_totals (day, code, outcome, n) SELECT day, code, outcome, sum(n) FROM attempt_code_day_counts GROUP BY 1, 2, 3;
    INSERT INTO attempt_code_hour_totals (hour, code, outcome, n) SELECT hour, code, outcome, sum(n) FROM attempt_code_hour_counts GROUP BY 1, 2, 3;
  `)
}
