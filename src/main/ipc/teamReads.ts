import type { ExportSliceOptions } from '../../core/app/exportSlice.ts'
import { TeamConfigError } from '../../core/team/teamConfig.ts'
import { exportTeamSlice } from '../../core/team/teamExport.ts'
import type { Pool } from 'pg'
import { createTeamHistory, type TeamHistory } from '../../core/team/teamHistory.ts'
import { describeTeamError } from '../../core/team/teamPool.ts'
import { teamPrecheck } from '../../core/team/teamPrecheck.ts'
import type { TeamPrecheck } from '../../shared/domain/historyViews.ts'
import { fail, ok, type Result } from '../../shared/domain/result.ts'
import type { MainContext } from './context.ts'

// The window's reads in the team scope (issue 14): history pages, counts, details and the team
// side of the duplicate warning, on the team session's read pool. A team database that is not
// configured or does not answer is said in words; this computer's own history never depends
// on it.

const NOT_CONFIGURED = 'No team database is set up on this console (Settings → Team database).'

/** Why a team read failed, in words (logged without values). */
function readFailure(ctx: MainContext, what: string, error: unknown): string {
  if (error instanceof TeamConfigError) return error.message
  const code = (error as { code?: unknown } | undefined)?.code
  const reason = code === '42P01' ? 'the team tables are not there yet (no console has shipped to it)' : describeTeamError(error)
  ctx.logger.warn('team.read-failed', { what, reason })
  return `The team database could not be read: ${reason}.`
}

function unavailable(ctx: MainContext, what: string, error: unknown): Result<never> {
  return fail('team-unavailable', readFailure(ctx, what, error))
}

/** A team export that failed on the team database's side (not the disk's). */
export class TeamExportError extends Error {
  override name = 'TeamExportError'
}

/** The export of a team-scope filter (teamread's exportTeamSlice) on the read pool. */
export async function exportTeam(ctx: MainContext, options: ExportSliceOptions): Promise<{ rows: number; path: string }> {
  let pool
  try {
    pool = await ctx.team.pool()
  } catch (error) {
    throw new TeamExportError(readFailure(ctx, 'export', error))
  }
  if (!pool) throw new TeamExportError(NOT_CONFIGURED)
  try {
    return await exportTeamSlice(pool, ctx.core.audit, { ...options, consoleId: ctx.core.team.consoleId() })
  } catch (error) {
    // Aborts, disk errors (errno codes) and audit refusals are the local export's own answers.
    const code = (error as { code?: unknown } | undefined)?.code
    const local = (error instanceof Error && (error.name === 'AbortError' || error.name === 'AuditUnavailableError')) || (typeof code === 'string' && /^E[A-Z]+$/.test(code) && (error as { syscall?: unknown }).syscall !== 'connect')
    if (local) throw error
    throw new TeamExportError(readFailure(ctx, 'export', error))
  }
}

/** Runs a read on the team database's read pool, or says why it cannot. */
export async function teamPoolRead<T>(ctx: MainContext, what: string, read: (pool: Pool) => Promise<T>): Promise<Result<T>> {
  try {
    const pool = await ctx.team.pool()
    if (!pool) return fail('not-found', NOT_CONFIGURED)
    return ok(await read(pool))
  } catch (error) {
    return unavailable(ctx, what, error)
  }
}

/** Runs a read on the team history, or says why it cannot. */
export function teamRead<T>(ctx: MainContext, what: string, read: (history: TeamHistory) => Promise<T>): Promise<Result<T>> {
  return teamPoolRead(ctx, what, (pool) => read(createTeamHistory(pool)))
}

/**
 * How long the duplicate warning waits for the team before it goes on without it: the send
 * must not wait on a slow team database (the warning then says the team was not checked).
 */
export const TEAM_PRECHECK_TIMEOUT_MS = 1_500

/**
 * The team side of the precheck: other consoles' risky attempts for the payment. Not asked while the replicator already knows the team database is unreachable.
 */
export async function teamSideOfPrecheck(ctx: MainContext, paymentId: string): Promise<{ team: TeamPrecheck | null; teamError: string | null }> {
  const status = ctx.core.team.status()
  if (status.state === 'off') return { team: null, teamError: null }
  if (status.state === 'unreachable') return { team: null, teamError: `unreachable: ${status.lastError ?? 'no answer'}` }
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${TEAM_PRECHECK_TIMEOUT_MS / 1000} s`)), TEAM_PRECHECK_TIMEOUT_MS)
  })
  try {
    const pool = await Promise.race([ctx.team.pool(), timeout])
    if (!pool) return { team: null, teamError: null }
    // The local precheck's rule: every enrolled or unknown attempt of the payment, any environment.
    const team = await Promise.race([teamPrecheck(pool, { paymentId, ownConsoleId: ctx.core.team.consoleId() }), timeout])
    return { team, teamError: null }
  } catch (error) {
    ctx.logger.warn('team.precheck-failed', { reason: describeTeamError(error) })
    return { team: null, teamError: describeTeamError(error) }
  } finally {
    clearTimeout(timer)
  }
}
