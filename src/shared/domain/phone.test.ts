import { describe, expect, it } from 'vitest'
import { maskPhone, normalisePhone, phoneSearchDigits } from './phone.ts'

describe('normalisePhone', () => {
  it.each([
    ['0803 123 4567', '2348031234567'],
    ['08031234567', '2348031234567'],
    ['+234 803 123 4567', '2348031234567'],
    ['+2348031234567', '2348031234567'],
    ['2348031234567', '2348031234567'],
    ['234 803-123-4567', '2348031234567'],
    ['(0803) 123 4567', '2348031234567'],
    ['0703 123 4567', '2347031234567'],
    ['0905 123 4567', '2349051234567'],
    ['  0813 555 0000  ', '2348135550000'],
  ])('%s → %s', (input, msisdn) => {
    const result = normalisePhone(input)
    expect(result).toEqual({ ok: true, msisdn, display: expect.stringMatching(/^\+234 \d{3} \d{3} \d{4}$/) })
  })

  it.each([
    ['', /Enter the card holder/],
    ['   ', /Enter the card holder/],
    ['0803 123 456a', /only digits/],
    ['0803123456', /not a valid Nigerian mobile number|10 digits/],
    ['080312345678', /not a valid Nigerian mobile number|10 digits/],
    ['+44 20 7946 0958', /Only Nigerian numbers/],
    ['+1 212 555 0100', /Only Nigerian numbers/],
    ['0123 456 7890', /not a valid Nigerian mobile number|10 digits/],
    ['234', /not a valid|Only Nigerian|10 digits/],
  ])('refuses %j with a clear message', (input, message) => {
    const result = normalisePhone(input)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(message)
  })

  it('never sends a number that lost its leading digits', () => {
    const result = normalisePhone('0803 000 0001')
    expect(result.ok && result.msisdn).toBe('2348030000001')
  })
})

describe('maskPhone', () => {
  it('keeps the prefix and the last three digits', () => {
    expect(maskPhone('2348031234567')).toBe('234803****567')
  })
  it('masks short values entirely', () => {
    expect(maskPhone('12345')).toBe('*****')
    // Six shown plus three shown would be all of a 9-digit value (and overlap below it).
    expect(maskPhone('80312345')).toBe('********')
    expect(maskPhone('803123456')).toBe('*********')
    expect(maskPhone('8031234567')).toBe('803123*567')
  })
})

describe('phoneSearchDigits', () => {
  it('turns the local form into the stored international digits', () => {
    expect(phoneSearchDigits('0803 123')).toBe('234803123')
    expect(phoneSearchDigits('+234 803')).toBe('234803')
    expect(phoneSearchDigits('4567')).toBe('4567')
  })
})
