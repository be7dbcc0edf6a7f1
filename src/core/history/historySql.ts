import type { SQLInputValue } from 'node:sqlite'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import { DEFAULT_HISTORY_SORT, type HistorySort } from '../../shared/domain/historySort.ts'
import { parseSearch, trigramMatchExpression } from './searchText.ts'

// HistoryFilter → SQL pieces, and the opaque keyset cursor. Pure: historyPlanner.ts decides
// which index drives a query and runs it. The attempts table is always aliased `a`.

export interface SortSpec {
  /** Sort key expression; the id breaks ties in the same direction. */
  key: string
  index: string
  desc: boolean
}

export const SORT_SPECS: Record<HistorySort, SortSpec> = {
  'time-desc': { key: 'a.started_at', index: 'attempts_started', desc: true },
  'time-asc': { key: 'a.started_at', index: 'attempts_started', desc: false },
  // latency_key = ifnull(duration_ms, -1): unknown attempts sort last when slowest first.
  'latency-desc': { key: 'a.latency_key', index: 'attempts_latency', desc: true },
  'latency-asc': { key: 'a.latency_key', index: 'attempts_latency', desc: false },
}

/** Position in a sort: the key and id of the last row already returned. */
export interface SortPosition {
  key: number
  id: number
}

export interface SqlPart {
  sql: string
  params: SQLInputValue[]
}

/** One way to read a superset of the matching rows from an index (historyPlanner.ts). */
export interface Driver {
  name: string
  /** FROM clause; binds the attempts table as `a`. */
  from: string
  /** Extra conditions the driver's own table needs (joined tables only). */
  where: SqlPart[]
  /** SELECT count(*) over at most `?` (the last parameter) index entries this driver reads. */
  estimate: SqlPart
  /**
   * On time sorts, columns of the driver's index equal to (a.started_at, a.id): ordering and
   * paging on them reads the driver in order and stops at the page's end.
   */
  timeColumns?: { key: string; id: string }
  /**
   * On time sorts, reads a subset of the time index's entries in the same order and tests
   * the other index-carried filters on its own entries: never slower than the time index.
   */
  narrowsTimeScan?: boolean
}

export interface CompiledFilter {
  sort: HistorySort
  /** Every condition of the filter as an exact test on the row `a`. */
  predicates: SqlPart[]
  /** The predicates the sort index can apply as range bounds (date range on time sorts). */
  sortBounds: SqlPart[]
  drivers: Driver[]
  /** A driver is known to be tiny (exact payment id): no need to scan the sort index first. */
  selective: boolean
  /** Some predicate reads the table row, not just sort-index entries (the search). */
  readsRows: boolean
}

/** Picks the trigrams of a group worth asking the index for (the rarest); identity by default. */
export type TrigramPicker = (group: string[]) => string[]

export class InvalidCursorError extends Error {
  constructor(detail: string) {
    super(`Invalid history cursor: ${detail}`)
    this.name = 'InvalidCursorError'
  }
}

