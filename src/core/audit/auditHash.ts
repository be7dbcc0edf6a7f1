import { hash } from 'node:crypto'
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
  const serialised = JSON.stringify(['audit-v1', f.seq, f.at, f.operator, f.machine, f.appVersion, f.action, f.summary, f.details, f.prevHash])
  return hash('sha256', serialised, 'hex')
}

/**
 * JSON with object keys sorted (by UTF-16 code unit) at every level and no whitespace, so one
 * value has one text. Written out by hand: a JS object would put integer-like keys first.
 */
export function canonicalJson(value: unknown): string {
  return write(JSON.parse(JSON.stringify(value ?? {})) as unknown)
}

function write(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
