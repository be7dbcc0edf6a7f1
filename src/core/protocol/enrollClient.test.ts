import { describe, it, expect } from 'vitest'
import { STORED_REQUEST_HEADERS } from '../../shared/domain/attempt.ts'
import { ENROLL_PATH, TOKEN_PATH, TRAINING_CREDENTIALS } from '../../shared/domain/environments.ts'
import { createEnrollClient } from './enrollClient.ts'
import { buildCipher, sign } from './signer.ts'
import { createTokenCache } from './tokenCache.ts'
import type { EnrollTarget, FetchLike } from './types.ts'

const BASE = 'https://api.example.test'
const PASSPORT = 'https://passport.example.test'
const START_MS = 1_700_000_000_000
const target: EnrollTarget = { baseUrl: BASE, passportUrl: PASSPORT, credentials: { ...TRAINING_CREDENTIALS }, signatureMethod: 'SHA-256' }
const body = { paymentId: '266274', mobilePhoneNumber: '2348031234567', transactionRef: 'JB-1700000000-Enrol' }

type EnrollAnswer = (init: RequestInit) => Response | Promise<Response>

interface SentRequest {
  url: string
  headers: Record<string, string>
  body: string
  redirect: RequestInit['redirect']
}

/**
 * A fake network: Passport hands out access-token-1, access-token-2…; the enrollment endpoint plays the
 * scripted answers in order. The clock moves 120 ms per token fetch and 1 s per request.
 */
function setup(enrollAnswers: EnrollAnswer[], opts: { tokenAnswer?: () => Response; timeoutMs?: number } = {}) {
  let t = START_MS
  const now = () => t
  const tokenCalls: string[] = []
  const enrollCalls: SentRequest[] = []
  const events: string[] = []
  const fetch: FetchLike = async (url, init) => {
    if (url.endsWith(TOKEN_PATH)) {
      tokenCalls.push(url)
      t += 120
      return opts.tokenAnswer ? opts.tokenAnswer() : Response.json({ access_token: `access-token-${tokenCalls.length}`, expires_in: 3600 })
    }
    events.push('fetch')
    enrollCalls.push({ url, headers: { ...(init.headers as Record<string, string>) }, body: String(init.body), redirect: init.redirect })
    const answer = enrollAnswers[enrollCalls.length - 1]
    if (!answer) throw new Error('unexpected extra request')
    t += 1000
    return answer(init)
  }
  let n = 0
  const nonce = () => `nonce${++n}`
  const tokens = createTokenCache({ fetch, now })
  const client = createEnrollClient({ fetch, now, nonce, tokens, timeoutMs: opts.timeoutMs ?? 30_000 })
  const beforeSend: { headers: Record<string, string>; url: string }[] = []
  const hooks = {
    beforeSend(headers: Record<string, string>, url: string) {
      events.push('beforeSend')
      beforeSend.push({ headers, url })
    },
  }
  return { client, hooks, tokenCalls, enrollCalls, beforeSend, events, now, advance: (ms: number) => (t += ms) }
}

const ok: EnrollAnswer = () =>
  Response.json({ status: 'ENROLLED', paymentId: '266274' }, { headers: { Date: new Date(START_MS + 5_000).toUTCString(), 'X-Request-Id': 'r1' } })
const rejected = (status: number, code: string, message: string): EnrollAnswer => () =>
  Response.json({ errors: [{ code, message }], transactionRef: body.transactionRef, paymentId: body.paymentId }, { status })
const timesOut: EnrollAnswer = (init) =>
  new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
const refused: EnrollAnswer = () => {
  throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }) })
}

