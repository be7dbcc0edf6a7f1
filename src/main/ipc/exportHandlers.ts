import { EXPORT_EXTENSIONS, exportSlice, type ExportSliceOptions } from '../../core/app/exportSlice.ts'
import { ipcEvents } from '../../shared/ipc/contract.ts'
import { fail, ok } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'
import { exportTeam, TeamExportError, teamRead } from './teamReads.ts'

const FILTER_NAMES = { csv: 'CSV (Excel, LibreOffice)', jsonl: 'JSON Lines', bundle: 'Support bundle (zip)' } as const

export function exportHandlers(ctx: MainContext): Pick<HandlerMap, 'exportHistory' | 'cancelExport' | 'showInFolder'> {
  let running: AbortController | undefined
  // Paths this session exported to: the only ones "Show in folder" will reveal.
  const exported = new Set<string>()

  return {
    exportHistory: async ({ filter, format, fullPhone, scope }) => {
      if (running) return fail('busy', 'An export is already running.')
      if (scope === 'team') {
        const total = await teamRead(ctx, 'export-count', (team) => team.count(filter))
        if (!total.ok) return total
        if (total.value === 0) return fail('invalid-input', 'No team attempts match these filters, so there is nothing to export. Change the filters and try again.')
      }
      // Claimed before the save dialog opens: a second export:start meanwhile is refused, and a
      // cancel while the dialog is open cancels this export.
      const controller = new AbortController()
      running = controller
      let outPath: string | undefined
      try {
        const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')
        outPath = await ctx.host.chooseSavePath({
          defaultName: `otp-enrollments-${stamp}.${EXPORT_EXTENSIONS[format]}`,
          filterName: FILTER_NAMES[format],
          extensions: [EXPORT_EXTENSIONS[format]],
        })
        if (!outPath || controller.signal.aborted) return ok({ cancelled: true as const })
        // The same export, read from this computer's history or from the team database.
        const write = (options: ExportSliceOptions) => (scope === 'team' ? exportTeam(ctx, options) : exportSlice(ctx.core, options))
        const result = await write({
          filter,
          format,
          outPath,
          fullPhone,
          logDir: ctx.logDir,
          appVersion: ctx.appInfo.version,
          signal: controller.signal,
          onProgress: (progress) => ctx.emit(ipcEvents.exportProgress, progress),
        })
        exported.add(result.path)
        ctx.logger.info('export.done', { format, rows: result.rows, fullPhone, scope: scope ?? 'local' })
        return ok(result)
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') return ok({ cancelled: true as const })
        if (error instanceof TeamExportError) return fail('team-unavailable', `${error.message} Nothing was exported.`)
        // Disk problems (folder gone, no permission, disk full) are the operator's to fix: say which.
        const code = (error as NodeJS.ErrnoException | undefined)?.code
        if (code && /^E[A-Z]+$/.test(code)) {
          ctx.logger.warn('export.write-failed', { code })
          return fail('internal', `Could not write ${outPath} (${code}). Choose another folder or free some space, then export again. Nothing was exported.`)
        }
        throw error
      } finally {
        if (running === controller) running = undefined
      }
    },
    cancelExport: async () => {
      running?.abort()
      return ok(null)
    },
    showInFolder: async ({ path }) => {
      if (!exported.has(path)) return fail('not-found', 'Only files exported in this session can be shown.')
      ctx.host.showInFolder(path)
      return ok(null)
    },
  }
}
