import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MAX_ANSWER_BYTES, TRUNCATED_MARKER } from '../protocol/boundedBody.ts'
import { createDiagnosticLog } from '../log/diagnosticLog.ts'
import { startHostileServer, type HostileAnswer, type HostileServer } from '../simulator/hostileServer.ts'
import { createMemorySecretStore } from '../audit/memorySecretStore.ts'
import { httpTransport } from '../protocol/httpTransport.ts'
import type { FetchLike } from '../protocol/types.ts'
import { createAppCore, SETTINGS_FILE } from './appCore.ts'

// Hostile and broken servers over real HTTP on loopback, through the whole core (enrollment
// service, client, token cache, history, diagnostic log) as the console and the CLI use it:
// every case over fetch and over the CLI's Node HTTP client (httpTransport.ts).

const TRANSPORTS: [string, FetchLike][] = [
  ['fetch', (input, init) => fetch(input, init)],
  ["the CLI's Node HTTP client", httpTransport],
]
let transport: FetchLike = TRANSPORTS[0]![1]

const CREDS = { clientId: 'IKIABOUNDARY000000000000000000000000000001', clientSecret: 'boundary-secret-0123456789abcdef' }

const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const item of open.splice(0)) await item.close()
})

async function server(enroll: HostileAnswer, token?: HostileAnswer): Promise<HostileServer> {
  const started = await startHostileServer({ enroll, token })
  open.push(started)
  return started
}

/**
 * A core pointed at `base` (API and Passport) the way the CLI's --base-url does, with its own
 * data folder; or, with `settings`, one that reads the endpoints from that settings.json.
 */
async function core(base: string, timeoutMs = 10_000, settings?: unknown) {
  const dataDir = mkdtempSync(join(tmpdir(), 'otp-boundary-'))
  if (settings !== undefined) writeFileSync(join(dataDir, SETTINGS_FILE), JSON.stringify(settings))
  const logger = createDiagnosticLog({ dir: join(dataDir, 'logs') })
  const app = createAppCore({
    dataDir,
    fetch: transport,
    secretStore: createMemorySecretStore(),
    logger,
    operator: 'tester',
    machine: 'test-machine',
    appVersion: '0.0.0-test',
    channel: 'cli',
    trainingUrl: () => undefined,
    credentialOverride: CREDS,
    endpointOverride: settings === undefined ? { baseUrl: base, passportUrl: base } : undefined,
    timeoutMs,
  })
  await app.audit.open() // the audit key lives in the (here in-memory) keychain
  let closed = false
  const closing = {
    async close() {
      if (closed) return
      closed = true
      app.close()
      await logger.close()
    },
  }
  open.unshift(closing)
  return {
    dataDir,
    close: closing.close,
    send: (paymentId = '266274') => app.enrollService.enroll({ environment: 'custom', paymentId, phone: '08031234567', transactionRef: 'JB-1-Enrol', signatureMethod: 'SHA-256' }),
    enroll: async (paymentId = '266274') => {
      const result = await app.enrollService.enroll({ environment: 'custom', paymentId, phone: '08031234567', transactionRef: 'JB-1-Enrol', signatureMethod: 'SHA-256' })
      if (!result.ok) throw new Error(`not sent: ${result.error.message}`)
      return result.value
    },
    historyTotal: () => app.history.count({}),
  }
}

const enrollRequests = (s: HostileServer) => s.requests.filter((r) => r.path.endsWith('/enrollments')).length

