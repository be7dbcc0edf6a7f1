import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTrainingServer } from '../src/core/simulator/trainingServer.ts'
import { openBulkRunCore } from './bulkCore.ts'

// The child processes of `npm run bench -- bulk` (each on its own event loop and heap):
//   server <delayMs>            a training server with `delayMs` added to each answer; prints its URL
//   run100k <baseUrl> <file> <rows>  a whole run of `file` (the parent generated it: making a file is
//                               not what `otp-console bulk` does), stored, then sent at concurrency 32;
//                               prints its peak RSS (VmHWM) in bytes and its rows per second

const CREDENTIALS = { clientId: 'IKIABENCHBULK0000000000000000000000000001', clientSecret: 'bench-bulk-secret-0123456789abcdef' }
export { CREDENTIALS as BULK_BENCH_CREDENTIALS }

const [mode, ...rest] = process.argv.slice(2)

if (mode === 'server') {
  const server = await startTrainingServer({ credentials: [CREDENTIALS], answerDelayMs: Number(rest[0] ?? 0), tokenTtlSeconds: 86_400 })
  process.stdout.write(`${server.url}\n`)
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
} else if (mode === 'run100k') {
  const [baseUrl, file, rowsText] = rest as [string, string, string]
  const rows = Number(rowsText)
  const dir = mkdtempSync(join(tmpdir(), 'otp-bench-bulk-100k-'))
  try {
    const core = await openBulkRunCore(join(dir, 'data'), baseUrl, CREDENTIALS)
    const started = performance.now()
    const created = await core.bulk.createFromFile({ path: file, environment: 'custom', settings: { concurrency: 32, rate: null } })
    if (!created.ok) throw new Error(created.error.message)
    const handle = await core.bulk.start(created.value.id)
    if (!handle.ok) throw new Error(handle.error.message)
    const end = await handle.value.settled
    const seconds = (performance.now() - started) / 1000
    const summary = core.bulk.summary(created.value.id)
    if (end.state !== 'finished' || !summary.ok || summary.value.counts.outcomes.enrolled !== rows) throw new Error(`the run did not enroll every row: ${JSON.stringify(summary)}`)
    await core.close()
    const status = readFileSync('/proc/self/status', 'utf8')
    const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
    process.stdout.write(`${JSON.stringify({ peakBytes: peakKiB * 1024, rowsPerSecond: rows / seconds })}\n`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
