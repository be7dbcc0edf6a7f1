import { describe, it, expect } from 'vitest'
import { TRAINING_CREDENTIALS } from '../../shared/domain/environments.ts'
import { buildCipher, encodeCipherUrl, maskedCipher, sign, SECRET_MASK, type CipherInput } from './signer.ts'

const URL = 'https://sandbox.interswitchng.com/api/v3/purchases/otps/enrollments'
const input: CipherInput = {
  method: 'POST',
  url: URL,
  timestamp: 1700000000,
  nonce: '0123456789abcdef0123456789abcdef',
  clientId: TRAINING_CREDENTIALS.clientId,
  clientSecret: TRAINING_CREDENTIALS.clientSecret,
}

const EXPECTED_CIPHER =
  'POST&https%3A%2F%2Fsandbox.interswitchng.com%2Fapi%2Fv3%2Fpurchases%2Fotps%2Fenrollments&1700000000&0123456789abcdef0123456789abcdef' +
  '&IKIA9614B82064D632E9B6418DF358A6A4AEA84D7218&XCTiBtLy1G9chAnyg0z3BcaFK4cVpwDg/GTw2EmjTZ8='

describe('buildCipher', () => {
  it('joins method, encoded URL, timestamp, nonce, client id and secret with &', () => {
    expect(buildCipher(input)).toBe(EXPECTED_CIPHER)
  })

  it('percent-encodes the whole URL, including : and /', () => {
    expect(encodeCipherUrl(URL)).toBe('https%3A%2F%2Fsandbox.interswitchng.com%2Fapi%2Fv3%2Fpurchases%2Fotps%2Fenrollments')
  })

  it('appends extra fields in order', () => {
    expect(buildCipher({ ...input, extra: ['1000', 'authdata', '123456'] })).toBe(`${EXPECTED_CIPHER}&1000&authdata&123456`)
  })
})

// Expected signatures computed independently with openssl:
//   cipher='<EXPECTED_CIPHER>'
//   printf '%s' "$cipher" | openssl dgst -sha1   -binary | base64 -w0
//   printf '%s' "$cipher" | openssl dgst -sha256 -binary | base64 -w0
//   printf '%s' "$cipher" | openssl dgst -sha512 -binary | base64 -w0
// and for the extra-fields case the same with cipher="$cipher&1000&authdata&123456" and -sha256.
describe('sign', () => {
  it('SHA1 matches the openssl vector', () => {
    expect(sign(EXPECTED_CIPHER, 'SHA1')).toBe('flMHS5Uyh4+q2/1G41gIqMqn0kk=')
  })

  it('SHA-256 matches the openssl vector', () => {
    expect(sign(EXPECTED_CIPHER, 'SHA-256')).toBe('lyXdlsslL6ueuNE4z82+3Exvu8W85pd8cUBpDubpMfs=')
  })

  it('SHA-512 matches the openssl vector', () => {
    expect(sign(EXPECTED_CIPHER, 'SHA-512')).toBe('Vs7n5pAlEYqwqJIQOyJ51kby/3mZbVxdyLo841m1EXSPJ+FpoXV8X10mU75CHazQSnP58Xz5s9MPGQyTT25FaA==')
  })

  it('a cipher with extra fields matches the openssl vector', () => {
    expect(sign(buildCipher({ ...input, extra: ['1000', 'authdata', '123456'] }), 'SHA-256')).toBe('p1NVNa79AQhn/XOe+VGR3bIWGMFx6N1eRGz3DtQgrng=')
  })

  it('rejects an unknown signature method', () => {
    expect(() => sign(EXPECTED_CIPHER, 'MD5' as never)).toThrow(/Unsupported signature method/)
  })
})

describe('maskedCipher', () => {
  it('is the cipher with the secret replaced by the mask', () => {
    const { clientSecret: _secret, ...withoutSecret } = input
    expect(maskedCipher(withoutSecret)).toBe(EXPECTED_CIPHER.replace(TRAINING_CREDENTIALS.clientSecret, SECRET_MASK))
  })

  it('never contains the secret, even with extra fields', () => {
    const masked = maskedCipher({ ...input, extra: ['1000'] })
    expect(masked).not.toContain(TRAINING_CREDENTIALS.clientSecret)
    expect(masked.endsWith(`&${SECRET_MASK}&1000`)).toBe(true)
  })
})
