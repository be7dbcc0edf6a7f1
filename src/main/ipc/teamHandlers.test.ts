import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemorySecretStore } from '../../core/audit/memorySecretStore.ts'
import { TEST_ROLE } from '../../core/team/testing/pgCluster.ts'
import { freshTestDatabase } from '../../core/team/testing/sharedPgCluster.ts'
import type { TeamSettings } from '../../shared/domain/team.ts'
import { ipcContract, type IpcMethod } from '../../shared/ipc/contract.ts'
import { createSenderCheck } from './dispatch.ts'
import { startMain, type MainRuntime } from '../startMain.ts'

// The team IPC (issue 14) through startMain's real dispatch, against a real PostgreSQL: the
// settings (audited, password kept in the keychain and never answered), Test connection in
// plain words, the replicator started on save, the team scope of history and the precheck.

const APP = 'http://app.test'
const PASSWORD = 'team-handlers-pg-password-never-answered-91d2'

let main: MainRuntime
let dataDir: string
let secrets: ReturnType<typeof createMemorySecretStore>
const answers: unknown[] = []

type Answer = { ok: boolean; value?: never; error?: { code: string; message: string; fields?: Record<string, string> } }
async function call(method: IpcMethod, payload?: unknown): Promise<Answer> {
  const answer = (await main.dispatch(ipcContract[method].channel, payload, `${APP}/index.html`)) as Answer
  answers.push(answer)
  return answer
}

async function teamDb(): Promise<TeamSettings> {
  const url = new URL(await freshTestDatabase('teamui'))
  return { host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), user: TEST_ROLE, tlsMode: 'disable', caFile: null }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > end) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'otp-team-ipc-'))
  secrets = createMemorySecretStore()
  main = await startMain({
    dataDir,
    appVersion: '9.9.9',
    fetch: (input, init) => fetch(input, init),
    secretStore: secrets,
    host: { chooseSavePath: async () => undefined, chooseOpenPath: async () => join(dataDir, 'not-a-cert.txt'), showInFolder: () => {}, openFolder: async () => {}, confirm: async () => false },
    emit: () => {},
    isTrustedSender: createSenderCheck({ devOrigin: APP }),
  })
})
afterEach(async () => {
  await main.close()
  rmSync(dataDir, { recursive: true, force: true })
  // The password was typed into none of the answers the window got.
  expect(JSON.stringify(answers)).not.toContain(PASSWORD)
  answers.length = 0
})

