import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { readBoundedText } from './boundedBody.ts'
import { classifyTransportError, CONNECT_FAILED, describeTransportError } from './classify.ts'
import { httpTransport } from './httpTransport.ts'
import type { TransportRequest } from './types.ts'

// The CLI's transport against real loopback servers: what the core relies on from fetch.

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

interface Seen {
  requests: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[]
  connections: number
  closed: number
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, configure: (server: Server) => void = () => {}) {
  const seen: Seen = { requests: [], connections: 0, closed: 0 }
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      seen.requests.push({ method: req.method, url: req.url, headers: req.headers, body })
      handler(req, res)
    })
  })
  configure(server)
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    seen.connections++
    sockets.add(socket)
    socket.on('close', () => {
      seen.closed++
      sockets.delete(socket)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

function post(body = '{"a":1}', signal: AbortSignal = new AbortController().signal): TransportRequest {
  return { method: 'POST', headers: { 'Content-Type': 'application/json', Nonce: 'n-1' }, body, redirect: 'manual', signal }
}

/** The deadline as the enrollment client sets it: aborted with a TimeoutError. */
const deadline = (ms: number) => AbortSignal.timeout(ms)

describe('httpTransport', () => {
  it('sends the method, headers and body, and answers status, headers and the whole body', async () => {
    const { url, seen } = await serve((_req, res) => {
      res.setHeader('X-Answer', 'yes')
      res.writeHead(201, { 'Content-Type': 'application/json' })
      res.end('{"status":"ENROLLED","note":"naïve"}')
    })
    const answer = await httpTransport(`${url}/api/v3/purchases/otps/enrollments?x=1`, post('{"paymentId":"266274"}'))
    expect(answer.status).toBe(201)
    const headers: Record<string, string> = {}
    answer.headers.forEach((value, name) => (headers[name] = value))
    expect(headers).toMatchObject({ 'x-answer': 'yes', 'content-type': 'application/json' })
    expect(await readBoundedText(answer)).toEqual({ text: '{"status":"ENROLLED","note":"naïve"}', truncated: false })
    expect(seen.requests).toEqual([
      expect.objectContaining({ method: 'POST', url: '/api/v3/purchases/otps/enrollments?x=1', body: '{"paymentId":"266274"}', headers: expect.objectContaining({ nonce: 'n-1', 'content-length': '22' }) }),
    ])
  })

  it('answers a redirect with the 3xx itself and never asks the address it names', async () => {
    const target = await serve((_req, res) => res.end('should not be reached'))
    const { url } = await serve((_req, res) => {
      res.writeHead(307, { Location: `${target.url}/elsewhere` })
      res.end()
    })
    const answer = await httpTransport(`${url}/enroll`, post())
    expect(answer.status).toBe(307)
    expect(target.seen.requests).toHaveLength(0)
  })

  it('a body cut at the limit cancels the rest: the connection is closed, not read to the end', async () => {
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(200)
      const chunk = 'x'.repeat(16 * 1024)
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump)
      }
      pump()
    })
    const read = await readBoundedText(await httpTransport(url, post()), 64 * 1024)
    expect(read.truncated).toBe(true)
    expect(read.text).toHaveLength(64 * 1024)
    await expect.poll(() => seen.closed).toBe(1)
  })

  it('keeps one connection for requests in a row', async () => {
    const { url, seen } = await serve((_req, res) => res.end('ok'))
    for (let i = 0; i < 3; i++) await readBoundedText(await httpTransport(url, post()))
    expect(seen.requests).toHaveLength(3)
    expect(seen.connections).toBe(1)
  })

  it('does not reuse a connection past the idle time the server announced', async () => {
    const { url, seen } = await serve(
      (_req, res) => {
        res.setHeader('Keep-Alive', 'timeout=2') // Node's agent keeps it 1 s less: 1 s
        res.end('ok')
      },
      (server) => (server.keepAliveTimeout = 60_000),
    )
    await readBoundedText(await httpTransport(url, post()))
    await new Promise((resolve) => setTimeout(resolve, 1_300))
    const second = await httpTransport(url, post())
    expect(await readBoundedText(second)).toEqual({ text: 'ok', truncated: false })
    expect(seen.connections).toBe(2)
  })

  it('nothing listening: ECONNREFUSED, classified as refused (nothing sent)', async () => {
    const { url } = await serve(() => {})
    await closers.pop()?.()
    const error = await httpTransport(url, post()).catch((e: unknown) => e)
    expect(describeTransportError(error)).toEqual({ problem: 'refused', detail: 'ECONNREFUSED' })
    expect(classifyTransportError(error, { mayHaveBeenSent: true, timeoutMs: 1000 }).outcome).toBe('failed')
  })

  it('a TLS handshake that never completes: the deadline fails it as never connected (nothing sent)', async () => {
    // A TCP listener that accepts and says nothing: the HTTPS request waits in its handshake.
    const accepted: Socket[] = []
    const silent: TcpServer = createTcpServer((socket) => accepted.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    closers.push(() => {
      for (const socket of accepted) socket.destroy()
      return new Promise((resolve) => silent.close(() => resolve()))
    })
    const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}/enroll`
    const error = await httpTransport(url, post('{}', deadline(200))).catch((e: unknown) => e)
    expect((error as { code?: string }).code).toBe(CONNECT_FAILED)
    expect(describeTransportError(error).problem).toBe('never-connected')
    expect(classifyTransportError(error, { mayHaveBeenSent: true, timeoutMs: 200 }).outcome).toBe('failed')
  })

  it('no answer before the deadline, once sent: a timeout (outcome unknown)', async () => {
    const { url, seen } = await serve(() => {})
    const error = await httpTransport(url, post('{}', deadline(200))).catch((e: unknown) => e)
    expect(seen.requests).toHaveLength(1)
    expect(describeTransportError(error).problem).toBe('timeout')
    expect(classifyTransportError(error, { mayHaveBeenSent: true, timeoutMs: 200 }).outcome).toBe('unknown')
  })

  it('the deadline in the middle of the body: reading fails with the timeout', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200)
      res.write('{"status":')
    })
    const answer = await httpTransport(url, post('{}', deadline(200)))
    const error = await readBoundedText(answer).catch((e: unknown) => e)
    expect(describeTransportError(error).problem).toBe('timeout')
  })

  it('a connection dropped after the request was read: connection lost (outcome unknown)', async () => {
    const { url } = await serve((req) => req.socket.destroy())
    const error = await httpTransport(url, post()).catch((e: unknown) => e)
    expect(describeTransportError(error).problem).toBe('connection-lost')
    expect(classifyTransportError(error, { mayHaveBeenSent: true, timeoutMs: 1000 }).outcome).toBe('unknown')
  })

  it('refuses an address that is neither http nor https', async () => {
    await expect(httpTransport('file:///etc/passwd', post())).rejects.toThrow(/Only http and https/)
  })
})
