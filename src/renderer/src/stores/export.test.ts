import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ExportResult } from '../../../shared/domain/export.ts'
import type { Result } from '../../../shared/domain/result.ts'
import { installBridge } from '../api/bridge.ts'
import { useAppStore } from './app.ts'
import { useExportStore } from './export.ts'
import { deferred, fakeBridge } from './fakeBridge.test-helpers.ts'

describe('export store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('exports the current filter with phones masked unless asked, and offers Show in folder', async () => {
    const fake = fakeBridge({ exportHistory: () => ({ ok: true, value: { path: '/tmp/x.csv', rows: 1234 } }), showInFolder: () => ({ ok: true, value: null }) })
    installBridge(fake.bridge)
    const store = useExportStore()
    const app = useAppStore()
    await store.start({ outcome: ['rejected'] }, 'csv', false)
    expect(fake.callsOf('exportHistory')[0]?.request).toEqual({ filter: { outcome: ['rejected'] }, format: 'csv', fullPhone: false })
    const toast = app.toasts.at(-1)
    expect(toast?.message).toBe('Exported 1,234 attempts')
    await toast?.action?.run()
    expect(fake.callsOf('showInFolder')[0]?.request).toEqual({ path: '/tmp/x.csv' })
    expect(store.running).toBe(false)
  })

  it('runs one export at a time and reports a cancel', async () => {
    const hold = deferred<Result<ExportResult>>()
    const fake = fakeBridge({ exportHistory: () => hold.promise, cancelExport: () => ({ ok: true, value: null }) })
    installBridge(fake.bridge)
    const store = useExportStore()
    const first = store.start({}, 'bundle', true)
    expect(await store.start({}, 'csv', false)).toBeNull()
    await store.cancel()
    expect(fake.callsOf('cancelExport')).toHaveLength(1)
    hold.resolve({ ok: true, value: { cancelled: true } })
    await first
    expect(useAppStore().toasts.at(-1)?.message).toBe('Export cancelled')
    expect(fake.callsOf('exportHistory')).toHaveLength(1)
  })
})
