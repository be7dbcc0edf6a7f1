import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import { DEFAULT_HISTORY_SORT, type HistorySort } from '../../shared/domain/historySort.ts'
import { parseSearch, type SearchSpec } from '../history/searchText.ts'
import { InvalidCursorError } from '../history/historySql.ts'

// HistoryFilter → PostgreSQL, for the team scope. The same filter means the same rows as the
// local history (historySql.ts): every condition below is the local one written for PostgreSQL,
// and teamHistory.test.ts holds the two equal on a table of cases. Values are always bound
// parameters ($1, $2…); only fixed text of this file is ever put in the SQL.
// The team attempts table is aliased `a`. PostgreSQL's planner has statistics (unlike
// node:sqlite), so the indexes of teamHistorySchema.ts are left for it to choose.

/**
 * SQLite's lower() folds ASCII letters only (node:sqlite has no ICU), so the reference match
 * ignores ASCII case and nothing else: PostgreSQL's lower() would also fold É to é.
 */
export const LOWER_ASCII_REF = "translate(a.transaction_ref, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
export const lowerAscii = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase())

/**
 * Sort columns, matching the indexes of teamSchema.ts. A team row is placed by its console and
 * local id after the sort key (two consoles' ids collide; the pair does not); the latency sorts
 * break ties by time, and put attempts without a duration (latency_key -1) last when slowest first.
 */
export const TEAM_SORT_SPECS: Record<HistorySort, { columns: readonly string[]; desc: boolean; latency: boolean }> = {
  'time-desc': { columns: ['a.started_at', 'a.console_id', 'a.local_id'], desc: true, latency: false },
  'time-asc': { columns: ['a.started_at', 'a.console_id', 'a.local_id'], desc: false, latency: false },
  'latency-desc': { columns: ['a.latency_key', 'a.started_at', 'a.console_id', 'a.local_id'], desc: true, latency: true },
  'latency-asc': { columns: ['a.latency_key', 'a.started_at', 'a.console_id', 'a.local_id'], desc: false, latency: true },
}

/** A team row's place in a sort: the values of its sort columns. */
export interface TeamPosition {
  latencyKey?: number
  startedAt: number
  consoleId: string
  localId: number
}

