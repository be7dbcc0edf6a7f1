import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import type { TeamQueryable } from './teamHistoryRows.ts'
import { filterConditions, isSearching, Params } from './teamHistorySql.ts'

// The team History total, exact as the local one (historyCount.ts), without reading every
// matching row when it can be avoided:
//  - outcome / environment / operator / date (and a code) only: the count tables of teamSchema.ts
//    (attempt_day_counts, attempt_code_day_counts) for the whole UTC days in the range, plus an
//    exact count (index-only on attempts_started) for the two cut days;
//  - a search or a payment id: count(*) of the matching rows (their indexes narrow them).

const DAY_MS = 86_400_000

const where = (conditions: string[]): string => (conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`)

async function scalar(db: TeamQueryable, sql: string, params: Params): Promise<number> {
  const { rows } = await db.query(sql, params.values)
  return Number((rows[0] as { n: string | null }).n ?? 0)
}

/** count(*) of the rows the filter selects, restricted to [from, to). */
function exact(db: TeamQueryable, filter: HistoryFilter, from: number | undefined, to: number | undefined): Promise<number> {
  const params = new Params()
  return scalar(db, `SELECT count(*) AS n FROM attempts a ${where(filterConditions({ ...filter, from, to }, params))}`, params)
}

/** The sum of the count table's rows for the whole days [firstDay, endDay) and the filter's other columns. */
function wholeDays(db: TeamQueryable, filter: HistoryFilter, firstDay: number | undefined, endDay: number | undefined): Promise<number> {
  const params = new Params()
  const conditions: string[] = []
  if (firstDay !== undefined) conditions.push(`c.day >= ${params.add(firstDay)}`)
  if (endDay !== undefined) conditions.push(`c.day < ${params.add(endDay)}`)
  if (filter.outcome && filter.outcome.length > 0) conditions.push(`c.outcome = ANY(${params.add(filter.outcome)}::text[])`)
  if (filter.environment && filter.environment.length > 0) conditions.push(`c.environment = ANY(${params.add(filter.environment)}::text[])`)
  if (filter.operator !== undefined) conditions.push(`c.operator = ${params.add(filter.operator)}`)
  if (filter.code !== undefined) conditions.push(`c.code = ${params.add(filter.code)}`)
  const table = filter.code === undefined ? 'attempt_day_counts' : 'attempt_code_day_counts'
  return scalar(db, `SELECT sum(c.n) AS n FROM ${table} c ${where(conditions)}`, params)
}

export async function countTeamAttempts(db: TeamQueryable, filter: HistoryFilter): Promise<number> {
  if (isSearching(filter) || filter.paymentId !== undefined) return exact(db, filter, filter.from, filter.to)
  const { from, to } = filter
  // Whole days inside [from, to): firstDay inclusive, endDay exclusive.
  const firstDay = from === undefined ? undefined : Math.ceil(from / DAY_MS)
  const endDay = to === undefined ? undefined : Math.floor(to / DAY_MS)
  if (firstDay !== undefined && endDay !== undefined && firstDay >= endDay) return exact(db, filter, from, to)
  const [whole, head, tail] = await Promise.all([
    wholeDays(db, filter, firstDay, endDay),
    firstDay === undefined || from === firstDay * DAY_MS ? 0 : exact(db, filter, from, firstDay * DAY_MS),
    endDay === undefined || to === endDay * DAY_MS ? 0 : exact(db, filter, endDay * DAY_MS, to),
  ])
  return whole + head + tail
}
