import type { KeyObject } from 'node:crypto'
import type { AuditBreakKind } from '../../shared/domain/audit.ts'
import type { TeamAuditVerification, TeamConsoleAudit } from '../../shared/domain/teamAudit.ts'
import { auditKey, GENESIS_HASH, hashEntry, hmacEntry, keyFingerprint, type HashedFields } from '../audit/auditHash.ts'
import { readKey } from '../audit/auditKeychain.ts'
import { ANCHOR_ACTION, AUDIT_COLUMNS, type AuditRow } from '../audit/auditRows.ts'
import type { SecretStore } from '../credentials/secretStore.ts'
import type { TeamQueryable } from './teamHistoryRows.ts'

/*
 * Per-console verification of the audit chains shipped to the team database (audit_entries),
 * with the rules of auditVerify.ts, from any desk:
 *
 *  - always (no key needed): the sequence has no gap from #1, each entry links to the one
 *    before (prev_hash = the previous entry's hash), and legacy entries (before the trail's
 *    `audit.keyed` anchor) match their SHA-256 hash;
 *  - keyed entries (from the anchor on) are HMACs under the console's trail key, which lives in
 *    the OS keychain of the desk that wrote them. When this desk's keychain holds that key (the
 *    console's own desk, or one sharing its keychain) and its fingerprint is the anchor's key
 *    id, every keyed entry is checked too: level `full`. Elsewhere the level is `structure`:
 *    an entry whose content was changed but whose hash was left as it was cannot be told from
 *    an intact one without the key — `contentUnchecked` says how many entries that leaves.
 *
 * What is not checked here: the keychain head (the team copy lags the console's own trail by
 * design while entries wait to be shipped, so a shorter team chain is not a cut tail; the
 * console's own `audit verify` checks its trail against its head).
 * The first break is reported, as locally, with the same kinds.
 */

/** The consoles known to the team database with how many audit entries each shipped. */
export async function listTeamConsoles(db: TeamQueryable): Promise<TeamConsoleAudit[]> {
  const { rows } = await db.query(
    `SELECT c.console_id, c.machine, c.operator, count(e.seq) AS entries, max(e.seq) AS last_seq, max(e.at) AS last_at
     FROM consoles c LEFT JOIN audit_entries e ON e.console_id = c.console_id
     GROUP BY c.console_id, c.machine, c.operator ORDER BY c.machine, c.console_id`,
  )
  return (rows as { console_id: string; machine: string; operator: string; entries: string; last_seq: string | null; last_at: string | null }[]).map((r) => ({
    consoleId: r.console_id,
    machine: r.machine,
    operator: r.operator,
    entries: Number(r.entries),
    lastSeq: r.last_seq === null ? null : Number(r.last_seq),
    lastAt: r.last_at === null ? null : Number(r.last_at),
  }))
}

/** An audit_entries row as node-postgres answers it: bigint columns as strings. */
type EntryRow = Omit<AuditRow, 'seq' | 'at'> & { seq: string; at: string }

/** Entries read per query: memory stays at one batch however long the chain. */
const BATCH = 5000

type Break = { seq: number; kind: AuditBreakKind; reason: string }

/** The trail key this desk holds for the console's chain, or why there is none. */
async function keyFor(db: TeamQueryable, consoleId: string, store: SecretStore): Promise<{ keyedFrom: number; key: KeyObject | null; reason: string | null }> {
  const { rows } = await db.query(`SELECT seq, details FROM audit_entries WHERE console_id = $1 AND action = $2 ORDER BY seq LIMIT 1`, [consoleId, ANCHOR_ACTION])
  const anchor = rows[0] as { seq: string; details: string } | undefined
  if (!anchor) return { keyedFrom: Number.POSITIVE_INFINITY, key: null, reason: null }
  const keyedFrom = Number(anchor.seq)
  let trail: unknown
  let keyId: unknown
  try {
    ;({ trail, keyId } = JSON.parse(anchor.details) as { trail?: unknown; keyId?: unknown })
  } catch {
    // an unreadable anchor names no trail: the keyed part is checked for structure only
  }
  if (typeof trail !== 'string' || typeof keyId !== 'string') return { keyedFrom, key: null, reason: 'The chain’s anchor entry does not name its trail.' }
  const bytes = await readKey(store, trail)
  if (!bytes) return { keyedFrom, key: null, reason: `The audit key of this console’s trail (${trail}) is not in this desk’s keychain: keyed entries are checked for sequence and links only.` }
  if (keyFingerprint(bytes) !== keyId) return { keyedFrom, key: null, reason: `The key in this keychain for trail ${trail} is not the one the chain was written with (key id ${keyId}).` }
  return { keyedFrom, key: auditKey(bytes), reason: null }
}

