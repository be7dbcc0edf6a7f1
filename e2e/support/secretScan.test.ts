import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { basicForms, escapedForms, scanForSecrets } from './secretScan.ts'

describe('secret scan', () => {
  it('finds a planted secret in a nested file, in UTF-8 and UTF-16, and the control', () => {
    const root = mkdtempSync(join(tmpdir(), 'otp-scan-'))
    mkdirSync(join(root, 'a', 'b'), { recursive: true })
    writeFileSync(join(root, 'a', 'b', 'db.sqlite-wal'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from('xx TOPSECRET-123 yy')]))
    writeFileSync(join(root, 'log.txt'), Buffer.from('token TOKEN-abcdefgh here', 'utf16le'))
    writeFileSync(join(root, 'clean.json'), '{"clientId":"IKIA-CONTROL"}')
    const result = scanForSecrets(root, [{ label: 'secret', value: 'TOPSECRET-123' }, { label: 'token', value: 'TOKEN-abcdefgh' }], 'IKIA-CONTROL')
    expect(result.filesScanned).toBe(3)
    expect(result.hits).toEqual(expect.arrayContaining([{ file: join('a', 'b', 'db.sqlite-wal'), label: 'secret' }, { file: 'log.txt', label: 'token' }]))
    expect(result.hits).toHaveLength(2)
    expect(result.controlFiles).toEqual(['clean.json'])
  })

  it('reports nothing for a clean tree', () => {
    const root = mkdtempSync(join(tmpdir(), 'otp-scan-'))
    writeFileSync(join(root, 'x.log'), 'nothing to see')
    expect(scanForSecrets(root, [{ label: 'secret', value: 'TOPSECRET-123' }], 'IKIA').hits).toEqual([])
  })
})

describe('escaped and Basic forms', () => {
  it('finds a token written back with JSON \\u escapes or URL-encoded, and the base64 of id:secret', () => {
    const root = mkdtempSync(join(tmpdir(), 'otp-scan-'))
    const token = 'tok/en+ABCDEFGH=='
    const escaped = [...token].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
    writeFileSync(join(root, 'a.json'), `{"echo":"${escaped}"}`)
    writeFileSync(join(root, 'b.log'), `next=${encodeURIComponent(token)}`)
    writeFileSync(join(root, 'c.txt'), Buffer.from('IKIA-X:s3cret-value-123').toString('base64').replace(/=+$/, ''))
    const needles = [...escapedForms({ label: 'token', value: token }), ...basicForms('basic', 'IKIA-X', 's3cret-value-123')]
    const hits = scanForSecrets(root, needles, 'IKIA').hits
    expect(hits.map((h) => h.file).sort()).toEqual(['a.json', 'b.log', 'c.txt'])
    expect(hits.find((h) => h.file === 'a.json')?.label).toBe('token (JSON \\u)')
  })
})
