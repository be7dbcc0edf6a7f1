import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import type { AuditExportResult, AuditVerification } from '../../shared/domain/audit.ts'
import { write } from '../export/streamWrite.ts'
import type { AuditTrail } from './types.ts'

// Audit export, JSON Lines: the first line says what the file is and the verification it was
// written after (with the keychain head it was checked against); then one entry per line,
// oldest first, exactly as stored (hash and prevHash included, so the chain can be followed).
//
//   {"format":"otp-console-audit-export","version":1,"exportedAt":"…","period":{"from":…,"to":…},
//    "verification":{"ok":true,"total":…,"verifiedUpTo":…,"brokenAt":null,"legacyEntries":0,"head":{…}}}
//   {"seq":1,"at":…,"operator":"…","action":"audit.keyed",…,"prevHash":"…","hash":"…"}
//
// The period is from ≤ at < to (ms), either end open. The support bundle carries the same
// text as audit.jsonl.

export const AUDIT_EXPORT_FORMAT = 'otp-console-audit-export'

export interface AuditPeriod {
  from?: number | undefined
  to?: number | undefined
}

export function auditExportHeader(verification: AuditVerification, period: AuditPeriod, exportedAt: number): string {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())
  return JSON.stringify({
    format: AUDIT_EXPORT_FORMAT,
    version: 1,
    exportedAt: new Date(exportedAt).toISOString(),
    period: { from: iso(period.from), to: iso(period.to) },
    verification,
  })
}

/** Verifies the trail, then streams the header and the period's entries into `out`; returns the entry count. */
export async function writeAuditLines(
  out: Writable,
  trail: AuditTrail,
  options: AuditPeriod & { now: () => number; signal?: AbortSignal | undefined },
): Promise<{ entries: number; verification: AuditVerification }> {
  const verification = await trail.verify()
  let chunk = auditExportHeader(verification, options, options.now()) + '\n'
  let entries = 0
  for (const entry of trail.entries(options)) {
    chunk += JSON.stringify(entry) + '\n'
    entries++
    if (chunk.length >= 64 * 1024) {
      await write(out, chunk, options.signal)
      chunk = ''
    }
  }
  await write(out, chunk, options.signal)
  return { entries, verification }
}

/**
 * Writes the audit export to `outPath` (a temporary file renamed at the end, owner-only
 * permissions) and records the export itself in the trail (when the trail can be written).
 */
export async function exportAudit(trail: AuditTrail, options: AuditPeriod & { outPath: string; now: () => number }): Promise<AuditExportResult> {
  const temporary = join(dirname(options.outPath), `.${basename(options.outPath)}.${process.pid}.partial`)
  const out = createWriteStream(temporary, { mode: 0o600, flags: 'w' })
  let result: { entries: number; verification: AuditVerification }
  try {
    result = await writeAuditLines(out, trail, options)
    out.end()
    await finished(out)
    await rename(temporary, options.outPath)
  } catch (error) {
    out.destroy()
    await rm(temporary, { force: true })
    throw error
  }
  const { entries, verification } = result
  // A trail whose key is missing or swapped cannot take the entry; exporting it is still allowed.
  if (trail.unavailable() === null)
    trail.record({
    action: 'export',
    summary: `Exported ${entries} audit entries to ${basename(options.outPath)} (chain ${verification.ok ? `verified up to #${verification.verifiedUpTo}` : `BROKEN at #${verification.brokenAt?.seq}`})`,
    details: { kind: 'audit', entries, file: basename(options.outPath), from: options.from ?? null, to: options.to ?? null, verified: verification.ok },
  })
  return { path: options.outPath, entries, verification }
}
