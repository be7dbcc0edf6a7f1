import { randomBytes } from 'node:crypto'
import { afterEach, describe, it, expect } from 'vitest'
import { ENROLL_PATH, TOKEN_PATH, TRAINING_CREDENTIALS } from '../../shared/domain/environments.ts'
import type { SignatureMethod } from '../../shared/domain/signatureMethods.ts'
import { startTrainingServer, type TrainingServer, type TrainingServerOptions } from '../simulator/trainingServer.ts'
import { createEnrollClient } from './enrollClient.ts'
import { httpTransport } from './httpTransport.ts'
import { createNonce } from './nonce.ts'
import { createTokenCache } from './tokenCache.ts'
import type { Credentials, EnrollTarget, FetchLike, TokenCache } from './types.ts'

// The real client, over real HTTP, against the real training server: one test per outcome,
// over both transports the console uses under Node: fetch, and the CLI's Node HTTP client.

const CREDS: Credentials = { ...TRAINING_CREDENTIALS }
const PHONE = '2348031234567'
let servers: TrainingServer[] = []

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

/** A training server that counts the requests reaching each endpoint. */
async function start(options: TrainingServerOptions = {}) {
  const counts = { token: 0, enroll: 0 }
  const server = await startTrainingServer({
    ...options,
    onRequest: (r) => {
      if (r.path === TOKEN_PATH) counts.token++
      if (r.path === ENROLL_PATH) counts.enroll++
    },
  })
  servers.push(server)
  return { server, counts }
}

function makeClient(transport: FetchLike, options: { now?: () => number; timeoutMs?: number; tokens?: TokenCache } = {}) {
  const now = options.now ?? Date.now
  const tokens = options.tokens ?? createTokenCache({ fetch: transport, now })
  return createEnrollClient({ fetch: transport, now, nonce: () => createNonce((n) => randomBytes(n)), tokens, timeoutMs: options.timeoutMs ?? 10_000 })
}

function target(server: TrainingServer, overrides: Partial<EnrollTarget> = {}): EnrollTarget {
  return { baseUrl: server.url, passportUrl: server.url, credentials: CREDS, signatureMethod: 'SHA-256', ...overrides }
}

const body = (paymentId: string) => ({ paymentId, mobilePhoneNumber: PHONE, transactionRef: `JB-${paymentId}-Enrol` })

const TRANSPORTS: [string, FetchLike][] = [
  ['fetch', (input, init) => fetch(input, init)],
  ["the CLI's Node HTTP client", httpTransport],
]