/** Collects bound values and answers their placeholders. */
export class Params {
  readonly values: unknown[] = []
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

/** `%text%` for LIKE, with LIKE's own characters (and its escape, backslash) escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * The ILIKE pattern the trigram index is asked for, built from a search text's words (runs of
 * letters and digits, as pg_trgm cuts text). Any substrings of the text, in its order, find
 * every match (the row rule re-checks), and a word such as "enrol" or "jb" (every
 * JB-…-Enrol reference) has a posting list as long as the table, which made a reference search
 * read the whole index (50–230 ms against 2 ms for its digits on 300,000 rows). So: the word of
 * 3 characters or more with the most digits (the unix time of a reference, a payment id, phone
 * digits), the longest on a tie; and when another such word has digits, that one too
 * (`%0903%577%` for "0903 577": the rows holding both, not the thousands holding "0903"). The
 * country code comes last (every phone holds it). null when no word is 3 characters long (the
 * row rule alone then applies, as for short searches).
 */
export function narrowingPattern(text: string): string | null {
  const words = (text.match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => Array.from(w).length >= 3)
  // Words are at most 64 characters (the filter's bound on a search).
  const score = (w: string) => (w === PHONE_COUNTRY_CODE ? 0 : 1_000_000) + digitCount(w) * 1000 + Array.from(w).length
  const ranked = [...words].sort((x, y) => score(y) - score(x))
  const best = ranked[0]
  if (best === undefined) return null
  const second = ranked.find((w) => w !== best && digitCount(w) > 0 && w !== PHONE_COUNTRY_CODE)
  // Letters and digits only: nothing for LIKE to escape.
  if (second === undefined) return `%${best}%`
  return words.indexOf(best) < words.indexOf(second) ? `%${best}%${second}%` : `%${second}%${best}%`
}

const digitCount = (word: string): number => word.replace(/\D/g, '').length

/**
 * Every team phone starts with the country code, so its trigrams ("234", "348"…) are in every
 * row: asking the index for them reads posting lists as long as the table (170 ms for
 * "234903577" on 1M rows). When 6 digits or more follow it, they narrow as well ("903577"; the
 * row rule still checks all of them); fewer ("234803") match too many rows without it.
 */
const PHONE_COUNTRY_CODE = '234'
export function phoneNarrowing(digits: string): string {
  return digits.startsWith(PHONE_COUNTRY_CODE) && digits.length >= PHONE_COUNTRY_CODE.length + 6 ? digits.slice(PHONE_COUNTRY_CODE.length) : digits
}

/** A search's filters: outside this, or only its exact rule (for rows read from an index that carries the rule's columns). */
export type SearchConditions = 'rule-and-narrowing' | 'none'

/** Every condition of the filter, as SQL on `a` with its values added to `params`. */
export function filterConditions(filter: HistoryFilter, params: Params, search: SearchConditions = 'rule-and-narrowing'): string[] {
  const where: string[] = []
  if (filter.from !== undefined) where.push(`a.started_at >= ${params.add(filter.from)}`)
  if (filter.to !== undefined) where.push(`a.started_at < ${params.add(filter.to)}`)
  if (filter.outcome && filter.outcome.length > 0) where.push(`a.outcome = ANY(${params.add(filter.outcome)}::text[])`)
  if (filter.environment && filter.environment.length > 0) where.push(`a.environment = ANY(${params.add(filter.environment)}::text[])`)
  if (filter.operator !== undefined) where.push(`a.operator = ${params.add(filter.operator)}`)
  if (filter.paymentId !== undefined) where.push(`a.payment_id = ${params.add(filter.paymentId)}`)
  // error_codes holds the codes of the attempt's errors. The GIN index holds only the rows with
  // codes: `<> '{}'` (implied by the containment) lets the planner use it.
  if (filter.code !== undefined) where.push(`a.error_codes @> ARRAY[${params.add(filter.code)}]::text[] AND a.error_codes <> '{}'`)
  if (search === 'rule-and-narrowing' && isSearching(filter)) {
    const spec = parseSearch(filter.search as string)
    where.push(searchRule(spec, params))
    // The trigram index on search_text (payment id, lower(reference), phone) narrows the rows
    // that rule is checked on: a row the rule keeps always passes this wider test (ILIKE folds
    // at least the ASCII case the rule ignores). Like the local FTS index, it is of no use
    // when a part has under 3 characters (no trigram): the rule alone applies then.
    const narrow = spec.trigramGroups === null ? null : narrowingPattern(spec.text)
    if (narrow !== null) {
      const wide = [`a.search_text ILIKE ${params.add(narrow)}`]
      if (spec.phoneDigits !== null && spec.phoneDigits !== spec.text) wide.push(`a.search_text LIKE ${params.add(containsPattern(phoneNarrowing(spec.phoneDigits)))}`)
      where.push(`(${wide.join(' OR ')})`)
    }
  }
  return where
}

export function isSearching(filter: HistoryFilter): boolean {
  return filter.search !== undefined && filter.search.trim() !== ''
}

/**
 * searchText.ts's rule on `a`: payment id and reference (ASCII case ignored) contain the text,
 * or the phone contains its digits when it looks like a phone number (0803… read as 234803…).
 */
export function searchRule(spec: SearchSpec, params: Params): string {
  const tests = [`a.payment_id LIKE ${params.add(containsPattern(spec.text))}`, `${LOWER_ASCII_REF} LIKE ${params.add(containsPattern(lowerAscii(spec.text)))}`]
  if (spec.phoneDigits !== null) tests.push(`a.phone LIKE ${params.add(containsPattern(spec.phoneDigits))}`)
  return `(${tests.join(' OR ')})`
}

export function sortOf(filter: HistoryFilter): HistorySort {
  return filter.sort ?? DEFAULT_HISTORY_SORT
}

/** Rows strictly after `position` in the sort (keyset pagination). */
export function afterPosition(sort: HistorySort, position: TeamPosition, params: Params): string {
  const spec = TEAM_SORT_SPECS[sort]
  const values = [...(spec.latency ? [position.latencyKey ?? -1] : []), position.startedAt, position.consoleId, position.localId]
  return `(${spec.columns.join(', ')}) ${spec.desc ? '<' : '>'} (${values.map((v) => params.add(v)).join(', ')})`
}

export function orderBy(sort: HistorySort): string {
  const spec = TEAM_SORT_SPECS[sort]
  const dir = spec.desc ? ' DESC' : ''
  return `ORDER BY ${spec.columns.map((c) => c + dir).join(', ')}`
}

export function positionOf(sort: HistorySort, row: { startedAt: number; durationMs: number | null; consoleId: string; localId: number }): TeamPosition {
  return {
    ...(TEAM_SORT_SPECS[sort].latency ? { latencyKey: row.durationMs ?? -1 } : {}),
    startedAt: row.startedAt,
    consoleId: row.consoleId,
    localId: row.localId,
  }
}

// A team cursor is told apart from a local one (a local cursor's position means nothing here).
const CURSOR_TAG = 't1'

export function encodeTeamCursor(sort: HistorySort, position: TeamPosition): string {
  return Buffer.from(JSON.stringify([CURSOR_TAG, sort, position.latencyKey ?? null, position.startedAt, position.consoleId, position.localId]), 'utf8').toString('base64url')
}

/** Throws InvalidCursorError for anything but a team cursor of this sort. */
export function decodeTeamCursor(cursor: string, sort: HistorySort): TeamPosition {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursorError('not readable')
  }
  if (!Array.isArray(parsed) || parsed.length !== 6 || parsed[0] !== CURSOR_TAG) throw new InvalidCursorError('not a team history cursor')
  const [, cursorSort, latencyKey, startedAt, consoleId, localId] = parsed as unknown[]
  if (cursorSort !== sort) throw new InvalidCursorError(`made for sort ${String(cursorSort)}, not ${sort}`)
  const latency = TEAM_SORT_SPECS[sort].latency
  if ((latency ? !Number.isSafeInteger(latencyKey) : latencyKey !== null) || !Number.isSafeInteger(startedAt) || !Number.isSafeInteger(localId) || typeof consoleId !== 'string') {
    throw new InvalidCursorError('bad position')
  }
  return { ...(latency ? { latencyKey: latencyKey as number } : {}), startedAt: startedAt as number, consoleId, localId: localId as number }
}
