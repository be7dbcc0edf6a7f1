import { afterEach, describe, it, expect } from 'vitest'
import { ENROLL_PATH, TOKEN_PATH, TRAINING_CREDENTIALS } from '../../shared/domain/environments.ts'
import type { SignatureMethod } from '../../shared/domain/signatureMethods.ts'
import { buildCipher, sign } from '../protocol/signer.ts'
import type { Credentials } from '../protocol/types.ts'
import { decideTrainingRule, TRAINING_RULES } from './businessRules.ts'
import { startTrainingServer, type TrainingServer, type TrainingServerOptions } from './trainingServer.ts'

const CREDS: Credentials = { ...TRAINING_CREDENTIALS }
const PHONE = '2348031234567'
let servers: TrainingServer[] = []
let nonceCounter = 0

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

async function start(options: TrainingServerOptions = {}): Promise<TrainingServer> {
  const server = await startTrainingServer(options)
  servers.push(server)
  return server
}

function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`
}

async function getToken(server: TrainingServer, creds = CREDS): Promise<string> {
  const res = await fetch(`${server.url}${TOKEN_PATH}`, {
    method: 'POST',
    headers: { Authorization: basic(creds.clientId, creds.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  })
  const body = (await res.json()) as { access_token: string }
  return body.access_token
}

interface EnrollOverrides {
  token?: string
  timestamp?: string
  nonce?: string
  method?: SignatureMethod
  secret?: string
  signedUrl?: string
  /** Headers to set (string) or remove (null) after signing. */
  headers?: Record<string, string | null>
  body?: string
}

/** A correctly signed enrollment request unless overridden. */
async function enroll(server: TrainingServer, paymentId: string, o: EnrollOverrides = {}): Promise<Response> {
  const token = o.token ?? (await getToken(server))
  const timestamp = o.timestamp ?? String(Math.floor(Date.now() / 1000))
  const nonce = o.nonce ?? `n${Date.now()}x${++nonceCounter}`
  const method = o.method ?? 'SHA-256'
  const url = `${server.url}${ENROLL_PATH}`
  const signature = sign(
    buildCipher({ method: 'POST', url: o.signedUrl ?? url, timestamp, nonce, clientId: CREDS.clientId, clientSecret: o.secret ?? CREDS.clientSecret }),
    method,
  )
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${token}`,
    Timestamp: timestamp,
    Nonce: nonce,
    Signature: signature,
    SignatureMethod: method,
    AuthKeyVersion: '1',
  }
  for (const [name, value] of Object.entries(o.headers ?? {})) {
    if (value === null) delete headers[name]
    else headers[name] = value
  }
  const body = o.body ?? JSON.stringify({ paymentId, mobilePhoneNumber: PHONE, transactionRef: `JB-${paymentId}-Enrol` })
  return fetch(url, { method: 'POST', headers, body })
}

async function expectError(res: Response, status: number, code: string, message?: RegExp) {
  expect(res.status).toBe(status)
  const body = (await res.json()) as { errors: { code: string; message: string }[] }
  expect(body.errors).toHaveLength(1)
  expect(body.errors[0]?.code).toBe(code)
  if (message) expect(body.errors[0]?.message).toMatch(message)
  return body
}

