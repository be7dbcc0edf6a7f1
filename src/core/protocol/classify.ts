import type { ApiError } from '../../shared/domain/attempt.ts'
import type { Outcome } from '../../shared/domain/outcome.ts'

// Turning what came back (or what went wrong) into an outcome. The rule that matters most:
// if the request may have reached the server and no answer came, the outcome is `unknown`,
// because the card may have been enrolled.

// --- the outcome table -------------------------------------------------------------------

export interface OutcomeRule {
  /** What came back, or what went wrong. */
  when: string
  outcome: Outcome
  /** Whether the enrollment may have been processed: "no", "maybe" (unknown outcome) or "yes". */
  processed: 'no' | 'maybe' | 'yes'
}

/**
 * The one table of what each transport result and answer means, first matching row wins (the
 * README's "Outcomes" section lists the same rows; classify.test.ts holds them equal). Every
 * "maybe" is an `unknown` outcome: never retried automatically, and the duplicate guard warns
 * before the payment is sent again.
 */
export const OUTCOME_TABLE = {
  notConnected: { when: 'No connection could be made (refused, DNS, unreachable, TLS refused)', outcome: 'failed', processed: 'no' },
  timeout: { when: 'No answer within the timeout after the request left', outcome: 'unknown', processed: 'maybe' },
  connectionLost: { when: 'Connection reset or closed before an answer', outcome: 'unknown', processed: 'maybe' },
  cancelled: { when: 'Cancelled, or any other error, after the request may have left', outcome: 'unknown', processed: 'maybe' },
  cutOff: { when: 'Status line received, then the body broke off or went silent', outcome: 'unknown', processed: 'maybe' },
  redirect: { when: 'HTTP 3xx (a redirect; never followed, nothing is sent to its Location)', outcome: 'failed', processed: 'no' },
  e20: { when: 'Error code E20 (timeout inside Interswitch), any status', outcome: 'unknown', processed: 'maybe' },
  apiErrors: { when: 'Any other API error code in the body, any status', outcome: 'rejected', processed: 'yes' },
  gateway: { when: 'HTTP 502 Bad Gateway or 504 Gateway Timeout without error codes', outcome: 'unknown', processed: 'maybe' },
  success: { when: 'HTTP 2xx without error codes', outcome: 'enrolled', processed: 'yes' },
  otherStatus: { when: 'Any other HTTP status without error codes (4xx, 500, 503…)', outcome: 'failed', processed: 'no' },
} as const satisfies Record<string, OutcomeRule>

/** Statuses sent by a gateway that could not get, or wait for, the API's answer. */
const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 504])

const CHECK_BEFORE_RETRY = 'the card may or may not be enrolled. Check before retrying.'

export interface ResponseClassification {
  outcome: Outcome
  errors: ApiError[]
  /** Why, in plain words, when the status line says more than the generic HTTP explanation. */
  reason: string | null
}

/** What an answer means, by the rows of OUTCOME_TABLE from `redirect` on. */
export function classifyResponse(httpStatus: number, bodyText: string): ResponseClassification {
  if (httpStatus >= 300 && httpStatus < 400) {
    return {
      outcome: OUTCOME_TABLE.redirect.outcome,
      errors: [],
      reason: `The server answered with a redirect (HTTP ${httpStatus}). Redirects are never followed, so nothing was sent to the address it named; the enrollment was not accepted. Check the environment's base URL.`,
    }
  }
  const errors = readErrors(bodyText)
  // E20 is a timeout inside Interswitch: the card may or may not be enrolled, so it is
  // an unknown outcome (flagged before any resend), not a plain rejection.
  if (errors.some((e) => e.code.trim().toUpperCase() === 'E20')) return { outcome: OUTCOME_TABLE.e20.outcome, errors, reason: null }
  if (errors.length > 0) return { outcome: OUTCOME_TABLE.apiErrors.outcome, errors, reason: null }
  if (GATEWAY_STATUSES.has(httpStatus)) {
    const what = httpStatus === 502 ? 'Bad Gateway' : 'Gateway Timeout'
    return {
      outcome: OUTCOME_TABLE.gateway.outcome,
      errors: [],
      reason: `A gateway answered HTTP ${httpStatus} (${what}): the request may have reached the enrollment API behind it and been processed; ${CHECK_BEFORE_RETRY}`,
    }
  }
  if (httpStatus >= 200 && httpStatus < 300) return { outcome: OUTCOME_TABLE.success.outcome, errors: [], reason: null }
  return { outcome: OUTCOME_TABLE.otherStatus.outcome, errors: [], reason: null }
}

function readErrors(bodyText: string): ApiError[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(bodyText)
  } catch {
    return []
  }
  if (typeof parsed !== 'object' || parsed === null || !('errors' in parsed) || !Array.isArray(parsed.errors)) return []
  return parsed.errors.map(toApiError)
}

function toApiError(entry: unknown): ApiError {
  if (typeof entry === 'object' && entry !== null) {
    const { code, message } = entry as { code?: unknown; message?: unknown }
    return { code: asText(code), message: asText(message) }
  }
  // A bare string or number in the array: keep it visible as the message.
  return { code: '', message: asText(entry) }
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value)
}

// --- transport errors -------------------------------------------------------------------

/**
 * never-connected: no connection was made, so nothing was sent (refused, DNS, unreachable,
 * TLS handshake refused). The others may have happened after the request left.
 */
export type TransportProblem = 'refused' | 'dns' | 'never-connected' | 'redirect' | 'timeout' | 'connection-lost' | 'aborted' | 'other'

export interface TransportDescription {
  problem: TransportProblem
  /** The most specific code or name found in the error chain (e.g. ECONNREFUSED), for logs. */
  detail: string
}

