import type { AuditEntry, AuditVerification } from '../../shared/domain/audit.ts'

export type AuditAction =
  | 'enroll.attempt'
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

export interface AuditInput {
  action: AuditAction
  /** One line a compliance officer can read; never a secret or a full phone number. */
  summary: string
  details?: Record<string, unknown>
}

/** Hash-chained audit trail: each entry carries the hash of the one before. */
export interface AuditTrail {
  record(input: AuditInput): AuditEntry
  list(request: { beforeSeq?: number | undefined; limit: number }): AuditEntry[]
  verify(): AuditVerification
  close(): void
}