describe.each(TRANSPORTS)('over %s', (_name, chosen) => {
  beforeAll(() => {
    transport = chosen
  })

  describe('redirects are never followed', () => {
    for (const status of [302, 307]) {
      it(`a ${status} from the enrollment endpoint is failed, and the second listener receives nothing`, async () => {
        const elsewhere = await server({ kind: 'json', status: 200, body: {} })
        const api = await server({ kind: 'redirect', status, location: `${elsewhere.url}/api/v3/purchases/otps/enrollments` })
        const record = await (await core(api.url)).enroll()
        expect(record.outcome).toBe('failed')
        expect(record.httpStatus).toBe(status)
        expect(record.failureReason).toMatch(/redirect .*never followed/)
        expect(enrollRequests(api)).toBe(1)
        expect(elsewhere.requests).toEqual([])
      })
    }

    it('a redirect from the token endpoint gets no token, sends nothing anywhere else, and no enrollment', async () => {
      const elsewhere = await server({ kind: 'json', status: 200, body: {} })
      const api = await server({ kind: 'json', status: 200, body: {} }, { kind: 'redirect', status: 307, location: `${elsewhere.url}/passport/oauth/token` })
      const record = await (await core(api.url)).enroll()
      expect(record.outcome).toBe('failed')
      expect(record.httpStatus).toBeNull()
      expect(record.failureReason).toMatch(/token server answered with a redirect \(HTTP 307\)/)
      expect(enrollRequests(api)).toBe(0)
      expect(elsewhere.requests).toEqual([])
    })
  })

  describe('URLs edited into settings.json behind the app\'s back', () => {
    for (const [what, url, reason] of [
      ['user info', (u: string) => u.replace('http://', 'http://operator:pw-in-url@'), /user info/],
      ['plain http to another host', () => 'http://saturn.interswitchng.com', /Plain http/],
      ['a query', (u: string) => `${u}/?next=x`, /query/],
    ] as const) {
      it(`${what}: the enrollment is refused with the reason before anything is written or sent`, async () => {
        const api = await server({ kind: 'json', status: 200, body: {} })
        const bad = url(api.url)
        const app = await core(api.url, 10_000, { activeEnvironment: 'custom', endpoints: { custom: { baseUrl: bad, passportUrl: api.url } } })
        const result = await app.send()
        expect(result.ok).toBe(false)
        const message = result.ok ? '' : result.error.message
        expect(message).toMatch(/base URL is refused/)
        expect(message).toMatch(reason)
        expect(message).toMatch(/Nothing was sent/)
        expect(message).not.toContain('pw-in-url')
        expect(app.historyTotal()).toBe(0)
        expect(api.requests).toEqual([])
        await app.close()
        for (const file of filesUnder(app.dataDir).filter((f) => !f.endsWith(SETTINGS_FILE))) expect(readFileSync(file).includes('pw-in-url'), file).toBe(false)
      })
    }
  })

  describe('bounded answers', () => {
    it('a 300 MB answer: at most 64 KiB read and kept, marked cut off, memory flat, outcome from the status line', async () => {
      const bytes = 300 * 1024 * 1024
      const api = await server({ kind: 'huge', status: 200, bytes })
      const app = await core(api.url)
      globalThis.gc?.()
      const before = process.memoryUsage().rss
      let peak = before
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
      const record = await app.enroll().finally(() => clearInterval(sampler))
      peak = Math.max(peak, process.memoryUsage().rss)
      expect(record.outcome).toBe('enrolled')
      expect(record.httpStatus).toBe(200)
      expect(record.responseBody?.endsWith(TRUNCATED_MARKER)).toBe(true)
      expect(record.responseBody?.length).toBe(MAX_ANSWER_BYTES + TRUNCATED_MARKER.length)
      expect(peak - before).toBeLessThan(100 * 1024 * 1024)
      // The rest was not pulled through: the server could not write anywhere near all of it.
      expect(api.hugeBytesWritten()).toBeLessThan(bytes / 2)
    })

    it('an error status with a huge body is still failed by its status line', async () => {
      const api = await server({ kind: 'huge', status: 500, bytes: 5 * 1024 * 1024 })
      const record = await (await core(api.url)).enroll()
      expect(record.outcome).toBe('failed')
      expect(record.httpStatus).toBe(500)
      expect(record.responseBody?.length).toBe(MAX_ANSWER_BYTES + TRUNCATED_MARKER.length)
    })

    it('a huge token answer is cut too, and gives no token', async () => {
      const api = await server({ kind: 'json', status: 200, body: {} }, { kind: 'huge', status: 200, bytes: 50 * 1024 * 1024 })
      const record = await (await core(api.url)).enroll()
      expect(record.outcome).toBe('failed')
      expect(record.failureReason).toMatch(/without a usable access token/)
      expect(enrollRequests(api)).toBe(0)
    })
  })

  describe('gateways and broken connections: outcome unknown, never retried', () => {
    for (const status of [502, 504]) {
      it(`HTTP ${status} from a gateway is unknown and sent once`, async () => {
        const api = await server({ kind: 'json', status, body: { message: 'gateway' } })
        const record = await (await core(api.url)).enroll()
        expect(record.outcome).toBe('unknown')
        expect(record.httpStatus).toBe(status)
        expect(record.failureReason).toMatch(/may or may not be enrolled/)
        expect(enrollRequests(api)).toBe(1)
      })
    }

    it('a reset after the request is unknown', async () => {
      const api = await server({ kind: 'reset' })
      const record = await (await core(api.url)).enroll()
      expect(record.outcome).toBe('unknown')
      expect(record.httpStatus).toBeNull()
      expect(enrollRequests(api)).toBe(1)
    })

    it('headers then silence is unknown after the timeout, keeping the status', async () => {
      const api = await server({ kind: 'silence-after-headers', status: 200 })
      const record = await (await core(api.url, 1_500)).enroll()
      expect(record.outcome).toBe('unknown')
      expect(record.httpStatus).toBe(200)
      expect(record.failureReason).toMatch(/cut off/)
      expect(enrollRequests(api)).toBe(1)
    })
  })

  describe('a token echoed back in escaped form', () => {
    const jsonEscaped = (text: string) => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
    const urlEncoded = (text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')
    const entities = (text: string) => [...text].map((c) => `&#${c.charCodeAt(0)};`).join('')

    for (const [name, encode] of [
      ['JSON \\u escapes', jsonEscaped],
      ['URL encoding', urlEncoded],
      ['HTML entities', entities],
    ] as const) {
      it(`in ${name}: found in no file of the data folder afterwards`, async () => {
        const api = await server({ kind: 'echo-token', encode })
        const app = await core(api.url)
        const record = await app.enroll('7770001')
        await app.close()
        expect(record.outcome).toBe('enrolled')
        const [token] = api.tokens
        expect(token).toMatch(/^[0-9a-f]{48}$/)
        const needles = [token, jsonEscaped(token as string), urlEncoded(token as string), entities(token as string)] as string[]
        const files = filesUnder(app.dataDir)
        let controlSeen = false
        for (const file of files) {
          const bytes = readFileSync(file)
          for (const needle of needles) {
            expect(bytes.includes(Buffer.from(needle, 'utf8')), `${needle.slice(0, 20)}… in ${file}`).toBe(false)
            expect(bytes.includes(Buffer.from(needle, 'utf16le')), `${needle.slice(0, 20)}… (UTF-16) in ${file}`).toBe(false)
          }
          if (bytes.includes(Buffer.from('7770001'))) controlSeen = true
        }
        // The scan reads what it should: the payment id is in the history.
        expect(controlSeen).toBe(true)
      })
    }
  })

  function filesUnder(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
  }
})
