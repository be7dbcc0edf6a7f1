import { describe, expect, it } from 'vitest'
import { decodeBlob, encodeBlob } from './blobCodec.ts'

const headers = JSON.stringify({
  'cache-control': 'no-cache, no-store, max-age=0, must-revalidate',
  connection: 'keep-alive',
  'content-length': '139',
  'content-type': 'application/json;charset=UTF-8',
  date: 'Thu, 20 Mar 2025 19:46:15 GMT',
  server: 'nginx',
  'x-frame-options': 'DENY',
})

describe('blobCodec', () => {
  it.each([
    ['empty', ''],
    ['short', '{}'],
    ['response headers', headers],
    ['unicode', 'Réf – ünïcode ✓ 🚀'.repeat(10)],
    ['large body', '<html>'.padEnd(100_000, 'x y z ')],
    ['random', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919) % 251)).toString('latin1')],
  ])('round-trips %s text exactly', (_name, text) => {
    expect(decodeBlob(encodeBlob(text))).toBe(text)
  })

  it('stores typical response headers in a fraction of their size', () => {
    expect(encodeBlob(headers).length).toBeLessThan(headers.length / 4)
  })

  it('refuses a format it does not know', () => {
    expect(() => decodeBlob(Uint8Array.of(7, 1, 2))).toThrow(/newer/)
  })
})
