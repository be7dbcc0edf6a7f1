import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { BulkColumnMapping as BulkMapping, BulkPreview } from '../../../shared/domain/bulk.ts'
import { DEFAULT_BULK_CONCURRENCY, isResumableState, type BulkProgress, type BulkRunSummary } from '../../../shared/domain/bulkRun.ts'
import type { BulkFilePicked, BulkRunList } from '../../../shared/domain/bulkViews.ts'
import type { IpcRequest } from '../../../shared/ipc/contract.ts'
import type { AppError, Result } from '../../../shared/domain/result.ts'
import { otp } from '../api/bridge.ts'
import { formatCount } from '../lib/format.ts'
import { useAppStore } from './app.ts'
import { useEnvironmentStore } from './environment.ts'


/** Requests per second a new run starts with: gentle on the API; the operator can raise it. */
export const DEFAULT_BULK_RATE = 10

/**
 * The Bulk view's state: the picked file (an id; its path stays in main), its preview and
 * column mapping, the run settings, and the run shown — which runs in main, so the window only
 * watches it (progress pushed by main) and can be closed and re-opened meanwhile.
 */
export const useBulkStore = defineStore('bulk', () => {
  const app = useAppStore()
  const env = useEnvironmentStore()

  const file = shallowRef<BulkFilePicked | null>(null)
  const picking = ref(false)
  const preview = shallowRef<BulkPreview | null>(null)
  const previewing = ref(false)
  const fileError = shallowRef<AppError | null>(null)
  const mapping = shallowRef<BulkMapping | undefined>(undefined)

  const concurrency = ref(DEFAULT_BULK_CONCURRENCY)
  /** null: no limit. */
  const rate = ref<number | null>(DEFAULT_BULK_RATE)

  /** The run on screen: its last summary, and the progress main pushed since. */
  const summary = shallowRef<BulkRunSummary | null>(null)
  const progress = shallowRef<BulkProgress | null>(null)
  const runError = shallowRef<AppError | null>(null)
  const busy = ref(false)
  const runs = shallowRef<BulkRunList | null>(null)

  const runId = computed(() => summary.value?.run.id ?? null)
  const state = computed(() => progress.value?.state ?? summary.value?.run.state ?? null)
  const counts = computed(() => progress.value?.counts ?? summary.value?.counts ?? null)
  const active = computed(() => state.value === 'running' || state.value === 'paused')
  /** Unfinished runs other than the one on screen, to offer for resume. */
  const resumable = computed(() => (runs.value?.unfinished ?? []).filter((o) => o.run.id !== runId.value && isResumableState(o.run.state)))

  let unsubscribe: (() => void) | null = null
  /** Listens to main's progress events for as long as the app runs (the run does not depend on the view). */
  function listen(): void {
    if (unsubscribe) return
    unsubscribe = otp().onBulkProgress((p) => {
      if (p.runId !== runId.value) return
      const was = state.value
      progress.value = p
      // A run that stops (paused, cancelled, finished) gets its full summary: unknown rows, retryable count.
      if (p.state !== 'running' && p.state !== was) void refresh()
    })
  }

  async function loadRuns(): Promise<void> {
    const r = await otp().listBulkRuns()
    if (r.ok) runs.value = r.value
  }

  /** Shows a run, e.g. the one still going after the window was re-opened. */
  async function open(id: number): Promise<void> {
    listen()
    const r = await otp().getBulkRun({ runId: id })
    if (r.ok) show(r.value)
    else runError.value = r.error
  }

  async function refresh(): Promise<void> {
    const id = runId.value
    if (id === null) return
    const r = await otp().getBulkRun({ runId: id })
    if (r.ok && r.value.run.id === runId.value) show(r.value)
    void loadRuns()
  }

  function show(next: BulkRunSummary): void {
    summary.value = next
    progress.value = null
    runError.value = null
  }

  /** On entering the view: the run still going in main (if any) comes back on screen. */
  async function init(): Promise<void> {
    listen()
    await loadRuns()
    if (summary.value) return void refresh()
    const going = runs.value?.unfinished.find((o) => o.active)
    if (going) await open(going.run.id)
  }

  async function pickFile(): Promise<void> {
    if (picking.value) return
    picking.value = true
    const r = await otp().pickBulkFile()
    picking.value = false
    if (!r.ok) {
      fileError.value = r.error
      return
    }
    if ('cancelled' in r.value) return
    file.value = r.value
    mapping.value = undefined
    preview.value = null
    fileError.value = null
    // Headers not all recognised: the mapping step comes first.
    if (r.value.header.unresolved.length === 0) await loadPreview()
  }

  async function loadPreview(nextMapping?: BulkMapping): Promise<void> {
    const picked = file.value
    if (!picked) return
    if (nextMapping) mapping.value = nextMapping
    previewing.value = true
    const r = await otp().previewBulkFile({ fileId: picked.fileId, ...(mapping.value ? { mapping: mapping.value } : {}) })
    previewing.value = false
    if (file.value !== picked) return
    if (r.ok) {
      preview.value = r.value
      fileError.value = null
    } else {
      preview.value = null
      fileError.value = r.error
    }
  }

  /** Another file: back to the first step (the run on screen, if any, is left to main). */
  function reset(): void {
    file.value = null
    preview.value = null
    mapping.value = undefined
    fileError.value = null
    summary.value = null
    progress.value = null
    runError.value = null
  }

  async function act(step: () => Promise<Result<BulkRunSummary | { cancelled: true }>>, failure: string): Promise<boolean> {
    if (busy.value) return false
    busy.value = true
    runError.value = null
    const r = await step()
    busy.value = false
    if (!r.ok) {
      runError.value = r.error
      app.toast('error', `${failure}: ${r.error.message}`)
      return false
    }
    if ('cancelled' in r.value) return false
    listen()
    show(r.value)
    void loadRuns()
    return true
  }

  async function start(productionConfirmation?: string): Promise<boolean> {
    const picked = file.value
    if (!picked) return false
    const request: IpcRequest<'startBulkRun'> = {
      fileId: picked.fileId,
      environment: env.activeId,
      concurrency: concurrency.value,
      rate: rate.value,
      ...(mapping.value ? { mapping: mapping.value } : {}),
      ...(productionConfirmation === undefined ? {} : { productionConfirmation }),
    }
    listen()
    return act(() => otp().startBulkRun(request), 'The run did not start')
  }

  const pause = () => withRun((id) => act(() => otp().pauseBulkRun({ runId: id }), 'Could not pause'))
  /** Resumes a paused run, or one left unfinished by a closed console (Production: with the typed confirmation). */
  const resume = (id?: number, productionConfirmation?: string) => {
    const target = id ?? runId.value
    if (target === null) return Promise.resolve(false)
    return act(() => otp().resumeBulkRun({ runId: target, ...(productionConfirmation === undefined ? {} : { productionConfirmation }) }), 'Could not resume')
  }
  const cancel = () => withRun((id) => act(() => otp().cancelBulkRun({ runId: id }), 'Could not cancel'))
  const retryFailed = (productionConfirmation?: string) =>
    withRun((id) => act(() => otp().retryBulkRun({ runId: id, ...(productionConfirmation === undefined ? {} : { productionConfirmation }) }), 'Could not retry the failed rows'))

  function withRun(step: (id: number) => Promise<boolean>): Promise<boolean> {
    const id = runId.value
    return id === null ? Promise.resolve(false) : step(id)
  }

  const exporting = ref(false)
  async function exportRun(fullPhone: boolean): Promise<void> {
    const id = runId.value
    if (id === null || exporting.value) return
    exporting.value = true
    const r = await otp().exportBulkRun({ runId: id, fullPhone })
    exporting.value = false
    if (!r.ok) app.toast('error', `Export failed: ${r.error.message}`)
    else if ('cancelled' in r.value) app.toast('info', 'Export cancelled')
    else {
      const { path, rows } = r.value
      app.toast('success', `Exported ${formatCount(rows)} row${rows === 1 ? '' : 's'} of run ${id} to ${path}`)
    }
  }

  return {
    file,
    picking,
    preview,
    previewing,
    fileError,
    mapping,
    concurrency,
    rate,
    summary,
    progress,
    runError,
    busy,
    runs,
    runId,
    state,
    counts,
    active,
    resumable,
    exporting,
    init,
    loadRuns,
    open,
    pickFile,
    loadPreview,
    reset,
    start,
    pause,
    resume,
    cancel,
    retryFailed,
    exportRun,
  }
})
