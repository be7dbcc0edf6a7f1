import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHistoryStore } from '../src/core/history/historyStore.ts'
import { openDatabase } from '../src/core/storage/openDatabase.ts'
import type { DatabaseSync } from 'node:sqlite'
import type { HistoryStore } from '../src/core/history/types.ts'
import type { AttemptRecord } from '../src/shared/domain/attempt.ts'
import type { HistoryFilter } from '../src/shared/domain/historyFilter.ts'
import { generateAttempts, OPERATORS, seededRandom } from './attemptGenerator.ts'
import { percentile, timeRuns } from './stats.ts'

// History at 1,000,000 attempts: fill time, file size, query and insert latencies.
// Targets (checked by reading the output): every query p95 ≤ 50 ms, first page ≤ 20 ms,
// file ≤ 600 MB, one insert (begin + complete, synchronous=FULL) p95 ≤ 2 ms.

const ROWS = Number(process.env.BENCH_HISTORY_ROWS ?? 1_000_000)
const RUNS = 60
const BATCH = 5000
const DAY_MS = 86_400_000
const PAGE = 100

type Print = (name: string, value: number, unit: string) => void

export async function run(print: Print): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'otp-bench-history-'))
  const file = join(dir, 'history.sqlite')
  try {
    const loader = openDatabase(file)
    const now = Date.now()
    const fillStart = performance.now()
    fill(loader, createHistoryStore(loader), ROWS, now)
    print('history.fill', (performance.now() - fillStart) / 1000, 's')
    loader.exec('PRAGMA optimize')
    loader.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    print('history.db_size', statSync(file).size / 1e6, 'MB')
    // Measured on a fresh connection, as the console and the CLI use the file. The loading
    // connection is not representative: after 200 bulk transactions its FTS5 merges took
    // ~300 ms every 16 single inserts, which a newly opened connection does not show.
    loader.close()
    const db = openDatabase(file)
    const store = createHistoryStore(db)
    measureQueries(store, ROWS, now, print)
    measureInserts(store, ROWS, now, print)
    store.close()
    db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Writes `rows` generated attempts through the store, BATCH per transaction. A bulk load
 * only: a larger page cache while filling (the indexes outgrow the app's 32 MiB), then the
 * app's own setting again for every measurement.
 */
export function fill(db: DatabaseSync, store: HistoryStore, rows: number, now: number): void {
  const cacheSize = (db.prepare('PRAGMA cache_size').get() as { cache_size: number }).cache_size
  db.exec('PRAGMA cache_size = -262144')
  let written = 0
  db.exec('BEGIN IMMEDIATE')
  for (const g of generateAttempts(rows, now)) {
    const id = store.begin(g.attempt)
    store.markSending(id, g.sentHeaders)
    if (g.completion) store.complete(id, g.completion)
    if (++written % BATCH === 0) {
      db.exec('COMMIT')
      db.exec('BEGIN IMMEDIATE')
    }
  }
  db.exec('COMMIT')
  db.exec(`PRAGMA cache_size = ${cacheSize}`)
}

export function measureQueries(store: HistoryStore, rows: number, now: number, print: Print): void {
  // Real values to search for, picked from the stored rows.
  const random = seededRandom(7)
  const samples: AttemptRecord[] = []
  while (samples.length < RUNS) {
    const row = store.get(1 + Math.floor(random() * rows))
    if (row) samples.push(row)
  }
  const sample = (i: number) => samples[i % samples.length] as AttemptRecord
  const operator = (i: number) => OPERATORS[i % 8] as string

  const measure = (name: string, work: (i: number) => unknown) => {
    const times = timeRuns(RUNS, (i) => {
      work(i)
    })
    print(`history.${name}.p50`, percentile(times, 50), 'ms')
    print(`history.${name}.p95`, percentile(times, 95), 'ms')
  }
  const firstPage = (filter: (i: number) => HistoryFilter) => (i: number) => store.page({ filter: filter(i), limit: PAGE })
  measure('first_page', firstPage(() => ({})))
  let cursor: string | null = store.page({ filter: {}, limit: PAGE }).nextCursor
  measure('next_page', () => {
    const page = store.page({ filter: {}, cursor: cursor ?? undefined, limit: PAGE })
    cursor = page.nextCursor
  })
  measure('filter_outcome_rejected', firstPage(() => ({ outcome: ['rejected'] })))
  measure('filter_outcome_failed_unknown', firstPage(() => ({ outcome: ['failed', 'unknown'] })))
  measure('filter_code_10403', firstPage(() => ({ code: '10403' })))
  measure('filter_code_E26', firstPage(() => ({ code: 'E26' })))
  measure('filter_environment_production', firstPage(() => ({ environment: ['production'] })))
  measure('filter_environment_custom', firstPage(() => ({ environment: ['custom'] })))
  measure('filter_operator', firstPage((i) => ({ operator: operator(i) })))
  measure('filter_operator_rare', firstPage(() => ({ operator: OPERATORS.at(-1) as string })))
  measure('filter_last_7_days', firstPage(() => ({ from: now - 7 * DAY_MS, to: now })))
  measure('search_payment_prefix', firstPage((i) => ({ search: sample(i).paymentId.slice(0, 5) })))
  measure('search_payment_full', firstPage((i) => ({ search: sample(i).paymentId })))
  measure('search_phone_local', firstPage((i) => ({ search: `0${sample(i).phone.slice(3, 6)} ${sample(i).phone.slice(6, 9)}` })))
  measure('search_phone_trailing', firstPage((i) => ({ search: sample(i).phone.slice(-4) })))
  measure('search_reference', firstPage((i) => ({ search: sample(i).transactionRef })))
  measure('search_short', firstPage((i) => ({ search: String(i % 90 + 10) })))
  measure('combined', firstPage((i) => ({ outcome: ['rejected'], code: '10403', environment: ['production', 'training'], operator: operator(i), from: now - 90 * DAY_MS })))
  measure('combined_rare', firstPage((i) => ({ outcome: ['unknown'], environment: ['sandbox'], operator: operator(i), from: now - 30 * DAY_MS })))
  measure('combined_search', firstPage((i) => ({ search: '0803', outcome: ['enrolled'], environment: ['production'], operator: operator(i) })))
  measure('sort_latency_first_page', firstPage(() => ({ sort: 'latency-desc' })))
  measure('sort_latency_filtered', firstPage((i) => ({ sort: 'latency-desc', operator: operator(i), outcome: ['enrolled'] })))
  measure('status_strip', () => store.statusStrip(now))
  measure('precheck', (i) => store.precheck(sample(i).paymentId, 'production'))
  // count(filter) gives the History view its total and exports their progress.
  measure('count_unfiltered', () => store.count({}))
  measure('count_outcome_enrolled', () => store.count({ outcome: ['enrolled'] }))
  measure('count_operator', (i) => store.count({ operator: operator(i) }))
  measure('count_combined', (i) => store.count({ outcome: ['rejected', 'failed'], environment: ['production'], operator: operator(i), from: now - 30 * DAY_MS - i * 3_600_000 }))
  measure('count_code_10403', () => store.count({ code: '10403', environment: ['production', 'training'] }))
  // The History trends chart (count tables only; Lagos time, so local days cut UTC days).
  const lagosMidnight = Math.floor((now + 3_600_000) / DAY_MS) * DAY_MS - 3_600_000
  const trends = (filter: HistoryFilter) => store.trends({ filter, utcOffsetMinutes: 60, nowMs: now })
  measure('trends_today_hourly', () => trends({ from: lagosMidnight }))
  measure('trends_30_days', () => trends({ from: lagosMidnight - 29 * DAY_MS }))
  measure('trends_any_time', () => trends({}))
  measure('trends_any_time_filtered', (i) => trends({ outcome: ['rejected', 'failed'], environment: ['production'], operator: operator(i) }))
  measure('trends_any_time_code', () => trends({ code: '10403' }))
  measure('count_search_phone_local', (i) => store.count({ search: `0${sample(i).phone.slice(3, 6)} ${sample(i).phone.slice(6, 9)}` }))
}

export function measureInserts(store: HistoryStore, rows: number, now: number, print: Print): void {
  // One attempt as the console writes it, each call its own durable transaction.
  let seq = 0
  const inserts = [...generateAttempts(RUNS * 4 + 10, now, { seed: 99, days: 1, firstId: rows + 1 })]
  const times = timeRuns(RUNS * 4, () => {
    const g = inserts[seq++ % inserts.length]
    if (!g) return
    const id = store.begin({ ...g.attempt, retryOf: null })
    store.complete(id, g.completion ?? { ...completionless, finishedAt: g.attempt.startedAt })
  })
  if (process.env.BENCH_VERBOSE) console.error('insert ms:', times.map((t) => t.toFixed(1)).join(' '))
  print('history.insert.p50', percentile(times, 50), 'ms')
  print('history.insert.p95', percentile(times, 95), 'ms')
}

const completionless = {
  httpStatus: null,
  responseHeaders: null,
  responseBody: null,
  outcome: 'unknown' as const,
  errors: [],
  failureReason: 'No answer.',
  tokenMs: null,
  requestMs: null,
  durationMs: null,
  clockOffsetMs: null,
}
