import { resolve } from 'node:path'
import { KeychainUnavailableError } from '../core/credentials/keychainTypes.ts'
import type { AuditVerification } from '../shared/domain/audit.ts'
import { EXIT, parse, UsageError } from './args.ts'
import { openCore } from './openCore.ts'
import type { Output } from './output.ts'

export const AUDIT_USAGE = `otp-console audit verify [--data-dir DIR] [--json]
  otp-console audit export --out FILE [--since ISO] [--until ISO] [--data-dir DIR] [--json]`

/** `audit verify` and `audit export`: exit 0 intact (exported), 1 chain broken (file still written), 3 no OS keychain. */
export async function auditCommand(argv: string[], out: Output): Promise<number> {
  const [sub, ...rest] = argv
  // Loaded here, not at the top: --help must not pay for the audit core or the filter schema (zod).
  const [{ exportAudit }, { toFilter }] = await Promise.all([import('../core/audit/auditExport.ts'), import('./filterArgs.ts')])
  if (sub !== 'verify' && sub !== 'export') throw new UsageError(sub === undefined ? 'audit needs a subcommand.' : `Unknown audit subcommand "${sub}".`)
  const values = parse(rest, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    ...(sub === 'export' ? { out: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } } : {}),
  } as const)
  out.json = values.json === true
  const outPath = (values as { out?: string }).out
  if (sub === 'export' && !outPath) throw new UsageError('audit export needs --out FILE.')
  // One date rule for every --since/--until of the CLI.
  const period = toFilter({ since: (values as { since?: string }).since, until: (values as { until?: string }).until })

  const opened = await openCore({ dataDir: values['data-dir'], mustExist: true })
  try {
    if (sub === 'verify') {
      const result = await opened.core.audit.verify()
      out.result(result, describe(result))
      return result.ok ? 0 : 1
    }
    const result = await exportAudit(opened.core.audit, { outPath: resolve(outPath as string), from: period.from, to: period.to, now: Date.now })
    out.result(result, [`Exported ${result.entries} audit entries to ${result.path}.`, ...describe(result.verification)])
    return result.verification.ok ? 0 : 1
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error
    const message = `Cannot ${sub} the audit trail: its key and head are kept in the OS keychain, and no keychain can be reached. ${error.message}`
    out.error({ error: { code: 'keychain-unavailable', message } }, [message])
    return EXIT.transport
  } finally {
    await opened.close()
  }
}

function describe(result: AuditVerification): string[] {
  const legacy = result.legacyEntries ? ` (${result.legacyEntries} legacy SHA-256 entries, then keyed with HMAC-SHA-256)` : ''
  const head = result.head ? ` Head in the keychain: #${result.head.seq}, key id ${result.head.keyId}.` : ''
  if (result.ok) return [`Audit chain intact: ${result.total} entries verified${legacy}.${head}`]
  return [
    `Audit chain BROKEN at entry ${result.brokenAt?.seq} [${result.brokenAt?.kind}]: ${result.brokenAt?.reason}`,
    `Verified up to entry ${result.verifiedUpTo} of ${result.total}.${head}`,
  ]
}