export function compileFilter(filter: HistoryFilter, pickTrigrams: TrigramPicker = (g) => g): CompiledFilter {
  const sort = filter.sort ?? DEFAULT_HISTORY_SORT
  const timeSort = SORT_SPECS[sort].index === 'attempts_started'
  const predicates: SqlPart[] = []
  const sortBounds: SqlPart[] = []
  const drivers: Driver[] = []

  const range: SqlPart[] = []
  if (filter.from !== undefined) range.push({ sql: 'a.started_at >= ?', params: [filter.from] })
  if (filter.to !== undefined) range.push({ sql: 'a.started_at < ?', params: [filter.to] })
  const rangeOn = (column: string): SqlPart[] => range.map((r) => ({ sql: r.sql.replace('a.started_at', column), params: r.params }))
  predicates.push(...range)
  if (timeSort) sortBounds.push(...range)
  if (range.length > 0) drivers.push(indexDriver('range', 'attempts_started', []))

  /** A driver over an (x, started_at, …) index: reads the rows of `condition` within the range. */
  function indexDriver(name: string, index: string, condition: SqlPart[], narrowsTimeScan = false): Driver {
    const where = [...condition, ...rangeOn('started_at')]
    return {
      name,
      from: `attempts a INDEXED BY ${index}`,
      where: [],
      estimate: {
        sql: `SELECT count(*) AS n FROM (SELECT 1 FROM attempts INDEXED BY ${index} WHERE ${where.map((w) => w.sql).join(' AND ')} LIMIT ?)`,
        params: where.flatMap((w) => w.params),
      },
      narrowsTimeScan,
    }
  }

  function addIn(column: string, values: readonly string[] | undefined, driver?: { index: string; narrowsTimeScan?: boolean }) {
    if (!values || values.length === 0) return
    const list = { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: [...values] }
    predicates.push({ sql: `a.${list.sql}`, params: list.params })
    if (driver) drivers.push(indexDriver(column, driver.index, [list], driver.narrowsTimeScan))
  }

  // outcome and environment have no index of their own: the sort indexes carry them, and so
  // does the operator index, which therefore never reads more than the time index would.
  addIn('outcome', filter.outcome)
  addIn('environment', filter.environment)
  addIn('operator', filter.operator === undefined ? undefined : [filter.operator], { index: 'attempts_operator', narrowsTimeScan: true })
  addIn('payment_id', filter.paymentId === undefined ? undefined : [filter.paymentId], { index: 'attempts_payment' })

  if (filter.code !== undefined) {
    predicates.push({
      // LIMIT 1 keeps this a per-row primary-key probe: without it SQLite may turn the EXISTS
      // into a join and first build a Bloom filter over every row of attempt_codes (40 ms).
      sql: 'EXISTS (SELECT 1 FROM attempt_codes k WHERE k.code = ? AND k.started_at = a.started_at AND k.attempt_id = a.id LIMIT 1)',
      params: [filter.code],
    })
    const where = [{ sql: 'code = ?', params: [filter.code] as SQLInputValue[] }, ...rangeOn('started_at')]
    drivers.push({
      name: 'code',
      from: 'attempt_codes c CROSS JOIN attempts a ON a.id = c.attempt_id',
      // The code rows carry outcome, environment and operator: tested before joining.
      where: [{ sql: 'c.code = ?', params: [filter.code] }, ...rangeOn('c.started_at'), ...carriedFilters(filter, 'c.')],
      timeColumns: { key: 'c.started_at', id: 'c.attempt_id' },
      estimate: {
        sql: `SELECT count(*) AS n FROM (SELECT 1 FROM attempt_codes WHERE ${where.map((w) => w.sql).join(' AND ')} LIMIT ?)`,
        params: where.flatMap((w) => w.params),
      },
    })
  }

  if (filter.runId !== undefined) {
    // A bulk run's attempts (bulk_rows.attempt_id, schema version 4), read through its rows.
    predicates.push({ sql: 'a.id IN (SELECT attempt_id FROM bulk_rows WHERE run_id = ? AND attempt_id IS NOT NULL)', params: [filter.runId] })
    drivers.push({
      name: 'run',
      from: 'bulk_rows r CROSS JOIN attempts a ON a.id = r.attempt_id',
      where: [{ sql: 'r.run_id = ?', params: [filter.runId] }],
      estimate: { sql: 'SELECT count(*) AS n FROM (SELECT 1 FROM bulk_rows WHERE run_id = ? AND attempt_id IS NOT NULL LIMIT ?)', params: [filter.runId] },
    })
  }

  const searching = filter.search !== undefined && filter.search.trim() !== ''
  if (searching) {
    const search = parseSearch(filter.search ?? '')
    const tests = ['instr(a.payment_id, ?) > 0', 'instr(lower(a.transaction_ref), lower(?)) > 0']
    const params: SQLInputValue[] = [search.text, search.text]
    if (search.phoneDigits !== null) {
      tests.push('instr(a.phone, ?) > 0')
      params.push(search.phoneDigits)
    }
    predicates.push({ sql: `(${tests.join(' OR ')})`, params })
    if (search.trigramGroups !== null) {
      const match = trigramMatchExpression(search.trigramGroups.map((g) => pickTrigrams(g)))
      drivers.push({
        name: 'search',
        from: 'attempt_search s CROSS JOIN attempts a ON a.id = s.rowid',
        where: [{ sql: 's.attempt_search MATCH ?', params: [match] }],
        estimate: { sql: 'SELECT count(*) AS n FROM (SELECT 1 FROM attempt_search WHERE attempt_search MATCH ? LIMIT ?)', params: [match] },
      })
    }
  }

  return { sort, predicates, sortBounds, drivers, selective: filter.paymentId !== undefined, readsRows: searching }
}