describe.each(TRANSPORTS)('enroll against the training server, over %s', (_name, transport) => {
  const client = (options: Parameters<typeof makeClient>[1] = {}) => makeClient(transport, options)

  it.each<SignatureMethod>(['SHA1', 'SHA-256', 'SHA-512'])('enrolls with %s signatures', async (signatureMethod) => {
    const { server } = await start()
    const result = await client().enroll(target(server, { signatureMethod }), body('266274'))
    expect(result).toMatchObject({ outcome: 'enrolled', httpStatus: 200, errors: [], failureReason: null })
    expect(JSON.parse(result.responseBody ?? '')).toMatchObject({ status: 'ENROLLED', paymentId: '266274' })
    expect(result.requestHeaders.SignatureMethod).toBe(signatureMethod)
    expect(result.clockOffsetMs).not.toBeNull()
  })

  it('a payment id ending in 403 is rejected with 10403', async () => {
    const { server } = await start()
    const result = await client().enroll(target(server), body('100403'))
    expect(result).toMatchObject({ outcome: 'rejected', httpStatus: 400, errors: [{ code: '10403', message: 'Payments is not allowed for auto enrollment' }] })
  })

  it('a payment id ending in 002 is rejected with -2', async () => {
    const { server } = await start()
    const result = await client().enroll(target(server), body('100002'))
    expect(result).toMatchObject({ outcome: 'rejected', errors: [{ code: '-2' }] })
  })

  it('enrolling the same payment twice: the second is rejected with 10403', async () => {
    const { server } = await start()
    const c = client()
    expect((await c.enroll(target(server), body('266274'))).outcome).toBe('enrolled')
    const second = await c.enroll(target(server), body('266274'))
    expect(second).toMatchObject({ outcome: 'rejected', errors: [{ code: '10403' }], tokenMs: null })
  })

  it('E34 (HTTP 503) is rejected with the code', async () => {
    const { server } = await start()
    expect(await client().enroll(target(server), body('100034'))).toMatchObject({ outcome: 'rejected', httpStatus: 503, errors: [{ code: 'E34' }] })
  })

  it('signing with a secret other than the one the token was issued for is E26', async () => {
    const { server, counts } = await start()
    // The token comes from the right credentials; the request is signed with another secret.
    const real = createTokenCache({ fetch: globalThis.fetch, now: Date.now })
    const tokens: TokenCache = { get: (url) => real.get(url, CREDS), invalidate: (url, id) => real.invalidate(url, id) }
    const result = await client({ tokens }).enroll(target(server, { credentials: { clientId: CREDS.clientId, clientSecret: 'not-the-secret' } }), body('266274'))
    expect(result).toMatchObject({ outcome: 'rejected', httpStatus: 401, errors: [{ code: 'E26' }] })
    // E26 comes with HTTP 401, so the client fetched a new token and retried once.
    expect(counts.enroll).toBe(2)
  })

  it('a client clock 31 minutes off is E24', async () => {
    const { server } = await start()
    const result = await client({ now: () => Date.now() + 31 * 60_000 }).enroll(target(server), body('266274'))
    expect(result).toMatchObject({ outcome: 'rejected', errors: [{ code: 'E24' }] })
    // The server's Date header shows the client ~31 minutes ahead.
    expect(result.clockOffsetMs).toBeLessThan(-30 * 60_000)
  })

  it('a token the server has expired is refreshed and the request retried once', async () => {
    let serverAhead = 0
    const { server, counts } = await start({ now: () => Date.now() + serverAhead, tokenTtlSeconds: 600 })
    const c = client()
    expect((await c.enroll(target(server), body('4101'))).outcome).toBe('enrolled')
    serverAhead = 20 * 60_000 // the server sees the cached token as expired; still within the 30-minute window
    const result = await c.enroll(target(server), body('4102'))
    expect(result.errors).toEqual([])
    expect(result.outcome).toBe('enrolled')
    expect(counts).toEqual({ token: 2, enroll: 3 })
    expect(result.tokenMs).not.toBeNull()
  })

  it('HTTP 500 with a plain-text page is failed', async () => {
    const { server } = await start()
    const result = await client().enroll(target(server), body('100500'))
    expect(result).toMatchObject({ outcome: 'failed', httpStatus: 500, responseBody: 'Internal Server Error', errors: [] })
  })

  it('no answer within the timeout is unknown, and exactly one request reached the server', async () => {
    const { server, counts } = await start({ hangMs: 2_000 })
    const result = await client({ timeoutMs: 300 }).enroll(target(server), body('100999'))
    expect(result).toMatchObject({ outcome: 'unknown', httpStatus: null, failureReason: expect.stringContaining('may or may not be enrolled') })
    expect(counts.enroll).toBe(1)
  })

  it('a dropped connection is unknown, not retried', async () => {
    const { server, counts } = await start()
    const result = await client().enroll(target(server), body('100998'))
    expect(result).toMatchObject({ outcome: 'unknown', httpStatus: null, failureReason: expect.stringContaining('connection') })
    expect(counts.enroll).toBe(1)
  })

  it('credentials the token endpoint refuses: failed, nothing sent', async () => {
    const { server, counts } = await start()
    const result = await client().enroll(target(server, { credentials: { clientId: CREDS.clientId, clientSecret: 'wrong-secret' } }), body('266274'))
    expect(result).toMatchObject({ outcome: 'failed', httpStatus: null, requestHeaders: {}, failureReason: expect.stringContaining('refused the client id and secret') })
    expect(counts).toEqual({ token: 1, enroll: 0 })
  })

  it('a server that is not running: failed', async () => {
    const { server } = await start()
    await server.close()
    const result = await client().enroll(target(server), body('266274'))
    expect(result).toMatchObject({ outcome: 'failed', httpStatus: null, failureReason: expect.stringContaining('refused') })
  })

  it('an enrollment URL where nothing listens, with a working token server: failed', async () => {
    const { server } = await start()
    const { server: gone } = await start()
    await gone.close()
    const result = await client().enroll(target(server, { baseUrl: gone.url }), body('266274'))
    expect(result).toMatchObject({ outcome: 'failed', httpStatus: null, failureReason: expect.stringContaining('the request was not sent') })
    expect(result.requestHeaders).toHaveProperty('Nonce')
  })
})