describe('enroll: success', () => {
  it('sends the signed request the docs describe', async () => {
    const s = setup([ok])
    await s.client.enroll({ ...target, baseUrl: `${BASE}/` }, body, s.hooks)
    const [sent] = s.enrollCalls
    const timestamp = String(Math.floor((START_MS + 120) / 1000))
    expect(sent?.url).toBe(`${BASE}${ENROLL_PATH}`)
    expect(sent?.headers).toEqual({
      'Content-Type': 'application/json',
      Authorization: 'Bearer access-token-1',
      Timestamp: timestamp,
      Nonce: 'nonce1',
      Signature: sign(
        buildCipher({ method: 'POST', url: `${BASE}${ENROLL_PATH}`, timestamp, nonce: 'nonce1', clientId: TRAINING_CREDENTIALS.clientId, clientSecret: TRAINING_CREDENTIALS.clientSecret }),
        'SHA-256',
      ),
      SignatureMethod: 'SHA-256',
      AuthKeyVersion: '1',
    })
    expect(JSON.parse(sent?.body ?? '')).toEqual(body)
  })

  it('sends the body values as strings', async () => {
    const s = setup([ok])
    await s.client.enroll(target, { ...body, paymentId: 266274 as unknown as string }, s.hooks)
    expect(s.enrollCalls[0]?.body).toContain('"paymentId":"266274"')
  })

  it('returns enrolled with status, lower-case headers, body, timings and clock offset', async () => {
    const s = setup([ok])
    const result = await s.client.enroll(target, body, s.hooks)
    expect(result).toMatchObject({
      outcome: 'enrolled',
      httpStatus: 200,
      responseBody: JSON.stringify({ status: 'ENROLLED', paymentId: '266274' }),
      errors: [],
      failureReason: null,
      tokenMs: 120,
      requestMs: 1000,
      // Date header says START+5 s; the answer arrived at START+1120 ms.
      clockOffsetMs: 5_000 - 1120,
    })
    expect(result.responseHeaders).toMatchObject({ 'content-type': 'application/json', 'x-request-id': 'r1' })
  })

  it('calls beforeSend with only the non-secret headers, before the request leaves', async () => {
    const s = setup([ok])
    const result = await s.client.enroll(target, body, s.hooks)
    expect(s.events).toEqual(['beforeSend', 'fetch'])
    expect(s.beforeSend[0]?.url).toBe(`${BASE}${ENROLL_PATH}`)
    expect(Object.keys(s.beforeSend[0]?.headers ?? {})).toEqual([...STORED_REQUEST_HEADERS])
    expect(result.requestHeaders).toEqual(s.beforeSend[0]?.headers)
  })

  it('reuses the cached token on the next call (tokenMs null)', async () => {
    const s = setup([ok, ok])
    await s.client.enroll(target, body)
    const second = await s.client.enroll(target, body)
    expect(s.tokenCalls).toHaveLength(1)
    expect(second.tokenMs).toBeNull()
    expect(s.enrollCalls[1]?.headers.Authorization).toBe('Bearer access-token-1')
  })

  it('a missing Date header gives clockOffsetMs null', async () => {
    const s = setup([() => new Response('{}')])
    expect((await s.client.enroll(target, body)).clockOffsetMs).toBeNull()
  })
})

describe('enroll: answers that are not success', () => {
  it('an errors array is rejected, with the codes', async () => {
    const s = setup([rejected(400, '10403', 'Payments is not allowed for auto enrollment')])
    const result = await s.client.enroll(target, body)
    expect(result).toMatchObject({ outcome: 'rejected', httpStatus: 400, errors: [{ code: '10403', message: 'Payments is not allowed for auto enrollment' }], failureReason: null })
    expect(s.enrollCalls).toHaveLength(1)
  })

  it('a plain HTTP 500 is failed and keeps the body; not retried', async () => {
    const s = setup([() => new Response('Internal Server Error', { status: 500 })])
    const result = await s.client.enroll(target, body)
    expect(result).toMatchObject({ outcome: 'failed', httpStatus: 500, responseBody: 'Internal Server Error', failureReason: expect.stringContaining('500') })
    expect(s.enrollCalls).toHaveLength(1)
  })
})

