import { readFileSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateTeamSchema, teamSchemaVersion, TeamSchemaError } from './teamMigrate.ts'
import { renderTeamSchemaSql, TEAM_SCHEMA_VERSION } from './teamSchema.ts'
import { freshTestDatabase } from './testing/sharedPgCluster.ts'

const SQL_FILE = new URL('../../../docs/team-schema.sql', import.meta.url)

describe('team schema', () => {
  it('docs/team-schema.sql is the migrations as one file', () => {
    expect(readFileSync(SQL_FILE, 'utf8'), 'regenerate docs/team-schema.sql from renderTeamSchemaSql()').toBe(renderTeamSchemaSql())
  })

  describe('on a real PostgreSQL', () => {
    let url: string
    let pool: pg.Pool
    beforeAll(async () => {
      url = await freshTestDatabase('schema')
      pool = new pg.Pool({ connectionString: url })
    })
    afterAll(async () => {
      await pool.end()
    })

    it('migrates an empty database once, even when two consoles start together', async () => {
      const other = new pg.Pool({ connectionString: url })
      try {
        const versions = await Promise.all([migrateTeamSchema(pool), migrateTeamSchema(other), migrateTeamSchema(pool)])
        expect(versions).toEqual([TEAM_SCHEMA_VERSION, TEAM_SCHEMA_VERSION, TEAM_SCHEMA_VERSION])
        const rows = await pool.query('SELECT version FROM team_schema_version ORDER BY version')
        expect(rows.rows.map((r: { version: number }) => r.version)).toEqual(Array.from({ length: TEAM_SCHEMA_VERSION }, (_, i) => i + 1))
      } finally {
        await other.end()
      }
    })

    it('refuses UPDATE, DELETE and TRUNCATE of audit rows', async () => {
      await migrateTeamSchema(pool)
      await pool.query(`INSERT INTO consoles (console_id, machine, operator, app_version) VALUES ('c1', 'm', 'o', '1')`)
      await pool.query(`INSERT INTO audit_entries (console_id, seq, at, operator, machine, app_version, action, summary, details, prev_hash, hash)
        VALUES ('c1', 1, 1, 'o', 'm', '1', 'export', 's', '{}', 'p', 'h')`)
      await expect(pool.query(`UPDATE audit_entries SET summary = 'forged'`)).rejects.toThrow(/append-only/)
      await expect(pool.query(`DELETE FROM audit_entries`)).rejects.toThrow(/append-only/)
      await expect(pool.query(`TRUNCATE audit_entries`)).rejects.toThrow(/append-only/)
      const left = await pool.query('SELECT summary FROM audit_entries')
      expect(left.rows).toEqual([{ summary: 's' }])
    })

    it('the DBA file builds the same schema, and the console then finds nothing to do', async () => {
      const dbaUrl = await freshTestDatabase('dba')
      const dba = new pg.Pool({ connectionString: dbaUrl })
      try {
        await dba.query(renderTeamSchemaSql())
        expect(await teamSchemaVersion(dba)).toBe(TEAM_SCHEMA_VERSION)
        expect(await migrateTeamSchema(dba)).toBe(TEAM_SCHEMA_VERSION)
        const columns = async (p: pg.Pool) =>
          (await p.query(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`)).rows
        expect(await columns(dba)).toEqual(await columns(pool))
      } finally {
        await dba.end()
      }
    })

    it('a role that may not create tables gets the DBA file named, and nothing is half made', async () => {
      const bareUrl = await freshTestDatabase('bare')
      const admin = new pg.Pool({ connectionString: bareUrl })
      const role = `reader_${Math.random().toString(16).slice(2, 10)}`
      await admin.query(`CREATE ROLE ${role} LOGIN`)
      await admin.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`)
      const limited = new pg.Pool({ connectionString: bareUrl.replace('otp_test@', `${role}@`) })
      try {
        const error = await migrateTeamSchema(limited).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(TeamSchemaError)
        expect((error as Error).message).toMatch(/docs\/team-schema\.sql/)
        expect(await teamSchemaVersion(admin)).toBe(0)
      } finally {
        await limited.end()
        await admin.end()
      }
    })

    it('refuses a database newer than this console', async () => {
      await migrateTeamSchema(pool)
      await pool.query(`INSERT INTO team_schema_version (version, name) VALUES (${TEAM_SCHEMA_VERSION + 1}, 'future')`)
      await expect(migrateTeamSchema(pool)).rejects.toThrow(/newer than this console/)
      await pool.query(`DELETE FROM team_schema_version WHERE version = ${TEAM_SCHEMA_VERSION + 1}`)
    })
  })
})
