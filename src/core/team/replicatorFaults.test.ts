import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { newAttempt } from '../history/testFixtures.ts'
import { startTrainingServer, type TrainingServer } from '../simulator/trainingServer.ts'
import { startPgCluster, type PgCluster } from './testing/pgCluster.ts'
import { startStallingProxy, type StallingProxy } from './testing/stallingProxy.ts'
import { openTestConsole, teamAndLocal, teamAndLocalAudit, waitFor, type TestConsole } from './testing/teamConsole.test-helpers.ts'

// Faults with a real server (a cluster of this file's own: it is stopped, killed and stalled).
// In each, enrollments go on while the team database is away, and once it is back the team
// store equals the union of the local stores: no gap, no duplicate.

describe('replication faults', () => {
  let cluster: PgCluster
  let training: TrainingServer
  let admin: pg.Pool
  const consoles: TestConsole[] = []
  beforeAll(async () => {
    cluster = await startPgCluster()
    training = await startTrainingServer()
  })
  afterAll(async () => {
    await training.close()
    cluster.destroy()
  })
  afterEach(async () => {
    for (const c of consoles.splice(0)) await c.close()
    await admin?.end().catch(() => {})
  })

  async function adminPool(database: string): Promise<pg.Pool> {
    admin = new pg.Pool({ connectionString: cluster.url(database) })
    admin.on('error', () => {})
    return admin
  }

  async function expectUnion(pool: pg.Pool, list: TestConsole[]): Promise<void> {
    let total = 0
    for (const c of list) {
      await waitFor(() => c.core.team.status().state === 'up-to-date', `${c.machine} up to date`, 60_000)
      const { team, local } = await teamAndLocal(pool, c)
      expect(team).toEqual(local)
      const audit = await teamAndLocalAudit(pool, c)
      expect(audit.team).toEqual(audit.local)
      total += local.length
    }
    const count = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM attempts')
    expect(count.rows[0]?.n).toBe(total)
  }

  it('team database stopped before start-up: enrollments go on, shipped once it starts', async () => {
    const database = await cluster.createDatabase('stopped')
    cluster.stop()
    try {
      const a = await openTestConsole(cluster.url(database), training.url, 'desk-a')
      const b = await openTestConsole(cluster.url(database), training.url, 'desk-b')
      consoles.push(a, b)
      await a.core.team.start()
      await b.core.team.start()
      for (let i = 0; i < 4; i++) {
        expect((await a.enroll(`3100${i}1`)).outcome).toBe('enrolled')
        expect((await b.enroll(`3200${i}1`)).outcome).toBe('enrolled')
      }
      await waitFor(() => a.core.team.status().state === 'unreachable', 'unreachable')
      expect(a.core.team.status()).toMatchObject({ state: 'unreachable', unreachableSince: expect.any(Number), lastError: expect.stringMatching(/ECONNREFUSED|connect/) })
      expect((a.core.team.status() as { pending: number }).pending).toBeGreaterThanOrEqual(4)
    } finally {
      cluster.start()
    }
    await expectUnion(await adminPool(database), consoles)
  })

  it('team database killed in the middle of a batch: nothing lost, nothing twice', async () => {
    const database = await cluster.createDatabase('killed')
    const a = await openTestConsole(cluster.url(database), training.url, 'desk-a')
    const b = await openTestConsole(cluster.url(database), training.url, 'desk-b')
    consoles.push(a, b)
    await a.enroll('410001')
    await a.core.team.syncNow() // schema and console registered
    // A backlog of several batches, and a lock that holds the first batch half-way.
    for (let i = 0; i < 900; i++) a.core.history.begin(newAttempt({ paymentId: `4${String(i).padStart(5, '0')}`, startedAt: Date.now() - i }))
    const pool = await adminPool(database)
    const locker = await pool.connect()
    locker.on('error', () => {})
    await locker.query('BEGIN')
    await locker.query('LOCK TABLE attempts IN SHARE MODE')
    await a.core.team.start()
    await b.core.team.start()
    await waitFor(async () => {
      // From another connection: inside the locker's transaction the statistics are a snapshot.
      const blocked = await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO attempts%'`)
      return blocked.rows[0].n > 0
    }, 'a batch blocked half-way')
    cluster.kill()
    locker.release(true)
    // The server is gone: enrollments go on in both consoles.
    for (let i = 0; i < 3; i++) {
      expect((await a.enroll(`4200${i}1`)).outcome).toBe('enrolled')
      expect((await b.enroll(`4300${i}1`)).outcome).toBe('enrolled')
    }
    await waitFor(() => a.core.team.status().state === 'unreachable', 'unreachable')
    cluster.start()
    await expectUnion(await adminPool(database), consoles)
  })

  it('team database unreachable through a stalling network path: enrollments do not wait, shipped when it answers again', async () => {
    const database = await cluster.createDatabase('stalled')
    const proxy: StallingProxy = await startStallingProxy(cluster.port)
    try {
      const url = `postgres://otp_test@127.0.0.1:${proxy.port}/${database}`
      const a = await openTestConsole(url, training.url, 'desk-a')
      const b = await openTestConsole(cluster.url(database), training.url, 'desk-b')
      consoles.push(a, b)
      await a.core.team.start()
      await b.core.team.start()
      await a.enroll('510001')
      await waitFor(() => a.core.team.status().state === 'up-to-date', 'first ship')
      proxy.stall()
      for (let i = 0; i < 5; i++) {
        expect((await a.enroll(`5200${i}1`)).outcome).toBe('enrolled')
        expect((await b.enroll(`5300${i}1`)).outcome).toBe('enrolled')
      }
      // The replicator is stuck on a silent connection until its timeouts fire; enrollments above did not wait for it.
      expect(a.core.team.status().state).not.toBe('up-to-date')
      await waitFor(() => a.core.team.status().state === 'unreachable', 'unreachable after the timeouts', 30_000)
      expect(a.core.team.status()).toMatchObject({ lastError: expect.stringMatching(/timeout/i) })
      proxy.resume()
      await expectUnion(await adminPool(database), consoles)
    } finally {
      await proxy.close()
    }
  })
})
