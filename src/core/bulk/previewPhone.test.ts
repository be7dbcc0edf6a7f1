import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalisePhone } from '../../shared/domain/phone.ts'
import { createPhoneNormaliser } from './previewPhone.ts'

// The fast phone rule must give exactly normalisePhone's answer, on any text.

// Starts that exercise every branch of the rule: national 0, +234, bare 234, the IDD 009,
// mobile and fixed-line prefixes of every network, numbers of other countries.
const STARTS = ['0', '0803', '0702', '07025', '0819', '08190', '0906', '0916', '0917', '020', '0201', '0800', '0700', '+234', '+234 ', '234', '2340', '+2340', '009234', '+44', '+1', '1', '8', '9', '']
const PUNCTUATION = [' ', '-', '.', '(', ')', '+']

const phoneText = fc
  .tuple(
    fc.constantFrom(...STARTS),
    fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 9 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom(...PUNCTUATION) }), { maxLength: 16 }),
    fc.constantFrom('', ' ', '  ', 'x'),
  )
  .map(([start, rest, end]) => `${start}${rest.join('')}${end}`)

describe('the preview’s phone rule', () => {
  it('answers as normalisePhone on random numbers', () => {
    const normalise = createPhoneNormaliser()
    fc.assert(
      fc.property(phoneText, (text) => {
        expect(normalise(text)).toEqual(normalisePhone(text))
      }),
      { numRuns: 20_000 },
    )
  })

  it('answers as normalisePhone for numbers sharing a template (same start, other last digits)', () => {
    const normalise = createPhoneNormaliser()
    for (const start of ['0803', '0702', '0819', '0201', '0916', '+234 803', '234702', '0800']) {
      for (let i = 0; i < 300; i++) {
        const text = `${start}${String(i * 7919).padStart(7, '0').slice(-7)}`
        expect(normalise(text)).toEqual(normalisePhone(text))
      }
    }
  })
})
