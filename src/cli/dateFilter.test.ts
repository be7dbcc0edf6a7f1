import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HISTORY_FILE } from '../core/app/appCore.ts'
import { createHistoryStore } from '../core/history/historyStore.ts'
import { completion, newAttempt } from '../core/history/testFixtures.ts'
import { openDatabase } from '../core/storage/openDatabase.ts'

// The date rule end to end (filterArgs.test.ts has the cases): the CLI run as a process in
// Lagos (UTC+1) lists exactly the attempts of Lagos's 1 November for `--since/--until 2026-11-01`.
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), 'otp-cli-dates-'))

/** Attempts around Lagos's 1 November 2026, by payment id. */
const ATTEMPTS: Record<string, string> = {
  '1001': '2026-10-31T23:59:59+01:00', // the evening before
  '1002': '2026-11-01T00:00:00+01:00', // Lagos midnight (23:00 UTC the day before)
  '1003': '2026-11-01T12:00:00+01:00',
  '1004': '2026-11-01T23:59:59+01:00',
  '1005': '2026-11-02T00:00:00+01:00', // the next day
}

beforeAll(() => {
  const db = openDatabase(join(dataDir, HISTORY_FILE))
  const history = createHistoryStore(db)
  for (const [paymentId, iso] of Object.entries(ATTEMPTS)) {
    const startedAt = Date.parse(iso)
    const id = history.begin(newAttempt({ paymentId, startedAt }))
    history.complete(id, completion('enrolled', { finishedAt: startedAt + 900 }))
  }
  db.close()
})
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function historyIn(tz: string, ...flags: string[]): Promise<{ code: number | null; paymentIds: string[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, 'history', '--data-dir', dataDir, '--json', '--sort', 'time-asc', ...flags], {
      env: { ...process.env, TZ: tz, OTP_CLIENT_ID: '', OTP_CLIENT_SECRET: '' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => {
      const rows = code === 0 ? (JSON.parse(stdout) as { rows: { paymentId: string }[] }).rows : []
      resolve({ code, paymentIds: rows.map((r) => r.paymentId), stderr })
    })
  })
}

describe('CLI --since/--until, in Lagos', () => {
  it('--since D --until D lists the attempts of the whole local day D', async () => {
    const run = await historyIn('Africa/Lagos', '--since', '2026-11-01', '--until', '2026-11-01')
    expect(run.stderr).toBe('')
    expect(run.paymentIds).toEqual(['1002', '1003', '1004'])
  })
})
