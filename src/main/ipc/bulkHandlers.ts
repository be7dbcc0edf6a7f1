import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { exportBulkRun } from '../../core/bulk/bulkExport.ts'
import { inspectBulkFile } from '../../core/bulk/csvReader.ts'
import { previewBulkFile } from '../../core/bulk/preview.ts'
import { isResumableState, type BulkRun, type BulkRunSummary } from '../../shared/domain/bulkRun.ts'
import type { BulkRunOverview } from '../../shared/domain/bulkViews.ts'
import { ENVIRONMENT_LABELS } from '../../shared/domain/environments.ts'
import { fail, ok, type Result } from '../../shared/domain/result.ts'
import { ipcEvents } from '../../shared/ipc/contract.ts'
import { createPickedFiles } from './bulkFiles.ts'
import type { HandlerMap, MainContext } from './context.ts'

type BulkMethods =
  | 'pickBulkFile'
  | 'previewBulkFile'
  | 'startBulkRun'
  | 'pauseBulkRun'
  | 'resumeBulkRun'
  | 'cancelBulkRun'
  | 'listBulkRuns'
  | 'getBulkRun'
  | 'retryBulkRun'
  | 'exportBulkRun'

/** How many runs the Bulk view lists. */
const RECENT_RUNS = 20

/** The column of the file's phone numbers (shown normalised and masked in the export), or null. */
function phoneColumnOf(run: BulkRun): number | null {
  const index = run.mapping.phone === undefined ? -1 : run.header.indexOf(run.mapping.phone)
  return index < 0 ? null : index
}

const PICK_AGAIN = 'This file is no longer known to the console: choose it again.'

/**
 * Bulk enrollment from the window's side. The runner lives here in main (core.bulk), not in the
 * window: a run goes on while the window is closed, and its progress is pushed to whichever
 * window listens. The window names a file by the id main gave it when the operator picked it.
 */
