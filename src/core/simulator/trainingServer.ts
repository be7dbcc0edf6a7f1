import { randomBytes as nodeRandomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { ENROLL_PATH, TOKEN_PATH, TRAINING_CREDENTIALS } from '../../shared/domain/environments.ts'
import type { Credentials } from '../protocol/types.ts'
import { decideTrainingRule } from './businessRules.ts'
import { checkEnrollmentRequest, CLOCK_TOLERANCE_MS } from './gatewayChecks.ts'
import { checkTokenRequest, createTokenRegistry, tokenAnswer } from './passport.ts'

// The built-in Interswitch-compatible server behind the Training environment: a token
// endpoint, the enrollment endpoint with the gateway's checks, and deterministic business
// rules by paymentId suffix (businessRules.ts). Listens on 127.0.0.1 only.

export interface EnrolledStore {
  has(id: string): boolean
  add(id: string): void
}

export interface TrainingServerOptions {
  /** 0 (default) picks a free port. */
  port?: number
  host?: '127.0.0.1'
  credentials?: Credentials[]
  now?: () => number
  tokenTtlSeconds?: number
  /** How long the "no answer" rule (…999) waits before giving up with 504 E20 (default 120 s). */
  hangMs?: number
  enrolledStore?: EnrolledStore
  randomBytes?: (n: number) => Uint8Array
  /** Called for every request as it arrives (tests count requests with it). */
  onRequest?: (request: { method: string; path: string }) => void
  /** Called with every access token issued (the E2E suite checks none leaks into stored data). */
  onTokenIssued?: (token: string) => void
  /** Called with the payment id of every enrollment request as it arrives (bulk tests: sent at most once). */
  onEnrollmentRequest?: (request: { paymentId: string }) => void
  /** Added to every enrollment answer (benchmarks: a server 20 ms away). Default 0. */
  answerDelayMs?: number
  /** Added to every token answer (tests: a run stored, its first request not yet sent). Default 0. */
  tokenDelayMs?: number
  /** Called with the Signature header of every enrollment request (the E2E scan looks for each). */
  onSignatureReceived?: (signature: string) => void
}

export interface TrainingServer {
  /** http://127.0.0.1:<port>, no trailing slash: base URL and Passport URL alike. */
  url: string
  port: number
  close(): Promise<void>
}

const MAX_BODY_BYTES = 64 * 1024

export async function startTrainingServer(options: TrainingServerOptions = {}): Promise<TrainingServer> {
  const host = options.host ?? '127.0.0.1'
  const now = options.now ?? Date.now
  const credentials = options.credentials ?? [{ ...TRAINING_CREDENTIALS }]
  const ttlSeconds = options.tokenTtlSeconds ?? 3600
  const hangMs = options.hangMs ?? 120_000
  const enrolled = options.enrolledStore ?? new Set<string>()
  const randomBytes = options.randomBytes ?? ((n: number) => nodeRandomBytes(n))
  const randomHex = (n: number) => Buffer.from(randomBytes(n)).toString('hex')
  const tokens = createTokenRegistry({ now, ttlSeconds, randomHex })
  const nonces = createNonceMemory(now)
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let port = 0

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    options.onRequest?.({ method: req.method ?? '', path })
    res.setHeader('Date', new Date(now()).toUTCString())
    readBody(req, res, (rawBody) => {
      try {
        route(req, res, path, rawBody)
      } catch {
        sendJson(res, 500, { error: 'training_server_error', message: 'The training server failed unexpectedly.' })
      }
    })
  })

  function route(req: IncomingMessage, res: ServerResponse, path: string, rawBody: string): void {
    if (path !== TOKEN_PATH && path !== ENROLL_PATH) {
      sendJson(res, 404, { error: 'not_found', message: `No such endpoint on the training server: ${req.method} ${path}` })
    } else if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      sendJson(res, 405, { error: 'method_not_allowed', message: `${path} accepts POST only` })
    } else if (path === TOKEN_PATH) {
      if ((options.tokenDelayMs ?? 0) > 0) later(res, options.tokenDelayMs ?? 0, () => handleToken(req, res, rawBody))
      else handleToken(req, res, rawBody)
    } else {
      handleEnroll(req, res, path, rawBody)
    }
  }

  function handleToken(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const verdict = checkTokenRequest(req.headers, rawBody, credentials)
    if (!verdict.ok) {
      if (verdict.httpStatus === 401) res.setHeader('WWW-Authenticate', 'Basic realm="passport"')
      sendJson(res, verdict.httpStatus, verdict.body)
      return
    }
    const issued = tokens.issue(verdict.credentials)
    options.onTokenIssued?.(issued.token)
    sendJson(res, 200, tokenAnswer(issued, ttlSeconds))
  }

  function handleEnroll(req: IncomingMessage, res: ServerResponse, path: string, rawBody: string): void {
    if (options.onEnrollmentRequest) options.onEnrollmentRequest({ paymentId: echoFields(rawBody).paymentId })
    const delayMs = options.answerDelayMs ?? 0
    if (delayMs > 0) later(res, delayMs, () => answerEnroll(req, res, path, rawBody))
    else answerEnroll(req, res, path, rawBody)
  }

  function answerEnroll(req: IncomingMessage, res: ServerResponse, path: string, rawBody: string): void {
    const signature = req.headers.signature
    if (typeof signature === 'string' && signature !== '') options.onSignatureReceived?.(signature)
    const echo = echoFields(rawBody)
    const verdict = checkEnrollmentRequest(
      { headers: req.headers, rawBody, fullUrl: `http://127.0.0.1:${port}${path}` },
      {
        now,
        credentialsForToken: (token) => tokens.lookup(token),
        nonceUsed: (clientId, nonce) => nonces.used(`${clientId}\n${nonce}`),
        rememberNonce: (clientId, nonce) => nonces.remember(`${clientId}\n${nonce}`),
      },
    )
    if (!verdict.ok) {
      sendJson(res, verdict.httpStatus, { errors: [{ code: verdict.code, message: verdict.message }], ...echo })
      return
    }
    const { paymentId, mobilePhoneNumber, transactionRef } = verdict.body
    const { effect } = decideTrainingRule(paymentId, enrolled.has(paymentId))
    switch (effect.kind) {
      case 'reject':
        sendJson(res, effect.httpStatus, { errors: [{ code: effect.code, message: effect.message }], ...echo })
        return
      case 'plain-error':
        res.writeHead(effect.httpStatus, { 'Content-Type': 'text/plain; charset=utf-8' }).end(effect.body)
        return
      case 'drop':
        req.socket.destroy()
        return
      case 'hang':
        later(res, hangMs, () => sendJson(res, 504, { errors: [{ code: 'E20', message: 'Request timed out' }], ...echo }))
        return
      case 'enroll': {
        // Recorded now, answered later: a client that gives up meanwhile has still enrolled the card.
        enrolled.add(paymentId)
        const answer = () => sendJson(res, 200, { transactionRef, paymentId, mobilePhoneNumber, status: 'ENROLLED', message: 'Card enrolled for OTP' })
        if (effect.delayMs > 0) later(res, effect.delayMs, answer)
        else answer()
        return
      }
    }
  }

  /** A delayed answer whose timer is dropped when the client goes away or the server closes. */
  function later(res: ServerResponse, ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!res.destroyed) fn()
    }, ms)
    timers.add(timer)
    res.on('close', () => {
      clearTimeout(timer)
      timers.delete(timer)
    })
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  port = typeof address === 'object' && address ? address.port : 0

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        // server.close only stops accepting; hanging and keep-alive sockets are ended here.
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      }),
  }
}

