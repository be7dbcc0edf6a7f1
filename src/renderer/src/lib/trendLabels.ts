import type { TrendBucket } from '../../../shared/domain/historyViews.ts'
import { OUTCOMES } from '../../../shared/domain/outcome.ts'
import { formatCount, OUTCOME_LABELS } from './format.ts'

// Words for the History trends chart: bar labels for screen readers and tooltips, and the
// filter a click on a bar narrows to. Local time throughout, like the table.

const pad = (n: number): string => String(n).padStart(2, '0')

/** Local `YYYY-MM-DD` of an instant (the History date filter's format). */
export function localDate(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** `2026-11-03` for a day bar, `14:00–15:00` for an hour bar. */
export function bucketName(bucket: Pick<TrendBucket, 'start' | 'end'>, unit: 'hour' | 'day'): string {
  if (unit === 'day') return localDate(bucket.start)
  const hh = (ms: number) => `${pad(new Date(ms).getHours())}:00`
  return `${hh(bucket.start)}–${hh(bucket.end)}`
}

/** The period of a chart: `2026-11-03 to 2026-12-02`, or `2026-12-01 00:00 to 2026-12-02 00:00` for hours. */
export function periodName(buckets: readonly Pick<TrendBucket, 'start' | 'end'>[], unit: 'hour' | 'day'): string {
  const first = buckets[0]
  const last = buckets.at(-1)
  if (!first || !last) return ''
  if (unit === 'day') return first === last ? localDate(first.start) : `${localDate(first.start)} to ${localDate(last.start)}`
  const at = (ms: number) => `${localDate(ms)} ${pad(new Date(ms).getHours())}:00`
  return `${at(first.start)} to ${at(last.end)}`
}

/** `14:00–15:00: 12 attempts — 8 Enrolled, 3 Rejected, 1 Unknown` (outcomes with none left out). */
export function bucketSummary(bucket: TrendBucket, unit: 'hour' | 'day'): string {
  const parts = OUTCOMES.filter((o) => bucket.counts[o] > 0).map((o) => `${formatCount(bucket.counts[o])} ${OUTCOME_LABELS[o]}`)
  const total = `${formatCount(bucket.total)} attempt${bucket.total === 1 ? '' : 's'}`
  return `${bucketName(bucket, unit)}: ${total}${parts.length > 0 ? ` — ${parts.join(', ')}` : ''}`
}

/** The date filter a click on a bar sets: that local day, or that day narrowed to the hour. */
export function narrowingOf(bucket: Pick<TrendBucket, 'start'>, unit: 'hour' | 'day'): { date: string; hour?: string } {
  const date = localDate(bucket.start)
  return unit === 'day' ? { date } : { date, hour: pad(new Date(bucket.start).getHours()) }
}
