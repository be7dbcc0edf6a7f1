import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startHostileServer, type HostileAnswer } from '../src/core/simulator/hostileServer.ts'
import { TRAINING_CREDENTIALS } from '../src/shared/domain/environments.ts'

// Bounded answers: the CLI's peak resident memory for an enrollment answered with a 300 MB
// body, next to the same CLI's peak for a normal answer. The body is read up to 64 KiB only
// (src/core/protocol/boundedBody.ts), so the two should be about the same.

type Print = (name: string, value: number, unit: string) => void

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url))
const RUNS = 3
const HUGE_BYTES = 300 * 1024 * 1024
// Written by the CLI process itself as it exits: getrusage's peak RSS, in KiB.
const REPORT_PEAK = `data:text/javascript,import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(process.env.BENCH_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)))`

async function peakRssMiB(answer: HostileAnswer, dir: string, n: number): Promise<{ peakMiB: number; exitCode: number | null; serverWroteMiB: number }> {
  const server = await startHostileServer({ enroll: answer })
  const peakFile = join(dir, `peak-${n}.txt`)
  try {
    const exitCode = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--max-semi-space-size=16', '--disable-warning=ExperimentalWarning', '--import', REPORT_PEAK, CLI, 'enroll', '--base-url', server.url, '--payment-id', String(266_000 + n), '--phone', '08031234567', '--data-dir', join(dir, `data-${n}`), '--json'],
        { env: { ...process.env, OTP_CLIENT_ID: TRAINING_CREDENTIALS.clientId, OTP_CLIENT_SECRET: TRAINING_CREDENTIALS.clientSecret, BENCH_PEAK_RSS_FILE: peakFile }, stdio: 'ignore' },
      )
      child.on('close', resolve)
    })
    return { peakMiB: Number(readFileSync(peakFile, 'utf8')) / 1024, exitCode, serverWroteMiB: server.hugeBytesWritten() / 1024 / 1024 }
  } finally {
    await server.close()
  }
}

export async function run(print: Print): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'otp-bench-boundary-'))
  try {
    let normal = 0
    let huge = 0
    let wrote = 0
    for (let i = 0; i < RUNS; i++) {
      const a = await peakRssMiB({ kind: 'json', status: 200, body: { paymentId: '266274', status: 'ENROLLED' } }, dir, 2 * i)
      const b = await peakRssMiB({ kind: 'huge', status: 200, bytes: HUGE_BYTES }, dir, 2 * i + 1)
      if (a.exitCode !== 0 || b.exitCode !== 0) throw new Error(`The CLI did not enroll (exit ${a.exitCode} / ${b.exitCode}).`)
      normal = Math.max(normal, a.peakMiB)
      huge = Math.max(huge, b.peakMiB)
      wrote = Math.max(wrote, b.serverWroteMiB)
    }
    print('boundary.cli_peak_rss.normal_answer', normal, 'MiB')
    print('boundary.cli_peak_rss.answer_300mb', huge, 'MiB')
    print('boundary.cli_peak_rss.ratio_300mb_to_normal', huge / normal, 'x')
    print('boundary.server_bytes_written_before_cut', wrote, 'MiB')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
