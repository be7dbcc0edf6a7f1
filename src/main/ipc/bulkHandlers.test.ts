import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMemorySecretStore } from '../../core/audit/memorySecretStore.ts'
import { startTrainingServer, type TrainingServer } from '../../core/simulator/trainingServer.ts'
import type { BulkProgress } from '../../shared/domain/bulkRun.ts'
import { ipcContract, ipcEvents } from '../../shared/ipc/contract.ts'
import { startMain, type MainRuntime } from '../startMain.ts'
import type { HostPlatform } from './context.ts'
import { createSenderCheck } from './dispatch.ts'

// Bulk enrollment through main's real dispatch, against a loopback server that counts what it
// receives: the file is named by the id main gave it, the run lives in main, and a main side
// closed mid-run is offered for resume by the next one, which sends only what was never sent.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })
const APP = 'http://app.test'
const creds = { clientId: 'IKIABULKUI000000000000000000000000000001', clientSecret: 'bulk-ui-test-secret-0123456789ab' }
const dataDir = mkdtempSync(join(tmpdir(), 'otp-bulk-handlers-'))
const secretStore = createMemorySecretStore()
const received = new Map<string, number>()
const dialog: { open: string | undefined; save: string | undefined; confirm: boolean; confirmations: string[] } = { open: undefined, save: undefined, confirm: false, confirmations: [] }
const progress: BulkProgress[] = []

const host: HostPlatform = {
  chooseSavePath: async () => dialog.save,
  chooseOpenPath: async () => dialog.open,
  showInFolder: () => {},
  openFolder: async () => {},
  confirm: async ({ message }) => (dialog.confirmations.push(message), dialog.confirm),
}

let server: TrainingServer
let main: MainRuntime
const start = async () => {
  main = await startMain({
    dataDir,
    appVersion: '9.9.9',
    fetch: (input, init) => fetch(input, init),
    secretStore,
    host,
    emit: (channel, payload) => {
      if (channel === ipcEvents.bulkProgress) progress.push(payload as BulkProgress)
    },
    isTrustedSender: createSenderCheck({ devOrigin: APP }),
  })
}
type Answer = { ok: boolean; value?: any; error?: { code: string; message: string } } // eslint-disable-line @typescript-eslint/no-explicit-any
const call = (method: keyof typeof ipcContract, payload?: unknown) => main.dispatch(ipcContract[method].channel, payload, `${APP}/index.html`) as Promise<Answer>

let counter = 0
/** `slow`: ids the training server answers after 1.5 s (rule …777), so a run is still going when the test acts. */
function csv(name: string, rows: number, slow = false): { path: string; ids: string[] } {
  const ids = Array.from({ length: rows }, () => `${Date.now() % 100_000}${String(++counter).padStart(3, '0')}${slow ? '777' : '1'}`)
  const path = join(dataDir, name)
  writeFileSync(path, ['Payment Id,Mobile Phone', ...ids.map((id) => `${id},0803 123 4567`)].join('\r\n'))
  return { path, ids }
}

