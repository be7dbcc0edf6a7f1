import pg from 'pg'
import type { HistoryFilter } from '../src/shared/domain/historyFilter.ts'
import { createTeamHistory } from '../src/core/team/teamHistory.ts'
import { teamPrecheck } from '../src/core/team/teamPrecheck.ts'
import { migrateTeamSchema } from '../src/core/team/teamMigrate.ts'
import { startPgCluster, type PgCluster } from '../src/core/team/testing/pgCluster.ts'
import { generateAttempts, OPERATORS, seededRandom } from './attemptGenerator.ts'
import { percentile } from './stats.ts'

// Team history with 1,000,000 attempts in PostgreSQL (issue 14): the local history bench's
// query set (bench/history.ts) on the team scope, p50/p95 per query. Targets (read from the
// output): every query p95 ≤ 50 ms, first page ≤ 20 ms. Called by bench/team.ts (part `team`).
// The attempts are the local bench's generator's (same mix of outcomes, codes, operators,
// environments, phones, references), spread over 10 consoles, loaded with multi-row INSERTs
// from arrays; the schema's indexes are built after the load (as a restore does), then ANALYZE.

type Print = (name: string, value: number, unit: string) => void

const DEFAULT_ROWS = 1_000_000
const CONSOLES = 10
const BATCH = 10_000
const RUNS = 60
const DAY_MS = 86_400_000
const PAGE = 100

export interface TeamHistoryBenchOptions {
  /**
   * A database to use (it is migrated first); default BENCH_TEAM_PG_URL, else a throwaway
   * cluster of its own. A database that already holds the bench's rows (same count, left by
   * an earlier run) is not filled again: the fill takes minutes, the queries seconds.
   */
  databaseUrl?: string
  /** Attempts to load; default BENCH_TEAM_ROWS or 1,000,000. */
  rows?: number
}

export async function measureTeamHistory(print: Print, options: TeamHistoryBenchOptions = {}): Promise<void> {
  const rows = options.rows ?? Number(process.env.BENCH_TEAM_ROWS ?? DEFAULT_ROWS)
  let cluster: PgCluster | undefined
  let url = options.databaseUrl ?? (process.env.BENCH_TEAM_PG_URL || undefined)
  if (url === undefined) {
    cluster = await startPgCluster()
    url = cluster.url(await cluster.createDatabase('teambench'))
  }
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  try {
    const migrateStart = performance.now()
    await migrateTeamSchema(pool)
    const migrated = performance.now() - migrateStart
    const filled = await filledWith(pool)
    let now: number
    if (filled === null) {
      now = Date.now()
      const fillStart = performance.now()
      await fill(pool, rows, now, print)
      print('team.history.fill', (performance.now() - fillStart) / 1000, 's')
    } else {
      if (filled.rows !== rows) throw new Error(`bench team: the database holds ${filled.rows} attempts, not ${rows}: use an empty database or BENCH_TEAM_ROWS=${filled.rows}.`)
      // The generator's times end at the fill's "now": the date filters are relative to it.
      now = filled.now
      print('team.history.migrate_existing', migrated / 1000, 's')
    }
    const { rows: size } = await pool.query<{ bytes: string }>(`SELECT pg_total_relation_size('attempts') AS bytes`)
    print('team.history.table_size', Number(size[0]?.bytes) / 1e6, 'MB')
    await measureQueries(pool, rows, now, print)
  } finally {
    await pool.end()
    cluster?.destroy()
  }
}

/**
 * What an earlier run filled the database with (its table bench_fill, written once the fill and
 * its indexes were done); null when it holds no attempts. A half-done fill is an error.
 */
async function filledWith(pool: pg.Pool): Promise<{ rows: number; now: number } | null> {
  const { rows: any } = await pool.query(`SELECT 1 FROM attempts LIMIT 1`)
  if (any.length === 0) return null
  const { rows: mark } = await pool.query<{ t: string | null }>(`SELECT to_regclass('bench_fill')::text AS t`)
  if (mark[0]?.t == null) throw new Error('bench team: the database holds attempts but no bench_fill mark (an interrupted fill?): use an empty database.')
  const { rows } = await pool.query<{ rows: string; now: string }>(`SELECT rows, now FROM bench_fill`)
  return { rows: Number(rows[0]?.rows), now: Number(rows[0]?.now) }
}

