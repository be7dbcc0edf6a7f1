import { describe, expect, it } from 'vitest'
import { isSignatureMethod, SIGNATURE_METHODS } from './signatureMethods.ts'

describe('isSignatureMethod', () => {
  it('accepts exactly the methods the API knows', () => {
    for (const method of SIGNATURE_METHODS) expect(isSignatureMethod(method)).toBe(true)
    for (const other of ['sha1', 'SHA256', 'SHA-384', '', undefined, null, 1]) expect([other, isSignatureMethod(other)]).toEqual([other, false])
  })
})
