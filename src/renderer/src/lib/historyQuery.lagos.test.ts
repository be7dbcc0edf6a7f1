import { afterAll, describe, expect, it } from 'vitest'
import { emptyHistoryState, filterFromState } from './historyQuery.ts'

// The History view's side of the date rule the CLI shares (src/cli/dateFilter.test.ts runs
// the CLI with the same dates): in Lagos (UTC+1) a picked date is Lagos midnight.
const previousTz = process.env.TZ
process.env.TZ = 'Africa/Lagos'
afterAll(() => {
  process.env.TZ = previousTz
})

const NOW = Date.parse('2026-11-05T10:00:00Z')

describe('History view date range, in Lagos', () => {
  it('runs in Lagos time', () => {
    expect(new Date(NOW).getTimezoneOffset()).toBe(-60)
  })

  it('from a date to the same date selects that whole local day', () => {
    const state = { ...emptyHistoryState(), range: 'custom' as const, fromDate: '2026-11-01', toDate: '2026-11-01' }
    expect(filterFromState(state, NOW)).toEqual({ from: Date.parse('2026-11-01T00:00:00+01:00'), to: Date.parse('2026-11-02T00:00:00+01:00') })
  })

  it('"Today" starts at local midnight', () => {
    expect(filterFromState({ ...emptyHistoryState(), range: 'today' }, Date.parse('2026-11-05T23:30:00Z'))).toEqual({ from: Date.parse('2026-11-06T00:00:00+01:00') })
  })
})
