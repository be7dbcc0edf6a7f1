import { afterAll, describe, expect, it } from 'vitest'
import { UsageError } from './args.ts'
import { toFilter } from './filterArgs.ts'

// The CLI's side of the date rule the History view shares (shared/domain/dateRange.ts,
// historyQuery.lagos.test.ts): in Lagos (UTC+1) `--since D --until D` is the whole local day D.
const previousTz = process.env.TZ
process.env.TZ = 'Africa/Lagos'
afterAll(() => {
  process.env.TZ = previousTz
})

const at = (iso: string) => Date.parse(iso)

describe('--since and --until, in Lagos', () => {
  it('runs in Lagos time', () => {
    expect(new Date(at('2026-11-01T12:00:00Z')).getTimezoneOffset()).toBe(-60)
  })

  it('--since D --until D is the whole local day D', () => {
    expect(toFilter({ since: '2026-11-01', until: '2026-11-01' })).toEqual({ from: at('2026-11-01T00:00:00+01:00'), to: at('2026-11-02T00:00:00+01:00') })
  })

  it('a time with an explicit offset keeps its meaning', () => {
    expect(toFilter({ since: '2026-11-01T11:00:00Z', until: '2026-11-01T23:00:00+02:00' })).toEqual({ from: at('2026-11-01T11:00:00Z'), to: at('2026-11-01T21:00:00Z') })
  })

  it('refuses what is not a date or an ISO date and time', () => {
    for (const bad of ['2026-02-30', '1 Nov 2026', 'yesterday']) {
      expect(() => toFilter({ since: bad })).toThrow(UsageError)
      expect(() => toFilter({ until: bad })).toThrow(/--until takes a date/)
    }
  })
})
