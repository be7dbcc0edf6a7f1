import { describe, expect, it } from 'vitest'
import { canonicalJson, contentHash } from './auditHash.ts'

// canonicalJson names history rows in audit entries (contentHash) and is the stored text of
// every entry's details: its output must never change. The reference below is the rule itself
// (JSON.stringify's, keys sorted by UTF-16 code unit at every level), written the slow way.
function reference(value: unknown): string {
  const write = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`).join(',')}}`
    }
    return JSON.stringify(v)
  }
  return write(JSON.parse(JSON.stringify(value ?? {})) as unknown)
}

const VALUES: [string, unknown][] = [
  ['integer-like keys, which a JS object puts first', { b: 1, 10: 'x', 9: 'y', a: { d: [3, { z: 1, y: 2 }], c: null } }],
  ['keys that sort by code unit, not by locale', { é: 1, e: 2, Z: 3, a: 4, '𝒜': 5, 'ﬀ': 6 }],
  ['undefined and functions left out of objects, null in arrays', { a: undefined, f: () => 1, list: [undefined, () => 1, 1] }],
  ['strings that need escaping', { s: 'quote " backslash \\ newline \n tab \t nul \u0000 line sep \u2028 lone \ud800 pair 😀' }],
  ['numbers JSON cannot hold', { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, neg: -0, big: 1e21, small: 1e-7 }],
  ['toJSON (a Date)', { at: new Date(Date.UTC(2026, 11, 2, 13, 0, 0)) }],
  ['an empty object, array and nesting', { o: {}, a: [], n: [[[{}]]] }],
  ['nothing at all', undefined],
  ['a history row as stored', { id: 7, outcome: 'enrolled', errors: [{ code: 'E14', message: 'x' }], responseHeaders: { date: 'Wed', 'content-type': 'application/json' }, responseBody: '{"status":"ENROLLED"}', retryOf: null }],
]

describe('canonicalJson', () => {
  it.each(VALUES)('writes %s as the rule says', (_name, value) => {
    expect(canonicalJson(value)).toBe(reference(value))
  })

  it('gives one text for one value, whatever the order its keys were made in', () => {
    expect(canonicalJson({ b: { y: 1, x: 2 }, a: 1 })).toBe('{"a":1,"b":{"x":2,"y":1}}')
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }))
  })

  it('refuses a value that contains itself, as JSON.stringify does', () => {
    const loop: Record<string, unknown> = { a: 1 }
    loop.self = loop
    expect(() => canonicalJson(loop)).toThrow(TypeError)
  })
})
