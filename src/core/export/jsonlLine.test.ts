import { describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { sampleRecord } from '../../shared/domain/attempt.test-helpers.ts'
import { createJsonlEncoder, toExportRecord } from './jsonlExport.ts'
import { createJsonlLineWriter, numberText } from './jsonlLine.ts'

// The fast path must write byte for byte what the reference path writes
// (JSON.stringify(toExportRecord(record))), with its memos warmed by earlier records — the
// dangerous case is a string remembered for one record that another record's guard would have
// changed (its own phone number inside a header, a reference, a message).

const PHONES = ['2348031234567', '2349051234999', '2347011112222']
const SECRET = 'TeSt-SeCrEt-9f8e7d6c5b4a'
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.tOkEn'

function base(i: number): AttemptRecord {
  const phone = PHONES[i % PHONES.length] as string
  return sampleRecord({
    id: 1000 + i,
    startedAt: 1_767_225_596_619 + i * 61_007,
    finishedAt: i % 5 === 0 ? null : 1_767_225_596_619 + i * 61_007 + 377,
    channel: i % 2 ? 'console' : 'cli',
    operator: ['kemi.adebayo', 'Ọlá Ádébáyọ̀', 'ngozi "the boss"', "=cmd|' /C calc'!A0"][i % 4] as string,
    appVersion: '0.6.1',
    paymentId: String(724_072_502 + i),
    phone,
    transactionRef: `JB-${1_767_225_596 + i}-Enrol`,
    requestHeaders: { 'Content-Type': 'application/json', Timestamp: String(1_767_225_596 + i), Nonce: `55b91a44${i}`, SignatureMethod: 'SHA-256', AuthKeyVersion: '1' },
    requestBody: JSON.stringify({ paymentId: String(724_072_502 + i), mobilePhoneNumber: phone, transactionRef: `JB-${1_767_225_596 + i}-Enrol` }),
    httpStatus: i % 7 === 0 ? null : 200,
    responseHeaders: i % 7 === 0 ? null : { 'content-type': 'application/json', date: 'Wed, 31 Dec 2025 23:59:58 GMT', 'strict-transport-security': 'max-age=31536000 ; includeSubDomains' },
    responseBody: i % 7 === 0 ? null : JSON.stringify({ transactionRef: `JB-${1_767_225_596 + i}-Enrol`, paymentId: String(724_072_502 + i) }),
    outcome: i % 3 === 0 ? 'rejected' : 'enrolled',
    errors: i % 3 === 0 ? [{ code: 'E26', message: 'Signature mismatch' }, { code: '-2', message: 'An OTP related error has occured' }] : [],
    failureReason: i % 11 === 0 ? 'timed out after 30 s' : null,
    tokenMs: i % 4 === 0 ? 120 : null,
    requestMs: 371,
    durationMs: 376,
    clockOffsetMs: i % 2 ? 2000 : -1200,
    retryOf: i % 9 === 0 ? 999 + i : null,
  })
}

/** A record whose request body (and response body, if any) is the usual one for the given payment id and reference. */
function withBody(r: AttemptRecord, paymentId: string, transactionRef: string): AttemptRecord {
  const requestBody = JSON.stringify({ paymentId, mobilePhoneNumber: r.phone, transactionRef })
  return { ...r, paymentId, transactionRef, requestBody, responseBody: r.responseBody === null ? null : JSON.stringify({ transactionRef, paymentId }) }
}

/** Records whose strings another record's guard must change, and records off the store's shape. */
function hostile(i: number): AttemptRecord {
  const r = base(i)
  const other = PHONES[(i + 1) % PHONES.length] as string
  switch (i % 16) {
    case 0: // one number (in MSISDN and national form) in a header and a message, for records of
      // every phone in turn: masked for the record it belongs to, left alone for the others
      return { ...r, responseHeaders: { 'x-echo': '2348031234567', 'x-national': '8031234567' }, errors: [{ code: 'E01', message: 'bad number 8031234567' }] }
    case 1: // this record's own phone everywhere
      return { ...r, operator: r.phone, failureReason: `call 0${r.phone.slice(3)}`, responseHeaders: { 'x-echo': r.phone } }
    case 2: // secrets where they must never be
      return { ...r, requestHeaders: { ...r.requestHeaders, Authorization: `Bearer ${TOKEN}`, Signature: 'c2ln' }, responseBody: `client_secret=${SECRET}&x=1` }
    case 3: // a header name that is secret-like, one that is a phone, one that is __proto__
      return { ...r, responseHeaders: JSON.parse(`{"x-api-key":"k","x-${other}":"v","__proto__":"p","content-type":"text/plain"}`) as Record<string, string> }
    case 4: // a phone that is not digits, and one of 8 digits (both off the memos' premise)
      return { ...r, phone: i % 32 === 4 ? '+234 803 123 4567' : '80312345', operator: '80312345' }
    case 5: // numbers JSON writes as null, and -0
      return { ...r, tokenMs: Number.NaN, requestMs: Number.POSITIVE_INFINITY, clockOffsetMs: -0 }
    case 6: // missing fields (undefined is left out by JSON.stringify) and non-string values
      return { ...r, operator: undefined as unknown as string, failureReason: undefined as unknown as null, paymentId: 42 as unknown as string }
    case 7: // header values that are not strings, and a header object with another prototype
      return { ...r, requestHeaders: { Timestamp: 1 } as unknown as Record<string, string>, responseHeaders: Object.assign(Object.create({ inherited: 'x' }) as object, { a: 'b' }) as Record<string, string> }
    case 8: // errors: not an array; with odd codes
      return { ...r, errors: i % 32 === 8 ? (null as unknown as []) : [{ code: 7 as unknown as string, message: '=1+1' }] }
    case 9: // a hole in errors
      // eslint-disable-next-line no-sparse-arrays -- the hole is the point
      return { ...r, errors: [, { code: 'E1', message: 'm' }] as unknown as AttemptRecord['errors'] }
    case 10: // text needing JSON escapes (quotes, backslash, control characters, lone surrogate, separators)
      return { ...r, operator: 'a\\b"c\n\t\u0001', failureReason: 'lone \ud800 and \u2028', baseUrl: 'https://x/\u00e9' }
    case 11: // spaced and local forms of a number in a remembered field
      return { ...r, appVersion: '+234 803 123 4567', clientId: '0803-123-4567' }
    case 12: // null request headers
      return { ...r, requestHeaders: null as unknown as Record<string, string> }
    case 13: // the usual request body, its values holding numbers: this record's own (local and spaced
      // forms, inside a longer run), another record's, one split by the body's quotes
      return withBody(r, other, `JB 0${r.phone.slice(3)} +234 ${r.phone.slice(3, 6)} ${r.phone.slice(6, 9)} ${r.phone.slice(9)} 9${r.phone}1-${other.slice(0, 7)}`)
    case 14: // the usual request body with a secret in a value; with values JSON escapes; and a body
      // written without escaping them (a raw tab and quote-free backslash where JSON has escapes)
      if (i % 48 === 14) return withBody(r, r.paymentId, `token=${TOKEN}`)
      if (i % 48 === 30) return withBody(r, `12"3\\`, 'tab\there \u2028')
      return { ...r, transactionRef: 'a\tb\\c', requestBody: `{"paymentId":"${r.paymentId}","mobilePhoneNumber":"${r.phone}","transactionRef":"a\tb\\c"}` }
    case 15: // a body with the usual values in another order, and one with a phone spanning a quote
      return i % 32 === 15
        ? { ...r, requestBody: JSON.stringify({ transactionRef: r.transactionRef, paymentId: r.paymentId, mobilePhoneNumber: r.phone }) }
        : withBody(r, r.phone.slice(0, 6), r.phone.slice(6))
    default:
      return r
  }
}

const records = (n: number, make: (i: number) => AttemptRecord): AttemptRecord[] => Array.from({ length: n }, (_, i) => make(i))

describe.each([false, true])('JSON Lines fast path, fullPhone %s', (fullPhone) => {
  it('writes exactly the reference line for ordinary and hostile records, memos warm', () => {
    const encoder = createJsonlEncoder({ fullPhone })
    // Ordinary records first (memos fill), then hostile ones, then ordinary ones again.
    const all = [...records(400, base), ...records(320, hostile), ...records(100, base)]
    for (const record of all) expect(encoder.encode(record)).toBe(JSON.stringify(toExportRecord(record, fullPhone)) + '\n')
  })

  it('takes the fast path for records of the store’s shape (and leaves the odd ones)', () => {
    const line = createJsonlLineWriter(fullPhone)
    for (const record of records(50, base)) expect(line(record)).toBeDefined()
    expect(line({ ...base(1), phone: '+234 803 123 4567' })).toBeUndefined()
    expect(line({ ...base(1), operator: undefined as unknown as string })).toBeUndefined()
  })
})

describe('numberText', () => {
  it.each([0, -0, 1, 999_999, 1_000_000, 1_000_001, 1_767_225_596_619, 999_999_999_999_999, 1e15, 1e21, -1_767_225_596_619, 0.5, 1.5e-7, 2 ** 53])('equals String(%d)', (n) => {
    expect(numberText(n)).toBe(String(n))
  })
})
