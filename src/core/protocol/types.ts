import type { ApiError } from '../../shared/domain/attempt.ts'
import type { Outcome } from '../../shared/domain/outcome.ts'
import type { SignatureMethod } from '../../shared/domain/signatureMethods.ts'

/**
 * The transport: Electron's net.fetch in the app, Node's own HTTP client in the CLI
 * (httpTransport.ts), fetch in tests. Only what the core sends and reads is named, so that a
 * fetch Response fits as it is.
 */
export type FetchLike = (input: string, init: TransportRequest) => Promise<TransportAnswer>

export interface TransportRequest {
  method: 'POST'
  headers: Record<string, string>
  body: string
  /** Redirects are never followed: a 3xx is the answer. */
  redirect: 'manual'
  signal: AbortSignal
}

/** What the core reads of an answer (a fetch Response has all of it). */
export interface TransportAnswer {
  status: number
  /** 'opaqueredirect' when a fetch refused to follow a redirect (it then has no status). */
  type?: string
  headers: { forEach(callback: (value: string, name: string) => void): void }
  body: AnswerBody | null
}

export interface AnswerBody {
  getReader(): AnswerReader
  cancel(): Promise<void>
}

export interface AnswerReader {
  read(): Promise<{ done: true; value?: Uint8Array | undefined } | { done: false; value: Uint8Array }>
  cancel(): Promise<void>
  releaseLock(): void
}

export interface Credentials {
  clientId: string
  clientSecret: string
}

export interface EnrollTarget {
  baseUrl: string
  passportUrl: string
  credentials: Credentials
  signatureMethod: SignatureMethod
}

export interface EnrollBody {
  paymentId: string
  mobilePhoneNumber: string
  transactionRef: string
}

/** Everything learned from one enrollment call; holds no secret, token or Signature. */
export interface EnrollCallResult {
  outcome: Outcome
  httpStatus: number | null
  responseHeaders: Record<string, string> | null
  responseBody: string | null
  errors: ApiError[]
  failureReason: string | null
  tokenMs: number | null
  requestMs: number | null
  clockOffsetMs: number | null
  /** Non-secret headers of the last request sent (Content-Type, Timestamp, Nonce, SignatureMethod, AuthKeyVersion). */
  requestHeaders: Record<string, string>
}

/** A bearer token, and how long this call spent fetching it (null when it came from the cache). */
export interface TokenLease {
  token: string
  fetchedMs: number | null
}

/** Bearer tokens per (Passport URL, client id, secret); see tokenCache.ts. */
export interface TokenCache {
  /** Throws a TokenError (tokenCache.ts) when no token can be had. */
  get(passportUrl: string, credentials: Credentials): Promise<TokenLease>
  /**
   * Forgets the cached token(s) of this client, e.g. after the API answered 401. With the
   * token that was refused: ignored when that token was already invalidated, so that many
   * requests refused with one token (a bulk run) refresh it once.
   */
  invalidate(passportUrl: string, clientId: string, refusedToken?: string): void
}

export interface EnrollHooks {
  /**
   * Called just before each request leaves (twice when a 401 is retried), with the non-secret
   * headers only. Throwing stops the request from being sent.
   */
  beforeSend?(requestHeaders: Record<string, string>, url: string): void
}

export interface EnrollClient {
  enroll(target: EnrollTarget, body: EnrollBody, hooks?: EnrollHooks): Promise<EnrollCallResult>
}
