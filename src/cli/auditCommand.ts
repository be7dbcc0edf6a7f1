import { parse, UsageError } from './args.ts'
import { openCore } from './openCore.ts'
import type { Output } from './output.ts'

export const AUDIT_USAGE = 'otp-console audit verify [--data-dir DIR] [--json]'

export async function auditCommand(argv: string[], out: Output): Promise<number> {
  const [sub, ...rest] = argv
  if (sub !== 'verify') throw new UsageError(sub === undefined ? 'audit needs a subcommand.' : `Unknown audit subcommand "${sub}".`)
  const values = parse(rest, { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } })
  out.json = values.json === true
  const opened = await openCore({ dataDir: values['data-dir'], mustExist: true })
  try {
    const result = opened.core.audit.verify()
    out.result(
      result,
      result.ok
        ? [`Audit chain intact: ${result.total} entries verified.`]
        : [`Audit chain BROKEN at entry ${result.brokenAt?.seq}: ${result.brokenAt?.reason}`, `Verified up to entry ${result.verifiedUpTo} of ${result.total}.`],
    )
    return result.ok ? 0 : 1
  } finally {
    await opened.close()
  }
}
