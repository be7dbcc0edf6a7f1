import type { Credentials } from '../protocol/types.ts'

// The training server's token endpoint: client_credentials with HTTP Basic auth, as the
// Interswitch Passport does, and the registry of tokens it has issued.

export interface TokenRegistry {
  issue(credentials: Credentials): { token: string; jti: string }
  /** The credential behind a live token; expired tokens are forgotten. */
  lookup(token: string): Credentials | undefined
}

export function createTokenRegistry(options: { now: () => number; ttlSeconds: number; randomHex: (bytes: number) => string }): TokenRegistry {
  const tokens = new Map<string, { credentials: Credentials; expiresAtMs: number }>()
  return {
    issue(credentials) {
      const token = options.randomHex(32)
      tokens.set(token, { credentials, expiresAtMs: options.now() + options.ttlSeconds * 1000 })
      return { token, jti: options.randomHex(16) }
    },
    lookup(token) {
      const entry = tokens.get(token)
      if (!entry) return undefined
      if (options.now() >= entry.expiresAtMs) {
        tokens.delete(token)
        return undefined
      }
      return entry.credentials
    },
  }
}

export type TokenRequestVerdict = { ok: true; credentials: Credentials } | { ok: false; httpStatus: number; body: { error: string; error_description: string } }

/** Checks the Basic credentials first (as OAuth servers do), then the grant. */
export function checkTokenRequest(
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  known: readonly Credentials[],
): TokenRequestVerdict {
  const authorization = typeof headers.authorization === 'string' ? headers.authorization : ''
  const encoded = /^Basic\s+(\S+)$/i.exec(authorization.trim())?.[1]
  const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : ''
  const colon = decoded.indexOf(':')
  const clientId = colon > 0 ? decoded.slice(0, colon) : ''
  const clientSecret = colon > 0 ? decoded.slice(colon + 1) : ''
  const credentials = known.find((c) => c.clientId === clientId && c.clientSecret === clientSecret)
  if (!credentials) return { ok: false, httpStatus: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed: unknown client id or wrong secret.' } }

  const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'].split(';')[0]?.trim().toLowerCase() : undefined
  if (contentType !== 'application/x-www-form-urlencoded') {
    return { ok: false, httpStatus: 400, body: { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded.' } }
  }
  const grant = new URLSearchParams(rawBody).get('grant_type')
  if (grant !== 'client_credentials') {
    return { ok: false, httpStatus: 400, body: { error: 'unsupported_grant_type', error_description: 'Only grant_type=client_credentials is supported.' } }
  }
  return { ok: true, credentials }
}

export function tokenAnswer(issued: { token: string; jti: string }, ttlSeconds: number) {
  return {
    access_token: issued.token,
    token_type: 'bearer',
    expires_in: ttlSeconds,
    scope: 'profile',
    merchant_code: 'MX187',
    production_payment_code: '',
    requestor_id: '00000000000000000001',
    payable_id: '1',
    payment_code: '04193',
    jti: issued.jti,
  }
}
