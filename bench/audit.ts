import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAuditTrail } from '../src/core/audit/auditTrail.ts'
import type { AuditAction } from '../src/core/audit/types.ts'
import { createMemorySecretStore } from '../src/core/audit/memorySecretStore.ts'
import { openDatabase } from '../src/core/storage/openDatabase.ts'
import { percentile, timeRuns } from './stats.ts'

// Audit trail at 1,000,000 entries: append cost and a full verify (HMAC-SHA-256 per entry,
// target ≤ 10 s). The anchor entry and one entry recorded outside a batch come on top.

const ENTRIES = Number(process.env.BENCH_AUDIT_ENTRIES ?? 1_000_000)
const BATCH = 10_000
const RUNS = 200

type Print = (name: string, value: number, unit: string) => void

const ACTIONS: AuditAction[] = ['enroll.attempt', 'enroll.attempt', 'enroll.attempt', 'export', 'settings.update', 'environment.switch', 'credentials.set']

export async function run(print: Print): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'otp-bench-audit-'))
  try {
    const db = openDatabase(join(dir, 'history.sqlite'))
    let clock = Date.now() - 365 * 86_400_000
    // The keyed trail with its key and head in memory: the bench measures SQLite and HMAC, not the keychain.
    const trail = createAuditTrail(db, { now: () => (clock += 31_000), operator: 'adaeze.okafor', machine: 'SUPPORT-DESK-07', appVersion: '0.4.2', keychain: createMemorySecretStore(), databasePath: join(dir, 'history.sqlite') })
    await trail.open()
    const entry = (i: number) => {
      const action = ACTIONS[i % ACTIONS.length] as AuditAction
      const id = 100_000 + i
      return {
        action,
        summary: `Enrollment #${id} of payment ${266274 + i} (ref JB-${1_700_000_000 + i}-Enrol) sent to Production`,
        details: { attemptId: id, environment: 'production', paymentId: String(266274 + i), phone: '234803****567', transactionRef: `JB-${1_700_000_000 + i}-Enrol`, retryOf: null },
      }
    }

    const fillStart = performance.now()
    for (let i = 0; i < ENTRIES; i += BATCH) {
      db.exec('BEGIN IMMEDIATE')
      for (let j = i; j < Math.min(ENTRIES, i + BATCH); j++) trail.record(entry(j))
      db.exec('COMMIT')
    }
    print('audit.fill', (performance.now() - fillStart) / 1000, 's')
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)')

    trail.record({ action: 'export', summary: 'After the batches' }) // recorded on its own: the head names it
    await trail.flush()
    const verifyStart = performance.now()
    const result = await trail.verify()
    print('audit.verify_1m', (performance.now() - verifyStart) / 1000, 's')
    if (!result.ok || result.total !== ENTRIES + 2) throw new Error(`verify() did not accept the bench chain: ${JSON.stringify(result)}`)

    // One entry as the app appends it: its own durable (synchronous=FULL) transaction.
    let i = ENTRIES
    const times = timeRuns(RUNS, () => trail.record(entry(i++)))
    print('audit.append.p50', percentile(times, 50), 'ms')
    print('audit.append.p95', percentile(times, 95), 'ms')

    trail.close()
    db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
