import type { KeyObject } from 'node:crypto'
import type { DatabaseSync } from 'node:sqlite'
import type { AuditBreakKind, AuditHead, AuditVerification } from '../../shared/domain/audit.ts'
import type { SecretStore } from '../credentials/secretStore.ts'
import { auditKey, GENESIS_HASH, hashEntry, hmacEntry, keyFingerprint } from './auditHash.ts'
import { folderAccount, headAccount, parseHead, readKey } from './auditKeychain.ts'
import { AUDIT_COLUMNS, findAnchor } from './auditRows.ts'

type Break = { seq: number; kind: AuditBreakKind; reason: string }

/** Columns in AUDIT_COLUMNS order. */
type AuditRowArray = [number, number, string, string, string, string, string, string, string, string]

/**
 * Checks the whole trail against its anchor in the keychain (key and head; see THE HEAD RULE in
 * auditKeychain.ts): legacy entries (before the first keyed one) by their SHA-256 chain, keyed
 * entries by their HMAC, then the head. Reports the first break, with its kind. Throws
 * KeychainUnavailableError when the keychain cannot be asked: a trail is never verified
 * without its anchor.
 */
export async function verifyTrail(db: DatabaseSync, store: SecretStore, databasePath: string): Promise<AuditVerification> {
  const fileAnchor = findAnchor(db)
  const indexed = await store.get(folderAccount(databasePath))
  // The keychain's word for which trail this file holds wins over the file's own.
  const trail = indexed ?? fileAnchor?.trail
  if (trail === undefined) return walk(db, { keyedFrom: Number.POSITIVE_INFINITY, key: null, keyProblem: null, head: null })
  const [keyBytes, head] = await Promise.all([readKey(store, trail), store.get(headAccount(trail)).then(parseHead)])
  const keyedFrom = head?.keyedFrom ?? fileAnchor?.seq ?? 1
  let keyProblem: Omit<Break, 'seq'> | null = null
  if (!keyBytes) {
    keyProblem = { kind: 'key-missing', reason: `The audit key of this trail (${trail}) is not in the OS keychain: keyed entries cannot be checked.` }
  } else if (!head) {
    keyProblem = { kind: 'head-missing', reason: 'The head of this trail is missing from the OS keychain: a cut-off tail could not be seen.' }
  } else if (keyFingerprint(keyBytes) !== head.keyId) {
    keyProblem = { kind: 'key-swapped', reason: `The audit key in the keychain (key id ${keyFingerprint(keyBytes)}) is not the one this trail was written with (key id ${head.keyId}).` }
  } else if (head.trail !== trail) {
    keyProblem = { kind: 'head-mismatch', reason: `The head in the keychain belongs to another trail (${head.trail}, not ${trail}).` }
  }
  return walk(db, { keyedFrom, key: keyBytes && !keyProblem ? auditKey(keyBytes) : null, keyProblem, head: head ?? null })
}

interface WalkOptions {
  keyedFrom: number
  key: KeyObject | null
  /** Set when the keyed part cannot be trusted as a whole: reported at its first entry. */
  keyProblem: Omit<Break, 'seq'> | null
  head: AuditHead | null
}

/** Walks the chain in seq order, one row at a time, and stops at the first broken entry. */
function walk(db: DatabaseSync, options: WalkOptions): AuditVerification {
  let expectedSeq = 1
  let prevHash = GENESIS_HASH
  let total = 0
  let hashAtHead: string | null = null
  let brokenAt: Break | null = null
  const headSeq = options.head?.seq ?? -1
  const rows = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY seq`)
  rows.setReturnArrays(true) // a million rows: arrays are half the cost of objects
  for (const row of rows.iterate() as IterableIterator<AuditRowArray>) {
    total++
    brokenAt = check(row, expectedSeq, prevHash, options)
    if (brokenAt) break
    if (row[0] === headSeq) hashAtHead = row[9]
    expectedSeq = row[0] + 1
    prevHash = row[9]
  }
  const lastSeq = expectedSeq - 1
  const legacyEntries = Math.min(lastSeq, options.keyedFrom - 1)
  const result = (b: Break | null): AuditVerification => ({
    ok: b === null,
    total: b ? (db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n : total,
    verifiedUpTo: lastSeq,
    brokenAt: b,
    head: options.head,
    legacyEntries,
  })
  if (brokenAt) return result(brokenAt)
  const head = options.head
  if (!head) return result(null)
  if (head.seq > lastSeq) {
    return result({ seq: lastSeq + 1, kind: 'tail-cut', reason: `Entries after #${lastSeq} are missing (head says #${head.seq}).` })
  }
  const expectedAtHead = head.seq === 0 ? GENESIS_HASH : hashAtHead
  if (expectedAtHead !== head.hash) {
    return result({ seq: head.seq, kind: 'head-mismatch', reason: `Entry #${head.seq} is not the one the head in the keychain recorded: the chain was rewritten.` })
  }
  return result(null)
}

function check(row: AuditRowArray, expectedSeq: number, prevHash: string, options: WalkOptions): Break | null {
  const [seq, at, operator, machine, appVersion, action, summary, details, rowPrevHash, rowHash] = row
  // Rows come in ascending seq order, so a seq other than the expected one is a gap.
  if (seq !== expectedSeq) {
    const missing = seq - 1 === expectedSeq ? `#${expectedSeq} is` : `#${expectedSeq}–#${seq - 1} are`
    return { seq, kind: 'missing', reason: `Entry ${missing} missing before this one.` }
  }
  const keyed = seq >= options.keyedFrom
  if (keyed && options.keyProblem) return { seq, ...options.keyProblem }
  if (rowPrevHash !== prevHash) {
    return {
      seq,
      kind: 'link',
      reason: seq === 1 ? 'The first entry does not start the chain.' : `Its link does not match entry #${seq - 1}: an entry was removed, replaced or reordered.`,
    }
  }
  const fields = { seq, at, operator, machine, appVersion, action, summary, details, prevHash: rowPrevHash }
  if (keyed) {
    if (hmacEntry(options.key as KeyObject, fields) !== rowHash) {
      return { seq, kind: 'hmac', reason: `Entry #${seq} does not match its HMAC: it was edited, or written without the audit key.` }
    }
  } else if (hashEntry(fields) !== rowHash) {
    return { seq, kind: 'edited', reason: 'Its content does not match its hash: the entry was edited.' }
  }
  return null
}
