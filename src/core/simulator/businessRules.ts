import type { Outcome } from '../../shared/domain/outcome.ts'

// What the training server does with a well-formed, correctly signed enrollment, decided only
// by the last digits of the paymentId, so that every outcome can be produced on purpose.
// The table is data so the README and the UI can list it; the server walks it in order.

export type TrainingEffect =
  /** JSON `{ errors: [{code, message}], transactionRef, paymentId }`. */
  | { kind: 'reject'; httpStatus: number; code: string; message: string }
  /** A non-JSON error page, as a proxy or a crashed server would send. */
  | { kind: 'plain-error'; httpStatus: number; body: string }
  /** No answer until the server's hangMs has passed (then 504 E20); nothing is enrolled. */
  | { kind: 'hang' }
  /** The connection is destroyed once the request has been read; nothing is enrolled. */
  | { kind: 'drop' }
  /** Enrolled (recorded at once), answered 200 after delayMs. */
  | { kind: 'enroll'; delayMs: number }

export interface TrainingRule {
  /** Last digits of the paymentId that trigger the rule; '' matches every id; null = the "already enrolled" check. */
  suffix: string | null
  /** What happens, in plain words. */
  description: string
  /** What the console should show for it. */
  outcome: Outcome
  effect: TrainingEffect
}

export const NOT_ALLOWED_MESSAGE = 'Payments is not allowed for auto enrollment'
export const OTP_ERROR_MESSAGE = 'An OTP related error has occured, please contact support.'

export const TRAINING_RULES: readonly TrainingRule[] = [
  {
    suffix: '403',
    description: 'Rejected with 10403 “Payments is not allowed for auto enrollment”.',
    outcome: 'rejected',
    effect: { kind: 'reject', httpStatus: 400, code: '10403', message: NOT_ALLOWED_MESSAGE },
  },
  {
    suffix: '002',
    description: 'Rejected with -2 “An OTP related error has occured, please contact support.”',
    outcome: 'rejected',
    effect: { kind: 'reject', httpStatus: 400, code: '-2', message: OTP_ERROR_MESSAGE },
  },
  {
    suffix: null,
    description: 'A payment id already enrolled on this server: rejected with 10403.',
    outcome: 'rejected',
    effect: { kind: 'reject', httpStatus: 400, code: '10403', message: NOT_ALLOWED_MESSAGE },
  },
  {
    suffix: '034',
    description: 'Rejected with E34 “System busy” (HTTP 503).',
    outcome: 'rejected',
    effect: { kind: 'reject', httpStatus: 503, code: 'E34', message: 'System busy, please try again later' },
  },
  {
    suffix: '500',
    description: 'HTTP 500 with a plain-text “Internal Server Error” page (no JSON).',
    outcome: 'failed',
    effect: { kind: 'plain-error', httpStatus: 500, body: 'Internal Server Error' },
  },
  {
    suffix: '999',
    description: 'No answer (the server waits, 2 minutes by default): the console times out with outcome unknown. Nothing is enrolled.',
    outcome: 'unknown',
    effect: { kind: 'hang' },
  },
  {
    suffix: '998',
    description: 'The connection is dropped after the request is read: outcome unknown. Nothing is enrolled.',
    outcome: 'unknown',
    effect: { kind: 'drop' },
  },
  {
    suffix: '777',
    description: 'Enrolled, but the answer takes 1.5 s (to see a request in flight).',
    outcome: 'enrolled',
    effect: { kind: 'enroll', delayMs: 1500 },
  },
  {
    suffix: '',
    description: 'Any other payment id: enrolled (HTTP 200); enrolling it again gives 10403.',
    outcome: 'enrolled',
    effect: { kind: 'enroll', delayMs: 0 },
  },
]

/** The first rule that applies; the table ends with a catch-all, so there always is one. */
export function decideTrainingRule(paymentId: string, alreadyEnrolled: boolean): TrainingRule {
  const rule = TRAINING_RULES.find((r) => (r.suffix === null ? alreadyEnrolled : paymentId.endsWith(r.suffix)))
  if (!rule) throw new Error('TRAINING_RULES must end with a catch-all rule')
  return rule
}
