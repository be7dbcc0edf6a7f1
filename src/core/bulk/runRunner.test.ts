import { afterEach, describe, expect, it } from 'vitest'
import type { BulkProgress } from '../../shared/domain/bulkRun.ts'
import type { EnrollCaller } from '../enroll/enrollService.ts'
import type { EnrollCallResult } from '../protocol/types.ts'
import { ids, openRunKit, rowsOf, type RunKit } from './run.test-helpers.ts'
import type { CreateRunRequest } from './runRunner.ts'
import { pageCacheKiB, RUN_PAGE_CACHE_KIB } from './runPageCache.ts'

// The runner against a real training server on loopback: rows stored before the first request,
// one attempt per row, concurrency and rate as the server sees them, pause/resume/cancel,
// resume after a crash, retry of the failed rows, the production confirmation.

const NOT_SENT: EnrollCallResult = {
  outcome: 'failed',
  httpStatus: null,
  responseHeaders: null,
  responseBody: null,
  errors: [],
  failureReason: null,
  tokenMs: null,
  requestMs: null,
  clockOffsetMs: null,
  requestHeaders: {},
}

let kit: RunKit | undefined
afterEach(async () => {
  await kit?.close()
  kit = undefined
})

function request(rows: CreateRunRequest['rows'], settings: Partial<CreateRunRequest['settings']> = {}, environment: CreateRunRequest['environment'] = 'custom'): CreateRunRequest {
  return { fileName: 'cards.csv', fileFingerprint: 'f'.repeat(64), environment, header: ['payment_id', 'phone'], mapping: { paymentId: 'payment_id', phone: 'phone' }, settings: { concurrency: 4, rate: null, ...settings }, rows }
}

async function created(k: RunKit, req: CreateRunRequest) {
  const run = await k.runner.create(req)
  if (!run.ok) throw new Error(run.error.message)
  return run.value
}

async function runToEnd(k: RunKit, runId: number, onProgress?: (p: BulkProgress) => void) {
  const handle = await k.runner.start(runId, onProgress ? { onProgress } : {})
  if (!handle.ok) throw new Error(handle.error.message)
  return handle.value.settled
}

const attemptsOf = (k: RunKit, paymentId: string) => k.history.chain(paymentId)

