import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import type { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ExportFormat } from '../src/shared/domain/export.ts'
import { exportHistory } from '../src/core/export/exportHistory.ts'
import { createHistoryStore } from '../src/core/history/historyStore.ts'
import type { HistoryStore } from '../src/core/history/types.ts'
import { APP_MIGRATIONS } from '../src/core/storage/migrations.ts'
import { openDatabase, SCAN_PAGE_CACHE_KIB } from '../src/core/storage/openDatabase.ts'
import type { AttemptRecord } from '../src/shared/domain/attempt.ts'
import { generateAttempts } from './attemptGenerator.ts'

// Export bench: 1,000,000 attempts in a real history database (kept in .bench-data/ and
// reused while its schema matches the code), exported as CSV and as JSON Lines through the
// store's iterate(). Each measurement runs in a fresh child process with the app's V8 flags
// (EXPORT_V8_FLAGS), so its peak memory is the export's own, not the filler's: rss sampled every 50 ms in the child.
// (Not process.resourceUsage().maxRSS: on Linux a child's maxRSS starts from the parent's RSS
// at fork, so it would report the filler's memory.) Targets: each export ≤ 15 s, ≤ 200 MB.
//
// Besides the required figures it prints a breakdown: reading the 1M records through
// store.iterate() alone, and the export core alone (the same 1M attempts generated in memory,
// no database), so a miss can be attributed.
//
//   node bench/export.ts                         (alone, or through bench/run.ts)
//   node bench/export.ts --child <task> <db> <out>   (internal: one measured task)

const ROWS = 1_000_000
const here = dirname(fileURLToPath(import.meta.url))
const DATA_DIR = join(here, '..', '.bench-data')
const DB_PATH = join(DATA_DIR, 'export-1m.db')
const END_MS = Date.UTC(2026, 0, 1)
/**
 * The V8 flags the app runs exports with (src/main/electron/app.ts, Electron js-flags; the CLI
 * fixes its semi-spaces smaller still, at 4 MiB: bin/otp-console.mjs). Without it V8 grows its
 * young generation to 2 × 64 MiB under the export's sustained allocation.
 */
const EXPORT_V8_FLAGS = ['--max-semi-space-size=16']

type Print = (name: string, value: number, unit: string) => void
type Task = ExportFormat | 'iterate' | 'generate' | 'core-csv' | 'core-jsonl'

/** The schema SQL the current code creates, to tell whether a kept database still fits. */
function schemaOf(db: DatabaseSync): string {
  const rows = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as { sql: string | null }[]
  return rows.map((row) => row.sql ?? '').join(';\n')
}

