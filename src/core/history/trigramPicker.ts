import type { TrigramPicker } from './historySql.ts'
import type { StatementCache } from './statementCache.ts'

// Any subset of a search's trigrams still finds every match (the row rule re-checks), so the
// index is asked only for the rarest few. Trigrams such as "234" (every phone) or "enr"
// (every JB-…-Enrol reference) have a posting list as long as the table, and reading those
// is what makes a trigram search slow. Rarity is measured from the newest postings: how many
// of the last SAMPLE rowids carry the trigram.

const SAMPLE = 256
const MAX_PER_GROUP = 3
const CACHE_LIMIT = 4096

export function createTrigramPicker(statements: StatementCache): TrigramPicker {
  const cache = new Map<string, { density: number; rows: number }>()

  function density(trigram: string, rows: number): number {
    const hit = cache.get(trigram)
    // Refreshed once the table has grown by a quarter since it was measured.
    if (hit && rows <= hit.rows * 1.25 + 100) return hit.density
    const ids = statements
      .get(`SELECT rowid AS id FROM attempt_search WHERE attempt_search MATCH ? ORDER BY rowid DESC LIMIT ${SAMPLE}`)
      .all(`"${trigram.replaceAll('"', '""')}"`) as { id: number }[]
    const first = ids[0]?.id ?? 0
    const last = ids.at(-1)?.id ?? 0
    const value = ids.length < SAMPLE ? ids.length / Math.max(rows, 1) : SAMPLE / (first - last + 1)
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(trigram, { density: value, rows })
    return value
  }

  return (group) => {
    if (group.length <= MAX_PER_GROUP) return group
    const rows = (statements.get('SELECT ifnull(max(id), 0) AS n FROM attempts').get() as { n: number }).n
    return group
      .map((trigram) => ({ trigram, density: density(trigram, rows) }))
      .sort((x, y) => x.density - y.density)
      .slice(0, MAX_PER_GROUP)
      .map((x) => x.trigram)
  }
}
