import { createHash } from 'node:crypto'
import { checkApiUrl } from '../../shared/domain/apiUrl.ts'
import { TOKEN_PATH } from '../../shared/domain/environments.ts'
import { discardBody, isRedirect, MAX_ANSWER_BYTES, readBoundedText } from './boundedBody.ts'
import { describeTransportError } from './classify.ts'
import type { Credentials, FetchLike, TokenCache, TokenLease, TransportAnswer } from './types.ts'

// Passport bearer tokens, cached until shortly before they expire. Concurrent callers for the
// same client share one fetch. Nothing here ever puts the secret or a token into a message.
// The token endpoint gets the Basic credentials, so a redirect is never followed (nothing is
// sent to its Location) and its answer is read up to MAX_ANSWER_BYTES only.

export type TokenErrorKind = 'rejected' | 'unreachable' | 'bad-answer' | 'bad-url'

export class TokenError extends Error {
  override readonly name = 'TokenError'
  readonly kind: TokenErrorKind
  readonly httpStatus: number | undefined

  constructor(kind: TokenErrorKind, message: string, httpStatus?: number) {
    super(message)
    this.kind = kind
    this.httpStatus = httpStatus
  }
}

export interface TokenCacheOptions {
  fetch: FetchLike
  now: () => number
  /** Treat a token as expired this long before the server would (default 60 s). */
  safetyMarginMs?: number
  /** Give up on the token server after this long (default 30 s). */
  timeoutMs?: number
}

const DEFAULT_EXPIRES_IN_S = 3600

interface Entry {
  token: string
  expiresAtMs: number
}

export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const { fetch, now } = options
  const marginMs = options.safetyMarginMs ?? 60_000
  const timeoutMs = options.timeoutMs ?? 30_000
  const cache = new Map<string, Entry>()
  const inFlight = new Map<string, Promise<Entry>>()

  async function get(passportUrl: string, credentials: Credentials): Promise<TokenLease> {
    const base = passportBase(passportUrl)
    const key = cacheKey(base, credentials)
    const cached = cache.get(key)
    if (cached && now() < cached.expiresAtMs) return { token: cached.token, fetchedMs: null }

    const started = now()
    let pending = inFlight.get(key)
    if (!pending) {
      const generation = generationOf(key)
      const fetching: Promise<Entry> = fetchToken(base, credentials, started)
        .then((entry) => {
          // A fetch that was running when invalidate() came must not refill the cache.
          if (generationOf(key) === generation) cache.set(key, entry)
          return entry
        })
        .finally(() => {
          if (inFlight.get(key) === fetching) inFlight.delete(key)
        })
      pending = fetching
      inFlight.set(key, pending)
    }
    const entry = await pending
    return { token: entry.token, fetchedMs: Math.max(0, now() - started) }
  }

  // Bumped by invalidate(), per client (Passport URL + client id, any secret).
  const generations = new Map<string, number>()
  function generationOf(key: string): number {
    return generations.get(clientPrefix(key)) ?? 0
  }

  // Per client: the last token invalidated by the one refused (only its hash is kept).
  const refused = new Map<string, string>()

  function invalidate(passportUrl: string, clientId: string, refusedToken?: string): void {
    const checked = checkApiUrl(passportUrl)
    if (!checked.ok) return
    const prefix = `${checked.url}\n${clientId}\n`
    if (refusedToken !== undefined) {
      const hash = createHash('sha256').update(refusedToken, 'utf8').digest('hex')
      if (refused.get(prefix) === hash) return // already refreshed (or being refreshed) after this token
      refused.set(prefix, hash)
    }
    generations.set(prefix, (generations.get(prefix) ?? 0) + 1)
    for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key)
    // The next get() starts a fresh fetch instead of joining one that began before.
    for (const key of [...inFlight.keys()]) if (key.startsWith(prefix)) inFlight.delete(key)
  }

  async function fetchToken(base: string, credentials: Credentials, started: number): Promise<Entry> {
    const url = `${base}${TOKEN_PATH}`
    let response: TransportAnswer
    let text: string
    try {
      response = await fetch(url, {
        redirect: 'manual',
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, 'utf8').toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(timeoutMs),
      })
      if (isRedirect(response)) {
        discardBody(response)
        throw redirected(response.status || undefined)
      }
      text = (await readBoundedText(response, MAX_ANSWER_BYTES)).text
    } catch (error) {
      if (error instanceof TokenError) throw error
      if (describeTransportError(error).problem === 'redirect') throw redirected(undefined)
      throw unreachable(url, error, timeoutMs)
    }
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      const code = oauthErrorCode(text)
      throw new TokenError(
        'rejected',
        `The token server refused the client id and secret (HTTP ${response.status}${code ? `, ${code}` : ''}). Check the credentials stored in Settings for this environment.`,
        response.status,
      )
    }
    if (response.status < 200 || response.status >= 300) {
      const hint = response.status === 404 ? ' Check the environment’s Passport URL.' : ' Try again later.'
      throw new TokenError('bad-answer', `The token server answered HTTP ${response.status} instead of a token.${hint}`, response.status)
    }
    const answer = parseTokenAnswer(text)
    if (!answer) {
      throw new TokenError('bad-answer', `The token server answered HTTP ${response.status} but without a usable access token. Check the environment’s Passport URL.`, response.status)
    }
    const lifetimeMs = answer.expiresInS * 1000
    // A lifetime shorter than the margin would never be cached; keep such a token for half its life.
    const usableMs = lifetimeMs > marginMs ? lifetimeMs - marginMs : lifetimeMs / 2
    return { token: answer.token, expiresAtMs: started + usableMs }
  }

  return { get, invalidate }
}