export function bulkHandlers(ctx: MainContext): Pick<HandlerMap, BulkMethods> {
  const { core } = ctx
  const files = createPickedFiles()
  const onProgress = (progress: unknown) => ctx.emit(ipcEvents.bulkProgress, progress)

  const summary = (runId: number): Result<BulkRunSummary> => core.bulk.summary(runId)

  /** Starts a run just stored. Refused (confirmation, destination, keychain): it is cancelled, not left to be offered for resume. */
  async function startCreated(runId: number, confirmation: string | undefined): Promise<Result<BulkRunSummary>> {
    const started = await core.bulk.start(runId, { confirmation, onProgress })
    if (started.ok) return summary(runId)
    core.bulk.cancel(runId)
    return started
  }

  return {
    pickBulkFile: async () => {
      const path = await ctx.host.chooseOpenPath({ title: 'Choose the CSV file of cards to enroll', filterName: 'CSV (Excel, LibreOffice)', extensions: ['csv', 'txt'] })
      if (!path) return ok({ cancelled: true as const })
      const header = await inspectBulkFile(path)
      if (!header.ok) return header
      const { size } = await stat(path)
      const picked = files.add(path)
      ctx.logger.info('bulk.file-picked', { bytes: size, columns: header.value.headers.length })
      return ok({ ...picked, bytes: size, header: header.value })
    },

    previewBulkFile: async ({ fileId, mapping }) => {
      const path = files.path(fileId)
      if (!path) return fail('not-found', PICK_AGAIN)
      const preview = await previewBulkFile(path, { paymentOutcomes: (ids) => core.history.paymentOutcomes(ids) }, mapping ? { mapping } : {})
      if (preview.ok) files.previewed(fileId, preview.value.fileSha256)
      return preview
    },

    startBulkRun: async ({ fileId, mapping, environment, concurrency, rate, productionConfirmation }) => {
      const path = files.path(fileId)
      if (!path) return fail('not-found', PICK_AGAIN)
      const active = core.settings.read().activeEnvironment
      if (active !== environment) {
        return fail('invalid-input', `The active environment is now ${ENVIRONMENT_LABELS[active]}, not ${ENVIRONMENT_LABELS[environment]}: check the preview again. Nothing was sent.`)
      }
      // What is sent is what was previewed: the file read again must have the same bytes.
      const created = await core.bulk.createFromFile({ path, mapping, expectedSha256: files.previewedSha256(fileId), environment, settings: { concurrency, rate } })
      if (!created.ok) return created
      return startCreated(created.value.id, productionConfirmation)
    },

    pauseBulkRun: async ({ runId }) => {
      const handle = core.bulk.handle(runId)
      if (!handle) return fail('not-found', `Bulk run #${runId} is not running in this console.`)
      handle.pause()
      ctx.logger.info('bulk.pause', { runId })
      return summary(runId)
    },

    resumeBulkRun: async ({ runId, productionConfirmation }) => {
      const handle = core.bulk.handle(runId)
      if (handle) handle.resume()
      else {
        // Left unfinished by a closed or crashed console: start it again; rows with an attempt are never re-sent.
        const started = await core.bulk.start(runId, { confirmation: productionConfirmation, onProgress })
        if (!started.ok) return started
      }
      ctx.logger.info('bulk.resume', { runId, restarted: !handle })
      return summary(runId)
    },

    cancelBulkRun: async ({ runId }) => {
      const cancelled = core.bulk.cancel(runId)
      if (!cancelled.ok) return cancelled
      return summary(runId)
    },

    listBulkRuns: async () => {
      const recent: BulkRunOverview[] = []
      for (const run of core.bulk.list(RECENT_RUNS)) {
        const s = summary(run.id)
        if (s.ok) recent.push({ run: s.value.run, counts: s.value.counts, active: core.bulk.handle(run.id) !== undefined })
      }
      return ok({ recent, unfinished: recent.filter((o) => isResumableState(o.run.state) && o.counts.pending > 0) })
    },

    getBulkRun: async ({ runId }) => summary(runId),

    retryBulkRun: async ({ runId, productionConfirmation }) => {
      const original = summary(runId)
      if (!original.ok) return original
      const { run, retryableRows } = original.value
      if (retryableRows === 0) return fail('not-found', `Bulk run #${runId} has no failed rows to retry.`)
      // Main asks, in a native dialog the window cannot answer for itself.
      const confirmed = await ctx.host.confirm({
        title: 'Retry the failed rows?',
        message: `Send the ${retryableRows} failed row${retryableRows === 1 ? '' : 's'} of bulk run #${runId} again on ${ENVIRONMENT_LABELS[run.environment]}?`,
        detail:
          'Only rows rejected with a wait-and-retry code or that failed before reaching the API are sent, as a new run. Rows whose outcome is unknown are not: the card may be enrolled.',
        confirmLabel: 'Retry failed rows',
        cancelLabel: 'Cancel',
      })
      if (!confirmed) return ok({ cancelled: true as const })
      const created = await core.bulk.retryFailed(runId)
      if (!created.ok) return created
      return startCreated(created.value.id, productionConfirmation)
    },

    exportBulkRun: async ({ runId, fullPhone }) => {
      const shown = summary(runId)
      if (!shown.ok) return shown
      const { run } = shown.value
      // An export is audited: refused before the dialog when the trail cannot record it.
      const auditRefusal = core.audit.unavailable()
      if (auditRefusal) return fail('keychain-unavailable', auditRefusal)
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')
      const stem = run.fileName.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '-').slice(0, 60)
      const outPath = await ctx.host.chooseSavePath({ defaultName: `bulk-run-${runId}-${stem}-${stamp}.csv`, filterName: 'CSV (Excel, LibreOffice)', extensions: ['csv'] })
      if (!outPath) return ok({ cancelled: true as const })
      try {
        const exported = await exportBulkRun(
          { headers: run.header, phoneColumn: phoneColumnOf(run), rows: core.bulk.rowResults(runId) },
          { outPath, fullPhone },
        )
        core.audit.record({
          action: 'export',
          summary: `Exported bulk run #${runId} (${exported.rows} rows) as CSV to ${basename(exported.path)}${fullPhone ? ' with FULL phone numbers' : ' (phones masked)'}`,
          details: { bulkRun: runId, format: 'csv', rows: exported.rows, file: basename(exported.path), fullPhone },
        })
        ctx.logger.info('bulk.export', { runId, rows: exported.rows, fullPhone })
        return ok(exported)
      } catch (error) {
        // Disk problems (folder gone, no permission, disk full) are the operator's to fix: say which.
        const code = (error as NodeJS.ErrnoException | undefined)?.code
        if (code && /^E[A-Z]+$/.test(code)) return fail('internal', `Could not write ${outPath} (${code}). Choose another folder or free some space, then export again.`)
        throw error
      }
    },
  }
}
