import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTrainingServer } from '../src/core/simulator/trainingServer.ts'
import { percentile } from './stats.ts'

// A whole `otp-console enroll` process (start to exit: launcher, bundle, SQLite history with
// durable writes, token, signed request, answer) against a loopback Interswitch-compatible
// server with no added latency, next to bench/minimalEnroll.mjs doing the same exchange in a
// bare script on fetch (target ≤ 1.3×; the CLI's own transport is Node's HTTP client, and its
// ratio to the same script on that client is printed too); and `otp-console --help` next to `node -e 0` (target ≤ 1.5×).
// The bin is started as a user starts it: executed (its shebang picks `node` from PATH and
// adds its V8 flags). Runs are interleaved so both sides of a ratio see the same machine load.

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 21)
const WARMUP = 2
const BIN = fileURLToPath(new URL('../bin/otp-console.mjs', import.meta.url))
const BUNDLER = fileURLToPath(new URL('../bin/cliBundle.mjs', import.meta.url))
const MINIMAL = fileURLToPath(new URL('./minimalEnroll.mjs', import.meta.url))
const MINIMAL_HTTP = fileURLToPath(new URL('./minimalEnrollHttp.mjs', import.meta.url))
const CREDENTIALS = { clientId: 'IKIABENCHCLI00000000000000000000000000001', clientSecret: 'bench-cli-secret-0123456789abcdef' }

type Print = (name: string, value: number, unit: string) => void

/** One process from spawn to exit, in ms; throws unless it exits 0 and `check` accepts its stdout. */
function timed(command: string, args: string[], check: (stdout: string) => boolean = () => true): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { env: { ...process.env, OTP_CLIENT_ID: CREDENTIALS.clientId, OTP_CLIENT_SECRET: CREDENTIALS.clientSecret } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('exit', (code) => {
      const ms = performance.now() - started
      child.on('close', () => (code === 0 && check(stdout) ? resolve(ms) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stdout}${stderr}`))))
    })
  })
}

/** Medians of commands run in turn, after a few unmeasured runs of each. */
async function compare(...commands: ((run: number) => Promise<number>)[]): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) for (const command of commands) await command(-1 - i)
  const times = commands.map(() => [] as number[])
  for (let i = 0; i < RUNS; i++) for (const [at, command] of commands.entries()) times[at]?.push(await command(i))
  return times.map((t) => percentile(t, 50))
}

export async function run(print: Print): Promise<void> {
  // The bin uses the bundle only while it matches the sources: make sure it does.
  const bundled = spawnSync(process.execPath, [BUNDLER, '--if-stale'], { encoding: 'utf8' })
  if (bundled.status !== 0) throw new Error(`Could not bundle the CLI: ${bundled.stderr}`)

  const server = await startTrainingServer({ credentials: [CREDENTIALS] })
  const dataDir = mkdtempSync(join(tmpdir(), 'otp-bench-cli-'))
  // Fresh payment ids ending in 1: enrolled by the training rules (none of 403, 500, 999…).
  let paymentId = 1_000_001 + Math.floor(Math.random() * 1_000_000) * 10
  const enrolled = (stdout: string) => /"outcome":"enrolled"/.test(stdout) || /"status":200/.test(stdout)
  try {
    const [cli = NaN, minimal = NaN, minimalHttp = NaN] = await compare(
      () => timed(BIN, ['enroll', '--base-url', server.url, '--payment-id', String((paymentId += 10)), '--phone', '08031234567', '--data-dir', dataDir, '--json'], enrolled),
      () => timed(process.execPath, [MINIMAL, server.url, String((paymentId += 10)), '2348031234567'], enrolled),
      () => timed(process.execPath, [MINIMAL_HTTP, server.url, String((paymentId += 10)), '2348031234567'], enrolled),
    )
    print('cli.enroll.median', cli, 'ms')
    print('cli.minimal_script.median', minimal, 'ms')
    print('cli.enroll.ratio', cli / minimal, 'x')
    // For reference, no target: the same bare script on Node's HTTP client, the CLI's transport.
    print('cli.minimal_http_script.median', minimalHttp, 'ms')
    print('cli.enroll.ratio_to_http_script', cli / minimalHttp, 'x')

    const [help = NaN, bare = NaN] = await compare(
      () => timed(BIN, ['--help'], (stdout) => stdout.includes('otp-console enroll')),
      () => timed(process.execPath, ['-e', '0']),
    )
    print('cli.help.median', help, 'ms')
    print('cli.node_e0.median', bare, 'ms')
    print('cli.help.ratio', help / bare, 'x')
  } finally {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
