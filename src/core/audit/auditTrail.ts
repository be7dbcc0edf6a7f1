import { randomBytes, type KeyObject } from 'node:crypto'
import type { DatabaseSync } from 'node:sqlite'
import type { AuditEntry, AuditVerification } from '../../shared/domain/audit.ts'
import { KeychainUnavailableError, type SecretStore } from '../credentials/secretStore.ts'
import { immediateTransaction } from '../storage/transaction.ts'
import { AUDIT_KEY_BYTES, auditKey, canonicalJson, GENESIS_HASH, hmacEntry, keyFingerprint } from './auditHash.ts'
import { createHeadWriter, folderAccount, headAccount, keyAccount, parseHead, readKey, serialiseHead, type EntryState, type HeadWriter } from './auditKeychain.ts'
import { ANCHOR_ACTION, AUDIT_COLUMNS, findAnchor, toEntry, type Anchor, type AuditRow } from './auditRows.ts'
import { verifyTrail } from './auditVerify.ts'
import { AuditUnavailableError, type AuditInput, type AuditTrail } from './types.ts'

export interface AuditTrailOptions {
  now: () => number
  operator: string
  machine: string
  appVersion: string
  /** The OS keychain (or an in-memory store in unit tests): holds the trail's key and head. */
  keychain: SecretStore
  /** The database file: names the keychain item recording which trail this data folder holds. */
  databasePath: string
  /** A head write that failed (keychain gone mid-session); the head then lags, which verify tolerates. */
  onHeadError?: ((error: unknown) => void) | undefined
}

interface Ready {
  key: KeyObject
  head: HeadWriter
}

/**
 * The keyed, anchored audit trail on a connection from openDatabase() (which creates the
 * table). The caller owns the connection (shared with the history store); close() retires
 * the trail. Call open() before record().
 *
 * Trails written before the keyed chain (SHA-256 only) keep their entries: open() appends an
 * `audit.keyed` entry linked to the last of them, and from there every entry is HMAC'd. The
 * legacy entries stay verified by their SHA-256 chain and are anchored through that link
 * (rewriting them changes the hash the first keyed entry's HMAC covers).
 */
