import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { ipcContract } from './contract.ts'
import { defOf, maxLengthOf as maxLength } from './zodDef.test-helpers.ts'

// IPC limits: every string and array a renderer can send has a maximum length, so a hostile
// or broken page cannot make main parse, store or search something unbounded. This walks every
// request schema of the contract; a new field without .max() fails here.

/** Path → what is unbounded (or of a kind this walker does not know). */
function unbounded(schema: z.ZodType, path: string, found: string[]): string[] {
  const def = defOf(schema)
  switch (def.type) {
    case 'object':
      for (const [key, value] of Object.entries(def.shape ?? {})) unbounded(value, `${path}.${key}`, found)
      break
    case 'optional':
    case 'default':
    case 'nullable':
      unbounded(def.innerType!, path, found)
      break
    case 'pipe':
      unbounded(def.in!, path, found)
      break
    case 'array':
      if (maxLength(def) === undefined) found.push(`${path}: array without a maximum`)
      unbounded(def.element!, `${path}[]`, found)
      break
    case 'string':
      if (maxLength(def) === undefined) found.push(`${path}: string without a maximum`)
      break
    case 'enum':
    case 'literal':
    case 'number':
    case 'boolean':
    case 'undefined':
      break
    default:
      found.push(`${path}: schema type ${def.type} not checked by this test`)
  }
  return found
}

describe('IPC contract limits', () => {
  it('every string and array of every request has a maximum', () => {
    const found: string[] = []
    for (const [method, { request }] of Object.entries(ipcContract)) unbounded(request, method, found)
    expect(found).toEqual([])
  })

  it('the walker finds an unbounded string or array (the check can fail)', async () => {
    const { z } = await import('zod')
    expect(unbounded(z.object({ a: z.array(z.string().max(3)).optional(), b: z.string().regex(/^\d+$/) }), 'x', [])).toEqual(['x.a: array without a maximum', 'x.b: string without a maximum'])
  })

  it('filter arrays hold at most one entry per value and a payment id at most 19 digits', () => {
    const filter = ipcContract.countHistory.request
    expect(filter.safeParse({ filter: { outcome: ['enrolled', 'rejected', 'failed', 'unknown'] } }).success).toBe(true)
    expect(filter.safeParse({ filter: { outcome: Array(40_000).fill('enrolled') } }).success).toBe(false)
    expect(filter.safeParse({ filter: { environment: Array(6).fill('training') } }).success).toBe(false)
    expect(filter.safeParse({ filter: { paymentId: '9'.repeat(19) } }).success).toBe(true)
    expect(filter.safeParse({ filter: { paymentId: '9'.repeat(20) } }).success).toBe(false)
    expect(ipcContract.precheckEnroll.request.safeParse({ paymentId: '1'.repeat(40_000) }).success).toBe(false)
  })
})
