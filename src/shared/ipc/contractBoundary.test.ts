import { describe, expect, it } from 'vitest'
import { ipcContract } from './contract.ts'

// The URL rule and the secret length rule as the main process applies them to window calls.

describe('contract: updateEnvironment URLs', () => {
  const parse = (baseUrl: string, passportUrl = 'https://passport.interswitchng.com') => ipcContract.updateEnvironment.request.safeParse({ id: 'custom', baseUrl, passportUrl })

  it('answers accepted URLs in their normal form', () => {
    const parsed = parse('HTTPS://QA.Example.com:443/gw/', 'http://LOCALHOST:8080/')
    expect(parsed.success && parsed.data).toEqual({ id: 'custom', baseUrl: 'https://qa.example.com/gw', passportUrl: 'http://localhost:8080' })
  })

  it('refuses plain http to another host, user info, a query, and an empty URL, each with its reason', () => {
    for (const [url, reason] of [
      ['http://sandbox.interswitchng.com', /Plain http/],
      ['https://saturn.interswitchng.com@evil.example', /user info/],
      ['https://qa.example.com/?x=1', /query/],
      ['', /Enter a URL/],
    ] as const) {
      const parsed = parse(url)
      expect(parsed.success, url).toBe(false)
      expect(parsed.error?.issues[0]?.message, url).toMatch(reason)
      expect(parsed.error?.issues[0]?.path, url).toEqual(['baseUrl'])
    }
  })
})

describe('contract: setCredentials secret length', () => {
  const parse = (clientSecret: string) => ipcContract.setCredentials.request.safeParse({ environment: 'sandbox', clientId: 'IKIA1234', clientSecret })

  it('refuses a secret under 8 characters and accepts one of 8', () => {
    expect(parse('1234567').success).toBe(false)
    expect(parse('1234567').error?.issues[0]?.message).toMatch(/at least 8 characters/)
    expect(parse('12345678').success).toBe(true)
  })
})
