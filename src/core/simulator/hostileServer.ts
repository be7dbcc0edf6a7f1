import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { ENROLL_PATH, TOKEN_PATH } from '../../shared/domain/environments.ts'

// A loopback server that misbehaves on purpose, for the boundary tests and the `boundary`
// bench part: it issues tokens like Passport (or misbehaves there too), and answers the
// enrollment the way the test asks — redirects, gateway errors, a reset, silence after the
// headers, a body of hundreds of megabytes, an echo of the bearer token in escaped form.

export type HostileAnswer =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'reset' }
  | { kind: 'silence-after-headers'; status: number }
  | { kind: 'huge'; status: number; bytes: number }
  | { kind: 'echo-token'; encode: (token: string) => string }

export interface HostileServerOptions {
  enroll: HostileAnswer
  /** What the token endpoint does (default: issue a fresh random token). */
  token?: HostileAnswer | undefined
}

export interface HostileServer {
  url: string
  /** Requests received, by path. */
  requests: { method: string; path: string }[]
  /** Tokens issued so far. */
  tokens: string[]
  /** Bytes of a `huge` body actually written before the client went away. */
  hugeBytesWritten(): number
  close(): Promise<void>
}

export async function startHostileServer(options: HostileServerOptions): Promise<HostileServer> {
  const requests: HostileServer['requests'] = []
  const tokens: string[] = []
  const sockets = new Set<Socket>()
  let hugeWritten = 0

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    requests.push({ method: req.method ?? '', path })
    req.resume()
    req.on('end', () => {
      if (path === TOKEN_PATH) {
        if (options.token) return answer(req, res, options.token)
        const token = randomBytes(24).toString('hex')
        tokens.push(token)
        return json(res, 200, { access_token: token, token_type: 'bearer', expires_in: 3600 })
      }
      if (path === ENROLL_PATH) return answer(req, res, options.enroll)
      json(res, 404, { error: 'not_found' })
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  function answer(req: IncomingMessage, res: ServerResponse, how: HostileAnswer): void {
    switch (how.kind) {
      case 'json':
        return json(res, how.status, how.body)
      case 'redirect':
        res.writeHead(how.status, { Location: how.location, 'Content-Type': 'text/plain' }).end(`Moved to ${how.location}`)
        return
      case 'reset':
        req.socket.destroy()
        return
      case 'silence-after-headers':
        res.writeHead(how.status, { 'Content-Type': 'application/json' })
        res.flushHeaders()
        res.write('{"status":')
        return
      case 'huge':
        return writeHuge(res, how.status, how.bytes)
      case 'echo-token': {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
        const text = `{"received":"${how.encode(token)}","note":"echoed back"}`
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Echo': how.encode(token) }).end(text)
        return
      }
    }
  }

  /** Writes `bytes` of JSON-ish filler with backpressure, stopping when the client goes away. */
  function writeHuge(res: ServerResponse, status: number, bytes: number): void {
    const chunk = Buffer.alloc(1024 * 1024, 0x78)
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(bytes) })
    let closed = false
    res.on('close', () => (closed = true))
    const pump = (): void => {
      while (!closed && hugeWritten < bytes) {
        const part = Math.min(chunk.length, bytes - hugeWritten)
        hugeWritten += part
        if (!res.write(part === chunk.length ? chunk : chunk.subarray(0, part))) {
          res.once('drain', pump)
          return
        }
      }
      if (!closed) res.end()
    }
    pump()
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tokens,
    hugeBytesWritten: () => hugeWritten,
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) }).end(text)
}
