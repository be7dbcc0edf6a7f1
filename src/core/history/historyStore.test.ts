import { DatabaseSync } from 'node:sqlite'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import { openDatabase } from '../storage/openDatabase.ts'
import { createHistoryStore } from './historyStore.ts'
import { completion, newAttempt, openTempHistory, type TempDb } from './testFixtures.ts'
import type { HistoryStore } from './types.ts'

let temp: TempDb
let store: HistoryStore

beforeEach(() => ({ temp, store } = openTempHistory()))
afterEach(() => temp.cleanup())

describe('writing attempts', () => {
  it('begin() inserts the attempt as unknown and unfinished, so a crash mid-request leaves a trace', () => {
    const id = store.begin(newAttempt())
    const record = store.get(id)
    expect(record?.outcome).toBe('unknown')
    expect(record?.finishedAt).toBeNull()
    expect(record?.durationMs).toBeNull()

    // Another connection (the app after a restart) sees it: the row is committed.
    const other = new DatabaseSync(temp.path)
    expect(other.prepare('SELECT outcome, finished_at FROM attempts WHERE id = ?').get(id)).toEqual({ outcome: 'unknown', finished_at: null })
    other.close()
  })

  it.each([
    ['markSending, then complete', false],
    ["complete with the sent headers (a bulk cycle's one statement)", true],
  ])('round-trips a full record exactly through begin, %s', (_how, together) => {
    const attempt = newAttempt({ channel: 'cli', retryOf: null, requestBody: '{"paymentId":"266274","mobilePhoneNumber":"2348031234567","transactionRef":"Réf – ünïcode ✓"}' })
    const id = store.begin(attempt)
    const sent = { 'Content-Type': 'application/json', Timestamp: '1700000000', Nonce: '0f1e2d3c4b5a69788796a5b4c3d2e1f0', SignatureMethod: 'SHA-256', AuthKeyVersion: '1' }
    if (!together) store.markSending(id, sent)
    const done = completion('rejected', {
      errors: [
        { code: 'E26', message: 'Signature failed' },
        { code: '-2', message: 'An OTP related error has occured, please contact support.' },
      ],
      responseBody: '<html>“odd” body</html>'.repeat(50),
      clockOffsetMs: -1500,
    })
    if (together) store.complete(id, done, sent)
    else store.complete(id, done)

    const expected: AttemptRecord = {
      id,
      ...attempt,
      requestHeaders: sent,
      finishedAt: done.finishedAt,
      httpStatus: done.httpStatus,
      responseHeaders: done.responseHeaders,
      responseBody: done.responseBody,
      outcome: done.outcome,
      errors: done.errors,
      failureReason: done.failureReason,
      tokenMs: done.tokenMs,
      requestMs: done.requestMs,
      durationMs: done.durationMs,
      clockOffsetMs: done.clockOffsetMs,
    }
    expect(store.get(id)).toStrictEqual(expected)
  })

  it('stores the usual request body as NULL and rebuilds it exactly, and any other body as is', () => {
    const usual = store.begin(newAttempt())
    const unusual = store.begin(newAttempt({ requestBody: '{"paymentId": "266274"}' }))
    const stored = temp.db.prepare('SELECT id, request_body IS NULL AS elided FROM attempts ORDER BY id').all()
    expect(stored).toEqual([
      { id: usual, elided: 1 },
      { id: unusual, elided: 0 },
    ])
    expect(store.get(usual)?.requestBody).toBe(newAttempt().requestBody)
    expect(store.get(unusual)?.requestBody).toBe('{"paymentId": "266274"}')
  })

  it('never stores request headers outside the documented non-secret list', () => {
    const id = store.begin(newAttempt({ requestHeaders: { Authorization: 'Bearer early-token' } }))
    store.markSending(id, { Nonce: 'abc', Timestamp: '1', Authorization: 'Bearer secret-token', Signature: 'c2lnbmF0dXJl' })
    expect(store.get(id)?.requestHeaders).toEqual({ Nonce: 'abc', Timestamp: '1' })
    const raw = temp.db.prepare('SELECT * FROM attempts WHERE id = ?').get(id) as Record<string, unknown>
    const text = JSON.stringify(raw, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v))
    expect(text).not.toContain('secret-token')
    expect(text).not.toContain('c2lnbmF0dXJl')
  })

  it('links a retry to the attempt it retried', () => {
    const first = store.begin(newAttempt())
    const retry = store.begin(newAttempt({ retryOf: first, startedAt: 1_700_000_100_000 }))
    expect(store.get(retry)?.retryOf).toBe(first)
  })

  it('refuses markSending and complete for an attempt that does not exist', () => {
    expect(() => store.markSending(42, {})).toThrow(/#42/)
    expect(() => store.complete(42, completion('enrolled'))).toThrow(/#42/)
  })

  it('replaces the error codes when an attempt is completed a second time', () => {
    const id = store.begin(newAttempt())
    store.complete(id, completion('rejected'))
    store.complete(id, completion('rejected', { errors: [{ code: 'E24', message: 'clock' }] }))
    expect(store.count({ code: '10403' })).toBe(0)
    expect(store.count({ code: 'E24' })).toBe(1)
    expect(store.page({ filter: {}, limit: 5 }).rows[0]?.errorCodes).toEqual(['E24'])
  })

  it('get() of an unknown id is undefined', () => {
    expect(store.get(999)).toBeUndefined()
  })
})

describe('count', () => {
  it('counts exactly over date ranges that cut days, and follows outcomes changed by complete()', () => {
    const DAY = 86_400_000
    const base = Date.UTC(2026, 0, 1)
    const rows: { startedAt: number; outcome: AttemptRecord['outcome']; operator: string }[] = []
    for (let i = 0; i < 120; i++) {
      const startedAt = base + ((i * 7919) % 240) * (DAY / 24) + (i % 7) // ten days, hourly, plus jitter
      const operator = i % 3 ? 'ada' : 'bola'
      const id = store.begin(newAttempt({ startedAt, operator }))
      const outcome = (['enrolled', 'rejected', 'failed', 'unknown'] as const)[i % 4] ?? 'unknown'
      if (i % 5) store.complete(id, completion(outcome))
      // Some attempts completed twice, the second time with another outcome.
      if (i % 10 === 1) store.complete(id, completion('enrolled'))
      rows.push({ startedAt, operator, outcome: i % 10 === 1 ? 'enrolled' : i % 5 ? outcome : 'unknown' })
    }
    const ranges = [
      [undefined, undefined],
      [base, base + 10 * DAY],
      [base + 1, base + 3 * DAY - 1],
      [base + DAY / 2, base + DAY / 2 + 2 * DAY],
      [base + 2 * DAY + 5, base + 2 * DAY + 6],
      [base + 4 * DAY, undefined],
      [undefined, base + 5 * DAY + 1000],
      [base + 6 * DAY, base + 5 * DAY],
    ] as const
    for (const [from, to] of ranges) {
      const extras: HistoryFilter[] = [{}, { outcome: ['enrolled', 'unknown'] }, { operator: 'bola' }]
      for (const extra of extras) {
        const filter: HistoryFilter = { ...extra, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }
        const want = rows.filter(
          (r) =>
            (from === undefined || r.startedAt >= from) &&
            (to === undefined || r.startedAt < to) &&
            (filter.outcome === undefined || filter.outcome.includes(r.outcome)) &&
            (filter.operator === undefined || r.operator === filter.operator),
        ).length
        expect(store.count(filter), JSON.stringify(filter)).toBe(want)
      }
    }
  })
})

describe('chain and precheck', () => {
  it('chain() lists every attempt of a payment id, oldest first', () => {
    const b = store.begin(newAttempt({ startedAt: 2000 }))
    const a = store.begin(newAttempt({ startedAt: 1000 }))
    store.begin(newAttempt({ startedAt: 1500, paymentId: '999' }))
    expect(store.chain('266274').map((s) => s.id)).toEqual([a, b])
  })

  it('precheck() lists enrolled and unknown attempts of the payment, newest first, at most 10', () => {
    const ids: number[] = []
    for (let i = 0; i < 14; i++) {
      const id = store.begin(newAttempt({ startedAt: 1000 + i }))
      store.complete(id, completion(i % 3 === 0 ? 'enrolled' : i % 3 === 1 ? 'rejected' : 'failed'))
      ids.push(id)
    }
    const crashed = store.begin(newAttempt({ startedAt: 5000 }))
    store.begin(newAttempt({ startedAt: 6000, paymentId: '777' }))

    const risky = store.precheck('266274', 'sandbox').risky
    expect(risky.map((r) => r.id)).toEqual([crashed, ids[12], ids[9], ids[6], ids[3], ids[0]])
    expect(risky.every((r) => r.outcome === 'enrolled' || r.outcome === 'unknown')).toBe(true)

    for (let i = 0; i < 12; i++) store.begin(newAttempt({ startedAt: 7000 + i }))
    expect(store.precheck('266274', 'sandbox').risky).toHaveLength(10)
  })

  it('precheck() reports the clock offset of the newest finished attempt in that environment that has one', () => {
    const old = store.begin(newAttempt({ startedAt: 1000 }))
    store.complete(old, completion('enrolled', { clockOffsetMs: 111 }))
    const newer = store.begin(newAttempt({ startedAt: 2000 }))
    store.complete(newer, completion('rejected', { clockOffsetMs: -222 }))
    const noOffset = store.begin(newAttempt({ startedAt: 3000 }))
    store.complete(noOffset, completion('failed', { clockOffsetMs: null }))
    store.begin(newAttempt({ startedAt: 4000 })) // unfinished
    const prod = store.begin(newAttempt({ startedAt: 5000, environment: 'production' }))
    store.complete(prod, completion('enrolled', { clockOffsetMs: 999 }))

    expect(store.precheck('1', 'sandbox').clockOffsetMs).toBe(-222)
    expect(store.precheck('1', 'production').clockOffsetMs).toBe(999)
    expect(store.precheck('1', 'training').clockOffsetMs).toBeNull()
    expect(store.latestClockOffset('sandbox')).toBe(-222)
    expect(store.latestClockOffset('training')).toBeNull()
  })
})

describe('statusStrip', () => {
  // Lagos (UTC+1) so that local midnight is not UTC midnight on the test machine.
  const savedTz = process.env.TZ
  beforeAll(() => {
    process.env.TZ = 'Africa/Lagos'
  })
  afterAll(() => {
    process.env.TZ = savedTz
  })
  const local = (h: number, m = 0) => new Date(2026, 2, 10, h, m).getTime()

  it('counts today since local midnight, the success rate over finished attempts and the top code of the last hour', () => {
    const add = (startedAt: number, outcome: AttemptRecord['outcome'] | null, codes: string[] = []) => {
      const id = store.begin(newAttempt({ startedAt }))
      if (outcome) store.complete(id, completion(outcome, { errors: codes.map((code) => ({ code, message: code })) }))
    }
    add(local(0, 0) - 1, 'enrolled') // yesterday, 23:59:59.999
    add(local(0, 0), 'enrolled')
    add(local(9), 'enrolled')
    add(local(10), 'rejected', ['10403'])
    add(local(13, 10), 'rejected', ['E26'])
    add(local(13, 30), 'rejected', ['E26', '10403'])
    add(local(13, 40), 'rejected', ['10403', '10403'])
    add(local(13, 50), 'rejected', ['E26'])
    add(local(13, 55), null) // still in flight

    expect(store.statusStrip(local(14))).toEqual({
      attemptsToday: 8,
      enrolledToday: 2,
      successRateToday: 2 / 7,
      topCodeLastHour: { code: 'E26', count: 3 },
    })
  })

  it('has no success rate and no top code on a day without finished attempts or errors', () => {
    store.begin(newAttempt({ startedAt: local(8) }))
    expect(store.statusStrip(local(14))).toEqual({ attemptsToday: 1, enrolledToday: 0, successRateToday: null, topCodeLastHour: null })
  })
})

describe('iterate', () => {
  it('streams full records in the filter order across batch boundaries, each once', () => {
    const ids: number[] = []
    for (let i = 0; i < 23; i++) {
      const id = store.begin(newAttempt({ startedAt: 1000 + (i % 5) * 10, operator: i % 2 ? 'ada' : 'bola' }))
      store.complete(id, completion(i % 4 ? 'enrolled' : 'rejected', { durationMs: (i * 37) % 11 }))
      ids.push(id)
    }
    for (const sort of ['time-desc', 'time-asc', 'latency-desc', 'latency-asc'] as const) {
      const streamed = [...store.iterate({ sort, operator: 'ada' }, 4)]
      const paged = store.page({ filter: { sort, operator: 'ada' }, limit: 100 }).rows
      expect(streamed.map((r) => r.id)).toEqual(paged.map((r) => r.id))
      expect(streamed).toHaveLength(11)
      expect(streamed[0]).toStrictEqual(store.get(streamed[0]?.id ?? 0))
    }
  })

  it('reads lazily, one batch at a time', () => {
    for (let i = 0; i < 10; i++) store.begin(newAttempt({ startedAt: 1000 + i }))
    const iterator = store.iterate({ sort: 'time-asc' }, 3)[Symbol.iterator]()
    expect(iterator.next().value?.startedAt).toBe(1000)
    // Written after the first batch was read and beyond it: the next batches see it.
    store.begin(newAttempt({ startedAt: 5000 }))
    const rest = [...{ [Symbol.iterator]: () => iterator }]
    expect(rest.map((r) => r.startedAt).at(-1)).toBe(5000)
    expect(rest).toHaveLength(10)
  })
})

describe('connections', () => {
  it('lets two connections on the same file (console and CLI) write and see each other', () => {
    const cliDb = openDatabase(temp.path)
    const cli = createHistoryStore(cliDb)
    const a = store.begin(newAttempt({ channel: 'console' }))
    const b = cli.begin(newAttempt({ channel: 'cli' }))
    cli.complete(a, completion('enrolled'))
    expect(b).toBe(a + 1)
    expect(store.get(a)?.outcome).toBe('enrolled')
    expect(store.get(b)?.channel).toBe('cli')
    cliDb.close()
  })

  it('refuses to work after close() and leaves the shared connection open', () => {
    store.close()
    expect(() => store.begin(newAttempt())).toThrow(/closed/)
    expect(() => store.page({ filter: {}, limit: 1 })).toThrow(/closed/)
    expect(() => store.count({})).toThrow(/closed/)
    expect(temp.db.isOpen).toBe(true)
  })
})

describe('attempts in flight', () => {
  it('marks a begun attempt in flight in pages and chains until it completes', () => {
    const id = store.begin(newAttempt({ paymentId: '555001' }))
    const row = () => store.page({ filter: {}, limit: 10 }).rows.find((r) => r.id === id)
    expect(row()).toMatchObject({ outcome: 'unknown', finishedAt: null, inFlight: true })
    expect(store.chain('555001')[0]?.inFlight).toBe(true)
    store.complete(id, completion('enrolled'))
    expect(row()?.inFlight).toBeUndefined()
  })

  it('an unfinished row left by another process (or a crash) is unknown, not in flight', () => {
    const id = store.begin(newAttempt())
    // The same file opened by a new process: the row is there, the in-memory run is not.
    const restarted = createHistoryStore(temp.db)
    const row = restarted.page({ filter: {}, limit: 10 }).rows.find((r) => r.id === id)
    expect(row).toMatchObject({ outcome: 'unknown', finishedAt: null })
    expect(row?.inFlight).toBeUndefined()
  })

  it('a completion that fails to write does not leave the attempt in flight forever', () => {
    const id = store.begin(newAttempt())
    temp.db.exec(`CREATE TRIGGER refuse_update BEFORE UPDATE ON attempts BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
    expect(() => store.complete(id, completion('enrolled'))).toThrow(/disk full/)
    temp.db.exec('DROP TRIGGER refuse_update')
    expect(store.page({ filter: {}, limit: 10 }).rows.find((r) => r.id === id)?.inFlight).toBeUndefined()
  })
})