describe('team IPC', () => {
  it('starts with no team database: nothing configured, status off, team reads say so', async () => {
    expect(await call('getTeamSettings')).toMatchObject({ ok: true, value: { settings: null, source: null, passwordStored: false } })
    expect(await call('getTeamStatus')).toEqual({ ok: true, value: { state: 'off' } })
    expect(await call('queryHistory', { filter: {}, scope: 'team' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    const precheck = await call('precheckEnroll', { paymentId: '12345' })
    expect(precheck).toMatchObject({ ok: true, value: { team: null, teamError: null } })
  })

  it('checks the CA file in main: chosen or typed, it must be a PEM file', async () => {
    const settings = { ...(await teamDb()), tlsMode: 'verify-full' as const }
    expect(await call('setTeamSettings', { settings: { ...settings, caFile: null } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(await call('setTeamSettings', { settings: { ...settings, caFile: 'relative/ca.pem' } })).toMatchObject({ ok: false, error: { fields: { caFile: expect.stringContaining('full path') } } })
    writeFileSync(join(dataDir, 'not-a-cert.txt'), 'hello')
    expect(await call('chooseTeamCaFile')).toMatchObject({ ok: false, error: { fields: { caFile: expect.stringContaining('no PEM certificate') } } })
    const pem = join(dataDir, 'ca.pem')
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    // A good path saves (nothing connects yet); the audit entry names the TLS mode.
    expect(await call('setTeamSettings', { settings: { ...settings, caFile: pem } })).toMatchObject({ ok: true, value: { settings: { tlsMode: 'verify-full', caFile: pem } } })
    expect(await call('getTeamStatus')).toMatchObject({ ok: true, value: { state: expect.stringMatching(/waiting|unreachable|up-to-date/) } })
  })

  it('tests a connection as typed, without saving it', async () => {
    const settings = await teamDb()
    const good = await call('testTeamConnection', { settings, password: PASSWORD })
    expect(good).toMatchObject({ ok: true, value: { ok: true, serverVersion: expect.stringMatching(/^PostgreSQL \d+/), schemaVersion: 0, mayMigrate: true } })
    const refused = await call('testTeamConnection', { settings: { ...settings, port: 1 } })
    expect(refused).toMatchObject({ ok: true, value: { ok: false, message: expect.stringContaining('ECONNREFUSED') } })
    const noDb = await call('testTeamConnection', { settings: { ...settings, database: 'no_such_db_here' } })
    expect(noDb).toMatchObject({ ok: true, value: { ok: false, message: expect.stringContaining('3D000') } })
    expect(await call('getTeamSettings')).toMatchObject({ ok: true, value: { settings: null } })
  })

  it('saves the team database (audited, password to the keychain), ships, and reads the team scope', async () => {
    const settings = await teamDb()
    const saved = await call('setTeamSettings', { settings, password: PASSWORD })
    expect(saved).toMatchObject({ ok: true, value: { settings, source: 'settings', passwordStored: true } })
    expect([...secrets.items.values()].some((v) => v.includes(PASSWORD))).toBe(true)
    const audit = (await call('listAudit', { limit: 10 })) as unknown as { value: { action: string; summary: string }[] }
    expect(audit.value.find((e) => e.action === 'team.configure')?.summary).toContain(`${TEST_ROLE}@127.0.0.1:${settings.port}/${settings.database}`)

    const enrolled = (await call('enroll', { paymentId: '7770001', phone: '08031234567', transactionRef: 'JB-7-Enrol', signatureMethod: 'SHA-256' })) as unknown as { ok: boolean; value: { id: number } }
    expect(enrolled.ok).toBe(true)
    const status = await until(() => call('getTeamStatus'), (s) => (s as unknown as { value: { state: string } }).value.state === 'up-to-date')
    expect(status).toMatchObject({ ok: true, value: { state: 'up-to-date', pending: 0 } })

    const page = (await call('queryHistory', { filter: { paymentId: '7770001' }, scope: 'team' })) as unknown as { ok: boolean; value: { rows: { id: number; origin: { localId: number; machine: string } }[] } }
    expect(page.ok).toBe(true)
    expect(page.value.rows).toHaveLength(1)
    expect(page.value.rows[0]?.origin.localId).toBe(enrolled.value.id)
    expect(await call('countHistory', { filter: {}, scope: 'team' })).toEqual({ ok: true, value: { total: 1 } })
    const detail = await call('getAttempt', { id: page.value.rows[0]!.id, scope: 'team' })
    expect(detail).toMatchObject({ ok: true, value: { record: { paymentId: '7770001', outcome: 'enrolled' }, origin: { localId: enrolled.value.id } } })
    // This console's own attempt is in its local precheck, not repeated as a team one.
    expect(await call('precheckEnroll', { paymentId: '7770001' })).toMatchObject({ ok: true, value: { risky: [{ paymentId: '7770001' }], team: { risky: [] }, teamError: null } })

    // Removing it: status off, team reads refused, the local history untouched.
    expect(await call('clearTeamSettings')).toMatchObject({ ok: true, value: { settings: null, passwordStored: false } })
    expect(await call('getTeamStatus')).toEqual({ ok: true, value: { state: 'off' } })
    expect(await call('queryHistory', { filter: {}, scope: 'team' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    expect(await call('countHistory', { filter: {} })).toEqual({ ok: true, value: { total: 1 } })
  })

  it('says an unreachable team database in the status and the precheck, and enrolling goes on', async () => {
    await call('setTeamSettings', { settings: { ...(await teamDb()), port: 1 } })
    const status = await until(() => call('getTeamStatus'), (s) => (s as unknown as { value: { state: string } }).value.state === 'unreachable')
    expect(status).toMatchObject({ ok: true, value: { state: 'unreachable', unreachableSince: expect.any(Number), lastError: expect.stringContaining('ECONNREFUSED') } })
    expect(await call('precheckEnroll', { paymentId: '7772001' })).toMatchObject({ ok: true, value: { team: null, teamError: expect.stringContaining('unreachable') } })
    expect(await call('enroll', { paymentId: '7772001', phone: '08031234567', transactionRef: 'JB-8-Enrol', signatureMethod: 'SHA-256' })).toMatchObject({ ok: true, value: { outcome: 'enrolled' } })
    expect(await call('queryHistory', { filter: {}, scope: 'team' })).toMatchObject({ ok: false, error: { code: 'team-unavailable' } })
  })
})
