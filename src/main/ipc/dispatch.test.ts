import { describe, expect, it } from 'vitest'
import { APP_ENTRY_URL } from '../appScheme.ts'
import { createSenderCheck } from './dispatch.ts'

describe('createSenderCheck', () => {
  const packaged = createSenderCheck({ appEntryUrl: APP_ENTRY_URL })
  const dev = createSenderCheck({ appEntryUrl: APP_ENTRY_URL, devOrigin: 'http://localhost:5173' })

  it('accepts the renderer on the app scheme, with or without a route hash', () => {
    expect(packaged('app://console/index.html')).toBe(true)
    expect(packaged('app://console/index.html#/history?outcome=rejected')).toBe(true)
  })

  it('refuses other files, other hosts and schemes, file:// and garbage', () => {
    expect(packaged('app://console/other.html')).toBe(false)
    expect(packaged('app://evil/index.html')).toBe(false)
    expect(packaged('file:///opt/app/out/renderer/index.html')).toBe(false)
    expect(packaged('https://evil.example/index.html')).toBe(false)
    expect(packaged('http://localhost:5173/')).toBe(false)
    expect(packaged('not a url')).toBe(false)
    expect(packaged(undefined)).toBe(false)
  })

  it('accepts the dev server origin only when one is given', () => {
    expect(dev('http://localhost:5173/#/enroll')).toBe(true)
    expect(dev('http://localhost:5174/')).toBe(false)
    expect(dev('app://console/index.html')).toBe(true)
    expect(createSenderCheck({ devOrigin: 'null' })('app://x/index.html')).toBe(false)
  })
})