/** The run's summary once it has stopped (finished, paused, cancelled, interrupted). */
async function settled(runId: number): Promise<Answer> {
  for (;;) {
    const summary = await call('getBulkRun', { runId })
    if (summary.value?.run.state !== 'running') return summary
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeAll(async () => {
  server = await startTrainingServer({
    credentials: [creds],
    onEnrollmentRequest: ({ paymentId }) => void received.set(paymentId, (received.get(paymentId) ?? 0) + 1),
  })
  await start()
  await call('updateEnvironment', { id: 'custom', baseUrl: server.url, passportUrl: server.url })
  await call('setCredentials', { environment: 'custom', ...creds })
  await call('setActiveEnvironment', { id: 'custom' })
})
afterAll(async () => {
  await main?.close()
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('bulk IPC (main side)', () => {
  it('names the picked file by an id, never its path, and previews it by that id', async () => {
    const { path } = csv('cards.csv', 3)
    dialog.open = undefined
    expect(await call('pickBulkFile')).toEqual({ ok: true, value: { cancelled: true } })
    dialog.open = path
    const picked = await call('pickBulkFile')
    expect(picked.ok).toBe(true)
    expect(picked.value).toMatchObject({ name: 'cards.csv', header: { unresolved: [] } })
    expect(JSON.stringify(picked.value)).not.toContain(dataDir)
    const preview = await call('previewBulkFile', { fileId: picked.value.fileId })
    expect(preview.value).toMatchObject({ rows: 3, requestsToSend: 3 })
    // A path, or an id main never gave, names nothing.
    expect((await call('previewBulkFile', { fileId: path.slice(0, 64) })).error?.code).toBe('not-found')
  })

  it('refuses a bad file when it is picked, with the reason', async () => {
    const path = join(dataDir, 'utf16.csv')
    writeFileSync(path, Buffer.from('\uFEFFPayment Id,Phone\r\n', 'utf16le'))
    dialog.open = path
    const picked = await call('pickBulkFile')
    expect(picked.error?.code).toBe('bad-file')
  })

  it('runs a file in main, pushes progress, and refuses a start for an environment no longer active', async () => {
    const { path, ids } = csv('run.csv', 4)
    dialog.open = path
    const { fileId } = (await call('pickBulkFile')).value
    expect((await call('startBulkRun', { fileId, environment: 'training', concurrency: 2, rate: null })).error?.code).toBe('invalid-input')
    const started = await call('startBulkRun', { fileId, environment: 'custom', concurrency: 2, rate: null })
    expect(started.ok).toBe(true)
    const runId = started.value.run.id as number
    const done = await settled(runId)
    expect(done.value.run.state).toBe('finished')
    expect(done.value.counts.outcomes.enrolled).toBe(4)
    expect(ids.every((id) => received.get(id) === 1)).toBe(true)
    expect(progress.some((p) => p.runId === runId)).toBe(true)
    const history = await call('countHistory', { filter: { runId } })
    expect(history.value.total).toBe(4)

    // The export goes where the operator chose in the save dialog, phones masked, and is audited.
    const out = join(dataDir, 'run-export.csv')
    dialog.save = out
    const exported = await call('exportBulkRun', { runId, fullPhone: false })
    expect(exported.value).toEqual({ path: out, rows: 4 })
    const text = readFileSync(out, 'utf8')
    expect(text.split('\r\n')[0]).toContain('attempt_id')
    expect(text).toContain('234803****567')
    expect(text).not.toContain('2348031234567')
    const audit = (await call('listAudit', { limit: 5 })).value as { action: string; details: Record<string, unknown> }[]
    expect(audit.find((e) => e.action === 'export')?.details).toMatchObject({ bulkRun: runId, rows: 4, fullPhone: false })
  })

  it('a main side closed mid-run leaves the run unfinished; the next one offers it and resumes without resending', async () => {
    const { path, ids } = csv('restart.csv', 4, true)
    dialog.open = path
    const { fileId } = (await call('pickBulkFile')).value
    const started = await call('startBulkRun', { fileId, environment: 'custom', concurrency: 1, rate: null })
    const runId = started.value.run.id as number
    // One request out (answered after 1.5 s): closing now lets it finish and starts nothing new.
    await vi.waitFor(() => expect(ids.filter((id) => received.has(id)).length).toBeGreaterThanOrEqual(1), { timeout: 30_000, interval: 20 })
    await main.close()
    const sentBefore = ids.filter((id) => received.has(id)).length
    expect(sentBefore).toBeLessThan(4)

    await start()
    const list = await call('listBulkRuns')
    const offered = list.value.unfinished.find((o: { run: { id: number } }) => o.run.id === runId)
    expect(offered).toMatchObject({ active: false, run: { state: 'interrupted' } })
    expect(offered.counts.pending).toBe(4 - sentBefore)
    expect((await call('resumeBulkRun', { runId })).ok).toBe(true)
    const done = await settled(runId)
    expect(done.value.run.state).toBe('finished')
    expect(ids.every((id) => received.get(id) === 1)).toBe(true)
    expect(done.value.counts.outcomes.enrolled + done.value.counts.outcomes.unknown).toBe(4)
  })

  it('Production needs the typed environment and row count; a refused start sends nothing and is not offered for resume', async () => {
    await call('updateEnvironment', { id: 'production', baseUrl: server.url, passportUrl: server.url })
    await call('setCredentials', { environment: 'production', ...creds })
    await call('setActiveEnvironment', { id: 'production' })
    try {
      const { path, ids } = csv('production.csv', 2)
      dialog.open = path
      const { fileId } = (await call('pickBulkFile')).value
      expect((await call('previewBulkFile', { fileId })).value.requestsToSend).toBe(2)
      const refused = await call('startBulkRun', { fileId, environment: 'production', concurrency: 1, rate: null, productionConfirmation: 'production 3' })
      expect(refused.error?.code).toBe('confirmation-required')
      expect(ids.some((id) => received.has(id))).toBe(false)
      const list = await call('listBulkRuns')
      expect(list.value.unfinished.filter((o: { run: { fileName: string } }) => o.run.fileName === 'production.csv')).toEqual([])
      const started = await call('startBulkRun', { fileId, environment: 'production', concurrency: 1, rate: null, productionConfirmation: 'Production 2' })
      expect(started.ok).toBe(true)
      expect((await settled(started.value.run.id)).value.counts.outcomes.enrolled).toBe(2)
    } finally {
      await call('setActiveEnvironment', { id: 'custom' })
    }
  })

  it('retries failed rows only after main’s own confirmation', async () => {
    // E34 "System busy": a wait-and-retry rejection (training rule …034).
    const path = join(dataDir, 'failing.csv')
    const failing = `${Date.now() % 100_000}77034`
    writeFileSync(path, `Payment Id,Mobile Phone\r\n${failing},0803 123 4567\r\n`)
    dialog.open = path
    const { fileId } = (await call('pickBulkFile')).value
    const runId = (await call('startBulkRun', { fileId, environment: 'custom', concurrency: 1, rate: null })).value.run.id as number
    const done = await settled(runId)
    expect(done.value.retryableRows).toBe(1)
    dialog.confirm = false
    expect(await call('retryBulkRun', { runId })).toEqual({ ok: true, value: { cancelled: true } })
    expect(dialog.confirmations.at(-1)).toContain(`bulk run #${runId}`)
    expect(received.get(failing)).toBe(1)
    dialog.confirm = true
    const retried = await call('retryBulkRun', { runId })
    expect(retried.value.run.retryOfRun).toBe(runId)
    await settled(retried.value.run.id)
    expect(received.get(failing)).toBe(2)
  })
})
