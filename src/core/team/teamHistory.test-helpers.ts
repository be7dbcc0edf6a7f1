import type { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { AUDIT_COLUMNS, type AuditRow } from '../audit/auditRows.ts'
import { migrateTeamSchema } from './teamMigrate.ts'
import { freshTestDatabase } from './testing/sharedPgCluster.ts'

// Shared by the team read tests (not shipped code): a fresh team database on the run's shared
// cluster with the schema applied, and a way to put attempts in it as the replicator ships them.

export interface TeamTestDb {
  url: string
  pool: pg.Pool
  close(): Promise<void>
}

export async function openTeamTestDb(): Promise<TeamTestDb> {
  const url = await freshTestDatabase('teamread')
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  await migrateTeamSchema(pool)
  return { url, pool, close: () => pool.end() }
}

export interface TestConsole {
  consoleId: string
  machine: string
  operator: string
}

/** Registers the console and upserts its attempts, column for column as the replicator's rows. */
export async function shipAttempts(pool: pg.Pool, console: TestConsole, records: readonly AttemptRecord[]): Promise<void> {
  await pool.query(
    `INSERT INTO consoles (console_id, machine, operator, app_version) VALUES ($1, $2, $3, '0.1.0')
     ON CONFLICT (console_id) DO UPDATE SET last_seen = now()`,
    [console.consoleId, console.machine, console.operator],
  )
  for (const a of records) {
    await pool.query(
      `INSERT INTO attempts (console_id, local_id, started_at, finished_at, environment, base_url, channel, operator, machine, app_version,
         client_id, payment_id, phone, transaction_ref, signature_method, request_url, request_headers, request_body, http_status,
         response_headers, response_body, outcome, errors, error_codes, failure_reason, token_ms, request_ms, duration_ms, clock_offset_ms, retry_of)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::json, $18, $19, $20::json, $21, $22, $23::json,
         ARRAY(SELECT DISTINCT e->>'code' FROM json_array_elements($23::json) e), $24, $25, $26, $27, $28, $29)`,
      [
        console.consoleId,
        a.id,
        a.startedAt,
        a.finishedAt,
        a.environment,
        a.baseUrl,
        a.channel,
        a.operator,
        console.machine,
        a.appVersion,
        a.clientId,
        a.paymentId,
        a.phone,
        a.transactionRef,
        a.signatureMethod,
        a.requestUrl,
        JSON.stringify(a.requestHeaders),
        a.requestBody,
        a.httpStatus,
        a.responseHeaders === null ? null : JSON.stringify(a.responseHeaders),
        a.responseBody,
        a.outcome,
        JSON.stringify(a.errors),
        a.failureReason,
        a.tokenMs,
        a.requestMs,
        a.durationMs,
        a.clockOffsetMs,
        a.retryOf,
      ],
    )
  }
}

/** Ships a local audit table's rows as they are (details as the canonical text hashed). */
export async function shipAuditRows(pool: pg.Pool, console: TestConsole, db: DatabaseSync): Promise<number> {
  await pool.query(
    `INSERT INTO consoles (console_id, machine, operator, app_version) VALUES ($1, $2, $3, '0.1.0') ON CONFLICT (console_id) DO NOTHING`,
    [console.consoleId, console.machine, console.operator],
  )
  const rows = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY seq`).all() as unknown as AuditRow[]
  for (const r of rows) {
    await pool.query(
      `INSERT INTO audit_entries (console_id, seq, at, operator, machine, app_version, action, summary, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [console.consoleId, r.seq, r.at, r.operator, r.machine, r.app_version, r.action, r.summary, r.details, r.prev_hash, r.hash],
    )
  }
  return rows.length
}
