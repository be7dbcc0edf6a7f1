import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sampleRecord } from '../shared/domain/attempt.test-helpers.ts'
import { openTeamTestDb, shipAttempts, type TeamTestDb } from '../core/team/teamHistory.test-helpers.ts'
import { freePort } from '../core/team/testing/pgCluster.ts'
import { runBin } from './spawnCli.test-helpers.ts'

// `history --scope team` and `export --scope team` as a user runs them: the team database from
// OTP_CONSOLE_TEAM_DB (no password: the test cluster trusts loopback), exit 2 when none is
// configured, exit 3 when it cannot be reached.

const dataDir = mkdtempSync(join(tmpdir(), 'otp-cli-team-'))
const outDir = mkdtempSync(join(tmpdir(), 'otp-cli-team-out-'))
let team: TeamTestDb

const cli = (args: string[], env: Record<string, string>) => runBin([...args, '--data-dir', dataDir], { env: { OTP_CONSOLE_TEAM_DB: '', PGPASSWORD: '', ...env } })

beforeAll(async () => {
  team = await openTeamTestDb()
  const T0 = Date.UTC(2026, 10, 3, 9, 0, 0)
  await shipAttempts(team.pool, { consoleId: 'c-ada', machine: 'desk-ada', operator: 'ada.obi' }, [1, 2].map((id) => sampleRecord({ id, startedAt: T0 + id, operator: 'ada.obi', retryOf: null })))
  await shipAttempts(team.pool, { consoleId: 'c-bola', machine: 'desk-bola', operator: 'bola.ade' }, [sampleRecord({ id: 9, startedAt: T0 + 5, operator: 'bola.ade', outcome: 'enrolled', retryOf: null })])
  // The data folder exists once this desk has enrolled (reading commands need one).
  const enrolled = await runBin(['enroll', '--payment-id', '5550011', '--phone', '0803 123 4567', '--env', 'training', '--data-dir', dataDir, '--json'])
  expect(enrolled.code).toBe(0)
})

afterAll(async () => {
  await team?.close()
})

describe('history --scope team', () => {
  it('lists every console’s attempts with their machine, newest first', async () => {
    const run = await cli(['history', '--scope', 'team', '--json'], { OTP_CONSOLE_TEAM_DB: team.url })
    expect(run.code, run.stderr).toBe(0)
    const rows = run.json.rows as { origin: { machine: string; localId: number } }[]
    expect(run.json.total).toBe(3)
    expect(rows.map((r) => [r.origin.machine, r.origin.localId])).toEqual([
      ['desk-bola', 9],
      ['desk-ada', 2],
      ['desk-ada', 1],
    ])
    const text = await cli(['history', '--scope', 'team', '--operator', 'ada.obi'], { OTP_CONSOLE_TEAM_DB: team.url })
    expect(text.stdout).toContain('desk-ada#2')
    expect(text.stdout).toContain('2 of 2 matching team attempts shown.')
  })

  it('still reads this desk’s own history by default', async () => {
    const run = await cli(['history', '--json'], { OTP_CONSOLE_TEAM_DB: team.url })
    expect(run.json.total).toBe(1)
  })

  it('exits 2 with what to set when no team database is configured', async () => {
    const run = await cli(['history', '--scope', 'team', '--json'], {})
    expect(run.code).toBe(2)
    expect((run.json.error as { message: string }).message).toMatch(/No team database is configured.*OTP_CONSOLE_TEAM_DB/)
  })

  it('exits 2 on a scope that does not exist, or a team URL carrying a password', async () => {
    expect((await cli(['history', '--scope', 'everyone'], { OTP_CONSOLE_TEAM_DB: team.url })).code).toBe(2)
    const withPassword = await cli(['history', '--scope', 'team', '--json'], { OTP_CONSOLE_TEAM_DB: team.url.replace('otp_test@', 'otp_test:hunter2@') })
    expect(withPassword.code).toBe(2)
    expect(JSON.stringify(withPassword.json)).not.toContain('hunter2')
  })

  it('exits 3 naming the target when the team database cannot be reached', async () => {
    const port = await freePort()
    const run = await cli(['history', '--scope', 'team', '--json'], { OTP_CONSOLE_TEAM_DB: `postgres://otp_test@127.0.0.1:${port}/nowhere` })
    expect(run.code).toBe(3)
    expect(run.json.error).toMatchObject({ code: 'team-unreachable', message: expect.stringContaining(`otp_test@127.0.0.1:${port}/nowhere`) })
  })
})

describe('export --scope team', () => {
  it('exports every console’s attempts, phones masked', async () => {
    const out = join(outDir, 'team.jsonl')
    const run = await cli(['export', '--scope', 'team', '--format', 'jsonl', '--out', out, '--json'], { OTP_CONSOLE_TEAM_DB: team.url })
    expect(run.code, run.stderr).toBe(0)
    expect(run.json.rows).toBe(3)
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines.join('\n')).not.toContain('2348031234567')
  })

  it('exits 2 without a team database and writes nothing', async () => {
    const out = join(outDir, 'none.csv')
    const run = await cli(['export', '--scope', 'team', '--format', 'csv', '--out', out], {})
    expect(run.code).toBe(2)
    expect(() => readFileSync(out)).toThrow()
  })
})
