import type { CountSink } from './trendCounts.ts'

// The count tables' writes of many attempts in one transaction (a bulk run's cycle), summed per
// cell and written once at the batch's end: a cycle that completes k attempts and begins k
// others moves each of its cells once (unknown +k −k, enrolled +k) instead of twelve upserts per
// attempt. The tables end as the same calls one by one would leave them: a cell whose deltas
// cancel out is still written (with 0), as one by one would have created it.

export interface CountBatcher {
  /** Where the writer sends its count deltas: written now, or summed while a batch is open. */
  sink: CountSink
  /** Runs `work` with the deltas summed, then writes them. Call it inside a transaction: a throw drops them. */
  batch<T>(work: () => T): T
}

export function createCountBatcher(write: CountSink): CountBatcher {
  let cells: Map<string, { sql: string; keys: (string | number)[]; delta: number }> | null = null
  return {
    sink(sql, keys, delta) {
      if (!cells) return write(sql, keys, delta)
      const id = `${sql}\n${JSON.stringify(keys)}`
      const cell = cells.get(id)
      if (cell) cell.delta += delta
      else cells.set(id, { sql, keys, delta })
    },
    batch(work) {
      if (cells) return work() // joins the batch already open
      cells = new Map()
      try {
        const result = work()
        const summed = cells
        cells = null
        for (const { sql, keys, delta } of summed.values()) write(sql, keys, delta)
        return result
      } finally {
        cells = null
      }
    },
  }
}
