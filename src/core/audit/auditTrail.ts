import type { DatabaseSync } from 'node:sqlite'
import type { AuditEntry, AuditVerification } from '../../shared/domain/audit.ts'
import { immediateTransaction } from '../storage/transaction.ts'
import { canonicalJson, GENESIS_HASH, hashEntry } from './auditHash.ts'
import type { AuditInput, AuditTrail } from './types.ts'

export interface AuditTrailOptions {
  now: () => number
  operator: string
  machine: string
  appVersion: string
}

interface AuditRow {
  seq: number
  at: number
  operator: string
  machine: string
  app_version: string
  action: string
  summary: string
  details: string
  prev_hash: string
  hash: string
}

const COLUMNS = 'seq, at, operator, machine, app_version, action, summary, details, prev_hash, hash'

/**
 * The hash-chained audit trail on a connection from openDatabase() (which creates the table).
 * The caller owns the connection (shared with the history store); close() retires the trail.
 */
export function createAuditTrail(db: DatabaseSync, options: AuditTrailOptions): AuditTrail {
  let closed = false
  function ensureOpen() {
    if (closed) throw new Error('The audit trail is closed.')
  }

  const lastStatement = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1')
  const insertStatement = db.prepare(`INSERT INTO audit (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)

  function record(input: AuditInput): AuditEntry {
    ensureOpen()
    const details = canonicalJson(input.details ?? {})
    // IMMEDIATE: the console and the CLI may append at once; the write lock is taken before
    // the last hash is read, so each sees the other's entry and the chain stays linear.
    return immediateTransaction(db, () => {
      const last = lastStatement.get() as { seq: number; hash: string } | undefined
      const fields = {
        seq: (last?.seq ?? 0) + 1,
        at: options.now(),
        operator: options.operator,
        machine: options.machine,
        appVersion: options.appVersion,
        action: input.action,
        summary: input.summary,
        details,
        prevHash: last?.hash ?? GENESIS_HASH,
      }
      const hash = hashEntry(fields)
      insertStatement.run(fields.seq, fields.at, fields.operator, fields.machine, fields.appVersion, fields.action, fields.summary, details, fields.prevHash, hash)
      return { ...fields, details: JSON.parse(details) as Record<string, unknown>, hash }
    })
  }

  function list(request: { beforeSeq?: number | undefined; limit: number }): AuditEntry[] {
    ensureOpen()
    const rows = (
      request.beforeSeq === undefined
        ? db.prepare(`SELECT ${COLUMNS} FROM audit ORDER BY seq DESC LIMIT ?`).all(request.limit)
        : db.prepare(`SELECT ${COLUMNS} FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?`).all(request.beforeSeq, request.limit)
    ) as unknown as AuditRow[]
    return rows.map(toEntry)
  }

  /** Walks the chain in seq order, one row at a time, and stops at the first broken entry. */
  function verify(): AuditVerification {
    ensureOpen()
    let expectedSeq = 1
    let prevHash = GENESIS_HASH
    let total = 0
    let brokenAt: AuditVerification['brokenAt'] = null
    const rows = db.prepare(`SELECT ${COLUMNS} FROM audit ORDER BY seq`)
    rows.setReturnArrays(true) // a million rows: arrays are half the cost of objects
    for (const row of rows.iterate() as IterableIterator<AuditRowArray>) {
      total++
      brokenAt = check(row, expectedSeq, prevHash)
      if (brokenAt) break
      expectedSeq = row[0] + 1
      prevHash = row[9]
    }
    if (brokenAt) {
      total = (db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n
      return { ok: false, total, verifiedUpTo: expectedSeq - 1, brokenAt }
    }
    return { ok: true, total, verifiedUpTo: expectedSeq - 1, brokenAt: null }
  }

  return {
    record,
    list,
    verify,
    close() {
      closed = true
    },
  }
}

/** Columns in COLUMNS order. */
type AuditRowArray = [number, number, string, string, string, string, string, string, string, string]

function check(row: AuditRowArray, expectedSeq: number, prevHash: string): { seq: number; reason: string } | null {
  const [seq, at, operator, machine, appVersion, action, summary, details, rowPrevHash, rowHash] = row
  // Rows come in ascending seq order, so a seq other than the expected one is a gap.
  if (seq !== expectedSeq) {
    const missing = seq - 1 === expectedSeq ? `#${expectedSeq} is` : `#${expectedSeq}–#${seq - 1} are`
    return { seq, reason: `Entry ${missing} missing before this one.` }
  }
  if (rowPrevHash !== prevHash) {
    return { seq, reason: seq === 1 ? 'The first entry does not start the chain.' : `Its link does not match entry #${seq - 1}: an entry was removed, replaced or reordered.` }
  }
  if (hashEntry({ seq, at, operator, machine, appVersion, action, summary, details, prevHash: rowPrevHash }) !== rowHash) {
    return { seq, reason: 'Its content does not match its hash: the entry was edited.' }
  }
  return null
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    operator: row.operator,
    machine: row.machine,
    appVersion: row.app_version,
    action: row.action,
    summary: row.summary,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}
