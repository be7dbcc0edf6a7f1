import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { GENESIS_HASH, hashEntry } from '../audit/auditHash.ts'
import { createAuditTrail } from '../audit/auditTrail.ts'
import { createMemorySecretStore } from '../audit/memorySecretStore.ts'
import { openTempDb, type TempDb } from '../history/testFixtures.ts'
import { listTeamConsoles, verifyTeamConsole } from './teamAudit.ts'
import { openTeamTestDb, shipAuditRows, type TeamTestDb, type TestConsole } from './teamHistory.test-helpers.ts'

// Each console's chain, shipped as it is, verified from any desk: sequence, links and legacy
// hashes without the key; with the console's trail key in this desk's keychain, every HMAC.
// The team database refuses UPDATE/DELETE of audit rows (teamcore's trigger); a superuser can
// get round it (session_replication_role = replica turns triggers off) — and is then caught.

const ADA: TestConsole = { consoleId: 'c-ada', machine: 'desk-ada', operator: 'ada.obi' }
const LEGACY: TestConsole = { consoleId: 'c-old', machine: 'desk-old', operator: 'old.op' }

let team: TeamTestDb
let local: TempDb
const adaKeychain = createMemorySecretStore()
const elsewhere = createMemorySecretStore()
let shipped = 0

/** Runs `sql` as the superuser with triggers off: what a DBA could do behind the app's back. */
async function asSuperuser(sql: string, values: unknown[]): Promise<void> {
  const client = await team.pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SET LOCAL session_replication_role = replica')
    const result = await client.query(sql, values)
    expect(result.rowCount).toBe(1)
    await client.query('COMMIT')
  } finally {
    client.release()
  }
}