/** transactionRef and paymentId echoed in error answers, "" when the body gives none. */
function echoFields(rawBody: string): { transactionRef: string; paymentId: string } {
  try {
    const parsed = JSON.parse(rawBody) as Record<string, unknown> | null
    const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')
    return { transactionRef: text(parsed?.transactionRef), paymentId: text(parsed?.paymentId) }
  } catch {
    return { transactionRef: '', paymentId: '' }
  }
}

function readBody(req: IncomingMessage, res: ServerResponse, then: (body: string) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  let tooLarge = false
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > MAX_BODY_BYTES) tooLarge = true
    else chunks.push(chunk)
  })
  req.on('end', () => {
    if (tooLarge) sendJson(res, 413, { error: 'payload_too_large', message: `Bodies are limited to ${MAX_BODY_BYTES} bytes` })
    else then(Buffer.concat(chunks).toString('utf8'))
  })
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
}

/** Used nonces, forgotten once their request would fail the timestamp check anyway. */
function createNonceMemory(now: () => number) {
  const seen = new Map<string, number>()
  return {
    used: (key: string) => seen.has(key),
    remember(key: string) {
      const cutoff = now() - 2 * CLOCK_TOLERANCE_MS
      // Insertion order is time order, so expired entries sit at the front.
      for (const [oldKey, at] of seen) {
        if (at >= cutoff) break
        seen.delete(oldKey)
      }
      seen.set(key, now())
    },
  }
}
