import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { AUDIT_COLUMNS, type AuditRow } from '../audit/auditRows.ts'
import { immediateTransaction } from '../storage/transaction.ts'

// The local outbox of team replication (schema: outboxSchema.ts), on the app's SQLite file.

export interface OutboxEntry {
  attemptId: number
  version: number
}

export interface Outbox {
  /** This database file's console id (made by the migration, never changes). */
  consoleId(): string
  /** The target the outbox is kept for, undefined while no team database is in use. */
  target(): string | undefined
  /**
   * Keeps the outbox for `target`. A new or different target fills the outbox with every
   * attempt and restarts the audit from the first entry (that database has none of ours);
   * answers whether it did.
   */
  attach(target: string): boolean
  /** No team database any more: stops the triggers and empties the outbox. */
  detach(): void
  /** Attempts waiting (oldest id first). */
  take(limit: number): OutboxEntry[]
  /**
   * After PostgreSQL committed a batch, in one local transaction: removes the shipped entries
   * (unless the attempt changed since: its version moved on), moves the audit high-water mark
   * to `auditSeq` (when given) and records when it shipped.
   */
  acknowledge(entries: readonly OutboxEntry[], auditSeq: number | undefined, shippedAt: number): void
  auditShippedSeq(): number
  /** Audit rows after `seq`, as stored (details is the canonical JSON as hashed). */
  auditAfter(seq: number, limit: number): AuditRow[]
  /** Attempts and audit entries waiting. */
  pending(): { attempts: number; audit: number }
  /** Whether an attempt waiting in the outbox is unfinished and was begun at or after `since` (being sent). */
  sending(since: number): boolean
  /** Attempts and audit entries in the file: what attaching to a new target would ship. */
  everything(): number
  /**
   * The replicator's last report, kept in the file so that `team status` (another process)
   * sees what the console's replicator saw.
   */
  report(): ShipReport
  /** Records an outage (since, last error) or its end (both null). */
  setOutage(unreachableSince: number | null, lastError: string | null): void
}

export interface ShipReport {
  lastShippedAt: number | null
  unreachableSince: number | null
  lastError: string | null
}

/**
 * Runs `work` (its own transaction, not inside another) with the connection's synchronous
 * setting at NORMAL, then puts the setting back. Synchronous: nothing else uses the
 * connection meanwhile. `readSynchronous` is `PRAGMA synchronous`, prepared once by the outbox.
 */
function withoutFlush<T>(db: DatabaseSync, readSynchronous: StatementSync, work: () => T): T {
  if (db.isTransaction) return work() // the caller's transaction decides
  const before = Number((readSynchronous.get() as { synchronous: number }).synchronous)
  if (before <= 1) return work()
  db.exec('PRAGMA synchronous = NORMAL')
  try {
    return work()
  } finally {
    db.exec(`PRAGMA synchronous = ${before}`)
  }
}

export function createOutbox(db: DatabaseSync): Outbox {
  const getState = db.prepare('SELECT value FROM team_state WHERE key = ?')
  const setState = db.prepare('INSERT INTO team_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
  const state = (key: string) => (getState.get(key) as { value: string } | undefined)?.value
  const takeStatement = db.prepare('SELECT attempt_id AS attemptId, version FROM team_outbox ORDER BY attempt_id LIMIT ?')
  const ackStatement = db.prepare('DELETE FROM team_outbox WHERE attempt_id = ? AND version = ?')
  const readSynchronous = db.prepare('PRAGMA synchronous')
  const auditStatement = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`)
  const countOutbox = db.prepare('SELECT count(*) AS n FROM team_outbox')
  const countAudit = db.prepare('SELECT count(*) AS n FROM audit WHERE seq > ?')
  const sendingStatement = db.prepare(
    // The recent attempts first (attempts_started), so that a long outbox (a catch-up) costs nothing.
    `SELECT 1 FROM attempts a
      WHERE a.started_at >= ? AND a.finished_at IS NULL AND EXISTS (SELECT 1 FROM team_outbox o WHERE o.attempt_id = a.id) LIMIT 1`,
  )

  const auditShippedSeq = () => Number(state('audit_shipped_seq') ?? 0)

  return {
    consoleId() {
      const id = state('console_id')
      if (!id) throw new Error('The history database has no console id (team_state).')
      return id
    },
    target: () => state('target'),
    attach(target) {
      return immediateTransaction(db, () => {
        if (state('target') === target) return false
        setState.run('target', target)
        db.exec('DELETE FROM team_outbox; INSERT INTO team_outbox (attempt_id, version) SELECT id, 1 FROM attempts;')
        setState.run('audit_shipped_seq', '0')
        db.exec(`DELETE FROM team_state WHERE key IN ('last_shipped_at', 'unreachable_since', 'last_error')`)
        return true
      })
    },
    detach() {
      immediateTransaction(db, () => {
        db.exec(`DELETE FROM team_state WHERE key IN ('target', 'audit_shipped_seq', 'last_shipped_at', 'unreachable_since', 'last_error'); DELETE FROM team_outbox;`)
      })
    },
    sending: (since) => sendingStatement.get(since) !== undefined,
    take: (limit) => takeStatement.all(limit) as unknown as OutboxEntry[],
    acknowledge(entries, auditSeq, shippedAt) {
      if (entries.length === 0 && auditSeq === undefined) return
      // Not flushed to disk (synchronous NORMAL, WAL mode: never corrupt, the next durable commit
      // of the file flushes it too). Losing it to a power cut only ships those rows again, which
      // the team database's upsert makes harmless; an fsync here would cost every enrollment of
      // this process (its commits queue on the same disk, and this one holds the event loop).
      withoutFlush(db, readSynchronous, () =>
        immediateTransaction(db, () => {
          for (const e of entries) ackStatement.run(e.attemptId, e.version)
          if (auditSeq !== undefined) setState.run('audit_shipped_seq', String(auditSeq))
          setState.run('last_shipped_at', String(shippedAt))
        }),
      )
    },
    auditShippedSeq,
    auditAfter: (seq, limit) => auditStatement.all(seq, limit) as unknown as AuditRow[],
    report() {
      const number = (key: string) => {
        const value = state(key)
        return value === undefined ? null : Number(value)
      }
      return { lastShippedAt: number('last_shipped_at'), unreachableSince: number('unreachable_since'), lastError: state('last_error') ?? null }
    },
    setOutage(unreachableSince, lastError) {
      immediateTransaction(db, () => {
        if (unreachableSince === null || lastError === null) {
          db.exec(`DELETE FROM team_state WHERE key IN ('unreachable_since', 'last_error')`)
          return
        }
        setState.run('unreachable_since', String(unreachableSince))
        setState.run('last_error', lastError)
      })
    },
    everything() {
      const row = db.prepare('SELECT (SELECT count(*) FROM attempts) + (SELECT count(*) FROM audit) AS n').get() as { n: number }
      return Number(row.n)
    },
    pending() {
      const attempts = Number((countOutbox.get() as { n: number }).n)
      const audit = state('target') === undefined ? 0 : Number((countAudit.get(auditShippedSeq()) as { n: number }).n)
      return { attempts, audit }
    },
  }
}
