import { describe, expect, it } from 'vitest'
import { checkApiUrl, isLoopbackHost, normalApiUrl } from './apiUrl.ts'
import { urlTable } from './apiUrlTable.test-helpers.ts'

describe('the URL rule', () => {
  const table = urlTable(4567)

  it('has a table of at least 30 URLs, both accepted and refused ones', () => {
    expect(table.length).toBeGreaterThanOrEqual(30)
    expect(table.filter((row) => row.normal).length).toBeGreaterThanOrEqual(10)
    expect(table.filter((row) => row.refused).length).toBeGreaterThanOrEqual(20)
  })

  for (const row of table) {
    it(`${JSON.stringify(row.input).slice(0, 60)} → ${row.normal ?? 'refused'}`, () => {
      const checked = checkApiUrl(row.input)
      if (row.normal !== undefined) {
        expect(checked).toEqual({ ok: true, url: row.normal })
        // The normal form is a fixed point, and what the WHATWG parser (fetch's) makes of it.
        expect(checkApiUrl(row.normal)).toEqual({ ok: true, url: row.normal })
        expect(new URL(`${row.normal}/api`).href).toBe(`${row.normal}/api`)
      } else {
        expect(checked.ok).toBe(false)
        if (!checked.ok) expect(checked.reason).toMatch(row.refused as RegExp)
      }
    })
  }

  it('never repeats a password in its reason', () => {
    const checked = checkApiUrl('https://operator:hunter2-secret@saturn.interswitchng.com')
    expect(checked.ok).toBe(false)
    expect(JSON.stringify(checked)).not.toContain('hunter2')
  })

  it('knows loopback hosts as the parser writes them', () => {
    expect(['localhost', '127.0.0.1', '127.255.0.9', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true])
    expect(['localhost.', '128.0.0.1', '[::ffff:7f00:1]', 'example.com', '127.0.0.1.example.com'].map(isLoopbackHost)).toEqual([false, false, false, false, false])
  })

  it('normalApiUrl throws the reason for a refused URL', () => {
    expect(() => normalApiUrl('http://example.com')).toThrow(/Plain http/)
    expect(normalApiUrl('https://EXAMPLE.com/')).toBe('https://example.com')
  })
})
