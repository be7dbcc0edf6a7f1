import { describe, expect, it } from 'vitest'
import { jsonString } from './jsonString.ts'

describe('jsonString', () => {
  const samples = [
    '',
    'plain text 123',
    'say "hello"',
    'back\\slash',
    'two\nlines\r\n\ttab',
    '\u0000\u001f\u007f',
    'ünïcödé Ọlá 🇳🇬 ₦5,000',
    'lone \ud800 high',
    'lone \udc00 low',
    'pair \ud83d\ude00 ok',
    '\u2028\u2029 separators',
    '</script>',
  ]
  it.each(samples)('equals JSON.stringify for %j', (text) => {
    expect(jsonString(text)).toBe(JSON.stringify(text))
  })
})
