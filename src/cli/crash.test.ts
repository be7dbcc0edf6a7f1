import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HISTORY_FILE } from '../core/app/appCore.ts'
import { createHistoryStore } from '../core/history/historyStore.ts'
import { startTrainingServer } from '../core/simulator/trainingServer.ts'
import { openDatabase } from '../core/storage/openDatabase.ts'
import { BIN } from './spawnCli.test-helpers.ts'

// "A crash mid-request leaves an unknown record, never no record": a real CLI process is
// killed with SIGKILL while its request hangs at the server, then the file is read back.
const CREDS = { clientId: 'IKIACRASHTEST0000000000000000000000000001', clientSecret: 'crash-test-secret-0123456789' }

let server: Awaited<ReturnType<typeof startTrainingServer>>
let arrived: () => void
const requestArrived = new Promise<void>((resolve) => (arrived = resolve))

beforeAll(async () => {
  server = await startTrainingServer({
    credentials: [CREDS],
    hangMs: 60_000,
    onRequest: ({ path }) => {
      if (path.includes('enrollments')) arrived()
    },
  })
})
afterAll(() => server.close())

describe('crash mid-request', () => {
  it('leaves the attempt in history as unknown, with what was sent', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'otp-crash-'))
    const child = spawn(
      process.execPath,
      [BIN, 'enroll', '--payment-id', '4440999', '--phone', '08031234567', '--ref', 'JB-9-Enrol', '--base-url', server.url, '--data-dir', dataDir],
      { env: { ...process.env, OTP_CLIENT_ID: CREDS.clientId, OTP_CLIENT_SECRET: CREDS.clientSecret }, stdio: 'ignore' },
    )
    await requestArrived
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')

    expect(existsSync(join(dataDir, HISTORY_FILE))).toBe(true)
    const db = openDatabase(join(dataDir, HISTORY_FILE))
    try {
      const rows = createHistoryStore(db).page({ filter: {}, limit: 10 }).rows
      expect(rows).toHaveLength(1)
      const record = createHistoryStore(db).get(rows[0]!.id)
      expect(record).toMatchObject({ outcome: 'unknown', finishedAt: null, paymentId: '4440999', transactionRef: 'JB-9-Enrol', channel: 'cli', environment: 'custom' })
      expect(record?.requestHeaders.Nonce).toMatch(/^[0-9a-f]{32}$/)
      expect(JSON.stringify(record)).not.toContain(CREDS.clientSecret)
    } finally {
      db.close()
    }
  })
})
