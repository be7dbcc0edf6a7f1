import type { AttemptCompletion, NewAttempt } from '../src/core/history/types.ts'
import type { ApiError } from '../src/shared/domain/attempt.ts'
import type { EnvironmentId } from '../src/shared/domain/environments.ts'
import type { SignatureMethod } from '../src/shared/domain/signatureMethods.ts'

// Deterministic, realistic attempts for the history bench: outcome mix ~70% enrolled, 12%
// rejected 10403, 4% -2, 6% other gateway codes, 5% failed, 3% unknown; four environments
// weighted toward training and production; ~20 operators; Nigerian MSISDNs; JB-<unix>-Enrol
// references; retries reuse recent payment ids.

export interface GeneratedAttempt {
  attempt: NewAttempt
  /** What markSending() receives. */
  sentHeaders: Record<string, string>
  /** null: the app died mid-request and the row stays `unknown`. */
  completion: AttemptCompletion | null
}

const DAY_MS = 86_400_000
const ENROLL_PATH = '/api/v3/purchases/otps/enrollments'
export const NG_PREFIXES = ['803', '806', '703', '706', '813', '816', '810', '814', '903', '906', '805', '807', '705', '815', '811', '905', '802', '808', '708', '812', '701', '902', '901', '904', '907', '809', '817', '818', '909', '908']
export const OPERATORS = [
  'adaeze.okafor', 'babatunde.adeyemi', 'chinedu.eze', 'damilola.ogun', 'emeka.nwosu', 'funke.akindele', 'gbenga.olatunji', 'halima.bello',
  'ifeoma.chukwu', 'jide.bakare', 'kemi.adebayo', 'ladi.musa', 'musa.ibrahim', 'ngozi.obi', 'olumide.fashola', 'peace.udoh',
  'quadri.salami', 'rukayat.yusuf', 'segun.afolabi', 'tolu.ogunleye',
]
const ENVIRONMENTS: [EnvironmentId, number][] = [['production', 0.42], ['training', 0.35], ['sandbox', 0.18], ['custom', 0.05]]
const BASE_URLS: Record<EnvironmentId, string[]> = {
  production: ['https://saturn.interswitchng.com'],
  sandbox: ['https://sandbox.interswitchng.com', 'https://qa.interswitchng.com'],
  training: ['http://127.0.0.1:41231', 'http://127.0.0.1:43877', 'http://127.0.0.1:39012', 'http://127.0.0.1:45520'],
  custom: ['http://10.20.1.15:8080'],
}
const CLIENT_IDS: Record<EnvironmentId, string> = {
  production: 'IKIA2F0D6E1C9B8A7F6E5D4C3B2A1908F7E6D5C4B3A2',
  sandbox: 'IKIA9614B82064D632E9B6418DF358A6A4AEA84D7218',
  training: 'IKIA9614B82064D632E9B6418DF358A6A4AEA84D7218',
  custom: 'IKIA0000111122223333444455556666777788889999',
}
const GATEWAY: ApiError[] = [
  { code: 'E26', message: 'Signature failed' },
  { code: 'E24', message: 'Timestamp out of range' },
  { code: 'E16', message: 'Service not available' },
  { code: 'E18', message: 'Service unreachable at the moment' },
  { code: 'E34', message: 'System busy' },
  { code: 'E20', message: 'Request timed out' },
  { code: 'E13', message: 'Invalid username or password' },
  { code: 'E28', message: 'Credentials have no access to this resource' },
]
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function httpDate(ms: number): string {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`
}

/**
 * `count` attempts spread evenly (with jitter) over the `days` before `endMs`, oldest first,
 * as they would be written. `firstId` is the id the first one will get (for retryOf links).
 */
export function* generateAttempts(count: number, endMs: number, options: { seed?: number; days?: number; firstId?: number } = {}): Generator<GeneratedAttempt> {
  const random = seededRandom(options.seed ?? 42)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  const span = (options.days ?? 365) * DAY_MS
  const step = span / count
  const recent: { paymentId: string; phone: string; id: number }[] = []
  let id = options.firstId ?? 1

  for (let i = 0; i < count; i++, id++) {
    const startedAt = Math.floor(endMs - span + i * step + random() * step * 0.9)
    let r = random()
    let environment: EnvironmentId = 'production'
    for (const [env, weight] of ENVIRONMENTS) {
      if (r < weight) {
        environment = env
        break
      }
      r -= weight
    }
    const baseUrl = pick(BASE_URLS[environment])
    // Operators are not equally busy: a few do most of the work.
    const operator = OPERATORS[Math.min(OPERATORS.length - 1, Math.floor(-Math.log(1 - random()) * 6))] as string
    const retry = recent.length > 0 && random() < 0.12 ? recent[int(0, recent.length - 1)] : undefined
    const paymentId = retry?.paymentId ?? String(int(100_000, 999_999_999))
    const phone = retry?.phone ?? `234${pick(NG_PREFIXES)}${String(int(0, 9_999_999)).padStart(7, '0')}`
    const unix = Math.floor(startedAt / 1000)
    const transactionRef = random() < 0.93 ? `JB-${unix}-Enrol` : `TKT-${int(10_000, 99_999)}/${pick(OPERATORS).split('.')[0]}`
    const signatureMethod: SignatureMethod = random() < 0.85 ? 'SHA-256' : random() < 0.7 ? 'SHA-512' : 'SHA1'
    const attempt: NewAttempt = {
      startedAt,
      environment,
      baseUrl,
      channel: random() < 0.85 ? 'console' : 'cli',
      operator,
      appVersion: `0.${1 + Math.floor((i / count) * 6)}.${Math.floor((i / count) * 30) % 4}`,
      clientId: CLIENT_IDS[environment],
      paymentId,
      phone,
      transactionRef,
      signatureMethod,
      requestUrl: `${baseUrl}${ENROLL_PATH}`,
      requestHeaders: {},
      requestBody: JSON.stringify({ paymentId, mobilePhoneNumber: phone, transactionRef }),
      retryOf: retry?.id ?? null,
    }
    recent.push({ paymentId, phone, id })
    if (recent.length > 200) recent.shift()

    const sentHeaders = {
      'Content-Type': 'application/json',
      Timestamp: String(unix),
      Nonce: Array.from({ length: 4 }, () => Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0')).join(''),
      SignatureMethod: signatureMethod,
      AuthKeyVersion: '1',
    }
    yield { attempt, sentHeaders, completion: completionFor(random, int, pick, attempt) }
  }
}

function completionFor(
  random: () => number,
  int: (lo: number, hi: number) => number,
  pick: <T>(items: readonly T[]) => T,
  attempt: NewAttempt,
): AttemptCompletion | null {
  const tokenMs = random() < 0.8 ? null : int(120, 450)
  const requestMs = Math.round(180 + Math.exp(random() * 2.2) * 120)
  const durationMs = (tokenMs ?? 0) + requestMs + int(1, 12)
  const finishedAt = attempt.startedAt + durationMs
  const clockOffsetMs = random() < 0.97 ? int(-2500, 2500) : int(-40 * 60_000, 40 * 60_000)
  const serverDate = httpDate(finishedAt + clockOffsetMs)
  const jsonHeaders = (body: string) => ({
    'cache-control': 'no-cache, no-store, max-age=0, must-revalidate',
    connection: 'keep-alive',
    'content-length': String(body.length),
    'content-type': 'application/json;charset=UTF-8',
    date: serverDate,
    expires: '0',
    pragma: 'no-cache',
    server: 'nginx',
    'strict-transport-security': 'max-age=31536000 ; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'x-xss-protection': '1; mode=block',
  })
  const answered = (httpStatus: number, errors: ApiError[], body: string): AttemptCompletion => ({
    finishedAt,
    httpStatus,
    responseHeaders: jsonHeaders(body),
    responseBody: body,
    outcome: errors.length === 0 ? 'enrolled' : 'rejected',
    errors,
    failureReason: null,
    tokenMs,
    requestMs,
    durationMs,
    clockOffsetMs: Math.round(clockOffsetMs / 1000) * 1000,
  })
  const rejected = (httpStatus: number, errors: ApiError[]) =>
    answered(httpStatus, errors, JSON.stringify({ errors, transactionRef: attempt.transactionRef, paymentId: attempt.paymentId }))

  const r = random()
  if (r < 0.7) return answered(200, [], JSON.stringify({ transactionRef: attempt.transactionRef, paymentId: attempt.paymentId }))
  if (r < 0.82) return rejected(400, [{ code: '10403', message: 'Payments is not allowed for auto enrollment' }])
  if (r < 0.86) return rejected(400, [{ code: '-2', message: 'An OTP related error has occured, please contact support.' }])
  if (r < 0.92) {
    const first = pick(GATEWAY)
    return rejected(first.code === 'E26' || first.code === 'E13' ? 401 : 400, random() < 0.1 ? [first, pick(GATEWAY)] : [first])
  }
  if (r < 0.97) {
    if (random() < 0.4) {
      return { finishedAt, httpStatus: null, responseHeaders: null, responseBody: null, outcome: 'failed', errors: [], failureReason: `Could not connect to ${attempt.baseUrl} (connection refused); nothing was sent.`, tokenMs, requestMs: null, durationMs, clockOffsetMs: null }
    }
    const httpStatus = pick([500, 502, 503, 401, 403])
    const body = httpStatus === 502 ? '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>' : JSON.stringify({ error: 'server_error', status: httpStatus })
    return { ...answered(httpStatus, [], body), outcome: 'failed', failureReason: `The server answered HTTP ${httpStatus}.` }
  }
  // Unknown: half timed out (completed without an answer), half never completed (crash).
  if (random() < 0.5) return null
  return { finishedAt: attempt.startedAt + 30_000, httpStatus: null, responseHeaders: null, responseBody: null, outcome: 'unknown', errors: [], failureReason: 'No answer within 30 s; the card may or may not be enrolled.', tokenMs, requestMs: 30_000, durationMs: 30_000 + (tokenMs ?? 0), clockOffsetMs: null }
}
