import type { AttemptRecord } from '../../../shared/domain/attempt.ts'
import { headerValue, safeStoredHeaders } from './headers.ts'

// "Copy as curl": a runnable command that repeats an attempt's request by hand. The bearer
// token and the signature are never known to the renderer, so they appear as shell variables
// the operator fills in; every other header is the stored one.

export const TOKEN_VAR = 'OTP_TOKEN'
export const SIGNATURE_VAR = 'OTP_SIGNATURE'
export const TIMESTAMP_VAR = 'OTP_TIMESTAMP'
export const NONCE_VAR = 'OTP_NONCE'

export type CurlSource = Pick<AttemptRecord, 'requestUrl' | 'requestHeaders' | 'requestBody' | 'paymentId' | 'phone' | 'transactionRef' | 'signatureMethod'>

/** POSIX single-quoting: safe for any value, including quotes and `$`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

const oneLine = (v: string): string => v.replace(/[\r\n]+/g, ' ')

export function buildCurl(record: CurlSource): string {
  const stored = safeStoredHeaders(record.requestHeaders)
  const literal = (name: string, value: string): string => `-H ${shellQuote(`${name}: ${oneLine(value)}`)}`
  const variable = (name: string, varName: string): string => `-H "${name}: $${varName}"`
  const stamp = headerValue(stored, 'Timestamp')
  const nonce = headerValue(stored, 'Nonce')
  const body =
    record.requestBody && record.requestBody.trim() !== ''
      ? record.requestBody
      : JSON.stringify({ paymentId: record.paymentId, mobilePhoneNumber: record.phone, transactionRef: record.transactionRef })
  const lines = [
    `curl -sS -i -X POST ${shellQuote(record.requestUrl)}`,
    literal('Content-Type', headerValue(stored, 'Content-Type') ?? 'application/json'),
    `-H "Authorization: Bearer $${TOKEN_VAR}"`,
    stamp !== undefined ? literal('Timestamp', stamp) : variable('Timestamp', TIMESTAMP_VAR),
    nonce !== undefined ? literal('Nonce', nonce) : variable('Nonce', NONCE_VAR),
    variable('Signature', SIGNATURE_VAR),
    literal('SignatureMethod', headerValue(stored, 'SignatureMethod') ?? record.signatureMethod),
    literal('AuthKeyVersion', headerValue(stored, 'AuthKeyVersion') ?? '1'),
    `-d ${shellQuote(body)}`,
  ]
  return lines.join(' \\\n  ')
}

/** What the operator must set before running the command (shown next to it, not inside it). */
export function curlInstructions(record: CurlSource): string[] {
  const stored = safeStoredHeaders(record.requestHeaders)
  const notes = [
    `Set ${TOKEN_VAR} to a fresh bearer token and ${SIGNATURE_VAR} to the signature computed for this Timestamp and Nonce (the secret never leaves the console).`,
  ]
  if (headerValue(stored, 'Timestamp') === undefined || headerValue(stored, 'Nonce') === undefined) {
    notes.push(`This attempt was never sent, so also set ${TIMESTAMP_VAR} (Unix seconds) and ${NONCE_VAR}.`)
  } else {
    notes.push('The stored Timestamp and Nonce are included as sent: the server refuses a reused nonce (E25) and an old timestamp (E24), so change both to send again.')
  }
  return notes
}
