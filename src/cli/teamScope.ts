import type { Pool } from 'pg'
import type { AppCore } from '../core/app/appCore.ts'
import { EXIT, UsageError } from './args.ts'
import type { Output } from './output.ts'

// `--scope local|team` of `history` and `export`: local (the default) reads this data folder's
// history, team the team database of its configuration (Settings → Team, or
// OTP_CONSOLE_TEAM_DB with the password from the keychain or PGPASSWORD).
// No team database configured, or a bad OTP_CONSOLE_TEAM_DB: bad input, exit 2.
// Configured but it cannot be read (unreachable, refused login, no schema): exit 3, the code
// for a transport failure, with the target and the reason (never a password).

export const SCOPES = ['local', 'team'] as const
export type Scope = (typeof SCOPES)[number]

export const scopeOption = { scope: { type: 'string', default: 'local' } } as const

export function parseScope(value: string | undefined): Scope {
  if (value === 'local' || value === 'team') return value
  throw new UsageError(`--scope must be local or team (got "${value}").`)
}

export const NO_TEAM_DATABASE =
  'No team database is configured: set one in the console (Settings → Team), or set OTP_CONSOLE_TEAM_DB=postgres://user@host:5432/database (the password from the keychain or PGPASSWORD).'

/** The team database could not be read; `run` answers it as exit 3. */
export class TeamUnreachableError extends Error {
  override name = 'TeamUnreachableError'
}

export interface TeamScope {
  pool: Pool
  consoleId: string
  target: string
}

/**
 * Runs `work` on the team database of the core's configuration: its schema brought up to date
 * first when the role may (as on the console's first connection), the pool ended after.
 */
export async function withTeamScope<T>(core: AppCore, work: (scope: TeamScope) => Promise<T>): Promise<T> {
  const { TeamConfigError } = await import('../core/team/teamConfig.ts')
  let connection
  try {
    connection = await core.team.connection()
  } catch (error) {
    if (error instanceof TeamConfigError) throw new UsageError(error.message)
    throw error
  }
  if (!connection) throw new UsageError(NO_TEAM_DATABASE)
  const [{ openTeamPool, describeTeamError }, { migrateTeamSchema }] = await Promise.all([import('../core/team/teamPool.ts'), import('../core/team/teamMigrate.ts')])
  const pool = await openTeamPool(connection, { applicationName: 'otp-console cli', max: 2 })
  const target = connection.target
  try {
    try {
      await migrateTeamSchema(pool)
    } catch (error) {
      throw new TeamUnreachableError(`The team database ${target} cannot be read: ${describeTeamError(error)}`)
    }
    try {
      return await work({ pool, consoleId: core.team.consoleId(), target })
    } catch (error) {
      // Errors of this app's own (a bad cursor, an export refused, a full disk) are not the database's.
      if (!isDatabaseError(error)) throw error
      throw new TeamUnreachableError(`The team database ${target} cannot be read: ${describeTeamError(error)}`)
    }
  } finally {
    await pool.end().catch(() => {})
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])

/** A failure of the team database or the way to it: a server error (pg's carry a severity), the network, pg's timeouts. */
function isDatabaseError(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isDatabaseError)
  if (!(error instanceof Error)) return false
  const { code, severity } = error as { code?: unknown; severity?: unknown }
  if (typeof severity === 'string') return true
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout/i.test(error.message)
}

/** Prints a TeamUnreachableError (exit 3); anything else is thrown on to main's handler. */
export function answerTeamError(error: unknown, out: Output): number {
  if (!(error instanceof TeamUnreachableError)) throw error
  out.error({ error: { code: 'team-unreachable', message: error.message } }, [error.message])
  return EXIT.transport
}
