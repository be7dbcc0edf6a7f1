import { describe, expect, it } from 'vitest'
import { TEAM_SCHEMA_VERSION } from './teamSchema.ts'
import { parseTeamUrl, teamTarget } from './teamConfig.ts'
import { testTeamConnection } from './teamTest.ts'
import { freePort } from './testing/pgCluster.ts'
import { freshTestDatabase } from './testing/sharedPgCluster.ts'

const connectionTo = (url: string) => {
  const settings = parseTeamUrl(url)
  return { settings, source: 'env' as const, target: teamTarget(settings), password: undefined, passwordSource: 'none' as const }
}

describe('Test connection', () => {
  it('reports the server, the schema found and needed, and whether the role may migrate; changes nothing', async () => {
    const url = await freshTestDatabase('probe')
    const result = await testTeamConnection(connectionTo(url))
    expect(result).toEqual({ ok: true, serverVersion: expect.stringMatching(/^PostgreSQL \d+/), schemaVersion: 0, schemaNeeded: TEAM_SCHEMA_VERSION, mayMigrate: true, tls: false })
    expect(await testTeamConnection(connectionTo(url))).toMatchObject({ schemaVersion: 0 }) // still nothing created
  })

  it('says in plain words why it could not connect', async () => {
    const result = await testTeamConnection(connectionTo(`postgres://otp_test@127.0.0.1:${await freePort()}/x`), 2000)
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/ECONNREFUSED/) })
  })

  it('a missing database is named', async () => {
    const url = await freshTestDatabase('probe')
    const result = await testTeamConnection(connectionTo(url.replace(/\/[^/]+$/, '/no_such_db')))
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/no_such_db.*does not exist/) })
  })

  it('an unreadable CA file is an answer, not a crash', async () => {
    const url = await freshTestDatabase('probe')
    const conn = connectionTo(url)
    const result = await testTeamConnection({ ...conn, settings: { ...conn.settings, tlsMode: 'verify-full', caFile: '/nonexistent/ca.pem' } })
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/ENOENT|no such file/) })
  })
})
