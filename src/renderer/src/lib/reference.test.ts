import { describe, expect, it } from 'vitest'
import { nextDefaultReference } from './reference.ts'

describe('nextDefaultReference', () => {
  it('gives two references asked for within one second different values', () => {
    const now = 1_800_000_000_500
    const a = nextDefaultReference(now)
    const b = nextDefaultReference(now + 200)
    expect(a).toMatch(/^JB-\d+-Enrol$/)
    expect(b).not.toBe(a)
  })

  it('follows the clock once it has moved past the last reference', () => {
    expect(nextDefaultReference(1_900_000_000_000)).toBe('JB-1900000000-Enrol')
  })
})