beforeAll(async () => {
  team = await openTeamTestDb()
  local = openTempDb()
  let clock = 1_700_000_000_000
  const trail = createAuditTrail(local.db, { now: () => clock++, operator: ADA.operator, machine: ADA.machine, appVersion: '0.1.0', keychain: adaKeychain, databasePath: local.path })
  await trail.open()
  for (let i = 1; i <= 12; i++) trail.record({ action: 'settings.update', summary: `Change ${i}`, details: { step: i, nested: { b: [1, 2], a: 'x' } } })
  await trail.flush()
  shipped = await shipAuditRows(team.pool, ADA, local.db)
  // A console whose chain predates the keyed trail: SHA-256 entries only, checkable by anyone.
  await team.pool.query(`INSERT INTO consoles (console_id, machine, operator, app_version) VALUES ($1, $2, $3, '0.0.9')`, [LEGACY.consoleId, LEGACY.machine, LEGACY.operator])
  let prevHash = GENESIS_HASH
  for (let seq = 1; seq <= 5; seq++) {
    const fields = { seq, at: 1_600_000_000_000 + seq, operator: LEGACY.operator, machine: LEGACY.machine, appVersion: '0.0.9', action: 'export', summary: `Old ${seq}`, details: '{}', prevHash }
    const hash = hashEntry(fields)
    await team.pool.query(
      `INSERT INTO audit_entries (console_id, seq, at, operator, machine, app_version, action, summary, details, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
      [LEGACY.consoleId, seq, fields.at, fields.operator, fields.machine, fields.appVersion, fields.action, fields.summary, fields.details, prevHash, hash],
    )
    prevHash = hash
  }
})

afterAll(async () => {
  await team?.close()
  local?.cleanup()
})

describe('team audit verification, intact chains', () => {
  it('lists each console with the entries it shipped', async () => {
    const consoles = await listTeamConsoles(team.pool)
    expect(consoles.map((c) => [c.consoleId, c.machine, c.entries, c.lastSeq])).toEqual([
      [ADA.consoleId, ADA.machine, shipped, shipped],
      [LEGACY.consoleId, LEGACY.machine, 5, 5],
    ])
  })

  it('verifies every HMAC on the desk whose keychain holds the trail key (level full)', async () => {
    const result = await verifyTeamConsole(team.pool, ADA.consoleId, adaKeychain)
    expect(result).toMatchObject({ ok: true, level: 'full', total: shipped, verifiedUpTo: shipped, contentUnchecked: 0, brokenAt: null, legacyEntries: 0 })
  })

  it('checks sequence and links only on a desk without the key, and says so', async () => {
    const result = await verifyTeamConsole(team.pool, ADA.consoleId, elsewhere)
    expect(result).toMatchObject({ ok: true, level: 'structure', total: shipped, contentUnchecked: shipped })
    expect(result.levelReason).toMatch(/not in this desk’s keychain/)
  })

  it('checks a legacy chain fully anywhere (SHA-256 needs no key)', async () => {
    const result = await verifyTeamConsole(team.pool, LEGACY.consoleId, elsewhere)
    expect(result).toMatchObject({ ok: true, total: 5, legacyEntries: 5, contentUnchecked: 0 })
  })

  it('reports a console with nothing shipped as an empty, intact chain', async () => {
    const result = await verifyTeamConsole(team.pool, 'c-nobody', elsewhere)
    expect(result).toMatchObject({ ok: true, total: 0, verifiedUpTo: 0 })
  })
})

describe('team audit verification, rows changed by a superuser', () => {
  beforeEach(async () => {
    // Every test starts from the shipped chains: reship after clearing (triggers off).
    const client = await team.pool.connect()
    try {
      await client.query('SET session_replication_role = replica')
      await client.query('DELETE FROM audit_entries WHERE console_id = $1', [ADA.consoleId])
      await client.query('RESET session_replication_role')
    } finally {
      client.release()
    }
    await shipAuditRows(team.pool, ADA, local.db)
  })

  it('the app role cannot update or delete an audit row (the trigger refuses)', async () => {
    await expect(team.pool.query(`UPDATE audit_entries SET summary = 'x' WHERE console_id = $1 AND seq = 3`, [ADA.consoleId])).rejects.toThrow(/append-only/)
    await expect(team.pool.query(`DELETE FROM audit_entries WHERE console_id = $1 AND seq = 3`, [ADA.consoleId])).rejects.toThrow(/append-only/)
  })

  it('an edited summary is reported by its HMAC on the console’s desk', async () => {
    await asSuperuser(`UPDATE audit_entries SET summary = 'Nothing happened' WHERE console_id = $1 AND seq = 5`, [ADA.consoleId])
    const result = await verifyTeamConsole(team.pool, ADA.consoleId, adaKeychain)
    expect(result).toMatchObject({ ok: false, level: 'full', verifiedUpTo: 4, total: shipped, brokenAt: { seq: 5, kind: 'hmac' } })
  })

  it('a deleted row is reported from any desk (a gap)', async () => {
    await asSuperuser(`DELETE FROM audit_entries WHERE console_id = $1 AND seq = 7`, [ADA.consoleId])
    for (const store of [adaKeychain, elsewhere]) {
      const result = await verifyTeamConsole(team.pool, ADA.consoleId, store)
      expect(result).toMatchObject({ ok: false, verifiedUpTo: 6, total: shipped - 1, brokenAt: { seq: 8, kind: 'missing' } })
    }
  })

  it('a rewritten hash is reported from any desk (the next entry no longer links to it)', async () => {
    await asSuperuser(`UPDATE audit_entries SET hash = repeat('a', 64) WHERE console_id = $1 AND seq = 9`, [ADA.consoleId])
    const result = await verifyTeamConsole(team.pool, ADA.consoleId, elsewhere)
    expect(result).toMatchObject({ ok: false, brokenAt: { seq: 10, kind: 'link' } })
    expect((await verifyTeamConsole(team.pool, ADA.consoleId, adaKeychain)).brokenAt).toMatchObject({ seq: 9, kind: 'hmac' })
  })

  it('an edited legacy entry is reported from any desk', async () => {
    await asSuperuser(`UPDATE audit_entries SET summary = 'Old rewritten' WHERE console_id = $1 AND seq = 2`, [LEGACY.consoleId])
    const result = await verifyTeamConsole(team.pool, LEGACY.consoleId, elsewhere)
    expect(result).toMatchObject({ ok: false, verifiedUpTo: 1, brokenAt: { seq: 2, kind: 'edited' } })
  })
})
