import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { APP_MIGRATIONS, runMigrations, type Migration } from './migrations.ts'

/** How long a writer waits for another process (console vs CLI) to release the file. */
export const BUSY_TIMEOUT_MS = 5000

/**
 * Opens (creating folder and file if needed) the SQLite database at `path`, sets the
 * connection up and brings the schema up to date. The caller owns the connection and closes
 * it; the history store and the audit trail can share it.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = APP_MIGRATIONS): DatabaseSync {
  mkdirSync(dirname(path), { recursive: true })
  const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS })
  try {
    db.exec(`
      PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};
      PRAGMA journal_mode = WAL;   -- readers never block the writer (console + CLI)
      PRAGMA synchronous = FULL;   -- payment records: a committed attempt survives power loss
      PRAGMA foreign_keys = ON;
      PRAGMA cache_size = -32768;  -- 32 MiB page cache (default 2 MiB) keeps history indexes hot
      PRAGMA temp_store = MEMORY;
    `)
    runMigrations(db, migrations)
    // Keeps the planner's statistics current without a full ANALYZE on every start.
    db.exec('PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;')
    return db
  } catch (error) {
    db.close()
    throw error
  }
}
