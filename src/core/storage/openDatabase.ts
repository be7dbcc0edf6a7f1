import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { APP_MIGRATIONS, runMigrations, type Migration } from './migrations.ts'
import { ensurePrivateDir, ensurePrivateFile, tightenFiles } from './privateFiles.ts'

/** How long a writer waits for another process (console vs CLI) to release the file. */
export const BUSY_TIMEOUT_MS = 5000

/** The page cache of the app's connection: keeps the history view's indexes hot. */
export const APP_PAGE_CACHE_KIB = 32768

/**
 * The page cache of a connection that reads history once from end to end (an export): a
 * sequential scan gains nothing from a big cache, which would only add its 32 MiB to the
 * process while the export runs (and evict the history view's pages from a shared one).
 */
export const SCAN_PAGE_CACHE_KIB = 2048

export interface OpenDatabaseOptions {
  /** Page cache size in KiB (default APP_PAGE_CACHE_KIB). */
  pageCacheKiB?: number | undefined
}

/**
 * Opens (creating folder and file if needed) the SQLite database at `path`, sets the
 * connection up and brings the schema up to date. The caller owns the connection and closes
 * it; the history store and the audit trail can share it.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = APP_MIGRATIONS, options: OpenDatabaseOptions = {}): DatabaseSync {
  const pageCacheKiB = options.pageCacheKiB ?? APP_PAGE_CACHE_KIB
  if (!Number.isInteger(pageCacheKiB) || pageCacheKiB < 64) throw new RangeError(`A page cache needs at least 64 KiB, not ${pageCacheKiB}.`)
  ensurePrivateDir(dirname(path))
  // Created 0600 before SQLite opens it: SQLite gives the WAL and SHM files the database
  // file's mode whatever the umask. Files left wider by an older version are tightened.
  ensurePrivateFile(path)
  tightenFiles(`${path}-wal`, `${path}-shm`, `${path}-journal`)
  const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS })
  try {
    db.exec(`
      PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};
      PRAGMA journal_mode = WAL;   -- readers never block the writer (console + CLI)
      PRAGMA synchronous = FULL;   -- payment records: a committed attempt survives power loss
      PRAGMA foreign_keys = ON;
      PRAGMA cache_size = -${pageCacheKiB};  -- in KiB (SQLite's default is 2 MiB)
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
