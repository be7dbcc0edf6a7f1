import type { Pool, PoolClient } from 'pg'
import { TEAM_MIGRATIONS, TEAM_SCHEMA_VERSION, VERSION_TABLE_SQL } from './teamSchema.ts'

/*
 * Brings the team database's schema up to date on first connection, when the role may:
 * under a transaction-level advisory lock (two consoles starting together), each missing
 * migration and its team_schema_version row in one transaction. A role without the right
 * to create tables gets TeamSchemaError naming the SQL file for the DBA; a database newer
 * than this console gets TeamSchemaError too (update the console).
 */

/** Names the advisory lock (hashtext of it) that serialises migrations. */
const MIGRATION_LOCK = 'otp-console-team-schema'

export class TeamSchemaError extends Error {
  override name = 'TeamSchemaError'
}

export async function teamSchemaVersion(client: Pool | PoolClient): Promise<number> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('team_schema_version')::text AS t`)
  if (exists.rows[0]?.t == null) return 0
  const result = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM team_schema_version')
  return result.rows[0]?.v ?? 0
}

/** Answers the version in force after migrating (TEAM_SCHEMA_VERSION). */
export async function migrateTeamSchema(pool: Pool): Promise<number> {
  const client = await pool.connect()
  const ignore = () => {} // a connection dying between queries must not crash the process
  client.on('error', ignore)
  let broken = false
  try {
    const found = await teamSchemaVersion(client)
    if (found > TEAM_SCHEMA_VERSION) throw new TeamSchemaError(`The team database has schema version ${found}, newer than this console understands (${TEAM_SCHEMA_VERSION}). Update the console.`)
    if (found === TEAM_SCHEMA_VERSION) return found
    try {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATION_LOCK])
      await client.query(VERSION_TABLE_SQL)
      const current = await teamSchemaVersion(client)
      for (const migration of TEAM_MIGRATIONS) {
        if (migration.version <= current) continue
        await client.query(migration.sql)
        await client.query('INSERT INTO team_schema_version (version, name) VALUES ($1, $2)', [migration.version, migration.name])
      }
      await client.query('COMMIT')
    } catch (error) {
      broken = true // destroyed on release: PostgreSQL rolls back; a stalled link is not waited on
      const code = (error as { code?: unknown }).code
      if (code === '42501') {
        throw new TeamSchemaError(
          `The team database has schema version ${found} and this console needs ${TEAM_SCHEMA_VERSION}, but its role may not create the tables (${(error as Error).message}). Ask the database administrator to run docs/team-schema.sql.`,
        )
      }
      throw error
    }
    return TEAM_SCHEMA_VERSION
  } finally {
    client.off('error', ignore)
    client.release(broken)
  }
}
