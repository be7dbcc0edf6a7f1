import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import { countTeamAttempts } from './teamCount.ts'
import { openTeamTestDb, type TeamTestDb } from './teamHistory.test-helpers.ts'

// The team History total comes from the day count tables (kept by statement-level triggers on
// attempts) plus exact counts for the days a range cuts. Rows spread over several UTC days are
// shipped, updated (a later outcome), deleted, and shipped by concurrent consoles; after each
// step the count tables equal a GROUP BY of the attempts and every total equals the rows'.

const DAY = 86_400_000
const HOUR = 3_600_000
const T0 = Date.UTC(2026, 10, 1)
const OUTCOMES = ['enrolled', 'rejected', 'failed', 'unknown'] as const
const ENVIRONMENTS = ['production', 'training', 'sandbox', 'custom'] as const
const OPERATORS = ['ada.obi', 'bola.ade', 'chi.eze']

interface Row {
  console_id: string
  local_id: number
  started_at: number
  outcome: string
  environment: string
  operator: string
  error_codes: string[]
}

/** Rows every 5 h over about 6 days, values cycling at different rates. */
function rows(consoleId: string, count: number, shift = 0): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const outcome = OUTCOMES[(i + shift) % 4] as string
    return {
      console_id: consoleId,
      local_id: i + 1,
      started_at: T0 + i * 5 * HOUR + shift * 60_000,
      outcome,
      environment: ENVIRONMENTS[(i * 3 + shift) % 4] as string,
      operator: OPERATORS[(i + shift) % 3] as string,
      error_codes: outcome === 'rejected' ? (i % 2 === 0 ? ['10403'] : ['10403', 'E26']) : [],
    }
  })
}

/** One statement per batch, as the replicator ships: insert, or update what is there. */
const UPSERT = `INSERT INTO attempts (console_id, local_id, started_at, environment, base_url, channel, operator, machine, app_version,
    client_id, payment_id, phone, transaction_ref, signature_method, request_url, request_headers, request_body, outcome, errors, error_codes)
  SELECT x.console_id, x.local_id, x.started_at, x.environment, 'https://x', 'console', x.operator, 'desk', '0.1.0', 'IKIA', '1000', '2348031234567',
    'JB-1-Enrol', 'sha512', 'https://x/e', '{}', '{}', x.outcome, '[]', x.error_codes
  FROM json_to_recordset($1::json) AS x(console_id text, local_id bigint, started_at bigint, environment text, operator text, outcome text, error_codes text[])
  ON CONFLICT (console_id, local_id) DO UPDATE SET outcome = excluded.outcome, environment = excluded.environment, operator = excluded.operator,
    started_at = excluded.started_at, error_codes = excluded.error_codes`

async function ship(db: pg.Pool | pg.PoolClient, batch: Row[]): Promise<void> {
  await db.query(UPSERT, [JSON.stringify(batch)])
}

const FILTERS: HistoryFilter[] = [
  {},
  { outcome: ['enrolled'] },
  { outcome: ['rejected', 'failed'], environment: ['production', 'sandbox'] },
  { operator: 'bola.ade' },
  { code: '10403' },
  { code: 'E26', environment: ['training', 'custom'] },
  { code: 'NOPE' },
  { from: T0 + DAY },
  { to: T0 + 3 * DAY + 7 * HOUR },
  { from: T0 + 1.5 * DAY, to: T0 + 4.25 * DAY, outcome: ['enrolled', 'unknown'] },
  { from: T0 + 2 * DAY, to: T0 + 4 * DAY, operator: 'ada.obi', code: '10403' },
  { from: T0 + 2 * DAY + HOUR, to: T0 + 2 * DAY + 20 * HOUR },
  { from: T0 + 5 * DAY, to: T0 + 2 * DAY },
]

function expected(all: Row[], f: HistoryFilter): number {
  return all.filter(
    (r) =>
      (f.from === undefined || r.started_at >= f.from) &&
      (f.to === undefined || r.started_at < f.to) &&
      (!f.outcome || f.outcome.includes(r.outcome as never)) &&
      (!f.environment || f.environment.includes(r.environment as never)) &&
      (f.operator === undefined || r.operator === f.operator) &&
      (f.code === undefined || r.error_codes.includes(f.code)),
  ).length
}

