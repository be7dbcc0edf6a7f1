import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAppCore } from '../../core/app/appCore.ts'
import type { SecretStore } from '../../core/credentials/secretStore.ts'
import { silentLogger } from '../../core/log/logger.ts'
import type { MainContext } from './context.ts'
import { exportHandlers } from './exportHandlers.ts'
import { createTeamSession } from './teamSession.ts'
import { openTestCore } from '../../core/app/testCore.ts'

// The export handlers with a save dialog the test answers: the "one export at a time" guard
// must hold from the moment export:start is called, not from when the dialog closes.

function memorySecretStore(): SecretStore {
  const values = new Map<string, string>()
  return {
    get: async (account) => values.get(account),
    set: async (account, value) => void values.set(account, value),
    delete: async (account) => values.delete(account),
  }
}

interface OpenDialog {
  answer(path: string | undefined): void
}

let dir: string
let core: ReturnType<typeof createAppCore>
let dialogs: OpenDialog[]
let handlers: ReturnType<typeof exportHandlers>

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otp-export-handlers-'))
  core = await openTestCore(dir, { fetch: () => Promise.reject(new Error('no network in this test')), secretStore: memorySecretStore(), operator: 'ada', machine: 'test' })
  dialogs = []
  const ctx: MainContext = {
    core,
    appInfo: { version: '0.0.0', operator: 'ada', machine: 'test', platform: 'test', logDir: join(dir, 'logs') },
    host: {
      chooseSavePath: () => new Promise((resolve) => dialogs.push({ answer: resolve })),
      chooseOpenPath: async () => undefined,
      showInFolder: () => {},
      openFolder: async () => {},
      confirm: async () => false,
    },
    logger: silentLogger,
    emit: () => {},
    logDir: join(dir, 'logs'),
    trainingUrl: () => undefined,
    team: createTeamSession(core, silentLogger, memorySecretStore()),
  }
  handlers = exportHandlers(ctx)
})
afterEach(() => {
  core.close()
  rmSync(dir, { recursive: true, force: true })
})

const start = () => handlers.exportHistory({ filter: {}, format: 'csv', fullPhone: false })
const settle = () => new Promise((resolve) => setTimeout(resolve, 10))

describe('export:start, one at a time', () => {
  it('refuses a second export while the first one’s save dialog is open', async () => {
    const first = start()
    const second = start()
    await settle()
    for (const dialog of dialogs) dialog.answer(join(dir, `out-${dialogs.indexOf(dialog)}.csv`))
    expect(await second).toMatchObject({ ok: false, error: { code: 'busy' } })
    expect(await first).toMatchObject({ ok: true, value: { rows: 0, path: join(dir, 'out-0.csv') } })
    expect(dialogs).toHaveLength(1)
  })

  it('a cancel while the save dialog is open cancels that export, and nothing is written', async () => {
    const first = start()
    await settle()
    expect(await handlers.cancelExport(undefined)).toEqual({ ok: true, value: null })
    dialogs[0]?.answer(join(dir, 'cancelled.csv'))
    expect(await first).toEqual({ ok: true, value: { cancelled: true } })
    expect(existsSync(join(dir, 'cancelled.csv'))).toBe(false)
  })

  it('accepts the next export once the first has ended, however it ended', async () => {
    const dismissed = start()
    await settle()
    dialogs[0]?.answer(undefined)
    expect(await dismissed).toEqual({ ok: true, value: { cancelled: true } })

    const next = start()
    await settle()
    dialogs[1]?.answer(join(dir, 'next.csv'))
    expect(await next).toMatchObject({ ok: true, value: { path: join(dir, 'next.csv') } })
  })
})
