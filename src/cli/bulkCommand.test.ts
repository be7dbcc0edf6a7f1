import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTrainingServer, type TrainingServer } from '../core/simulator/trainingServer.ts'
import { bulkExitCode } from './bulkCommand.ts'
import { runBin } from './spawnCli.test-helpers.ts'

// `otp-console bulk` as a process against a local server: preview, usage and file errors
// (exit 2, nothing sent), the exit code per outcome, production confirmation, resume by file.

const CREDS = { clientId: 'IKIABULKCLI000000000000000000000000000001', clientSecret: 'bulk-cli-secret-0123456789' }
const env = { OTP_CLIENT_ID: CREDS.clientId, OTP_CLIENT_SECRET: CREDS.clientSecret }
let dir: string
let server: TrainingServer
let received: string[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otp-bulk-cli-'))
  server = await startTrainingServer({ credentials: [CREDS], onEnrollmentRequest: ({ paymentId }) => received.push(paymentId) })
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

let n = 0
function csv(text: string): { file: string; dataDir: string } {
  n += 1
  const file = join(dir, `f${n}.csv`)
  writeFileSync(file, text)
  return { file, dataDir: join(dir, `data${n}`) }
}
const bulk = (file: string, dataDir: string, ...more: string[]) => runBin(['bulk', '--file', file, '--base-url', server.url, '--data-dir', dataDir, ...more], { env })

describe('otp-console bulk', () => {
  it('--dry-run prints the preview and sends nothing', async () => {
    received = []
    const { file, dataDir } = csv('payment id,phone\n960001,08031234567\n960011,123\n960001,08031234567\n')
    const run = await bulk(file, dataDir, '--dry-run', '--json')
    expect(run.code).toBe(0)
    expect(run.json.preview).toMatchObject({ rows: 3, requestsToSend: 1, counts: { ready: 1, invalid: 1, 'duplicate-in-file': 1 } })
    expect(received).toEqual([])
  })

  it('a bad file or bad usage exits 2 and sends nothing', async () => {
    received = []
    const { file, dataDir } = csv('payment id,name\n960101,Ada\n')
    const badFile = await bulk(file, dataDir, '--json')
    expect(badFile.code).toBe(2)
    expect(badFile.json).toMatchObject({ outcome: 'not-sent', error: { code: 'bad-file' } })
    expect((await bulk(file, dataDir, '--concurrency', '33')).code).toBe(2)
    expect((await bulk(file, dataDir, '--rate', 'fast')).code).toBe(2)
    expect((await runBin(['bulk', '--data-dir', dataDir], { env })).code).toBe(2)
    expect(received).toEqual([])
  })

  it('exits 0 when every row is enrolled, 1 when some are rejected or invalid (never sent), and prints one JSON summary', async () => {
    received = []
    const good = csv('payment id,phone\n960201,08031234567\n960211,08031234567\n')
    const ok = await bulk(good.file, good.dataDir, '--json')
    expect(ok.code).toBe(0)
    expect(ok.json).toMatchObject({ resumed: false, run: { state: 'finished' }, counts: { total: 2, outcomes: { enrolled: 2 } } })
    const mixed = csv('payment id,phone\n960301,08031234567\n960403,08031234567\n960311,0803\n')
    const some = await bulk(mixed.file, mixed.dataDir)
    expect(some.code).toBe(1)
    expect(some.stdout).toContain('1 enrolled, 1 rejected')
    expect(received.sort()).toEqual(['960201', '960211', '960301', '960403'])
  })

  it('production needs --confirm "production ROWS"; without it nothing is sent, with it the stored run starts', async () => {
    received = []
    const { file, dataDir } = csv('payment id,phone\n960501,08031234567\n960511,08031234567\n')
    // --base-url with --env production: the production environment, at this (local) address.
    const refused = await bulk(file, dataDir, '--env', 'production', '--json')
    expect(refused.code).toBe(2)
    expect(JSON.stringify(refused.json)).toContain('production 2')
    expect(received).toEqual([])
    const confirmed = await bulk(file, dataDir, '--env', 'production', '--confirm', 'production 2', '--json')
    expect(confirmed.code).toBe(0)
    expect(received.sort()).toEqual(['960501', '960511'])
  })
})

describe('bulkExitCode', () => {
  const counts = (over: Partial<{ pending: number; inFlight: number; enrolled: number; rejected: number; failed: number; unknown: number }> = {}) => ({
    total: 10,
    pending: over.pending ?? 0,
    skipped: 0,
    inFlight: over.inFlight ?? 0,
    outcomes: { enrolled: over.enrolled ?? 10, rejected: over.rejected ?? 0, failed: over.failed ?? 0, unknown: over.unknown ?? 0 },
  })
  it.each([
    ['all enrolled', counts(), {}, 0],
    ['skipped as already enrolled or duplicate', counts(), { 'already-enrolled': 2, 'duplicate-in-file': 1 }, 0],
    ['some rejected', counts({ rejected: 1 }), {}, 1],
    ['some invalid', counts(), { invalid: 1 }, 1],
    ['some unknown', counts({ unknown: 1, rejected: 1 }), {}, 3],
    ['some failed', counts({ failed: 1 }), {}, 3],
    ['some not sent (paused, cancelled)', counts({ pending: 3 }), {}, 3],
    ['skipped as unknown in history', counts(), { 'unknown-outcome': 1 }, 3],
  ])('%s → %i', (_, c, skipped, code) => {
    expect(bulkExitCode({ counts: c, skipped })).toBe(code)
  })
})
