import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { Socket } from 'node:net'

import { CONNECT_FAILED } from './classify.ts'
import type { AnswerBody, FetchLike, TransportAnswer, TransportRequest } from './types.ts'

// The CLI's transport: Node's own HTTP client behind the core's FetchLike. Why not fetch: in a
// fresh process Node's fetch (undici, its web streams, Request/Response) costs ~90 ms before the
// first answer on the 2-core machine, more than the rest of an `otp-console enroll`; the HTTP
// client is part of Node's start-up snapshot. What the core relies on holds here too:
// - a redirect is never followed (http.request has no redirect handling): a 3xx is the answer;
// - the body is read chunk by chunk and can be cancelled (boundedBody.ts stops at its limit);
// - the deadline is the request's signal; its reason (a TimeoutError) is what a read fails with;
// - errors carry Node's codes (ECONNREFUSED, ENOTFOUND, ECONNRESET…), which classify.ts knows,
//   and an error before the connection was made (TLS handshake included) is wrapped in a
//   CONNECT_FAILED error: the request cannot have left this machine.


// Kept-alive connections, closed when idle for 4 s or sooner when the server says so
// (`Keep-Alive: timeout=N`): a connection the server has already closed must not be reused
// for an enrollment, which would then fail with an outcome nobody knows.
const IDLE_MS = 4000
const agents = { 'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_MS }), 'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_MS }) }

export const httpTransport: FetchLike = (input, init) =>
  new Promise<TransportAnswer>((resolve, reject) => {
    const url = new URL(input)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      reject(new TypeError(`Only http and https addresses can be called (got ${url.protocol})`))
      return
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    const body = Buffer.from(init.body, 'utf8')
    let connected = false
    let answered = false
    const req = request(url, {
      method: init.method,
      headers: { ...init.headers, 'Content-Length': String(body.byteLength) },
      agent: agents[url.protocol],
      signal: init.signal,
    })
    req.on('socket', (socket: Socket) => {
      // A kept-alive connection is connected already; a new one once it is (TLS: its handshake).
      if (req.reusedSocket || (url.protocol === 'http:' && !socket.connecting)) connected = true
      else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true))
    })
    req.on('error', (error) => {
      if (answered) return // the body's reader reports it
      reject(connected ? error : Object.assign(new Error('No connection was made to the server.', { cause: error }), { code: CONNECT_FAILED }))
    })
    req.on('response', (res) => {
      answered = true
      resolve(answerOf(res, req, init))
    })
    req.end(body)
  })

function answerOf(res: IncomingMessage, req: ClientRequest, init: TransportRequest): TransportAnswer {
  const chunks = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const cancel = async () => {
    req.destroy()
    res.destroy()
  }
  const reader = {
    async read() {
      try {
        const next = await chunks.next()
        return next.done ? { done: true as const, value: undefined } : { done: false as const, value: next.value }
      } catch (error) {
        // A deadline that struck mid-body is a timeout, whatever the socket says about it.
        throw init.signal.aborted ? init.signal.reason : error
      }
    },
    cancel,
    releaseLock() {},
  }
  const answerBody: AnswerBody = { getReader: () => reader, cancel }
  return {
    status: res.statusCode ?? 0,
    headers: {
      forEach(callback) {
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) callback(Array.isArray(value) ? value.join(', ') : value, name)
        }
      },
    },
    body: answerBody,
  }
}
