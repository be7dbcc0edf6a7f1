import { describe, expect, it } from 'vitest'
import { parseSearch, trigramMatchExpression, trigrams } from './searchText.ts'

describe('parseSearch', () => {
  it('reads a local phone form as the international digits', () => {
    expect(parseSearch(' 0803 123 ')).toMatchObject({ text: '0803 123', phoneDigits: '234803123' })
    expect(parseSearch('+234 803 123 4567').phoneDigits).toBe('2348031234567')
    expect(parseSearch('4567').phoneDigits).toBe('4567')
  })

  it('does not match phones on text that is not phone-like', () => {
    expect(parseSearch('JB-1542').phoneDigits).toBeNull()
    expect(parseSearch('+').phoneDigits).toBeNull()
  })

  it('gives one trigram group per thing to match, or none when one is under 3 characters', () => {
    expect(parseSearch('JB-15').trigramGroups).toEqual([['JB-', 'B-1', '-15']])
    expect(parseSearch('0803').trigramGroups).toEqual([['080', '803'], ['234', '348', '480', '803']])
    expect(parseSearch('45').trigramGroups).toBeNull()
    expect(parseSearch('(1)').trigramGroups).toBeNull() // phone digits "1"
  })
})

describe('trigrams', () => {
  it('cuts code points, not UTF-16 units, and keeps each window once', () => {
    expect(trigrams('a🚀bc')).toEqual(['a🚀b', '🚀bc'])
    expect(trigrams('aaaa')).toEqual(['aaa'])
    expect(trigrams('ab')).toEqual([])
  })

  it('quotes trigrams for MATCH', () => {
    expect(trigramMatchExpression([['a"b', 'bcd'], ['xyz']])).toBe('("a""b" AND "bcd") OR ("xyz")')
  })
})
