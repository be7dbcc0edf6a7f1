import { describe, expect, it } from 'vitest'
import { cipherParts, signatureExplanation } from './signature.ts'

describe('signature inspector helpers', () => {
  it('splits the enrollment cipher into its labelled parts', () => {
    const parts = cipherParts('POST&https%3A%2F%2Fh%2Fp&1700000000&n1&IKIA1&••••••')
    expect(parts.map((p) => p.label)).toEqual(['HTTP method', 'Encoded URL', 'Timestamp', 'Nonce', 'Client id', 'Client secret (masked)'])
    expect(parts[1]?.value).toBe('https%3A%2F%2Fh%2Fp')
    expect(cipherParts('')).toEqual([])
    expect(cipherParts('a&b&c&d&e&f&g')[6]?.label).toBe('Field 7')
  })

  it('names the hash', () => {
    expect(signatureExplanation('SHA-512')).toMatch(/^Signature = base64\(SHA-512\(cipher\)\)/)
  })
})
