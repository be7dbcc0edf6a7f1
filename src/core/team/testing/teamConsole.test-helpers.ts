import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { AttemptRecord } from '../../../shared/domain/attempt.ts'
import { createAppCore, type AppCore } from '../../app/appCore.ts'
import { AUDIT_COLUMNS, type AuditRow } from '../../audit/auditRows.ts'
import { createMemorySecretStore } from '../../audit/memorySecretStore.ts'
import { silentLogger } from '../../log/logger.ts'
import { teamAttemptRow } from '../replicator.ts'
import { TEAM_DB_ENV } from '../teamConfig.ts'

// A console (an AppCore on its own data folder) pointed at a team database, for the
// replication proofs: fast replicator timing, short pool timeouts, the training server.

export interface TestConsole {
  core: AppCore
  dataDir: string
  machine: string
  enroll(paymentId: string): Promise<AttemptRecord>
  close(): Promise<void>
}

export async function openTestConsole(teamUrl: string, trainingUrl: string, machine: string): Promise<TestConsole> {
  const dataDir = mkdtempSync(join(tmpdir(), 'otp-team-console-'))
  const core = createAppCore({
    dataDir,
    fetch: (input, init) => fetch(input, init),
    secretStore: createMemorySecretStore(),
    logger: silentLogger,
    operator: `op-${machine}`,
    machine,
    appVersion: '0.0.0-test',
    channel: 'console',
    trainingUrl: () => trainingUrl,
    env: { [TEAM_DB_ENV]: teamUrl },
    teamReplicator: { intervalMs: 50, batchSize: 200, retryMs: { first: 100, max: 400 }, pool: { connectTimeoutMs: 1500, statementTimeoutMs: 3000 } },
  })
  await core.audit.open()
  let n = 0
  return {
    core,
    dataDir,
    machine,
    async enroll(paymentId) {
      n++
      const result = await core.enrollService.enroll({
        environment: 'training',
        paymentId,
        phone: `0803 ${String(1000000 + n).slice(-7, -4)} ${String(n).padStart(4, '0')}`,
        transactionRef: `REF-${machine}-${n}`,
        signatureMethod: 'SHA-256',
      })
      if (!result.ok) throw new Error(`enroll ${paymentId}: ${result.error.message}`)
      return result.value
    },
    async close() {
      await core.team.stop()
      await core.audit.flush()
      core.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Every attempt of the console's local history, oldest first. */
export function localAttempts(core: AppCore): AttemptRecord[] {
  return [...core.history.iterate({})].sort((a, b) => a.id - b.id)
}

const TEAM_ROW_SELECT = `SELECT console_id, local_id::float8 AS local_id, started_at::float8 AS started_at, finished_at::float8 AS finished_at,
  environment, base_url, channel, operator, machine, app_version, client_id, payment_id, phone, transaction_ref, signature_method,
  request_url, request_headers::text AS request_headers, request_body, http_status, response_headers::text AS response_headers,
  response_body, outcome, errors::text AS errors, failure_reason, token_ms, request_ms, duration_ms, clock_offset_ms,
  retry_of::float8 AS retry_of FROM attempts WHERE console_id = $1 ORDER BY local_id`

/**
 * The team store's rows of one console, and what they must be (its local history, row for
 * row, in the same shape). Equal arrays: no gap, no duplicate, no stale outcome.
 */
export async function teamAndLocal(pool: pg.Pool, console: TestConsole): Promise<{ team: unknown[]; local: unknown[] }> {
  const consoleId = console.core.team.consoleId()
  const team = (await pool.query(TEAM_ROW_SELECT, [consoleId])).rows
  const local = localAttempts(console.core).map((a) => teamAttemptRow(consoleId, console.machine, a))
  return { team, local }
}

/** The console's audit rows in the team store and locally, in the same shape. */
export async function teamAndLocalAudit(pool: pg.Pool, console: TestConsole): Promise<{ team: AuditRow[]; local: AuditRow[] }> {
  const team = (
    await pool.query<AuditRow>(
      `SELECT seq::float8 AS seq, at::float8 AS at, operator, machine, app_version, action, summary, details, prev_hash, hash FROM audit_entries WHERE console_id = $1 ORDER BY seq`,
      [console.core.team.consoleId()],
    )
  ).rows
  const { DatabaseSync } = await import('node:sqlite')
  const db = new DatabaseSync(join(console.dataDir, 'history.sqlite'), { readOnly: true })
  try {
    const local = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY seq`).all() as unknown as AuditRow[]
    return { team, local: local.map((r) => ({ ...r })) }
  } finally {
    db.close()
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`Timed out waiting for ${what}`)
}
