import type { ApiError } from '../../shared/domain/attempt.ts'
import type { Outcome } from '../../shared/domain/outcome.ts'
import type { SignatureMethod } from '../../shared/domain/signatureMethods.ts'

/** The transport: globalThis.fetch under Node, Electron's net.fetch in the app. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

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
