import type { AttemptRecord, AttemptSummary } from '../../shared/domain/attempt.ts'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import type { HistorySort } from '../../shared/domain/historySort.ts'
import { parseSearch } from '../history/searchText.ts'
import type { AttemptDetail, HistoryPage } from '../../shared/domain/historyViews.ts'
import { encodeCipherUrl, maskedCipher } from '../protocol/signer.ts'
import { TEAM_RECORD_COLUMNS, TEAM_SUMMARY_COLUMNS, toTeamRecord, toTeamSummary, type TeamQueryable, type TeamRow } from './teamHistoryRows.ts'
import { countTeamAttempts } from './teamCount.ts'
import { afterPosition, decodeTeamCursor, encodeTeamCursor, filterConditions, isSearching, orderBy, Params, positionOf, searchRule, sortOf, TEAM_SORT_SPECS, type TeamPosition } from './teamHistorySql.ts'

// The History view's queries on the team database: every console's attempts, with the local
// history's filters, search, sorts, keyset paging and details, answered as the same domain
// types (each row with its origin: console, machine, local id). Read-only; the replicator
// (teamcore) writes. Every value is a bound parameter (teamHistorySql.ts).

export interface TeamHistory {
  page(request: { filter: HistoryFilter; cursor?: string | undefined; limit: number }): Promise<HistoryPage>
  count(filter: HistoryFilter): Promise<number>
  /** One attempt by its team id. */
  get(id: number): Promise<(AttemptRecord & { origin: NonNullable<AttemptSummary['origin']> }) | undefined>
  /** The details view: the record, the team's attempts for its payment id, the masked cipher. */
  detail(id: number): Promise<AttemptDetail | undefined>
  /** Every console's attempts for one payment id, oldest first. */
  chain(paymentId: string): Promise<AttemptSummary[]>
  /** Every matching record in the filter's order, a keyset batch at a time (exports). */
  batches(filter: HistoryFilter, batchSize?: number): AsyncIterable<AttemptRecord[]>
}

/** Rows of one operator a search is checked on before the whole table is asked (as the local planner's window). */
const OPERATOR_SEARCH_WINDOW = 10_000

