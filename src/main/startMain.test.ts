import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createOsSecretStore } from '../core/credentials/secretStore.ts'
import { startTrainingServer } from '../core/simulator/trainingServer.ts'
import { ipcContract } from '../shared/ipc/contract.ts'
import { createSenderCheck } from './ipc/dispatch.ts'
import { startMain, type MainRuntime } from './startMain.ts'

// The main side as the window sees it: every call goes through dispatch with a sender URL,
// against the real keychain, real SQLite and the real training server. Each test starts its
// own main side (data folder, keychain service), so none depends on another having run.
const APP = 'http://app.test'
const SECRET = 'main-test-secret-do-not-leak-0123456789'
const creds = { clientId: 'IKIAMAINTEST00000000000000000000000000001', clientSecret: SECRET }

let main: MainRuntime
let dataDir: string
let compat: Awaited<ReturnType<typeof startTrainingServer>>
const tokens: string[] = []
const call = (method: keyof typeof ipcContract, payload?: unknown, sender = `${APP}/index.html`) =>
  main.dispatch(ipcContract[method].channel, payload, sender) as Promise<{ ok: boolean; value?: never; error?: { code: string; message: string; fields?: Record<string, string> } }>

beforeAll(async () => {
  compat = await startTrainingServer({ credentials: [creds], onTokenIssued: (t) => tokens.push(t) })
})
afterAll(async () => {
  await compat.close()
})

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'otp-main-'))
  main = await startMain({
    dataDir,
    appVersion: '9.9.9',
    fetch: (input, init) => fetch(input, init),
    secretStore: createOsSecretStore(`otp-console-main-test-${randomUUID()}`),
    host: { chooseSavePath: async () => undefined, chooseOpenPath: async () => undefined, showInFolder: () => {}, openFolder: async () => {}, confirm: async () => false },
    emit: () => {},
    isTrustedSender: createSenderCheck({ devOrigin: APP }),
    training: { onTokenIssued: (t) => tokens.push(t) },
  })
})
afterEach(async () => {
  await call('deleteCredentials', { environment: 'custom' })
  await call('deleteCredentials', { environment: 'production' })
  await main.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Points an environment at the compatible server, stores its credentials and makes it active. */
async function activate(environment: 'custom' | 'production'): Promise<void> {
  expect(await call('updateEnvironment', { id: environment, baseUrl: compat.url, passportUrl: compat.url })).toMatchObject({ ok: true })
  expect(await call('setCredentials', { environment, ...creds })).toMatchObject({ ok: true })
  expect(await call('setActiveEnvironment', { id: environment })).toMatchObject({ ok: true })
}

describe('main dispatch', () => {
  it('refuses calls from any other page', async () => {
    expect(await call('getEnvironments', undefined, 'http://evil.test/index.html')).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await call('getEnvironments', undefined, 'file:///tmp/other.html')).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await main.dispatch('env:get', undefined, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('refuses unknown channels and payloads that fail their schema', async () => {
    expect(await main.dispatch('shell:exec', {}, `${APP}/`)).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    const bad = await call('setActiveEnvironment', { id: 'mars' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input', fields: { id: expect.any(String) } } })
  })

  it('starts in Training with the local server and enrolls there', async () => {
    const envs = await call('getEnvironments')
    expect(envs).toMatchObject({ ok: true, value: { active: 'training' } })
    const result = await call('enroll', { paymentId: '3330001', phone: '08031234567', transactionRef: 'JB-1-Enrol', signatureMethod: 'SHA1' })
    expect(result).toMatchObject({ ok: true, value: { outcome: 'enrolled', environment: 'training', channel: 'console', signatureMethod: 'SHA1' } })
  })

  it('returns field errors for invalid enrollment input and records nothing', async () => {
    const before = await call('countHistory', { filter: {} })
    const result = await call('enroll', { paymentId: '33A', phone: '0803', transactionRef: 'r', signatureMethod: 'SHA-256' })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', fields: { paymentId: expect.any(String), phone: expect.any(String) } } })
    expect(await call('countHistory', { filter: {} })).toEqual(before)
  })

  it('stores credentials in the keychain, uses them, and never returns the secret', async () => {
    expect(await call('updateEnvironment', { id: 'custom', baseUrl: compat.url, passportUrl: compat.url })).toMatchObject({ ok: true })
    const stored = await call('setCredentials', { environment: 'custom', ...creds })
    expect(stored).toMatchObject({ ok: true })
    expect(JSON.stringify(stored)).not.toContain(SECRET)
    expect(JSON.stringify(stored)).toContain(creds.clientId)
    expect(await call('setActiveEnvironment', { id: 'custom' })).toMatchObject({ ok: true })
    const result = await call('enroll', { paymentId: '3330021', phone: '08031234567', transactionRef: 'JB-2-Enrol', signatureMethod: 'SHA-512' })
    expect(result).toMatchObject({ ok: true, value: { outcome: 'enrolled', environment: 'custom' } })
    const detail = await call('getAttempt', { id: (result.value as unknown as { id: number }).id })
    for (const response of [result, detail, await call('listAudit', { limit: 50 }), await call('getEnvironments')]) {
      const text = JSON.stringify(response)
      expect(text).not.toContain(SECRET)
      for (const token of tokens) expect(text).not.toContain(token)
    }
    expect(JSON.stringify(detail)).toContain('••••••')
  })

  it('records credential changes and environment switches in the audit trail, without values', async () => {
    await activate('custom')
    expect(await call('enroll', { paymentId: '3330031', phone: '08031234567', transactionRef: 'JB-4-Enrol', signatureMethod: 'SHA-256' })).toMatchObject({ ok: true })
    const audit = await call('listAudit', { limit: 100 })
    const actions = (audit.value as unknown as { action: string; summary: string }[]).map((e) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['credentials.set', 'environment.switch', 'settings.update', 'enroll.attempt']))
    expect(JSON.stringify(audit)).not.toContain(SECRET)
    expect(await call('verifyAudit')).toMatchObject({ ok: true, value: { ok: true } })
  })

  it('Production needs the payment id typed again', async () => {
    await activate('production')
    const request = { paymentId: '3330003', phone: '08031234567', transactionRef: 'JB-3-Enrol', signatureMethod: 'SHA-256' }
    expect(await call('enroll', request)).toMatchObject({ ok: false, error: { code: 'confirmation-required' } })
    expect(await call('enroll', { ...request, productionConfirmation: '3330004' })).toMatchObject({ ok: false, error: { code: 'confirmation-required' } })
    expect(await call('enroll', { ...request, productionConfirmation: '3330003' })).toMatchObject({ ok: true, value: { outcome: 'enrolled', environment: 'production' } })
  })

  it('a retry of an enrolled attempt needs confirmation and is linked to the original', async () => {
    expect(await call('getEnvironments')).toMatchObject({ ok: true, value: { active: 'training' } })
    const first = await call('enroll', { paymentId: '3330005', phone: '08031234567', transactionRef: 'JB-5-Enrol', signatureMethod: 'SHA-256' })
    const id = (first.value as unknown as { id: number }).id
    const retry = { paymentId: '3330005', phone: '08031234567', transactionRef: 'JB-6-Enrol', signatureMethod: 'SHA-256', retryOf: id }
    expect(await call('enroll', retry)).toMatchObject({ ok: false, error: { code: 'confirmation-required' } })
    expect(await call('enroll', { ...retry, confirmRetry: true })).toMatchObject({ ok: true, value: { retryOf: id, outcome: 'rejected' } })
  })

  it('answers a missing attempt with not-found', async () => {
    expect(await call('getAttempt', { id: 999_999 })).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })
})
