import type { TeamSettings } from '../../shared/domain/team.ts'
import type { TeamConnectionTest } from '../../shared/domain/teamViews.ts'
import { teamTarget } from '../../core/team/teamConfig.ts'
import { teamSchemaVersion } from '../../core/team/teamMigrate.ts'
import { describeTeamError, openTeamPool } from '../../core/team/teamPool.ts'

/** A test gives up sooner than the replicator: the operator is waiting for the answer. */
export const TEST_TIMEOUT_MS = 5_000

/** What a failed connection means, by pg SQLSTATE or Node error code, in the operator's words. */
function failureSummary(error: unknown, settings: TeamSettings): string {
  const code = (error as { code?: unknown } | undefined)?.code
  const message = error instanceof Error ? error.message : String(error)
  const where = `${settings.host}:${settings.port}`
  switch (code) {
    case 'ECONNREFUSED':
      return `Nothing accepts connections at ${where}: the server is not running there, or a firewall refuses.`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host name ${settings.host} is not known.`
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} cannot be reached from this computer.`
    case '28P01':
      return `The password for ${settings.user} was refused.`
    case '28000':
      return `The server does not let ${settings.user} connect from this computer (pg_hba.conf), or TLS is required.`
    case '3D000':
      return `The database ${settings.database} does not exist on ${where}.`
    default:
      break
  }
  if (/timeout|timed out/i.test(message)) return `No answer from ${where} within ${TEST_TIMEOUT_MS / 1000} s.`
  if (/password/i.test(message)) return `The server asks for a password for ${settings.user}: type it, or store it with Save.`
  if (/certificate|self[- ]signed|SSL|TLS/i.test(message)) return 'The server’s TLS certificate could not be checked against the CA file (or the host name does not match it).'
  return `Could not connect to ${where}.`
}

/**
 * "Test connection": connects once with the settings as typed (nothing saved), reads the
 * server version and the team schema version, and says in plain words what worked or what to
 * fix. The password is used for this one connection only and appears in no answer or log.
 */
export async function testTeamConnection(settings: TeamSettings, password: string | undefined): Promise<TeamConnectionTest> {
  let pool: Awaited<ReturnType<typeof openTeamPool>> | undefined
  try {
    pool = await openTeamPool(
      { settings, source: 'settings', target: teamTarget(settings), password, passwordSource: password === undefined ? 'none' : 'keychain' },
      { max: 1, connectTimeoutMs: TEST_TIMEOUT_MS, statementTimeoutMs: TEST_TIMEOUT_MS, applicationName: 'otp-console connection test' },
    )
    const { rows } = await pool.query("SELECT current_setting('server_version') AS version, current_user AS who")
    const { version, who } = rows[0] as { version: string; who: string }
    const schema = await teamSchemaVersion(pool).catch(() => 0)
    return {
      ok: true,
      summary: `Connected to PostgreSQL ${version} as ${who}.`,
      detail:
        schema > 0
          ? `The team tables are there (schema version ${schema}).`
          : 'The team tables are not there yet: the console creates them when it first ships, if this user may; otherwise a DBA runs docs/team-schema.sql.',
    }
  } catch (error) {
    return { ok: false, summary: failureSummary(error, settings), detail: describeTeamError(error) }
  } finally {
    await pool?.end().catch(() => {})
  }
}
