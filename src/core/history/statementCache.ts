import type { DatabaseSync, StatementSync } from 'node:sqlite'

/** Prepared statements by SQL text; filters produce a bounded set of shapes. */
export interface StatementCache {
  /** `arrays`: rows come back as arrays in column order (setReturnArrays), a separate statement. */
  get(sql: string, arrays?: boolean): StatementSync
}

export function createStatementCache(db: DatabaseSync, limit = 256): StatementCache {
  const statements = new Map<string, StatementSync>()
  return {
    get(sql, arrays = false) {
      const key = arrays ? `arrays:${sql}` : sql
      let statement = statements.get(key)
      if (!statement) {
        if (statements.size >= limit) statements.clear()
        statement = db.prepare(sql)
        if (arrays) statement.setReturnArrays(true)
        statements.set(key, statement)
      }
      return statement
    },
  }
}
