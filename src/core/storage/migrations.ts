import type { DatabaseSync } from 'node:sqlite'
import { createAuditSchema } from '../audit/schema.ts'
import { createBulkRunSchema } from '../bulk/runSchema.ts'
import { createHistorySchema } from '../history/schema.ts'
import { createTrendCounts } from '../history/trendSchema.ts'
import { immediateTransaction } from './transaction.ts'

export interface Migration {
  /** 1, 2, 3… in order; stored in PRAGMA user_version once applied. Never renumber. */
  version: number
  name: string
  up(db: DatabaseSync): void
}

/**
 * The console's one database file (history + audit). Append only: a shipped migration is
 * never edited, a change of schema is a new entry.
 */
export const APP_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'history', up: createHistorySchema },
  { version: 2, name: 'audit', up: createAuditSchema },
  { version: 3, name: 'trend counts', up: createTrendCounts },
  { version: 4, name: 'bulk runs', up: createBulkRunSchema },
]

export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(`This database has schema version ${found}, newer than this version of the console understands (${known}). Update the console.`)
    this.name = 'SchemaTooNewError'
  }
}

export function userVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number }
  return row.user_version
}

/**
 * Applies the migrations newer than PRAGMA user_version, each in its own IMMEDIATE
 * transaction. The version is read again inside the transaction because the console and
 * the CLI may open the same file at the same moment: the second one then finds it done.
 */
export function runMigrations(db: DatabaseSync, migrations: readonly Migration[]): void {
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration versions must be 1, 2, 3…; found ${m.version} at position ${i + 1}.`)
  })
  const latest = sorted.length
  if (userVersion(db) > latest) throw new SchemaTooNewError(userVersion(db), latest)
  for (const migration of sorted) {
    if (userVersion(db) >= migration.version) continue
    immediateTransaction(db, () => {
      const current = userVersion(db)
      if (current >= migration.version) return
      migration.up(db)
      // PRAGMA takes no bound parameters; the value is an integer we control.
      db.exec(`PRAGMA user_version = ${migration.version}`)
    })
  }
}
