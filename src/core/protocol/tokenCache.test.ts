import { describe, it, expect } from 'vitest'
import { TOKEN_PATH, TRAINING_CREDENTIALS } from '../../shared/domain/environments.ts'
import { createTokenCache, TokenError } from './tokenCache.ts'
import type { FetchLike } from './types.ts'

const PASSPORT = 'https://passport.example.test'
const CREDS = { ...TRAINING_CREDENTIALS }

interface Call {
  url: string
  init: RequestInit
}

/** A fake Passport: answers token n as `token-n`, or whatever `answer` returns. */
function fakePassport(answer?: (n: number) => Response | Promise<Response>) {
  const calls: Call[] = []
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init })
    const n = calls.length
    return answer ? answer(n) : Response.json({ access_token: `token-${n}`, token_type: 'bearer', expires_in: 3600 })
  }
  return { fetch, calls }
}

function clock(start = 1_700_000_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => (t += ms) }
}

describe('createTokenCache', () => {
  it('posts client_credentials with Basic auth to the Passport token path', async () => {
    const passport = fakePassport()
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    await tokens.get(`${PASSPORT}/`, CREDS)
    const [call] = passport.calls
    expect(call?.url).toBe(`${PASSPORT}${TOKEN_PATH}`)
    expect(call?.init.method).toBe('POST')
    const headers = call?.init.headers as Record<string, string>
    expect(headers.Authorization).toBe(`Basic ${Buffer.from(`${CREDS.clientId}:${CREDS.clientSecret}`).toString('base64')}`)
    expect(headers['Content-Type']).toBe('application/x-www-form-urlencoded')
    expect(call?.init.body).toBe('grant_type=client_credentials')
  })

  it('serves a second call from the cache with fetchedMs null', async () => {
    const passport = fakePassport()
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    const first = await tokens.get(PASSPORT, CREDS)
    const second = await tokens.get(PASSPORT, CREDS)
    expect(first).toEqual({ token: 'token-1', fetchedMs: 0 })
    expect(second).toEqual({ token: 'token-1', fetchedMs: null })
    expect(passport.calls).toHaveLength(1)
  })

  it('reports the time spent fetching by the injected clock', async () => {
    const c = clock()
    const passport = fakePassport(() => {
      c.advance(250)
      return Response.json({ access_token: 'slow', expires_in: 3600 })
    })
    const tokens = createTokenCache({ fetch: passport.fetch, now: c.now })
    expect(await tokens.get(PASSPORT, CREDS)).toEqual({ token: 'slow', fetchedMs: 250 })
  })

  it('fetches again once expires_in minus the safety margin has passed', async () => {
    const c = clock()
    const passport = fakePassport()
    const tokens = createTokenCache({ fetch: passport.fetch, now: c.now })
    await tokens.get(PASSPORT, CREDS)
    c.advance(3_540_000 - 1) // 3600 s − 60 s margin, minus 1 ms: still valid
    expect((await tokens.get(PASSPORT, CREDS)).token).toBe('token-1')
    c.advance(1)
    expect((await tokens.get(PASSPORT, CREDS)).token).toBe('token-2')
    expect(passport.calls).toHaveLength(2)
  })

  it('assumes 3600 s when the answer has no expires_in', async () => {
    const c = clock()
    const passport = fakePassport((n) => Response.json({ access_token: `t${n}` }))
    const tokens = createTokenCache({ fetch: passport.fetch, now: c.now, safetyMarginMs: 0 })
    await tokens.get(PASSPORT, CREDS)
    c.advance(3_599_999)
    expect((await tokens.get(PASSPORT, CREDS)).token).toBe('t1')
    c.advance(1)
    expect((await tokens.get(PASSPORT, CREDS)).token).toBe('t2')
  })

  it('keeps tokens apart per Passport URL, client id and secret', async () => {
    const passport = fakePassport()
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    await tokens.get(PASSPORT, CREDS)
    await tokens.get('https://other.example.test', CREDS)
    await tokens.get(PASSPORT, { ...CREDS, clientSecret: 'changed' })
    await tokens.get(PASSPORT, { ...CREDS, clientId: 'OTHER' })
    expect(passport.calls).toHaveLength(4)
  })

  it('invalidate forces a new fetch for that client only', async () => {
    const passport = fakePassport()
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    await tokens.get(PASSPORT, CREDS)
    await tokens.get(PASSPORT, { ...CREDS, clientId: 'OTHER' })
    tokens.invalidate(`${PASSPORT}/`, CREDS.clientId)
    expect((await tokens.get(PASSPORT, CREDS)).token).toBe('token-3')
    expect((await tokens.get(PASSPORT, { ...CREDS, clientId: 'OTHER' })).fetchedMs).toBeNull()
  })

  it('many requests refused with the same token refresh it once', async () => {
    const passport = fakePassport()
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    const refused = (await tokens.get(PASSPORT, CREDS)).token
    // Sixteen requests of a bulk run get 401 with that token, one after the other.
    const fresh = new Set<string>()
    for (let i = 0; i < 16; i++) {
      tokens.invalidate(PASSPORT, CREDS.clientId, refused)
      fresh.add((await tokens.get(PASSPORT, CREDS)).token)
    }
    expect([...fresh]).toEqual(['token-2'])
    expect(passport.calls).toHaveLength(2)
    // The fresh token refused in turn is refreshed again, once.
    tokens.invalidate(PASSPORT, CREDS.clientId, 'token-2')
    tokens.invalidate(PASSPORT, CREDS.clientId, 'token-2')
    expect((await tokens.get(PASSPORT, CREDS)).token).toBe('token-3')
    expect(passport.calls).toHaveLength(3)
  })

  it('a fetch running when invalidate() comes does not refill the cache', async () => {
    let release: (r: Response) => void = () => {}
    const passport = fakePassport((n) => (n === 1 ? new Promise<Response>((resolve) => (release = resolve)) : Response.json({ access_token: `token-${n}` })))
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    const early = tokens.get(PASSPORT, CREDS)
    tokens.invalidate(PASSPORT, CREDS.clientId)
    expect((await tokens.get(PASSPORT, CREDS)).token).toBe('token-2')
    release(Response.json({ access_token: 'stale' }))
    expect((await early).token).toBe('stale')
    expect((await tokens.get(PASSPORT, CREDS)).token).toBe('token-2')
  })

  it('concurrent callers share one in-flight fetch', async () => {
    let release: (r: Response) => void = () => {}
    const passport = fakePassport(() => new Promise<Response>((resolve) => (release = resolve)))
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    const a = tokens.get(PASSPORT, CREDS)
    const b = tokens.get(PASSPORT, CREDS)
    release(Response.json({ access_token: 'shared', expires_in: 3600 }))
    expect((await a).token).toBe('shared')
    expect((await b).token).toBe('shared')
    expect(passport.calls).toHaveLength(1)
  })

  it('a 401 from Passport is a TokenError "rejected" that names neither secret nor token', async () => {
    const passport = fakePassport(() => Response.json({ error: 'invalid_client', error_description: 'Bad client credentials' }, { status: 401 }))
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    const error = await tokens.get(PASSPORT, CREDS).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenError)
    expect(error).toMatchObject({ kind: 'rejected', httpStatus: 401 })
    expect((error as Error).message).toContain('invalid_client')
    expect((error as Error).message).not.toContain(CREDS.clientSecret)
  })

  it('a failed fetch is not cached: the next call tries again', async () => {
    const passport = fakePassport((n) => (n === 1 ? new Response('', { status: 401 }) : Response.json({ access_token: 'ok' })))
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    await expect(tokens.get(PASSPORT, CREDS)).rejects.toBeInstanceOf(TokenError)
    expect((await tokens.get(PASSPORT, CREDS)).token).toBe('ok')
  })

  it('connection refused is a TokenError "unreachable"', async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) })
    }
    const tokens = createTokenCache({ fetch, now: clock().now })
    await expect(tokens.get(PASSPORT, CREDS)).rejects.toMatchObject({ name: 'TokenError', kind: 'unreachable', message: expect.stringContaining('refused') })
  })

  it('a 500 or an answer without access_token is a TokenError "bad-answer"', async () => {
    const five = createTokenCache({ fetch: fakePassport(() => new Response('oops', { status: 500 })).fetch, now: clock().now })
    await expect(five.get(PASSPORT, CREDS)).rejects.toMatchObject({ kind: 'bad-answer', httpStatus: 500 })
    const noToken = createTokenCache({ fetch: fakePassport(() => Response.json({ token_type: 'bearer' })).fetch, now: clock().now })
    await expect(noToken.get(PASSPORT, CREDS)).rejects.toMatchObject({ kind: 'bad-answer', httpStatus: 200 })
    const html = createTokenCache({ fetch: fakePassport(() => new Response('<html>login</html>')).fetch, now: clock().now })
    await expect(html.get(PASSPORT, CREDS)).rejects.toMatchObject({ kind: 'bad-answer' })
  })
})

