import { release, type as osType } from 'node:os'
import { exportAuditEntry, type ExportSliceOptions } from '../app/exportSlice.ts'
import type { AuditTrail } from '../audit/types.ts'
import { AuditUnavailableError } from '../audit/types.ts'
import { exportHistory } from '../export/exportHistory.ts'
import { createTeamHistory } from './teamHistory.ts'
import type { TeamQueryable } from './teamHistoryRows.ts'
import { listTeamConsoles } from './teamAudit.ts'

// Export on the team scope: every console's attempts a history filter selects, through the same
// writers as the local export (exportHistory.ts: CSV, JSON Lines, support bundle; the record
// guard redacts and masks the same way), read from the team database a keyset batch at a time.
// The records are the consoles' own records; `id` and `retryOf` are the team ids the team
// history shows. The bundle holds attempts.jsonl, this desk's diagnostic log and about.json
// (scope team, the consoles and their machines); no audit.jsonl: each console's chain is
// verified per console (teamAudit.ts), not merged into one. The export is recorded in this
// console's audit trail, like a local one.

export interface TeamExportOptions extends ExportSliceOptions {
  /** This console's id, named in about.json and the audit entry. */
  consoleId: string
}

export async function exportTeamSlice(db: TeamQueryable, audit: AuditTrail, options: TeamExportOptions): Promise<{ rows: number; path: string }> {
  // An export must be audited: refused before anything is read or written when the trail cannot be.
  const auditRefusal = audit.unavailable()
  if (auditRefusal) throw new AuditUnavailableError(auditRefusal)
  const history = createTeamHistory(db)
  const [total, consoles] = await Promise.all([history.count(options.filter), listTeamConsoles(db)])
  const result = await exportHistory({
    records: history.batches(options.filter),
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
      about: {
        scope: 'team',
        appVersion: options.appVersion,
        exportedByConsole: options.consoleId,
        os: { type: osType(), release: release(), platform: process.platform, arch: process.arch },
        consoles: consoles.map((c) => ({ consoleId: c.consoleId, machine: c.machine, operator: c.operator })),
        filter: options.filter,
      },
    },
  })
  audit.record(exportAuditEntry(result, options, 'team'))
  return result
}
