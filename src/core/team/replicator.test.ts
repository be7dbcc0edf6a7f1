import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTrainingServer, type TrainingServer } from '../simulator/trainingServer.ts'
import { completion, newAttempt } from '../history/testFixtures.ts'
import { freshTestDatabase } from './testing/sharedPgCluster.ts'
import { openTestConsole, teamAndLocal, teamAndLocalAudit, waitFor, type TestConsole } from './testing/teamConsole.test-helpers.ts'

// Payment ids ending 403 / 002 / 500 get the training server's refusals; others enroll.
const IDS = ['100001', '100403', '100002', '100500', '100003']

describe('replication to a real PostgreSQL', () => {
  let training: TrainingServer
  let url: string
  let pool: pg.Pool
  let a: TestConsole
  let b: TestConsole
  beforeAll(async () => {
    training = await startTrainingServer()
    url = await freshTestDatabase('repl')
    pool = new pg.Pool({ connectionString: url })
    a = await openTestConsole(url, training.url, 'desk-a')
    b = await openTestConsole(url, training.url, 'desk-b')
  })
  afterAll(async () => {
    await a.close()
    await b.close()
    await pool.end()
    await training.close()
  })

  it('two data folders enroll; the team store holds both, row for row, and their audit trails as they are', async () => {
    for (const id of IDS) {
      await a.enroll(`1${id}`)
      await b.enroll(`2${id}`)
    }
    expect(a.core.team.consoleId()).not.toBe(b.core.team.consoleId())
    expect(a.core.team.status()).toEqual({ state: 'off' }) // nothing runs until started or synced
    const statusA = await a.core.team.syncNow()
    const statusB = await b.core.team.syncNow()
    expect(statusA).toMatchObject({ state: 'up-to-date', pending: 0, lastError: null, consoleId: a.core.team.consoleId() })
    expect(statusB).toMatchObject({ state: 'up-to-date', pending: 0 })

    for (const console of [a, b]) {
      const { team, local } = await teamAndLocal(pool, console)
      expect(local).toHaveLength(IDS.length)
      expect(team).toEqual(local)
      const audit = await teamAndLocalAudit(pool, console)
      expect(audit.local.length).toBeGreaterThan(IDS.length)
      expect(audit.team).toEqual(audit.local)
    }
    const outcomes = await pool.query<{ outcome: string; n: string }>('SELECT outcome, count(*) AS n FROM attempts GROUP BY outcome ORDER BY outcome')
    expect(outcomes.rows.length).toBeGreaterThan(1) // refusals and successes both shipped
    const consoles = await pool.query('SELECT console_id, machine, operator FROM consoles ORDER BY machine')
    expect(consoles.rows).toEqual([
      { console_id: a.core.team.consoleId(), machine: 'desk-a', operator: 'op-desk-a' },
      { console_id: b.core.team.consoleId(), machine: 'desk-b', operator: 'op-desk-b' },
    ])
  })

  it('an outcome that arrives after the attempt was shipped updates the team row; shipping again adds nothing', async () => {
    const id = a.core.history.begin(newAttempt({ paymentId: 'LATE-1', startedAt: Date.now() }))
    await a.core.team.syncNow()
    const shipped = await pool.query(`SELECT outcome, finished_at FROM attempts WHERE console_id = $1 AND local_id = $2`, [a.core.team.consoleId(), id])
    expect(shipped.rows).toEqual([{ outcome: 'unknown', finished_at: null }])

    a.core.history.complete(id, completion('enrolled'))
    expect(a.core.team.status()).toMatchObject({ state: 'waiting', pending: 1 })
    await a.core.team.syncNow()
    const updated = await pool.query(`SELECT outcome FROM attempts WHERE console_id = $1 AND local_id = $2`, [a.core.team.consoleId(), id])
    expect(updated.rows).toEqual([{ outcome: 'enrolled' }])
    const { team, local } = await teamAndLocal(pool, a)
    expect(team).toEqual(local)
  })

  it('a running replicator ships new attempts by itself', async () => {
    await b.core.team.start()
    await b.enroll('2200001')
    await waitFor(async () => {
      const { team, local } = await teamAndLocal(pool, b)
      return team.length === local.length
    }, 'the replicator to ship 2200001')
    const { team, local } = await teamAndLocal(pool, b)
    expect(team).toEqual(local)
    await waitFor(() => b.core.team.status().state === 'up-to-date', 'up to date')
    expect(b.core.team.status()).toMatchObject({ state: 'up-to-date', pending: 0, lastShippedAt: expect.any(Number) })
  })
})
