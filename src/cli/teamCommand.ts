import type { TeamStatus } from '../shared/domain/team.ts'
import { EXIT, parse, UsageError } from './args.ts'
import { openCore } from './openCore.ts'
import type { Output } from './output.ts'

export const TEAM_USAGE = 'otp-console team status|sync [--data-dir DIR] [--json]'

/** "10:42:05 UTC" style times for the text output. */
const at = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString())

function statusLines(status: TeamStatus, source: string | null): string[] {
  if (status.state === 'off') return ['Team: off (no team database configured: Settings → Team, or OTP_CONSOLE_TEAM_DB).']
  const head =
    status.state === 'up-to-date'
      ? 'Team: up to date'
      : status.state === 'waiting'
        ? `Team: ${status.pending} waiting`
        : `Team: unreachable since ${at(status.unreachableSince)} (${status.lastError ?? 'unknown error'})`
  return [
    head,
    `  database: ${status.target || '(not usable)'}${source ? ` (from ${source === 'env' ? 'OTP_CONSOLE_TEAM_DB' : 'settings'})` : ''}`,
    `  waiting: ${status.pending}`,
    `  last shipped: ${at(status.lastShippedAt)}`,
    `  last error: ${status.lastError ?? 'none'}`,
    `  console id: ${status.consoleId}`,
  ]
}

/**
 * `team status`: what waits to be shipped, when the last batch went, the last error (as the
 * replicator of this data folder last saw it; no connection is made).
 * `team sync`: ships everything now; exit 0 when nothing waits, 3 when the team database
 * could not take it all (the rows stay queued, nothing is lost).
 */
export async function teamCommand(argv: string[], out: Output): Promise<number> {
  const [action, ...rest] = argv
  const values = parse(rest, { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } })
  out.json = values.json === true
  if (action !== 'status' && action !== 'sync') throw new UsageError(`team needs status or sync${action ? ` (got "${action}")` : ''}.`)
  const opened = await openCore({ dataDir: values['data-dir'], mustExist: action === 'status' })
  try {
    const { TeamConfigError } = await import('../core/team/teamConfig.ts')
    let source: string | null = null
    try {
      source = (await opened.core.team.connection())?.source ?? null
    } catch (error) {
      if (error instanceof TeamConfigError) throw new UsageError(error.message)
      throw error
    }
    if (action === 'status') {
      const status = await opened.core.team.folderStatus()
      out.result({ ...status, source }, statusLines(status, source))
      return 0
    }
    if (source === null) throw new UsageError('No team database is configured (Settings → Team, or OTP_CONSOLE_TEAM_DB): nothing to sync.')
    const status = await opened.core.team.syncNow()
    if (status.state === 'up-to-date') {
      out.result({ ...status, source }, [...statusLines(status, source), 'Everything is shipped.'])
      return 0
    }
    out.error({ error: { code: 'team-unreachable', message: status.state === 'off' ? 'off' : (status.lastError ?? `${status.pending} waiting`) }, status }, statusLines(status, source))
    return EXIT.transport
  } finally {
    await opened.close()
  }
}
