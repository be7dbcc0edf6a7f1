import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { createAppCore } from '../core/app/appCore.ts'
import { newAttempt } from '../core/history/testFixtures.ts'
import { testCoreOptions } from '../core/app/testCore.ts'

// `purge --before DATE` as a process on a real data folder: exactly the older rows go, the
// purge is in the audit trail, and bad dates change nothing.
// Each test spawns CLI processes (seconds each on a loaded 2-core machine): generous timeouts.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 })
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), 'otp-cli-purge-'))
const CUT = new Date(2025, 5, 1).getTime() // local midnight, as the CLI reads 2025-06-01

function openCore() {
  return createAppCore(testCoreOptions(dataDir, { channel: 'cli', secretStore: { get: async () => undefined, set: async () => {}, delete: async () => false } }))
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, ...args, '--data-dir', dataDir], { env: { ...process.env, OTP_CLIENT_ID: '', OTP_CLIENT_SECRET: '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const ids: { old: number[]; kept: number[] } = { old: [], kept: [] }
beforeAll(() => {
  const core = openCore()
  ids.old.push(core.history.begin(newAttempt({ startedAt: CUT - 1, phone: '2348030000001' })))
  ids.old.push(core.history.begin(newAttempt({ startedAt: CUT - 90 * 86_400_000, phone: '2348030000002' })))
  ids.kept.push(core.history.begin(newAttempt({ startedAt: CUT, phone: '2348030000003' })))
  ids.kept.push(core.history.begin(newAttempt({ startedAt: CUT + 86_400_000, phone: '2348030000004' })))
  core.close()
})

const remaining = () => {
  const core = openCore()
  try {
    return [...core.history.iterate({})].map((r) => r.id).sort((a, b) => a - b)
  } finally {
    core.close()
  }
}

describe('cli purge', () => {
  it.each([['not-a-date'], ['2025-02-30'], ['2999-01-01']])('refuses --before %s with exit 2 and purges nothing', async (value) => {
    const run = await cli(['purge', '--before', value])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/--before/)
    expect(remaining()).toEqual([...ids.old, ...ids.kept].sort((a, b) => a - b))
  })

  it('removes exactly the attempts before the date and records the purge in the audit trail', async () => {
    const run = await cli(['purge', '--before', '2025-06-01', '--json'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout.trim())).toEqual({ purged: 2, before: new Date(CUT).toISOString() })
    expect(remaining()).toEqual(ids.kept)
    const core = openCore()
    try {
      const entry = core.audit.list({ limit: 10 }).find((e) => e.action === 'history.purge')
      expect(entry).toMatchObject({ operator: expect.any(String), details: { attempts: 2, trigger: 'cli', before: new Date(CUT).toISOString() } })
    } finally {
      core.close()
    }
  })
})
