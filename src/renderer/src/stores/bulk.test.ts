import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { BulkFileHeader, BulkPreview } from '../../../shared/domain/bulk.ts'
import type { BulkCounts, BulkRunState, BulkRunSummary } from '../../../shared/domain/bulkRun.ts'
import type { BulkFilePicked } from '../../../shared/domain/bulkViews.ts'
import { installBridge } from '../api/bridge.ts'
import { useBulkStore } from './bulk.ts'
import { fakeBridge } from './fakeBridge.test-helpers.ts'

const ok = <T>(value: T) => ({ ok: true as const, value })

const header = (missing: BulkFileHeader['unresolved'] = []): BulkFileHeader => ({
  delimiter: ';',
  headers: ['Payment', 'Phone'],
  mapping: missing.length ? {} : { paymentId: 'Payment', phone: 'Phone' },
  unresolved: missing,
})
const picked = (missing: BulkFileHeader['unresolved'] = []): BulkFilePicked => ({ fileId: 'f1', name: 'cards.csv', bytes: 120, header: header(missing) })
const preview = (requests: number): BulkPreview => ({
  fileName: 'cards.csv',
  fileSha256: 'ab',
  header: header(),
  mapping: { paymentId: 'Payment', phone: 'Phone' },
  rows: requests,
  counts: { ready: requests, invalid: 0, 'duplicate-in-file': 0, 'already-enrolled': 0, 'unknown-outcome': 0 },
  requestsToSend: requests,
  includeFlagged: false,
  firstRows: [],
})
const counts = (pending: number, enrolled: number): BulkCounts => ({ total: pending + enrolled, pending, skipped: 0, inFlight: 0, outcomes: { enrolled, rejected: 0, failed: 0, unknown: 0 } })
const summary = (id: number, state: BulkRunState, c: BulkCounts): BulkRunSummary => ({
  run: {
    id,
    fileName: 'cards.csv',
    fileFingerprint: 'ab',
    environment: 'training',
    baseUrl: 'http://127.0.0.1:1',
    header: ['Payment', 'Phone'],
    mapping: {},
    concurrency: 4,
    rate: 10,
    state,
    createdAt: 0,
    finishedAt: null,
    operator: 'ada',
    retryOfRun: null,
  },
  counts: c,
  skipped: {},
  unknownRows: [],
  retryableRows: 0,
})

describe('bulk store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('previews a picked file by its id, and starts the run with the settings and the environment shown', async () => {
    const fake = fakeBridge({
      pickBulkFile: () => ok(picked()),
      previewBulkFile: () => ok(preview(3)),
      startBulkRun: () => ok(summary(7, 'running', counts(3, 0))),
      listBulkRuns: () => ok({ recent: [], unfinished: [] }),
    })
    installBridge(fake.bridge)
    const bulk = useBulkStore()
    await bulk.pickFile()
    expect(fake.callsOf('previewBulkFile')[0]?.request).toEqual({ fileId: 'f1' })
    expect(bulk.preview?.requestsToSend).toBe(3)
    bulk.concurrency = 8
    bulk.rate = null
    expect(await bulk.start()).toBe(true)
    expect(fake.callsOf('startBulkRun')[0]?.request).toEqual({ fileId: 'f1', environment: 'training', concurrency: 8, rate: null })
    expect(bulk.runId).toBe(7)
    expect(bulk.state).toBe('running')
  })

  it('asks for the mapping first when headers are not recognised, then previews with it', async () => {
    const fake = fakeBridge({ pickBulkFile: () => ok(picked(['paymentId', 'phone'])), previewBulkFile: () => ok(preview(2)) })
    installBridge(fake.bridge)
    const bulk = useBulkStore()
    await bulk.pickFile()
    expect(fake.callsOf('previewBulkFile')).toHaveLength(0)
    await bulk.loadPreview({ paymentId: 'Payment', phone: 'Phone' })
    expect(fake.callsOf('previewBulkFile')[0]?.request).toEqual({ fileId: 'f1', mapping: { paymentId: 'Payment', phone: 'Phone' } })
    expect(bulk.preview?.requestsToSend).toBe(2)
  })

  it('shows a file error and keeps nothing of a refused file', async () => {
    const fake = fakeBridge({ pickBulkFile: () => ok(picked()), previewBulkFile: () => ({ ok: false, error: { code: 'invalid-input', message: 'The file is UTF-16.' } }) })
    installBridge(fake.bridge)
    const bulk = useBulkStore()
    await bulk.pickFile()
    expect(bulk.preview).toBeNull()
    expect(bulk.fileError?.message).toBe('The file is UTF-16.')
  })

  it('follows main’s progress for the run on screen only, and fetches the summary when it stops', async () => {
    let finished = false
    const fake = fakeBridge({
      pickBulkFile: () => ok(picked()),
      previewBulkFile: () => ok(preview(3)),
      startBulkRun: () => ok(summary(7, 'running', counts(3, 0))),
      getBulkRun: () => ok(finished ? summary(7, 'finished', counts(0, 3)) : summary(7, 'running', counts(1, 2))),
      listBulkRuns: () => ok({ recent: [], unfinished: [] }),
    })
    installBridge(fake.bridge)
    const bulk = useBulkStore()
    await bulk.pickFile()
    await bulk.start()
    fake.emitBulkProgress({ runId: 99, state: 'running', counts: counts(0, 5), currentRate: 1, secondsLeft: 0 })
    expect(bulk.counts?.outcomes.enrolled).toBe(0)
    fake.emitBulkProgress({ runId: 7, state: 'running', counts: counts(1, 2), currentRate: 2, secondsLeft: 0.5 })
    expect(bulk.counts?.outcomes.enrolled).toBe(2)
    expect(fake.callsOf('getBulkRun')).toHaveLength(0)
    finished = true
    fake.emitBulkProgress({ runId: 7, state: 'finished', counts: counts(0, 3), currentRate: 0, secondsLeft: null })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(fake.callsOf('getBulkRun')).toHaveLength(1)
    expect(bulk.state).toBe('finished')
    expect(bulk.summary?.counts.outcomes.enrolled).toBe(3)
  })

  it('brings back the run still going in main when the view opens again, and offers the others for resume', async () => {
    const fake = fakeBridge({
      listBulkRuns: () =>
        ok({
          recent: [],
          unfinished: [
            { run: summary(4, 'running', counts(2, 1)).run, counts: counts(2, 1), active: false },
            { run: summary(5, 'running', counts(2, 1)).run, counts: counts(2, 1), active: true },
          ],
        }),
      getBulkRun: (r) => ok(summary((r as { runId: number }).runId, 'running', counts(2, 1))),
      resumeBulkRun: (r) => ok(summary((r as { runId: number }).runId, 'running', counts(2, 1))),
    })
    installBridge(fake.bridge)
    const bulk = useBulkStore()
    await bulk.init()
    expect(bulk.runId).toBe(5)
    expect(bulk.resumable.map((o) => o.run.id)).toEqual([4])
    await bulk.resume(4)
    expect(fake.callsOf('resumeBulkRun')[0]?.request).toEqual({ runId: 4 })
    expect(bulk.runId).toBe(4)
  })
})