export function createAuditTrail(db: DatabaseSync, options: AuditTrailOptions): AuditTrail {
  let closed = false
  let ready: Ready | null = null
  let refusal = 'The audit trail is not open yet.'
  function ensureOpen() {
    if (closed) throw new Error('The audit trail is closed.')
  }

  const lastStatement = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1')
  const insertStatement = db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const hashAtStatement = db.prepare('SELECT hash FROM audit WHERE seq = ?')
  /** Whether an entry recorded inside a caller's transaction is in the file now (for the head). */
  function entryState(seq: number, hash: string): EntryState {
    // A connection closed meanwhile cannot vouch for the entry: the head stays behind (allowed).
    if (!db.isOpen) return 'absent'
    if (db.isTransaction) return 'in-transaction'
    return (hashAtStatement.get(seq) as { hash: string } | undefined)?.hash === hash ? 'committed' : 'absent'
  }
  const last = () => (lastStatement.get() as { seq: number; hash: string } | undefined) ?? { seq: 0, hash: GENESIS_HASH }

  function append(key: KeyObject, input: AuditInput, check?: () => void): AuditEntry {
    const details = canonicalJson(input.details ?? {})
    // IMMEDIATE: the console and the CLI may append at once; the write lock is taken before
    // the last hash is read, so each sees the other's entry and the chain stays linear.
    return immediateTransaction(db, () => {
      check?.()
      const previous = last()
      const fields = {
        seq: previous.seq + 1,
        at: options.now(),
        operator: options.operator,
        machine: options.machine,
        appVersion: options.appVersion,
        action: input.action,
        summary: input.summary,
        details,
        prevHash: previous.hash,
      }
      const hash = hmacEntry(key, fields)
      insertStatement.run(fields.seq, fields.at, fields.operator, fields.machine, fields.appVersion, fields.action, fields.summary, details, fields.prevHash, hash)
      return { ...fields, details: JSON.parse(details) as Record<string, unknown>, hash }
    })
  }

  /**
   * Starts the keyed chain: key and a head naming the entry before the anchor go to the
   * keychain first (so the head is never ahead of the file, and a crash leaves at worst an
   * unused key), then the anchor entry. If another process anchored meanwhile, its anchor wins.
   */
  async function createAnchor(replaces?: { trail: string; headSeq: number | null }): Promise<Anchor> {
    const bytes = randomBytes(AUDIT_KEY_BYTES)
    const trail = randomBytes(12).toString('hex')
    const keyId = keyFingerprint(bytes)
    const before = last()
    await options.keychain.set(keyAccount(trail), bytes.toString('base64'))
    await options.keychain.set(headAccount(trail), serialiseHead({ trail, keyId, keyedFrom: before.seq + 1, seq: before.seq, hash: before.hash }))
    let entry: AuditEntry
    try {
      entry = append(
        auditKey(bytes),
        {
          action: ANCHOR_ACTION,
          summary: replaces
            ? `Audit trail started in a NEW database: the trail this data folder held before (${replaces.trail}, ${replaces.headSeq ?? 'unknown number of'} entries) is no longer in the file.`
            : before.seq === 0
              ? 'Audit trail started: every entry is sealed with HMAC-SHA-256 under a key kept in the OS keychain.'
              : `Audit trail keyed: from here every entry is sealed with HMAC-SHA-256 under a key kept in the OS keychain; the ${before.seq} earlier entries stay SHA-256 chained.`,
          details: { trail, keyId, legacyEntries: before.seq, ...(replaces ? { replaces } : {}) },
        },
        () => {
          if (findAnchor(db) || last().seq !== before.seq) throw new AnchorRace()
        },
      )
    } catch (error) {
      await Promise.allSettled([options.keychain.delete(keyAccount(trail)), options.keychain.delete(headAccount(trail))])
      throw error
    }
    // Once, at creation: the head is in place before anything else is recorded.
    await options.keychain.set(headAccount(trail), serialiseHead({ trail, keyId, keyedFrom: entry.seq, seq: entry.seq, hash: entry.hash }))
    return { seq: entry.seq, trail, keyId }
  }

  async function open(): Promise<void> {
    ensureOpen()
    try {
      const index = folderAccount(options.databasePath)
      let anchor = findAnchor(db)
      // The folder's item is read only when the file names no trail (a new, legacy or stripped
      // file): a file naming a trail is sealed with that trail's key or not at all.
      const indexed = anchor ? anchor.trail : await options.keychain.get(index)
      if (indexed !== undefined && anchor?.trail !== indexed) {
        if (last().seq > 0) {
          // The file holds entries, but not the trail the keychain knows for this folder: tampered
          // with (or an old copy restored). Nothing is sealed onto it; verify says what is wrong.
          refusal = 'The audit trail in this database is not the one the OS keychain holds for this data folder, so no entry can be sealed. Run "audit verify" and report this to compliance.'
          return
        }
        // An empty database where a trail was: a new trail starts, and says so in its first entry.
        const previous = parseHead(await options.keychain.get(headAccount(indexed)))
        anchor = await createAnchorRetrying({ trail: indexed, headSeq: previous?.seq ?? null })
        await options.keychain.set(index, anchor.trail)
      }
      if (!anchor) {
        anchor = await createAnchorRetrying()
        await options.keychain.set(index, anchor.trail)
      }
      const bytes = await readKey(options.keychain, anchor.trail)
      if (!bytes) {
        refusal = 'The audit key of this trail is not in the OS keychain, so no entry can be sealed. Run "audit verify" and report this to compliance.'
      } else if (keyFingerprint(bytes) !== anchor.keyId) {
        refusal = 'The audit key in the OS keychain is not the one this trail was written with, so no entry can be sealed. Run "audit verify" and report this to compliance.'
      } else {
        ready = { key: auditKey(bytes), head: createHeadWriter(options.keychain, { trail: anchor.trail, keyId: anchor.keyId, keyedFrom: anchor.seq }, options.onHeadError ?? (() => {}), entryState) }
      }
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error
      refusal = `The audit trail is sealed with a key kept in the OS keychain, and there is none: nothing that must be audited can be done. ${error.message}`
    }
  }

  /** The console and the CLI may both start a trail at once: the first anchor in the file wins. */
  async function createAnchorRetrying(replaces?: { trail: string; headSeq: number | null }): Promise<Anchor> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await createAnchor(replaces)
      } catch (error) {
        if (!(error instanceof AnchorRace)) throw error
        const anchor = findAnchor(db)
        if (anchor) return anchor
      }
    }
    throw new Error('The audit trail could not be keyed: the file kept changing.')
  }

  function record(input: AuditInput): AuditEntry {
    ensureOpen()
    if (!ready) throw new AuditUnavailableError(refusal)
    // Inside a transaction the caller opened, the row is not committed yet: the head names it
    // once it is found in the file (a lagging head is fine, one ahead of the file is not).
    const joined = db.isTransaction
    const entry = append(ready.key, input)
    if (joined) ready.head.advanceWhenCommitted(entry.seq, entry.hash)
    else ready.head.advance(entry.seq, entry.hash)
    return entry
  }

  function list(request: { beforeSeq?: number | undefined; limit: number }): AuditEntry[] {
    ensureOpen()
    const rows = (
      request.beforeSeq === undefined
        ? db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT ?`).all(request.limit)
        : db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?`).all(request.beforeSeq, request.limit)
    ) as unknown as AuditRow[]
    return rows.map(toEntry)
  }

  function* entries(period: { from?: number | undefined; to?: number | undefined }): IterableIterator<AuditEntry> {
    ensureOpen()
    const statement = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE at >= ? AND at < ? ORDER BY seq`)
    for (const row of statement.iterate(period.from ?? Number.MIN_SAFE_INTEGER, period.to ?? Number.MAX_SAFE_INTEGER)) yield toEntry(row as unknown as AuditRow)
  }

  async function verify(): Promise<AuditVerification> {
    ensureOpen()
    return verifyTrail(db, options.keychain, options.databasePath)
  }

  return {
    open,
    unavailable: () => (ready ? null : refusal),
    record,
    list,
    entries,
    verify,
    flush: async () => {
      await ready?.head.flush()
    },
    close() {
      closed = true
    },
  }
}

/** Another writer anchored the trail (or appended) while this one was setting up its key. */
class AnchorRace extends Error {}
