import type { DatabaseSync } from 'node:sqlite'
import type { BulkCounts, BulkProgress, BulkRun, BulkRunState } from '../../shared/domain/bulkRun.ts'
import type { AuditTrail } from '../audit/types.ts'
import { attemptAuditEntry, clientErrorResult, completionOf, newAttemptRecord, outcomeAuditEntry, type AttemptContext } from '../enroll/attemptSteps.ts'
import type { EnrollCaller } from '../enroll/enrollService.ts'
import type { AttemptCompletion, HistoryStore } from '../history/types.ts'
import type { Logger } from '../log/logger.ts'
import type { EnrollBody, EnrollCallResult, EnrollTarget } from '../protocol/types.ts'
import { immediateTransaction } from '../storage/transaction.ts'
import { createRateMeter, progressOf } from './runProgress.ts'
import { createRateLimit } from './runRateLimit.ts'
import type { PendingRow, RunStore } from './runStore.ts'

// Drives one run: at most `concurrency` requests out, spaced by the rate limit, until no row is
// pending. Writes are grouped: each cycle is ONE transaction that completes the attempts
// answered since the last cycle and begins (and links to their rows) the attempts about to
// start, so a busy run commits many rows per fsync — and every attempt is on disk
// (synchronous=FULL) before its request leaves. Cycles run on setImmediate: whatever arrived
// while the previous one wrote is batched into the next (group commit, no added delay).
// A row answered but not yet written when the process dies stays `unknown`: never resent.

export interface EngineDeps {
  db: DatabaseSync
  history: HistoryStore
  runs: RunStore
  audit: AuditTrail
  client: EnrollCaller
  logger: Logger
  now: () => number
  context: AttemptContext
}

export interface RunHandle {
  runId: number
  /** Nothing new starts; requests out finish. */
  pause(): void
  resume(): void
  /** Nothing new starts; requests out finish; the run ends `cancelled`. */
  cancel(): void
  /** Shutdown: nothing new starts; resolves once the requests out have finished; the run is left `interrupted` (resumable). */
  stop(): Promise<void>
  progress(): BulkProgress
  /** Attempt ids whose request is out now. */
  inFlight(): ReadonlySet<number>
  /** Resolves once the run is finished, cancelled, or paused with nothing out (or stopped by an error). */
  settled: Promise<{ state: BulkRunState; error?: string }>
}

interface Answered {
  id: number
  completion: AttemptCompletion
  requestHeaders: Record<string, string>
}

const PAGE = 512
const PROGRESS_EVERY_MS = 200

