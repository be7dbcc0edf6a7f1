import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../storage/openDatabase.ts'
import { createOsSecretStore, KeychainUnavailableError } from '../credentials/secretStore.ts'
import { canonicalJson, GENESIS_HASH, hashEntry } from './auditHash.ts'
import { createAuditTrail } from './auditTrail.ts'
import { createMemorySecretStore } from './memorySecretStore.ts'
import { AuditUnavailableError, type AuditTrail } from './types.ts'

// The trail's table behaviour and chain checks, with its key and head in an in-memory keychain
// (the anchor against the real OS keychain is in auditAnchor.test.ts). Entry #1 is always the
// `audit.keyed` entry that starts the keyed chain, so the entries recorded here start at #2.

let dir: string
let path: string
let db: DatabaseSync
let trail: AuditTrail
let clock: number
let keychain: ReturnType<typeof createMemorySecretStore>

const options = (operator = 'ada', databasePath = path) => ({ now: () => clock++, operator, machine: 'desk-07', appVersion: '0.1.0', keychain, databasePath })

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otp-audit-test-'))
  path = join(dir, 'history.sqlite')
  db = openDatabase(path)
  clock = 1_700_000_000_000
  keychain = createMemorySecretStore()
  trail = createAuditTrail(db, options())
  await trail.open()
})
afterEach(() => {
  if (db.isOpen) db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Entries #2–#6 (after the anchor, #1). */
function recordFive() {
  for (let i = 1; i <= 5; i++) trail.record({ action: 'settings.update', summary: `Change ${i}`, details: { step: i, nested: { b: [1, 2], a: 'x' } } })
}

/** A second, raw connection on the real file: what someone editing the file would do. */
function tamper(sql: string, file = path) {
  const raw = new DatabaseSync(file)
  raw.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;')
  raw.exec(sql)
  raw.close()
}

describe('record', () => {
  it('appends entries with consecutive seq, each linked to the hash of the one before', () => {
    const first = trail.record({ action: 'credentials.set', summary: 'Stored sandbox credentials', details: { environment: 'sandbox' } })
    const second = trail.record({ action: 'environment.switch', summary: 'Switched to Production' })
    const anchor = trail.list({ beforeSeq: 2, limit: 1 })[0]
    expect(anchor).toMatchObject({ seq: 1, action: 'audit.keyed', details: { legacyEntries: 0 } })
    expect(first).toMatchObject({ seq: 2, at: 1_700_000_000_001, operator: 'ada', machine: 'desk-07', appVersion: '0.1.0', prevHash: anchor?.hash })
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(second).toMatchObject({ seq: 3, prevHash: first.hash, details: {} })
    expect(second.hash).not.toBe(first.hash)
  })

  it('stores details canonically: key order does not change the text or the hash', () => {
    const a = trail.record({ action: 'export', summary: 's', details: { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, 10: 'x', 9: 'y' } })
    expect(db.prepare('SELECT details FROM audit WHERE seq = 2').get()).toEqual({ details: '{"10":"x","9":"y","a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}' })
    expect(canonicalJson({ a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1, 9: 'y', 10: 'x' })).toBe(canonicalJson(a.details))
  })

  it('keeps one linear chain when two connections (console and CLI) append to the same file', async () => {
    const cliDb = openDatabase(path)
    const cli = createAuditTrail(cliDb, options('cli-user'))
    await cli.open()
    for (let i = 0; i < 20; i++) (i % 3 ? trail : cli).record({ action: 'export', summary: `#${i}` })
    await Promise.all([trail.flush(), cli.flush()])
    cliDb.close()
    const entries = trail.list({ limit: 100 }).reverse().slice(1)
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2))
    expect(entries.map((e) => e.summary)).toEqual(Array.from({ length: 20 }, (_, i) => `#${i}`))
    expect(await trail.verify()).toMatchObject({ ok: true, total: 21, verifiedUpTo: 21, brokenAt: null, head: { seq: 21 } })
  })

  it('keeps every append and one linear chain when two processes append at the same time (real keychain)', async () => {
    // The processes share the trail's key and head through the OS keychain, as the console and the CLI do.
    const service = `otp-console-audit-test-${process.pid}-${Date.now()}`
    db.close()
    rmSync(path)
    db = openDatabase(path)
    trail = createAuditTrail(db, { ...options(), keychain: createOsSecretStore(service) })
    await trail.open()
    const script = join(dir, 'append.ts')
    const url = (relative: string) => pathToFileURL(fileURLToPath(new URL(relative, import.meta.url))).href
    writeFileSync(
      script,
      `import { openDatabase } from '${url('../storage/openDatabase.ts')}'
       import { createAuditTrail } from '${url('./auditTrail.ts')}'
       import { createOsSecretStore } from '${url('../credentials/secretStore.ts')}'
       const db = openDatabase(process.argv[2])
       const trail = createAuditTrail(db, { now: Date.now, operator: process.argv[3], machine: 'm', appVersion: 'v', keychain: createOsSecretStore(process.argv[4]), databasePath: process.argv[2] })
       await trail.open()
       for (let i = 0; i < 150; i++) trail.record({ action: 'export', summary: process.argv[3] + ' ' + i })
       await trail.flush()
       db.close()`,
    )
    const run = (who: string) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', script, path, who, service], { stdio: 'inherit' })
        child.on('exit', (code) => resolve(code ?? -1))
      })
    expect(await Promise.all([run('console'), run('cli')])).toEqual([0, 0])
    expect(await trail.verify()).toMatchObject({ ok: true, total: 301, verifiedUpTo: 301, brokenAt: null, head: { seq: 301 } })
  })

  it('is refused by the table when the app tries to change or delete an entry', () => {
    recordFive()
    expect(() => db.exec("UPDATE audit SET summary = 'x' WHERE seq = 3")).toThrow(/append-only/)
    expect(() => db.exec('DELETE FROM audit WHERE seq = 3')).toThrow(/append-only/)
  })
})

