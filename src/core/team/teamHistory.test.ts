import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AttemptRecord, AttemptSummary } from '../../shared/domain/attempt.ts'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import type { HistorySort } from '../../shared/domain/historySort.ts'
import { InvalidCursorError } from '../history/historySql.ts'
import { completion, newAttempt, openTempHistory, type TempDb } from '../history/testFixtures.ts'
import type { HistoryStore } from '../history/types.ts'
import { createTeamHistory, type TeamHistory } from './teamHistory.ts'
import { openTeamTestDb, shipAttempts, type TeamTestDb, type TestConsole } from './teamHistory.test-helpers.ts'

// The team scope answers a filter with exactly the union of what each console's local history
// answers for it (same filters, search semantics, sorts), paged without gaps or repeats.

const DESKS: TestConsole[] = [
  { consoleId: 'c-ada', machine: 'desk-ada', operator: 'ada.obi' },
  { consoleId: 'c-bola', machine: 'desk-bola', operator: 'bola.ade' },
]
const T0 = Date.UTC(2026, 10, 1, 8, 0, 0)
const MINUTE = 60_000

/** Varied attempts; `desk` shifts values so that the two histories differ but overlap. */
function fillLocal(store: HistoryStore, desk: number): void {
  const refs = ['JB-1542891523-Enrol', 'jb-77-lower', 'ÉLAN-ref-Ü', 'REF_50%_off', 'back\\slash', "quote'; DROP TABLE attempts; --"]
  const phones = ['2348031234567', '2348059876543', '2347031112222', '2348030000803']
  const outcomes: AttemptRecord['outcome'][] = ['enrolled', 'rejected', 'failed', 'unknown']
  const environments: AttemptRecord['environment'][] = ['sandbox', 'production', 'training', 'custom']
  for (let i = 0; i < 40; i++) {
    const outcome = outcomes[(i + desk) % 4] as AttemptRecord['outcome']
    const id = store.begin(
      newAttempt({
        // Same start times on both desks for some rows: the tie-break must place them.
        startedAt: T0 + (i % 10 === 0 ? 0 : i * 7 + desk * 3) * MINUTE,
        environment: environments[(i * 3 + desk) % 4] as AttemptRecord['environment'],
        operator: i % 3 === 0 ? 'shared.op' : (DESKS[desk] as TestConsole).operator,
        paymentId: String(100000 + ((i * 37 + desk * 11) % 23)),
        phone: phones[(i + desk) % phones.length] as string,
        transactionRef: `${refs[i % refs.length]}-${i}`,
        channel: i % 5 === 0 ? 'cli' : 'console',
        retryOf: i > 3 && i % 7 === 0 ? i - 2 : null,
      }),
    )
    if (outcome === 'unknown' && i % 8 === 3) continue // left unfinished, as after a crash
    const errors = outcome === 'rejected' ? (i % 2 === 0 ? [{ code: '10403', message: 'Not allowed' }] : [{ code: 'E26', message: 'Signature failed' }, { code: '10403', message: 'x' }]) : []
    store.complete(id, completion(outcome, { errors, durationMs: outcome === 'unknown' ? null : 100 + ((i * 53 + desk * 17) % 900), finishedAt: T0 + i * 7 * MINUTE + 900 }))
  }
}

const SEARCHES = [
  '1000', '100017', '00001', 'JB-154', 'jb-154', 'JB-77', 'élan', 'ÉLAN', 'Élan', 'ü', '0803', '0803 123', '+234 803 123', '(0803) 123-4567',
  '234803', '4567', '803', '%', '_', '50%', 'REF_', '\\', "'; DROP", '10', '7', 'x', 'Enrol-1', '-3', 'ENROL',
]

const FILTERS: HistoryFilter[] = [
  {},
  { outcome: ['rejected'] },
  { outcome: ['failed', 'unknown'] },
  { environment: ['production', 'custom'] },
  { operator: 'shared.op' },
  { operator: 'ada.obi' },
  { code: '10403' },
  { code: 'E26' },
  { code: 'NOPE' },
  { paymentId: '100005' },
  { from: T0 + 60 * MINUTE, to: T0 + 200 * MINUTE },
  { from: T0 },
  { to: T0 + 1 },
  { outcome: ['rejected'], code: '10403', environment: ['production', 'training', 'sandbox'], from: T0 + 10 * MINUTE },
  { search: '0803', outcome: ['enrolled', 'unknown'] },
  // A search in one operator's attempts is first checked on a window of that operator's rows.
  { search: '0803', operator: 'shared.op' },
  { search: 'jb-154', operator: 'ada.obi', outcome: ['enrolled', 'rejected'] },
  { search: '10', operator: 'bola.ade' },
  ...SEARCHES.map((search) => ({ search })),
]
const SORTS: HistorySort[] = ['time-desc', 'time-asc', 'latency-desc', 'latency-asc']

