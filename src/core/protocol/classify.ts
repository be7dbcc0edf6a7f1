import type { ApiError } from '../../shared/domain/attempt.ts'
import type { Outcome } from '../../shared/domain/outcome.ts'

// Turning what came back (or what went wrong) into an outcome. The rule that matters most:
// if the request may have reached the server and no answer came, the outcome is `unknown`,
// because the card may have been enrolled.

export interface ResponseClassification {
  outcome: Outcome
  errors: ApiError[]
}

/**
 * 2xx without errors → enrolled (whatever the body; the docs show no success sample);
 * any status with a non-empty `errors` array → rejected; any other non-2xx → failed.
 */
export function classifyResponse(httpStatus: number, bodyText: string): ResponseClassification {
  const errors = readErrors(bodyText)
  // E20 is a timeout inside Interswitch: the card may or may not be enrolled, so it is
  // an unknown outcome (flagged before any resend), not a plain rejection.
  if (errors.some((e) => e.code.trim().toUpperCase() === 'E20')) return { outcome: 'unknown', errors }
  if (errors.length > 0) return { outcome: 'rejected', errors }
  if (httpStatus >= 200 && httpStatus < 300) return { outcome: 'enrolled', errors: [] }
  return { outcome: 'failed', errors: [] }
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
export type TransportProblem = 'refused' | 'dns' | 'never-connected' | 'timeout' | 'connection-lost' | 'aborted' | 'other'

export interface TransportDescription {
  problem: TransportProblem
  /** The most specific code or name found in the error chain (e.g. ECONNREFUSED), for logs. */
  detail: string
}

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
]
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

const CHECK_BEFORE_RETRY = 'the card may or may not be enrolled. Check before retrying.'

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
  if (!context.mayHaveBeenSent) return failed(`The request could not be sent (${detail}).`)
  switch (problem) {
    case 'timeout':
      return unknown(`No answer within ${formatSeconds(context.timeoutMs)}; ${CHECK_BEFORE_RETRY}`)
    case 'connection-lost':
      return unknown(`The connection to ${where} was lost before an answer came (${detail}); ${CHECK_BEFORE_RETRY}`)
    case 'aborted':
      return unknown(`The request was cancelled before an answer came; ${CHECK_BEFORE_RETRY}`)
    default:
      return unknown(`The request failed in an unexpected way (${detail}); ${CHECK_BEFORE_RETRY}`)
  }
}

function failed(failureReason: string): TransportClassification {
  return { outcome: 'failed', failureReason }
}

function unknown(failureReason: string): TransportClassification {
  return { outcome: 'unknown', failureReason }
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
