import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { classifyResponse, classifyTransportError, describeTransportError, OUTCOME_TABLE } from './classify.ts'

describe('classifyResponse', () => {
  it('E20 (timed out inside Interswitch) is an unknown outcome, with the code kept', () => {
    const body = JSON.stringify({ errors: [{ code: 'E20', message: 'Request timed out' }], transactionRef: 'r', paymentId: '1' })
    expect(classifyResponse(504, body)).toEqual({ outcome: 'unknown', errors: [{ code: 'E20', message: 'Request timed out' }], reason: null })
  })
  it('2xx without an errors array is enrolled', () => {
    expect(classifyResponse(200, JSON.stringify({ status: 'ENROLLED' }))).toEqual({ outcome: 'enrolled', errors: [], reason: null })
    expect(classifyResponse(201, '')).toEqual({ outcome: 'enrolled', errors: [], reason: null })
  })

  it('2xx with an unparsable body is still enrolled (the body is kept by the caller)', () => {
    expect(classifyResponse(200, '<html>ok</html>')).toEqual({ outcome: 'enrolled', errors: [], reason: null })
  })

  it('2xx with an empty errors array is enrolled', () => {
    expect(classifyResponse(200, JSON.stringify({ errors: [] })).outcome).toBe('enrolled')
  })

  it('a non-empty errors array is rejected, with codes as strings and messages as given', () => {
    const body = JSON.stringify({
      errors: [
        { code: -2, message: 'An OTP related error has occured, please contact support.' },
        { code: '10403', message: 'Payments is not allowed for auto enrollment' },
      ],
      transactionRef: 'JB-1-Enrol',
      paymentId: '266274',
    })
    expect(classifyResponse(400, body)).toEqual({
      outcome: 'rejected',
      errors: [
        { code: '-2', message: 'An OTP related error has occured, please contact support.' },
        { code: '10403', message: 'Payments is not allowed for auto enrollment' },
      ],
      reason: null,
    })
  })

  it('errors on a 2xx answer still make it rejected', () => {
    expect(classifyResponse(200, JSON.stringify({ errors: [{ code: 'E34', message: 'busy' }] })).outcome).toBe('rejected')
  })

  it('keeps malformed error entries visible instead of dropping them', () => {
    expect(classifyResponse(400, JSON.stringify({ errors: ['boom', { code: 'E99' }] })).errors).toEqual([
      { code: '', message: 'boom' },
      { code: 'E99', message: '' },
    ])
  })

  it('502 and 504 from a gateway are unknown outcomes (may have been processed), with the reason', () => {
    for (const [status, name] of [[502, 'Bad Gateway'], [504, 'Gateway Timeout']] as const) {
      const html = `<html><head><title>${status} ${name}</title></head><body><h1>${status} ${name}</h1></body></html>`
      const result = classifyResponse(status, html)
      expect(result.outcome).toBe('unknown')
      expect(result.reason).toContain(`HTTP ${status} (${name})`)
      expect(result.reason).toMatch(/may or may not be enrolled/)
    }
  })

  it('API error codes on a 502/504 still decide (the API itself answered)', () => {
    expect(classifyResponse(502, JSON.stringify({ errors: [{ code: 'E34', message: 'busy' }] })).outcome).toBe('rejected')
  })

  it('a 3xx is failed with an explanation, whatever its body says', () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const result = classifyResponse(status, JSON.stringify({ status: 'ENROLLED' }))
      expect(result.outcome).toBe('failed')
      expect(result.reason).toMatch(/redirect \(HTTP 3\d\d\)\. Redirects are never followed/)
    }
  })

  it('any other non-2xx is failed', () => {
    expect(classifyResponse(500, 'Internal Server Error')).toEqual({ outcome: 'failed', errors: [], reason: null })
    expect(classifyResponse(404, JSON.stringify({ error: 'not found' }))).toEqual({ outcome: 'failed', errors: [], reason: null })
    expect(classifyResponse(401, '')).toEqual({ outcome: 'failed', errors: [], reason: null })
  })
})

/** What undici's fetch throws: TypeError('fetch failed') with a system error as cause. */
function undiciError(code: string, message = `${code} 127.0.0.1:1`): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) })
}

const ctx = { mayHaveBeenSent: true, timeoutMs: 30_000, url: 'https://sandbox.interswitchng.com/api/v3/purchases/otps/enrollments' }

