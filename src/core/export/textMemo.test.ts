import { describe, expect, it } from 'vitest'
import { createTextMemo } from './textMemo.ts'

describe('createTextMemo', () => {
  const upper = (text: string): string => text.toUpperCase()

  it('renders the guarded text, and renders a text no guard changes only once', () => {
    let renders = 0
    const memo = createTextMemo((text) => (renders++, upper(text)))
    const identity = (text: string): string => text
    expect(memo.get('application/json', identity)).toBe('APPLICATION/JSON')
    expect(memo.get('application/json', identity)).toBe('APPLICATION/JSON')
    expect(renders).toBe(1)
  })

  it('never remembers a text some guard changes (a phone number): each record gets its own guard’s answer', () => {
    const memo = createTextMemo(upper)
    const masking = (text: string): string => text.replaceAll('2348031234567', '234803****567')
    const identity = (text: string): string => text
    expect(memo.get('x 2348031234567', masking)).toBe('X 234803****567')
    expect(memo.get('x 2348031234567', identity)).toBe('X 2348031234567')
  })

  it('stops remembering after `capacity` misses and still answers right', () => {
    let renders = 0
    const memo = createTextMemo((text) => (renders++, upper(text)), 3)
    const identity = (text: string): string => text
    for (const text of ['a', 'b', 'c', 'd']) memo.get(text, identity)
    renders = 0
    expect(memo.get('a', identity)).toBe('A')
    expect(renders).toBe(1)
  })
})