let team: TeamTestDb
let history: TeamHistory
const locals: { temp: TempDb; store: HistoryStore }[] = []

beforeAll(async () => {
  team = await openTeamTestDb()
  history = createTeamHistory(team.pool)
  for (const [desk, console] of DESKS.entries()) {
    const local = openTempHistory()
    fillLocal(local.store, desk)
    locals.push(local)
    await shipAttempts(team.pool, console, [...local.store.iterate({})])
  }
})

afterAll(async () => {
  await team?.close()
  for (const local of locals) local.temp.cleanup()
})

type Keyed = { key: string; startedAt: number; durationMs: number | null; consoleId: string; localId: number }

/** Every local row matching the filter, each desk's, keyed by console and local id. */
function localUnion(filter: HistoryFilter): Keyed[] {
  return locals.flatMap(({ store }, desk) => {
    const consoleId = (DESKS[desk] as TestConsole).consoleId
    return store.page({ filter, limit: 500 }).rows.map((r) => ({ key: `${consoleId}:${r.id}`, startedAt: r.startedAt, durationMs: r.durationMs, consoleId, localId: r.id }))
  })
}

/** The team order: the sort key, then (time for latency sorts) console id and local id, all in the sort's direction. */
function teamOrder(rows: Keyed[], sort: HistorySort): string[] {
  const latency = sort.startsWith('latency')
  const sign = sort.endsWith('desc') ? -1 : 1
  const tuple = (r: Keyed): (number | string)[] => [...(latency ? [r.durationMs ?? -1] : []), r.startedAt, r.consoleId, r.localId]
  return [...rows]
    .sort((a, b) => {
      const x = tuple(a)
      const y = tuple(b)
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return ((x[i] as number) < (y[i] as number) ? -1 : 1) * sign
      return 0
    })
    .map((r) => r.key)
}

async function allTeamRows(filter: HistoryFilter, limit: number): Promise<AttemptSummary[]> {
  const rows: AttemptSummary[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 200; pages++) {
    const page = await history.page({ filter, cursor, limit })
    rows.push(...page.rows)
    if (page.nextCursor === null) return rows
    expect(page.rows).toHaveLength(limit)
    cursor = page.nextCursor
  }
  throw new Error('paging did not end')
}

