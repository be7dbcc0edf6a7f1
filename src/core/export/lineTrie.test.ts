import { describe, expect, it } from 'vitest'
import { createLineBuilder, jsonSlot, type LineBuilder, textSlot, type Slot } from './lineTrie.ts'

// The trie is only an optimisation: every line must read as if written piece by piece. These
// tests write lines through it and compare them with the plain concatenation, and check what
// it remembers (counting renders) and what it must never remember.

const quoted = (text: string): string => JSON.stringify(text)
const identity = (text: string): string => text

interface Counted {
  slot: Slot
  renders: () => number
}

function counted(prefix: string): Counted {
  let renders = 0
  return { slot: textSlot(prefix, (text) => (renders++, quoted(text))), renders: () => renders }
}

/** Writes one line: each [slot, value] put in order. */
function write(line: LineBuilder, guard: (text: string) => string, puts: [Slot, string][]): string {
  line.start(guard)
  for (const [slot, value] of puts) line.put(slot, value)
  return line.finish()
}

describe('createLineBuilder', () => {
  it('writes the same text as concatenating the pieces, holes included', () => {
    const a = counted('{"a":')
    const b = counted(',"b":')
    const end = jsonSlot('}')
    const line = createLineBuilder()
    for (const [x, y, z] of [['1', '2', 'h'], ['1', '2', 'i'], ['1', '3', 'h'], ['x"y', '2', '']] as const) {
      line.start(identity)
      line.put(a.slot, x)
      line.raw(`,"hole":${quoted(z)}`)
      line.put(b.slot, y)
      line.put(end, '')
      expect(line.finish()).toBe(`{"a":${quoted(x)},"hole":${quoted(z)},"b":${quoted(y)}}`)
    }
  })

  it('renders a repeated run once: later lines take it from the trie', () => {
    const a = counted('{"a":')
    const b = counted(',"b":')
    const end = jsonSlot('}')
    const line = createLineBuilder()
    for (let i = 0; i < 50; i++) {
      expect(write(line, identity, [[a.slot, 'sandbox'], [b.slot, i % 2 ? 'cli' : 'console'], [end, '']])).toBe(`{"a":"sandbox","b":${i % 2 ? '"cli"' : '"console"'}}`)
    }
    expect(a.renders() + b.renders()).toBe(3)
  })

  it('never remembers a value some guard changes: each line gets its own guard’s answer', () => {
    const a = counted('"a":')
    const line = createLineBuilder()
    const masking = (text: string): string => text.replaceAll('2348031234567', '234803****567')
    for (const [guard, expected] of [
      [masking, '"a":"x 234803****567"'],
      [identity, '"a":"x 2348031234567"'],
      [masking, '"a":"x 234803****567"'],
    ] as const) {
      expect(write(line, guard, [[a.slot, 'x 2348031234567']])).toBe(expected)
    }
  })

  it('stops remembering a slot whose values keep changing, and still writes them right', () => {
    const nonce = counted(',"nonce":')
    const line = createLineBuilder({ capacity: 3 })
    for (let i = 0; i < 10; i++) expect(write(line, identity, [[nonce.slot, `n${i}`]])).toBe(`,"nonce":"n${i}"`)
    expect(nonce.slot.open).toBe(false)
    expect(nonce.slot.pieces.size).toBe(0)
    expect(write(line, identity, [[nonce.slot, 'n0']])).toBe(',"nonce":"n0"')
  })

  it('keeps writing right once the node budget is spent', () => {
    const a = counted('{"a":')
    const b = counted(',"b":')
    const end = jsonSlot('}')
    const line = createLineBuilder({ maxNodes: 2 })
    for (let i = 0; i < 6; i++) {
      expect(write(line, identity, [[a.slot, String(i % 3)], [b.slot, String(i % 2)], [end, '']])).toBe(`{"a":"${i % 3}","b":"${i % 2}"}`)
    }
  })

  it('keeps runs apart that follow the same node through different slots', () => {
    const first = jsonSlot('{')
    const a = counted('"a":')
    const b = counted('"b":')
    const line = createLineBuilder()
    for (let i = 0; i < 6; i++) {
      expect(write(line, identity, [[first, ''], [i % 2 ? a.slot : b.slot, 'v']])).toBe(`{"${i % 2 ? 'a' : 'b'}":"v"`)
    }
  })
})
