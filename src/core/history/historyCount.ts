import type { SQLInputValue } from 'node:sqlite'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import type { Planner } from './historyPlanner.ts'
import { carriedFilters, type CompiledFilter, type SqlPart } from './historySql.ts'
import type { StatementCache } from './statementCache.ts'

// count(filter) without reading every matching entry when it can be avoided:
//  - outcome / environment / operator / date only: attempt_day_counts for the whole UTC days
//    in the range, plus an exact count from attempts_started for the two cut days;
//  - a code with those: attempt_codes alone (it carries outcome, environment, operator);
//  - anything else (payment id, search, bulk run, no filter at all): the planner.

const DAY_MS = 86_400_000

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS)
}

export interface Counter {
  count(filter: HistoryFilter, compiled: CompiledFilter): number
}

export function createCounter(statements: StatementCache, planner: Planner): Counter {
  function scalar(sql: string, parts: SqlPart[]): number {
    const where = parts.length === 0 ? '' : `WHERE ${parts.map((p) => p.sql).join(' AND ')}`
    const params: SQLInputValue[] = parts.flatMap((p) => p.params)
    return (statements.get(`${sql} ${where}`).get(...params) as { n: number }).n
  }

  const between = (column: string, from: number | undefined, to: number | undefined): SqlPart[] => [
    ...(from === undefined ? [] : [{ sql: `${column} >= ?`, params: [from] }]),
    ...(to === undefined ? [] : [{ sql: `${column} < ?`, params: [to] }]),
  ]

  function exact(filter: HistoryFilter, from: number | undefined, to: number | undefined): number {
    return scalar('SELECT count(*) AS n FROM attempts INDEXED BY attempts_started', [...between('started_at', from, to), ...carriedFilters(filter, '')])
  }

  function byDays(filter: HistoryFilter): number {
    const { from, to } = filter
    // Whole days inside [from, to): firstDay inclusive, endDay exclusive.
    const firstDay = from === undefined ? undefined : Math.ceil(from / DAY_MS)
    const endDay = to === undefined ? undefined : Math.floor(to / DAY_MS)
    if (firstDay !== undefined && endDay !== undefined && firstDay >= endDay) return exact(filter, from, to)
    const whole = scalar('SELECT ifnull(sum(n), 0) AS n FROM attempt_day_counts', [...between('day', firstDay, endDay), ...carriedFilters(filter, '')])
    const head = firstDay === undefined ? 0 : exact(filter, from, firstDay * DAY_MS)
    const tail = endDay === undefined ? 0 : exact(filter, endDay * DAY_MS, to)
    return whole + head + tail
  }

  return {
    count(filter, compiled) {
      const searching = filter.search !== undefined && filter.search.trim() !== ''
      // No filter at all is SQLite's count(*) of the smallest index, cheaper than the sum.
      if (searching || filter.paymentId !== undefined || filter.runId !== undefined || compiled.predicates.length === 0) return planner.count(compiled)
      if (filter.code !== undefined) {
        return scalar('SELECT count(*) AS n FROM attempt_codes', [{ sql: 'code = ?', params: [filter.code] }, ...between('started_at', filter.from, filter.to), ...carriedFilters(filter, '')])
      }
      return byDays(filter)
    },
  }
}
