import { describe, expect, it } from 'vitest'
import { createRecordGuard, createTextGuard, isSecretKey, maskPhonesInText, phoneFitsLeaveAlone, REDACTED, redact, redactString, textGuardLeavesAlone } from './redact.ts'

const SECRET = 'XCTiBtLy1G9chAnyg0z3BcaFK4cVpwDg/GTw2EmjTZ8='
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJJS0lBIn0.c2lnbmF0dXJl'
const SIGNATURE = 'Jh3kQm9x+Pz/Lr2w8UvB1NfY0aTgC5dE6sH7iK4oW3e='

describe('isSecretKey', () => {
  it('flags secret-like keys in any case', () => {
    for (const key of ['clientSecret', 'client_secret', 'password', 'accessToken', 'access_token', 'Authorization', 'authorization', 'Authorisation', 'Signature', 'cipher', 'Cookie', 'apiKey']) {
      expect(isSecretKey(key), key).toBe(true)
    }
  })

  it('keeps signatureMethod and tokenMs readable, and ordinary keys', () => {
    for (const key of ['signatureMethod', 'SignatureMethod', 'tokenMs', 'paymentId', 'phone', 'Nonce', 'Timestamp']) {
      expect(isSecretKey(key), key).toBe(false)
    }
  })
})

describe('redact', () => {
  it('replaces the values of secret-like keys at any depth and keeps the rest', () => {
    const input = {
      clientId: 'IKIA9614',
      clientSecret: SECRET,
      nested: { headers: { Authorization: `Bearer ${TOKEN}`, Signature: SIGNATURE, SignatureMethod: 'SHA-256', Nonce: 'abc' } },
      list: [{ password: 'hunter2' }, { access_token: TOKEN, expires_in: 3600 }],
      tokenMs: 120,
    }
    expect(redact(input)).toEqual({
      clientId: 'IKIA9614',
      clientSecret: REDACTED,
      nested: { headers: { Authorization: REDACTED, Signature: REDACTED, SignatureMethod: 'SHA-256', Nonce: 'abc' } },
      list: [{ password: REDACTED }, { access_token: REDACTED, expires_in: 3600 }],
      tokenMs: 120,
    })
  })

  it('does not modify its input', () => {
    const input = { clientSecret: SECRET, note: `Bearer ${TOKEN}` }
    redact(input)
    expect(input).toEqual({ clientSecret: SECRET, note: `Bearer ${TOKEN}` })
  })

  it('redacts bearer and basic credentials inside strings', () => {
    const out = JSON.stringify(redact({ message: `sent Authorization: Bearer ${TOKEN} then Basic SUtJQTpYQ1Q=`, raw: `Bearer ${TOKEN}` }))
    expect(out).not.toContain(TOKEN)
    expect(out).not.toContain('SUtJQTpYQ1Q=')
    expect(out).toContain('Bearer [redacted]')
  })

  it('turns errors into plain objects whose message and stack are redacted', () => {
    const error = new Error(`token refused: Bearer ${TOKEN}`)
    const out = redact({ err: error }) as { err: { type: string; message: string; stack?: string } }
    expect(out.err.type).toBe('Error')
    expect(out.err.message).toBe('token refused: Bearer [redacted]')
    expect(JSON.stringify(out)).not.toContain(TOKEN)
  })

  it('survives cycles, dates, buffers, bigints and functions', () => {
    const cyclic: Record<string, unknown> = { name: 'a' }
    cyclic.self = cyclic
    const out = redact({ cyclic, at: new Date(Date.UTC(2025, 0, 2)), data: Buffer.from('secret bytes'), big: 12n, fn: () => 1 })
    expect(out).toEqual({ cyclic: { name: 'a', self: '[circular]' }, at: '2025-01-02T00:00:00.000Z', data: '[binary 12 bytes]', big: '12' })
  })

  it('masks Nigerian MSISDNs unless fullPhone', () => {
    expect(redact({ phone: '2348031234567', note: 'called 2348031234567.' })).toEqual({ phone: '234803****567', note: 'called 234803****567.' })
    expect(redact({ phone: '2348031234567' }, { fullPhone: true })).toEqual({ phone: '2348031234567' })
  })
})

describe('redactString', () => {
  it('redacts secret pairs in JSON text, escaped JSON, header dumps and form bodies', () => {
    const cases = [
      `{"client_secret":"${SECRET}","grant_type":"client_credentials"}`,
      `{\\"access_token\\":\\"${TOKEN}\\",\\"scope\\":\\"profile\\"}`,
      `Content-Type: application/json\r\nSignature: ${SIGNATURE}\r\nSignatureMethod: SHA-256`,
      `grant_type=client_credentials&client_secret=${encodeURIComponent(SECRET)}`,
      `{"password": 123456}`,
      `GET https://host/path?scope=x&access_token=${TOKEN}&b=1`,
      `url: https://host/?signature=${encodeURIComponent(SIGNATURE)}`,
    ]
    for (const text of cases) {
      const out = redactString(text)
      expect(out, text).toContain(REDACTED)
      for (const secret of [SECRET, encodeURIComponent(SECRET), TOKEN, SIGNATURE, encodeURIComponent(SIGNATURE), '123456']) expect(out, text).not.toContain(secret)
    }
    expect(redactString('SignatureMethod: SHA-256')).toBe('SignatureMethod: SHA-256')
    expect(redactString('{"grant_type":"client_credentials"}')).toBe('{"grant_type":"client_credentials"}')
  })

  it('keeps only the non-secret fields of a signature cipher', () => {
    const cipher = `POST&https%3A%2F%2Fsandbox.interswitchng.com%2Fapi%2Fv3%2Fpurchases%2Fotps%2Fenrollments&1542891523&abc123&IKIA9614&${SECRET}`
    const out = redactString(`cipher was ${cipher}`)
    expect(out).not.toContain(SECRET)
    expect(out).toContain('&1542891523&abc123&IKIA9614&[redacted]')
  })

  it('leaves ordinary text alone', () => {
    const text = 'E26: signature failed; check the secret, the signature method and the environment.'
    expect(redactString(text)).toBe(text)
  })

  it('masks the compact, spaced and local forms of Nigerian numbers the same way', () => {
    expect(maskPhonesInText('a 2348031234567 b')).toBe('a 234803****567 b')
    expect(maskPhonesInText('+2348031234567')).toBe('+234803****567')
    expect(maskPhonesInText('+234 803 123 4567')).toBe('+234 803 *** *567')
    expect(maskPhonesInText('08031234567 or 0803 123 4567')).toBe('0803****567 or 0803 *** *567')
    // Not phone numbers: a Unix timestamp, a payment id, digits inside a longer run.
    expect(maskPhonesInText('1542891523 266274 123423480312345678')).toBe('1542891523 266274 123423480312345678')
  })
})

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
