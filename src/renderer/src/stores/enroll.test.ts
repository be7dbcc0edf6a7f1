import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AttemptRecord, AttemptSummary } from '../../../shared/domain/attempt.ts'
import type { Result } from '../../../shared/domain/result.ts'
import { installBridge } from '../api/bridge.ts'
import { sampleRecord } from '../../../shared/domain/attempt.test-helpers.ts'
import { useEnrollStore } from './enroll.ts'
import { useEnvironmentStore } from './environment.ts'
import { useRecentStore } from './recentAttempts.ts'
import { useRetryStore } from './retry.ts'
import { deferred, fakeBridge } from './fakeBridge.test-helpers.ts'

const risky: AttemptSummary = {
  id: 7,
  startedAt: 1,
  finishedAt: null,
  environment: 'training',
  channel: 'console',
  operator: 'ada',
  paymentId: '266274',
  phone: '2348031234567',
  transactionRef: 'JB-1-Enrol',
  outcome: 'unknown',
  httpStatus: null,
  durationMs: null,
  retryOf: null,
  errorCodes: [],
}

async function setup(fake: ReturnType<typeof fakeBridge>, active: 'training' | 'production' = 'training') {
  installBridge(fake.bridge)
  setActivePinia(createPinia())
  const env = useEnvironmentStore()
  await env.load()
  if (active !== 'training') await env.setActive(active)
  const store = useEnrollStore()
  store.form.paymentId = '266274'
  store.form.phone = '0803 123 4567'
  return store
}

