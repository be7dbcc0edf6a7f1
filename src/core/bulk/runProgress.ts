import type { BulkCounts, BulkProgress, BulkRunState } from '../../shared/domain/bulkRun.ts'

// Requests started per second over a sliding window, and the time the pending rows need at
// that pace: the progress line of the CLI and the progress bar of the view.

const WINDOW_MS = 5000

export function createRateMeter(now: () => number) {
  const starts: number[] = []
  let firstAt: number | null = null
  function prune(at: number) {
    while (starts.length > 0 && (starts[0] as number) <= at - WINDOW_MS) starts.shift()
  }
  return {
    started(at = now()) {
      firstAt ??= at
      starts.push(at)
    },
    /** Starts per second over the last few seconds (over less while the run is younger). */
    perSecond(at = now()): number {
      prune(at)
      if (firstAt === null || starts.length === 0) return 0
      const spanMs = Math.min(WINDOW_MS, Math.max(at - firstAt, 1000))
      return (starts.length * 1000) / spanMs
    },
  }
}

export function progressOf(runId: number, state: BulkRunState, counts: BulkCounts, currentRate: number): BulkProgress {
  const secondsLeft = counts.pending === 0 ? 0 : currentRate > 0 ? Math.ceil(counts.pending / currentRate) : null
  return { runId, state, counts: structuredClone(counts), currentRate: Math.round(currentRate * 10) / 10, secondsLeft }
}
