import type { Pool } from 'pg'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import type { TeamStatus } from '../../shared/domain/team.ts'
import type { AuditRow } from '../audit/auditRows.ts'
import type { Outbox, OutboxEntry } from './outbox.ts'
import { migrateTeamSchema } from './teamMigrate.ts'
import { describeTeamError } from './teamPool.ts'

/*
 * Ships this console's attempts and audit entries to the team database, in batches, on its
 * own timer and its own PostgreSQL pool. Local-first: enrollments write SQLite only (the
 * outbox triggers mark what changed); nothing here is awaited by an enrollment, and a failure
 * only changes the status. Each batch is one PostgreSQL transaction:
 *   - pg_advisory_xact_lock(console) so two shippers of one data folder (console and
 *     `team sync`) take turns, and the local rows are read after the lock (never older than
 *     what the other one shipped);
 *   - attempts upserted on (console_id, local_id); an unfinished row never overwrites a
 *     finished one;
 *   - audit entries inserted as they are, an existing (console_id, seq) left alone;
 * then, once PostgreSQL has committed, the outbox entries are acknowledged (only if the
 * attempt did not change meanwhile) and the audit high-water mark moves. A crash between the
 * two ships the batch again: the upsert makes that harmless (no duplicate, no gap).
 * Unreachable: retries with exponential back-off (1 s … 30 s); the pool's timeouts
 * (teamPool.ts) bound every wait.
 *
 * Speed (issue 14): a catch-up is bounded by PostgreSQL's work per row, so the local side
 * overlaps it (chunks, below) and costs little (one JSON text per chunk). The live path stays
 * off the enrollments' way: the timer's rounds wait for an attempt in flight, the
 * acknowledgement does not fsync (outbox.ts), the heartbeat shares the batch's commit.
 * synchronous_commit stays on for every batch: the acknowledgement follows PostgreSQL's
 * commit, and an asynchronous commit lost by a server crash after it was acknowledged here
 * would be a row never shipped again — the outbox is only re-shippable until acknowledged.
 */

export interface ReplicatorDeps {
  pool: Pool
  outbox: Outbox
  /** The full local record (history store get). */
  readAttempt(id: number): AttemptRecord | undefined
  target: string
  machine: string
  operator: string
  appVersion: string
  now?: () => number
  /** Pause between rounds while reachable (default INTERVAL_MS). */
  intervalMs?: number
  /** Rows per batch: one PostgreSQL transaction (default BATCH_ROWS). */
  batchSize?: number
  /** Back-off after a failure: first and longest wait (default 1 s, 30 s). */
  retryMs?: { first: number; max: number }
  onError?: (message: string) => void
}

export interface Replicator {
  start(): void
  status(): TeamStatus
  /** Ships everything waiting now; resolves with the status (throws nothing). */
  syncNow(): Promise<TeamStatus>
  /** Stops the timer, waits for a batch in progress, closes the pool. */
  stop(): Promise<void>
}

const ATTEMPT_FIELDS = `console_id text, local_id bigint, started_at bigint, finished_at bigint, environment text, base_url text,
  channel text, operator text, machine text, app_version text, client_id text, payment_id text, phone text,
  transaction_ref text, signature_method text, request_url text, request_headers text, request_body text,
  http_status integer, response_headers text, response_body text, outcome text, errors text, failure_reason text,
  token_ms integer, request_ms integer, duration_ms integer, clock_offset_ms integer, retry_of bigint`

const UPDATED = [
  'started_at', 'finished_at', 'environment', 'base_url', 'channel', 'operator', 'machine', 'app_version', 'client_id', 'payment_id', 'phone',
  'transaction_ref', 'signature_method', 'request_url', 'request_headers', 'request_body', 'http_status', 'response_headers', 'response_body',
  'outcome', 'errors', 'error_codes', 'failure_reason', 'token_ms', 'request_ms', 'duration_ms', 'clock_offset_ms', 'retry_of',
]