describe('createTokenCache at the boundary', () => {
  it('asks the transport not to follow redirects, and a 3xx gets no token', async () => {
    const passport = fakePassport(() => new Response('moved', { status: 307, headers: { Location: 'https://elsewhere.example.test/passport/oauth/token' } }))
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    const error = await tokens.get(PASSPORT, CREDS).catch((e: unknown) => e)
    expect(passport.calls[0]?.init.redirect).toBe('manual')
    expect(error).toBeInstanceOf(TokenError)
    expect((error as TokenError).message).toMatch(/redirect \(HTTP 307\)\. Redirects are never followed/)
    expect(passport.calls).toHaveLength(1)
  })

  it("Electron's refusal of a redirect is the same redirect error", async () => {
    const tokens = createTokenCache({ fetch: () => Promise.reject(new Error('Redirect was cancelled')), now: clock().now })
    await expect(tokens.get(PASSPORT, CREDS)).rejects.toThrow(/answered with a redirect\. Redirects are never followed/)
  })

  it('a Passport URL that fails the URL rule is refused before any request', async () => {
    const passport = fakePassport()
    const tokens = createTokenCache({ fetch: passport.fetch, now: clock().now })
    await expect(tokens.get('http://passport.example.test', CREDS)).rejects.toThrow(/Passport URL is refused: Plain http/)
    expect(passport.calls).toEqual([])
  })

  it('reads at most 64 KiB of the answer', async () => {
    const huge = JSON.stringify({ access_token: 'x'.repeat(200 * 1024), expires_in: 3600 })
    const tokens = createTokenCache({ fetch: async () => new Response(huge), now: clock().now })
    await expect(tokens.get(PASSPORT, CREDS)).rejects.toThrow(/without a usable access token/)
  })
})
