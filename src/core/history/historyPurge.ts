import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { immediateTransaction } from '../storage/transaction.ts'
import { dayOf } from './historyCount.ts'
import { searchIndexText } from './searchText.ts'
import { countNow, createTrendCounter } from './trendCounts.ts'
import { TREND_COUNT_TABLES } from './trendSchema.ts'

// Retention: deletes the attempts that started before a cut-off, with their phone numbers,
// keeping the derived tables (schema.ts) in step in the same transactions:
//  - attempt_search: contentless, so each row is removed with FTS5's 'delete' command and the
//    very text it was indexed with (searchIndexText);
//  - attempt_codes: the purged attempts' codes;
//  - attempt_day_counts and the trend counts (trendSchema.ts): decremented, cells at zero removed.
// A later attempt that retries a purged one keeps its own data; its retry_of link is cleared
// (the original is gone). attempt_contexts and attempt_texts are shared dictionaries (URLs,
// client ids, header and body templates) cached by every open connection: left as they are.
// Deleted pages are overwritten (secure_delete) and the WAL is checkpointed and truncated
// afterwards, so the numbers do not linger in the file.

/** Rows deleted per transaction: short write locks, so the console and the CLI keep working. */
export const PURGE_BATCH = 1000

interface PurgedRow {
  id: number
  started_at: number
  outcome: AttemptRecord['outcome']
  environment: string
  operator: string
  errors: string
  payment_id: string
  transaction_ref: string
  phone: string
}

/** Deletes every attempt with started_at < cutoffMs; returns how many. */
export function purgeAttemptsBefore(db: DatabaseSync, cutoffMs: number, batchSize = PURGE_BATCH): number {
  if (!Number.isFinite(cutoffMs)) throw new RangeError(`A purge needs a cut-off time, not ${cutoffMs}.`)
  if (!db.prepare('SELECT 1 FROM attempts WHERE started_at < ? LIMIT 1').get(cutoffMs)) return 0

  const secure = (db.prepare('PRAGMA secure_delete').get() as { secure_delete: number }).secure_delete
  db.exec('PRAGMA secure_delete = ON')
  try {
    immediateTransaction(db, () => {
      db.prepare('UPDATE attempts SET retry_of = NULL WHERE retry_of IN (SELECT id FROM attempts WHERE started_at < ?)').run(cutoffMs)
    })
    const select = db.prepare(
      `SELECT id, started_at, outcome, environment, operator, errors, payment_id, transaction_ref, phone
         FROM attempts WHERE started_at < ? ORDER BY started_at, id LIMIT ?`,
    )
    const unindex = db.prepare(`INSERT INTO attempt_search (attempt_search, rowid, text) VALUES ('delete', ?, ?)`)
    const deleteCode = db.prepare('DELETE FROM attempt_codes WHERE code = ? AND started_at = ? AND attempt_id = ?')
    const uncount = db.prepare('UPDATE attempt_day_counts SET n = n - 1 WHERE day = ? AND outcome = ? AND environment = ? AND operator = ?')
    const deleteAttempt = db.prepare('DELETE FROM attempts WHERE id = ?')
    const statements = new Map<string, StatementSync>()
    const trends = createTrendCounter(countNow((sql) => statements.get(sql) ?? statements.set(sql, db.prepare(sql)).get(sql)!), dayOf)
    let purged = 0
    for (;;) {
      const done = immediateTransaction(db, () => {
        const rows = select.all(cutoffMs, batchSize) as unknown as PurgedRow[]
        for (const row of rows) {
          unindex.run(row.id, searchIndexText(row.payment_id, row.transaction_ref, row.phone))
          const attempt = { startedAt: row.started_at, environment: row.environment as AttemptRecord['environment'], operator: row.operator }
          for (const code of new Set((JSON.parse(row.errors) as AttemptRecord['errors']).map((e) => String(e.code)))) {
            deleteCode.run(code, row.started_at, row.id)
            trends.code(attempt, code, row.outcome, -1)
          }
          uncount.run(dayOf(row.started_at), row.outcome, row.environment, row.operator)
          trends.outcome(attempt, row.outcome, -1)
          deleteAttempt.run(row.id)
        }
        db.prepare('DELETE FROM attempt_day_counts WHERE day <= ? AND n <= 0').run(dayOf(cutoffMs))
        return rows.length
      })
      purged += done
      if (done < batchSize) break
    }
    immediateTransaction(db, () => {
      for (const table of TREND_COUNT_TABLES) db.exec(`DELETE FROM ${table} WHERE n <= 0`)
    })
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    return purged
  } finally {
    db.exec(`PRAGMA secure_delete = ${secure ? 'ON' : 'OFF'}`)
  }
}
