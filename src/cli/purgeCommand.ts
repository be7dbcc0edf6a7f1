import { rangeStartMs } from '../shared/domain/dateRange.ts'
import { parse, UsageError } from './args.ts'
import { openCore } from './openCore.ts'
import type { Output } from './output.ts'

export const PURGE_USAGE = 'otp-console purge --before DATE [--data-dir DIR] [--json]'

/** `--before` follows the one date rule (shared/domain/dateRange.ts): a date alone is local midnight. */
function parseBefore(value: string): number {
  const ms = rangeStartMs(value)
  if (ms === undefined) throw new UsageError(`--before takes a date, e.g. 2025-11-01 or 2025-11-01T00:00:00Z (got "${value}").`)
  return ms
}

/** Deletes the attempts (and their phone numbers) started before a date; audited. */
export async function purgeCommand(argv: string[], out: Output): Promise<number> {
  const values = parse(argv, { before: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } })
  out.json = values.json === true
  if (!values.before) throw new UsageError("purge needs --before DATE.")
  const before = parseBefore(values.before)
  if (before > Date.now()) throw new UsageError(`--before ${values.before} is in the future; nothing was purged.`)
  const opened = await openCore({ dataDir: values['data-dir'], mustExist: true })
  try {
    const attempts = opened.core.retention.purgeBefore(before, 'cli')
    const iso = new Date(before).toISOString()
    out.result({ purged: attempts, before: iso }, [`Purged ${attempts} attempt${attempts === 1 ? '' : 's'} started before ${iso} (recorded in the audit trail).`])
    return 0
  } finally {
    await opened.close()
  }
}