/** The secret is part of the key (hashed), so a changed secret never reuses an old token. */
function cacheKey(base: string, credentials: Credentials): string {
  const secretHash = createHash('sha256').update(credentials.clientSecret, 'utf8').digest('hex')
  return `${base}\n${credentials.clientId}\n${secretHash}`
}

/** The Passport base in its normal form; a URL that fails the rule gets no token request at all. */
function passportBase(passportUrl: string): string {
  const checked = checkApiUrl(passportUrl)
  if (!checked.ok) throw new TokenError('bad-url', `The Passport URL is refused: ${checked.reason} Nothing was sent.`)
  return checked.url
}

function clientPrefix(key: string): string {
  return key.slice(0, key.lastIndexOf('\n') + 1)
}

function redirected(httpStatus: number | undefined): TokenError {
  return new TokenError(
    'bad-answer',
    `The token server answered with a redirect${httpStatus ? ` (HTTP ${httpStatus})` : ''}. Redirects are never followed, so the client id and secret were not sent anywhere else. Check the environment’s Passport URL.`,
    httpStatus,
  )
}

function unreachable(url: string, error: unknown, timeoutMs: number): TokenError {
  const { problem, detail } = describeTransportError(error)
  const host = new URL(url).host
  const why =
    problem === 'refused'
      ? 'the connection was refused'
      : problem === 'dns'
        ? 'the server name could not be found'
        : problem === 'timeout'
          ? `no answer within ${timeoutMs / 1000} s`
          : `the connection failed (${detail})`
  return new TokenError('unreachable', `Could not get an access token from ${host}: ${why}. Nothing was sent to the enrollment API.`)
}

/** OAuth `error` field (e.g. invalid_client), only when it looks like a plain code. */
function oauthErrorCode(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text)
    const code = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined
    return typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? code : undefined
  } catch {
    return undefined
  }
}

function parseTokenAnswer(text: string): { token: string; expiresInS: number } | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { access_token: token, expires_in: expiresIn } = parsed as { access_token?: unknown; expires_in?: unknown }
  if (typeof token !== 'string' || token === '') return undefined
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn
  const expiresInS = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_EXPIRES_IN_S
  return { token, expiresInS }
}
