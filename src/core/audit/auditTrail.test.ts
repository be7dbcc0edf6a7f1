import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../storage/openDatabase.ts'
import { canonicalJson, GENESIS_HASH, hashEntry } from './auditHash.ts'
import { createAuditTrail } from './auditTrail.ts'
import type { AuditTrail } from './types.ts'

let dir: string
let path: string
let db: DatabaseSync
let trail: AuditTrail
let clock: number

const options = (operator = 'ada') => ({ now: () => clock++, operator, machine: 'desk-07', appVersion: '0.1.0' })

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'otp-audit-test-'))
  path = join(dir, 'history.sqlite')
  db = openDatabase(path)
  clock = 1_700_000_000_000
  trail = createAuditTrail(db, options())
})
afterEach(() => {
  if (db.isOpen) db.close()
  rmSync(dir, { recursive: true, force: true })
})

function recordFive() {
  for (let i = 1; i <= 5; i++) trail.record({ action: 'settings.update', summary: `Change ${i}`, details: { step: i, nested: { b: [1, 2], a: 'x' } } })
}

/** A second, raw connection on the real file: what someone editing the file would do. */
function tamper(sql: string) {
  const raw = new DatabaseSync(path)
  raw.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;')
  raw.exec(sql)
  raw.close()
}

describe('record', () => {
  it('appends entries with consecutive seq, each linked to the hash of the one before', () => {
    const first = trail.record({ action: 'credentials.set', summary: 'Stored sandbox credentials', details: { environment: 'sandbox' } })
    const second = trail.record({ action: 'environment.switch', summary: 'Switched to Production' })
    expect(first).toMatchObject({ seq: 1, at: 1_700_000_000_000, operator: 'ada', machine: 'desk-07', appVersion: '0.1.0', prevHash: GENESIS_HASH })
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, details: {} })
    expect(second.hash).not.toBe(first.hash)
  })

  it('stores details canonically: key order does not change the text or the hash', () => {
    const a = trail.record({ action: 'export', summary: 's', details: { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, 10: 'x', 9: 'y' } })
    expect(db.prepare('SELECT details FROM audit WHERE seq = 1').get()).toEqual({ details: '{"10":"x","9":"y","a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}' })
    expect(canonicalJson({ a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1, 9: 'y', 10: 'x' })).toBe(canonicalJson(a.details))
  })

  it('keeps one linear chain when two connections (console and CLI) append to the same file', () => {
    const cliDb = openDatabase(path)
    const cli = createAuditTrail(cliDb, options('cli-user'))
    for (let i = 0; i < 20; i++) (i % 3 ? trail : cli).record({ action: 'export', summary: `#${i}` })
    cliDb.close()
    const entries = trail.list({ limit: 100 }).reverse()
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(entries.map((e) => e.summary)).toEqual(Array.from({ length: 20 }, (_, i) => `#${i}`))
    expect(trail.verify()).toEqual({ ok: true, total: 20, verifiedUpTo: 20, brokenAt: null })
  })

  it('keeps every append and one linear chain when two processes append at the same time', async () => {
    const script = join(dir, 'append.ts')
    const url = (relative: string) => pathToFileURL(fileURLToPath(new URL(relative, import.meta.url))).href
    writeFileSync(
      script,
      `import { openDatabase } from '${url('../storage/openDatabase.ts')}'
       import { createAuditTrail } from '${url('./auditTrail.ts')}'
       const db = openDatabase(process.argv[2])
       const trail = createAuditTrail(db, { now: Date.now, operator: process.argv[3], machine: 'm', appVersion: 'v' })
       for (let i = 0; i < 150; i++) trail.record({ action: 'export', summary: process.argv[3] + ' ' + i })
       db.close()`,
    )
    const run = (who: string) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', script, path, who], { stdio: 'inherit' })
        child.on('exit', (code) => resolve(code ?? -1))
      })
    expect(await Promise.all([run('console'), run('cli')])).toEqual([0, 0])
    expect(trail.verify()).toEqual({ ok: true, total: 300, verifiedUpTo: 300, brokenAt: null })
  })

  it('is refused by the table when the app tries to change or delete an entry', () => {
    recordFive()
    expect(() => db.exec("UPDATE audit SET summary = 'x' WHERE seq = 2")).toThrow(/append-only/)
    expect(() => db.exec('DELETE FROM audit WHERE seq = 2')).toThrow(/append-only/)
  })
})

