import type { DatabaseSync } from 'node:sqlite'
import type { AttemptRecord, AttemptSummary } from '../../shared/domain/attempt.ts'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import type { HistoryPage } from '../../shared/domain/historyViews.ts'
import { createContextRegistry } from './attemptContexts.ts'
import { createTextRegistry } from './attemptTexts.ts'
import { contextIdOf, R, RECORD_COLUMNS, SUMMARY_COLUMNS, toRecord, toSummary, type RecordRow } from './attemptRows.ts'
import { createAttemptWriter } from './attemptWriter.ts'
import { createCounter } from './historyCount.ts'
import { createPlanner, DEFAULT_PLANNER_OPTIONS, positionOf, type PlannerOptions } from './historyPlanner.ts'
import { compileFilter, decodeCursor, encodeCursor, sortKeyOf, type SortPosition } from './historySql.ts'
import { createStatementCache } from './statementCache.ts'
import { paymentOutcomes } from './paymentOutcomes.ts'
import { chain, latestClockOffset, precheck, statusStrip } from './statusQueries.ts'
import type { InFlightRegistry } from './inFlightRegistry.ts'
import { historyTrends } from './trendQuery.ts'
import { createTrigramPicker } from './trigramPicker.ts'
import type { HistoryStore } from './types.ts'

export interface HistoryStoreOptions {
  /** Query planning thresholds; tests shrink them to exercise every plan on few rows. */
  planner?: Partial<PlannerOptions>
  /** Attempts other processes on the same data folder are sending (inFlightRegistry.ts). */
  inFlight?: InFlightRegistry
}

/**
 * The history store on a connection from openDatabase() (which creates the schema). The
 * caller owns the connection: close() only retires the store, so the audit trail can share
 * the same connection, and the caller closes it.
 */
export function createHistoryStore(db: DatabaseSync, options: HistoryStoreOptions = {}): HistoryStore {
  const cache = createStatementCache(db)
  const planner = createPlanner(cache, { ...DEFAULT_PLANNER_OPTIONS, ...options.planner })
  const counter = createCounter(cache, planner)
  const contexts = createContextRegistry(cache)
  const texts = createTextRegistry(cache)
  const pickTrigrams = createTrigramPicker(cache)
  let closed = false

  function ensureOpen() {
    if (closed) throw new Error('The history store is closed.')
  }
  function statement(sql: string) {
    ensureOpen()
    return cache.get(sql)
  }
  const writer = createAttemptWriter(db, statement, contexts, texts)
  // Attempts this process has begun and not completed: their rows read `unknown` (written
  // before sending) but they are in flight, not lost. Kept in memory on purpose: when the
  // process dies the set goes with it, and the rows are then truly unknown.
  // The registry tells the same for other processes (the CLI) on this data folder.
  const inFlight = new Set<number>()
  function marked<T extends AttemptSummary>(rows: T[]): T[] {
    const unfinished = rows.filter((row) => row.finishedAt === null && !inFlight.has(row.id)).map((row) => row.id)
    const elsewhere = options.inFlight?.heldByOthers(unfinished) ?? new Set<number>()
    return rows.map((row) => (inFlight.has(row.id) || elsewhere.has(row.id) ? { ...row, inFlight: true } : row))
  }
  const compile = (filter: HistoryFilter) => compileFilter(filter, pickTrigrams)
  const record = (row: RecordRow) => toRecord(row, contexts.get(contextIdOf(row)), texts)

  function get(id: number): AttemptRecord | undefined {
    ensureOpen()
    const row = cache.get(`SELECT ${RECORD_COLUMNS} FROM attempts a WHERE a.id = ?`, true).get(id) as RecordRow | undefined
    return row ? record(row) : undefined
  }

  function page(request: { filter: HistoryFilter; cursor?: string | undefined; limit: number }): HistoryPage {
    if (!Number.isInteger(request.limit) || request.limit < 1) throw new RangeError(`A page needs a limit of at least 1, not ${request.limit}.`)
    ensureOpen()
    const filter = compile(request.filter)
    const after = request.cursor === undefined ? null : decodeCursor(request.cursor, filter.sort)
    // One row more than asked says whether there is a next page.
    const rows = planner.selectRows(filter, after, request.limit + 1, SUMMARY_COLUMNS)
    const shown = rows.slice(0, request.limit)
    const last = shown.at(-1)
    return {
      rows: marked(shown.map((row) => toSummary(row))),
      nextCursor: rows.length > request.limit && last ? encodeCursor(filter.sort, positionOf(filter, last)) : null,
    }
  }

  /** Keyset batches: memory stays at one batch however many rows match. */
  function* iterate(filter: HistoryFilter, batchSize = 1000): Generator<AttemptRecord> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`A batch needs at least 1 row, not ${batchSize}.`)
    ensureOpen()
    const compiled = compile(filter)
    let after: SortPosition | null = null
    for (;;) {
      const rows = planner.selectRowArrays(compiled, after, batchSize, RECORD_COLUMNS)
      for (const row of rows) yield record(row)
      const last = rows.at(-1)
      if (rows.length < batchSize || !last) return
      const id = last[R.id] as number
      after = { key: sortKeyOf(compiled.sort, { started_at: last[R.started_at] as number, duration_ms: last[R.duration_ms] as number | null }), id }
    }
  }

  return {
    ...writer,
    begin(attempt) {
      const id = writer.begin(attempt)
      inFlight.add(id)
      options.inFlight?.add(id)
      return id
    },
    complete(id, done, sentHeaders) {
      try {
        writer.complete(id, done, sentHeaders)
      } finally {
        inFlight.delete(id)
        options.inFlight?.remove(id)
      }
    },
    get,
    page,
    count(filter) {
      ensureOpen()
      return counter.count(filter, compile(filter))
    },
    chain: (paymentId) => marked(chain(statement, paymentId)),
    precheck: (paymentId, environment) => precheck(statement, paymentId, environment),
    paymentOutcomes: (paymentIds) => paymentOutcomes(statement, paymentIds),
    latestClockOffset: (environment) => latestClockOffset(statement, environment),
    statusStrip: (nowMs) => statusStrip(statement, nowMs),
    trends: (request) => historyTrends(statement, request),
    iterate,
    inFlightBatch: (work) => (options.inFlight ? options.inFlight.batch(work) : work()),
    close() {
      closed = true
    },
  }
}
