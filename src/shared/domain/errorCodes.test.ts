import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, explainCode, explainHttpStatus } from './errorCodes.ts'

describe('error code explanations', () => {
  it('cover every code of the API documentation', () => {
    const docs = readFileSync(new URL('../../../docs/interswitch-api.md', import.meta.url), 'utf8')
    const documented = new Set([...docs.matchAll(/\bE\d{2}\b/g)].map((m) => m[0]))
    documented.add('-2').add('10403')
    for (const code of documented) expect(ERROR_CODES.has(code), `no explanation for ${code}`).toBe(true)
  })

  it('give a meaning and a next step for each known code', () => {
    for (const entry of ERROR_CODES.values()) {
      expect(entry.meaning.length).toBeGreaterThan(10)
      expect(entry.nextStep.length).toBeGreaterThan(10)
    }
  })

  it('match codes case-insensitively', () => {
    expect(explainCode('e26').known).toBe(true)
  })

  it('show an unknown code as it came, with its message', () => {
    const unknown = explainCode('Z99', 'Something odd')
    expect(unknown.known).toBe(false)
    expect(unknown.meaning).toContain('Z99')
    expect(unknown.meaning).toContain('Something odd')
  })

  it('explain HTTP statuses, documented or not', () => {
    expect(explainHttpStatus(401).meaning).toMatch(/401/)
    expect(explainHttpStatus(418).meaning).toMatch(/418/)
  })
})