/** outcome, environment and operator conditions on columns named `${prefix}outcome`, … */
export function carriedFilters(filter: HistoryFilter, prefix: string): SqlPart[] {
  const parts: SqlPart[] = []
  const add = (column: string, values: readonly string[] | undefined) => {
    if (values && values.length > 0) parts.push({ sql: `${prefix}${column} IN (${values.map(() => '?').join(', ')})`, params: [...values] })
  }
  add('outcome', filter.outcome)
  add('environment', filter.environment)
  add('operator', filter.operator === undefined ? undefined : [filter.operator])
  return parts
}

/** The sort's (key, id) columns: the attempts table's, or a driver's equal time columns. */
export type SortColumns = { key: string; id: string }

export function sortColumns(sort: HistorySort, driver?: Driver): SortColumns {
  const spec = SORT_SPECS[sort]
  return spec.index === 'attempts_started' && driver?.timeColumns ? driver.timeColumns : { key: spec.key, id: 'a.id' }
}

/** Rows strictly after `position` in the sort (keyset pagination). */
export function afterPosition(sort: HistorySort, position: SortPosition, columns = sortColumns(sort)): SqlPart {
  return { sql: `(${columns.key}, ${columns.id}) ${SORT_SPECS[sort].desc ? '<' : '>'} (?, ?)`, params: [position.key, position.id] }
}

/** Rows up to and including `position` in the sort. */
export function upToPosition(sort: HistorySort, position: SortPosition, columns = sortColumns(sort)): SqlPart {
  return { sql: `(${columns.key}, ${columns.id}) ${SORT_SPECS[sort].desc ? '>=' : '<='} (?, ?)`, params: [position.key, position.id] }
}

export function orderBy(sort: HistorySort, columns = sortColumns(sort)): string {
  const dir = SORT_SPECS[sort].desc ? 'DESC' : 'ASC'
  return `ORDER BY ${columns.key} ${dir}, ${columns.id} ${dir}`
}

/** The sort key of a row as stored (mirrors SORT_SPECS[sort].key). */
export function sortKeyOf(sort: HistorySort, row: { started_at: number; duration_ms: number | null }): number {
  return SORT_SPECS[sort].index === 'attempts_started' ? row.started_at : (row.duration_ms ?? -1)
}

const CURSOR_VERSION = 1

export function encodeCursor(sort: HistorySort, position: SortPosition): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, sort, position.key, position.id]), 'utf8').toString('base64url')
}

/** Throws InvalidCursorError for anything but a cursor of this sort made by encodeCursor. */
export function decodeCursor(cursor: string, sort: HistorySort): SortPosition {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursorError('not readable')
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== CURSOR_VERSION) throw new InvalidCursorError('unknown format')
  const [, cursorSort, key, id] = parsed as [unknown, unknown, unknown, unknown]
  if (cursorSort !== sort) throw new InvalidCursorError(`made for sort ${String(cursorSort)}, not ${sort}`)
  if (!Number.isSafeInteger(key) || !Number.isSafeInteger(id)) throw new InvalidCursorError('bad position')
  return { key: key as number, id: id as number }
}