describe('enroll: 401 handling', () => {
  it('on 401 fetches a new token and retries once with a fresh nonce and timestamp', async () => {
    const s = setup([rejected(401, 'E22', 'Access key not valid'), ok])
    const result = await s.client.enroll(target, body, s.hooks)
    expect(result.outcome).toBe('enrolled')
    expect(s.tokenCalls).toHaveLength(2)
    expect(s.enrollCalls.map((c) => c.headers.Authorization)).toEqual(['Bearer access-token-1', 'Bearer access-token-2'])
    const [first, second] = s.enrollCalls
    expect(second?.headers.Nonce).not.toBe(first?.headers.Nonce)
    expect(second?.headers.Timestamp).not.toBe(first?.headers.Timestamp)
    expect(s.events).toEqual(['beforeSend', 'fetch', 'beforeSend', 'fetch'])
    expect(result.requestHeaders.Nonce).toBe(second?.headers.Nonce)
    expect(result.tokenMs).toBe(240)
    expect(result.requestMs).toBe(2000)
  })

  it('a second 401 is returned as it came, not retried again', async () => {
    const s = setup([rejected(401, 'E22', 'Access key not valid'), rejected(401, 'E22', 'Access key not valid')])
    const result = await s.client.enroll(target, body)
    expect(s.enrollCalls).toHaveLength(2)
    expect(result).toMatchObject({ outcome: 'rejected', httpStatus: 401, errors: [{ code: 'E22' }] })
  })

  it('if the new token cannot be had, returns the 401 with the reason', async () => {
    let tokenN = 0
    const s = setup([rejected(401, 'E22', 'Access key not valid')], {
      tokenAnswer: () => (++tokenN === 1 ? Response.json({ access_token: 'access-token-1' }) : new Response('', { status: 401 })),
    })
    const result = await s.client.enroll(target, body)
    expect(s.enrollCalls).toHaveLength(1)
    expect(result).toMatchObject({ httpStatus: 401, errors: [{ code: 'E22' }], failureReason: expect.stringContaining('refused the client id and secret') })
  })
})

describe('enroll: no answer', () => {
  it('a timeout is unknown and is not retried', async () => {
    const s = setup([timesOut, ok], { timeoutMs: 20 })
    const result = await s.client.enroll(target, body, s.hooks)
    expect(result).toMatchObject({ outcome: 'unknown', httpStatus: null, responseBody: null, failureReason: expect.stringMatching(/^No answer within 20 ms; the card may or may not be enrolled/) })
    expect(s.enrollCalls).toHaveLength(1)
    expect(result.requestHeaders).toEqual(s.beforeSend[0]?.headers)
  })

  it('the timeout ends with the answer: nothing of the request is kept running for the rest of it', async () => {
    let signal: AbortSignal | null | undefined
    const s = setup([(init) => ((signal = init.signal), ok(init))], { timeoutMs: 20 })
    const result = await s.client.enroll(target, body, s.hooks)
    expect(result.outcome).toBe('enrolled')
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(signal).toBeInstanceOf(AbortSignal)
    expect(signal?.aborted).toBe(false) // AbortSignal.timeout() would have fired by now
  })

  it('connection refused is failed and is not retried', async () => {
    const s = setup([refused, ok])
    const result = await s.client.enroll(target, body)
    expect(result).toMatchObject({ outcome: 'failed', httpStatus: null, failureReason: expect.stringContaining('refused') })
    expect(s.enrollCalls).toHaveLength(1)
  })

  it('an answer cut off mid-body is unknown but keeps the status', async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"sta'))
        controller.error(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))
      },
    })
    const s = setup([() => new Response(broken, { status: 200 })])
    const result = await s.client.enroll(target, body)
    expect(result).toMatchObject({ outcome: 'unknown', httpStatus: 200, responseBody: null, failureReason: expect.stringContaining('cut off') })
  })
})

