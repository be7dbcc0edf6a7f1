import { createHash } from 'node:crypto'
import type { SignatureMethod } from '../../shared/domain/signatureMethods.ts'

// The Interswitch request signature (docs/interswitch-api.md, "Signature"):
//   cipher    = METHOD & encodeURIComponent(fullUrl) & timestamp & nonce & clientId & clientSecret [& extra…]
//   Signature = base64(HASH(cipher))

export interface CipherInput {
  method: 'POST'
  /** Scheme, host and path exactly as the request goes out. */
  url: string
  /** Unix seconds, as sent in the Timestamp header. */
  timestamp: string | number
  nonce: string
  clientId: string
  clientSecret: string
  /** Extra fields other endpoints append (amount, authData, otp…); enrollment uses none. */
  extra?: readonly string[]
}

/** What replaces the client secret wherever a cipher is shown. */
export const SECRET_MASK = '••••••'

const HASHES: Record<SignatureMethod, string> = { SHA1: 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' }

/** The URL as it appears inside the cipher: encoded as a whole, `:` and `/` included. */
export function encodeCipherUrl(url: string): string {
  return encodeURIComponent(url)
}

export function buildCipher(input: CipherInput): string {
  return joinCipher(input, input.clientSecret)
}

/**
 * The cipher with the secret replaced by SECRET_MASK, for the signature inspector. It takes no
 * secret at all, so it cannot leak one; history has everything else it needs.
 */
export function maskedCipher(input: Omit<CipherInput, 'clientSecret'>): string {
  return joinCipher(input, SECRET_MASK)
}

export function sign(cipher: string, signatureMethod: SignatureMethod): string {
  const algorithm = HASHES[signatureMethod]
  if (!algorithm) throw new Error(`Unsupported signature method "${String(signatureMethod)}"; use SHA1, SHA-256 or SHA-512.`)
  return createHash(algorithm).update(cipher, 'utf8').digest('base64')
}

function joinCipher(input: Omit<CipherInput, 'clientSecret'>, secretPart: string): string {
  return [input.method, encodeCipherUrl(input.url), String(input.timestamp), input.nonce, input.clientId, secretPart, ...(input.extra ?? [])].join('&')
}
