import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SETTINGS_FILE } from '../../core/app/appCore.ts'
import { createCredentialVault } from '../../core/credentials/credentialVault.ts'
import { createOsSecretStore } from '../../core/credentials/secretStore.ts'
import { startTrainingServer, type TrainingServer } from '../../core/simulator/trainingServer.ts'
import { ipcContract } from '../../shared/ipc/contract.ts'
import { startMain, type MainRuntime } from '../startMain.ts'
import type { HostPlatform } from './context.ts'
import { createSenderCheck } from './dispatch.ts'

// The window's view of a destination change: settings.json edited behind the app's back, the
// next enrollment refused before anything is sent (requests counted on loopback servers), and
// main's own native confirmation — stubbed only at the OS-dialog boundary — deciding.
const APP = 'http://app.test'
// Restarts of main against the real keychain: slow on a loaded machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })
const creds = { clientId: 'IKIADESTTEST0000000000000000000000000001', clientSecret: 'dest-test-secret-0123456789abcdef' }
const service = `otp-console-dest-test-${randomUUID()}`
const dataDir = mkdtempSync(join(tmpdir(), 'otp-dest-'))

let api: TrainingServer
let elsewhere: TrainingServer
const requests = { api: 0, elsewhere: 0 }
const dialog: { answer: boolean; shown: string[] } = { answer: false, shown: [] }
const host: HostPlatform = {
  chooseSavePath: async () => undefined,
  chooseOpenPath: async () => undefined,
  showInFolder: () => {},
  openFolder: async () => {},
  confirm: async ({ message }) => {
    dialog.shown.push(message)
    return dialog.answer
  },
}

let main: MainRuntime
const start = async () => {
  main = await startMain({
    dataDir,
    appVersion: '9.9.9',
    fetch: (input, init) => fetch(input, init),
    secretStore: createOsSecretStore(service),
    host,
    emit: () => {},
    isTrustedSender: createSenderCheck({ devOrigin: APP }),
  })
}
type Answer = { ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string } }
const call = (method: keyof typeof ipcContract, payload?: unknown) => main.dispatch(ipcContract[method].channel, payload, `${APP}/index.html`) as Promise<Answer>
const enroll = (paymentId: string) => call('enroll', { paymentId, phone: '08031234567', transactionRef: `JB-${paymentId}-Enrol`, signatureMethod: 'SHA-256' })
const total = async () => ((await call('countHistory', { filter: {} })).value as { total: number }).total
const auditActions = async () => ((await call('listAudit', { limit: 100 })).value as unknown as { action: string }[]).map((e) => e.action)

beforeAll(async () => {
  api = await startTrainingServer({ credentials: [creds], onRequest: () => void requests.api++ })
  elsewhere = await startTrainingServer({ credentials: [creds], onRequest: () => void requests.elsewhere++ })
  await start()
  await call('updateEnvironment', { id: 'custom', baseUrl: api.url, passportUrl: api.url })
  await call('setCredentials', { environment: 'custom', ...creds })
  await call('setActiveEnvironment', { id: 'custom' })
})
afterAll(async () => {
  await main.close()
  await createCredentialVault(createOsSecretStore(service)).delete('custom')
  await api.close()
  await elsewhere.close()
})

describe('credentials bound to their destination (main side)', () => {
  it('sends where the credentials were entered for', async () => {
    expect(await enroll('4440001')).toMatchObject({ ok: true, value: { outcome: 'enrolled' } })
    expect(requests.api).toBeGreaterThan(0)
  })

  it('a passport URL changed in settings.json behind the app\'s back: nothing is sent, no row, and the window is told why', async () => {
    await main.close()
    const path = join(dataDir, SETTINGS_FILE)
    const settings = JSON.parse(readFileSync(path, 'utf8')) as { endpoints: { custom: { passportUrl: string } } }
    settings.endpoints.custom.passportUrl = elsewhere.url
    writeFileSync(path, JSON.stringify(settings))
    await start()
    const before = { ...requests }
    const rows = await total()

    const refused = await enroll('4440002')
    expect(refused).toMatchObject({ ok: false, error: { code: 'destination-changed', message: expect.stringContaining(elsewhere.url) } })
    expect(requests).toEqual(before)
    expect(await total()).toBe(rows)
    const state = (await call('getEnvironments')).value as { environments: { id: string; destinationChanged?: boolean; credentials: { boundTo?: unknown } }[] }
    expect(state.environments.find((e) => e.id === 'custom')).toMatchObject({ destinationChanged: true, credentials: { boundTo: { apiOrigin: api.url, passportOrigin: api.url } } })
    expect(await auditActions()).toContain('credentials.destination-refused')
  })

  it('declining the native confirmation keeps refusing; accepting sends there and is audited', async () => {
    const before = { ...requests }
    dialog.answer = false
    expect(await call('confirmDestination', { environment: 'custom' })).toMatchObject({ ok: true, value: { confirmed: false } })
    expect(dialog.shown.at(-1)).toContain(elsewhere.url)
    expect(await enroll('4440003')).toMatchObject({ ok: false, error: { code: 'destination-changed' } })
    expect(requests).toEqual(before)
    expect(await auditActions()).not.toContain('credentials.destination-confirm')

    dialog.answer = true
    expect(await call('confirmDestination', { environment: 'custom' })).toMatchObject({ ok: true, value: { confirmed: true } })
    expect(await auditActions()).toContain('credentials.destination-confirm')
    const sent = await enroll('4440004')
    expect(sent.ok).toBe(true)
    expect(requests.elsewhere).toBeGreaterThan(before.elsewhere) // the token request went to the confirmed Passport
  })

  it('URLs changed in Settings: refused until the credentials are entered again, which binds them there', async () => {
    await call('updateEnvironment', { id: 'custom', baseUrl: elsewhere.url, passportUrl: elsewhere.url })
    const before = { ...requests }
    expect(await enroll('4440005')).toMatchObject({ ok: false, error: { code: 'destination-changed' } })
    expect(requests).toEqual(before)
    await call('setCredentials', { environment: 'custom', ...creds })
    expect(await enroll('4440006')).toMatchObject({ ok: true, value: { outcome: 'enrolled' } })
    expect(requests.elsewhere).toBeGreaterThan(before.elsewhere)
    expect(requests.api).toBe(before.api)
  })

  it('with nothing to confirm, no dialog is shown', async () => {
    const shown = dialog.shown.length
    expect(await call('confirmDestination', { environment: 'custom' })).toMatchObject({ ok: true, value: { confirmed: false } })
    expect(dialog.shown.length).toBe(shown)
  })
})
