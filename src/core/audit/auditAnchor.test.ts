import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createOsSecretStore, type SecretStore } from '../credentials/secretStore.ts'
import { openDatabase } from '../storage/openDatabase.ts'
import { auditKey, canonicalJson, GENESIS_HASH, hashEntry, hmacEntry, keyFingerprint } from './auditHash.ts'
import { folderAccount, headAccount, keyAccount, parseHead } from './auditKeychain.ts'
import { createAuditTrail } from './auditTrail.ts'
import type { AuditTrail } from './types.ts'

// The attacks the keyed trail is there to reveal, against the REAL OS keychain (run under a
// Secret Service, as `npm test` does): each is reported with its own exact reason.

let dir: string
let path: string
let db: DatabaseSync
let keychain: SecretStore
let service: string
let trail: AuditTrail
let clock = 1_700_000_000_000

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otp-audit-anchor-'))
  path = join(dir, 'history.sqlite')
  db = openDatabase(path)
  service = `otp-console-audit-anchor-${randomUUID()}`
  keychain = createOsSecretStore(service)
  trail = createAuditTrail(db, { now: () => clock++, operator: 'ada', machine: 'desk-07', appVersion: '0.1.0', keychain, databasePath: path })
  await trail.open()
  for (let i = 1; i <= 5; i++) trail.record({ action: 'settings.update', summary: `Change ${i}`, details: { step: i } })
  await trail.flush()
  anchor = undefined as unknown as typeof anchor
  anchorDetails()
})
afterEach(async () => {
  const trailId = anchorDetails().trail
  if (db.isOpen) db.close()
  await keychain.delete(keyAccount(trailId))
  await keychain.delete(headAccount(trailId))
  await keychain.delete(folderAccount(path))
  rmSync(dir, { recursive: true, force: true })
})

let anchor: { trail: string; keyId: string }
/** The trail's anchor as first written (read before any test tampers with the file). */
function anchorDetails(): { trail: string; keyId: string } {
  if (anchor) return anchor
  const raw = new DatabaseSync(path, { readOnly: true })
  const row = raw.prepare("SELECT details FROM audit WHERE action = 'audit.keyed' ORDER BY seq LIMIT 1").get() as { details: string }
  raw.close()
  return (anchor = JSON.parse(row.details) as { trail: string; keyId: string })
}

function tamper(sql: string) {
  const raw = new DatabaseSync(path)
  raw.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;')
  raw.exec(sql)
  raw.close()
}

describe('the keyed trail against the OS keychain', () => {
  it('keeps its key and head in the keychain: the head names the newest entry', async () => {
    const { trail: trailId, keyId } = anchorDetails()
    const head = parseHead(await keychain.get(headAccount(trailId)))
    const newest = trail.list({ limit: 1 })[0]
    expect(head).toEqual({ trail: trailId, keyId, keyedFrom: 1, seq: 6, hash: newest?.hash })
    expect(Buffer.from((await keychain.get(keyAccount(trailId))) ?? '', 'base64')).toHaveLength(32)
  })

  it('verifies the untouched trail', async () => {
    expect(await trail.verify()).toMatchObject({ ok: true, total: 6, verifiedUpTo: 6, brokenAt: null, head: { seq: 6 } })
  })

  it('reports the newest entry deleted as a cut-off tail', async () => {
    tamper('DELETE FROM audit WHERE seq = 6')
    expect(await trail.verify()).toMatchObject({
      ok: false,
      total: 5,
      verifiedUpTo: 5,
      brokenAt: { seq: 6, kind: 'tail-cut', reason: 'Entries after #5 are missing (head says #6).' },
    })
  })

  it('reports the whole chain rewritten with valid fresh HMACs under another key', async () => {
    // The attacker has the file, not the keychain: a new key, the same trail id, every entry
    // re-sealed and linked, the anchor naming the new key.
    const forgedKey = randomBytes(32)
    const { trail: trailId } = anchorDetails()
    const raw = new DatabaseSync(path)
    const rows = raw.prepare('SELECT * FROM audit ORDER BY seq').all() as Record<string, string | number>[]
    raw.close()
    let prevHash = GENESIS_HASH
    const statements = rows.map((row) => {
      const details = row.action === 'audit.keyed' ? canonicalJson({ trail: trailId, keyId: keyFingerprint(forgedKey), legacyEntries: 0 }) : (row.details as string)
      const fields = { seq: row.seq as number, at: row.at as number, operator: row.operator as string, machine: row.machine as string, appVersion: row.app_version as string, action: row.action as string, summary: `${row.summary as string} (rewritten)`, details, prevHash }
      const hash = hmacEntry(auditKey(forgedKey), fields)
      prevHash = hash
      return `UPDATE audit SET summary = '${fields.summary}', details = '${details}', prev_hash = '${fields.prevHash}', hash = '${hash}' WHERE seq = ${fields.seq};`
    })
    tamper(statements.join('\n'))
    expect(await trail.verify()).toMatchObject({
      ok: false,
      verifiedUpTo: 0,
      brokenAt: { seq: 1, kind: 'hmac', reason: 'Entry #1 does not match its HMAC: it was edited, or written without the audit key.' },
    })
  })

  it('reports the whole chain rewritten as a plain SHA-256 chain (its keyed start removed)', async () => {
    const raw = new DatabaseSync(path)
    const rows = raw.prepare('SELECT * FROM audit ORDER BY seq').all() as Record<string, string | number>[]
    raw.close()
    let prevHash = GENESIS_HASH
    const statements = rows.map((row) => {
      const fields = { seq: row.seq as number, at: row.at as number, operator: row.operator as string, machine: row.machine as string, appVersion: row.app_version as string, action: 'settings.update', summary: `${row.summary as string} (rewritten)`, details: '{}', prevHash }
      const hash = hashEntry(fields)
      prevHash = hash
      return `UPDATE audit SET action = '${fields.action}', summary = '${fields.summary}', details = '{}', prev_hash = '${fields.prevHash}', hash = '${hash}' WHERE seq = ${fields.seq};`
    })
    tamper(statements.join('\n'))
    expect(await trail.verify()).toMatchObject({
      ok: false,
      verifiedUpTo: 0,
      brokenAt: { seq: 1, kind: 'hmac', reason: 'Entry #1 does not match its HMAC: it was edited, or written without the audit key.' },
    })
  })

  it('reports a key replaced in the keychain', async () => {
    const { trail: trailId, keyId } = anchorDetails()
    const replacement = randomBytes(32)
    await keychain.set(keyAccount(trailId), replacement.toString('base64'))
    expect(await trail.verify()).toMatchObject({
      ok: false,
      verifiedUpTo: 0,
      brokenAt: {
        seq: 1,
        kind: 'key-swapped',
        reason: `The audit key in the keychain (key id ${keyFingerprint(replacement)}) is not the one this trail was written with (key id ${keyId}).`,
      },
    })
    // And no entry is sealed with the wrong key: a fresh process refuses to record.
    const reopened = createAuditTrail(db, { now: () => clock++, operator: 'ada', machine: 'desk-07', appVersion: '0.1.0', keychain, databasePath: path })
    await reopened.open()
    expect(reopened.unavailable()).toMatch(/not the one this trail was written with/)
  })
})
