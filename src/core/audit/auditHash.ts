import { createHmac, createSecretKey, hash, type KeyObject } from 'node:crypto'
import { configure } from 'safe-stable-stringify'
import type { AuditEntry } from '../../shared/domain/audit.ts'

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

/** An entry as hashed: everything but its own hash, with details as the canonical JSON text stored. */
export type HashedFields = Omit<AuditEntry, 'details' | 'hash'> & { details: string }

/**
 * sha256 (hex) of the entry's fields as a JSON array in a fixed order. Every field is a
 * string or an integer, so JSON.stringify is already canonical; details is hashed as its
 * stored canonical text, so verifying needs no re-parsing and any byte edit shows.
 */
export function hashEntry(f: HashedFields): string {
  return hash('sha256', serialise('audit-v1', f), 'hex')
}

/**
 * HMAC-SHA-256 (hex) under the trail's key of the same fields (tagged audit-v2): without the
 * key nobody can write an entry that verifies, so a chain rewritten with fresh hashes shows.
 */
export function hmacEntry(key: KeyObject, f: HashedFields): string {
  return createHmac('sha256', key).update(serialise('audit-v2', f)).digest('hex')
}

function serialise(tag: string, f: HashedFields): string {
  return JSON.stringify([tag, f.seq, f.at, f.operator, f.machine, f.appVersion, f.action, f.summary, f.details, f.prevHash])
}

/** sha256 (hex) of a value's canonical JSON: how an audit entry names the history row it describes. */
export function contentHash(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'hex')
}

/** Size of a trail key, bytes. */
export const AUDIT_KEY_BYTES = 32

export function auditKey(bytes: Buffer): KeyObject {
  return createSecretKey(bytes)
}

/**
 * A key's public fingerprint (16 hex digits): stored in the head and the trail's first keyed
 * entry, so a key replaced in the keychain is told apart from a chain rewritten in the file.
 */
export function keyFingerprint(bytes: Buffer): string {
  return hash('sha256', Buffer.concat([Buffer.from('otp-console audit key id\n'), bytes]), 'hex').slice(0, 16)
}

// safe-stable-stringify (already under pino): JSON.stringify's rules with every object's keys
// sorted by UTF-16 code unit, in one pass — 3× faster than the parse-and-rewrite this replaced
// (a bulk run hashes two or three values per row), with the same text (auditHash.test.ts).
const stable = configure({ deterministic: true, bigint: false, circularValue: TypeError, strict: false })

/**
 * JSON with object keys sorted (by UTF-16 code unit) at every level and no whitespace, so one
 * value has one text (a plain JS object would put integer-like keys first).
 */
export function canonicalJson(value: unknown): string {
  return stable(value ?? {}) ?? '{}'
}
