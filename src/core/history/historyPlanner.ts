import type { SQLInputValue, SQLOutputValue } from 'node:sqlite'
import { afterPosition, orderBy, SORT_SPECS, sortColumns, sortKeyOf, upToPosition, type CompiledFilter, type Driver, type SortPosition, type SqlPart } from './historySql.ts'
import type { StatementCache } from './statementCache.ts'

// Which index reads a page. SQLite's planner (no STAT4 in node:sqlite) cannot tell a common
// filter value from a rare one and does not weigh LIMIT, so the choice is made here, from
// what the data says, and forced with INDEXED BY / CROSS JOIN:
//  1. Window: the next `windowRows` entries of the sort index, tested in order. The sort
//     indexes carry outcome, environment, operator and date (schema.ts), so this reads no
//     table row for them; common filters fill the page here.
//  2. If the window found a fifth of a page, matches are near: keep scanning in order.
//  3. Otherwise the filter is selective: each filter index counts, up to `driverCap`, the
//     rows it would read, and the smallest under the cap reads the rest of the page (on a
//     time sort the code and operator indexes read in time order and stop at the page's end).
//     When none is under the cap, the ordered scan goes on — through the operator index
//     when there is one on a time sort, which holds only that operator's entries.
// A search must read table rows to test, so it first asks its trigram index, and is driven
// from it when that finds fewer than `searchCap` candidates.

export interface PlannerOptions {
  /** Sort-index entries tested before looking for a more selective index. */
  windowRows: number
  /** The window when a predicate reads table rows (search): each entry costs a row read. */
  rowWindowRows: number
  /** Most rows a driver may read to be chosen. */
  driverCap: number
  /** Most trigram candidates (each a table row read) for the search to drive. */
  searchCap: number
}

export const DEFAULT_PLANNER_OPTIONS: PlannerOptions = { windowRows: 10_000, rowWindowRows: 1_000, driverCap: 5_000, searchCap: 5_000 }

export type Row = Record<string, SQLOutputValue> & { id: number; started_at: number; duration_ms: number | null }

export interface Planner {
  /** Up to `limit` rows after `after` in the filter's order; `columns` select from `a`. */
  selectRows(filter: CompiledFilter, after: SortPosition | null, limit: number, columns: string): Row[]
  /**
   * selectRows with each row an array in `columns` order: no per-row object with ~35 named
   * properties to build and read (a third of the cost of reading a million records).
   */
  selectRowArrays(filter: CompiledFilter, after: SortPosition | null, limit: number, columns: string): SQLOutputValue[][]
  count(filter: CompiledFilter): number
}

export function createPlanner(statements: StatementCache, options: PlannerOptions): Planner {
  function select(columns: string, from: string, parts: SqlPart[], tail: string, tailParams: SQLInputValue[], arrays = false): Row[] {
    const where = parts.length === 0 ? '' : `WHERE ${parts.map((p) => p.sql).join(' AND ')}`
    return statements.get(`SELECT ${columns} FROM ${from} ${where} ${tail}`, arrays).all(...parts.flatMap((p) => p.params), ...tailParams) as Row[]
  }

  const capOf = (driver: Driver) => (driver.name === 'search' ? options.searchCap : options.driverCap)

  /** Rows the driver would read, counted up to its cap (cached per compiled filter). */
  const estimates = new WeakMap<Driver, number>()
  function estimate(driver: Driver): number {
    let n = estimates.get(driver)
    if (n === undefined) {
      n = (statements.get(driver.estimate.sql).get(...driver.estimate.params, capOf(driver)) as { n: number }).n
      estimates.set(driver, n)
    }
    return n
  }

  /** The driver reading the fewest rows, if one reads fewer than its cap. */
  function smallestDriver(filter: CompiledFilter): Driver | undefined {
    let best: Driver | undefined
    for (const driver of filter.drivers) {
      if (estimate(driver) < capOf(driver) && (best === undefined || estimate(driver) < estimate(best))) best = driver
      if (estimate(driver) === 0) break
    }
    return best
  }

  // `arrays`: the rows returned (not the boundary probe) are arrays; typed Row for brevity here.
  function selectRows(filter: CompiledFilter, after: SortPosition | null, limit: number, columns: string, arrays = false): Row[] {
    const sort = filter.sort
    const spec = SORT_SPECS[sort]
    const sortIndex = `attempts a INDEXED BY ${spec.index}`
    const keyset = (from: SortPosition | null, driver?: Driver) => (from === null ? [] : [afterPosition(sort, from, sortColumns(sort, driver))])
    const scan = (from: SortPosition | null, parts: SqlPart[], n: number) => select(columns, sortIndex, [...keyset(from), ...parts], `${orderBy(sort)} LIMIT ?`, [n], arrays)
    const drive = (driver: Driver, from: SortPosition | null, n: number) =>
      select(columns, driver.from, [...driver.where, ...keyset(from, driver), ...filter.predicates], `${orderBy(sort, sortColumns(sort, driver))} LIMIT ?`, [n], arrays)

    // Nothing beyond what the sort index itself bounds: read it in order.
    if (filter.predicates.length === filter.sortBounds.length) return scan(after, filter.predicates, limit)

    const search = filter.drivers.find((d) => d.name === 'search')
    if (search && estimate(search) < options.searchCap) return drive(search, after, limit)
    if (filter.selective) {
      const driver = smallestDriver(filter)
      if (driver) return drive(driver, after, limit)
    }

    const windowRows = filter.readsRows ? options.rowWindowRows : options.windowRows
    const boundary = select(`${spec.key} AS k, a.id AS id`, sortIndex, [...keyset(after), ...filter.sortBounds], `${orderBy(sort)} LIMIT 1 OFFSET ?`, [windowRows - 1])[0]
    const window = boundary ? [upToPosition(sort, { key: boundary.k as number, id: boundary.id })] : []
    const rows = scan(after, [...window, ...filter.predicates], limit)
    if (rows.length === limit || !boundary) return rows

    const from = { key: boundary.k as number, id: boundary.id }
    const rest = limit - rows.length
    if (rows.length * 5 >= limit) return rows.concat(scan(from, filter.predicates, rest))
    const driver = smallestDriver(filter) ?? (spec.index === 'attempts_started' ? filter.drivers.find((d) => d.narrowsTimeScan) : undefined)
    return rows.concat(driver ? drive(driver, from, rest) : scan(from, filter.predicates, rest))
  }

  /** Counts through the smallest driver, else the search's; historyCount.ts has faster ways for filters without either. */
  function count(filter: CompiledFilter): number {
    if (filter.predicates.length === 0) return (statements.get('SELECT count(*) AS n FROM attempts').get() as { n: number }).n
    const driver = smallestDriver(filter) ?? filter.drivers.find((d) => d.name === 'search')
    const rows = select('count(*) AS n', driver?.from ?? 'attempts a', [...(driver?.where ?? []), ...filter.predicates], '', [])
    return (rows[0]?.n as number | undefined) ?? 0
  }

  return {
    selectRows: (filter, after, limit, columns) => selectRows(filter, after, limit, columns),
    selectRowArrays: (filter, after, limit, columns) => selectRows(filter, after, limit, columns, true) as unknown as SQLOutputValue[][],
    count,
  }
}

/** The position of a row in `filter`'s sort, for the next page or batch. */
export function positionOf(filter: CompiledFilter, row: Row): SortPosition {
  return { key: sortKeyOf(filter.sort, row), id: row.id }
}
