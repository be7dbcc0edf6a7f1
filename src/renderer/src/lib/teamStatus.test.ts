import { describe, expect, it } from 'vitest'
import type { TeamStatus } from '../../../shared/domain/team.ts'
import { connectionTestWords, teamFreshnessText, teamStatusLine } from './teamStatus.ts'

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

describe('connectionTestWords', () => {
  const settings = { host: 'db.desk', port: 5432, database: 'otp_team', user: 'console' }

  it('says what it connected to and whether the tables are there', () => {
    expect(connectionTestWords({ ok: true, serverVersion: 'PostgreSQL 16.4', schemaVersion: 2, schemaNeeded: 2, mayMigrate: false, tls: true }, settings)).toEqual({
      summary: 'Connected to PostgreSQL 16.4 as console over TLS.',
      detail: 'The team tables are there (schema version 2).',
    })
    expect(connectionTestWords({ ok: true, serverVersion: 'PostgreSQL 16.4', schemaVersion: 0, schemaNeeded: 2, mayMigrate: false, tls: false }, settings).detail).toContain('a DBA runs docs/team-schema.sql')
  })

  it('names what to fix from the error code in the message, and keeps the message', () => {
    const cases: [string, string][] = [
      ['connect ECONNREFUSED 10.0.0.5:5432', 'Nothing accepts connections at db.desk:5432'],
      ['getaddrinfo ENOTFOUND db.desk', 'The host name db.desk is not known.'],
      ['password authentication failed for user "console" (28P01)', 'The password for console was refused.'],
      ['database "otp_team" does not exist (3D000)', 'The database otp_team does not exist on db.desk:5432.'],
      ['Connection terminated due to connection timeout', 'No answer from db.desk:5432 in time.'],
      ['self-signed certificate in certificate chain', 'TLS certificate could not be checked'],
      ['something else entirely', 'Could not connect to db.desk:5432.'],
    ]
    for (const [message, words] of cases) {
      const answer = connectionTestWords({ ok: false, message }, settings)
      expect(answer.summary, message).toContain(words)
      expect(answer.detail).toBe(message)
    }
  })
})