describe('team history on PostgreSQL', () => {
  it('holds what the two desks have (the fixture is not empty)', async () => {
    expect(await history.count({})).toBe(80)
    expect(localUnion({})).toHaveLength(80)
  })

  it.each(FILTERS.map((filter) => [JSON.stringify(filter), filter] as const))('answers %s with the union of the local answers, in every sort, paged', async (_name, filter) => {
    const union = localUnion(filter)
    for (const sort of SORTS) {
      const rows = await allTeamRows({ ...filter, sort }, 7)
      expect(rows.map((r) => `${r.origin?.consoleId}:${r.origin?.localId}`), `sort ${sort}`).toEqual(teamOrder(union, sort))
    }
    expect(await history.count(filter)).toBe(union.length)
    const localCount = locals.reduce((n, { store }) => n + store.count(filter), 0)
    expect(await history.count(filter)).toBe(localCount)
  })

  it('pages a search in one operator’s attempts the same whether its window holds the page or not', async () => {
    // A window of 3 rows: some pages come from it, the others from the whole table.
    const narrow = createTeamHistory(team.pool, { operatorSearchWindow: 3 })
    for (const filter of [{ search: '0803', operator: 'shared.op' }, { search: '10', operator: 'bola.ade' }, { search: '1000', operator: 'ada.obi', sort: 'time-asc' as const }]) {
      const union = teamOrder(localUnion(filter), filter.sort ?? 'time-desc')
      expect(union.length, JSON.stringify(filter)).toBeGreaterThan(2)
      for (const limit of [1, 2, 5]) {
        const rows: string[] = []
        let cursor: string | undefined
        do {
          const page = await narrow.page({ filter, cursor, limit })
          rows.push(...page.rows.map((r) => `${r.origin?.consoleId}:${r.origin?.localId}`))
          cursor = page.nextCursor ?? undefined
        } while (cursor !== undefined)
        expect(rows, `${JSON.stringify(filter)} by ${limit}`).toEqual(union)
      }
    }
  })

  it('search cases match some rows and miss others (the table tests something)', () => {
    const sizes = SEARCHES.map((search) => localUnion({ search }).length)
    expect(sizes.filter((n) => n === 0).length).toBeGreaterThan(0)
    expect(sizes.filter((n) => n > 0 && n < 80).length).toBeGreaterThan(10)
  })

  it('answers each row with the local summary, its machine and its console', async () => {
    const rows = await allTeamRows({}, 100)
    for (const row of rows) {
      const desk = DESKS.findIndex((d) => d.consoleId === row.origin?.consoleId)
      const local = locals[desk]?.store.page({ filter: { paymentId: row.paymentId }, limit: 100 }).rows.find((r) => r.id === row.origin?.localId)
      expect(local).toBeDefined()
      const { id: _teamId, origin, retryOf, ...rest } = row
      const { id: _localId, retryOf: localRetry, inFlight: _inFlight, ...localRest } = local as AttemptSummary
      expect(rest).toEqual(localRest)
      expect(origin?.machine).toBe(DESKS[desk]?.machine)
      // retryOf names the retried attempt's team row (same console).
      if (localRetry === null) expect(retryOf).toBeNull()
      else expect((await history.get(retryOf as number))?.origin).toEqual({ consoleId: origin?.consoleId, machine: origin?.machine, localId: localRetry })
    }
  })

  it('gives the details of a team row: the full local record, the team chain, the masked cipher', async () => {
    const [first] = (await history.page({ filter: { search: 'JB-1542891523' }, limit: 1 })).rows
    const detail = await history.detail(first?.id as number)
    expect(detail?.origin?.machine).toMatch(/^desk-/)
    const desk = DESKS.findIndex((d) => d.consoleId === detail?.origin?.consoleId)
    const local = locals[desk]?.store.get(detail?.origin?.localId as number) as AttemptRecord
    expect({ ...detail?.record, id: local.id, retryOf: local.retryOf }).toEqual(local)
    expect(detail?.record.id).toBe(first?.id)
    expect(detail?.cipher).toContain('POST&')
    const chainKeys = detail?.chain.map((c) => `${c.origin?.consoleId}:${c.origin?.localId}`)
    expect(chainKeys).toEqual(teamOrder(localUnion({ paymentId: local.paymentId }), 'time-asc'))
    expect(await history.detail(99_999_999)).toBeUndefined()
  })

  it('streams every matching full record in batches, in order', async () => {
    const seen: AttemptRecord[] = []
    let batches = 0
    for await (const batch of history.batches({ outcome: ['rejected', 'enrolled'] }, 6)) {
      batches++
      seen.push(...batch)
    }
    expect(seen).toHaveLength(localUnion({ outcome: ['rejected', 'enrolled'] }).length)
    expect(batches).toBe(Math.ceil(seen.length / 6))
    const times = seen.map((r) => r.startedAt)
    expect(times).toEqual([...times].sort((a, b) => b - a))
  })

  it('refuses a cursor it did not make, or made for another sort', async () => {
    const page = await history.page({ filter: {}, limit: 2 })
    await expect(history.page({ filter: { sort: 'time-asc' }, cursor: page.nextCursor as string, limit: 2 })).rejects.toThrow(InvalidCursorError)
    const local = locals[0]?.store.page({ filter: {}, limit: 2 }).nextCursor as string
    await expect(history.page({ filter: {}, cursor: local, limit: 2 })).rejects.toThrow(/not a team history cursor/)
    await expect(history.page({ filter: {}, cursor: 'garbage!', limit: 2 })).rejects.toThrow(InvalidCursorError)
  })

  it('leaves the table as it was after hostile search text (values are bound, never spliced)', async () => {
    await history.page({ filter: { search: "x'); DELETE FROM attempts; --" }, limit: 5 })
    expect(await history.count({})).toBe(80)
  })
})