const UPSERT_ATTEMPTS = `INSERT INTO attempts (console_id, local_id, started_at, finished_at, environment, base_url, channel, operator,
    machine, app_version, client_id, payment_id, phone, transaction_ref, signature_method, request_url, request_headers,
    request_body, http_status, response_headers, response_body, outcome, errors, error_codes, failure_reason, token_ms,
    request_ms, duration_ms, clock_offset_ms, retry_of)
  SELECT x.console_id, x.local_id, x.started_at, x.finished_at, x.environment, x.base_url, x.channel, x.operator,
    x.machine, x.app_version, x.client_id, x.payment_id, x.phone, x.transaction_ref, x.signature_method, x.request_url,
    x.request_headers::json, x.request_body, x.http_status, x.response_headers::json, x.response_body, x.outcome,
    x.errors::json, ARRAY(SELECT DISTINCT e->>'code' FROM json_array_elements(x.errors::json) e WHERE e->>'code' IS NOT NULL),
    x.failure_reason, x.token_ms, x.request_ms, x.duration_ms, x.clock_offset_ms, x.retry_of
  FROM json_to_recordset($1::json) AS x(${ATTEMPT_FIELDS})
  ON CONFLICT (console_id, local_id) DO UPDATE SET ${UPDATED.map((c) => `${c} = excluded.${c}`).join(', ')}, shipped_at = now()
  WHERE attempts.finished_at IS NULL OR excluded.finished_at IS NOT NULL`

const INSERT_AUDIT = `INSERT INTO audit_entries (console_id, seq, at, operator, machine, app_version, action, summary, details, prev_hash, hash)
  SELECT $2, x.seq, x.at, x.operator, x.machine, x.app_version, x.action, x.summary, x.details, x.prev_hash, x.hash
  FROM json_to_recordset($1::json) AS x(seq bigint, at bigint, operator text, machine text, app_version text, action text,
    summary text, details text, prev_hash text, hash text)
  ON CONFLICT (console_id, seq) DO NOTHING`

const REGISTER_CONSOLE = `INSERT INTO consoles (console_id, machine, operator, app_version) VALUES ($1, $2, $3, $4)
  ON CONFLICT (console_id) DO UPDATE SET machine = excluded.machine, operator = excluded.operator,
    app_version = excluded.app_version, last_seen = now()`

/** consoles.last_seen: "every attempt of this console is in the team database as of then". */
const HEARTBEAT = 'UPDATE consoles SET last_seen = now() WHERE console_id = $1'

/**
 * PostgreSQL text cannot hold U+0000 (a hostile server's body may): it is stored as U+FFFD,
 * so that one such row can never stop a console's replication. Nothing else is changed.
 */
