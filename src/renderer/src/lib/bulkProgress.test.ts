import { describe, expect, it } from 'vitest'
import { formatRequestRate, formatTimeLeft, runFigures } from './bulkProgress.ts'

const counts = (over: Partial<{ total: number; pending: number; skipped: number; inFlight: number }>) => ({
  total: 10,
  pending: 0,
  skipped: 0,
  inFlight: 0,
  outcomes: { enrolled: 0, rejected: 0, failed: 0, unknown: 0 },
  ...over,
})

describe('runFigures', () => {
  it('counts the rows sent out of those the run sends (skipped rows are not part of it)', () => {
    expect(runFigures(counts({ total: 10, skipped: 2, pending: 6 }))).toEqual({ toSend: 8, sent: 2, percent: 25 })
    expect(runFigures(counts({ total: 3, skipped: 0, pending: 0 }))).toEqual({ toSend: 3, sent: 3, percent: 100 })
  })

  it('never shows 100 % before the last row and has no percent when nothing is sent', () => {
    expect(runFigures(counts({ total: 1000, pending: 1 })).percent).toBe(99)
    expect(runFigures(counts({ total: 4, skipped: 4 })).percent).toBeNull()
  })
})

describe('rate and time left', () => {
  it('reads as requests per second and a rough time', () => {
    expect(formatRequestRate(4.84)).toBe('4.8 requests/s')
    expect(formatRequestRate(31.6)).toBe('32 requests/s')
    expect(formatRequestRate(0)).toBe('—')
    expect(formatTimeLeft(125)).toBe('about 2 min 5 s')
    expect(formatTimeLeft(0.2)).toBe('less than a second')
    expect(formatTimeLeft(null)).toBe('—')
  })
})
