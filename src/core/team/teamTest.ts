import type { TeamConnectionTest } from '../../shared/domain/team.ts'
import { teamSchemaVersion } from './teamMigrate.ts'
import { describeTeamError, openTeamPool } from './teamPool.ts'
import { TEAM_SCHEMA_VERSION } from './teamSchema.ts'
import type { TeamConnection } from './teamConfig.ts'

/**
 * "Test connection": connects once (short timeouts), reads the server version, the schema
 * version and whether the role could migrate, changes nothing, and answers in plain words.
 */
export async function testTeamConnection(connection: TeamConnection, timeoutMs = 5000): Promise<TeamConnectionTest> {
  let pool
  try {
    pool = await openTeamPool(connection, { max: 1, connectTimeoutMs: timeoutMs, statementTimeoutMs: timeoutMs, applicationName: 'otp-console test' })
  } catch (error) {
    return { ok: false, message: describeTeamError(error) } // e.g. the CA file cannot be read
  }
  try {
    const info = await pool.query<{ version: string; may: boolean; tls: boolean }>(
      `SELECT current_setting('server_version') AS version,
         has_database_privilege(current_database(), 'CREATE') AND has_schema_privilege('public', 'CREATE') AS may,
         coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false) AS tls`,
    )
    const row = info.rows[0]
    if (!row) return { ok: false, message: 'The server answered nothing.' }
    return { ok: true, serverVersion: `PostgreSQL ${row.version}`, schemaVersion: await teamSchemaVersion(pool), schemaNeeded: TEAM_SCHEMA_VERSION, mayMigrate: row.may, tls: row.tls }
  } catch (error) {
    return { ok: false, message: describeTeamError(error) }
  } finally {
    await pool.end().catch(() => {})
  }
}
