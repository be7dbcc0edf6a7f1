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
  hash: string
}

export interface AuditVerification {
  ok: boolean
  total: number
  /** Highest seq whose chain is intact (0 when the first entry is already broken or none exist). */
  verifiedUpTo: number
  /** The first broken entry and why, when !ok. */
  brokenAt: { seq: number; reason: string } | null
}
