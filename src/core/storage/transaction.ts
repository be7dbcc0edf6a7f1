import type { DatabaseSync } from 'node:sqlite'

/**
 * Runs `work` in a transaction that takes the write lock at once (BEGIN IMMEDIATE), so two
 * processes writing the same file queue on busy_timeout instead of failing half-way with
 * SQLITE_BUSY on lock upgrade. Commits, or rolls back and rethrows when `work` throws.
 *
 * Inside a transaction the caller already opened (a batch import, a test), `work` simply
 * joins it and the caller decides commit or rollback. Not a SAVEPOINT: FTS5 flushes its
 * pending index data to a new segment at every savepoint, which makes batches 5× slower.
 */
export function immediateTransaction<T>(db: DatabaseSync, work: () => T): T {
  if (db.isTransaction) return work()
  db.exec('BEGIN IMMEDIATE')
  try {
    const result = work()
    db.exec('COMMIT')
    return result
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw error
  }
}
