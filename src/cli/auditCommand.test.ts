import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { HISTORY_FILE } from '../core/app/appCore.ts'
import { unzipAll } from '../core/export/unzip.test-helpers.ts'

// `audit export`, `audit verify` and a missing keychain as a support engineer meets them: the
// CLI as a separate process, on a data folder it filled, with the real OS keychain.
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), 'otp-cli-audit-'))
const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/otp-console-no-bus' }

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, ...args, '--data-dir', dataDir], {
      env: { ...process.env, OTP_CLIENT_ID: '', OTP_CLIENT_SECRET: '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

// Each case runs the CLI a few times; on a loaded 2-core machine one run can take seconds.
const SLOW = 90_000

const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)

beforeAll(async () => {
  for (const id of ['7770011', '7770403']) await cli(['enroll', '--env', 'training', '--payment-id', id, '--phone', '0803 123 4567'])
}, SLOW)

describe('CLI audit export', () => {
  it('writes the entries of the period, after the verification line with the head it was checked against', async () => {
    const out = join(dataDir, 'audit.jsonl')
    const run = await cli(['audit', 'export', '--out', out, '--since', '2000-01-01', '--until', '2100-01-01', '--json'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ path: out, entries: 5, verification: { ok: true } })
    const [header, ...entries] = lines(readFileSync(out, 'utf8'))
    expect(header).toMatchObject({ format: 'otp-console-audit-export', version: 1, period: { from: '2000-01-01T00:00:00.000Z' }, verification: { ok: true, total: 5, head: { seq: 5, keyedFrom: 1 } } })
    expect(entries.map((e) => e.action)).toEqual(['audit.keyed', 'enroll.attempt', 'enroll.outcome', 'enroll.attempt', 'enroll.outcome'])
    // Each outcome names its attempt and the hash of its completed history row.
    expect(entries.filter((e) => e.action === 'enroll.outcome').map((e) => e.details)).toEqual([
      expect.objectContaining({ outcome: 'enrolled', httpStatus: 200, historyRowHash: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      expect.objectContaining({ outcome: 'rejected', codes: ['10403'], historyRowHash: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ])
    if (process.platform !== 'win32') expect(statSync(out).mode & 0o777).toBe(0o600)
  }, SLOW)

  it('puts the audit slice of its period into a support bundle', async () => {
    const out = join(dataDir, 'bundle.zip')
    expect((await cli(['export', '--format', 'bundle', '--out', out])).code).toBe(0)
    const files = await unzipAll(out)
    const [header, ...entries] = lines(files.get('audit.jsonl') ?? '')
    expect(header).toMatchObject({ format: 'otp-console-audit-export', verification: { ok: true } })
    expect(entries.map((e) => e.action)).toContain('enroll.outcome')
    expect(JSON.parse(files.get('about.json') ?? '{}')).toMatchObject({ audit: { entries: entries.length, verified: true } })
  }, SLOW)
})

describe('CLI without an OS keychain', () => {
  it('audit verify says plainly that the keychain is missing (exit 3)', async () => {
    const run = await cli(['audit', 'verify'], NO_KEYCHAIN)
    expect(run.code).toBe(3)
    expect(run.stderr + run.stdout).toMatch(/key and head are kept in the OS keychain, and no keychain can be reached/)
  }, SLOW)

  it('enroll sends nothing and records nothing: the trail is never written unkeyed (exit 2)', async () => {
    const before = JSON.parse((await cli(['history', '--json'])).stdout) as { total: number }
    const run = await cli(['enroll', '--env', 'training', '--payment-id', '7770021', '--phone', '0803 123 4567', '--json'], NO_KEYCHAIN)
    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ outcome: 'not-sent', error: { code: 'keychain-unavailable' } })
    expect((JSON.parse((await cli(['history', '--json'])).stdout) as { total: number }).total).toBe(before.total)
  }, SLOW)
})

describe('CLI audit verify', () => {
  it('reports the newest entry deleted from the file as a cut-off tail (exit 1)', async () => {
    const intact = await cli(['audit', 'verify'])
    expect(intact.code).toBe(0)
    const db = new DatabaseSync(join(dataDir, HISTORY_FILE))
    db.exec('DROP TRIGGER IF EXISTS audit_no_delete')
    const newest = (db.prepare('SELECT max(seq) AS n FROM audit').get() as { n: number }).n
    db.prepare('DELETE FROM audit WHERE seq = ?').run(newest)
    db.close()
    const broken = await cli(['audit', 'verify', '--json'])
    expect(broken.code).toBe(1)
    expect(JSON.parse(broken.stdout)).toMatchObject({
      ok: false,
      brokenAt: { seq: newest, kind: 'tail-cut', reason: `Entries after #${newest - 1} are missing (head says #${newest}).` },
    })
    expect((await cli(['audit', 'verify'])).stdout).toMatch(new RegExp(`BROKEN at entry ${newest} \\[tail-cut\\]: Entries after #${newest - 1} are missing`))
  }, SLOW)
})