describe('list', () => {
  it('lists newest first, a page at a time', () => {
    recordFive()
    expect(trail.list({ limit: 2 }).map((e) => e.seq)).toEqual([6, 5])
    expect(trail.list({ beforeSeq: 5, limit: 2 }).map((e) => e.seq)).toEqual([4, 3])
    expect(trail.list({ beforeSeq: 3, limit: 5 }).map((e) => e.seq)).toEqual([2, 1])
    expect(trail.list({ limit: 1 })[0]?.details).toEqual({ step: 5, nested: { a: 'x', b: [1, 2] } })
  })
})

describe('verify', () => {
  it('reports an untouched chain as intact, checked against the head', async () => {
    recordFive()
    await trail.flush()
    expect(await trail.verify()).toMatchObject({ ok: true, total: 6, verifiedUpTo: 6, brokenAt: null, legacyEntries: 0, head: { seq: 6, keyedFrom: 1 } })
  })

  it('reports a new trail (its first entry only) as intact', async () => {
    expect(await trail.verify()).toMatchObject({ ok: true, total: 1, verifiedUpTo: 1, brokenAt: null, head: { seq: 1 } })
  })

  it('accepts a head that lags behind the file when the entries after it verify', async () => {
    recordFive()
    await trail.flush()
    // The keychain refuses the head write (as after a crash right after the row): the head lags.
    const set = keychain.set
    keychain.set = async () => {
      throw new Error('keychain locked')
    }
    trail.record({ action: 'export', summary: 'head not written' })
    await trail.flush()
    keychain.set = set
    expect(await trail.verify()).toMatchObject({ ok: true, total: 7, verifiedUpTo: 7, head: { seq: 6 } })
  })

  it('names an entry recorded inside a caller\'s transaction in the head once committed, never one rolled back', async () => {
    recordFive()
    await trail.flush()
    db.exec('BEGIN IMMEDIATE')
    trail.record({ action: 'export', summary: 'in a batch, rolled back' })
    db.exec('ROLLBACK')
    await trail.flush()
    expect(await trail.verify()).toMatchObject({ ok: true, total: 6, head: { seq: 6 } })

    db.exec('BEGIN IMMEDIATE')
    const committed = trail.record({ action: 'export', summary: 'in a batch, committed' })
    db.exec('COMMIT')
    await trail.flush()
    expect(await trail.verify()).toMatchObject({ ok: true, total: 7, verifiedUpTo: 7, head: { seq: committed.seq, hash: committed.hash } })
  })

  it.each([
    ['summary', "UPDATE audit SET summary = 'Nothing happened' WHERE seq = 4"],
    ['details', `UPDATE audit SET details = '{"nested":{"a":"x","b":[1,2]},"step":33}' WHERE seq = 4`],
    ['time', 'UPDATE audit SET at = at + 1 WHERE seq = 4'],
    ['operator', "UPDATE audit SET operator = 'someone' WHERE seq = 4"],
  ])('pinpoints an entry whose %s was edited in the file', async (_field, sql) => {
    recordFive()
    tamper(sql)
    const result = await trail.verify()
    expect(result).toMatchObject({ ok: false, total: 6, verifiedUpTo: 3, brokenAt: { seq: 4, kind: 'hmac', reason: 'Entry #4 does not match its HMAC: it was edited, or written without the audit key.' } })
  })

  it('pinpoints a deleted entry at the one after the gap', async () => {
    recordFive()
    tamper('DELETE FROM audit WHERE seq = 4')
    const result = await trail.verify()
    expect(result).toMatchObject({ ok: false, total: 5, verifiedUpTo: 3, brokenAt: { seq: 5, kind: 'missing' } })
    expect(result.brokenAt?.reason).toMatch(/#4 is missing/)
  })

  it('pinpoints a deleted first entry', async () => {
    recordFive()
    tamper('DELETE FROM audit WHERE seq = 1')
    expect(await trail.verify()).toMatchObject({ ok: false, verifiedUpTo: 0, brokenAt: { seq: 2, kind: 'missing' } })
  })

  it('pinpoints two entries whose seq values were swapped', async () => {
    recordFive()
    tamper('UPDATE audit SET seq = -4 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = -4;')
    expect(await trail.verify()).toMatchObject({ ok: false, total: 6, verifiedUpTo: 3, brokenAt: { seq: 4, kind: 'link' } })
  })

  it('pinpoints two entries whose contents were swapped', async () => {
    recordFive()
    const columns = ['at', 'operator', 'machine', 'app_version', 'action', 'summary', 'details', 'prev_hash', 'hash']
    const swap = columns.map((c) => `${c} = (SELECT ${c} FROM audit AS o WHERE o.seq = 9 - audit.seq)`).join(', ')
    tamper(`UPDATE audit SET ${swap} WHERE seq IN (4, 5)`)
    expect(await trail.verify()).toMatchObject({ ok: false, total: 6, verifiedUpTo: 3, brokenAt: { seq: 4, kind: 'link' } })
  })

  it('catches an entry edited and re-hashed without the key (plain SHA-256)', async () => {
    recordFive()
    const row = readRow(4)
    const forged = hashEntry({ ...row, summary: 'Nothing happened' })
    tamper(`UPDATE audit SET summary = 'Nothing happened', hash = '${forged}' WHERE seq = 4`)
    expect(await trail.verify()).toMatchObject({ ok: false, verifiedUpTo: 3, brokenAt: { seq: 4, kind: 'hmac' } })
  })

  it('reports the first break when there are several', async () => {
    recordFive()
    tamper("UPDATE audit SET summary = 'x' WHERE seq IN (3, 5)")
    expect(await trail.verify()).toMatchObject({ ok: false, verifiedUpTo: 2, brokenAt: { seq: 3 } })
  })
})

describe('a trail written before the keyed chain (SHA-256 only)', () => {
  let legacyDb: DatabaseSync
  let legacyPath: string
  beforeEach(() => {
    legacyPath = join(dir, 'legacy.sqlite')
    legacyDb = openDatabase(legacyPath)
    writeLegacy(legacyDb, 3)
  })
  afterEach(() => {
    if (legacyDb.isOpen) legacyDb.close()
  })

  async function openLegacy() {
    const legacy = createAuditTrail(legacyDb, options('ada', legacyPath))
    await legacy.open()
    return legacy
  }

  it('keeps its entries, verified as legacy, and starts the keyed chain after them', async () => {
    const legacy = await openLegacy()
    legacy.record({ action: 'export', summary: 'first keyed' })
    await legacy.flush()
    const anchor = legacy.list({ beforeSeq: 5, limit: 1 })[0]
    expect(anchor).toMatchObject({ seq: 4, action: 'audit.keyed', details: { legacyEntries: 3 }, prevHash: readRow(3, legacyPath).hash })
    expect(await legacy.verify()).toMatchObject({ ok: true, total: 5, verifiedUpTo: 5, legacyEntries: 3, head: { seq: 5, keyedFrom: 4 } })
  })

  it('reports an edited legacy entry as edited', async () => {
    const legacy = await openLegacy()
    tamper("UPDATE audit SET summary = 'x' WHERE seq = 2", legacyPath)
    expect(await legacy.verify()).toMatchObject({ ok: false, verifiedUpTo: 1, brokenAt: { seq: 2, kind: 'edited' } })
  })

  it('anchors the legacy entries: rewriting them with fresh SHA-256 hashes breaks the first keyed entry', async () => {
    const legacy = await openLegacy()
    legacyDb.close()
    const raw = new DatabaseSync(legacyPath)
    raw.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq <= 3')
    raw.close()
    legacyDb = openDatabase(legacyPath)
    writeLegacy(legacyDb, 3, 'rewritten')
    const reopened = createAuditTrail(legacyDb, options('ada', legacyPath))
    expect(await reopened.verify()).toMatchObject({ ok: false, verifiedUpTo: 3, legacyEntries: 3, brokenAt: { seq: 4, kind: 'link' } })
    legacy.close()
  })
})

describe('the data folder remembered in the keychain', () => {
  it('starts a new trail in an emptied database, saying in its first entry which trail was there', async () => {
    recordFive()
    await trail.flush()
    const before = trail.list({ beforeSeq: 2, limit: 1 })[0]?.details as { trail: string }
    db.close()
    rmSync(path)
    db = openDatabase(path)
    trail = createAuditTrail(db, options())
    await trail.open()
    expect(trail.unavailable()).toBeNull()
    const anchor = trail.list({ limit: 1 })[0]
    expect(anchor).toMatchObject({ seq: 1, action: 'audit.keyed', details: { replaces: { trail: before.trail, headSeq: 6 } } })
    expect(anchor?.summary).toMatch(/NEW database/)
  })

  it('refuses to seal entries onto a file that holds another trail than the one the keychain knows', async () => {
    recordFive()
    tamper("DELETE FROM audit WHERE action = 'audit.keyed'")
    const reopened = createAuditTrail(db, options())
    await reopened.open()
    expect(reopened.unavailable()).toMatch(/not the one the OS keychain holds for this data folder/)
  })
})

describe('no keychain', () => {
  it('refuses to record, with the reason, and never writes an unkeyed entry', async () => {
    const down = { get: () => Promise.reject(new KeychainUnavailableError('No usable OS keychain (test).')), set: () => Promise.reject(new KeychainUnavailableError('x')), delete: () => Promise.reject(new KeychainUnavailableError('x')) }
    const otherPath = join(dir, 'nokeychain.sqlite')
    const otherDb = openDatabase(otherPath)
    const cut = createAuditTrail(otherDb, { ...options('ada', otherPath), keychain: down })
    await cut.open()
    expect(cut.unavailable()).toMatch(/OS keychain/)
    expect(() => cut.record({ action: 'export', summary: 'x' })).toThrow(AuditUnavailableError)
    await expect(cut.verify()).rejects.toThrow(KeychainUnavailableError)
    expect(otherDb.prepare('SELECT count(*) AS n FROM audit').get()).toEqual({ n: 0 })
    otherDb.close()
  })
})

describe('close', () => {
  it('refuses to work once closed, leaving the shared connection open', async () => {
    trail.close()
    expect(() => trail.record({ action: 'export', summary: 'x' })).toThrow(/closed/)
    await expect(trail.verify()).rejects.toThrow(/closed/)
    expect(db.isOpen).toBe(true)
  })
})

/** A row as hashed, read on a connection of its own. */
function readRow(seq: number, file = path) {
  const raw = new DatabaseSync(file, { readOnly: true })
  const row = raw.prepare('SELECT * FROM audit WHERE seq = ?').get(seq) as Record<string, string | number>
  raw.close()
  return {
    seq,
    at: row.at as number,
    operator: row.operator as string,
    machine: row.machine as string,
    appVersion: row.app_version as string,
    action: row.action as string,
    summary: row.summary as string,
    details: row.details as string,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  }
}

/** Entries as versions before the keyed chain wrote them: SHA-256 chained from the genesis hash. */
function writeLegacy(target: DatabaseSync, count: number, summary = 'legacy') {
  let prevHash = GENESIS_HASH
  for (let seq = 1; seq <= count; seq++) {
    const fields = { seq, at: clock++, operator: 'old', machine: 'm', appVersion: '0.0.9', action: 'export', summary: `${summary} ${seq}`, details: '{}', prevHash }
    const hash = hashEntry(fields)
    target.prepare('INSERT INTO audit (seq, at, operator, machine, app_version, action, summary, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(seq, fields.at, fields.operator, fields.machine, fields.appVersion, fields.action, fields.summary, fields.details, prevHash, hash)
    prevHash = hash
  }
}