describe('enroll: nothing sent', () => {
  it('a refused token request is failed and nothing is sent', async () => {
    const s = setup([ok], { tokenAnswer: () => Response.json({ error: 'invalid_client' }, { status: 401 }) })
    const result = await s.client.enroll(target, body, s.hooks)
    expect(result).toMatchObject({ outcome: 'failed', httpStatus: null, requestHeaders: {}, requestMs: null, tokenMs: 120, failureReason: expect.stringContaining('refused the client id and secret') })
    expect(s.enrollCalls).toHaveLength(0)
    expect(s.beforeSend).toHaveLength(0)
  })

  it('an unexpected error from the token cache is failed, without repeating its message', async () => {
    const secret = TRAINING_CREDENTIALS.clientSecret
    const tokens = {
      get: async () => {
        throw new Error(`keychain glitch near ${secret}`)
      },
      invalidate: () => {},
    }
    const fetch: FetchLike = async () => Response.json({})
    const client = createEnrollClient({ fetch, now: () => START_MS, nonce: () => 'n', tokens })
    const result = await client.enroll(target, body)
    expect(result).toMatchObject({ outcome: 'failed', httpStatus: null, failureReason: expect.stringContaining('Nothing was sent') })
    expect(JSON.stringify(result)).not.toContain(secret)
  })

  it('an unsupported signature method is failed without any network call', async () => {
    const s = setup([ok])
    const result = await s.client.enroll({ ...target, signatureMethod: 'MD5' as never }, body)
    expect(result.outcome).toBe('failed')
    expect(s.tokenCalls).toHaveLength(0)
    expect(s.enrollCalls).toHaveLength(0)
  })

  it('a throwing beforeSend stops the request', async () => {
    const s = setup([ok])
    const hooks = {
      beforeSend() {
        throw new Error('history is not writable')
      },
    }
    await expect(s.client.enroll(target, body, hooks)).rejects.toThrow('history is not writable')
    expect(s.enrollCalls).toHaveLength(0)
  })
})

describe('enroll: secrets never come back', () => {
  it('no result or error of any path holds the secret, a token or a Signature', async () => {
    const echo: EnrollAnswer = (init) => {
      const h = init.headers as Record<string, string>
      // A misbehaving proxy that echoes the request headers back.
      return Response.json({ seen: h, errors: [{ code: 'X', message: `bad ${h.Authorization}` }] }, { status: 400, headers: { 'x-echo-signature': h.Signature ?? '' } })
    }
    const scenarios: { answers: EnrollAnswer[]; tokenAnswer?: () => Response; timeoutMs?: number }[] = [
      { answers: [ok] },
      { answers: [rejected(400, '-2', 'An OTP related error has occured, please contact support.')] },
      { answers: [() => new Response('Internal Server Error', { status: 500 })] },
      { answers: [rejected(401, 'E22', 'no'), ok] },
      { answers: [rejected(401, 'E22', 'no'), rejected(401, 'E22', 'no')] },
      { answers: [timesOut], timeoutMs: 10 },
      { answers: [refused] },
      { answers: [echo] },
      { answers: [ok], tokenAnswer: () => new Response('', { status: 401 }) },
      { answers: [ok], tokenAnswer: () => new Response('nope', { status: 500 }) },
    ]
    for (const scenario of scenarios) {
      const s = setup(scenario.answers, { ...(scenario.tokenAnswer ? { tokenAnswer: scenario.tokenAnswer } : {}), timeoutMs: scenario.timeoutMs ?? 30_000 })
      const outcome = await s.client.enroll(target, body, s.hooks).catch((error: unknown) => ({ thrown: String(error), stack: (error as Error).stack }))
      const text = JSON.stringify(outcome)
      const forbidden = [
        TRAINING_CREDENTIALS.clientSecret,
        'access-token-1',
        'access-token-2',
        ...s.enrollCalls.map((c) => c.headers.Signature ?? 'missing-signature'),
      ]
      for (const value of forbidden) expect(text, `scenario ${scenarios.indexOf(scenario)}`).not.toContain(value)
    }
  })
})

