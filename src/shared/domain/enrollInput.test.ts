import { describe, expect, it } from 'vitest'
import { defaultTransactionRef, validateEnrollInput } from './enrollInput.ts'

const good = { paymentId: '266274', phone: '0803 123 4567', transactionRef: 'JB-1542891523-Enrol', signatureMethod: 'SHA-256' as const }

describe('validateEnrollInput', () => {
  it('normalises a valid form into what is sent', () => {
    expect(validateEnrollInput({ ...good, paymentId: ' 266274 ' })).toEqual({
      ok: true,
      value: { paymentId: '266274', mobilePhoneNumber: '2348031234567', transactionRef: 'JB-1542891523-Enrol', signatureMethod: 'SHA-256' },
    })
  })

  it('reports every bad field at once', () => {
    const result = validateEnrollInput({ paymentId: '26A', phone: 'x', transactionRef: '', signatureMethod: 'MD5' as never })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['paymentId', 'phone', 'signatureMethod', 'transactionRef'])
  })

  it.each(['', ' ', '12.5', '-1', '1e5', '１２３'])('refuses payment id %j', (paymentId) => {
    expect(validateEnrollInput({ ...good, paymentId }).ok).toBe(false)
  })

  it('refuses a reference with non-ASCII characters or over 64 characters', () => {
    expect(validateEnrollInput({ ...good, transactionRef: 'JB-é' }).ok).toBe(false)
    expect(validateEnrollInput({ ...good, transactionRef: 'x'.repeat(65) }).ok).toBe(false)
  })
})

describe('defaultTransactionRef', () => {
  it('follows the JB-<unix seconds>-Enrol convention', () => {
    expect(defaultTransactionRef(1_542_891_523_999)).toBe('JB-1542891523-Enrol')
  })
})