/** `onEnded`: the run has ended (finished, cancelled, or stopped by a write error); the handle is spent. */
export function startEngine(deps: EngineDeps, run: BulkRun, target: EnrollTarget, onProgress: (progress: BulkProgress) => void, onEnded: () => void = () => {}): RunHandle {
  const { history, runs, audit, now } = deps
  const limit = createRateLimit(run.rate)
  const meter = createRateMeter(now)
  const counts: BulkCounts = runs.counts(run.id)
  const out = new Set<number>()
  let answered: Answered[] = []
  let queue: PendingRow[] = []
  let afterRow = 0
  let exhausted = false
  let state: 'running' | 'pausing' | 'paused' | 'stopping' | 'cancelling' | 'done' = 'running'
  let endState: BulkRunState = 'running'
  let scheduled = false
  let timer: NodeJS.Timeout | undefined
  let lastProgressAt = 0
  let stopError: string | undefined
  type Settled = { state: BulkRunState; error?: string }
  let resolveSettled!: (value: Settled) => void
  let isSettled = false
  let settled = new Promise<Settled>((resolve) => (resolveSettled = resolve))
  const settle = (value: Settled) => {
    isSettled = true
    resolveSettled(value)
  }
  /** A new promise for the next time the run comes to rest, unless the current one is still pending. */
  function renew() {
    if (!isSettled) return
    isSettled = false
    settled = new Promise<Settled>((resolve) => (resolveSettled = resolve))
  }

  function nextRow(): PendingRow | undefined {
    if (queue.length === 0 && !exhausted) {
      queue = runs.pendingRows(run.id, afterRow, PAGE)
      if (queue.length < PAGE) exhausted = true
      const last = queue.at(-1)
      if (last) afterRow = last.line
    }
    return queue.shift()
  }
  const rowsLeft = () => queue.length > 0 || !exhausted

  function schedule() {
    if (scheduled || state === 'done') return
    scheduled = true
    setImmediate(cycle)
  }

  function cycle() {
    scheduled = false
    if (state === 'done') return
    const started: { row: PendingRow; id: number; body: EnrollBody; startedAt: number }[] = []
    const done = answered
    answered = []
    let want = state === 'running' ? run.concurrency - out.size : 0
    if (want > 0 && limit.waitMs(now()) > 0) want = 0
    // The rate limit lets one request through per slot of time; without one, fill every free slot.
    if (want > 0 && run.rate !== null) want = 1
    try {
      // One transaction, one write of the in-flight list and of each count cell, for the whole cycle.
      history.inFlightBatch(() => immediateTransaction(deps.db, () => history.countBatch(() => {
        for (const a of done) {
          history.complete(a.id, a.completion, Object.keys(a.requestHeaders).length > 0 ? a.requestHeaders : undefined)
          const record = history.get(a.id)
          if (record) audit.record(outcomeAuditEntry(record))
        }
        for (let i = 0; i < want; i++) {
          const row = nextRow()
          if (!row) break
          const body: EnrollBody = { paymentId: row.paymentId, mobilePhoneNumber: row.phone, transactionRef: row.transactionRef }
          const startedAt = now()
          const id = history.begin(newAttemptRecord(deps.context, target, body, startedAt, null))
          runs.linkAttempt(run.id, row.line, id)
          audit.record(attemptAuditEntry(id, run.environment, body, null, { bulkRun: run.id, line: row.line }))
          started.push({ row, id, body, startedAt })
        }
      })))
    } catch (error) {
      // The database refused the write: nothing of this cycle was begun, so nothing is sent.
      // The answers of `done` stay `unknown` in history (never resent). The run stops.
      stopError = `The run stopped: the history could not be written (${error instanceof Error ? error.message : String(error)}).`
      deps.logger.error('bulk.write-failed', { runId: run.id, reason: stopError })
      for (const { row } of started) queue.unshift(row)
      started.length = 0
      if (state === 'running' || state === 'pausing') state = 'pausing'
    }
    for (const a of done) {
      counts.inFlight -= 1
      counts.outcomes[a.completion.outcome] += 1
    }
    for (const s of started) {
      const at = now()
      limit.take(at)
      meter.started(at)
      counts.pending -= 1
      counts.inFlight += 1
      out.add(s.id)
      void send(s.id, s.body, s.startedAt)
    }
    if (state === 'running' && !rowsLeft() && out.size === 0 && answered.length === 0) return end('finished')
    if (state !== 'running' && out.size === 0 && answered.length === 0) {
      if (state === 'cancelling') return end('cancelled')
      if (state === 'stopping') {
        state = 'done'
        endState = 'interrupted'
        runs.setState(run.id, 'interrupted')
        report(true)
        onEnded()
        settle({ state: 'interrupted' })
        return
      }
      if (state === 'pausing') {
        state = 'paused'
        runs.setState(run.id, stopError ? 'interrupted' : 'paused')
        if (stopError) {
          state = 'done'
          endState = 'interrupted'
          onEnded()
        }
        report(true)
        settle({ state: stopError ? 'interrupted' : 'paused', ...(stopError ? { error: stopError } : {}) })
        return
      }
    }
    report(false)
    // Free slots waiting for the rate limit: wake up when the next request may start.
    if (state === 'running' && rowsLeft() && out.size < run.concurrency && answered.length === 0) {
      const wait = limit.waitMs(now())
      if (wait > 0) {
        clearTimeout(timer)
        timer = setTimeout(schedule, Math.ceil(wait))
      } else schedule() // the slot fell due while this cycle ran (want was 0 for the rate): go again, or nothing would wake the run
    }
  }

  async function send(id: number, body: EnrollBody, startedAt: number) {
    let sending = false
    let sentHeaders: Record<string, string> = {}
    let result: EnrollCallResult
    try {
      result = await deps.client.enroll(target, body, {
        beforeSend(headers) {
          sending = true
          sentHeaders = headers
        },
      })
    } catch (error) {
      deps.logger.error('bulk.client-error', { runId: run.id, attemptId: id, reason: error instanceof Error ? error.message : String(error) })
      result = clientErrorResult(error, sending)
    }
    out.delete(id)
    const headers = Object.keys(result.requestHeaders).length > 0 ? result.requestHeaders : sentHeaders
    answered.push({ id, completion: completionOf(result, startedAt, now()), requestHeaders: headers })
    schedule()
  }

  function end(final: 'finished' | 'cancelled') {
    state = 'done'
    endState = final
    clearTimeout(timer)
    runs.setState(run.id, final)
    const summary = runs.counts(run.id)
    audit.record({
      action: final === 'finished' ? 'bulk.finish' : 'bulk.cancel',
      summary: `Bulk run #${run.id} (${run.fileName}) ${final}: ${summary.outcomes.enrolled} enrolled, ${summary.outcomes.rejected} rejected, ${summary.outcomes.failed} failed, ${summary.outcomes.unknown} unknown, ${summary.skipped} skipped, ${summary.pending} not sent`,
      details: { runId: run.id, state: final, counts: summary },
    })
    report(true)
    onEnded()
    settle({ state: final })
  }

  function report(force: boolean) {
    const at = now()
    if (!force && at - lastProgressAt < PROGRESS_EVERY_MS) return
    lastProgressAt = at
    onProgress(progress())
  }

  function progress(): BulkProgress {
    const shown: BulkRunState = state === 'done' ? endState : state === 'paused' ? 'paused' : 'running'
    return progressOf(run.id, shown, counts, state === 'running' ? meter.perSecond() : 0)
  }

  schedule()

  return {
    runId: run.id,
    pause() {
      if (state !== 'running') return
      state = 'pausing'
      clearTimeout(timer)
      audit.record({ action: 'bulk.pause', summary: `Bulk run #${run.id} (${run.fileName}) paused`, details: { runId: run.id, inFlight: out.size } })
      schedule()
    },
    resume() {
      if (state !== 'pausing' && state !== 'paused') return
      if (stopError) return
      if (state === 'paused') renew()
      state = 'running'
      runs.setState(run.id, 'running')
      audit.record({ action: 'bulk.resume', summary: `Bulk run #${run.id} (${run.fileName}) resumed`, details: { runId: run.id } })
      schedule()
    },
    cancel() {
      if (state === 'done' || state === 'cancelling') return
      state = 'cancelling'
      clearTimeout(timer)
      renew()
      schedule()
    },
    async stop() {
      if (state === 'done') return
      if (state === 'paused') {
        // Nothing out: left as it is (paused, resumable).
        state = 'done'
        endState = 'paused'
        onEnded()
        return
      }
      state = 'stopping'
      clearTimeout(timer)
      renew()
      schedule()
      await settled
    },
    progress,
    inFlight: () => new Set(out),
    get settled() {
      return settled
    },
  }
}