/** The columns loaded, in order, with their array types (unnest turns the arrays into rows). */
const COLUMNS: [string, string][] = [
  ['console_id', 'text'], ['local_id', 'bigint'], ['started_at', 'bigint'], ['finished_at', 'bigint'], ['environment', 'text'],
  ['base_url', 'text'], ['channel', 'text'], ['operator', 'text'], ['machine', 'text'], ['app_version', 'text'], ['client_id', 'text'],
  ['payment_id', 'text'], ['phone', 'text'], ['transaction_ref', 'text'], ['signature_method', 'text'], ['request_url', 'text'],
  ['request_headers', 'json'], ['request_body', 'text'], ['http_status', 'integer'], ['response_headers', 'json'], ['response_body', 'text'],
  ['outcome', 'text'], ['errors', 'json'], ['failure_reason', 'text'], ['token_ms', 'integer'], ['request_ms', 'integer'],
  ['duration_ms', 'integer'], ['clock_offset_ms', 'integer'], ['retry_of', 'bigint'],
]

const INSERT = `INSERT INTO attempts (${COLUMNS.map(([c]) => c).join(', ')}, error_codes)
  SELECT x.*, ARRAY(SELECT DISTINCT e->>'code' FROM json_array_elements(x.errors) e WHERE e->>'code' IS NOT NULL)
  FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS x(${COLUMNS.map(([c]) => c).join(', ')})`

