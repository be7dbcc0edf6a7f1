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

function service(client: EnrollCaller, resolveTarget: EnrollServiceDeps['resolveTarget'] = async () => ({ ok: true, target: TARGET })) {
  return createEnrollService({
    history,
    audit,
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

  it('writes the attempt, as unknown and unfinished, before the client is called', async () => {
    let seenByClient: AttemptRecord['outcome'][] = []
    let finishedAtSeen: (number | null)[] = []
    const enrolls = service({
      enroll: async () => {
        const rows = history.page({ filter: { paymentId: '266274' }, limit: 10 }).rows
        seenByClient = rows.map((r) => r.outcome)
        finishedAtSeen = rows.map((r) => r.finishedAt)
        return ENROLLED
      },
    })
    const record = recordOf(await enrolls.enroll(request()))
    expect(seenByClient).toEqual(['unknown'])
    expect(finishedAtSeen).toEqual([null])
    expect(record.outcome).toBe('enrolled')
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