describe('bulk runner', () => {
  it('holds the page cache to RUN_PAGE_CACHE_KIB while it sends a run, and gives the cache back when the run ends', async () => {
    kit = await openRunKit()
    const before = pageCacheKiB(kit.temp.db)
    expect(before).toBeGreaterThan(RUN_PAGE_CACHE_KIB) // openDatabase's cache for the history view
    const run = await created(kit, request(rowsOf(ids(6))))
    const started = await kit.runner.start(run.id)
    if (!started.ok) throw new Error(started.error.message)
    expect(pageCacheKiB(kit.temp.db)).toBe(RUN_PAGE_CACHE_KIB)
    expect((await started.value.settled).state).toBe('finished')
    expect(pageCacheKiB(kit.temp.db)).toBe(before)
  })

  it('holds the page cache while create stores a run, and gives it back once the run is stored', async () => {
    kit = await openRunKit()
    const k = kit
    const before = pageCacheKiB(k.temp.db)
    const seen: number[] = []
    function* watched() {
      for (const row of rowsOf(ids(3))) {
        seen.push(pageCacheKiB(k.temp.db))
        yield row
      }
    }
    await created(k, request(watched()))
    expect(seen).toEqual([RUN_PAGE_CACHE_KIB, RUN_PAGE_CACHE_KIB, RUN_PAGE_CACHE_KIB])
    expect(pageCacheKiB(k.temp.db)).toBe(before)
  })

  it('stores the run and every row before sending anything; rows the preview left out or that fail the rules are never sent', async () => {
    kit = await openRunKit()
    const rows = [...rowsOf(ids(3)), ...rowsOf(['700001'], { line: 5, category: 'duplicate-in-file', send: false }), ...rowsOf(['700011'], { line: 6, phone: '12' })]
    const run = await created(kit, request(rows))
    expect(kit.received).toEqual([])
    const counts = kit.runs.counts(run.id)
    expect(counts).toMatchObject({ total: 5, pending: 3, skipped: 2 })
    expect(run.state).toBe('paused')

    const end = await runToEnd(kit, run.id)
    expect(end.state).toBe('finished')
    expect(kit.received.map((r) => r.paymentId).sort()).toEqual(ids(3).sort())
    expect(attemptsOf(kit, '700001')).toEqual([])
    expect(attemptsOf(kit, '700011')).toEqual([])
    expect(kit.runs.get(run.id)?.state).toBe('finished')
  })

  it('gives every row exactly one attempt, linked to its run, with the outcome the server decided', async () => {
    kit = await openRunKit()
    const paymentIds = ['610001', '610403', '610034', '610500', '610011']
    const run = await created(kit, request(rowsOf(paymentIds)))
    await runToEnd(kit, run.id)
    for (const id of paymentIds) expect(attemptsOf(kit, id)).toHaveLength(1)
    const summary = kit.runner.summary(run.id)
    if (!summary.ok) throw new Error('no summary')
    expect(summary.value.counts.outcomes).toEqual({ enrolled: 2, rejected: 2, failed: 1, unknown: 0 })
    // E34 (system busy) is worth retrying; 10403 and an HTTP 500 that reached the API are not.
    expect(summary.value.retryableRows).toBe(1)
    const runAttempts = kit.history.page({ filter: { runId: run.id }, limit: 50 }).rows
    expect(runAttempts.map((a) => a.paymentId).sort()).toEqual([...paymentIds].sort())
    const actions = kit.audit.list({ limit: 50 }).map((e) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['bulk.start', 'bulk.finish']))
    expect(actions.filter((a) => a === 'enroll.attempt')).toHaveLength(5)
    expect(actions.filter((a) => a === 'enroll.outcome')).toHaveLength(5)
  })

  it('never has more requests out than the concurrency, and shares one token across the run', async () => {
    let out = 0
    let peak = 0
    kit = await openRunKit({
      server: { answerDelayMs: 30 },
      client: (real): EnrollCaller => ({
        async enroll(target, body, hooks) {
          out += 1
          peak = Math.max(peak, out)
          try {
            return await real.enroll(target, body, hooks)
          } finally {
            out -= 1
          }
        },
      }),
    })
    const run = await created(kit, request(rowsOf(ids(40)), { concurrency: 5 }))
    await runToEnd(kit, run.id)
    expect(kit.received).toHaveLength(40)
    expect(peak).toBe(5)
    expect(kit.tokenRequests()).toBe(1)
  })

  it('keeps to the rate limit as the server measures it: no one-second window above the limit by more than one', async () => {
    kit = await openRunKit()
    const rate = 20
    const run = await created(kit, request(rowsOf(ids(50)), { concurrency: 8, rate }))
    const started = performance.now()
    await runToEnd(kit, run.id)
    const elapsed = performance.now() - started
    const times = kit.received.map((r) => r.at).sort((a, b) => a - b)
    expect(times).toHaveLength(50)
    let worst = 0
    for (let i = 0; i < times.length; i++) {
      let j = i
      while (j < times.length && (times[j] as number) < (times[i] as number) + 1000) j++
      worst = Math.max(worst, j - i)
    }
    expect(worst).toBeLessThanOrEqual(rate + 1)
    // And it is a limit, not a stall: 50 requests at 20/s take about 2.5 s.
    expect(elapsed).toBeLessThan(5000)
  })

  it('pause lets the requests out finish and starts nothing new; resume carries on; audit entries for both', async () => {
    kit = await openRunKit({ server: { answerDelayMs: 20 } })
    const run = await created(kit, request(rowsOf(ids(30)), { concurrency: 2, rate: 50 }))
    const started = await kit.runner.start(run.id)
    if (!started.ok) throw new Error(started.error.message)
    const handle = started.value
    await new Promise((resolve) => setTimeout(resolve, 150))
    handle.pause()
    const paused = await handle.settled
    expect(paused.state).toBe('paused')
    const sentAtPause = kit.received.length
    expect(sentAtPause).toBeGreaterThan(0)
    expect(sentAtPause).toBeLessThan(30)
    expect(kit.runs.get(run.id)?.state).toBe('paused')
    expect(handle.progress().counts.inFlight).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(kit.received).toHaveLength(sentAtPause)
    handle.resume()
    expect((await handle.settled).state).toBe('finished')
    expect(new Set(kit.received.map((r) => r.paymentId)).size).toBe(30)
    expect(kit.received).toHaveLength(30)
    const actions = kit.audit.list({ limit: 200 }).map((e) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['bulk.start', 'bulk.pause', 'bulk.resume', 'bulk.finish']))
  })

  it('cancel ends the run after the requests out; the rows not sent stay pending and the run cannot start again', async () => {
    kit = await openRunKit({ server: { answerDelayMs: 20 } })
    const run = await created(kit, request(rowsOf(ids(30)), { concurrency: 2, rate: 50 }))
    const started = await kit.runner.start(run.id)
    if (!started.ok) throw new Error(started.error.message)
    await new Promise((resolve) => setTimeout(resolve, 120))
    started.value.cancel()
    expect((await started.value.settled).state).toBe('cancelled')
    const counts = kit.runs.counts(run.id)
    expect(counts.pending).toBe(30 - kit.received.length)
    expect(counts.outcomes.enrolled).toBe(kit.received.length)
    expect(kit.audit.list({ limit: 200 }).map((e) => e.action)).toContain('bulk.cancel')
    const again = await kit.runner.start(run.id)
    expect(again.ok).toBe(false)
  })

  it('reports progress: counts per outcome, current rate and time left', async () => {
    kit = await openRunKit()
    const seen: BulkProgress[] = []
    const run = await created(kit, request(rowsOf(ids(20)), { concurrency: 2, rate: 40 }))
    await runToEnd(kit, run.id, (p) => seen.push(p))
    const last = seen.at(-1)
    expect(last?.state).toBe('finished')
    expect(last?.counts).toMatchObject({ total: 20, pending: 0, inFlight: 0, outcomes: { enrolled: 20 } })
    const middle = seen.find((p) => p.counts.pending > 0 && p.counts.pending < 20)
    expect(middle?.currentRate).toBeGreaterThan(0)
    expect(middle?.secondsLeft).toBeGreaterThan(0)
  })
})

