import type { DatabaseSync, StatementSync } from 'node:sqlite'

/** Prepared statements by SQL text; filters produce a bounded set of shapes. */
export interface StatementCache {
  get(sql: string): StatementSync
}

export function createStatementCache(db: DatabaseSync, limit = 256): StatementCache {
  const statements = new Map<string, StatementSync>()
  return {
    get(sql) {
      let statement = statements.get(sql)
      if (!statement) {
        if (statements.size >= limit) statements.clear()
        statement = db.prepare(sql)
        statements.set(sql, statement)
      }
      return statement
    },
  }
}