function currentSchema(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otp-bench-schema-'))
  try {
    const db = openDatabase(join(dir, 'fresh.db'))
    try {
      return schemaOf(db)
    } finally {
      db.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Whether the kept database holds ROWS attempts in the current schema. */
function reusable(path: string): boolean {
  if (!existsSync(path)) return false
  try {
    const db = openDatabase(path)
    try {
      const { n } = db.prepare('SELECT count(*) AS n FROM attempts').get() as { n: number }
      return n === ROWS && schemaOf(db) === currentSchema()
    } finally {
      db.close()
    }
  } catch {
    return false
  }
}

type SharedFill = { fillDatabase?: (path: string, n: number) => unknown; fill?: (db: DatabaseSync, store: HistoryStore, rows: number, now: number) => void }

/** bench/history.ts's filler when it offers one: fillDatabase(path, n), or fill(db, store, rows, now). */
async function sharedFiller(): Promise<SharedFill> {
  const path = join(here, 'history.ts')
  if (!existsSync(path)) return {}
  return (await import(pathToFileURL(path).href)) as SharedFill
}

/** Writes `n` generated attempts through the store's public API, in transactions of 5,000. */
function fillWithStore(db: DatabaseSync, store: HistoryStore, n: number): void {
  let inBatch = 0
  db.exec('BEGIN IMMEDIATE')
  for (const { attempt, sentHeaders, completion } of generateAttempts(n, END_MS, { seed: 7 })) {
    const id = store.begin(attempt)
    store.markSending(id, sentHeaders)
    if (completion) store.complete(id, completion)
    if (++inBatch === 5000) {
      db.exec('COMMIT')
      db.exec('BEGIN IMMEDIATE')
      inBatch = 0
    }
  }
  db.exec('COMMIT')
}

async function ensureDatabase(print: Print): Promise<void> {
  mkdirSync(DATA_DIR, { recursive: true })
  if (reusable(DB_PATH)) return
  for (const suffix of ['', '-wal', '-shm']) rmSync(DB_PATH + suffix, { force: true })
  const started = performance.now()
  const shared = await sharedFiller()
  if (shared.fillDatabase) {
    await shared.fillDatabase(DB_PATH, ROWS)
  } else {
    const db = openDatabase(DB_PATH)
    try {
      // Bench data only: speed over durability, and a page cache big enough that the random
      // index inserts (payment id, search trigrams) do not thrash once the file outgrows 32 MiB.
      db.exec('PRAGMA synchronous = OFF; PRAGMA cache_size = -1048576;')
      const store = createHistoryStore(db)
      if (shared.fill) shared.fill(db, store, ROWS, END_MS)
      else fillWithStore(db, store, ROWS)
      store.close()
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    } finally {
      db.close()
    }
  }
  if (!reusable(DB_PATH)) throw new Error(`The bench database at ${DB_PATH} does not hold ${ROWS} attempts in the current schema.`)
  print('export.fill_1m', (performance.now() - started) / 1000, 's')
}

/** The generator's attempts as the records the store would return (for the core-only runs). */
function* generatedRecords(n: number): Generator<AttemptRecord> {
  let id = 1
  for (const { attempt, sentHeaders, completion } of generateAttempts(n, END_MS, { seed: 7 })) {
    const done = completion ?? {
      finishedAt: null,
      httpStatus: null,
      responseHeaders: null,
      responseBody: null,
      outcome: 'unknown' as const,
      errors: [],
      failureReason: null,
      tokenMs: null,
      requestMs: null,
      durationMs: null,
      clockOffsetMs: null,
    }
    yield { ...attempt, id: id++, requestHeaders: sentHeaders, ...done }
  }
}

interface ChildResult {
  rows: number
  seconds: number
  peakRssMb: number
}

/** One measured task, in this (child) process. */
async function runChild(task: Task, dbPath: string, outPath: string): Promise<ChildResult> {
  let peak = process.memoryUsage.rss()
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 50)
  try {
    let rows = 0
    let seconds = 0
    if (task === 'generate') {
      const started = performance.now()
      for (const record of generatedRecords(ROWS)) rows += record.id > 0 ? 1 : 0
      seconds = (performance.now() - started) / 1000
    } else if (task === 'core-csv' || task === 'core-jsonl') {
      const started = performance.now()
      rows = (await exportHistory({ records: generatedRecords(ROWS), total: ROWS, format: task === 'core-csv' ? 'csv' : 'jsonl', outPath, fullPhone: false })).rows
      seconds = (performance.now() - started) / 1000
    } else {
      // The connection exports read through in the app (AppCore.openHistoryScan).
      const db = openDatabase(dbPath, APP_MIGRATIONS, { pageCacheKiB: SCAN_PAGE_CACHE_KIB })
      const store = createHistoryStore(db)
      const started = performance.now()
      if (task === 'iterate') {
        for (const record of store.iterate({})) rows += record.id > 0 ? 1 : 0
      } else {
        rows = (await exportHistory({ records: store.iterate({}), total: store.count({}), format: task, outPath, fullPhone: false })).rows
      }
      seconds = (performance.now() - started) / 1000
      store.close()
      db.close()
    }
    peak = Math.max(peak, process.memoryUsage.rss())
    return { rows, seconds, peakRssMb: peak / 1048576 }
  } finally {
    clearInterval(sampler)
  }
}

function measureInChild(task: Task, outPath: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...EXPORT_V8_FLAGS, fileURLToPath(import.meta.url), '--child', task, DB_PATH, outPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (data: string) => (stdout += data))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`The bench child for ${task} exited with code ${String(code)}.`))
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChildResult)
      } catch (error) {
        reject(error as Error)
      }
    })
  })
}

async function measure(task: Task, name: string, print: Print): Promise<void> {
  const outPath = join(DATA_DIR, `export-1m-${task}.out`)
  try {
    const result = await measureInChild(task, outPath)
    if (result.rows !== ROWS) throw new Error(`${task} handled ${result.rows} records, not ${ROWS}.`)
    print(name, result.seconds, 's')
    print(`${name}.peak_rss`, result.peakRssMb, 'MB')
  } finally {
    rmSync(outPath, { force: true })
  }
}

export async function run(print: Print): Promise<void> {
  await ensureDatabase(print)
  await measure('csv', 'export.csv_1m', print)
  await measure('jsonl', 'export.jsonl_1m', print)
  // Breakdown: the store's iterate() alone; the export core alone on generated records (no
  // database), and generating those records alone (to subtract).
  await measure('iterate', 'export.breakdown.iterate_1m', print)
  await measure('generate', 'export.breakdown.generate_1m', print)
  await measure('core-csv', 'export.breakdown.core_csv_1m', print)
  await measure('core-jsonl', 'export.breakdown.core_jsonl_1m', print)
}

if (process.argv[2] === '--child') {
  const [, , , task, dbPath, outPath] = process.argv
  const result = await runChild(task as Task, dbPath as string, outPath as string)
  process.stdout.write(JSON.stringify(result) + '\n')
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run((name, value, unit) => console.log(`${name} ${Number.isInteger(value) ? value : value.toFixed(2)} ${unit}`))
}
