import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemorySecretStore } from '../../core/audit/memorySecretStore.ts'
import { newAttempt } from '../../core/history/testFixtures.ts'
import { ipcContract } from '../../shared/ipc/contract.ts'
import { startMain, type MainRuntime } from '../startMain.ts'
import { createSenderCheck } from './dispatch.ts'

// The retention setting through the real dispatch: saved in settings, applied at once, audited.
const APP = 'http://app.test'
let main: MainRuntime
const call = (method: keyof typeof ipcContract, payload?: unknown) =>
  main.dispatch(ipcContract[method].channel, payload, `${APP}/index.html`) as Promise<{ ok: boolean; value?: Record<string, unknown>; error?: { code: string } }>

beforeAll(async () => {
  main = await startMain({
    dataDir: mkdtempSync(join(tmpdir(), 'otp-retention-main-')),
    appVersion: '9.9.9',
    fetch: (input, init) => fetch(input, init),
    secretStore: createMemorySecretStore(),
    host: { chooseSavePath: async () => undefined, chooseOpenPath: async () => undefined, showInFolder: () => {}, openFolder: async () => {}, confirm: async () => false },
    emit: () => {},
    isTrustedSender: createSenderCheck({ devOrigin: APP }),
  })
})
afterAll(() => main.close())

describe('retention over IPC', () => {
  it('starts at 13 months, refuses out-of-range values, and a shorter retention purges at once (audited)', async () => {
    expect(await call('getRetention')).toMatchObject({ ok: true, value: { months: 13 } })
    expect(await call('setRetention', { months: 0 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(await call('setRetention', { months: 121 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })

    const history = main.context.core.history
    const now = Date.now()
    const old = history.begin(newAttempt({ startedAt: now - 100 * 86_400_000 }))
    const recent = history.begin(newAttempt({ startedAt: now - 10 * 86_400_000 }))
    expect(await call('setRetention', { months: 2 })).toMatchObject({ ok: true, value: { retention: { months: 2 }, purged: 1 } })
    expect(history.get(old)).toBeUndefined()
    expect(history.get(recent)?.id).toBe(recent)
    const audit = (await call('listAudit', { limit: 20 })).value as unknown as { action: string; details: Record<string, unknown> }[]
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['settings.update', 'history.purge']))
    expect(audit.find((e) => e.action === 'history.purge')?.details).toMatchObject({ attempts: 1, trigger: 'settings', retentionMonths: 2 })
  })
})
