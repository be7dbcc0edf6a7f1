import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'
import type { BulkColumnMapping, BulkRowAttempt, BulkRowCategory, BulkRunRowResult } from '../../shared/domain/bulk.ts'
import type { BulkCounts, BulkRowInput, BulkRun, BulkRunState, BulkUnknownRow } from '../../shared/domain/bulkRun.ts'
import type { EnvironmentId } from '../../shared/domain/environments.ts'
import { isRetryLater } from '../../shared/domain/errorCodes.ts'
import { OUTCOMES, type Outcome } from '../../shared/domain/outcome.ts'
import { isProcessAlive } from '../history/inFlightRegistry.ts'
import { createStatementCache } from '../history/statementCache.ts'
import { immediateTransaction } from '../storage/transaction.ts'

// Bulk runs and their rows in the console's database (schema: runSchema.ts). Synchronous like
// the history store: a run and its rows are on disk (synchronous=FULL) before anything is sent.

export type NewBulkRun = Omit<BulkRun, 'id' | 'state' | 'createdAt' | 'finishedAt'>

/** A row the runner sends: what it needs to build the request and to link the attempt. */
export type PendingRow = Pick<BulkRowInput, 'line' | 'paymentId' | 'phone' | 'transactionRef'>

export interface RunStoreOptions {
  now: () => number
  /** This process (the owner of the runs it drives). */
  pid?: number
  isAlive?: (pid: number) => boolean
}

interface RunRow {
  id: number
  file_name: string
  file_fingerprint: string
  environment: string
  base_url: string
  header: string
  mapping: string
  concurrency: number
  rate: number | null
  state: string
  created_at: number
  finished_at: number | null
  operator: string
  retry_of_run: number | null
  owner_pid: number | null
}

const RUN_COLUMNS = 'id, file_name, file_fingerprint, environment, base_url, header, mapping, concurrency, rate, state, created_at, finished_at, operator, retry_of_run, owner_pid'

function toRun(row: RunRow): BulkRun {
  return {
    id: row.id,
    fileName: row.file_name,
    fileFingerprint: row.file_fingerprint,
    environment: row.environment as EnvironmentId,
    baseUrl: row.base_url,
    header: JSON.parse(row.header) as string[],
    mapping: JSON.parse(row.mapping) as BulkColumnMapping,
    concurrency: row.concurrency,
    rate: row.rate,
    state: row.state as BulkRunState,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    operator: row.operator,
    retryOfRun: row.retry_of_run,
  }
}

export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError'
  constructor(runId: number) {
    super(`Bulk run #${runId} is not in the history.`)
  }
}

