import { pickStoredHeaders, type ApiError } from '../../shared/domain/attempt.ts'
import { ENROLL_PATH } from '../../shared/domain/environments.ts'
import { explainHttpStatus } from '../../shared/domain/errorCodes.ts'
import { MIN_SECRET_LENGTH } from '../../shared/domain/secretRule.ts'
import { isSignatureMethod } from '../../shared/domain/signatureMethods.ts'
import { createValueScrubber } from '../log/redact.ts'
import { discardBody, isRedirect, MAX_ANSWER_BYTES, readBoundedText, TRUNCATED_MARKER } from './boundedBody.ts'
import { classifyResponse, classifyTransportError } from './classify.ts'
import { checkTargetUrls } from './targetUrls.ts'
import { buildCipher, sign } from './signer.ts'
import { TokenError } from './tokenCache.ts'
import type { EnrollBody, EnrollCallResult, EnrollClient, EnrollHooks, EnrollTarget, FetchLike, TokenCache, TransportAnswer } from './types.ts'

// One enrollment call: token, signed request, classified answer. Retries exactly once, and only
// after an HTTP 401 (the request was not processed). Everything else — timeouts above all — is
// returned as it is: a second enrollment must be the operator's decision.
// At the boundary: both URLs must pass the URL rule (shared/domain/apiUrl.ts) and the
// Signature is computed over exactly the normalised URL that is fetched; redirects are never
// followed; at most MAX_ANSWER_BYTES of an answer are read.

export interface EnrollClientOptions {
  fetch: FetchLike
  now: () => number
  nonce: () => string
  tokens: TokenCache
  /** How long to wait for the enrollment answer (default 30 s). */
  timeoutMs?: number
}

type Sent =
  | { kind: 'answer'; status: number; headers: Record<string, string>; body: string; truncated: boolean; requestMs: number; answeredAt: number }
  | { kind: 'transport'; error: unknown; requestMs: number; status: number | null; headers: Record<string, string> | null }

export function createEnrollClient(options: EnrollClientOptions): EnrollClient {
  const { fetch, now, nonce, tokens } = options
  const timeoutMs = options.timeoutMs ?? 30_000

  async function enroll(target: EnrollTarget, body: EnrollBody, hooks?: EnrollHooks): Promise<EnrollCallResult> {
    const { credentials } = target
    const requestBody = JSON.stringify({ paymentId: String(body.paymentId), mobilePhoneNumber: String(body.mobilePhoneNumber), transactionRef: String(body.transactionRef) })
    // Everything secret this call touches, scrubbed from anything it returns (defence in depth).
    const secrets = new Set<string>([credentials.clientSecret])
    const timing = { tokenMs: null as number | null, requestMs: null as number | null }
    if (!isSignatureMethod(target.signatureMethod)) {
      return notSent(`Unsupported signature method "${String(target.signatureMethod)}"; choose SHA1, SHA-256 or SHA-512. Nothing was sent.`, timing)
    }
    // Settings edited behind the app's back are checked here, where they are used.
    const urls = checkTargetUrls(target)
    if (!urls.ok) return notSent(urls.reason, timing)
    if (credentials.clientSecret.length < MIN_SECRET_LENGTH) {
      return notSent(`The stored client secret is shorter than ${MIN_SECRET_LENGTH} characters; enter the credentials again in Settings. Nothing was sent.`, timing)
    }
    const url = `${urls.baseUrl}${ENROLL_PATH}`
    // The URL that is signed must be the URL fetch sends: its parser must leave it as it is.
    if (new URL(url).href !== url) return notSent('The enrollment URL does not survive URL parsing unchanged, so it cannot be signed. Nothing was sent.', timing)
    const passportUrl = urls.passportUrl

    const token = await getToken(passportUrl, credentials, timing)
    if (!token.ok) return scrub(notSent(token.reason, timing), secrets, credentials)
    secrets.add(token.value)

    let attempt = await send(url, target, token.value, requestBody, secrets, hooks, timing)
    if (attempt.sent.kind === 'answer' && attempt.sent.status === 401) {
      tokens.invalidate(passportUrl, credentials.clientId, token.value)
      const fresh = await getToken(passportUrl, credentials, timing)
      if (!fresh.ok) {
        const first = toResult(attempt.sent, attempt.headers, timing, timeoutMs, url)
        return scrub({ ...first, failureReason: `The server refused the access token (HTTP 401) and a new one could not be had: ${fresh.reason}` }, secrets, credentials)
      }
      secrets.add(fresh.value)
      attempt = await send(url, target, fresh.value, requestBody, secrets, hooks, timing)
    }
    return scrub(toResult(attempt.sent, attempt.headers, timing, timeoutMs, url), secrets, credentials)
  }

  async function getToken(
    passportUrl: string,
    credentials: EnrollTarget['credentials'],
    timing: { tokenMs: number | null },
  ): Promise<{ ok: true; value: string } | { ok: false; reason: string }> {
    const started = now()
    try {
      const lease = await tokens.get(passportUrl, credentials)
      if (lease.fetchedMs !== null) timing.tokenMs = (timing.tokenMs ?? 0) + lease.fetchedMs
      return { ok: true, value: lease.token }
    } catch (error) {
      timing.tokenMs = (timing.tokenMs ?? 0) + Math.max(0, now() - started)
      const reason = error instanceof TokenError ? error.message : 'Could not get an access token (unexpected error). Nothing was sent to the enrollment API.'
      return { ok: false, reason }
    }
  }

  async function send(
    url: string,
    target: EnrollTarget,
    token: string,
    requestBody: string,
    secrets: Set<string>,
    hooks: EnrollHooks | undefined,
    timing: { requestMs: number | null },
  ): Promise<{ sent: Sent; headers: Record<string, string> }> {
    const timestamp = String(Math.floor(now() / 1000))
    const nonceValue = nonce()
    const signature = sign(
      buildCipher({ method: 'POST', url, timestamp, nonce: nonceValue, clientId: target.credentials.clientId, clientSecret: target.credentials.clientSecret }),
      target.signatureMethod,
    )
    secrets.add(signature)
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
      Timestamp: timestamp,
      Nonce: nonceValue,
      Signature: signature,
      SignatureMethod: target.signatureMethod,
      AuthKeyVersion: '1',
    }
    const storedHeaders = pickStoredHeaders(headers)
    hooks?.beforeSend?.({ ...storedHeaders }, url)

    const started = now()
    const elapsed = () => Math.max(0, now() - started)
    // The timeout as AbortSignal.timeout() would abort (a TimeoutError), but its timer is
    // cleared once the answer is read: AbortSignal.timeout() keeps timer, signal and fetch's
    // listeners alive for the whole timeout after the answer — in a bulk run, 30 s worth of
    // requests moved to V8's old generation, and with it the heap's size.
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs)
    try {
      let response: TransportAnswer
      try {
        response = await fetch(url, { method: 'POST', headers, body: requestBody, redirect: 'manual', signal: deadline.signal })
      } catch (error) {
        return done({ kind: 'transport', error, requestMs: elapsed(), status: null, headers: null })
      }
      const responseHeaders = plainHeaders(response.headers)
      if (isRedirect(response)) {
        // Never followed: the answer is the redirect itself (an opaque one has no status: 302 stands for it).
        discardBody(response)
        return done({ kind: 'answer', status: response.status || 302, headers: responseHeaders, body: '', truncated: false, requestMs: elapsed(), answeredAt: now() })
      }
      try {
        const { text: body, truncated } = await readBoundedText(response, MAX_ANSWER_BYTES)
        return done({ kind: 'answer', status: response.status, headers: responseHeaders, body, truncated, requestMs: elapsed(), answeredAt: now() })
      } catch (error) {
        // The status line came but the body was cut off: what the server did is not known.
        return done({ kind: 'transport', error, requestMs: elapsed(), status: response.status, headers: responseHeaders })
      }
    } finally {
      clearTimeout(timer)
    }

    function done(sent: Sent) {
      timing.requestMs = (timing.requestMs ?? 0) + sent.requestMs
      return { sent, headers: storedHeaders }
    }
  }

  return { enroll }
}

