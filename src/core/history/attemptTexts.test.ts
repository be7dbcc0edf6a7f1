import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_TEXTS } from './attemptTexts.ts'
import { canonicalRequestBody } from './attemptRows.ts'
import { completion, newAttempt, openTempHistory, type TempDb } from './testFixtures.ts'
import type { HistoryStore } from './types.ts'

let temp: TempDb
let store: HistoryStore

beforeEach(() => ({ temp, store } = openTempHistory()))
afterEach(() => temp.cleanup())

const textCount = () => (temp.db.prepare('SELECT count(*) AS n FROM attempt_texts').get() as { n: number }).n

describe('templated headers and bodies', () => {
  it('shares one header template and one body template between attempts that differ only in varying values', () => {
    for (let i = 0; i < 20; i++) {
      const paymentId = String(300_000 + i)
      const transactionRef = `JB-17000000${i}-Enrol`
      const id = store.begin(newAttempt({ paymentId, transactionRef }))
      store.markSending(id, { 'Content-Type': 'application/json', Timestamp: String(1_700_000_000 + i), Nonce: `n${i}`, SignatureMethod: 'SHA-256', AuthKeyVersion: '1' })
      const body = JSON.stringify({ transactionRef, paymentId })
      const headers = { 'content-length': String(body.length), 'content-type': 'application/json', date: `Tue, 14 Nov 2023 22:13:${10 + i} GMT`, server: 'nginx' }
      store.complete(id, completion('enrolled', { responseHeaders: headers, responseBody: body }))
      const record = store.get(id)
      expect(record?.responseHeaders).toEqual(headers)
      expect(Object.keys(record?.responseHeaders ?? {})).toEqual(Object.keys(headers))
      expect(record?.responseBody).toBe(body)
      expect(record?.requestHeaders.Timestamp).toBe(String(1_700_000_000 + i))
    }
    // Request headers without Timestamp/Nonce (begin's {} and markSending's), one header template, one body template.
    expect(textCount()).toBe(4)
  })

  it('round-trips bodies with replacement patterns, marks and values that overlap', () => {
    const cases = [
      { paymentId: '$&', transactionRef: "$'x$`", body: '{"paymentId":"$&","ref":"$\'x$`","again":"$&$$"}' },
      { paymentId: '1', transactionRef: 'JB-111-Enrol', body: '{"transactionRef":"JB-111-Enrol","paymentId":"1","n":11}' },
      { paymentId: '266274', transactionRef: 'JB-1', body: 'has \u0001 and \u0002 marks JB-1 266274' },
      { paymentId: '', transactionRef: '', body: '' },
      { paymentId: '266274', transactionRef: 'JB-\u0001', body: 'JB-\u0001 266274' },
    ]
    for (const c of cases) {
      const id = store.begin(newAttempt({ paymentId: c.paymentId, transactionRef: c.transactionRef }))
      store.complete(id, completion('rejected', { responseBody: c.body }))
      expect(store.get(id)?.responseBody).toBe(c.body)
    }
  })

  it('round-trips unusual header sets: numeric names, repeated varying names, no headers at all', () => {
    const sets: (Record<string, string> | null)[] = [{ '1': 'a', Date: 'x', DATE: 'y', 'x-request-id': 'abc' }, {}, null, { 'content-type': '\u0001"\\' }]
    for (const headers of sets) {
      const id = store.begin(newAttempt())
      store.complete(id, completion('enrolled', { responseHeaders: headers }))
      const got = store.get(id)?.responseHeaders
      expect(got).toEqual(headers)
      if (headers) expect(Object.keys(got ?? {})).toEqual(Object.keys(headers))
    }
  })

  it('keeps a header named __proto__ as a header (own property, in its place), also when the template repeats', () => {
    for (const date of ['d1', 'd2']) {
      const headers = JSON.parse(`{"server":"nginx","__proto__":"p","date":"${date}"}`) as Record<string, string>
      const id = store.begin(newAttempt())
      store.complete(id, completion('enrolled', { responseHeaders: headers }))
      const got = store.get(id)?.responseHeaders ?? {}
      expect(Object.entries(got)).toEqual([['server', 'nginx'], ['__proto__', 'p'], ['date', date]])
      expect(Object.getPrototypeOf(got)).toBe(Object.prototype)
    }
  })

  it('keeps the request headers it stores in the documented order, absent ones absent', () => {
    const id = store.begin(newAttempt())
    store.markSending(id, { AuthKeyVersion: '1', Nonce: 'n', Authorization: 'Bearer secret', 'Content-Type': 'application/json' })
    const headers = store.get(id)?.requestHeaders
    expect(headers).toEqual({ 'Content-Type': 'application/json', Nonce: 'n', AuthKeyVersion: '1' })
    expect(Object.keys(headers ?? {})).toEqual(['Content-Type', 'Nonce', 'AuthKeyVersion'])
  })

  it('stores headers and bodies whole once the text table is full, and still round-trips them', () => {
    temp.db.prepare('INSERT INTO attempt_texts (id, text) VALUES (?, ?)').run(MAX_TEXTS, 'filler')
    const headers = { 'content-type': 'text/plain', 'x-unique': 'never seen before' }
    const body = 'a body never seen before'
    const id = store.begin(newAttempt())
    store.complete(id, completion('failed', { responseHeaders: headers, responseBody: body }))
    const row = temp.db.prepare('SELECT response_headers, response_body_template, response_body IS NOT NULL AS blob FROM attempts WHERE id = ?').get(id)
    expect(row).toEqual({ response_headers: null, response_body_template: null, blob: 1 })
    const record = store.get(id)
    expect(record?.responseHeaders).toEqual(headers)
    expect(record?.responseBody).toBe(body)
  })
})

describe('canonicalRequestBody', () => {
  it('is JSON.stringify of the body the client sends, for awkward values too', () => {
    const values = ['266274', '2348031234567', 'JB-1-Enrol', 'say "hi"', 'back\\slash', 'ünï 🇳🇬', '\u0001\n', 'lone \ud800', '']
    for (const paymentId of values) {
      for (const transactionRef of values) {
        const phone = values[(paymentId.length + transactionRef.length) % values.length] as string
        expect(canonicalRequestBody({ paymentId, phone, transactionRef })).toBe(JSON.stringify({ paymentId, mobilePhoneNumber: phone, transactionRef }))
      }
    }
  })
})
