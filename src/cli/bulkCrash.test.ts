import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HISTORY_FILE } from '../core/app/appCore.ts'
import { createHistoryStore } from '../core/history/historyStore.ts'
import { startTrainingServer, type TrainingServer } from '../core/simulator/trainingServer.ts'
import { openDatabase } from '../core/storage/openDatabase.ts'
import { BIN, runBin } from './spawnCli.test-helpers.ts'

// The CLI's bulk run killed with SIGKILL at several points against a real local server, then
// the same command again until it ends: the server received each payment id at most once,
// every row of the file ends with exactly one attempt (or is listed as unknown), and every
// request the server received is in history.

const CREDS = { clientId: 'IKIABULKCRASH00000000000000000000000000001', clientSecret: 'bulk-crash-secret-0123456789' }
const ROWS = 40
const paymentIds = Array.from({ length: ROWS }, (_, i) => String(950_001 + i * 10))

let dir: string
let port = 0
const received: string[] = []

/** The server at the run's address (a run keeps its base URL), answering as asked. */
function server(options: { answerDelayMs?: number; tokenDelayMs?: number } = {}): Promise<TrainingServer> {
  return startTrainingServer({ port, credentials: [CREDS], ...options, onEnrollmentRequest: ({ paymentId }) => received.push(paymentId) })
}
const url = () => `http://127.0.0.1:${port}`

function args(file: string, dataDir: string): string[] {
  return ['bulk', '--file', file, '--base-url', url(), '--data-dir', dataDir, '--concurrency', '4', '--json']
}
const env = { OTP_CLIENT_ID: CREDS.clientId, OTP_CLIENT_SECRET: CREDS.clientSecret }

/** Starts the CLI and SIGKILLs it once `when()` holds (polled every 5 ms). */
async function killWhen(argv: string[], when: () => boolean): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...argv], { env: { ...process.env, ...env }, stdio: 'ignore' })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  const deadline = Date.now() + 30_000
  while (!when()) {
    if (Date.now() > deadline) throw new Error('the kill point was never reached')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  child.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
}

function storedRows(dataDir: string): number {
  try {
    const db = openDatabase(join(dataDir, HISTORY_FILE))
    try {
      return (db.prepare('SELECT count(*) AS n FROM bulk_rows').get() as { n: number }).n
    } finally {
      db.close()
    }
  } catch {
    return 0
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otp-bulk-crash-'))
  const probe = await startTrainingServer()
  port = probe.port
  await probe.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('bulk run killed with SIGKILL, then the same command again', () => {
  it('sends each payment id at most once; every row ends with one attempt or is listed unknown; history has every request', { timeout: 120_000 }, async () => {
    const dataDir = join(dir, 'data')
    const file = join(dir, 'cards.csv')
    writeFileSync(file, `payment id,phone\n${paymentIds.map((id) => `${id},08031234567`).join('\n')}\n`)

    // 1. Killed once the run and its rows are stored, before any request (the token is slow).
    let s = await server({ tokenDelayMs: 5000 })
    await killWhen(args(file, dataDir), () => storedRows(dataDir) === ROWS)
    await s.close()
    expect(received).toEqual([])

    // 2. Killed mid-run, with requests in flight (answers take 200 ms): after 6 more, then 14 more.
    for (const more of [6, 14]) {
      s = await server({ answerDelayMs: 200 })
      const before = received.length
      await killWhen(args(file, dataDir), () => received.length >= before + more)
      await s.close()
    }

    // 3. The same command again, to the end.
    s = await server()
    const last = await runBin(args(file, dataDir), { env })
    await s.close()
    expect(last.json.resumed).toBe(true)

    // The server received each payment id at most once.
    const times = new Map<string, number>()
    for (const id of received) times.set(id, (times.get(id) ?? 0) + 1)
    expect([...times.entries()].filter(([, n]) => n > 1)).toEqual([])

    const db = openDatabase(join(dataDir, HISTORY_FILE))
    try {
      const history = createHistoryStore(db)
      const unknownListed = new Set((last.json.unknownRows as { paymentId: string }[]).map((r) => r.paymentId))
      for (const id of paymentIds) {
        // Exactly one attempt per row, whatever happened; an unknown one is listed.
        const attempts = history.chain(id)
        expect(attempts, id).toHaveLength(1)
        const outcome = attempts[0]?.outcome
        expect(['enrolled', 'unknown'], id).toContain(outcome)
        if (outcome === 'unknown') expect(unknownListed.has(id), id).toBe(true)
      }
      // Nothing the server received is missing from history.
      for (const id of times.keys()) expect(history.chain(id)).toHaveLength(1)
      expect(unknownListed.size).toBeGreaterThan(0) // the kills happened with requests in flight
      expect(last.code).toBe(3) // some unknown
    } finally {
      db.close()
    }
  })
})
