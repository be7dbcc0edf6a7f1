import { readFileSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completion, newAttempt } from '../history/testFixtures.ts'
import { migrateTeamSchema } from './teamMigrate.ts'
import { freshTestDatabase } from './testing/sharedPgCluster.ts'
import { openTestConsole, teamAndLocal, type TestConsole } from './testing/teamConsole.test-helpers.ts'

// The README's privilege list is enough for a console whose role may not migrate: the GRANTs
// are read from the README itself (the sql block after "Privileges the console's role needs").

function readmeGrants(): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf("**Privileges the console's role needs**"))
  const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1]
  if (!block) throw new Error('README: no sql block after the privileges table')
  return block
}

describe('the privileges the README lists', () => {
  let admin: pg.Pool
  let url: string
  let console: TestConsole
  const role = `otp_console_${Math.random().toString(16).slice(2, 10)}`
  beforeAll(async () => {
    url = await freshTestDatabase('grants')
    admin = new pg.Pool({ connectionString: url })
    await migrateTeamSchema(admin) // the DBA ran docs/team-schema.sql
    const database = new URL(url).pathname.slice(1)
    await admin.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`)
    await admin.query(readmeGrants().replaceAll('otp_console', role).replaceAll('otp_team', database).replace("PASSWORD '…'", ''))
  })
  afterAll(async () => {
    await console?.close()
    await admin.end()
  })

  it('let a console ship attempts, later outcomes and audit entries', async () => {
    console = await openTestConsole(url.replace('otp_test@', `${role}@`), 'http://127.0.0.1:9', 'desk-grants')
    const id = console.core.history.begin(newAttempt({ paymentId: '880001', startedAt: Date.now() }))
    expect(await console.core.team.syncNow()).toMatchObject({ state: 'up-to-date', lastError: null })
    console.core.history.complete(id, completion('enrolled'))
    expect(await console.core.team.syncNow()).toMatchObject({ state: 'up-to-date', lastError: null })
    const { team, local } = await teamAndLocal(admin, console)
    expect(team).toEqual(local)
  })

  it('do not let it rewrite or delete team rows', async () => {
    const limited = new pg.Pool({ connectionString: url.replace('otp_test@', `${role}@`) })
    try {
      await expect(limited.query('DELETE FROM attempts')).rejects.toThrow(/permission denied/)
      await expect(limited.query(`UPDATE audit_entries SET summary = 'x'`)).rejects.toThrow(/permission denied/)
    } finally {
      await limited.end()
    }
  })
})
