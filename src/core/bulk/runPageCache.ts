import type { DatabaseSync } from 'node:sqlite'

// While this process stores or drives bulk runs (sending, or paused and resumable), the connection's
// SQLite page cache is held to RUN_PAGE_CACHE_KIB, and given back once no run is active. A
// run only appends (attempts, their indexes, the count tables, its rows): a 32 MiB cache
// (openDatabase's APP_PAGE_CACHE_KIB, for the history view) would just fill with the pages it
// wrote — 30-40 MB of a 100,000-row run's memory — and would not hold the history view's
// pages by the end of the run anyway.

export const RUN_PAGE_CACHE_KIB = 4096

/** The connection's page cache in KiB (cache_size: negative = KiB, positive = pages). */
export function pageCacheKiB(db: DatabaseSync): number {
  const { cache_size: size } = db.prepare('PRAGMA cache_size').get() as { cache_size: number }
  if (size < 0) return -size
  const { page_size: pageSize } = db.prepare('PRAGMA page_size').get() as { page_size: number }
  return (size * pageSize) / 1024
}

export function createRunPageCache(db: DatabaseSync) {
  /** The cache_size to give back; null while no run holds the cache down. */
  let saved: number | null = null
  return {
    /** Call whenever the number of runs this process drives changes. */
    update(activeRuns: number): void {
      if (activeRuns > 0 && saved === null) {
        if (pageCacheKiB(db) <= RUN_PAGE_CACHE_KIB) return // already small: left as it is
        saved = (db.prepare('PRAGMA cache_size').get() as { cache_size: number }).cache_size
        db.exec(`PRAGMA cache_size = -${RUN_PAGE_CACHE_KIB}`)
      } else if (activeRuns === 0 && saved !== null) {
        if (db.isOpen) db.exec(`PRAGMA cache_size = ${saved}`)
        saved = null
      }
    },
  }
}
