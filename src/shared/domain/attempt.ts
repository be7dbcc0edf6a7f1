import type { EnvironmentId } from './environments.ts'
import type { Outcome } from './outcome.ts'
import type { SignatureMethod } from './signatureMethods.ts'

export type Channel = 'console' | 'cli'

export interface ApiError {
  code: string
  message: string
}

/**
 * One enrollment attempt as stored in history. Written before the request is sent (outcome
 * `unknown`, finishedAt null) and completed after, so a crash leaves an `unknown` row.
 * Never holds the client secret, the bearer token or the Signature value.
 */
export interface AttemptRecord {
  id: number
  startedAt: number // ms since epoch
  finishedAt: number | null
  environment: EnvironmentId
  baseUrl: string
  channel: Channel
  operator: string
  appVersion: string
  clientId: string
  paymentId: string
  phone: string // MSISDN
  transactionRef: string
  signatureMethod: SignatureMethod
  /** Full URL the request went to. */
  requestUrl: string
  /** Non-secret request headers only: Content-Type, Timestamp, Nonce, SignatureMethod, AuthKeyVersion. */
  requestHeaders: Record<string, string>
  requestBody: string
  httpStatus: number | null
  responseHeaders: Record<string, string> | null
  responseBody: string | null
  outcome: Outcome
  errors: ApiError[]
  /** Why a `failed`/`unknown` attempt got no usable answer, in plain words. */
  failureReason: string | null
  tokenMs: number | null
  requestMs: number | null
  durationMs: number | null
  /** Server clock minus local clock (ms), read from the response Date header. */
  clockOffsetMs: number | null
  /** The attempt this one retried, if any. */
  retryOf: number | null
}

/**
 * Where a team-scope row was made: the console (one data folder) that shipped it to the team
 * database. Only team history rows carry it; a local row is this console's own.
 */
export interface AttemptOrigin {
  consoleId: string
  /** The machine (host name) of that console. */
  machine: string
  /** The attempt's id in that console's own history (the row's `id` is the team-wide one). */
  localId: number
}

/** What a history list row needs; the detail view fetches the full record. */
export type AttemptSummary = Pick<
  AttemptRecord,
  | 'id'
  | 'startedAt'
  | 'finishedAt'
  | 'environment'
  | 'channel'
  | 'operator'
  | 'paymentId'
  | 'phone'
  | 'transactionRef'
  | 'outcome'
  | 'httpStatus'
  | 'durationMs'
  | 'retryOf'
> & {
  errorCodes: string[]
  /**
   * Set while the attempt is being sent by the process that serves this list: its row still
   * says `unknown` (written before sending), but its process is alive and waiting for the
   * answer. An unfinished row without it is truly unknown (its process is gone).
   */
  inFlight?: true
  /** Team scope only: which console made the attempt (machine, its local id). */
  origin?: AttemptOrigin
}

/** Non-secret headers kept in history; anything else is dropped before storing. */
export const STORED_REQUEST_HEADERS = ['Content-Type', 'Timestamp', 'Nonce', 'SignatureMethod', 'AuthKeyVersion'] as const

/** The STORED_REQUEST_HEADERS found in `headers`; Authorization and Signature are never kept. */
export function pickStoredHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const name of STORED_REQUEST_HEADERS) {
    const value = headers[name]
    if (value !== undefined) kept[name] = value
  }
  return kept
}
