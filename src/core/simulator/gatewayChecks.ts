import { timingSafeEqual } from 'node:crypto'
import { isSignatureMethod } from '../../shared/domain/signatureMethods.ts'
import { buildCipher, sign } from '../protocol/signer.ts'
import type { Credentials, EnrollBody } from '../protocol/types.ts'

// The gateway's checks on an enrollment request, in the order the training server applies
// them. Each failure carries the documented code (docs/interswitch-api.md).

export const CLOCK_TOLERANCE_MS = 30 * 60 * 1000
export const MAX_NONCE_LENGTH = 64

export interface GatewayRequest {
  /** Node's lower-cased request headers. */
  headers: Record<string, string | string[] | undefined>
  rawBody: string
  /** The URL the client must have signed: http://127.0.0.1:<port> + path. */
  fullUrl: string
}

export interface GatewayContext {
  now: () => number
  /** The credential a live bearer token was issued to, or undefined (unknown or expired). */
  credentialsForToken(token: string): Credentials | undefined
  nonceUsed(clientId: string, nonce: string): boolean
  /** Called once the signature is verified, so forged requests cannot burn nonces. */
  rememberNonce(clientId: string, nonce: string): void
}

export type GatewayVerdict =
  | { ok: true; credentials: Credentials; body: EnrollBody }
  | { ok: false; httpStatus: number; code: string; message: string }

export function checkEnrollmentRequest(request: GatewayRequest, context: GatewayContext): GatewayVerdict {
  const header = (name: string) => {
    const value = request.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }

  const contentType = header('content-type')
  if (!contentType || contentType.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    return fail(400, 'E14', 'Content-Type header missing or not application/json')
  }

  const authorization = header('authorization')
  if (!authorization) return fail(401, 'E22', 'Access key (Authorization header) missing')
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1]
  const credentials = bearer ? context.credentialsForToken(bearer) : undefined
  if (!credentials) return fail(401, 'E22', 'Access token not valid or expired')

  const timestamp = header('timestamp')
  if (timestamp === undefined || timestamp === '') return fail(400, 'E29', 'Timestamp header missing')
  if (!/^\d{1,12}$/.test(timestamp)) return fail(400, 'E24', 'Timestamp must be the Unix time in seconds')
  if (Math.abs(Number(timestamp) * 1000 - context.now()) > CLOCK_TOLERANCE_MS) {
    return fail(400, 'E24', 'Timestamp is more than 30 minutes off the server time (GMT)')
  }

  const nonce = header('nonce')
  if (nonce === undefined || nonce === '') return fail(400, 'E23', 'Nonce header missing')
  if (nonce.length > MAX_NONCE_LENGTH) return fail(400, 'E23', `Nonce longer than ${MAX_NONCE_LENGTH} characters`)
  if (context.nonceUsed(credentials.clientId, nonce)) return fail(400, 'E25', 'Nonce already used')

  const method = header('signaturemethod')
  if (!isSignatureMethod(method)) {
    return fail(401, 'E26', 'Signature failed: SignatureMethod must be SHA1, SHA-256 or SHA-512')
  }
  const signature = header('signature')
  if (!signature) return fail(401, 'E26', 'Signature failed: Signature header missing')
  const expected = sign(
    buildCipher({ method: 'POST', url: request.fullUrl, timestamp, nonce, clientId: credentials.clientId, clientSecret: credentials.clientSecret }),
    method,
  )
  if (!sameText(signature, expected)) return fail(401, 'E26', 'Signature failed')
  context.rememberNonce(credentials.clientId, nonce)

  let parsed: unknown
  try {
    parsed = JSON.parse(request.rawBody)
  } catch {
    return fail(400, 'E32', 'JSON badly formatted')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(400, 'E32', 'JSON badly formatted: an object is expected')
  const { paymentId, mobilePhoneNumber, transactionRef } = parsed as Record<string, unknown>
  if (typeof paymentId !== 'string' || !/^\d+$/.test(paymentId)) return fail(400, 'E37', 'Bad request: paymentId must be a string of digits')
  if (typeof mobilePhoneNumber !== 'string' || !/^234\d{10}$/.test(mobilePhoneNumber)) {
    return fail(400, 'E37', 'Bad request: mobilePhoneNumber must be a string, 234 followed by 10 digits')
  }
  return { ok: true, credentials, body: { paymentId, mobilePhoneNumber, transactionRef: typeof transactionRef === 'string' ? transactionRef : '' } }
}

function fail(httpStatus: number, code: string, message: string): GatewayVerdict {
  return { ok: false, httpStatus, code, message }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}