async function fill(pool: pg.Pool, rows: number, now: number, print: Print): Promise<void> {
  const loadStart = performance.now()
  for (let c = 0; c < CONSOLES; c++) {
    await pool.query(`INSERT INTO consoles (console_id, machine, operator, app_version) VALUES ($1, $2, $3, '0.1.0')`, [consoleId(c), `desk-${c}`, OPERATORS[c] as string])
  }
  // Indexes are built once the rows are in (minutes faster than maintaining 8 of them per row).
  const { rows: indexes } = await pool.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'attempts' AND indexname NOT IN ('attempts_pkey', 'attempts_id')`,
  )
  for (const index of indexes) await pool.query(`DROP INDEX ${index.name}`)
  let columns: unknown[][] = COLUMNS.map(() => [])
  let i = 0
  for (const g of generateAttempts(rows, now)) {
    const c = i % CONSOLES
    const done = g.completion
    const a = g.attempt
    const values = [
      consoleId(c), i + 1, a.startedAt, done?.finishedAt ?? null, a.environment, a.baseUrl, a.channel, a.operator, `desk-${c}`, a.appVersion,
      a.clientId, a.paymentId, a.phone, a.transactionRef, a.signatureMethod, a.requestUrl, JSON.stringify(g.sentHeaders), a.requestBody,
      done?.httpStatus ?? null, done?.responseHeaders ? JSON.stringify(done.responseHeaders) : null, done?.responseBody ?? null,
      done?.outcome ?? 'unknown', JSON.stringify(done?.errors ?? []), done?.failureReason ?? null, done?.tokenMs ?? null, done?.requestMs ?? null,
      done?.durationMs ?? null, done?.clockOffsetMs ?? null, a.retryOf,
    ]
    for (let k = 0; k < values.length; k++) (columns[k] as unknown[]).push(values[k])
    if (++i % BATCH === 0) {
      await pool.query(INSERT, columns)
      columns = COLUMNS.map(() => [])
    }
  }
  if ((columns[0] as unknown[]).length > 0) await pool.query(INSERT, columns)
  print('team.history.fill_rows', (performance.now() - loadStart) / 1000, 's')
  const client = await pool.connect()
  try {
    await client.query(`SET maintenance_work_mem = '256MB'`)
    for (const index of indexes) await client.query(index.def)
    await client.query('VACUUM ANALYZE attempts')
    await client.query(`CREATE TABLE bench_fill AS SELECT ${Number(rows)}::bigint AS rows, ${Number(now)}::bigint AS now`)
  } finally {
    client.release()
  }
}

const consoleId = (c: number) => `console-${String(c).padStart(2, '0')}`

async function timeRuns(runs: number, work: (run: number) => Promise<unknown>, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await work(i)
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await work(i)
    samples.push(performance.now() - start)
  }
  return samples
}

async function measureQueries(pool: pg.Pool, rows: number, now: number, print: Print): Promise<void> {
  const history = createTeamHistory(pool)
  // Real values to search for, picked from the stored rows.
  const random = seededRandom(7)
  const samples: { paymentId: string; phone: string; transactionRef: string }[] = []
  while (samples.length < RUNS) {
    const row = await history.get(1 + Math.floor(random() * rows))
    if (row) samples.push(row)
  }
  const sample = (i: number) => samples[i % samples.length] as (typeof samples)[number]
  const operator = (i: number) => OPERATORS[i % 8] as string

  const measure = async (name: string, work: (i: number) => Promise<unknown>) => {
    const times = await timeRuns(RUNS, work)
    print(`team.history.${name}.p50`, percentile(times, 50), 'ms')
    print(`team.history.${name}.p95`, percentile(times, 95), 'ms')
  }
  const firstPage = (filter: (i: number) => HistoryFilter) => (i: number) => history.page({ filter: filter(i), limit: PAGE })
  await measure('first_page', firstPage(() => ({})))
  let cursor: string | null = (await history.page({ filter: {}, limit: PAGE })).nextCursor
  await measure('next_page', async () => {
    const page = await history.page({ filter: {}, cursor: cursor ?? undefined, limit: PAGE })
    cursor = page.nextCursor
  })
  await measure('filter_outcome_rejected', firstPage(() => ({ outcome: ['rejected'] })))
  await measure('filter_outcome_failed_unknown', firstPage(() => ({ outcome: ['failed', 'unknown'] })))
  await measure('filter_code_10403', firstPage(() => ({ code: '10403' })))
  await measure('filter_code_E26', firstPage(() => ({ code: 'E26' })))
  await measure('filter_environment_production', firstPage(() => ({ environment: ['production'] })))
  await measure('filter_environment_custom', firstPage(() => ({ environment: ['custom'] })))
  await measure('filter_operator', firstPage((i) => ({ operator: operator(i) })))
  await measure('filter_operator_rare', firstPage(() => ({ operator: OPERATORS.at(-1) as string })))
  await measure('filter_last_7_days', firstPage(() => ({ from: now - 7 * DAY_MS, to: now })))
  await measure('search_payment_prefix', firstPage((i) => ({ search: sample(i).paymentId.slice(0, 5) })))
  await measure('search_payment_full', firstPage((i) => ({ search: sample(i).paymentId })))
  await measure('search_phone_local', firstPage((i) => ({ search: `0${sample(i).phone.slice(3, 6)} ${sample(i).phone.slice(6, 9)}` })))
  await measure('search_phone_trailing', firstPage((i) => ({ search: sample(i).phone.slice(-4) })))
  await measure('search_reference', firstPage((i) => ({ search: sample(i).transactionRef })))
  await measure('search_short', firstPage((i) => ({ search: String((i % 90) + 10) })))
  await measure('combined', firstPage((i) => ({ outcome: ['rejected'], code: '10403', environment: ['production', 'training'], operator: operator(i), from: now - 90 * DAY_MS })))
  await measure('combined_rare', firstPage((i) => ({ outcome: ['unknown'], environment: ['sandbox'], operator: operator(i), from: now - 30 * DAY_MS })))
  await measure('combined_search', firstPage((i) => ({ search: '0803', outcome: ['enrolled'], environment: ['production'], operator: operator(i) })))
  await measure('sort_latency_first_page', firstPage(() => ({ sort: 'latency-desc' })))
  await measure('sort_latency_filtered', firstPage((i) => ({ sort: 'latency-desc', operator: operator(i), outcome: ['enrolled'] })))
  await measure('precheck', (i) => teamPrecheck(pool, { paymentId: sample(i).paymentId, ownConsoleId: consoleId(0) }))
  await measure('detail', (i) => history.detail(1 + ((i * 7919) % rows)))
  // count(filter) gives the History view its total and exports their progress.
  await measure('count_unfiltered', () => history.count({}))
  await measure('count_outcome_enrolled', () => history.count({ outcome: ['enrolled'] }))
  await measure('count_operator', (i) => history.count({ operator: operator(i) }))
  await measure('count_combined', (i) => history.count({ outcome: ['rejected', 'failed'], environment: ['production'], operator: operator(i), from: now - 30 * DAY_MS - i * 3_600_000 }))
  await measure('count_code_10403', () => history.count({ code: '10403', environment: ['production', 'training'] }))
  await measure('count_search_phone_local', (i) => history.count({ search: `0${sample(i).phone.slice(3, 6)} ${sample(i).phone.slice(6, 9)}` }))
}
