import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { sampleRecord } from '../../shared/domain/attempt.test-helpers.ts'
import { teamPrecheck } from './teamPrecheck.ts'
import { openTeamTestDb, shipAttempts, type TeamTestDb, type TestConsole } from './teamHistory.test-helpers.ts'

// The team's side of the duplicate warning: other consoles' enrolled/unknown attempts for the
// payment id, newest first, with machine and operator, and how fresh the team data is.

const ME: TestConsole = { consoleId: 'c-me', machine: 'desk-me', operator: 'me.op' }
const ADA: TestConsole = { consoleId: 'c-ada', machine: 'desk-ada', operator: 'ada.obi' }
const BOLA: TestConsole = { consoleId: 'c-bola', machine: 'desk-bola', operator: 'bola.ade' }
const T0 = Date.UTC(2026, 10, 1, 9, 0, 0)

const attempt = (id: number, over: Partial<AttemptRecord>): AttemptRecord => sampleRecord({ id, retryOf: null, ...over })

let team: TeamTestDb

beforeAll(async () => {
  team = await openTeamTestDb()
  await shipAttempts(team.pool, ME, [attempt(1, { paymentId: '555001', outcome: 'enrolled', startedAt: T0 + 50_000, operator: ME.operator })])
  await shipAttempts(team.pool, ADA, [
    attempt(1, { paymentId: '555001', outcome: 'rejected', startedAt: T0, operator: ADA.operator }),
    attempt(2, { paymentId: '555001', outcome: 'enrolled', startedAt: T0 + 10_000, operator: ADA.operator }),
    attempt(3, { paymentId: '555002', outcome: 'enrolled', startedAt: T0 + 20_000, operator: ADA.operator }),
  ])
  await shipAttempts(team.pool, BOLA, [attempt(7, { paymentId: '555001', outcome: 'unknown', finishedAt: null, startedAt: T0 + 30_000, operator: BOLA.operator })])
})

afterAll(async () => {
  await team?.close()
})

describe('teamPrecheck', () => {
  it('names the other consoles’ risky attempts for the payment id, newest first, never this console’s own', async () => {
    const before = Date.now()
    const answer = await teamPrecheck(team.pool, { paymentId: '555001', ownConsoleId: ME.consoleId })
    expect(answer.risky.map((r) => [r.origin?.machine, r.origin?.localId, r.operator, r.outcome, r.startedAt])).toEqual([
      [BOLA.machine, 7, BOLA.operator, 'unknown', T0 + 30_000],
      [ADA.machine, 2, ADA.operator, 'enrolled', T0 + 10_000],
    ])
    // The rejected attempt is not risky but is counted.
    expect(answer.total).toBe(3)
    expect(answer.readAt).toBeGreaterThanOrEqual(before)
    expect(answer.consoles.map((c) => c.consoleId).sort()).toEqual([ADA.consoleId, BOLA.consoleId])
    for (const c of answer.consoles) expect(Math.abs((c.lastShippedAt as number) - Date.now())).toBeLessThan(120_000)
  })

  it('answers nothing risky for a payment id only this console tried, or nobody', async () => {
    expect((await teamPrecheck(team.pool, { paymentId: '555001', ownConsoleId: BOLA.consoleId })).risky.map((r) => r.origin?.consoleId)).toEqual([ME.consoleId, ADA.consoleId])
    const none = await teamPrecheck(team.pool, { paymentId: '999999', ownConsoleId: ME.consoleId })
    expect(none).toMatchObject({ risky: [], total: 0 })
  })

  it('tells how old each console’s data is: a console that has not shipped for a while shows its time', async () => {
    await team.pool.query(`UPDATE consoles SET last_seen = to_timestamp($2 / 1000.0) WHERE console_id = $1`, [ADA.consoleId, T0])
    const answer = await teamPrecheck(team.pool, { paymentId: '555002', ownConsoleId: ME.consoleId, now: () => T0 + 99 })
    expect(answer.readAt).toBe(T0 + 99)
    expect(answer.consoles[0]).toEqual({ consoleId: ADA.consoleId, machine: ADA.machine, lastShippedAt: T0 })
  })
})