export function createRunStore(db: DatabaseSync, options: RunStoreOptions) {
  const cache = createStatementCache(db)
  const sql = (text: string): StatementSync => cache.get(text)
  const pid = options.pid ?? process.pid
  const isAlive = options.isAlive ?? isProcessAlive

  function runRow(id: number): RunRow | undefined {
    return sql(`SELECT ${RUN_COLUMNS} FROM bulk_runs WHERE id = ?`).get(id) as RunRow | undefined
  }

  /** A run left `running` by a process that is gone is `interrupted` (read-time repair, written back). */
  function settled(row: RunRow): RunRow {
    if (row.state !== 'running' || (row.owner_pid !== null && (row.owner_pid === pid || isAlive(row.owner_pid)))) return row
    sql(`UPDATE bulk_runs SET state = 'interrupted', owner_pid = NULL WHERE id = ? AND state = 'running' AND owner_pid IS ?`).run(row.id, row.owner_pid)
    return { ...row, state: 'interrupted', owner_pid: null }
  }

  function get(id: number): BulkRun | undefined {
    const row = runRow(id)
    return row ? toRun(settled(row)) : undefined
  }

  /**
   * Stores the run and all its rows in one transaction, before anything is sent. The run is
   * created `paused` and not owned: `claim` starts it.
   */
  function create(run: NewBulkRun, rows: Iterable<BulkRowInput>): BulkRun {
    const id = immediateTransaction(db, () => {
      const { lastInsertRowid } = sql(
        `INSERT INTO bulk_runs (file_name, file_fingerprint, environment, base_url, header, mapping, concurrency, rate, state, created_at, operator, retry_of_run)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'paused', ?, ?, ?)`,
      ).run(run.fileName, run.fileFingerprint, run.environment, run.baseUrl, JSON.stringify(run.header), JSON.stringify(run.mapping), run.concurrency, run.rate, options.now(), run.operator, run.retryOfRun)
      const runId = Number(lastInsertRowid)
      const insert = sql(
        `INSERT INTO bulk_rows (run_id, row_number, payment_id, phone, transaction_ref, columns, category, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      for (const row of rows) {
        insert.run(runId, row.line, row.paymentId, row.phone, row.transactionRef, JSON.stringify(row.values), row.category, row.send ? 'pending' : 'skipped')
      }
      return runId
    })
    return get(id) as BulkRun
  }

  /**
   * Makes this process the run's driver and sets it `running`. Refused (false) when another
   * live process drives it, or when it has ended (finished, cancelled).
   */
  function claim(runId: number): boolean {
    return immediateTransaction(db, () => {
      const row = runRow(runId)
      if (!row) throw new RunNotFoundError(runId)
      if (row.state === 'finished' || row.state === 'cancelled') return false
      if (row.owner_pid !== null && row.owner_pid !== pid && isAlive(row.owner_pid)) return false
      sql(`UPDATE bulk_runs SET state = 'running', owner_pid = ? WHERE id = ?`).run(pid, runId)
      return true
    })
  }

  /** paused keeps the owner (it can resume); an ended run has none and a finish time. */
  function setState(runId: number, state: BulkRunState): void {
    const ended = state === 'finished' || state === 'cancelled'
    const owner = state === 'running' || state === 'paused' ? pid : null
    sql(`UPDATE bulk_runs SET state = ?, owner_pid = ?, finished_at = ? WHERE id = ?`).run(state, owner, ended ? options.now() : null, runId)
  }

  /** Pending rows after `afterRow`, in file order. */
  function pendingRows(runId: number, afterRow: number, limit: number): PendingRow[] {
    const rows = sql(
      `SELECT row_number, payment_id, phone, transaction_ref FROM bulk_rows
       WHERE run_id = ? AND state = 'pending' AND row_number > ? ORDER BY row_number LIMIT ?`,
    ).all(runId, afterRow, limit) as { row_number: number; payment_id: string; phone: string; transaction_ref: string }[]
    return rows.map((r) => ({ line: r.row_number, paymentId: r.payment_id, phone: r.phone, transactionRef: r.transaction_ref }))
  }

  /**
   * Links a pending row to the attempt just begun for it. Called inside the transaction of
   * `history.begin`: a row that is no longer pending (another process took it) throws, which
   * rolls the attempt back, so a row never gets two attempts.
   */
  function linkAttempt(runId: number, line: number, attemptId: number): void {
    const { changes } = sql(`UPDATE bulk_rows SET attempt_id = ?, state = 'attempted' WHERE run_id = ? AND row_number = ? AND state = 'pending'`).run(
      attemptId,
      runId,
      line,
    )
    if (Number(changes) !== 1) throw new Error(`Row ${line} of bulk run #${runId} is not pending any more; it is not sent twice.`)
  }

  /** Rows per state, and attempted rows per outcome of their attempt (a purged attempt counts as unknown). */
  function counts(runId: number, inFlight: ReadonlySet<number> = new Set()): BulkCounts {
    const result: BulkCounts = { total: 0, pending: 0, skipped: 0, inFlight: 0, outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number> }
    const groups = sql(
      `SELECT r.state AS state, a.outcome AS outcome, count(*) AS n FROM bulk_rows r LEFT JOIN attempts a ON a.id = r.attempt_id
       WHERE r.run_id = ? GROUP BY 1, 2`,
    ).all(runId) as { state: string; outcome: Outcome | null; n: number }[]
    for (const { state, outcome, n } of groups) {
      result.total += n
      if (state === 'pending') result.pending += n
      else if (state === 'skipped') result.skipped += n
      else result.outcomes[outcome ?? 'unknown'] += n
    }
    if (inFlight.size > 0) {
      // Begun and not answered yet: counted as in flight rather than unknown.
      result.inFlight = inFlight.size
      result.outcomes.unknown -= inFlight.size
    }
    return result
  }

  /** Skipped rows per preview category (why they were not sent). */
  function skippedByCategory(runId: number): Partial<Record<BulkRowCategory, number>> {
    const rows = sql(`SELECT category, count(*) AS n FROM bulk_rows WHERE run_id = ? AND state = 'skipped' GROUP BY category`).all(runId) as { category: BulkRowCategory; n: number }[]
    return Object.fromEntries(rows.map((r) => [r.category, r.n]))
  }

  /** Attempted rows whose outcome is unknown (minus the attempts in flight): listed, never sent again automatically. */
  function unknownRows(runId: number, inFlight: ReadonlySet<number> = new Set()): BulkUnknownRow[] {
    const rows = sql(
      `SELECT r.row_number, r.payment_id, r.transaction_ref, r.attempt_id FROM bulk_rows r LEFT JOIN attempts a ON a.id = r.attempt_id
       WHERE r.run_id = ? AND r.state = 'attempted' AND (a.outcome IS NULL OR a.outcome = 'unknown') ORDER BY r.row_number`,
    ).all(runId) as { row_number: number; payment_id: string; transaction_ref: string; attempt_id: number }[]
    return rows
      .filter((r) => !inFlight.has(r.attempt_id))
      .map((r) => ({ line: r.row_number, paymentId: r.payment_id, transactionRef: r.transaction_ref, attemptId: r.attempt_id }))
  }

  /**
   * Rows worth sending again: rejected with retry-later codes only (errorCodes.ts isRetryLater),
   * or failed before reaching the API (no HTTP status: refused connection, no token…).
   */
  function* retryableRows(runId: number): Generator<BulkRowInput> {
    const select = sql(
      `SELECT r.row_number, r.payment_id, r.phone, r.transaction_ref, r.columns, r.category, a.outcome, a.http_status, a.errors
       FROM bulk_rows r JOIN attempts a ON a.id = r.attempt_id
       WHERE r.run_id = ? AND r.state = 'attempted' AND a.outcome IN ('rejected', 'failed') ORDER BY r.row_number`,
    )
    for (const row of select.iterate(runId) as Iterable<Record<string, SQLInputValue>>) {
      const codes = (JSON.parse(row.errors as string) as { code: string }[]).map((e) => String(e.code))
      const retryable = row.outcome === 'failed' ? row.http_status === null : codes.length > 0 && codes.every(isRetryLater)
      if (!retryable) continue
      yield {
        line: row.row_number as number,
        values: JSON.parse(row.columns as string) as string[],
        paymentId: row.payment_id as string,
        phone: row.phone as string,
        transactionRef: row.transaction_ref as string,
        category: row.category as BulkRowCategory,
        send: true,
      }
    }
  }

  /** Every row of the run in file order, joined to its attempt (the run export and the results list). */
  function* rowResults(runId: number): Generator<BulkRunRowResult> {
    const select = sql(
      `SELECT r.row_number, r.columns, r.category, r.state, r.attempt_id, a.outcome, a.http_status, a.errors, a.failure_reason
       FROM bulk_rows r LEFT JOIN attempts a ON a.id = r.attempt_id WHERE r.run_id = ? ORDER BY r.row_number`,
    )
    for (const row of select.iterate(runId) as Iterable<Record<string, SQLInputValue>>) {
      const attemptId = row.attempt_id as number | null
      const attempt: BulkRowAttempt | null =
        attemptId === null
          ? null
          : {
              id: attemptId,
              outcome: (row.outcome as Outcome | null) ?? 'unknown',
              httpStatus: row.http_status as number | null,
              errors: row.errors === null ? [] : (JSON.parse(row.errors as string) as BulkRowAttempt['errors']),
              failureReason: row.failure_reason as string | null,
            }
      yield {
        line: row.row_number as number,
        values: JSON.parse(row.columns as string) as string[],
        state: row.state === 'attempted' ? (attempt?.outcome ?? 'unknown') : (row.state as 'pending' | 'skipped'),
        category: row.category as BulkRowCategory,
        attempt,
      }
    }
  }

  /** The newest run of this file that can be resumed, if any. */
  function resumableFor(fileFingerprint: string): BulkRun | undefined {
    const rows = sql(`SELECT ${RUN_COLUMNS} FROM bulk_runs WHERE file_fingerprint = ? ORDER BY id DESC`).all(fileFingerprint) as unknown as RunRow[]
    const found = rows.map(settled).find((row) => row.state === 'running' || row.state === 'paused' || row.state === 'interrupted')
    return found ? toRun(found) : undefined
  }

  /** Created and never started: the first start is the run's start, any later one a resume. */
  function isFresh(runId: number): boolean {
    const row = sql(
      `SELECT 1 AS fresh FROM bulk_runs WHERE id = ? AND state = 'paused' AND owner_pid IS NULL
         AND NOT EXISTS (SELECT 1 FROM bulk_rows WHERE run_id = ? AND state = 'attempted')`,
    ).get(runId, runId)
    return row !== undefined
  }

  /** Newest first. */
  function list(limit: number): BulkRun[] {
    const rows = sql(`SELECT ${RUN_COLUMNS} FROM bulk_runs ORDER BY id DESC LIMIT ?`).all(limit) as unknown as RunRow[]
    return rows.map((row) => toRun(settled(row)))
  }

  return { create, get, list, isFresh, claim, setState, pendingRows, linkAttempt, counts, skippedByCategory, unknownRows, retryableRows, rowResults, resumableFor }
}

export type RunStore = ReturnType<typeof createRunStore>