describe('enroll store', () => {
  beforeEach(() => installBridge(null))

  it('refuses invalid input without calling main', async () => {
    const fake = fakeBridge()
    const store = await setup(fake)
    store.form.paymentId = '12AB'
    expect(await store.submit()).toBe('invalid')
    expect(store.visibleErrors.paymentId).toBe('The payment id is digits only.')
    expect(fake.callsOf('precheckEnroll')).toHaveLength(0)
    expect(fake.callsOf('enroll')).toHaveLength(0)
  })

  it('sends once however often submit is called while in flight', async () => {
    const hold = deferred<Result<AttemptRecord>>()
    const fake = fakeBridge({ enroll: () => hold.promise })
    const store = await setup(fake)
    const first = store.submit()
    expect(await store.submit()).toBe('busy')
    await new Promise((r) => setTimeout(r, 0))
    expect(store.phase).toBe('sending')
    expect(await store.submit()).toBe('busy')
    hold.resolve({ ok: true, value: sampleRecord({ outcome: 'enrolled', errors: [] }) })
    expect(await first).toBe('sent')
    expect(fake.callsOf('enroll')).toHaveLength(1)
    expect(store.busy).toBe(false)
  })

  it('sends the normalised phone and the reference as typed', async () => {
    const fake = fakeBridge()
    const store = await setup(fake)
    store.form.transactionRef = 'JB-42-Enrol'
    expect(await store.submit()).toBe('sent')
    expect(fake.callsOf('enroll')[0]?.request).toEqual({ paymentId: '266274', phone: '2348031234567', transactionRef: 'JB-42-Enrol', signatureMethod: 'SHA-256' })
    expect(store.form.transactionRef).not.toBe('JB-42-Enrol') // a fresh reference for the next card
  })

  it('stops on a risky earlier attempt until the operator sends anyway, then confirms the retry', async () => {
    const fake = fakeBridge({ precheckEnroll: () => ({ ok: true, value: { risky: [risky], clockOffsetMs: 0 } }) })
    const store = await setup(fake)
    expect(await store.submit()).toBe('needs-confirmation')
    expect(store.phase).toBe('warning')
    expect(await store.submit()).toBe('needs-confirmation') // Enter again does not bypass it
    expect(fake.callsOf('enroll')).toHaveLength(0)
    expect(await store.acknowledgeWarnings()).toBe('sent')
    expect(fake.callsOf('enroll')[0]?.request).toMatchObject({ confirmRetry: true })
  })

  it('stops on another console’s risky attempt from the team database, but not on a team it could not ask', async () => {
    const fromDesk2 = { ...risky, id: 901, origin: { consoleId: 'c-2', machine: 'desk-2', localId: 7 } }
    const team = { risky: [fromDesk2], total: 1, readAt: 5, consoles: [{ consoleId: 'c-2', machine: 'desk-2', lastShippedAt: 4 }] }
    const warned = fakeBridge({ precheckEnroll: () => ({ ok: true, value: { risky: [], clockOffsetMs: 0, team, teamError: null } }) })
    const store = await setup(warned)
    expect(await store.submit()).toBe('needs-confirmation')
    expect(store.pending?.team?.risky[0]?.origin?.machine).toBe('desk-2')
    expect(await store.acknowledgeWarnings()).toBe('sent')
    // Only this computer's risky attempts make the send a confirmed retry (main checks those).
    expect(warned.callsOf('enroll')[0]?.request).not.toMatchObject({ confirmRetry: true })

    const unreachable = fakeBridge({ precheckEnroll: () => ({ ok: true, value: { risky: [], clockOffsetMs: 0, team: null, teamError: 'connection refused' } }) })
    const sender = await setup(unreachable)
    expect(await sender.submit()).toBe('sent')
    expect(unreachable.callsOf('enroll')).toHaveLength(1)
  })

  it('warns about a clock more than 5 minutes off', async () => {
    const fake = fakeBridge({ precheckEnroll: () => ({ ok: true, value: { risky: [], clockOffsetMs: 6 * 60_000 } }) })
    const store = await setup(fake)
    expect(await store.submit()).toBe('needs-confirmation')
    expect(store.pending?.clockWarning).toBe(true)
    store.cancelPending()
    expect(store.phase).toBe('idle')
    expect(fake.callsOf('enroll')).toHaveLength(0)
  })

  it('editing the form cancels a pending confirmation', async () => {
    const fake = fakeBridge({ precheckEnroll: () => ({ ok: true, value: { risky: [risky], clockOffsetMs: null } }) })
    const store = await setup(fake)
    await store.submit()
    store.form.paymentId = '266275'
    await new Promise((r) => setTimeout(r, 0))
    expect(store.phase).toBe('idle')
    expect(await store.acknowledgeWarnings()).toBe('error')
    expect(fake.callsOf('enroll')).toHaveLength(0)
  })

  it('in Production needs the payment id typed again and passes it on', async () => {
    const fake = fakeBridge()
    const store = await setup(fake, 'production')
    expect(await store.submit()).toBe('needs-confirmation')
    expect(store.phase).toBe('confirm-production')
    expect(await store.confirmProduction('266275')).toBe('mismatch')
    expect(fake.callsOf('enroll')).toHaveLength(0)
    expect(await store.confirmProduction(' 266274 ')).toBe('sent')
    expect(fake.callsOf('enroll')[0]?.request).toMatchObject({ productionConfirmation: '266274' })
  })

  it('shows main’s refusals and maps per-field messages onto the form', async () => {
    const fake = fakeBridge({ enroll: () => ({ ok: false, error: { code: 'invalid-input', message: 'Bad', fields: { mobilePhoneNumber: 'Not a mobile number' } } }) })
    const store = await setup(fake)
    expect(await store.submit()).toBe('error')
    expect(store.error?.code).toBe('invalid-input')
    expect(store.visibleErrors.phone).toBe('Not a mobile number')
    expect(await store.submit()).toBe('invalid') // until the field is edited
    store.form.phone = '0805 123 4567'
    await new Promise((r) => setTimeout(r, 0))
    expect(store.visibleErrors.phone).toBeUndefined()
  })

  it('turns a thrown bridge call into an internal error instead of crashing', async () => {
    const fake = fakeBridge({
      enroll: () => {
        throw new Error('channel closed')
      },
    })
    const store = await setup(fake)
    expect(await store.submit()).toBe('error')
    expect(store.error).toMatchObject({ code: 'internal' })
    expect(store.error?.message).toContain('channel closed')
    expect(store.busy).toBe(false)
  })

  it('retries share the one-in-flight guard and carry retryOf', async () => {
    const hold = deferred<Result<AttemptRecord>>()
    const fake = fakeBridge({ enroll: () => hold.promise })
    const store = await setup(fake)
    const record = sampleRecord({ id: 9, outcome: 'unknown' })
    const retries = useRetryStore()
    const first = retries.retry(record, { transactionRef: 'JB-2-Enrol', confirmRetry: true })
    expect(await store.submit()).toBe('busy')
    expect((await retries.retry(record, { transactionRef: 'x', confirmRetry: true })).ok).toBe(false)
    hold.resolve({ ok: true, value: sampleRecord({ id: 10 }) })
    expect((await first).ok).toBe(true)
    expect(fake.callsOf('enroll')).toHaveLength(1)
    expect(fake.callsOf('enroll')[0]?.request).toEqual({ paymentId: '266274', phone: '2348031234567', transactionRef: 'JB-2-Enrol', signatureMethod: 'SHA-256', retryOf: 9, confirmRetry: true })
  })

  it('an edit while the precheck runs cancels the send: nothing captured before it is sent', async () => {
    const check = deferred<Result<{ risky: AttemptSummary[]; clockOffsetMs: number | null }>>()
    const fake = fakeBridge({ precheckEnroll: () => check.promise })
    const store = await setup(fake)
    const submitted = store.submit()
    await new Promise((r) => setTimeout(r, 0))
    expect(store.phase).toBe('checking')
    store.form.paymentId = '266299'
    await new Promise((r) => setTimeout(r, 0))
    check.resolve({ ok: true, value: { risky: [], clockOffsetMs: 0 } })
    expect(await submitted).toBe('cancelled')
    expect(fake.callsOf('enroll')).toHaveLength(0)
    expect(store.phase).toBe('idle')
    expect(store.busy).toBe(false)
    expect(await store.submit()).toBe('sent') // the next submit sends the new values
    expect(fake.callsOf('enroll')[0]?.request).toMatchObject({ paymentId: '266299' })
  })

  it('switching environment clears the result and the error of the previous one', async () => {
    const fake = fakeBridge({ enroll: () => ({ ok: false, error: { code: 'missing-credentials', message: 'No client id and secret are stored for Training.' } }) })
    const store = await setup(fake)
    expect(await store.submit()).toBe('error')
    expect(store.errorEnvironment).toBe('training')
    await useEnvironmentStore().setActive('sandbox')
    await new Promise((r) => setTimeout(r, 0))
    expect(store.error).toBeNull()
    expect(store.errorEnvironment).toBeNull()
  })

  it('puts the answered attempt on top of the recent list without asking main again', async () => {
    const fake = fakeBridge({ enroll: () => ({ ok: true, value: sampleRecord({ id: 41, outcome: 'enrolled', errors: [] }) }) })
    const store = await setup(fake)
    const recent = useRecentStore()
    await recent.refresh()
    const queriesBefore = fake.callsOf('queryHistory').length
    expect(await store.submit()).toBe('sent')
    expect(fake.callsOf('queryHistory')).toHaveLength(queriesBefore)
    expect(recent.rows[0]).toMatchObject({ id: 41, outcome: 'enrolled', errorCodes: [] })
  })

  it('does not send while the environment is being switched', async () => {
    const fake = fakeBridge()
    const store = await setup(fake)
    const switching = useEnvironmentStore().setActive('sandbox')
    expect(await store.submit()).toBe('busy')
    await switching
    expect(fake.callsOf('precheckEnroll')).toHaveLength(0)
  })
})
