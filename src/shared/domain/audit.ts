// The audit trail's entries and the answer of a verification.

export interface AuditEntry {
  seq: number
  at: number
  operator: string
  machine: string
  appVersion: string
  action: string
  /** Human-readable summary, never a secret. */
  summary: string
  details: Record<string, unknown>
  prevHash: string
  /** HMAC-SHA-256 under the trail's key (keyed entries) or SHA-256 (legacy entries), hex. */
  hash: string
}

/**
 * Why a verification failed, one kind per way a trail can be damaged:
 * - `missing`: a gap in the sequence (entries deleted in the middle);
 * - `link`: an entry does not point at the one before (removed, replaced or reordered);
 * - `edited`: a legacy (SHA-256) entry's content does not match its hash;
 * - `hmac`: a keyed entry does not match its HMAC (edited, or written without the key);
 * - `tail-cut`: the head in the keychain names entries the file no longer has;
 * - `head-mismatch`: the entry at the head's seq is not the one the head recorded;
 * - `key-swapped`: the key in the keychain is not the one the trail was written with;
 * - `key-missing` / `head-missing`: the trail is keyed but its key / head is not in the keychain.
 */
export type AuditBreakKind = 'missing' | 'link' | 'edited' | 'hmac' | 'tail-cut' | 'head-mismatch' | 'key-swapped' | 'key-missing' | 'head-missing'

/** The anchor a verification was checked against: the head kept in the OS keychain. */
export interface AuditHead {
  /** The trail's id (names its keychain items). */
  trail: string
  /** Fingerprint of the key the trail is written with (not the key). */
  keyId: string
  /** First keyed entry; entries before it are legacy SHA-256 entries. */
  keyedFrom: number
  seq: number
  hash: string
}

export interface AuditVerification {
  ok: boolean
  total: number
  /** Highest seq whose chain is intact (0 when the first entry is already broken or none exist). */
  verifiedUpTo: number
  /** The first break and why, when !ok. */
  brokenAt: { seq: number; kind: AuditBreakKind; reason: string } | null
  /** The keychain head checked against; null for a trail not keyed yet (or when it could not be read). */
  head: AuditHead | null
  /** Entries before the keyed chain, verified as SHA-256 (written by versions before the keyed trail). */
  legacyEntries: number
}

/** What an audit export wrote: the file, how many entries of the period, and the verification in its first line. */
export interface AuditExportResult {
  path: string
  entries: number
  verification: AuditVerification
}
