import { describe, it, expect } from 'vitest'
import { randomBytes } from 'node:crypto'
import { createNonce } from './nonce.ts'

describe('createNonce', () => {
  it('encodes 16 random bytes as 32 hex characters', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 17)
    expect(createNonce(() => bytes)).toBe('00112233445566778899aabbccddeeff')
  })

  it('is alphanumeric and within the 64-character limit', () => {
    const nonce = createNonce((n) => randomBytes(n))
    expect(nonce).toMatch(/^[0-9a-z]{32}$/)
    expect(nonce.length).toBeLessThanOrEqual(64)
  })

  it('differs between calls with a real random source', () => {
    expect(createNonce((n) => randomBytes(n))).not.toBe(createNonce((n) => randomBytes(n)))
  })

  it('refuses a random source that returns too few bytes', () => {
    expect(() => createNonce(() => new Uint8Array(4))).toThrow(/16 are needed/)
  })
})
