import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { HistoryFilter } from '../../../shared/domain/historyFilter.ts'
import type { ExportFormat, ExportProgress, ExportResult } from '../../../shared/domain/export.ts'
import type { Result } from '../../../shared/domain/result.ts'
import type { HistoryScope } from '../../../shared/domain/teamViews.ts'
import { otp } from '../api/bridge.ts'
import { formatCount } from '../lib/format.ts'
import { useAppStore } from './app.ts'

export const EXPORT_FORMAT_LABELS: Record<ExportFormat, string> = {
  csv: 'CSV',
  jsonl: 'JSON Lines',
  bundle: 'Support bundle (.zip)',
}

/** One export at a time, with progress pushed by main and a cancel. */
export const useExportStore = defineStore('export', () => {
  const app = useAppStore()
  const running = ref(false)
  const cancelling = ref(false)
  const format = ref<ExportFormat | null>(null)
  const progress = shallowRef<ExportProgress | null>(null)

  async function start(filter: HistoryFilter, fmt: ExportFormat, fullPhone: boolean, scope: HistoryScope = 'local'): Promise<Result<ExportResult> | null> {
    if (running.value) return null
    running.value = true
    cancelling.value = false
    format.value = fmt
    progress.value = null
    const off = otp().onExportProgress((p) => {
      progress.value = p
    })
    try {
      const r = await otp().exportHistory({ filter, format: fmt, fullPhone, ...(scope === 'team' ? { scope } : {}) })
      if (!r.ok) {
        app.toast('error', `Export failed: ${r.error.message}`)
      } else if ('cancelled' in r.value) {
        app.toast('info', 'Export cancelled')
      } else {
        const { path, rows } = r.value
        app.toast('success', `Exported ${formatCount(rows)} attempt${rows === 1 ? '' : 's'}`, {
          label: 'Show in folder',
          run: async () => {
            const shown = await otp().showInFolder({ path })
            if (!shown.ok) app.toast('error', `Could not open the folder: ${shown.error.message}`)
          },
        })
      }
      return r
    } finally {
      off()
      running.value = false
      cancelling.value = false
      progress.value = null
      format.value = null
    }
  }

  async function cancel(): Promise<void> {
    if (!running.value || cancelling.value) return
    cancelling.value = true
    const r = await otp().cancelExport()
    if (!r.ok) {
      cancelling.value = false
      app.toast('error', `Could not cancel the export: ${r.error.message}`)
    }
  }

  return { running, cancelling, format, progress, start, cancel }
})
