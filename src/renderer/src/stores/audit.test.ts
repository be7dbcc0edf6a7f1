import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AuditEntry, AuditVerification } from '../../../shared/domain/audit.ts'
import { installBridge } from '../api/bridge.ts'
import { useAppStore } from './app.ts'
import { AUDIT_PAGE, useAuditStore } from './audit.ts'
import { fakeBridge } from './fakeBridge.test-helpers.ts'

const broken: AuditVerification = {
  ok: false,
  total: 9,
  verifiedUpTo: 9,
  brokenAt: { seq: 10, kind: 'tail-cut', reason: 'Entries after #9 are missing (head says #12).' },
  head: { trail: 't', keyId: 'k', keyedFrom: 1, seq: 12, hash: 'h' },
  legacyEntries: 0,
}
const entry = (seq: number): AuditEntry => ({ seq, at: seq, operator: 'ada', machine: 'm', appVersion: '0.1.0', action: 'export', summary: `#${seq}`, details: {}, prevHash: '', hash: '' })

describe('audit store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('lists newest first and pages backwards with beforeSeq until the start', async () => {
    const all = Array.from({ length: 150 }, (_, i) => entry(i + 1))
    const fake = fakeBridge({
      listAudit: (r) => {
        const { beforeSeq, limit } = r as { beforeSeq?: number; limit: number }
        const page = all.filter((e) => beforeSeq === undefined || e.seq < beforeSeq).sort((a, b) => b.seq - a.seq).slice(0, limit)
        return { ok: true, value: page }
      },
    })
    installBridge(fake.bridge)
    const store = useAuditStore()
    await store.load()
    expect(store.entries).toHaveLength(AUDIT_PAGE)
    expect(store.entries[0]?.seq).toBe(150)
    expect(store.hasMore).toBe(true)
    await store.loadMore()
    expect(fake.callsOf('listAudit')[1]?.request).toEqual({ beforeSeq: 51, limit: AUDIT_PAGE })
    expect(store.entries.map((e) => e.seq).at(-1)).toBe(1)
    expect(store.hasMore).toBe(false)
  })

  it('keeps the verification result, broken or not', async () => {
    installBridge(fakeBridge({ verifyAudit: () => ({ ok: true, value: broken }) }).bridge)
    const store = useAuditStore()
    await store.verify()
    expect(store.verification?.brokenAt).toEqual({ seq: 10, kind: 'tail-cut', reason: 'Entries after #9 are missing (head says #12).' })
  })

  it('exports the trail through main, keeps the verification the file was written with, and says so', async () => {
    const fake = fakeBridge({
      exportAudit: () => ({ ok: true, value: { path: '/tmp/audit.jsonl', entries: 9, verification: broken } }),
      listAudit: () => ({ ok: true, value: [entry(1)] }),
    })
    installBridge(fake.bridge)
    const store = useAuditStore()
    await store.exportTrail()
    expect(fake.callsOf('exportAudit')).toHaveLength(1)
    expect(store.verification).toEqual(broken)
    expect(useAppStore().toasts.at(-1)).toMatchObject({ kind: 'warning', message: expect.stringMatching(/Exported 9 audit entries to \/tmp\/audit.jsonl.*BROKEN/) })
    expect(store.exporting).toBe(false)
  })

  it('says when the operator cancels the save dialog', async () => {
    installBridge(fakeBridge({ exportAudit: () => ({ ok: true, value: { cancelled: true } }) }).bridge)
    await useAuditStore().exportTrail()
    expect(useAppStore().toasts.at(-1)).toMatchObject({ kind: 'info', message: 'Audit export cancelled' })
  })
})
