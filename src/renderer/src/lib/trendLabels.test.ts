import { describe, expect, it } from 'vitest'
import type { TrendBucket } from '../../../shared/domain/historyViews.ts'
import { bucketName, bucketSummary, localDate, narrowingOf, periodName } from './trendLabels.ts'

const HOUR = 3_600_000
const at = (y: number, m: number, d: number, h = 0) => new Date(y, m - 1, d, h).getTime()
const bucket = (start: number, end: number, counts: Partial<TrendBucket['counts']> = {}): TrendBucket => {
  const full = { enrolled: 0, rejected: 0, failed: 0, unknown: 0, ...counts }
  return { start, end, counts: full, total: full.enrolled + full.rejected + full.failed + full.unknown }
}

describe('trend labels', () => {
  it('names day bars by their local date and hour bars by their local hours', () => {
    expect(localDate(at(2026, 3, 9, 23))).toBe('2026-03-09')
    expect(bucketName(bucket(at(2026, 11, 3), at(2026, 11, 4)), 'day')).toBe('2026-11-03')
    expect(bucketName(bucket(at(2026, 11, 3, 14), at(2026, 11, 3, 15)), 'hour')).toBe('14:00–15:00')
  })

  it('says how many attempts a bar holds and by which outcomes, leaving out the empty ones', () => {
    const b = bucket(at(2026, 11, 3, 14), at(2026, 11, 3, 15), { enrolled: 8, rejected: 3, unknown: 1 })
    expect(bucketSummary(b, 'hour')).toBe('14:00–15:00: 12 attempts — 8 Enrolled, 3 Rejected, 1 Outcome unknown')
    expect(bucketSummary(bucket(at(2026, 11, 3), at(2026, 11, 4)), 'day')).toBe('2026-11-03: 0 attempts')
    expect(bucketSummary(bucket(at(2026, 11, 3), at(2026, 11, 4), { failed: 1 }), 'day')).toBe('2026-11-03: 1 attempt — 1 Failed')
  })

  it('names the period charted', () => {
    expect(periodName([], 'day')).toBe('')
    expect(periodName([bucket(at(2026, 11, 3), at(2026, 11, 4)), bucket(at(2026, 11, 4), at(2026, 11, 5))], 'day')).toBe('2026-11-03 to 2026-11-04')
    const hours = [bucket(at(2026, 11, 3, 22), at(2026, 11, 3, 22) + HOUR), bucket(at(2026, 11, 3, 23), at(2026, 11, 3, 23) + HOUR)]
    expect(periodName(hours, 'hour')).toBe('2026-11-03 22:00 to 2026-11-04 00:00')
  })

  it('narrows to the bar’s day, or to the day and hour of an hour bar', () => {
    expect(narrowingOf({ start: at(2026, 11, 3) }, 'day')).toEqual({ date: '2026-11-03' })
    expect(narrowingOf({ start: at(2026, 11, 3, 7) }, 'hour')).toEqual({ date: '2026-11-03', hour: '07' })
  })
})
