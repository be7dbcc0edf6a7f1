import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { fail, type Result } from '../../shared/domain/result.ts'
import { createAuditTrail } from '../audit/auditTrail.ts'
import { createMemorySecretStore } from '../audit/memorySecretStore.ts'
import type { AuditTrail } from '../audit/types.ts'
import { openTempHistory, type TempDb } from '../history/testFixtures.ts'
import type { HistoryStore } from '../history/types.ts'
import { silentLogger } from '../log/logger.ts'
import type { EnrollCallResult } from '../protocol/types.ts'
import { immediateTransaction } from '../storage/transaction.ts'
import { createEnrollService, type EnrollCaller, type EnrollRequest, type EnrollServiceDeps } from './enrollService.ts'

// The enrollment service on a real history database, with a stand-in for the HTTP client:
// what it records before, during and after a call, and what it refuses.

const TARGET = { baseUrl: 'https://sandbox.example', passportUrl: 'https://sandbox.example', credentials: { clientId: 'IKIATEST', clientSecret: 'secret' } }
const SENT_HEADERS = { 'Content-Type': 'application/json', Timestamp: '1700000000', Nonce: 'n1', SignatureMethod: 'SHA-256', AuthKeyVersion: '1' }
const ENROLLED: EnrollCallResult = {
  outcome: 'enrolled',
  httpStatus: 200,
  responseHeaders: { 'content-type': 'application/json' },
  responseBody: '{}',
  errors: [],
  failureReason: null,
  tokenMs: 10,
  requestMs: 20,
  clockOffsetMs: 0,
  requestHeaders: SENT_HEADERS,
}
const request = (paymentId = '266274'): EnrollRequest => ({ environment: 'sandbox', paymentId, phone: '0803 123 4567', transactionRef: 'JB-1700000000-Enrol', signatureMethod: 'SHA-256' })

let temp: TempDb
let history: HistoryStore
let audit: AuditTrail

beforeEach(async () => {
  ;({ temp, store: history } = openTempHistory())
  audit = createAuditTrail(temp.db, { now: () => 1_700_000_000_000, operator: 'ada', machine: 'test', appVersion: '0.0.0', keychain: createMemorySecretStore(), databasePath: temp.path })
  await audit.open()
})
afterEach(() => temp.cleanup())

function service(client: EnrollCaller, resolveTarget: EnrollServiceDeps['resolveTarget'] = async () => ({ ok: true, target: TARGET }), trail: AuditTrail = audit) {
  return createEnrollService({
    history,
    audit: trail,
    atomically: (work) => immediateTransaction(temp.db, work),
    client,
    logger: silentLogger,
    now: () => 1_700_000_000_000,
    operator: 'ada',
    appVersion: '0.0.0',
    channel: 'console',
    resolveTarget,
  })
}

const recordOf = (result: Result<AttemptRecord>): AttemptRecord => {
  if (!result.ok) throw new Error(`expected a record, got ${result.error.code}: ${result.error.message}`)
  return result.value
}

