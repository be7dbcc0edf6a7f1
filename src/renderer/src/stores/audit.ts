import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { AuditEntry, AuditVerification } from '../../../shared/domain/audit.ts'
import type { AppError } from '../../../shared/domain/result.ts'
import { otp } from '../api/bridge.ts'
import { formatCount } from '../lib/format.ts'
import { useAppStore } from './app.ts'

export const AUDIT_PAGE = 100

/** The audit trail, newest first, paged backwards by sequence number, and its chain check. */
export const useAuditStore = defineStore('audit', () => {
  const entries = shallowRef<AuditEntry[]>([])
  const loading = ref(false)
  const loadingMore = ref(false)
  const loaded = ref(false)
  const reachedEnd = ref(false)
  const error = shallowRef<AppError | null>(null)
  const verification = shallowRef<AuditVerification | null>(null)
  const verifying = ref(false)
  const verifyError = shallowRef<AppError | null>(null)
  const exporting = ref(false)

  const oldestSeq = computed(() => entries.value.at(-1)?.seq ?? null)
  const hasMore = computed(() => !reachedEnd.value && (oldestSeq.value ?? 0) > 1)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    const r = await otp().listAudit({ limit: AUDIT_PAGE })
    loading.value = false
    loaded.value = true
    if (r.ok) {
      entries.value = sortNewestFirst(r.value)
      reachedEnd.value = r.value.length < AUDIT_PAGE
    } else {
      error.value = r.error
    }
  }

  async function loadMore(): Promise<void> {
    const before = oldestSeq.value
    if (before === null || !hasMore.value || loadingMore.value) return
    loadingMore.value = true
    const r = await otp().listAudit({ beforeSeq: before, limit: AUDIT_PAGE })
    loadingMore.value = false
    if (r.ok) {
      const seen = new Set(entries.value.map((e) => e.seq))
      entries.value = [...entries.value, ...sortNewestFirst(r.value).filter((e) => !seen.has(e.seq))]
      reachedEnd.value = r.value.length < AUDIT_PAGE
    } else {
      error.value = r.error
    }
  }

  async function verify(): Promise<void> {
    verifying.value = true
    const r = await otp().verifyAudit()
    verifying.value = false
    if (r.ok) {
      verification.value = r.value
      verifyError.value = null
    } else {
      verifyError.value = r.error
    }
  }

  /** The whole trail to a file the operator chooses (main shows the save dialog), with the head it was verified against. */
  async function exportTrail(): Promise<void> {
    if (exporting.value) return
    const app = useAppStore()
    exporting.value = true
    const r = await otp().exportAudit({})
    exporting.value = false
    if (!r.ok) {
      app.toast('error', `Audit export failed: ${r.error.message}`)
    } else if ('cancelled' in r.value) {
      app.toast('info', 'Audit export cancelled')
    } else {
      const { entries: count, path, verification: checked } = r.value
      verification.value = checked
      app.toast(checked.ok ? 'success' : 'warning', `Exported ${formatCount(count)} audit entr${count === 1 ? 'y' : 'ies'} to ${path}${checked.ok ? '' : ' — the chain is BROKEN, see the file\'s first line'}`)
      void load()
    }
  }

  return { entries, loading, loadingMore, loaded, error, verification, verifying, verifyError, exporting, hasMore, load, loadMore, verify, exportTrail }
})

function sortNewestFirst(list: AuditEntry[]): AuditEntry[] {
  return [...list].sort((a, b) => b.seq - a.seq)
}
