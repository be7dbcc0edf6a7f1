import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TRAINING_CREDENTIALS } from '../shared/domain/environments.ts'
import { urlTable } from '../shared/domain/apiUrlTable.test-helpers.ts'
import { startTrainingServer, type TrainingServer } from '../core/simulator/trainingServer.ts'

// The URL rule as the CLI applies it, the CLI as a real process: every refused URL of the
// table exits 2 before anything is created or sent (the loopback server it names receives
// nothing); accepted loopback URLs are signed over their normal form and enrolled.

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))
const ENV = { OTP_CLIENT_ID: TRAINING_CREDENTIALS.clientId, OTP_CLIENT_SECRET: TRAINING_CREDENTIALS.clientSecret }

function cli(args: string[], env: Record<string, string> = ENV): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, ...args], { env: { ...process.env, ...env } })
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr.on('data', (c: Buffer) => (output += c.toString()))
    child.on('close', (code) => resolve({ code, output }))
  })
}

/** Runs `jobs` with at most `limit` at a time (the CLI is a process each). */
async function inBatches<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = []
  for (let i = 0; i < jobs.length; i += limit) results.push(...(await Promise.all(jobs.slice(i, i + limit).map((job) => job()))))
  return results
}

let server: TrainingServer
const requests: string[] = []
beforeAll(async () => {
  server = await startTrainingServer({ onRequest: (r) => requests.push(r.path) })
})
afterAll(() => server.close())

const enroll = (paymentId: string, dataDir: string, ...more: string[]) => ['enroll', '--payment-id', paymentId, '--phone', '08031234567', '--data-dir', dataDir, '--json', ...more]

describe('CLI and the URL rule', () => {
  it('every refused URL of the table as --base-url (and some as --passport-url): exit 2, nothing sent, no data folder', { timeout: 480_000 }, async () => {
    const refused = urlTable(server.port).filter((row) => row.refused)
    const root = mkdtempSync(join(tmpdir(), 'otp-cli-url-'))
    const runs = await inBatches(
      [
        ...refused.map((row, i) => async () => ({ row, flag: '--base-url', dataDir: join(root, `b${i}`), run: await cli(enroll('266274', join(root, `b${i}`), '--base-url', row.input)) })),
        ...refused
          .filter((row) => /:pw@|\?x|\n/.test(row.input))
          .map((row, i) => async () => ({ row, flag: '--passport-url', dataDir: join(root, `p${i}`), run: await cli(enroll('266274', join(root, `p${i}`), '--base-url', server.url, '--passport-url', row.input)) })),
      ],
      2,
    )
    for (const { row, flag, dataDir, run } of runs) {
      const label = `${flag} ${JSON.stringify(row.input).slice(0, 60)}`
      expect(run.code, `${label}: ${run.output}`).toBe(2)
      expect(run.output, label).toMatch(row.refused as RegExp)
      expect(existsSync(dataDir), `${label} created its data folder`).toBe(false)
    }
    expect(requests).toEqual([])
  })

  it('--base-url "" is an error, not ignored', { timeout: 60_000 }, async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'otp-cli-url-')), 'data')
    const run = await cli(enroll('266274', dataDir, '--base-url', ''))
    expect(run.code).toBe(2)
    expect(run.output).toMatch(/--base-url is refused: Enter a URL/)
    expect(existsSync(dataDir)).toBe(false)
    expect(requests).toEqual([])
  })

  it('accepted loopback URLs are sent to their normal form, signed over it (the server checks the Signature)', { timeout: 240_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'otp-cli-url-'))
    // The rows whose input is not already the server's URL: each is rewritten before it is signed.
    const accepted = urlTable(server.port).filter((row) => row.normal === server.url && row.input !== server.url)
    expect(accepted.length).toBeGreaterThanOrEqual(4)
    const runs = await inBatches(
      accepted.map((row, i) => async () => ({ row, run: await cli(enroll(`8880${i}1`, join(root, String(i)), '--base-url', row.input)) })),
      2,
    )
    for (const { row, run } of runs) {
      expect(run.code, `${JSON.stringify(row.input)}: ${run.output}`).toBe(0)
      expect(run.output).toContain('"outcome":"enrolled"')
    }
    expect(requests.filter((path) => path.endsWith('/enrollments'))).toHaveLength(accepted.length)
  })

  it('a client secret under 8 characters in OTP_CLIENT_SECRET is refused: exit 2, nothing sent', { timeout: 60_000 }, async () => {
    const before = requests.length
    const dataDir = join(mkdtempSync(join(tmpdir(), 'otp-cli-url-')), 'data')
    const run = await cli(enroll('266274', dataDir, '--base-url', server.url), { OTP_CLIENT_ID: TRAINING_CREDENTIALS.clientId, OTP_CLIENT_SECRET: 'x' })
    expect(run.code).toBe(2)
    expect(run.output).toMatch(/at least 8 characters/)
    expect(existsSync(dataDir)).toBe(false)
    expect(requests.length).toBe(before)
  })
})
