import { describe, expect, it } from 'vitest'
import {
  emptyHistoryState,
  filterFromState,
  historyQueryFromState,
  isFiltered,
  parseHistoryQuery,
  rangeBounds,
  rangeProblem,
  statusStripState,
} from './historyQuery.ts'

const NOW = new Date(2025, 10, 21, 15, 30).getTime()

describe('history query ⇄ state ⇄ filter', () => {
  it('round-trips a full state through the query string', () => {
    const state = {
      ...emptyHistoryState(),
      outcome: ['unknown', 'rejected'] as ('unknown' | 'rejected')[],
      environment: ['production'] as 'production'[],
      code: 'E26',
      operator: 'ada',
      range: '7d' as const,
      search: '0803 123',
      sort: 'latency-desc' as const,
    }
    const query = historyQueryFromState(state, 42)
    expect(query).toEqual({ outcome: 'rejected,unknown', env: 'production', code: 'E26', operator: 'ada', range: '7d', q: '0803 123', sort: 'latency-desc', id: '42' })
    const back = parseHistoryQuery(query)
    expect(back.selectedId).toBe(42)
    expect(back.state).toEqual({ ...state, outcome: ['rejected', 'unknown'] })
  })

  it('leaves defaults out of the URL', () => {
    expect(historyQueryFromState(emptyHistoryState())).toEqual({})
    expect(isFiltered(emptyHistoryState())).toBe(false)
    expect(isFiltered({ ...emptyHistoryState(), sort: 'time-asc' })).toBe(false)
    expect(isFiltered({ ...emptyHistoryState(), code: 'E24' })).toBe(true)
  })

  it('drops malformed values from hand-edited links', () => {
    const { state, selectedId } = parseHistoryQuery({
      outcome: ['enrolled', 'bogus,failed'],
      env: 'mars',
      sort: 'sideways',
      range: 'forever',
      from: '2025-02-30',
      id: '-3',
      paymentId: '12a',
    })
    expect(state.outcome).toEqual(['enrolled', 'failed'])
    expect(state.environment).toEqual([])
    expect(state.sort).toBe('time-desc')
    expect(state.range).toBe('all')
    expect(state.paymentId).toBe('')
    expect(selectedId).toBeNull()
  })

  it('keeps a bulk run filter from the Bulk view, and drops a malformed one', () => {
    const { state } = parseHistoryQuery({ runId: '42' })
    expect(state.runId).toBe('42')
    expect(historyQueryFromState(state)).toEqual({ runId: '42' })
    expect(filterFromState(state, Date.now())).toEqual({ runId: 42 })
    for (const bad of ['0', '-1', '4x', '1'.repeat(16)]) expect(parseHistoryQuery({ runId: bad }).state.runId).toBeUndefined()
  })

  it('reads a custom range and makes the "to" day inclusive', () => {
    const { state } = parseHistoryQuery({ from: '2025-11-01', to: '2025-11-03' })
    expect(state.range).toBe('custom')
    expect(rangeBounds(state, NOW)).toEqual({ from: new Date(2025, 10, 1).getTime(), to: new Date(2025, 10, 4).getTime() })
    expect(historyQueryFromState(state)).toEqual({ from: '2025-11-01', to: '2025-11-03' })
  })

  it('keeps a custom range chosen before its dates are picked', () => {
    const state = { ...emptyHistoryState(), range: 'custom' as const }
    expect(historyQueryFromState(state)).toEqual({ range: 'custom' })
    expect(parseHistoryQuery({ range: 'custom' }).state.range).toBe('custom')
    expect(filterFromState(state, NOW)).toEqual({})
    expect(isFiltered(state)).toBe(true)
  })

  it('rejects a reversed custom range instead of querying nothing', () => {
    const state = { ...emptyHistoryState(), range: 'custom' as const, fromDate: '2025-11-05', toDate: '2025-11-01' }
    expect(rangeProblem(state)).toMatch(/after/)
    expect(filterFromState(state, NOW).from).toBeUndefined()
  })

  it('evaluates relative ranges at the given time', () => {
    expect(rangeBounds({ range: 'today', fromDate: '', toDate: '' }, NOW)).toEqual({ from: new Date(2025, 10, 21).getTime() })
    expect(rangeBounds({ range: '7d', fromDate: '', toDate: '' }, NOW)).toEqual({ from: new Date(2025, 10, 15).getTime() })
    expect(rangeBounds({ range: '30d', fromDate: '', toDate: '' }, NOW)).toEqual({ from: new Date(2025, 9, 23).getTime() })
    expect(rangeBounds({ range: '1h', fromDate: '', toDate: '' }, NOW)).toEqual({ from: NOW - 3_600_000 })
    expect(rangeBounds({ range: 'all', fromDate: '', toDate: '' }, NOW)).toEqual({})
  })

  it('builds the IPC filter, passing search text through for the store to normalise', () => {
    const state = { ...emptyHistoryState(), outcome: ['enrolled' as const], range: 'today' as const, search: ' 0803 123 ', sort: 'time-asc' as const }
    expect(filterFromState(state, NOW)).toEqual({ outcome: ['enrolled'], from: new Date(2025, 10, 21).getTime(), search: '0803 123', sort: 'time-asc' })
    expect(filterFromState(emptyHistoryState(), NOW)).toEqual({})
  })

  it('gives the status strip its filters', () => {
    expect(historyQueryFromState(statusStripState('today'))).toEqual({ range: 'today' })
    expect(historyQueryFromState(statusStripState('enrolled-today'))).toEqual({ range: 'today', outcome: 'enrolled' })
    expect(historyQueryFromState(statusStripState('code-last-hour', 'E26'))).toEqual({ range: '1h', code: 'E26' })
  })

  it('keeps the team scope in the address, never as a filter, and drops other scopes', () => {
    const team = { ...emptyHistoryState(), scope: 'team' as const }
    expect(historyQueryFromState(team, 7)).toEqual({ scope: 'team', id: '7' })
    expect(parseHistoryQuery({ scope: 'team', id: '7' })).toEqual({ state: team, selectedId: 7 })
    expect(parseHistoryQuery({ scope: 'everyone' }).state.scope).toBe('local')
    expect(historyQueryFromState(emptyHistoryState())).toEqual({})
    expect(isFiltered(team)).toBe(false)
    expect(filterFromState(team, NOW)).toEqual({})
  })
})