describe('resuming and retrying', () => {
  it('resuming a run left by a dead process never sends a row that has an attempt; its unknown rows are listed', async () => {
    kit = await openRunKit({ pid: 999_999_999 })
    const paymentIds = ids(6)
    const run = await created(kit, request(rowsOf(paymentIds)))
    // A crash after two rows were begun (unknown, one of them answered before dying is the same).
    expect(kit.runs.claim(run.id)).toBe(true)
    const k = kit
    for (const line of [2, 3]) {
      k.temp.db.exec('BEGIN IMMEDIATE')
      const id = k.history.begin({
        startedAt: Date.now(),
        environment: 'custom',
        baseUrl: k.server.url,
        channel: 'cli',
        operator: 'ada',
        appVersion: '0.0.0',
        clientId: 'x',
        paymentId: paymentIds[line - 2] as string,
        phone: '2348031234567',
        transactionRef: 'JB-1',
        signatureMethod: 'SHA-256',
        requestUrl: `${k.server.url}/x`,
        requestHeaders: {},
        requestBody: '{}',
        retryOf: null,
      })
      k.runs.linkAttempt(run.id, line, id)
      k.temp.db.exec('COMMIT')
    }
    await kit.close(true)
    // The next process: same database file, its own pid; the old owner is gone.
    kit = await openRunKit({ reopen: k })
    expect(kit.runs.get(run.id)?.state).toBe('interrupted')
    expect(kit.runner.resumableFor('f'.repeat(64))?.id).toBe(run.id)
    await runToEnd(kit, run.id)
    expect(kit.received.map((r) => r.paymentId).sort()).toEqual(paymentIds.slice(2).sort())
    const summary = kit.runner.summary(run.id)
    if (!summary.ok) throw new Error('no summary')
    expect(summary.value.unknownRows.map((r) => r.line)).toEqual([2, 3])
    expect(summary.value.counts.outcomes).toMatchObject({ enrolled: 4, unknown: 2 })
    expect(kit.audit.list({ limit: 100 }).map((e) => e.action)).toContain('bulk.resume')
  })

  it('retry failed rows: a new run of only the retry-later rejections and the rows that never reached the API', async () => {
    let refuse = new Set(['620011'])
    kit = await openRunKit({
      client: (real): EnrollCaller => ({
        async enroll(target, body, hooks) {
          // As when no token could be had: failed, and the request never left.
          if (refuse.has(body.paymentId)) return { ...NOT_SENT, failureReason: 'Could not get an access token: the connection was refused. Nothing was sent.' }
          return real.enroll(target, body, hooks)
        },
      }),
    })
    const paymentIds = ['620001', '620034', '620403', '620011', '620500']
    const run = await created(kit, request(rowsOf(paymentIds)))
    await runToEnd(kit, run.id)
    refuse = new Set()
    const retry = await kit.runner.retryFailed(run.id)
    if (!retry.ok) throw new Error(retry.error.message)
    expect(retry.value.retryOfRun).toBe(run.id)
    expect(kit.runs.counts(retry.value.id)).toMatchObject({ total: 2, pending: 2 })
    const before = kit.received.length
    await runToEnd(kit, retry.value.id)
    expect(kit.received.slice(before).map((r) => r.paymentId).sort()).toEqual(['620011', '620034'])
  })

  it('production needs the environment and the number of requests typed', async () => {
    kit = await openRunKit()
    const run = await created(kit, request(rowsOf(ids(3)), {}, 'production'))
    const refused = await kit.runner.start(run.id)
    expect(refused).toMatchObject({ ok: false, error: { code: 'confirmation-required' } })
    expect((await kit.runner.start(run.id, { confirmation: 'production 2' })).ok).toBe(false)
    expect(kit.received).toEqual([])
    const handle = await kit.runner.start(run.id, { confirmation: ' Production  3 ' })
    if (!handle.ok) throw new Error(handle.error.message)
    await handle.value.settled
    expect(kit.received).toHaveLength(3)
  })

  it('refuses settings out of bounds before storing anything', async () => {
    kit = await openRunKit()
    expect(await kit.runner.create(request(rowsOf(ids(1)), { concurrency: 33 }))).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(await kit.runner.create(request(rowsOf(ids(1)), { rate: 0 }))).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(kit.runner.list(10)).toEqual([])
  })
})
