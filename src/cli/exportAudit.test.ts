import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { HISTORY_FILE } from '../core/app/appCore.ts'
import { runBin } from './spawnCli.test-helpers.ts'

// `export` and `audit verify` as a support engineer runs them, on a data folder the CLI filled.
const dataDir = mkdtempSync(join(tmpdir(), 'otp-cli-export-'))
const cli = (args: string[]) => runBin([...args, '--data-dir', dataDir])

// Several CLI runs per case: on a loaded 2-core machine one run can take seconds.
const SLOW = 90_000

// Every step spawns CLI processes, ~7 s each on a loaded 2-core machine.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 })

beforeAll(async () => {
  for (const id of ['8880011', '8880403', '8880021']) await cli(['enroll', '--env', 'training', '--payment-id', id, '--phone', '0803 123 4567'])
}, SLOW)

describe('CLI export', () => {
  it('exports what the filters select as CSV, phones masked, and records it in the audit trail', async () => {
    const out = join(dataDir, 'rejected.csv')
    const run = await cli(['export', '--format', 'csv', '--out', out, '--outcome', 'rejected'])
    expect(run.code).toBe(0)
    const rows = parse(readFileSync(out, 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    expect(rows.map((r) => r.payment_id)).toEqual(['8880403'])
    expect(rows[0]?.phone).toBe('234803****567')
    const audit = await cli(['audit', 'verify', '--json'])
    expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true })
  }, SLOW)

  it('--full-phone keeps the full numbers', async () => {
    const out = join(dataDir, 'all.jsonl')
    expect((await cli(['export', '--format', 'jsonl', '--out', out, '--full-phone'])).code).toBe(0)
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { phone: string })
    expect(lines).toHaveLength(3)
    expect(lines.every((l) => l.phone === '2348031234567')).toBe(true)
  }, SLOW)

  it('refuses an unknown format with exit 2', async () => {
    expect((await cli(['export', '--format', 'xlsx', '--out', join(dataDir, 'x')])).code).toBe(2)
  }, SLOW)
})

describe('CLI audit verify', () => {
  it('exits 0 on an intact chain and 1 with the broken entry after the file is edited', async () => {
    const intact = await cli(['audit', 'verify'])
    expect(intact.code).toBe(0)
    expect(intact.stdout).toMatch(/intact/)

    // Edit one entry behind the app's back, as someone with the file would.
    const db = new DatabaseSync(join(dataDir, HISTORY_FILE))
    db.exec('DROP TRIGGER IF EXISTS audit_no_update')
    db.prepare("UPDATE audit SET summary = summary || ' (edited)' WHERE seq = 2").run()
    db.close()

    const broken = await cli(['audit', 'verify', '--json'])
    expect(broken.code).toBe(1)
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, verifiedUpTo: 1, brokenAt: { seq: 2 } })
    const human = await cli(['audit', 'verify'])
    expect(human.stdout).toMatch(/BROKEN at entry 2/)
  }, SLOW)
})
