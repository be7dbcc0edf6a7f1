import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import type { AppCore } from '../app/appCore.ts'
import { openTestCore } from '../app/testCore.ts'
import { createMemorySecretStore } from '../audit/memorySecretStore.ts'
import { createDiagnosticLog } from '../log/diagnosticLog.ts'
import { startTrainingServer, type TrainingServer } from '../simulator/trainingServer.ts'
import { verifyTeamConsole } from './teamAudit.ts'
import { createTeamHistory, type TeamHistory } from './teamHistory.ts'
import { teamPrecheck } from './teamPrecheck.ts'
import { freshTestDatabase } from './testing/sharedPgCluster.ts'

// The proof of the team read side, end to end: two data folders enroll through the real
// enrollment service against the training server (real HTTP), teamcore's replicator ships
// them to a real PostgreSQL, and each console then sees the other's attempts in the team
// scope: the team history equals the two local histories row for row, the duplicate lookup
// names the other desk's attempt, and each shipped audit chain verifies.

interface Desk {
  name: string
  dir: string
  core: AppCore
  keychain: ReturnType<typeof createMemorySecretStore>
  close(): Promise<void>
}

let training: TrainingServer
let teamUrl: string
const desks: Desk[] = []

async function openDesk(name: string): Promise<Desk> {
  const dir = mkdtempSync(join(tmpdir(), `otp-team-proof-${name}-`))
  const logger = createDiagnosticLog({ dir: join(dir, 'logs') })
  const keychain = createMemorySecretStore()
  const core = await openTestCore(dir, {
    fetch: (input, init) => fetch(input, init),
    secretStore: keychain,
    logger,
    operator: `${name}.op`,
    machine: `desk-${name}`,
    appVersion: '0.1.0',
    trainingUrl: () => training.url,
    env: { OTP_CONSOLE_TEAM_DB: teamUrl },
    timeoutMs: 5_000,
  })
  return {
    name,
    dir,
    core,
    keychain,
    async close() {
      await core.team.stop()
      await core.audit.flush()
      core.close()
      await logger.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function enroll(desk: Desk, paymentId: string, ref: string): Promise<void> {
  await desk.core.enrollService.enroll({ paymentId, phone: '0803 123 4567', transactionRef: ref, signatureMethod: 'SHA-256', environment: 'training' })
}

/** One desk's whole local history as full records, keyed by console id and local id. */
function localRecords(desk: Desk): Map<string, AttemptRecord> {
  const id = desk.core.team.consoleId()
  return new Map([...desk.core.history.iterate({})].map((r) => [`${id}:${r.id}`, r]))
}

async function withPool<T>(desk: Desk, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = (await desk.core.team.openPool()) as Pool
  try {
    return await work(pool)
  } finally {
    await pool.end()
  }
}

beforeAll(async () => {
  training = await startTrainingServer()
  teamUrl = await freshTestDatabase('teamproof')
  const [ada, bola] = [await openDesk('ada'), await openDesk('bola')]
  desks.push(ada, bola)
  await enroll(ada, '5551001', 'ADA-1-Enrol')
  await enroll(ada, '5550403', 'ADA-2-Enrol') // rejected 10403 by the training server
  await enroll(bola, '5552001', 'BOLA-1-Enrol')
  await enroll(bola, '5551001', 'BOLA-2-Enrol') // ada's card again: the server says 10403
  await enroll(ada, '5553001', 'ada-3-enrol')
  for (const desk of desks) {
    const status = await desk.core.team.syncNow()
    expect(status).toMatchObject({ state: 'up-to-date', pending: 0 })
  }
}, 120_000)

afterAll(async () => {
  for (const desk of desks) await desk.close()
  await training?.close()
})

describe('two consoles on one team database', () => {
  it('each sees every attempt of both desks, and the team rows equal the local records row for row', async () => {
    const expected = new Map([...localRecords(desks[0] as Desk), ...localRecords(desks[1] as Desk)])
    expect(expected.size).toBe(5)
    for (const desk of desks) {
      await withPool(desk, async (pool) => {
        const team: TeamHistory = createTeamHistory(pool)
        expect(await team.count({})).toBe(expected.size)
        const seen = new Map<string, AttemptRecord>()
        for await (const batch of team.batches({}, 2)) {
          for (const record of batch) {
            const origin = (await team.get(record.id))?.origin
            seen.set(`${origin?.consoleId}:${origin?.localId}`, { ...record, id: origin?.localId as number })
          }
        }
        expect(seen).toEqual(expected)
      })
    }
  })

  it('a search and a filter give the same rows in the team scope as on the two desks together', async () => {
    for (const filter of [{ search: 'enrol' }, { search: '0803 123' }, { outcome: ['rejected' as const] }, { search: 'ADA-' }, { paymentId: '5551001' }]) {
      const local = desks.flatMap((d) => d.core.history.page({ filter, limit: 100 }).rows.map((r) => `${d.core.team.consoleId()}:${r.id}`)).sort()
      const team = await withPool(desks[1] as Desk, async (pool) => (await createTeamHistory(pool).page({ filter, limit: 100 })).rows.map((r) => `${r.origin?.consoleId}:${r.origin?.localId}`).sort())
      expect(team, JSON.stringify(filter)).toEqual(local)
      expect(local.length, JSON.stringify(filter)).toBeGreaterThan(0)
    }
  })

  it('the duplicate lookup on one desk names the other desk’s enrollment of the card', async () => {
    const [ada, bola] = desks as [Desk, Desk]
    const answer = await withPool(bola, (pool) => teamPrecheck(pool, { paymentId: '5551001', ownConsoleId: bola.core.team.consoleId() }))
    expect(answer.risky).toHaveLength(1)
    expect(answer.risky[0]).toMatchObject({ outcome: 'enrolled', operator: 'ada.op', origin: { machine: 'desk-ada', consoleId: ada.core.team.consoleId() } })
    expect(answer.consoles.map((c) => c.machine)).toEqual(['desk-ada'])
  })

  it('each desk’s shipped audit chain verifies: fully with its own key, by structure from the other desk', async () => {
    const [ada, bola] = desks as [Desk, Desk]
    await withPool(ada, async (pool) => {
      const own = await verifyTeamConsole(pool, ada.core.team.consoleId(), ada.keychain)
      expect(own).toMatchObject({ ok: true, level: 'full', contentUnchecked: 0 })
      expect(own.total).toBeGreaterThan(4) // anchor + attempts + outcomes
      const other = await verifyTeamConsole(pool, bola.core.team.consoleId(), ada.keychain)
      expect(other).toMatchObject({ ok: true, level: 'structure' })
    })
  })
})
