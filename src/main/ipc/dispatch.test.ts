import { describe, expect, it } from 'vitest'
import { createSenderCheck } from './dispatch.ts'

describe('createSenderCheck', () => {
  const packaged = createSenderCheck({ fileUrl: 'file:///opt/app/out/renderer/index.html' })
  const dev = createSenderCheck({ devOrigin: 'http://localhost:5173' })

  it('accepts the packaged renderer, with or without a route hash', () => {
    expect(packaged('file:///opt/app/out/renderer/index.html')).toBe(true)
    expect(packaged('file:///opt/app/out/renderer/index.html#/history?outcome=rejected')).toBe(true)
  })

  it('refuses other files, other origins and garbage', () => {
    expect(packaged('file:///opt/app/out/renderer/other.html')).toBe(false)
    expect(packaged('file:///tmp/index.html')).toBe(false)
    expect(packaged('https://evil.example/index.html')).toBe(false)
    expect(packaged('not a url')).toBe(false)
    expect(packaged(undefined)).toBe(false)
  })

  it('accepts only the dev server origin in development', () => {
    expect(dev('http://localhost:5173/#/enroll')).toBe(true)
    expect(dev('http://localhost:5174/')).toBe(false)
    expect(dev('file:///opt/app/out/renderer/index.html')).toBe(false)
  })
})
