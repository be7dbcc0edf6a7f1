import type { AuditEntry, AuditVerification } from '../../shared/domain/audit.ts'

export type AuditAction =
  | 'audit.keyed'
  | 'enroll.attempt'
  | 'enroll.outcome'
  | 'credentials.set'
  | 'credentials.replace'
  | 'credentials.delete'
  | 'settings.update'
  | 'environment.switch'
  | 'export'
  // Credentials bound to their destination (src/core/credentials/resolveTarget.ts)
  | 'credentials.bind'
  | 'credentials.destination-refused'
  | 'credentials.destination-confirm'
  // Retention (src/core/history/historyPurge.ts)
  | 'history.purge'
  // Bulk runs (src/core/bulk/runRunner.ts, runEngine.ts)
  | 'bulk.start'
  | 'bulk.pause'
  | 'bulk.resume'
  | 'bulk.cancel'
  | 'bulk.finish'

export interface AuditInput {
  action: AuditAction
  /** One line a compliance officer can read; never a secret or a full phone number. */
  summary: string
  details?: Record<string, unknown>
}

/** Raised by record() when the trail cannot be written keyed (no keychain, key missing or swapped). */
export class AuditUnavailableError extends Error {
  override name = 'AuditUnavailableError'
}

/**
 * Keyed, anchored audit trail: each entry carries the HMAC of its content and of the entry
 * before, under a key kept in the OS keychain with the trail's head (see auditKeychain.ts).
 */
export interface AuditTrail {
  /**
   * Loads the trail's key from the keychain, or creates the key and the keyed chain's first
   * entry. Never throws for a missing keychain: record() then refuses, with the reason.
   */
  open(): Promise<void>
  /** Why entries cannot be written now (null when they can). */
  unavailable(): string | null
  record(input: AuditInput): AuditEntry
  list(request: { beforeSeq?: number | undefined; limit: number }): AuditEntry[]
  /** Entries with from ≤ at < to, oldest first, one row at a time. */
  entries(period: { from?: number | undefined; to?: number | undefined }): IterableIterator<AuditEntry>
  /** Throws KeychainUnavailableError when the keychain cannot be asked. */
  verify(): Promise<AuditVerification>
  /** Resolves once the head in the keychain has caught up with every entry recorded here. */
  flush(): Promise<void>
  close(): void
}
