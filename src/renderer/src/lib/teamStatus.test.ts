import { describe, expect, it } from 'vitest'
import type { TeamStatus } from '../../../shared/domain/team.ts'
import { teamFreshnessText, teamStatusLine } from './teamStatus.ts'

const NOW = new Date(2026, 11, 2, 11, 0, 0).getTime()
const at = (h: number, m: number) => new Date(2026, 11, 2, h, m, 0).getTime()
const base = { pending: 0, lastShippedAt: at(10, 59), unreachableSince: null, lastError: null, consoleId: 'c-1', target: 'console@db:5432/team' }

describe('teamStatusLine', () => {
  it('shows nothing without a team database', () => {
    expect(teamStatusLine({ state: 'off' }, NOW)).toBeNull()
    expect(teamStatusLine(null, NOW)).toBeNull()
  })

  it('says up to date, or how many wait', () => {
    expect(teamStatusLine({ ...base, state: 'up-to-date' }, NOW)).toMatchObject({ tone: 'ok', text: 'Team: up to date' })
    const waiting = teamStatusLine({ ...base, state: 'waiting', pending: 1234 } as TeamStatus, NOW)
    expect(waiting?.tone).toBe('waiting')
    expect(waiting?.text).toMatch(/^Team: 1.?234 waiting$/)
  })

  it('names the time the outage began and the last error, cut short in the bar but whole in the detail', () => {
    const error = 'connect ECONNREFUSED 127.0.0.1:5432 — the server is not running or refuses connections on that port'
    const line = teamStatusLine({ ...base, state: 'unreachable', pending: 3, unreachableSince: at(10, 42), lastError: error }, NOW)
    expect(line?.tone).toBe('error')
    expect(line?.text.startsWith('Team unreachable since 10:42:00 (connect ECONNREFUSED')).toBe(true)
    expect(line?.text.endsWith('…)')).toBe(true)
    expect(line?.detail).toContain(error)
    expect(line?.detail).toContain('3 waiting here, nothing is lost')
  })
})

describe('teamFreshnessText', () => {
  it('says when the team answered and which console shipped longest ago', () => {
    const team = {
      risky: [],
      total: 0,
      readAt: at(10, 59),
      consoles: [
        { consoleId: 'c-2', machine: 'desk-2', lastShippedAt: at(10, 30) },
        { consoleId: 'c-3', machine: 'desk-3', lastShippedAt: at(10, 58) },
      ],
    }
    expect(teamFreshnessText(team, NOW)).toBe('Team data read 10:59:00; desk-2 last shipped 10:30:00 (oldest of 2 other consoles): anything it did since is not known yet.')
    expect(teamFreshnessText({ ...team, consoles: [] }, NOW)).toBe('Team data read 10:59:00.')
    expect(teamFreshnessText(null, NOW)).toBe('')
  })
})
