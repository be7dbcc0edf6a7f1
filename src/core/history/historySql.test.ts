import { describe, expect, it } from 'vitest'
import { compileFilter, decodeCursor, encodeCursor, InvalidCursorError } from './historySql.ts'

describe('cursor', () => {
  it('round-trips a position for its sort', () => {
    const cursor = encodeCursor('latency-desc', { key: -1, id: 42 })
    expect(decodeCursor(cursor, 'latency-desc')).toEqual({ key: -1, id: 42 })
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
  })

  it.each([
    ['garbage', 'not a cursor'],
    ['other JSON', Buffer.from('{"a":1}').toString('base64url')],
    ['another version', Buffer.from('[2,"time-desc",1,1]').toString('base64url')],
    ['a fractional position', Buffer.from('[1,"time-desc",1.5,1]').toString('base64url')],
  ])('rejects %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor, 'time-desc')).toThrow(InvalidCursorError)
  })

  it('rejects a cursor made for another sort', () => {
    expect(() => decodeCursor(encodeCursor('time-asc', { key: 1, id: 1 }), 'time-desc')).toThrow(/cursor.*time-asc/)
  })
})

describe('compileFilter', () => {
  it('turns every filter into a row predicate and offers the indexed ones as drivers', () => {
    const compiled = compileFilter({ outcome: ['enrolled'], environment: ['sandbox'], operator: 'ada', code: 'E26', from: 1, to: 2, paymentId: '12', search: 'abc' })
    expect(compiled.predicates).toHaveLength(8)
    expect(compiled.drivers.map((d) => d.name).sort()).toEqual(['code', 'operator', 'payment_id', 'range', 'search'])
    expect(compiled.selective).toBe(true)
    expect(compiled.readsRows).toBe(true)
  })

  it('lets the time index bound a date range only on time sorts', () => {
    expect(compileFilter({ from: 5 }).sortBounds).toHaveLength(1)
    expect(compileFilter({ from: 5, sort: 'latency-asc' }).sortBounds).toHaveLength(0)
  })

  it('ignores empty lists and blank searches', () => {
    const compiled = compileFilter({ outcome: [], environment: [], search: '  ' })
    expect(compiled.predicates).toEqual([])
    expect(compiled.drivers).toEqual([])
  })

  it('asks the trigram index only for the trigrams the picker keeps', () => {
    const compiled = compileFilter({ search: 'ABCDE' }, (group) => group.slice(-1))
    expect(compiled.drivers.find((d) => d.name === 'search')?.where[0]?.params).toEqual(['("CDE")'])
  })
})