const where = (conditions: string[]): string => (conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`)

export interface TeamHistoryOptions {
  /** Rows of one operator a search is checked on before the whole table is asked (tests make it small). */
  operatorSearchWindow?: number
}

export function createTeamHistory(db: TeamQueryable, options: TeamHistoryOptions = {}): TeamHistory {
  const operatorSearchWindow = options.operatorSearchWindow ?? OPERATOR_SEARCH_WINDOW
  /** A page's rows: its keys (`keys`, selecting a.console_id, a.local_id in order) joined to the rows. */
  async function rowsOf(columns: string, keys: string, sort: HistorySort, params: Params): Promise<TeamRow[]> {
    const sql = `SELECT ${columns} FROM (${keys}) k JOIN attempts a ON a.console_id = k.console_id AND a.local_id = k.local_id ${orderBy(sort)}`
    return (await db.query(sql, params.values)).rows as TeamRow[]
  }

  async function select(columns: string, filter: HistoryFilter, after: TeamPosition | null, limit: number): Promise<TeamRow[]> {
    const sort = sortOf(filter)
    if (isSearching(filter) && filter.operator !== undefined && !TEAM_SORT_SPECS[sort].latency) {
      // A search in one operator's attempts: attempts_operator carries the search rule's columns,
      // so the operator's newest rows passing the other filters are checked without the heap.
      // When that window holds a full page, it is the page (any later match comes after it);
      // otherwise the search is asked of the whole table (trigram index) below.
      const params = new Params()
      const conditions = filterConditions(filter, params, 'none')
      if (after) conditions.push(afterPosition(sort, after, params))
      const window = `SELECT a.console_id, a.local_id, a.started_at, a.payment_id, a.transaction_ref, a.phone FROM attempts a ${where(conditions)} ${orderBy(sort)} LIMIT ${params.add(operatorSearchWindow)}`
      const rule = searchRule(parseSearch(filter.search as string), params)
      const rows = await rowsOf(columns, `SELECT a.console_id, a.local_id FROM (${window}) a WHERE ${rule} ${orderBy(sort)} LIMIT ${params.add(limit)}`, sort, params)
      if (rows.length === limit) return rows
    }
    const params = new Params()
    const conditions = filterConditions(filter, params)
    if (after) conditions.push(afterPosition(sort, after, params))
    const selected = `FROM attempts a ${where(conditions)} ${orderBy(sort)} LIMIT ${params.add(limit)}`
    // Filters on the indexes' INCLUDE columns: the page's keys first, in an index-only scan that
    // checks them without reading the wide heap rows, then its rows by primary key. Otherwise
    // (no filter, a time range, a payment id, a search read from the heap anyway) the rows
    // directly: the primary-key lookups would only add to it.
    if (!isSearching(filter) && (filter.outcome?.length || filter.environment?.length || filter.operator !== undefined || filter.code !== undefined)) {
      return rowsOf(columns, `SELECT a.console_id, a.local_id ${selected}`, sort, params)
    }
    return (await db.query(`SELECT ${columns} ${selected}`, params.values)).rows as TeamRow[]
  }

  async function get(id: number) {
    const { rows } = await db.query(`SELECT ${TEAM_RECORD_COLUMNS} FROM attempts a WHERE a.id = $1`, [id])
    const row = rows[0] as TeamRow | undefined
    return row ? { ...toTeamRecord(row), origin: toTeamSummary(row).origin } : undefined
  }

  async function chain(paymentId: string): Promise<AttemptSummary[]> {
    const { rows } = await db.query(`SELECT ${TEAM_SUMMARY_COLUMNS} FROM attempts a WHERE a.payment_id = $1 ORDER BY a.started_at, a.console_id, a.local_id`, [paymentId])
    return (rows as TeamRow[]).map(toTeamSummary)
  }

  return {
    async page(request) {
      if (!Number.isInteger(request.limit) || request.limit < 1) throw new RangeError(`A page needs a limit of at least 1, not ${request.limit}.`)
      const sort = sortOf(request.filter)
      const after = request.cursor === undefined ? null : decodeTeamCursor(request.cursor, sort)
      // One row more than asked says whether there is a next page.
      const rows = (await select(TEAM_SUMMARY_COLUMNS, request.filter, after, request.limit + 1)).map(toTeamSummary)
      const shown = rows.slice(0, request.limit)
      const last = shown.at(-1)
      return {
        rows: shown,
        nextCursor: rows.length > request.limit && last ? encodeTeamCursor(sort, positionOf(sort, { ...last, ...last.origin })) : null,
      }
    },
    count: (filter) => countTeamAttempts(db, filter),
    get,
    async detail(id) {
      const record = await get(id)
      if (!record) return undefined
      const { origin, ...plain } = record
      return {
        record: plain,
        chain: await chain(record.paymentId),
        cipher: maskedCipher({ method: 'POST', url: record.requestUrl, timestamp: record.requestHeaders.Timestamp ?? '', nonce: record.requestHeaders.Nonce ?? '', clientId: record.clientId }),
        encodedUrl: encodeCipherUrl(record.requestUrl),
        origin,
      }
    },
    chain,
    async *batches(filter, batchSize = 1000) {
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`A batch needs at least 1 row, not ${batchSize}.`)
      const sort = sortOf(filter)
      let after: TeamPosition | null = null
      for (;;) {
        const rows = await select(TEAM_RECORD_COLUMNS, filter, after, batchSize)
        if (rows.length > 0) yield rows.map(toTeamRecord)
        const last = rows.at(-1)
        if (rows.length < batchSize || !last) return
        after = positionOf(sort, { startedAt: Number(last.started_at), durationMs: last.duration_ms, consoleId: last.console_id, localId: Number(last.local_id) })
      }
    },
  }
}