describe('enrollService', () => {
  it('two concurrent enrollments of the same payment: one is sent, the other is busy', async () => {
    const releases: (() => void)[] = []
    const held = service({
      enroll: (_target, _body, hooks) => {
        hooks?.beforeSend?.(SENT_HEADERS, 'url')
        return new Promise((resolve) => releases.push(() => resolve(ENROLLED)))
      },
    })
    const both = Promise.all([held.enroll(request()), held.enroll(request())])
    await new Promise((resolve) => setTimeout(resolve, 20))
    for (const release of releases) release()
    const [first, second] = await both
    expect(second).toMatchObject({ ok: false, error: { code: 'busy' } })
    expect(recordOf(first).outcome).toBe('enrolled')
    expect(releases).toHaveLength(1)
    expect(history.count({ paymentId: '266274' })).toBe(1)
  })

  it('the guard is released when the enrollment ends: the same payment can be sent again', async () => {
    const enrolls = service({ enroll: async () => ENROLLED })
    recordOf(await enrolls.enroll(request()))
    recordOf(await enrolls.enroll(request()))
    expect(history.count({ paymentId: '266274' })).toBe(2)
  })

  it('writes the attempt, as unknown and unfinished, with the headers that leave, before the request is sent', async () => {
    let seen: Pick<AttemptRecord, 'outcome' | 'finishedAt' | 'requestHeaders'>[] = []
    const enrolls = service({
      enroll: async (_target, _body, hooks) => {
        hooks?.beforeSend?.(SENT_HEADERS, 'url')
        // The moment the request would leave: the row is on disk.
        seen = history.page({ filter: { paymentId: '266274' }, limit: 10 }).rows.map((r) => ({ outcome: r.outcome, finishedAt: r.finishedAt, requestHeaders: history.get(r.id)?.requestHeaders ?? {} }))
        return ENROLLED
      },
    })
    const record = recordOf(await enrolls.enroll(request()))
    expect(seen).toEqual([{ outcome: 'unknown', finishedAt: null, requestHeaders: SENT_HEADERS }])
    expect(record.outcome).toBe('enrolled')
  })

  it('a second send of the same attempt (a refreshed token after a 401) updates its headers, no second attempt', async () => {
    const enrolls = service({
      enroll: async (_target, _body, hooks) => {
        hooks?.beforeSend?.(SENT_HEADERS, 'url')
        hooks?.beforeSend?.({ ...SENT_HEADERS, Nonce: 'n2' }, 'url')
        return ENROLLED
      },
    })
    const record = recordOf(await enrolls.enroll(request()))
    expect(history.count({ paymentId: '266274' })).toBe(1)
    expect(record.requestHeaders.Nonce).toBe('n2')
  })

  it('an enrollment that never reached the point of sending (no token) is recorded whole, failed, with both audit entries', async () => {
    const enrolls = service({ enroll: async () => ({ ...ENROLLED, outcome: 'failed', httpStatus: null, failureReason: 'Could not get an access token.', requestHeaders: {} }) })
    const record = recordOf(await enrolls.enroll(request()))
    expect(record.outcome).toBe('failed')
    expect(record.finishedAt).not.toBeNull()
    expect(audit.list({ limit: 2 }).map((entry) => [entry.action, entry.details.attemptId])).toEqual([
      ['enroll.outcome', record.id],
      ['enroll.attempt', record.id],
    ])
  })

  it('the client threw after sending: the outcome is unknown (the card may be enrolled)', async () => {
    const enrolls = service({
      enroll: async (_target, _body, hooks) => {
        hooks?.beforeSend?.(SENT_HEADERS, 'url')
        throw new Error('socket exploded')
      },
    })
    const record = recordOf(await enrolls.enroll(request()))
    expect(record.outcome).toBe('unknown')
    expect(record.failureReason).toMatch(/after sending \(socket exploded\).*may or may not be enrolled/)
    expect(record.requestHeaders).toEqual(SENT_HEADERS)
    expect(record.finishedAt).not.toBeNull()
  })

  it('an attempt and its audit entry are committed together: a trail that refuses the entry leaves no attempt and sends nothing', async () => {
    let sent = 0
    const refusing: AuditTrail = {
      ...audit,
      record: () => {
        throw new Error('disk full')
      },
    }
    const enrolls = service(
      {
        enroll: async (_target, _body, hooks) => {
          hooks?.beforeSend?.(SENT_HEADERS, 'url')
          sent++
          return ENROLLED
        },
      },
      undefined,
      refusing,
    )
    await expect(enrolls.enroll(request())).rejects.toThrow('disk full')
    expect(sent).toBe(0)
    expect(history.count({ paymentId: '266274' })).toBe(0)
  })

  it('one enrollment is two durable commits: the attempt as it leaves with its entry, the outcome with its entry', async () => {
    const commits: string[] = []
    const exec = temp.db.exec.bind(temp.db)
    temp.db.exec = (sql: string) => {
      if (/^\s*COMMIT/i.test(sql)) commits.push(sql)
      return exec(sql)
    }
    const enrolls = service({
      enroll: async (_target, _body, hooks) => {
        hooks?.beforeSend?.(SENT_HEADERS, 'url')
        return ENROLLED
      },
    })
    const record = recordOf(await enrolls.enroll(request()))
    expect(commits).toHaveLength(2)
    expect(record.outcome).toBe('enrolled')
    expect(record.requestHeaders).toEqual(SENT_HEADERS)
    // Both audit entries made it into those commits.
    const entries = audit.list({ limit: 2 })
    expect(entries.map((entry) => entry.details.attemptId)).toEqual([record.id, record.id])
  })

  it('the client threw before sending: the attempt failed, nothing left the machine', async () => {
    const enrolls = service({
      enroll: async () => {
        throw new Error('no token')
      },
    })
    const record = recordOf(await enrolls.enroll(request()))
    expect(record.outcome).toBe('failed')
    expect(record.failureReason).toMatch(/before sending \(no token\)/)
    expect(record.finishedAt).not.toBeNull()
  })
})

describe('enrollService when the target cannot be resolved', () => {
  it('answers with the resolution’s error, records nothing and releases the guard', async () => {
    let resolvable = false
    const enrolls = service({ enroll: async () => ENROLLED }, async () =>
      resolvable ? { ok: true, target: TARGET } : { ok: false, result: fail('missing-credentials', 'No credentials.') },
    )
    expect(await enrolls.enroll(request())).toMatchObject({ ok: false, error: { code: 'missing-credentials' } })
    expect(history.count({})).toBe(0)
    resolvable = true
    expect(recordOf(await enrolls.enroll(request())).outcome).toBe('enrolled')
  })
})