describe('enroll: at the boundary', () => {
  it('asks the transport not to follow redirects; a 3xx is failed with the reason', async () => {
    const s = setup([() => new Response('', { status: 302, headers: { Location: 'https://elsewhere.example.test/' } })])
    const result = await s.client.enroll(target, body, s.hooks)
    expect(s.enrollCalls).toHaveLength(1)
    expect(s.enrollCalls[0]?.redirect).toBe('manual')
    expect(result).toMatchObject({ outcome: 'failed', httpStatus: 302, failureReason: expect.stringMatching(/Redirects are never followed/) })
  })

  it("Electron's refusal of a redirect is failed, not unknown", async () => {
    const s = setup([() => Promise.reject(new Error('Redirect was cancelled'))])
    const result = await s.client.enroll(target, body, s.hooks)
    expect(result).toMatchObject({ outcome: 'failed', httpStatus: null, failureReason: expect.stringMatching(/redirect/) })
  })

  it('signs exactly the normalised URL that it fetches', async () => {
    const s = setup([ok])
    await s.client.enroll({ ...target, baseUrl: 'https://API.Example.test:443/x/../' }, body, s.hooks)
    const [sent] = s.enrollCalls
    expect(sent?.url).toBe(`${BASE}${ENROLL_PATH}`)
    const cipher = buildCipher({ method: 'POST', url: `${BASE}${ENROLL_PATH}`, timestamp: sent?.headers.Timestamp as string, nonce: 'nonce1', clientId: target.credentials.clientId, clientSecret: target.credentials.clientSecret })
    expect(sent?.headers.Signature).toBe(sign(cipher, 'SHA-256'))
  })

  it('refuses URLs that fail the URL rule, and a stored secret under 8 characters, sending nothing', async () => {
    for (const bad of [
      { ...target, baseUrl: 'http://api.example.test' },
      { ...target, baseUrl: 'https://user:pw@api.example.test' },
      { ...target, passportUrl: 'https://passport.example.test/?x=1' },
      { ...target, credentials: { clientId: 'IKIA', clientSecret: 'short' } },
    ]) {
      const s = setup([ok])
      const result = await s.client.enroll(bad, body, s.hooks)
      expect(result.outcome).toBe('failed')
      expect(result.failureReason).toMatch(/Nothing was sent/)
      expect(result.failureReason).not.toContain('pw@')
      expect(s.tokenCalls).toEqual([])
      expect(s.enrollCalls).toEqual([])
    }
  })

  it('keeps at most 64 KiB of a long answer, marked cut off; the outcome follows the status line', async () => {
    const s = setup([() => new Response(`{"status":"ENROLLED","pad":"${'y'.repeat(300 * 1024)}"}`, { status: 200 })])
    const result = await s.client.enroll(target, body, s.hooks)
    expect(result.outcome).toBe('enrolled')
    expect(result.responseBody?.startsWith('{"status":"ENROLLED"')).toBe(true)
    expect(result.responseBody?.endsWith('[answer cut off: only its first 64 KiB were read and kept]')).toBe(true)
    expect(result.responseBody?.length).toBeLessThan(66 * 1024)
  })

  it('hides the Basic credentials echoed back without the word Basic', async () => {
    const basic = Buffer.from(`${target.credentials.clientId}:${target.credentials.clientSecret}`).toString('base64')
    const s = setup([() => Response.json({ errors: [{ code: 'E99', message: `got ${basic} and ${encodeURIComponent(target.credentials.clientSecret)}` }] }, { status: 400 })])
    const result = JSON.stringify(await s.client.enroll(target, body, s.hooks))
    expect(result).not.toContain(basic.replace(/=+$/, ''))
    expect(result).not.toContain(encodeURIComponent(target.credentials.clientSecret))
    expect(result).toContain('[hidden]')
  })
})
