import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { APP_MIGRATIONS, SchemaTooNewError, userVersion, type Migration } from './migrations.ts'
import { APP_PAGE_CACHE_KIB, openDatabase, SCAN_PAGE_CACHE_KIB } from './openDatabase.ts'
import { immediateTransaction } from './transaction.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'otp-storage-test-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const pragma = (db: DatabaseSync, name: string) => Object.values(db.prepare(`PRAGMA ${name}`).get() as object)[0] as unknown

function counting(): { migrations: Migration[]; runs: number[] } {
  const runs: number[] = []
  const migrations: Migration[] = [
    { version: 1, name: 'one', up: (db) => (runs.push(1), db.exec('CREATE TABLE one (x)')) },
    { version: 2, name: 'two', up: (db) => (runs.push(2), db.exec('CREATE TABLE two (x)')) },
  ]
  return { migrations, runs }
}

describe('openDatabase', () => {
  it('gives the app connection a 32 MiB page cache and a scanning one the size asked for', () => {
    const app = openDatabase(join(dir, 'h.sqlite'), [])
    const scan = openDatabase(join(dir, 'h.sqlite'), [], { pageCacheKiB: SCAN_PAGE_CACHE_KIB })
    expect(pragma(app, 'cache_size')).toBe(-APP_PAGE_CACHE_KIB)
    expect(pragma(scan, 'cache_size')).toBe(-SCAN_PAGE_CACHE_KIB)
    scan.close()
    app.close()
    expect(() => openDatabase(join(dir, 'h.sqlite'), [], { pageCacheKiB: 1.5 })).toThrow(RangeError)
  })

  it('creates missing folders and the file', () => {
    const path = join(dir, 'a', 'b', 'history.sqlite')
    openDatabase(path, []).close()
    expect(existsSync(path)).toBe(true)
  })

  it('sets WAL, synchronous=FULL, foreign keys and a 5 s busy timeout', () => {
    const db = openDatabase(join(dir, 'h.sqlite'), [])
    expect(pragma(db, 'journal_mode')).toBe('wal')
    expect(pragma(db, 'synchronous')).toBe(2)
    expect(pragma(db, 'foreign_keys')).toBe(1)
    expect(pragma(db, 'busy_timeout')).toBe(5000)
    db.close()
  })

  it('runs each migration once and records the version in user_version', () => {
    const path = join(dir, 'h.sqlite')
    const { migrations, runs } = counting()
    openDatabase(path, migrations).close()
    const db = openDatabase(path, migrations)
    expect(runs).toEqual([1, 2])
    expect(userVersion(db)).toBe(2)
    db.close()
  })

  it('applies only the migrations added since the file was last opened', () => {
    const path = join(dir, 'h.sqlite')
    const { migrations, runs } = counting()
    openDatabase(path, migrations.slice(0, 1)).close()
    openDatabase(path, migrations).close()
    expect(runs).toEqual([1, 2])
  })

  it('rolls a failing migration back entirely and keeps the previous version', () => {
    const path = join(dir, 'h.sqlite')
    const { migrations } = counting()
    const broken: Migration = {
      version: 3,
      name: 'broken',
      up: (db) => {
        db.exec('CREATE TABLE three (x)')
        throw new Error('boom')
      },
    }
    expect(() => openDatabase(path, [...migrations, broken])).toThrow('boom')
    const db = new DatabaseSync(path)
    expect(userVersion(db)).toBe(2)
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'three'").get()).toBeUndefined()
    db.close()
  })

  it('refuses a file written by a newer schema', () => {
    const path = join(dir, 'h.sqlite')
    const raw = new DatabaseSync(path)
    raw.exec('PRAGMA user_version = 9')
    raw.close()
    expect(() => openDatabase(path, counting().migrations)).toThrow(SchemaTooNewError)
  })

  it('rejects a migration list with holes', () => {
    const { migrations } = counting()
    expect(() => openDatabase(join(dir, 'h.sqlite'), [migrations[1] as Migration])).toThrow(/1, 2, 3/)
  })

  it('by default creates the history and audit schema', () => {
    const db = openDatabase(join(dir, 'h.sqlite'))
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name)
    expect(tables).toEqual(expect.arrayContaining(['attempts', 'attempt_codes', 'attempt_contexts', 'attempt_search', 'audit']))
    expect(userVersion(db)).toBe(APP_MIGRATIONS.length)
    db.close()
  })
})

describe('immediateTransaction', () => {
  it('commits the work, or rolls all of it back when it throws', () => {
    const db = openDatabase(join(dir, 'h.sqlite'), counting().migrations)
    immediateTransaction(db, () => db.exec('INSERT INTO one VALUES (1)'))
    expect(() =>
      immediateTransaction(db, () => {
        db.exec('INSERT INTO one VALUES (2)')
        throw new Error('stop')
      }),
    ).toThrow('stop')
    expect(db.prepare('SELECT x FROM one').all()).toEqual([{ x: 1 }])
    expect(db.isTransaction).toBe(false)
    db.close()
  })

  it('takes the write lock at once, so another connection cannot write meanwhile', () => {
    const path = join(dir, 'h.sqlite')
    const db = openDatabase(path, counting().migrations)
    const other = new DatabaseSync(path, { timeout: 0 })
    immediateTransaction(db, () => {
      expect(() => other.exec('INSERT INTO one VALUES (9)')).toThrow(/locked|busy/i)
    })
    other.close()
    db.close()
  })

  it("joins the caller's transaction, which decides the outcome", () => {
    const db = openDatabase(join(dir, 'h.sqlite'), counting().migrations)
    db.exec('BEGIN')
    immediateTransaction(db, () => db.exec('INSERT INTO one VALUES (1)'))
    expect(db.isTransaction).toBe(true)
    db.exec('ROLLBACK')
    expect(db.prepare('SELECT count(*) AS n FROM one').get()).toEqual({ n: 0 })
    db.close()
  })
})
