import { parse, UsageError } from './args.ts'
import { openCore } from './openCore.ts'
import type { Output } from './output.ts'
import { answerTeamError, parseScope, scopeOption, withTeamScope } from './teamScope.ts'
import type { AttemptSummary } from '../shared/domain/attempt.ts'
import type { HistoryPage } from '../shared/domain/historyViews.ts'

export const HISTORY_USAGE = `otp-console history [--outcome enrolled,rejected,failed,unknown] [--code C] [--search TEXT]
    [--since ISO] [--until ISO] [--env ENV] [--operator NAME] [--payment-id ID] [--limit N]
    [--scope local|team] [--data-dir DIR] [--json]`

export async function historyCommand(argv: string[], out: Output): Promise<number> {
  // Loaded here, not at the top: the filter schema brings zod, phone masking libphonenumber-js (see main.ts).
  const [{ filterOptions, toFilter }, { maskPhone }] = await Promise.all([import('./filterArgs.ts'), import('../shared/domain/phone.ts')])
  const values = parse(argv, { ...filterOptions, ...scopeOption, limit: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } })
  out.json = values.json === true
  const scope = parseScope(values.scope)
  const limit = values.limit === undefined ? 20 : Number(values.limit)
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit takes a whole number from 1 to 500.')
  const filter = toFilter(values)
  const opened = await openCore({ dataDir: values['data-dir'], mustExist: true })
  try {
    /** One line per attempt; team rows name the machine that made them (and their id there). */
    const show = (page: HistoryPage, total: number): number => {
      const lines = page.rows.map((row: AttemptSummary) =>
        [
          new Date(row.startedAt).toISOString(),
          `#${row.id}`,
          ...(row.origin ? [`${row.origin.machine}#${row.origin.localId}`] : []),
          row.environment.padEnd(10),
          row.outcome.padEnd(8),
          (row.errorCodes.join(',') || '-').padEnd(6),
          String(row.httpStatus ?? '-').padEnd(4),
          row.paymentId,
          maskPhone(row.phone),
          row.transactionRef,
          `${row.durationMs ?? '?'} ms`,
          row.operator,
          row.channel,
        ].join('  '),
      )
      lines.push(`${page.rows.length} of ${total} matching ${scope === 'team' ? 'team ' : ''}attempts shown.`)
      // JSON keeps the stored phone: the CLI user reads their own history (exports mask it).
      out.result({ total, rows: page.rows }, lines)
      return 0
    }
    if (scope === 'team') {
      const { createTeamHistory } = await import('../core/team/teamHistory.ts')
      return await withTeamScope(opened.core, async ({ pool }) => {
        const team = createTeamHistory(pool)
        const [page, total] = await Promise.all([team.page({ filter, limit }), team.count(filter)])
        return show(page, total)
      }).catch((error: unknown) => answerTeamError(error, out))
    }
    return show(opened.core.history.page({ filter, limit }), opened.core.history.count(filter))
  } finally {
    await opened.close()
  }
}
