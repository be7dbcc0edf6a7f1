import type { AttemptRecord } from '../../../shared/domain/attempt.ts'
import { ENVIRONMENT_LABELS } from '../../../shared/domain/environments.ts'
import { explainCode, explainHttpStatus } from '../../../shared/domain/errorCodes.ts'
import { maskPhone } from '../../../shared/domain/phone.ts'
import { formatDateTime, formatDuration } from './format.ts'

// "Copy for ticket": a short plain-text summary an operator pastes into a support ticket.
// The phone is masked; no header values, no secrets.

export type TicketSource = Pick<
  AttemptRecord,
  | 'id'
  | 'startedAt'
  | 'environment'
  | 'baseUrl'
  | 'paymentId'
  | 'phone'
  | 'transactionRef'
  | 'outcome'
  | 'errors'
  | 'httpStatus'
  | 'failureReason'
  | 'durationMs'
  | 'retryOf'
>

/** `UTC+01:00` for the local zone at that moment. */
const TICKET_OUTCOMES: Record<TicketSource['outcome'], string> = {
  enrolled: 'Enrolled',
  rejected: 'Rejected by Interswitch',
  failed: 'Failed (no usable answer)',
  unknown: 'Unknown (the request may have reached Interswitch)',
}

export function utcOffsetLabel(ms: number): string {
  const minutes = -new Date(ms).getTimezoneOffset()
  const sign = minutes >= 0 ? '+' : '-'
  const abs = Math.abs(minutes)
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

export function buildTicket(record: TicketSource): string {
  const lines: string[] = []
  lines.push(`OTP enrollment attempt #${record.id}`)
  lines.push(`Time: ${new Date(record.startedAt).toISOString()} (local ${formatDateTime(record.startedAt)} ${utcOffsetLabel(record.startedAt)})`)
  lines.push(`Environment: ${ENVIRONMENT_LABELS[record.environment] ?? record.environment}${record.baseUrl ? ` (${record.baseUrl})` : ''}`)
  lines.push(`Payment id: ${record.paymentId}`)
  lines.push(`Phone: ${maskPhone(record.phone)}`)
  lines.push(`Transaction reference: ${record.transactionRef}`)
  lines.push(`Outcome: ${TICKET_OUTCOMES[record.outcome] ?? record.outcome}`)
  lines.push(`HTTP status: ${record.httpStatus ?? 'none (no answer)'}`)
  if (record.errors.length > 0) {
    lines.push('Codes:')
    for (const e of record.errors) {
      const explained = explainCode(e.code, e.message)
      lines.push(`- ${e.code}: ${e.message}${explained.known ? ` — ${explained.meaning}` : ''}`)
    }
  } else if (record.httpStatus !== null && (record.httpStatus < 200 || record.httpStatus >= 300)) {
    lines.push(`HTTP meaning: ${explainHttpStatus(record.httpStatus).meaning}`)
  }
  if (record.failureReason) lines.push(`Reason: ${record.failureReason}`)
  lines.push(`Duration: ${formatDuration(record.durationMs)}`)
  lines.push(`Attempt id: ${record.id}${record.retryOf !== null ? ` (retry of #${record.retryOf})` : ''}`)
  return lines.join('\n')
}
