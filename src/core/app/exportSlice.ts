import { basename } from 'node:path'
import { release, type as osType } from 'node:os'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import type { ExportFormat, ExportProgress } from '../../shared/domain/export.ts'
import { writeAuditLines } from '../audit/auditExport.ts'
import { AuditUnavailableError, type AuditInput } from '../audit/types.ts'
import { exportHistory } from '../export/exportHistory.ts'
import type { HistoryStore } from '../history/types.ts'
import type { AppCore } from './appCore.ts'

export interface ExportSliceOptions {
  filter: HistoryFilter
  format: ExportFormat
  outPath: string
  fullPhone: boolean
  logDir: string
  appVersion: string
  signal?: AbortSignal | undefined
  onProgress?: ((progress: ExportProgress) => void) | undefined
}

export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', jsonl: 'jsonl', bundle: 'zip' }

/**
 * Exports exactly what a history filter selects, for the console and the CLI alike, and
 * records the export (with the full-phone choice) in the audit trail. History is read through
 * a connection of its own (AppCore.openHistoryScan), closed when the export ends.
 */
export async function exportSlice(core: AppCore, options: ExportSliceOptions): Promise<{ rows: number; path: string }> {
  // An export must be audited: refused before anything is written when the trail cannot be.
  const auditRefusal = core.audit.unavailable()
  if (auditRefusal) throw new AuditUnavailableError(auditRefusal)
  const scan = core.openHistoryScan()
  let result: { rows: number; path: string }
  try {
    result = await exportFrom(scan.history, core, options)
  } finally {
    scan.close()
  }
  core.audit.record(exportAuditEntry(result, options))
  return result
}

/** The audit entry of a history export (with the full-phone choice), this computer's or the team's. */
export function exportAuditEntry(result: { rows: number; path: string }, options: ExportSliceOptions, scope?: 'team'): AuditInput {
  const file = basename(result.path)
  return {
    action: 'export',
    summary: `Exported ${result.rows} ${scope === 'team' ? 'team ' : ''}attempts as ${options.format.toUpperCase()} to ${file}${options.fullPhone ? ' with FULL phone numbers' : ' (phones masked)'}`,
    details: { ...(scope ? { scope } : {}), format: options.format, rows: result.rows, file, fullPhone: options.fullPhone, filter: options.filter },
  }
}

async function exportFrom(history: HistoryStore, core: AppCore, options: ExportSliceOptions): Promise<{ rows: number; path: string }> {
  const total = history.count(options.filter)
  const state = await core.environmentsState()
  const clockOffsets = state.environments.map((env) => ({ environment: env.id, clockOffsetMs: history.latestClockOffset(env.id) }))
  return exportHistory({
    records: history.iterate(options.filter),
    total,
    format: options.format,
    outPath: options.outPath,
    fullPhone: options.fullPhone,
    signal: options.signal,
    onProgress: options.onProgress,
    bundle: {
      logDir: options.logDir,
      from: options.filter.from,
      to: options.filter.to,
      // The audit entries of the bundle's period, after a verification (audit.jsonl).
      writeAudit: (out) => writeAuditLines(out, core.audit, { from: options.filter.from, to: options.filter.to, now: Date.now, signal: options.signal }),
      about: {
        appVersion: options.appVersion,
        os: { type: osType(), release: release(), platform: process.platform, arch: process.arch },
        activeEnvironment: state.active,
        environments: state.environments.map((env) => ({ id: env.id, label: env.label, baseUrl: env.baseUrl, passportUrl: env.passportUrl })),
        clockOffsetsSeen: clockOffsets,
        filter: options.filter,
      },
    },
  })
}
