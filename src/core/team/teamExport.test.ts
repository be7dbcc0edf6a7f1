import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { sampleRecord } from '../../shared/domain/attempt.test-helpers.ts'
import { createAuditTrail } from '../audit/auditTrail.ts'
import { createMemorySecretStore } from '../audit/memorySecretStore.ts'
import type { AuditTrail } from '../audit/types.ts'
import { toExportRecord } from '../export/jsonlExport.ts'
import { unzipAll } from '../export/unzip.test-helpers.ts'
import { openTempDb, type TempDb } from '../history/testFixtures.ts'
import { exportTeamSlice } from './teamExport.ts'
import { openTeamTestDb, shipAttempts, type TeamTestDb, type TestConsole } from './teamHistory.test-helpers.ts'

// A team export is the local export's format over every console's attempts: same writers, same
// guard (phones masked, secrets redacted), records equal to the consoles' own (ids: team ids).

const ADA: TestConsole = { consoleId: 'c-ada', machine: 'desk-ada', operator: 'ada.obi' }
const BOLA: TestConsole = { consoleId: 'c-bola', machine: 'desk-bola', operator: 'bola.ade' }
const T0 = Date.UTC(2026, 10, 2, 9, 0, 0)

const adaRecords = [1, 2, 3].map((id) => sampleRecord({ id, startedAt: T0 + id * 1000, operator: ADA.operator, paymentId: `77${id}`, retryOf: id === 3 ? 2 : null }))
const bolaRecords = [1, 2].map((id) =>
  sampleRecord({
    id,
    startedAt: T0 + id * 1000 + 500,
    operator: BOLA.operator,
    outcome: 'enrolled',
    errors: [],
    phone: '2348059876543',
    // A secret that leaked into a body must not leave in an export either.
    responseBody: id === 2 ? '{"access_token":"eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2ln","phone":"2348059876543"}' : '{}',
    retryOf: null,
  }),
)

let team: TeamTestDb
let dir: string
let temp: TempDb
let audit: AuditTrail

beforeAll(async () => {
  team = await openTeamTestDb()
  await shipAttempts(team.pool, ADA, adaRecords)
  await shipAttempts(team.pool, BOLA, bolaRecords)
  dir = mkdtempSync(join(tmpdir(), 'otp-team-export-'))
  temp = openTempDb()
  audit = createAuditTrail(temp.db, { now: Date.now, operator: 'lead', machine: 'desk-lead', appVersion: '0.1.0', keychain: createMemorySecretStore(), databasePath: temp.path })
  await audit.open()
})

afterAll(async () => {
  await team?.close()
  temp?.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

const options = (format: 'csv' | 'jsonl' | 'bundle', name: string) => ({
  filter: {},
  format,
  outPath: join(dir, name),
  fullPhone: false,
  logDir: join(dir, 'no-logs'),
  appVersion: '0.1.0',
  consoleId: 'c-lead',
})

/** What a local JSON Lines export writes for the record, with the team's id and retry id. */
function expectedLine(record: AttemptRecord, teamIds: Map<string, number>, console: TestConsole): unknown {
  const teamId = (localId: number | null) => (localId === null ? null : (teamIds.get(`${console.consoleId}:${localId}`) ?? null))
  return toExportRecord({ ...record, id: teamId(record.id) as number, retryOf: teamId(record.retryOf) }, false)
}

describe('exportTeamSlice', () => {
  it('writes every console’s records as JSON Lines, each equal to its console’s export of it, newest first', async () => {
    const { rows: idRows } = await team.pool.query<{ id: string; console_id: string; local_id: string }>('SELECT id, console_id, local_id FROM attempts')
    const teamIds = new Map(idRows.map((r) => [`${r.console_id}:${r.local_id}`, Number(r.id)]))
    const result = await exportTeamSlice(team.pool, audit, options('jsonl', 'team.jsonl'))
    expect(result.rows).toBe(5)
    const lines = readFileSync(result.path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as AttemptRecord)
    const expected = [...adaRecords.map((r) => [r, ADA] as const), ...bolaRecords.map((r) => [r, BOLA] as const)]
      .sort(([a], [b]) => b.startedAt - a.startedAt)
      .map(([record, console]) => expectedLine(record, teamIds, console))
    expect(lines).toEqual(expected)
    const text = readFileSync(result.path, 'utf8')
    expect(text).not.toContain('2348059876543')
    expect(text).not.toContain('c2VjcmV0')
  })

  it('writes CSV with the local columns, one row per attempt of the filter', async () => {
    const result = await exportTeamSlice(team.pool, audit, { ...options('csv', 'team.csv'), filter: { operator: BOLA.operator } })
    expect(result.rows).toBe(2)
    const lines = readFileSync(result.path, 'utf8').trimEnd().split(/\r?\n/)
    expect(lines[0]).toMatch(/attempt_id,started_at/)
    expect(lines).toHaveLength(3)
  })

  it('writes a support bundle naming the team scope and its consoles, and audits the export', async () => {
    const result = await exportTeamSlice(team.pool, audit, options('bundle', 'team.zip'))
    const files = await unzipAll(result.path)
    expect((files.get('attempts.jsonl') ?? '').trimEnd().split('\n')).toHaveLength(5)
    const about = JSON.parse(files.get('about.json') ?? '{}') as { scope: string; consoles: { machine: string }[]; rows: number }
    expect(about.scope).toBe('team')
    expect(about.consoles.map((c) => c.machine)).toEqual([ADA.machine, BOLA.machine])
    expect(about.rows).toBe(5)
    const entry = audit.list({ limit: 1 })[0]
    expect(entry).toMatchObject({ action: 'export', details: { scope: 'team', format: 'bundle', rows: 5 } })
  })
})