/** Verifies one console's shipped chain (see the rules above). */
export async function verifyTeamConsole(db: TeamQueryable, consoleId: string, store: SecretStore): Promise<TeamAuditVerification> {
  const { keyedFrom, key, reason } = await keyFor(db, consoleId, store)
  let expectedSeq = 1
  let prevHash = GENESIS_HASH
  let total = 0
  let contentUnchecked = 0
  let brokenAt: Break | null = null
  read: for (;;) {
    const { rows } = await db.query(`SELECT ${AUDIT_COLUMNS} FROM audit_entries WHERE console_id = $1 AND seq >= $2 ORDER BY seq LIMIT ${BATCH}`, [consoleId, expectedSeq])
    for (const row of rows as EntryRow[]) {
      total++
      const fields: HashedFields = {
        seq: Number(row.seq),
        at: Number(row.at),
        operator: row.operator,
        machine: row.machine,
        appVersion: row.app_version,
        action: row.action,
        summary: row.summary,
        details: row.details,
        prevHash: row.prev_hash,
      }
      brokenAt = check(fields, row.hash, expectedSeq, prevHash, keyedFrom, key)
      if (brokenAt) break read
      if (fields.seq >= keyedFrom && !key) contentUnchecked++
      expectedSeq = fields.seq + 1
      prevHash = row.hash
    }
    if (rows.length < BATCH) break
  }
  if (brokenAt) {
    const { rows } = await db.query('SELECT count(*) AS n FROM audit_entries WHERE console_id = $1', [consoleId])
    total = Number((rows[0] as { n: string }).n)
  }
  const verifiedUpTo = expectedSeq - 1
  return {
    consoleId,
    ok: brokenAt === null,
    total,
    verifiedUpTo,
    brokenAt,
    head: null,
    legacyEntries: Math.min(verifiedUpTo, keyedFrom - 1),
    level: key ? 'full' : 'structure',
    contentUnchecked,
    levelReason: key ? null : (reason ?? (Number.isFinite(keyedFrom) ? null : 'The chain has no keyed part: every entry was checked by its SHA-256 hash.')),
  }
}

/** auditVerify.ts's check, with the keyed entries' content checked only when the key is here. */
function check(f: HashedFields, hash: string, expectedSeq: number, prevHash: string, keyedFrom: number, key: KeyObject | null): Break | null {
  if (f.seq !== expectedSeq) {
    const missing = f.seq - 1 === expectedSeq ? `#${expectedSeq} is` : `#${expectedSeq}–#${f.seq - 1} are`
    return { seq: f.seq, kind: 'missing', reason: `Entry ${missing} missing before this one.` }
  }
  if (f.prevHash !== prevHash) {
    return {
      seq: f.seq,
      kind: 'link',
      reason: f.seq === 1 ? 'The first entry does not start the chain.' : `Its link does not match entry #${f.seq - 1}: an entry was removed, replaced or reordered.`,
    }
  }
  if (f.seq >= keyedFrom) {
    if (key && hmacEntry(key, f) !== hash) return { seq: f.seq, kind: 'hmac', reason: `Entry #${f.seq} does not match its HMAC: it was edited, or written without the audit key.` }
  } else if (hashEntry(f) !== hash) {
    return { seq: f.seq, kind: 'edited', reason: 'Its content does not match its hash: the entry was edited.' }
  }
  return null
}
