import type { AuditVerification } from './audit.ts'

// The team database's audit chains as the team audit view and `team` tools read them
// (src/core/team/teamAudit.ts verifies them).

/** `full`: every keyed entry's HMAC was checked (the trail key is in this desk's keychain); `structure`: sequence, links and legacy hashes only. */
export type TeamAuditLevel = 'full' | 'structure'

export interface TeamAuditVerification extends AuditVerification {
  consoleId: string
  level: TeamAuditLevel
  /** Keyed entries whose content could not be checked (no key on this desk): 0 at level full. */
  contentUnchecked: number
  /** Why the level is `structure` (no anchor, key not in this keychain, another key), or null. */
  levelReason: string | null
}

/** A console known to the team database and the audit entries it shipped. */
export interface TeamConsoleAudit {
  consoleId: string
  machine: string
  operator: string
  entries: number
  lastSeq: number | null
  lastAt: number | null
}
