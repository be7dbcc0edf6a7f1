import { describe, expect, it } from 'vitest'
import { TRAINING_CREDENTIALS } from '../../../shared/domain/environments.ts'
import { buildCurl, curlInstructions, shellQuote } from './curl.ts'
import { sampleRecord } from '../../../shared/domain/attempt.test-helpers.ts'

describe('copy as curl', () => {
  it('builds a runnable POST with the stored non-secret headers and placeholders for the rest', () => {
    const cmd = buildCurl(sampleRecord())
    expect(cmd).toBe(
      [
        `curl -sS -i -X POST 'https://sandbox.interswitchng.com/api/v3/purchases/otps/enrollments'`,
        `-H 'Content-Type: application/json'`,
        `-H "Authorization: Bearer $OTP_TOKEN"`,
        `-H 'Timestamp: 1763701200'`,
        `-H 'Nonce: a1b2c3d4e5'`,
        `-H "Signature: $OTP_SIGNATURE"`,
        `-H 'SignatureMethod: SHA-256'`,
        `-H 'AuthKeyVersion: 1'`,
        `-d '{"paymentId":"266274","mobilePhoneNumber":"2348031234567","transactionRef":"JB-1763701200-Enrol"}'`,
      ].join(' \\\n  '),
    )
  })

  it('never carries a secret-bearing value, even if a record held one', () => {
    const record = sampleRecord({
      clientId: TRAINING_CREDENTIALS.clientId,
      requestHeaders: {
        ...sampleRecord().requestHeaders,
        Authorization: 'Bearer eyJ-real-token',
        signature: 'c2VjcmV0LXNpZ25hdHVyZQ==',
        'X-Extra': TRAINING_CREDENTIALS.clientSecret,
      },
    })
    const cmd = buildCurl(record)
    expect(cmd).not.toContain('eyJ-real-token')
    expect(cmd).not.toContain('c2VjcmV0LXNpZ25hdHVyZQ==')
    expect(cmd).not.toContain(TRAINING_CREDENTIALS.clientSecret)
    expect(cmd).not.toContain(TRAINING_CREDENTIALS.clientId)
    expect(cmd).not.toContain('X-Extra')
    expect(cmd.match(/Authorization:/g)).toHaveLength(1)
    expect(cmd.match(/Signature:/g)).toHaveLength(1)
    expect(cmd).toContain('Bearer $OTP_TOKEN')
    expect(cmd).toContain('Signature: $OTP_SIGNATURE')
  })

  it('quotes shell metacharacters in values', () => {
    expect(shellQuote(`it's $HOME`)).toBe(`'it'\\''s $HOME'`)
    const cmd = buildCurl(sampleRecord({ requestBody: `{"transactionRef":"a'b $(rm -rf /)"}` }))
    expect(cmd).toContain(`-d '{"transactionRef":"a'\\''b $(rm -rf /)"}'`)
  })

  it('uses variables for the Timestamp and Nonce of a request that was never sent', () => {
    const record = sampleRecord({ requestHeaders: {}, requestBody: '' })
    const cmd = buildCurl(record)
    expect(cmd).toContain('-H "Timestamp: $OTP_TIMESTAMP"')
    expect(cmd).toContain('-H "Nonce: $OTP_NONCE"')
    expect(cmd).toContain(`-H 'SignatureMethod: SHA-256'`)
    expect(cmd).toContain(`"mobilePhoneNumber":"2348031234567"`)
    expect(curlInstructions(record).join(' ')).toContain('OTP_NONCE')
  })
})