describe('training server: token endpoint', () => {
  it('issues a bearer token for the configured credentials', async () => {
    const server = await start()
    const res = await fetch(`${server.url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { Authorization: basic(CREDS.clientId, CREDS.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, merchant_code: 'MX187' })
    expect(body.access_token).toMatch(/^[0-9a-f]{64}$/)
    for (const field of ['scope', 'requestor_id', 'payable_id', 'payment_code', 'jti']) expect(body).toHaveProperty(field)
  })

  it('answers expires_in from tokenTtlSeconds', async () => {
    const server = await start({ tokenTtlSeconds: 60 })
    const res = await fetch(`${server.url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { Authorization: basic(CREDS.clientId, CREDS.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })
    expect(((await res.json()) as { expires_in: number }).expires_in).toBe(60)
  })

  it.each([
    ['a wrong secret', basic(CREDS.clientId, 'wrong')],
    ['an unknown client id', basic('IKIAUNKNOWN', CREDS.clientSecret)],
    ['no Authorization header', null],
  ])('refuses %s with 401 invalid_client', async (_name, authorization) => {
    const server = await start()
    const res = await fetch(`${server.url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { ...(authorization ? { Authorization: authorization } : {}), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('reports every issued token to onTokenIssued', async () => {
    const issued: string[] = []
    const server = await start({ onTokenIssued: (token) => issued.push(token) })
    const token = await getToken(server)
    expect(issued).toEqual([token])
  })

  it('accepts any of several configured credentials', async () => {
    const other = { clientId: 'IKIAOTHER', clientSecret: 'other-secret' }
    const server = await start({ credentials: [CREDS, other] })
    expect(await getToken(server, other)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('requires grant_type=client_credentials', async () => {
    const server = await start()
    const res = await fetch(`${server.url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { Authorization: basic(CREDS.clientId, CREDS.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password',
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' })
  })
})

describe('training server: routing', () => {
  it('answers an unknown path with 404 JSON', async () => {
    const server = await start()
    const res = await fetch(`${server.url}/nowhere`, { method: 'POST' })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: 'not_found' })
  })

  it('answers GET on the enrollment path with 405', async () => {
    const server = await start()
    expect((await fetch(`${server.url}${ENROLL_PATH}`)).status).toBe(405)
  })

  it('puts a Date header from its clock on every answer', async () => {
    const fixed = Date.UTC(2030, 0, 2, 3, 4, 5)
    const server = await start({ now: () => fixed })
    for (const res of [await fetch(`${server.url}/nowhere`), await fetch(`${server.url}${TOKEN_PATH}`, { method: 'POST' })]) {
      expect(res.headers.get('date')).toBe('Wed, 02 Jan 2030 03:04:05 GMT')
    }
  })

  it('reports each request to onRequest', async () => {
    const seen: string[] = []
    const server = await start({ onRequest: (r) => seen.push(`${r.method} ${r.path}`) })
    await enroll(server, '1001')
    expect(seen).toEqual([`POST ${TOKEN_PATH}`, `POST ${ENROLL_PATH}`])
  })
})

describe('training server: gateway checks', () => {
  it('E14 when Content-Type is not application/json', async () => {
    const server = await start()
    await expectError(await enroll(server, '1001', { headers: { 'Content-Type': 'text/plain' } }), 400, 'E14')
  })

  it('E22 (HTTP 401) when Authorization is missing', async () => {
    const server = await start()
    await expectError(await enroll(server, '1001', { headers: { Authorization: null } }), 401, 'E22', /missing/)
  })

  it('E22 (HTTP 401) for an unknown bearer token', async () => {
    const server = await start()
    await expectError(await enroll(server, '1001', { token: 'f'.repeat(64) }), 401, 'E22', /not valid or expired/)
  })

  it('E22 (HTTP 401) for an expired token', async () => {
    let t = Date.now()
    const server = await start({ now: () => t, tokenTtlSeconds: 60 })
    const token = await getToken(server)
    t += 60_000
    await expectError(await enroll(server, '1001', { token, timestamp: String(Math.floor(t / 1000)) }), 401, 'E22')
  })

  it('E29 when Timestamp is missing', async () => {
    const server = await start()
    await expectError(await enroll(server, '1001', { headers: { Timestamp: null } }), 400, 'E29')
  })

  it('E24 when Timestamp is not whole seconds', async () => {
    const server = await start()
    await expectError(await enroll(server, '1001', { timestamp: '1700000000.5' }), 400, 'E24', /seconds/)
    await expectError(await enroll(server, '1001', { timestamp: String(Date.now()) }), 400, 'E24')
  })

  it('E24 when Timestamp is more than 30 minutes off; 29 minutes is accepted', async () => {
    const server = await start()
    const nowS = Math.floor(Date.now() / 1000)
    await expectError(await enroll(server, '1001', { timestamp: String(nowS - 31 * 60) }), 400, 'E24', /30 minutes/)
    await expectError(await enroll(server, '1001', { timestamp: String(nowS + 31 * 60) }), 400, 'E24')
    expect((await enroll(server, '1001', { timestamp: String(nowS - 29 * 60) })).status).toBe(200)
  })

  it('E23 when Nonce is missing or longer than 64 characters', async () => {
    const server = await start()
    await expectError(await enroll(server, '1001', { headers: { Nonce: null } }), 400, 'E23', /missing/)
    await expectError(await enroll(server, '1001', { nonce: 'a'.repeat(65) }), 400, 'E23', /64/)
    expect((await enroll(server, '1001', { nonce: 'b'.repeat(64) })).status).toBe(200)
  })

  it('E25 when a nonce is used again', async () => {
    const server = await start()
    expect((await enroll(server, '1001', { nonce: 'same' })).status).toBe(200)
    await expectError(await enroll(server, '1002', { nonce: 'same' }), 400, 'E25')
  })

  it('a request with a bad signature does not use up its nonce', async () => {
    const server = await start()
    await expectError(await enroll(server, '1001', { nonce: 'n1', secret: 'wrong' }), 401, 'E26')
    expect((await enroll(server, '1001', { nonce: 'n1' })).status).toBe(200)
  })

  it('E26 for an unsupported SignatureMethod or a missing Signature', async () => {
    const server = await start()
    await expectError(await enroll(server, '1001', { headers: { SignatureMethod: 'MD5' } }), 401, 'E26', /SignatureMethod/)
    await expectError(await enroll(server, '1001', { headers: { Signature: null } }), 401, 'E26', /missing/)
  })

  it('E26 when signed with the wrong secret, another method or another URL', async () => {
    const server = await start()
    await expectError(await enroll(server, '1001', { secret: 'not-the-secret' }), 401, 'E26')
    await expectError(await enroll(server, '1001', { method: 'SHA1', headers: { SignatureMethod: 'SHA-256' } }), 401, 'E26')
    await expectError(await enroll(server, '1001', { signedUrl: `http://localhost:${server.port}${ENROLL_PATH}` }), 401, 'E26')
  })

  it.each<SignatureMethod>(['SHA1', 'SHA-256', 'SHA-512'])('accepts a %s signature', async (method) => {
    const server = await start()
    expect((await enroll(server, '1001', { method })).status).toBe(200)
  })

  it('E32 when the body is not JSON, with empty echo fields', async () => {
    const server = await start()
    const body = await expectError(await enroll(server, '1001', { body: '{"paymentId": ' }), 400, 'E32')
    expect(body).toMatchObject({ transactionRef: '', paymentId: '' })
  })

  it('E37 names the bad field', async () => {
    const server = await start()
    await expectError(await enroll(server, '', { body: JSON.stringify({ paymentId: '12a', mobilePhoneNumber: PHONE }) }), 400, 'E37', /paymentId/)
    await expectError(await enroll(server, '', { body: JSON.stringify({ paymentId: 1001, mobilePhoneNumber: PHONE }) }), 400, 'E37', /paymentId/)
    await expectError(await enroll(server, '', { body: JSON.stringify({ paymentId: '1001', mobilePhoneNumber: '08031234567' }) }), 400, 'E37', /mobilePhoneNumber/)
    await expectError(await enroll(server, '', { body: JSON.stringify({ paymentId: '1001', mobilePhoneNumber: 2348031234567 }) }), 400, 'E37', /mobilePhoneNumber/)
  })

  it('echoes transactionRef and paymentId in error answers', async () => {
    const server = await start()
    const body = await expectError(await enroll(server, '1001', { headers: { Nonce: null } }), 400, 'E23')
    expect(body).toMatchObject({ transactionRef: 'JB-1001-Enrol', paymentId: '1001' })
  })
})

describe('training server: business rules', () => {
  it('enrolls any other payment id and answers 200 with the details', async () => {
    const server = await start()
    const res = await enroll(server, '266274')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ transactionRef: 'JB-266274-Enrol', paymentId: '266274', mobilePhoneNumber: PHONE, status: 'ENROLLED', message: 'Card enrolled for OTP' })
  })

  it('a second enrollment of the same id is 10403', async () => {
    const server = await start()
    expect((await enroll(server, '266274')).status).toBe(200)
    await expectError(await enroll(server, '266274'), 400, '10403', /not allowed for auto enrollment/)
  })

  it('uses the given enrolledStore', async () => {
    const store = new Set(['5551'])
    const server = await start({ enrolledStore: store })
    await expectError(await enroll(server, '5551'), 400, '10403')
    expect((await enroll(server, '5552')).status).toBe(200)
    expect(store.has('5552')).toBe(true)
  })

  it('…403 is 10403', async () => {
    const server = await start()
    await expectError(await enroll(server, '100403'), 400, '10403', /^Payments is not allowed for auto enrollment$/)
  })

  it('…002 is -2', async () => {
    const server = await start()
    await expectError(await enroll(server, '100002'), 400, '-2', /^An OTP related error has occured, please contact support\.$/)
  })

  it('…034 is E34 with HTTP 503', async () => {
    const server = await start()
    await expectError(await enroll(server, '100034'), 503, 'E34')
  })

  it('…500 is HTTP 500 with a plain-text body', async () => {
    const server = await start()
    const res = await enroll(server, '100500')
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await res.text()).toBe('Internal Server Error')
  })

  it('…999 gives no answer while hangMs lasts', async () => {
    const server = await start({ hangMs: 60_000 })
    const token = await getToken(server)
    const error = await Promise.race([enroll(server, '100999', { token }), new Promise((resolve) => setTimeout(resolve, 300, 'no answer'))])
    expect(error).toBe('no answer')
  })

  it('…999 answers 504 E20 once hangMs has passed, without enrolling', async () => {
    const store = new Set<string>()
    const server = await start({ hangMs: 50, enrolledStore: store })
    await expectError(await enroll(server, '100999'), 504, 'E20')
    expect(store.size).toBe(0)
  })

  it('…998 drops the connection', async () => {
    const server = await start()
    const token = await getToken(server)
    const error = await enroll(server, '100998', { token }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(String((error as Error).cause)).toMatch(/other side closed|ECONNRESET|socket/i)
  })

  it('…777 enrolls and answers 200 (after a delay)', async () => {
    const server = await start()
    const res = await enroll(server, '100777')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ENROLLED', paymentId: '100777' })
  })

  it('decideTrainingRule applies the table in order', () => {
    expect(decideTrainingRule('100403', true).effect).toMatchObject({ code: '10403' })
    expect(decideTrainingRule('100002', true).effect).toMatchObject({ code: '-2' })
    expect(decideTrainingRule('100034', true).suffix).toBeNull()
    expect(decideTrainingRule('100034', false).effect).toMatchObject({ code: 'E34' })
    expect(decideTrainingRule('123456', false)).toBe(TRAINING_RULES[TRAINING_RULES.length - 1])
  })
})

describe('training server: close', () => {
  it('closes even with a request hanging, and refuses connections afterwards', async () => {
    let arrived: () => void = () => {}
    const reached = new Promise<void>((resolve) => (arrived = resolve))
    const server = await startTrainingServer({ onRequest: (r) => r.path === ENROLL_PATH && arrived() })
    const token = await getToken(server)
    const hanging = enroll(server, '100999', { token }).then(
      () => 'answered',
      () => 'connection closed',
    )
    await reached
    await server.close()
    expect(await hanging).toBe('connection closed')
    const after = await fetch(`${server.url}${TOKEN_PATH}`, { method: 'POST' }).catch((e: unknown) => e)
    expect(String((after as Error).cause)).toMatch(/ECONNREFUSED/)
  })

  it('close() can be called twice', async () => {
    const server = await startTrainingServer()
    await server.close()
    await expect(server.close()).resolves.toBeUndefined()
  })
})