describe('list', () => {
  it('lists newest first, a page at a time', () => {
    recordFive()
    expect(trail.list({ limit: 2 }).map((e) => e.seq)).toEqual([5, 4])
    expect(trail.list({ beforeSeq: 4, limit: 2 }).map((e) => e.seq)).toEqual([3, 2])
    expect(trail.list({ beforeSeq: 2, limit: 5 }).map((e) => e.seq)).toEqual([1])
    expect(trail.list({ limit: 1 })[0]?.details).toEqual({ step: 5, nested: { a: 'x', b: [1, 2] } })
  })
})

describe('verify', () => {
  it('reports an untouched chain as intact', () => {
    recordFive()
    expect(trail.verify()).toEqual({ ok: true, total: 5, verifiedUpTo: 5, brokenAt: null })
  })

  it('reports an empty trail as intact', () => {
    expect(trail.verify()).toEqual({ ok: true, total: 0, verifiedUpTo: 0, brokenAt: null })
  })

  it.each([
    ['summary', "UPDATE audit SET summary = 'Nothing happened' WHERE seq = 3"],
    ['details', `UPDATE audit SET details = '{"nested":{"a":"x","b":[1,2]},"step":33}' WHERE seq = 3`],
    ['time', 'UPDATE audit SET at = at + 1 WHERE seq = 3'],
    ['operator', "UPDATE audit SET operator = 'someone' WHERE seq = 3"],
  ])('pinpoints an entry whose %s was edited in the file', (_field, sql) => {
    recordFive()
    tamper(sql)
    const result = trail.verify()
    expect(result).toMatchObject({ ok: false, total: 5, verifiedUpTo: 2, brokenAt: { seq: 3 } })
    expect(result.brokenAt?.reason).toMatch(/edited/)
  })

  it('pinpoints a deleted entry at the one after the gap', () => {
    recordFive()
    tamper('DELETE FROM audit WHERE seq = 3')
    const result = trail.verify()
    expect(result).toMatchObject({ ok: false, total: 4, verifiedUpTo: 2, brokenAt: { seq: 4 } })
    expect(result.brokenAt?.reason).toMatch(/#3 is missing/)
  })

  it('pinpoints a deleted first entry', () => {
    recordFive()
    tamper('DELETE FROM audit WHERE seq = 1')
    expect(trail.verify()).toMatchObject({ ok: false, verifiedUpTo: 0, brokenAt: { seq: 2 } })
  })

  it('pinpoints two entries whose seq values were swapped', () => {
    recordFive()
    tamper('UPDATE audit SET seq = -3 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = -3;')
    expect(trail.verify()).toMatchObject({ ok: false, total: 5, verifiedUpTo: 2, brokenAt: { seq: 3 } })
  })

  it('pinpoints two entries whose contents were swapped', () => {
    recordFive()
    const columns = ['at', 'operator', 'machine', 'app_version', 'action', 'summary', 'details', 'prev_hash', 'hash']
    const swap = columns.map((c) => `${c} = (SELECT ${c} FROM audit AS o WHERE o.seq = 7 - audit.seq)`).join(', ')
    tamper(`UPDATE audit SET ${swap} WHERE seq IN (3, 4)`)
    expect(trail.verify()).toMatchObject({ ok: false, total: 5, verifiedUpTo: 2, brokenAt: { seq: 3 } })
  })

  it('catches an entry edited and re-hashed at the next entry, whose link no longer matches', () => {
    recordFive()
    const raw = new DatabaseSync(path, { readOnly: true })
    const row = raw.prepare('SELECT * FROM audit WHERE seq = 3').get() as Record<string, string | number>
    raw.close()
    const forged = hashEntry({
      seq: 3,
      at: row.at as number,
      operator: row.operator as string,
      machine: row.machine as string,
      appVersion: row.app_version as string,
      action: row.action as string,
      summary: 'Nothing happened',
      details: row.details as string,
      prevHash: row.prev_hash as string,
    })
    tamper(`UPDATE audit SET summary = 'Nothing happened', hash = '${forged}' WHERE seq = 3`)
    const result = trail.verify()
    expect(result).toMatchObject({ ok: false, verifiedUpTo: 3, brokenAt: { seq: 4 } })
    expect(result.brokenAt?.reason).toMatch(/link/)
  })

  it('reports the first break when there are several', () => {
    recordFive()
    tamper("UPDATE audit SET summary = 'x' WHERE seq IN (2, 4)")
    expect(trail.verify()).toMatchObject({ ok: false, verifiedUpTo: 1, brokenAt: { seq: 2 } })
  })
})

describe('close', () => {
  it('refuses to work once closed, leaving the shared connection open', () => {
    trail.close()
    expect(() => trail.record({ action: 'export', summary: 'x' })).toThrow(/closed/)
    expect(() => trail.verify()).toThrow(/closed/)
    expect(db.isOpen).toBe(true)
  })
})
