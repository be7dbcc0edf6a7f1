import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createValueScrubber, HIDDEN, isSecretKey, maskPhonesInText, REDACTED, redact, redactString } from './redact.ts'

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


describe('redactString: encoded and quoted forms', () => {
  const jsonEscaped = (text: string) => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
  const entities = (text: string) => [...text].map((c) => `&#${c.charCodeAt(0)};`).join('')

  it('redacts secret pairs whose key or value is JSON-escaped, URL-encoded or written as HTML entities', () => {
    const cases = [
      `{"${jsonEscaped('access_token')}":"${jsonEscaped(TOKEN)}"}`,
      `{"access\\u005ftoken":"${TOKEN}"}`,
      `next=%2Fcb%3Faccess_token%3D${encodeURIComponent(TOKEN)}`,
      encodeURIComponent(`{"client_secret":"${SECRET}"}`),
      `&quot;client_secret&quot;:&quot;${SECRET}&quot;`,
      `<td>${entities('client_secret')}=${SECRET}</td>`,
    ]
    for (const text of cases) {
      const out = redactString(text)
      expect(out, text).toContain(REDACTED)
      for (const secret of [SECRET, encodeURIComponent(SECRET), TOKEN, jsonEscaped(TOKEN)]) expect(out, text).not.toContain(secret)
    }
  })

  it('redacts quoted values after an unquoted or quoted key', () => {
    for (const text of [`client_secret: "${SECRET}"`, `clientSecret = '${SECRET}'`, `'password': 'hunter2-long'`, `token: "${TOKEN}", scope: "x"`]) {
      const out = redactString(text)
      expect(out, text).toContain(REDACTED)
      for (const secret of [SECRET, 'hunter2-long', TOKEN]) expect(out, text).not.toContain(secret)
    }
    expect(redactString('scope: "profile"')).toBe('scope: "profile"')
  })

  it('leaves encoded text without secrets as it was', () => {
    for (const text of ['a%20b%2Fc', 'caf\\u00e9', 'Tom &amp; Jerry', 'path=%2Fapi%2Fv3']) expect(redactString(text)).toBe(text)
  })
})

describe('createValueScrubber', () => {
  const CLIENT_ID = 'IKIA9614B82064D632E9B6418DF358A6A4AEA84D7218'
  const scrub = createValueScrubber({ values: [SECRET, TOKEN, SIGNATURE], basicPairs: [{ clientId: CLIENT_ID, clientSecret: SECRET }] })
  const basic = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')

  it('hides each value as it is and in JSON \\u, \\/, URL-encoded, HTML-entity and mixed forms', () => {
    const forms = [
      TOKEN,
      [...TOKEN].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
      [...TOKEN].map((c) => `\\U${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`).join(''),
      SECRET.replaceAll('/', '\\/'),
      encodeURIComponent(SECRET),
      [...SECRET].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''),
      [...SIGNATURE].map((c) => `&#${c.charCodeAt(0)};`).join(''),
      [...SIGNATURE].map((c, i) => (i % 2 ? `&#x${c.charCodeAt(0).toString(16)};` : c)).join(''),
      SECRET.replace('+', '&plus;').replace('/', '&#47;'),
    ]
    for (const form of forms) expect(scrub(`echo: ${form} end`), form).toBe(`echo: ${HIDDEN} end`)
  })

  it('hides the base64 of id:secret with or without Basic, padded or not, standard or URL-safe, also URL-encoded', () => {
    const urlSafe = basic.replaceAll('+', '-').replaceAll('/', '_')
    for (const form of [basic, `Basic ${basic}`, basic.replace(/=+$/, ''), urlSafe, encodeURIComponent(basic)]) {
      const out = scrub(`{"echo":"${form}"}`)
      expect(out, form).toContain(HIDDEN)
      expect(out, form).not.toContain(basic.replace(/=+$/, '').slice(0, 40))
    }
  })

  it('leaves other text alone and ignores values too short to hide', () => {
    expect(scrub('{"errors":[{"code":"E26","message":"Signature failed"}]}')).toBe('{"errors":[{"code":"E26","message":"Signature failed"}]}')
    const short = createValueScrubber({ values: ['a', 'xy12'] })
    expect(short('a banana xy12')).toBe('a banana xy12')
  })

  // Text without &, \\ or % is searched for the values as they are (no encoded form can occur
  // there); appending a lone % sends the same text through the pattern of every encoding, which
  // must then find exactly the same values.
  it('finds in text without &, \\ or % exactly what the pattern of every encoding finds', () => {
    const values = [SECRET, TOKEN, SIGNATURE, basic, basic.replace(/=+$/, ''), basic.replaceAll('+', '-').replaceAll('/', '_')]
    const piece = fc.oneof(
      fc.constantFrom(...values),
      fc.constantFrom(...values).chain((value) => fc.tuple(fc.nat(value.length), fc.nat(value.length)).map(([a, b]) => value.slice(Math.min(a, b), Math.max(a, b)))),
      fc.string({ unit: fc.constantFrom(...'aZ09 +/=:."{}-_'.split('')), maxLength: 6 }),
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = pieces.join('')
        expect(scrub(`${text} %`)).toBe(`${scrub(text)} %`)
      }),
      { numRuns: 300 },
    )
    expect(scrub(`a${TOKEN}b${SECRET}`)).toBe(`a${HIDDEN}b${HIDDEN}`)
  })
})
