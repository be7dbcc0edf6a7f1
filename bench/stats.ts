// Percentiles for the bench (nearest-rank on the sorted samples).

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('No samples.')
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number
}

/** Runs `work` `warmup` times unmeasured, then `runs` times; returns the durations in ms. */
export function timeRuns(runs: number, work: (run: number) => void, warmup = 3): number[] {
  for (let i = 0; i < warmup; i++) work(i)
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    work(i)
    samples.push(performance.now() - start)
  }
  return samples
}
