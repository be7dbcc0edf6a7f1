import { afterAll, describe, expect, it } from 'vitest'
import { isCalendarDate, rangeEndMs, rangeStartMs, startOfLocalDay } from './dateRange.ts'

// Lagos is UTC+1 all year: a rule that used UTC midnight would be an hour off here.
const previousTz = process.env.TZ
process.env.TZ = 'Africa/Lagos'
afterAll(() => {
  process.env.TZ = previousTz
})

const at = (iso: string) => Date.parse(iso)

describe('the date rule, in Lagos', () => {
  it('runs in Lagos time', () => {
    expect(new Date(at('2026-11-01T12:00:00Z')).getTimezoneOffset()).toBe(-60)
  })

  it('a start date is local midnight', () => {
    expect(rangeStartMs('2026-11-01')).toBe(at('2026-11-01T00:00:00+01:00'))
  })

  it('an end date includes its whole day: the bound is the next local midnight', () => {
    expect(rangeEndMs('2026-11-01')).toBe(at('2026-11-02T00:00:00+01:00'))
    expect(rangeEndMs('2026-12-31')).toBe(at('2027-01-01T00:00:00+01:00'))
  })

  it('a time with an explicit offset keeps its meaning; one without is local time', () => {
    expect(rangeStartMs('2026-11-01T08:00:00Z')).toBe(at('2026-11-01T08:00:00Z'))
    expect(rangeEndMs('2026-11-01T08:00:00-05:00')).toBe(at('2026-11-01T13:00:00Z'))
    expect(rangeStartMs('2026-11-01T08:00')).toBe(at('2026-11-01T08:00:00+01:00'))
  })

  it('refuses what is not a real date or an ISO date and time', () => {
    for (const bad of ['2026-02-30', '2026-11', '1 Nov 2026', '2026-11-01T99:00', '', '20261101']) {
      expect([bad, rangeStartMs(bad), rangeEndMs(bad)]).toEqual([bad, undefined, undefined])
    }
    expect(isCalendarDate('2028-02-29')).toBe(true)
    expect(isCalendarDate('2026-02-29')).toBe(false)
  })

  it('startOfLocalDay finds local midnight, days back included', () => {
    const lateEvening = at('2026-11-01T23:30:00+01:00')
    expect(startOfLocalDay(lateEvening)).toBe(at('2026-11-01T00:00:00+01:00'))
    expect(startOfLocalDay(lateEvening, 6)).toBe(at('2026-10-26T00:00:00+01:00'))
  })
})
