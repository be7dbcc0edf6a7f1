import type { DatabaseSync } from 'node:sqlite'
import type { AuditEntry } from '../../shared/domain/audit.ts'

export const AUDIT_COLUMNS = 'seq, at, operator, machine, app_version, action, summary, details, prev_hash, hash'

export interface AuditRow {
  seq: number
  at: number
  operator: string
  machine: string
  app_version: string
  action: string
  summary: string
  details: string
  prev_hash: string
  hash: string
}

export function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    operator: row.operator,
    machine: row.machine,
    appVersion: row.app_version,
    action: row.action,
    summary: row.summary,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

/** The action of the entry that starts the keyed chain (its details name the trail and the key id). */
export const ANCHOR_ACTION = 'audit.keyed'

export interface Anchor {
  seq: number
  trail: string
  keyId: string
}

/**
 * The first keyed entry, as the file says: where to look in the keychain. Trusted only once
 * its HMAC verifies under the key found there.
 */
export function findAnchor(db: DatabaseSync): Anchor | undefined {
  const row = db.prepare('SELECT seq, details FROM audit WHERE action = ? ORDER BY seq LIMIT 1').get(ANCHOR_ACTION) as { seq: number; details: string } | undefined
  if (!row) return undefined
  try {
    const details = JSON.parse(row.details) as { trail?: unknown; keyId?: unknown }
    if (typeof details.trail === 'string' && typeof details.keyId === 'string') return { seq: row.seq, trail: details.trail, keyId: details.keyId }
  } catch {
    // an anchor that does not parse names no trail: reported like one whose key is missing
  }
  return { seq: row.seq, trail: '(unreadable)', keyId: '(unreadable)' }
}
