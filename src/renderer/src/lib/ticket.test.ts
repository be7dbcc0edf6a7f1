import { describe, expect, it } from 'vitest'
import { TRAINING_CREDENTIALS } from '../../../shared/domain/environments.ts'
import { sampleRecord } from '../../../shared/domain/attempt.test-helpers.ts'
import { buildTicket, utcOffsetLabel } from './ticket.ts'

describe('copy for ticket', () => {
  it('summarises the attempt in plain text with a masked phone', () => {
    const text = buildTicket(sampleRecord())
    const lines = text.split('\n')
    expect(lines[0]).toBe('OTP enrollment attempt #123')
    expect(lines[1]).toMatch(/^Time: 2025-11-21T05:00:00\.000Z \(local 2025-11-\d\d \d\d:\d\d:00 UTC[+-]\d\d:\d\d\)$/)
    expect(text).toContain('Environment: Sandbox (https://sandbox.interswitchng.com)')
    expect(text).toContain('Payment id: 266274')
    expect(text).toContain('Phone: 234803****567')
    expect(text).not.toContain('2348031234567')
    expect(text).toContain('Transaction reference: JB-1763701200-Enrol')
    expect(text).toContain('Outcome: Rejected by Interswitch')
    expect(text).toContain('HTTP status: 400')
    expect(text).toMatch(/- E26: Signature failed — The request signature did not match/)
    expect(text).toContain('Attempt id: 123')
  })

  it('keeps unknown codes as they came and shows failure reasons and retries', () => {
    const text = buildTicket(
      sampleRecord({ outcome: 'unknown', errors: [{ code: 'X99', message: 'Odd thing' }], httpStatus: null, failureReason: 'Timed out after 30 s', retryOf: 7 }),
    )
    expect(text).toContain('- X99: Odd thing')
    expect(text).toContain('Outcome: Unknown (the request may have reached Interswitch)')
    expect(text).toContain('HTTP status: none (no answer)')
    expect(text).toContain('Reason: Timed out after 30 s')
    expect(text).toContain('Attempt id: 123 (retry of #7)')
  })

  it('explains an HTTP failure without codes and holds no secrets or headers', () => {
    const text = buildTicket(sampleRecord({ outcome: 'failed', errors: [], httpStatus: 401 }))
    expect(text).toContain('HTTP meaning: The server did not accept the key or bearer token (401 Unauthorized).')
    expect(text).not.toContain(TRAINING_CREDENTIALS.clientSecret)
    expect(text).not.toContain('Nonce')
  })

  it('labels the UTC offset', () => {
    expect(utcOffsetLabel(0)).toMatch(/^UTC[+-]\d\d:\d\d$/)
  })
})