describe('classifyTransportError', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])('%s (undici) is failed: the request never reached the server', (code) => {
    const result = classifyTransportError(undiciError(code), ctx)
    expect(result.outcome).toBe('failed')
    expect(result.failureReason).toMatch(/not sent/)
  })

  it.each(['net::ERR_CONNECTION_REFUSED', 'net::ERR_NAME_NOT_RESOLVED'])('Electron %s is failed', (message) => {
    expect(classifyTransportError(new Error(message), ctx).outcome).toBe('failed')
  })

  it('connection refused on every address (AggregateError) is failed', () => {
    const aggregate = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:1'), { code: 'ECONNREFUSED' })]), { code: 'ECONNREFUSED' })
    expect(classifyTransportError(new TypeError('fetch failed', { cause: aggregate }), ctx).outcome).toBe('failed')
  })

  it('names the host in the reason', () => {
    expect(classifyTransportError(undiciError('ECONNREFUSED'), ctx).failureReason).toContain('sandbox.interswitchng.com')
  })

  it('an AbortSignal timeout is unknown and says how long was waited', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError')
    expect(classifyTransportError(timeout, ctx)).toEqual({
      outcome: 'unknown',
      failureReason: 'No answer within 30 s; the card may or may not be enrolled. Check before retrying.',
    })
  })

  it.each([
    ['ECONNRESET', undiciError('ECONNRESET', 'read ECONNRESET')],
    ['UND_ERR_SOCKET (other side closed)', undiciError('UND_ERR_SOCKET', 'other side closed')],
    ['net::ERR_CONNECTION_RESET', new Error('net::ERR_CONNECTION_RESET')],
    ['net::ERR_EMPTY_RESPONSE', new Error('net::ERR_EMPTY_RESPONSE')],
  ])('a lost connection (%s) is unknown', (_name, error) => {
    const result = classifyTransportError(error, ctx)
    expect(result.outcome).toBe('unknown')
    expect(result.failureReason).toMatch(/connection .* was lost.*may or may not be enrolled/)
  })

  it('an unrecognised error is unknown', () => {
    const result = classifyTransportError(new Error('something odd'), ctx)
    expect(result.outcome).toBe('unknown')
    expect(result.failureReason).toMatch(/unexpected way.*may or may not be enrolled/)
  })

  it('a non-Error throw is unknown', () => {
    expect(classifyTransportError(undefined, ctx).outcome).toBe('unknown')
  })

  it('an error before the request could leave is failed, whatever it is', () => {
    expect(classifyTransportError(new Error('something odd'), { ...ctx, mayHaveBeenSent: false }).outcome).toBe('failed')
  })

  it('formats sub-second timeouts', () => {
    const timeout = new DOMException('timeout', 'TimeoutError')
    expect(classifyTransportError(timeout, { ...ctx, timeoutMs: 300 }).failureReason).toMatch(/^No answer within 300 ms;/)
  })
})

describe('describeTransportError', () => {
  it('finds the code in a nested cause', () => {
    expect(describeTransportError(new Error('outer', { cause: new Error('mid', { cause: undiciError('ENOTFOUND') }) }))).toEqual({ problem: 'dns', detail: 'ENOTFOUND' })
  })

  it('survives a cyclic cause chain', () => {
    const a = new Error('a') as Error & { cause?: unknown }
    a.cause = a
    expect(describeTransportError(a).problem).toBe('other')
  })
})

describe('the outcome table', () => {
  it('is in the README, row for row', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
    const processed = { no: 'no', maybe: '**maybe**', yes: 'yes' }
    for (const rule of Object.values(OUTCOME_TABLE)) {
      expect(readme, rule.when).toContain(`| ${rule.when} | ${rule.outcome} | ${processed[rule.processed]} |`)
    }
  })

  it('calls every "maybe" unknown and nothing else unknown', () => {
    for (const rule of Object.values(OUTCOME_TABLE)) expect(rule.outcome === 'unknown', rule.when).toBe(rule.processed === 'maybe')
  })
})

describe('a redirect refused by the transport (Electron net.fetch with redirect: manual)', () => {
  it('is failed with the redirect explanation, not unknown', () => {
    const result = classifyTransportError(new Error('Redirect was cancelled'), { mayHaveBeenSent: true, timeoutMs: 30_000, url: 'https://api.example.test/x' })
    expect(result.outcome).toBe('failed')
    expect(result.failureReason).toMatch(/redirect\. Redirects are never followed/)
    expect(describeTransportError(new Error('Redirect was cancelled')).problem).toBe('redirect')
  })
})
