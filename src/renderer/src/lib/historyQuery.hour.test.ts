import { describe, expect, it } from 'vitest'
import { emptyHistoryState, filterFromState, historyQueryFromState, narrowedHour, parseHistoryQuery, rangeBounds } from './historyQuery.ts'

// A trends bar narrows a one-day custom range to an hour; the hour lives in the address too.

const NOW = new Date(2025, 10, 21, 15, 30).getTime()

describe('history query: a day narrowed to an hour', () => {
  it('round-trips through the query string and bounds the filter to that local hour', () => {
    const state = { ...emptyHistoryState(), range: 'custom' as const, fromDate: '2025-11-20', toDate: '2025-11-20', hour: '07' }
    const query = historyQueryFromState(state)
    expect(query).toEqual({ from: '2025-11-20', to: '2025-11-20', hour: '07' })
    expect(parseHistoryQuery(query).state).toEqual(state)
    expect(rangeBounds(state, NOW)).toEqual({ from: new Date(2025, 10, 20, 7).getTime(), to: new Date(2025, 10, 20, 8).getTime() })
    expect(filterFromState(state, NOW)).toEqual({ from: new Date(2025, 10, 20, 7).getTime(), to: new Date(2025, 10, 20, 8).getTime() })
  })

  it('ignores the hour unless the range is one custom day, and drops malformed hours', () => {
    expect(parseHistoryQuery({ from: '2025-11-20', to: '2025-11-21', hour: '07' }).state.hour).toBeUndefined()
    expect(parseHistoryQuery({ range: '7d', hour: '07' }).state.hour).toBeUndefined()
    expect(parseHistoryQuery({ from: '2025-11-20', to: '2025-11-20', hour: '24' }).state.hour).toBeUndefined()
    expect(parseHistoryQuery({ from: '2025-11-20', to: '2025-11-20', hour: '7' }).state.hour).toBeUndefined()
    const widened = { ...emptyHistoryState(), range: 'custom' as const, fromDate: '2025-11-20', toDate: '2025-11-22', hour: '07' }
    expect(narrowedHour(widened)).toBeNull()
    expect(historyQueryFromState(widened)).toEqual({ from: '2025-11-20', to: '2025-11-22' })
    expect(rangeBounds(widened, NOW)).toEqual({ from: new Date(2025, 10, 20).getTime(), to: new Date(2025, 10, 23).getTime() })
  })
})