export function pgText<T extends string | null>(value: T): T {
  return (value !== null && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T
}

/** Every string of an object through pgText (rows are flat: strings, numbers, nulls). */
function pgRow<T extends Record<string, unknown>>(row: T): T {
  for (const [key, value] of Object.entries(row)) if (typeof value === 'string') (row as Record<string, unknown>)[key] = pgText(value)
  return row
}

/** A JSON `\u0000` escape: a backslash not itself escaped (an even run of backslashes before it). */
const JSON_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g

/**
 * Rows as the JSON parameter of a batch, with pgText's rule applied to the text as a whole:
 * JSON.stringify writes U+0000 as the escape `\u0000`, which becomes `\ufffd` (a `\\u0000` is
 * an escaped backslash followed by text, and stays). One pass over the text instead of one
 * check per field (the per-row cost of a catch-up).
 */
export function pgJson(rows: readonly object[]): string {
  const json = JSON.stringify(rows)
  return json.includes('\\u0000') ? json.replace(JSON_NUL, '$1\\ufffd') : json
}

/** One attempt as a row of the team `attempts` table, before pgText (pgJson applies it). */
function attemptRow(consoleId: string, machine: string, a: AttemptRecord) {
  return {
    console_id: consoleId,
    local_id: a.id,
    started_at: a.startedAt,
    finished_at: a.finishedAt,
    environment: a.environment,
    base_url: a.baseUrl,
    channel: a.channel,
    operator: a.operator,
    machine,
    app_version: a.appVersion,
    client_id: a.clientId,
    payment_id: a.paymentId,
    phone: a.phone,
    transaction_ref: a.transactionRef,
    signature_method: a.signatureMethod,
    request_url: a.requestUrl,
    request_headers: JSON.stringify(a.requestHeaders),
    request_body: a.requestBody,
    http_status: a.httpStatus,
    response_headers: a.responseHeaders === null ? null : JSON.stringify(a.responseHeaders),
    response_body: a.responseBody,
    outcome: a.outcome,
    errors: JSON.stringify(a.errors),
    failure_reason: a.failureReason,
    token_ms: a.tokenMs,
    request_ms: a.requestMs,
    duration_ms: a.durationMs,
    clock_offset_ms: a.clockOffsetMs,
    retry_of: a.retryOf,
  }
}

/** One attempt as the team `attempts` table holds it (what a test compares a team row with). */
export function teamAttemptRow(consoleId: string, machine: string, a: AttemptRecord) {
  return pgRow(attemptRow(consoleId, machine, a))
}

/**
 * Rows per INSERT statement of a batch. A batch's transaction holds several: while PostgreSQL
 * works on one, the next is read from SQLite and built here (the two processes overlap on two
 * cores), and the event loop is never held longer than one chunk's reads (a few ms).
 */
const CHUNK_ROWS = 250

/** Rows per batch by default (outbox entries, and audit entries). */
const BATCH_ROWS = 5000

/**
 * Pause between the timer's rounds while reachable. Each round that finds rows is a PostgreSQL
 * transaction (a synchronous commit: a WAL flush on the server's disk) and a local
 * acknowledgement; with ten consoles enrolling, 0.5 s made twenty such commits a second on a
 * machine whose consoles' own commits wait on the same cores and disk (issue 14's bench: up
 * ~15 % slower than stalled). 1 s halves them, each batch takes what gathered meanwhile, and the
 * lag stays within its target (p95 <= 2 s): at most a second's wait plus the batch.
 */
const INTERVAL_MS = 1000

/** How long stop() waits for a batch in flight before it lets go. */
const STOP_WAIT_MS = 2000

/** The longest the timer's round waits for an enrollment in flight to finish, and how often it looks. */
const QUIET_WAIT_MS = 500
const QUIET_POLL_MS = 20

/** An unfinished attempt begun longer ago than this is not waited for (a crash left it unknown). */
const SENDING_RECENT_MS = 60_000

/** At most one consoles.last_seen update per this many ms. */
const HEARTBEAT_MS = 1000

export function createReplicator(deps: ReplicatorDeps): Replicator {
  const now = deps.now ?? Date.now
  const intervalMs = deps.intervalMs ?? INTERVAL_MS
  const batchSize = deps.batchSize ?? BATCH_ROWS
  const retry = deps.retryMs ?? { first: 1000, max: 30_000 }
  const consoleId = deps.outbox.consoleId()
  // The console id is made by SQLite as lower-case hex (outboxSchema.ts): safe to write into the
  // statement, which lets BEGIN and the lock go in one round trip (simple query protocol).
  if (!/^[0-9a-f]+$/.test(consoleId)) throw new Error(`Unexpected console id ${JSON.stringify(consoleId)}.`)
  const beginLocked = `BEGIN; SELECT pg_advisory_xact_lock(hashtext('otp-console-team:${consoleId}'))`
  // The heartbeat and the COMMIT of a batch in one round trip, the same way.
  const heartbeatAndCommit = `${HEARTBEAT.replace('$1', `'${consoleId}'`)}; COMMIT`

  deps.outbox.attach(deps.target)
  let prepared = false
  let lastShippedAt: number | null = deps.outbox.report().lastShippedAt
  let unreachableSince: number | null = null
  let lastError: string | null = null
  let failures = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> | undefined
  let stopped = false
  let started = false
  let lastHeartbeat = 0

  /** Keeps an outage (or its end) in the data folder when it changed, for `team status` in another process. */
  function saveOutage(): void {
    const saved = deps.outbox.report()
    if (saved.unreachableSince !== unreachableSince || saved.lastError !== lastError) deps.outbox.setOutage(unreachableSince, lastError)
  }

  function pendingCount(): number {
    const { attempts, audit } = deps.outbox.pending()
    return attempts + audit
  }

  /**
   * Ships one batch of attempts and one of audit entries; answers how many rows went and whether
   * that was everything waiting when it began (the batch was not full).
   */
  async function shipBatch(): Promise<{ rows: number; drained: boolean }> {
    const client = await deps.pool.connect()
    // A connection that dies between two queries emits 'error' on the client (the pool only
    // listens while it is idle): without a listener that would crash the process.
    const ignore = () => {}
    client.on('error', ignore)
    const release = (destroy: boolean) => {
      client.off('error', ignore)
      client.release(destroy)
    }
    try {
      await client.query(beginLocked)
      // Read after the lock: whatever another shipper of this folder sent is acknowledged by now.
      const entries: OutboxEntry[] = deps.outbox.take(batchSize)
      let sent: Promise<unknown> = Promise.resolve()
      for (let start = 0; start < entries.length; start += CHUNK_ROWS) {
        const rows = []
        for (const entry of entries.slice(start, start + CHUNK_ROWS)) {
          const record = deps.readAttempt(entry.attemptId)
          if (record) rows.push(attemptRow(consoleId, deps.machine, record)) // purged ones: just acknowledged
        }
        // One statement at a time on the connection; this chunk was built while the last one ran.
        await sent
        // A macrotask turn even when PostgreSQL was quicker: IPC and an enrollment's I/O run between chunks.
        await new Promise((resolve) => setImmediate(resolve))
        if (rows.length > 0) sent = client.query({ name: 'team-upsert-attempts', text: UPSERT_ATTEMPTS, values: [pgJson(rows)] })
        // A failure is seen when awaited (next chunk or below); until then it must not count as unhandled.
        sent.catch(() => {})
      }
      const shippedSeq = deps.outbox.auditShippedSeq()
      const audit: AuditRow[] = deps.outbox.auditAfter(shippedSeq, batchSize)
      await sent
      if (audit.length > 0) await client.query({ name: 'team-insert-audit', text: INSERT_AUDIT, values: [pgJson(audit), consoleId] })
      // This batch took everything that was waiting when it began: a heartbeat due rides along
      // (now() is the transaction's start, before the outbox was read), saving a commit of its own.
      const drained = entries.length < batchSize && audit.length < batchSize
      const heartbeat = drained && now() - lastHeartbeat >= HEARTBEAT_MS
      await client.query(heartbeat ? heartbeatAndCommit : 'COMMIT')
      if (heartbeat) lastHeartbeat = now()
      if (entries.length + audit.length > 0) {
        lastShippedAt = now()
        deps.outbox.acknowledge(entries, audit.at(-1)?.seq, lastShippedAt)
      }
      release(false)
      return { rows: entries.length + audit.length, drained }
    } catch (error) {
      // The connection may be stalled or half dead: destroy it (PostgreSQL rolls the
      // transaction back when it goes) rather than wait on a ROLLBACK or reuse it.
      release(true)
      throw error
    }
  }

  /** One round: everything waiting (`untilEmpty`, syncNow) or what waited when it began (the timer). */
  async function round(untilEmpty: boolean): Promise<void> {
    try {
      if (!prepared) {
        await migrateTeamSchema(deps.pool)
        await deps.pool.query(REGISTER_CONSOLE, [consoleId, deps.machine, deps.operator, deps.appVersion])
        prepared = true
      }
      // Nothing waiting: no transaction is opened (the heartbeat below still checks the link).
      // The timer's round ends at a batch that was not full (it took everything waiting when it
      // began; what an enrollment wrote since goes next round, not in a second commit now).
      let drained = pendingCount() === 0
      while (!stopped && !drained) {
        const batch = await shipBatch()
        drained = batch.rows === 0 || (untilEmpty ? pendingCount() === 0 : batch.drained)
        // Let enrollments and IPC run between batches of a long catch-up.
        if (!drained) await new Promise((resolve) => setImmediate(resolve))
      }
      // Heartbeat: consoles.last_seen = "every attempt of this console is in the team
      // database as of then" (the duplicate warning shows it as the team data's freshness).
      // A batch that drained the outbox carried it when due; else one of its own, nothing waiting.
      if (now() - lastHeartbeat >= HEARTBEAT_MS && pendingCount() === 0) {
        const at = now()
        await deps.pool.query(HEARTBEAT, [consoleId])
        lastHeartbeat = at
      }
      failures = 0
      unreachableSince = null
      lastError = null
    } catch (error) {
      failures++
      unreachableSince ??= now()
      lastError = describeTeamError(error)
      deps.onError?.(lastError)
    }
    try {
      saveOutage()
    } catch {
      // the local file is busy (another process writing): the report is refreshed next round
    }
  }

  function runRound(untilEmpty: boolean): Promise<void> {
    running ??= round(untilEmpty).finally(() => {
      running = undefined
    })
    return running
  }

  /**
   * Waits while an attempt is being sent (begun within SENDING_RECENT_MS, not finished), at most
   * QUIET_WAIT_MS: the timer's shipping then runs between enrollments, not during one, and an
   * attempt is usually shipped once, finished, rather than once unknown and once finished. The
   * bound keeps a long send (or a bulk run that always has one) from holding shipping back: the
   * unknown row then goes, as before, for the other desks' duplicate warning.
   */
  async function quiet(): Promise<void> {
    const giveUpAt = Date.now() + QUIET_WAIT_MS
    while (!stopped && Date.now() < giveUpAt && deps.outbox.sending(now() - SENDING_RECENT_MS)) {
      await new Promise((resolve) => setTimeout(resolve, QUIET_POLL_MS))
    }
  }

  function schedule(): void {
    if (stopped) return
    const delay = failures === 0 ? intervalMs : Math.min(retry.max, retry.first * 2 ** (failures - 1))
    timer = setTimeout(() => {
      timer = undefined
      backgroundRound()
    }, delay)
  }

  /**
   * A round of the replicator's own (not syncNow): after quiet(), then the next one scheduled.
   * None once stopped meanwhile (stop() does not wait for quiet(); the pool is being closed).
   */
  function backgroundRound(): void {
    void quiet()
      .catch(() => {}) // the local file busy: ship anyway
      .then(() => (stopped ? undefined : runRound(false)))
      .then(schedule)
  }

  function status(): TeamStatus {
    const pending = pendingCount()
    const state = unreachableSince !== null ? 'unreachable' : pending === 0 ? 'up-to-date' : 'waiting'
    return { state, pending, lastShippedAt, unreachableSince, lastError, consoleId, target: deps.target }
  }

  return {
    start() {
      if (started || stopped) return
      started = true
      backgroundRound()
    },
    status,
    async syncNow() {
      if (running) await running
      await runRound(true)
      return status()
    },
    async stop() {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      // A batch hung on a stalled connection ends at its timeouts; closing does not wait for that.
      let giveUp: ReturnType<typeof setTimeout> | undefined
      const bounded = new Promise<void>((resolve) => {
        giveUp = setTimeout(resolve, STOP_WAIT_MS)
        giveUp.unref()
      })
      await Promise.race([(running ?? Promise.resolve()).then(() => deps.pool.end()), bounded])
      clearTimeout(giveUp)
    },
  }
}
