import pg from 'pg'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { completion, newAttempt, openTempHistory, type TempDb } from '../history/testFixtures.ts'
import type { HistoryStore } from '../history/types.ts'
import { createOutbox, type Outbox } from './outbox.ts'
import { createReplicator, pgJson, teamAttemptRow, type Replicator } from './replicator.ts'
import { parseTeamUrl, teamTarget } from './teamConfig.ts'
import { migrateTeamSchema } from './teamMigrate.ts'
import { freshTestDatabase } from './testing/sharedPgCluster.ts'
import { waitFor } from './testing/teamConsole.test-helpers.ts'

// How a batch is shipped (replicator.ts): a backlog in several batches of several statements,
// the U+0000 rule applied to the batch's JSON text, and the timer waiting for an attempt in flight.

describe('pgJson', () => {
  it('writes U+0000 as U+FFFD and leaves an escaped backslash followed by "u0000" as it is', () => {
    const rows = [{ a: 'x\u0000y', b: 'back\\u0000slash', c: '\\\u0000', d: JSON.stringify({ h: 'in\u0000ner' }) }]
    expect(JSON.parse(pgJson(rows))).toEqual([{ a: 'x\uFFFDy', b: 'back\\u0000slash', c: '\\\uFFFD', d: JSON.stringify({ h: 'in\u0000ner' }) }])
    // d is JSON text inside the JSON: its escape is text (6 characters), which PostgreSQL's json
    // type keeps; only a real U+0000 (which text cannot hold) is replaced.
    expect(JSON.parse(pgJson([{ plain: 'no nul here' }]))).toEqual([{ plain: 'no nul here' }])
  })
})

describe('shipping to a real PostgreSQL', () => {
  let url: string
  let pool: pg.Pool
  let temp: TempDb
  let store: HistoryStore
  let outbox: Outbox
  let replicator: Replicator | undefined

  beforeAll(async () => {
    url = await freshTestDatabase('ship')
    pool = new pg.Pool({ connectionString: url })
    await migrateTeamSchema(pool) // each test may run alone: the tables exist from the start
  })
  afterAll(async () => {
    await pool.end()
  })
  beforeEach(() => {
    ;({ temp, store } = openTempHistory())
    outbox = createOutbox(temp.db)
  })
  afterEach(async () => {
    await replicator?.stop()
    replicator = undefined
    temp.cleanup()
  })

  function startReplicator(options: { batchSize?: number; intervalMs?: number } = {}): Replicator {
    replicator = createReplicator({
      pool: new pg.Pool({ connectionString: url }),
      outbox,
      readAttempt: (id) => store.get(id),
      target: teamTarget(parseTeamUrl(url)),
      machine: 'desk-ship',
      operator: 'op',
      appVersion: '0.0.0-test',
      ...options,
    })
    return replicator
  }

  async function teamRows(): Promise<unknown[]> {
    const rows = await pool.query(
      `SELECT console_id, local_id::float8 AS local_id, payment_id, outcome, finished_at::float8 AS finished_at, response_body, failure_reason
       FROM attempts WHERE console_id = $1 ORDER BY local_id`,
      [outbox.consoleId()],
    )
    return rows.rows
  }

  function localRows(): unknown[] {
    return [...store.iterate({})]
      .sort((a, b) => a.id - b.id)
      .map((a) => {
        const row = teamAttemptRow(outbox.consoleId(), 'desk-ship', a)
        const { console_id, local_id, payment_id, outcome, finished_at, response_body, failure_reason } = row
        return { console_id, local_id, payment_id, outcome, finished_at, response_body, failure_reason }
      })
  }

  it('a backlog larger than a batch and a statement ships row for row, U+0000 as U+FFFD, a backslash-u0000 text as it is', async () => {
    // 1,300 rows with batches of 600: three transactions, the first two of three statements (250 rows each at most).
    const rep = startReplicator({ batchSize: 600 })
    temp.db.exec('BEGIN')
    for (let i = 0; i < 1300; i++) {
      const id = store.begin(newAttempt({ paymentId: String(500000 + i), startedAt: 1_700_000_000_000 + i }))
      if (i % 3 !== 0) {
        store.complete(id, completion(i % 3 === 1 ? 'enrolled' : 'failed', i === 2 ? { failureReason: 'odd\u0000reason', responseBody: 'text \\u0000 kept' } : {}))
      }
    }
    temp.db.exec('COMMIT')
    expect(outbox.pending().attempts).toBe(1300)

    expect(await rep.syncNow()).toMatchObject({ state: 'up-to-date', pending: 0, lastError: null })
    const team = await teamRows()
    expect(team).toHaveLength(1300)
    expect(team).toEqual(localRows())
    expect(team[2]).toMatchObject({ failure_reason: 'odd\uFFFDreason', response_body: 'text \\u0000 kept' })
  })

  it('the acknowledgement after a batch leaves the connection durable as it was (synchronous FULL)', async () => {
    const rep = startReplicator()
    store.begin(newAttempt({ paymentId: '600001', startedAt: Date.now() }))
    expect(await rep.syncNow()).toMatchObject({ state: 'up-to-date', pending: 0 })
    expect(temp.db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 2 })
  })

  it('the timer waits for an attempt being sent (shipping it once, finished), but not for longer than its bound', async () => {
    const rep = startReplicator({ intervalMs: 20 })
    const waited = store.begin(newAttempt({ paymentId: '700001', startedAt: Date.now() }))
    expect(outbox.sending(Date.now() - 60_000)).toBe(true)
    rep.start()
    // Many timer turns: nothing shipped while the attempt is in flight.
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(await teamRows()).toEqual([])
    store.complete(waited, completion('enrolled'))
    expect(outbox.sending(Date.now() - 60_000)).toBe(false)
    await waitFor(async () => (await teamRows()).length === 1, 'the finished attempt to be shipped')
    expect(await teamRows()).toMatchObject([{ local_id: waited, outcome: 'enrolled' }])

    // An attempt that stays in flight (a long send) is shipped as it stands once the wait is over.
    const long = store.begin(newAttempt({ paymentId: '700002', startedAt: Date.now() }))
    await waitFor(async () => (await teamRows()).length === 2, 'the unfinished attempt to be shipped after the wait', 10_000)
    expect((await teamRows())[1]).toMatchObject({ local_id: long, outcome: 'unknown', finished_at: null })
  })

  it('stopped while its timer waits for an attempt in flight, the replicator ships nothing and records no outage', async () => {
    const rep = startReplicator({ intervalMs: 20 })
    store.begin(newAttempt({ paymentId: '750001', startedAt: Date.now() }))
    rep.start()
    replicator = undefined // stopped here, not again after the test
    await rep.stop() // the pool is closed: a round after this would fail and record an outage
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(outbox.report()).toMatchObject({ unreachableSince: null, lastError: null })
    expect(await teamRows()).toEqual([])
  })

  it('an unfinished attempt begun long ago (a crash left it unknown) is not waited for', () => {
    store.begin(newAttempt({ paymentId: '800001', startedAt: Date.now() - 3_600_000 }))
    expect(outbox.sending(Date.now() - 60_000)).toBe(false)
  })
})
