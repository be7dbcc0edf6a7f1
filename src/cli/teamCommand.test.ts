import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createAppCore } from '../core/app/appCore.ts'
import { completion, newAttempt } from '../core/history/testFixtures.ts'
import { teamAttemptRow } from '../core/team/replicator.ts'
import { TEAM_DB_ENV } from '../core/team/teamConfig.ts'
import { freePort } from '../core/team/testing/pgCluster.ts'
import { freshTestDatabase } from '../core/team/testing/sharedPgCluster.ts'
import { testCoreOptions } from '../core/app/testCore.ts'

// `team status` and `team sync` as processes on a real data folder and a real PostgreSQL.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 })
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), 'otp-cli-team-'))

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, ...args, '--data-dir', dataDir], {
      env: { ...process.env, OTP_CLIENT_ID: '', OTP_CLIENT_SECRET: '', PGPASSWORD: '', [TEAM_DB_ENV]: '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const openLocal = () => createAppCore(testCoreOptions(dataDir, { channel: 'cli' }))

let url: string
let pool: pg.Pool
beforeAll(async () => {
  url = await freshTestDatabase('cli')
  pool = new pg.Pool({ connectionString: url })
  const core = openLocal()
  for (let i = 0; i < 3; i++) {
    const id = core.history.begin(newAttempt({ paymentId: `70000${i}`, startedAt: Date.now() - i }))
    if (i > 0) core.history.complete(id, completion('enrolled'))
  }
  core.close()
})
afterAll(async () => {
  await pool.end()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('otp-console team', () => {
  it('status with no team database says so', async () => {
    const run = await cli(['team', 'status', '--json'], {})
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ state: 'off' })
  })

  it('refuses a team URL holding a password, and touches nothing', async () => {
    const run = await cli(['team', 'sync'], { [TEAM_DB_ENV]: url.replace('otp_test@', 'otp_test:hunter2@') })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/must not contain a password/)
    expect(run.stderr + run.stdout).not.toContain('hunter2')
    expect((await pool.query(`SELECT to_regclass('attempts') AS t`)).rows[0].t).toBeNull()
  })

  it('sync to an unreachable team database exits 3 and keeps everything waiting', async () => {
    const dead = `postgres://otp_test@127.0.0.1:${await freePort()}/nothing`
    const run = await cli(['team', 'sync', '--json'], { [TEAM_DB_ENV]: dead })
    expect(run.code).toBe(3)
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'team-unreachable' }, status: { state: 'unreachable', pending: expect.any(Number) } })
    const status = await cli(['team', 'status', '--json'], { [TEAM_DB_ENV]: dead })
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'unreachable', lastError: expect.stringMatching(/ECONNREFUSED|connect/) })
  })

  it('status before the first sync counts everything; sync ships it row for row and exits 0; status is then up to date', async () => {
    const before = JSON.parse((await cli(['team', 'status', '--json'], { [TEAM_DB_ENV]: url })).stdout)
    expect(before).toMatchObject({ state: 'waiting', source: 'env' })
    expect(before.pending).toBeGreaterThanOrEqual(3)

    const run = await cli(['team', 'sync'], { [TEAM_DB_ENV]: url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/Team: up to date[\s\S]*Everything is shipped/)

    const core = openLocal()
    try {
      const consoleId = core.team.consoleId()
      const local = [...core.history.iterate({})].sort((a, b) => a.id - b.id).map((a) => teamAttemptRow(consoleId, 'x', a))
      const team = await pool.query(`SELECT local_id::float8 AS local_id, outcome, payment_id FROM attempts WHERE console_id = $1 ORDER BY local_id`, [consoleId])
      expect(team.rows).toEqual(local.map((r) => ({ local_id: r.local_id, outcome: r.outcome, payment_id: r.payment_id })))
    } finally {
      core.close()
    }
    const after = JSON.parse((await cli(['team', 'status', '--json'], { [TEAM_DB_ENV]: url })).stdout)
    expect(after).toMatchObject({ state: 'up-to-date', pending: 0, lastShippedAt: expect.any(Number), lastError: null })
  })
})