/** The code of an error before the connection (or its TLS handshake) was made (httpTransport.ts). */
export const CONNECT_FAILED = 'CONNECT_FAILED'

const REFUSED = ['ECONNREFUSED', 'net::ERR_CONNECTION_REFUSED']
const DNS = ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'net::ERR_NAME_NOT_RESOLVED', 'net::ERR_NAME_RESOLUTION_FAILED']
// Connection attempts that failed before any byte of the request could go out.
const NEVER_CONNECTED = [
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'net::ERR_ADDRESS_UNREACHABLE',
  'net::ERR_INTERNET_DISCONNECTED',
  'net::ERR_CONNECTION_TIMED_OUT',
  'net::ERR_CERT_',
  CONNECT_FAILED,
]
// A redirect refused by the transport itself: Electron's net.fetch with redirect 'manual'
// cancels it ("Redirect was cancelled") instead of answering with the 3xx.
const REDIRECT_REFUSED = ['Redirect was cancelled', "redirect policy was 'error'", 'unexpected redirect']
const CONNECTION_LOST = [
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'other side closed',
  'socket hang up',
  'net::ERR_CONNECTION_RESET',
  'net::ERR_CONNECTION_CLOSED',
  'net::ERR_EMPTY_RESPONSE',
]

/** Looks through the error, its causes and aggregated errors for a recognisable code. */
export function describeTransportError(error: unknown): TransportDescription {
  const facts = collectFacts(error)
  const has = (needles: string[]) => needles.find((needle) => facts.some((fact) => fact.includes(needle)))
  const firstCode = facts.find((f) => /^[A-Z][A-Z_]+$/.test(f) || f.startsWith('net::')) ?? facts[0] ?? 'unknown error'
  let found: string | undefined
  if ((found = has(REFUSED))) return { problem: 'refused', detail: found }
  if ((found = has(DNS))) return { problem: 'dns', detail: found }
  if ((found = has(NEVER_CONNECTED))) return { problem: 'never-connected', detail: found }
  if ((found = has(REDIRECT_REFUSED))) return { problem: 'redirect', detail: found }
  if ((found = has(['TimeoutError', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'net::ERR_TIMED_OUT']))) {
    return { problem: 'timeout', detail: found }
  }
  if ((found = has(CONNECTION_LOST))) return { problem: 'connection-lost', detail: found }
  if ((found = has(['AbortError', 'net::ERR_ABORTED']))) return { problem: 'aborted', detail: found }
  return { problem: 'other', detail: firstCode.slice(0, 120) }
}

/** Codes, names and messages along the cause chain (bounded, in case of cycles). */
function collectFacts(error: unknown): string[] {
  const facts: string[] = []
  const queue: unknown[] = [error]
  for (let i = 0; i < queue.length && i < 20; i++) {
    const current = queue[i]
    if (typeof current === 'string') {
      facts.push(current)
      continue
    }
    if (typeof current !== 'object' || current === null) continue
    const e = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown }
    for (const value of [e.code, e.name, e.message]) if (typeof value === 'string' && value !== '') facts.push(value)
    if (e.cause !== undefined) queue.push(e.cause)
    if (Array.isArray(e.errors)) queue.push(...e.errors)
  }
  return facts
}

export interface TransportClassification {
  outcome: 'failed' | 'unknown'
  failureReason: string
}

export interface TransportContext {
  /** False when the error happened before the request could have left this machine. */
  mayHaveBeenSent: boolean
  /** The timeout that was set, to say "no answer within N s". */
  timeoutMs: number
  /** Where the request was going, named in the reason. */
  url?: string
}

export function classifyTransportError(error: unknown, context: TransportContext): TransportClassification {
  const { problem, detail } = describeTransportError(error)
  const where = context.url ? hostOf(context.url) : 'the server'
  switch (problem) {
    case 'refused':
      return failed(`Connection to ${where} was refused (nothing is listening there); the request was not sent. Check the environment's base URL and that the server is running.`)
    case 'dns':
      return failed(`The server name ${where} could not be found (DNS); the request was not sent. Check the environment's base URL and the network connection.`)
    case 'never-connected':
      return failed(`No connection could be made to ${where} (${detail}); the request was not sent. Check the network and the environment's base URL.`)
  }
  if (problem === 'redirect') {
    return {
      outcome: OUTCOME_TABLE.redirect.outcome,
      failureReason: `${where} answered with a redirect. Redirects are never followed, so nothing was sent to the address it named; the enrollment was not accepted. Check the environment's base URL.`,
    }
  }
  if (!context.mayHaveBeenSent) return failed(`The request could not be sent (${detail}).`)
  switch (problem) {
    case 'timeout':
      return unknown(OUTCOME_TABLE.timeout, `No answer within ${formatSeconds(context.timeoutMs)}; ${CHECK_BEFORE_RETRY}`)
    case 'connection-lost':
      return unknown(OUTCOME_TABLE.connectionLost, `The connection to ${where} was lost before an answer came (${detail}); ${CHECK_BEFORE_RETRY}`)
    case 'aborted':
      return unknown(OUTCOME_TABLE.cancelled, `The request was cancelled before an answer came; ${CHECK_BEFORE_RETRY}`)
    default:
      return unknown(OUTCOME_TABLE.cancelled, `The request failed in an unexpected way (${detail}); ${CHECK_BEFORE_RETRY}`)
  }
}

function failed(failureReason: string): TransportClassification {
  return { outcome: OUTCOME_TABLE.notConnected.outcome, failureReason }
}

function unknown(rule: { outcome: 'unknown' }, failureReason: string): TransportClassification {
  return { outcome: rule.outcome, failureReason }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  const seconds = ms / 1000
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`
}