function toResult(
  sent: Sent,
  requestHeaders: Record<string, string>,
  timing: { tokenMs: number | null; requestMs: number | null },
  timeoutMs: number,
  url: string,
): EnrollCallResult {
  if (sent.kind === 'transport') {
    const { outcome, failureReason } = classifyTransportError(sent.error, { mayHaveBeenSent: true, timeoutMs, url })
    const reason = sent.status === null ? failureReason : `HTTP ${sent.status} arrived but the answer was cut off. ${failureReason}`
    return {
      outcome: sent.status === null ? outcome : 'unknown',
      httpStatus: sent.status,
      responseHeaders: sent.headers,
      responseBody: null,
      errors: [],
      failureReason: reason,
      ...timing,
      clockOffsetMs: null,
      requestHeaders,
    }
  }
  // A cut body rarely parses; the outcome then follows the status line (classify.ts).
  const { outcome, errors, reason } = classifyResponse(sent.status, sent.body)
  return {
    outcome,
    httpStatus: sent.status,
    responseHeaders: sent.headers,
    responseBody: sent.truncated ? `${sent.body}${TRUNCATED_MARKER}` : sent.body,
    errors,
    failureReason: reason ?? (outcome === 'failed' ? explainHttpStatus(sent.status).meaning : null),
    ...timing,
    clockOffsetMs: clockOffset(sent.headers.date, sent.answeredAt),
    requestHeaders,
  }
}

function notSent(reason: string, timing: { tokenMs: number | null; requestMs: number | null }): EnrollCallResult {
  return {
    outcome: 'failed',
    httpStatus: null,
    responseHeaders: null,
    responseBody: null,
    errors: [],
    failureReason: reason,
    ...timing,
    clockOffsetMs: null,
    requestHeaders: {},
  }
}

function plainHeaders(headers: TransportAnswer['headers']): Record<string, string> {
  const plain: Record<string, string> = {}
  headers.forEach((value, name) => {
    plain[name.toLowerCase()] = value
  })
  return plain
}

/** Server clock minus local clock, from the Date header (1 s resolution). */
function clockOffset(dateHeader: string | undefined, localMs: number): number | null {
  if (!dateHeader) return null
  const serverMs = Date.parse(dateHeader)
  return Number.isNaN(serverMs) ? null : serverMs - localMs
}

/**
 * Hides every secret value this call touched (client secret, tokens, Signatures, the Basic
 * credentials) from what it returns, in any encoding a server may echo them in (redact.ts
 * createValueScrubber) — e.g. a proxy echoing the request headers back.
 */
function scrub(result: EnrollCallResult, secrets: Set<string>, credentials: EnrollTarget['credentials']): EnrollCallResult {
  const clean = createValueScrubber({ values: secrets, basicPairs: [credentials] })
  const cleanRecord = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, clean(v)]))
  const errors: ApiError[] = result.errors.map((e) => ({ code: clean(e.code), message: clean(e.message) }))
  return {
    ...result,
    responseHeaders: result.responseHeaders && cleanRecord(result.responseHeaders),
    responseBody: result.responseBody === null ? null : clean(result.responseBody),
    errors,
    failureReason: result.failureReason === null ? null : clean(result.failureReason),
    requestHeaders: cleanRecord(result.requestHeaders),
  }
}
