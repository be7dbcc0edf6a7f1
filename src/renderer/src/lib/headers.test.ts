import { describe, expect, it } from 'vitest'
import { sampleRecord } from '../../../shared/domain/attempt.test-helpers.ts'
import { REDACTED_AUTHORIZATION, REDACTED_SIGNATURE, requestHeaderRows, requestWasPrepared, responseHeaderRows } from './headers.ts'

describe('request headers for display', () => {
  it('lists the sent headers in order with the secret ones redacted', () => {
    const rows = requestHeaderRows(sampleRecord())
    expect(rows.map((r) => r.name)).toEqual(['Content-Type', 'Authorization', 'Timestamp', 'Nonce', 'Signature', 'SignatureMethod', 'AuthKeyVersion'])
    expect(rows.find((r) => r.name === 'Authorization')).toEqual({ name: 'Authorization', value: REDACTED_AUTHORIZATION, redacted: true })
    expect(rows.find((r) => r.name === 'Signature')?.value).toBe(REDACTED_SIGNATURE)
    expect(rows.find((r) => r.name === 'Nonce')?.value).toBe('a1b2c3d4e5')
  })

  it('drops stored secret-looking headers and keeps other stored ones', () => {
    const rows = requestHeaderRows(sampleRecord({ requestHeaders: { authorization: 'Bearer x', SIGNATURE: 'abc', 'X-Trace': 't1' } }))
    expect(rows.some((r) => r.value === 'Bearer x' || r.value === 'abc')).toBe(false)
    expect(rows.at(-1)).toEqual({ name: 'X-Trace', value: 't1', redacted: false })
  })

  it('knows whether a request was prepared and sorts response headers', () => {
    expect(requestWasPrepared(sampleRecord({ requestHeaders: {} }))).toBe(false)
    expect(responseHeaderRows({ z: '1', a: '2' }).map((r) => r.name)).toEqual(['a', 'z'])
    expect(responseHeaderRows(null)).toEqual([])
  })
})
