import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// `otp-console` as a user runs it: its own Node process through the bin launcher (which loads
// the bundle; bundle.globalSetup.ts keeps it in step with the sources).
export const BIN = fileURLToPath(new URL('../../bin/otp-console.mjs', import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  /** The last stdout line parsed as JSON ({} if it is not JSON). */
  json: Record<string, unknown>
}

export function runBin(args: string[], options: { env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      env: { ...process.env, OTP_CLIENT_ID: '', OTP_CLIENT_SECRET: '', ...options.env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => {
      let json: Record<string, unknown> = {}
      try {
        json = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>
      } catch {
        /* not JSON output */
      }
      resolve({ code, stdout, stderr, json })
    })
  })
}