let team: TeamTestDb
/** What the attempts table holds, keyed console:local id. */
const held = new Map<string, Row>()
const keep = (batch: Row[]) => {
  for (const r of batch) held.set(`${r.console_id}:${r.local_id}`, r)
}

async function expectExact(): Promise<void> {
  const { rows: drift } = await team.pool.query(`
    (SELECT floor(started_at / 86400000.0)::int AS day, outcome, environment, operator, count(*)::bigint AS n FROM attempts GROUP BY 1, 2, 3, 4
     EXCEPT SELECT day, outcome, environment, operator, n FROM attempt_day_counts WHERE n <> 0)
    UNION ALL
    (SELECT day, outcome, environment, operator, n FROM attempt_day_counts WHERE n <> 0
     EXCEPT SELECT floor(started_at / 86400000.0)::int, outcome, environment, operator, count(*)::bigint FROM attempts GROUP BY 1, 2, 3, 4)`)
  expect(drift).toEqual([])
  const { rows: codeDrift } = await team.pool.query(`
    WITH actual AS (SELECT c.code, floor(a.started_at / 86400000.0)::int AS day, a.outcome, a.environment, a.operator, count(*)::bigint AS n
                    FROM attempts a CROSS JOIN LATERAL unnest(a.error_codes) AS c(code) GROUP BY 1, 2, 3, 4, 5),
         kept AS (SELECT code, day, outcome, environment, operator, n FROM attempt_code_day_counts WHERE n <> 0)
    (SELECT * FROM actual EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM actual)`)
  expect(codeDrift).toEqual([])
  const all = [...held.values()]
  for (const filter of FILTERS) expect(await countTeamAttempts(team.pool, filter), JSON.stringify(filter)).toBe(expected(all, filter))
}

beforeAll(async () => {
  team = await openTeamTestDb()
  for (const id of ['c-1', 'c-2', 'c-3', 'c-4']) {
    await team.pool.query(`INSERT INTO consoles (console_id, machine, operator, app_version) VALUES ($1, 'desk', 'op', '0.1.0')`, [id])
  }
})

afterAll(async () => {
  await team?.close()
})

describe('team count tables', () => {
  it('count a shipped batch, exactly, for every filter (whole days from the tables, cut days exactly)', async () => {
    const batch = rows('c-1', 30)
    await ship(team.pool, batch)
    keep(batch)
    expect(held.size).toBe(30)
    // The fixture spans days and codes: the filters test something.
    expect(expected([...held.values()], { from: T0 + DAY })).toBeLessThan(30)
    expect(expected([...held.values()], { code: 'E26', environment: ['training', 'custom'] })).toBeGreaterThan(0)
    await expectExact()
  })

  it('move a row between counts when a later outcome (or any counted column) updates it', async () => {
    const later = rows('c-1', 30).map((r, i) => (i % 3 === 0 ? { ...r, outcome: 'enrolled', error_codes: [] } : i % 5 === 0 ? { ...r, operator: 'chi.eze', started_at: r.started_at + DAY } : r))
    // Updates and new rows in one statement: both statement triggers fire.
    const batch = [...later, ...rows('c-2', 12, 1)]
    await ship(team.pool, batch)
    keep(batch)
    await expectExact()
  })

  it('forget deleted rows', async () => {
    await team.pool.query(`DELETE FROM attempts WHERE console_id = 'c-1' AND local_id % 4 = 0`)
    for (const [key, r] of held) if (r.console_id === 'c-1' && r.local_id % 4 === 0) held.delete(key)
    await expectExact()
  })

  it('stay exact when consoles ship overlapping batches at once', async () => {
    const shippers = ['c-3', 'c-4'].map(async (id, n) => {
      for (let round = 0; round < 6; round++) {
        const client = await team.pool.connect()
        try {
          await client.query('BEGIN')
          // Opposite orders on the two consoles, and two statements per transaction.
          const batch = rows(id, 24, round + n)
          await ship(client, n === 0 ? batch : [...batch].reverse())
          await ship(client, batch.slice(0, 8).map((r) => ({ ...r, outcome: 'failed' })))
          await client.query('COMMIT')
          keep(batch)
          keep(batch.slice(0, 8).map((r) => ({ ...r, outcome: 'failed' })))
        } finally {
          client.release()
        }
      }
    })
    await Promise.all(shippers)
    await expectExact()
  })
})
