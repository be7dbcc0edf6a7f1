import { describe, expect, it } from 'vitest'
import { createRecordGuard, createTextGuard, phoneFitsLeaveAlone, textGuardLeavesAlone } from './recordGuard.ts'

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJJS0lBIn0.c2lnbmF0dXJl'

describe('createTextGuard', () => {
  it("masks the record's phone digits wherever they appear, also inside longer digit runs", () => {
    const guard = createTextGuard('2348031234567', false)
    expect(guard('{"mobilePhoneNumber":"2348031234567"}')).toBe('{"mobilePhoneNumber":"234803****567"}')
    expect(guard('ref-99234803123456799')).toBe('ref-99234803****56799')
    expect(guard('local 08031234567')).toBe('local 0803****567')
  })

  it('keeps phones but still redacts secrets when fullPhone', () => {
    const guard = createTextGuard('2348031234567', true)
    expect(guard(`2348031234567 Bearer ${TOKEN}`)).toBe('2348031234567 Bearer [redacted]')
  })

  it('says it does not affect a string exactly when it returns the string unchanged', () => {
    const guard = createTextGuard('2348031234567', false)
    const samples = ['application/json', '1735689600', 'JB-1735689600-Enrol', 'Wed, 01 Jan 2025 00:00:00 GMT', 'nosniff', 'abc8031234567', `Bearer ${TOKEN}`, '2348031234567', '{"paymentId":"1"}']
    for (const text of samples) {
      if (!guard.affects(text)) expect(guard(text), text).toBe(text)
    }
    expect(guard.affects('application/json')).toBe(false)
    expect(guard.affects('x 8031234567')).toBe(true)
    expect(guard.affects(`Bearer ${TOKEN}`)).toBe(true)
  })
})

describe('createRecordGuard', () => {
  it('guards each record as a fresh createTextGuard would: one record\'s number is not masked in the next', () => {
    // Numbers outside the Nigerian patterns: only the "record's own phone" rule masks them.
    const phones = ['4479460012345', '4479460099999', '12345', '2348031234567', '4479460012345']
    const texts = ['x 4479460012345 y', 'x 4479460099999', 'ref 12345', 'local 08031234567', '479460012345', `Bearer ${TOKEN}`]
    for (const fullPhone of [false, true]) {
      const guard = createRecordGuard(fullPhone)
      for (const phone of phones) {
        guard.use(phone)
        const fresh = createTextGuard(phone, fullPhone)
        for (const text of texts) {
          expect(guard(text), `${phone} ${text}`).toBe(fresh(text))
          expect(guard.affects(text)).toBe(fresh.affects(text))
        }
      }
    }
    const guard = createRecordGuard(false)
    guard.use('4479460012345')
    expect(guard('x 4479460012345 y')).toBe('x 447946****345 y')
    guard.use('4479460099999')
    expect(guard('x 4479460012345 y')).toBe('x 4479460012345 y')
  })
})

describe('textGuardLeavesAlone', () => {
  const phones = ['2348031234567', '2349051234999', '8031234567', '', '123456']
  const texts = [
    'application/json',
    'SignatureMethod',
    'max-age=31536000 ; includeSubDomains',
    'Wed, 31 Dec 2025 23:59:58 GMT',
    '724072502',
    '1767225596',
    '8031234567',
    'x 2348031234567 y',
    '+234 803 123 4567',
    '0803-123-4567',
    'Bearer abc',
    'client_secret=x',
    'token',
    'JB-1767225596-Enrol',
    '55b91a4425f99f31c1f5bd16ef868145',
    '{"paymentId":"1","mobilePhoneNumber":"2348031234567"}',
  ]

  it('answers yes only for texts every guard of a fitting phone leaves as they are', () => {
    for (const text of texts) {
      if (!textGuardLeavesAlone(text)) continue
      for (const phone of phones) {
        expect(phoneFitsLeaveAlone(phone)).toBe(true)
        for (const fullPhone of [false, true]) expect(createTextGuard(phone, fullPhone)(text), `${text} / ${phone}`).toBe(text)
      }
    }
  })

  it('says yes to repeated header values and names, no to phones, ten-digit runs and secrets', () => {
    expect(['application/json', 'SignatureMethod', 'max-age=31536000 ; includeSubDomains', '724072502', 'Wed, 31 Dec 2025 23:59:58 GMT'].map(textGuardLeavesAlone)).toEqual([true, true, true, true, true])
    expect(['1767225596', '8031234567', '+234 803 123 4567', 'Bearer abc', 'client_secret=x'].map(textGuardLeavesAlone)).toEqual([false, false, false, false, false])
  })

  it('speaks for digit-only phones under 7 or from 10 digits', () => {
    expect(['2348031234567', '8031234567', '123456', ''].map(phoneFitsLeaveAlone)).toEqual([true, true, true, true])
    expect(['80312345', '803123456', '+2348031234567', '234 803', null].map(phoneFitsLeaveAlone)).toEqual([false, false, false, false, false])
  })
})
