import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiError, AttemptRecord } from '../../shared/domain/attempt.ts'
import { maskPhone } from '../../shared/domain/phone.ts'
import { createHistoryStore } from '../history/historyStore.ts'
import type { AttemptCompletion, HistoryStore, NewAttempt } from '../history/types.ts'
import { openDatabase } from '../storage/openDatabase.ts'
import { exportHistory } from './exportHistory.ts'

// Writes attempts with awkward values into a real history database, exports them as CSV and
// JSON Lines, parses the files back (csv-parse, JSON.parse) and compares row by row with the
// records, computing the expected cells independently of the export code.

const N = 240
const BASE = Date.UTC(2025, 2, 1, 8)
const INJECTIONS = ["=cmd|' /C calc'!A0", '+1', '@SUM(1)', '-2', '\tTAB', '\rCR', '=HYPERLINK("http://x","y")']
const AWKWARD = ['comma, inside', 'say "hello"', 'two\nlines', 'crlf\r\nend', 'ünïcödé Ọlá Ádébáyọ̀ 🇳🇬 ₦5,000', '  padded  ', "it's", '']

let dir: string
let db: DatabaseSync
let store: HistoryStore
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-roundtrip-'))
  db = openDatabase(join(dir, 'history.db'))
  store = createHistoryStore(db)
})
afterEach(() => {
  store.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const pick = <T>(items: readonly T[], i: number): T => items[i % items.length] as T

function attempt(i: number): { input: NewAttempt; headers: Record<string, string>; completion: AttemptCompletion | null } {
  const phone = `23480${String(31_000_000 + i * 7919).slice(-8)}`
  const paymentId = String(500_000 + i)
  const transactionRef = i % 5 === 0 ? pick(INJECTIONS, i) : i % 5 === 1 ? `JB-${1_740_000_000 + i}-Enrol, ${pick(AWKWARD, i)}` : `JB-${1_740_000_000 + i}-Enrol`
  const operator = i % 4 === 0 ? pick(INJECTIONS, i + 1) : pick(['ada.obi', 'Ọlá Ádébáyọ̀', 'musa, ibrahim', 'ngozi "the boss"'], i)
  const input: NewAttempt = {
    startedAt: BASE + i * 60_000,
    environment: pick(['sandbox', 'production', 'training', 'custom'] as const, i),
    baseUrl: 'https://sandbox.interswitchng.com',
    channel: i % 3 === 0 ? 'cli' : 'console',
    operator,
    appVersion: '0.1.0',
    clientId: 'IKIA9614B82064D632E9B6418DF358A6A4AEA84D7218',
    paymentId,
    phone,
    transactionRef,
    signatureMethod: pick(['SHA1', 'SHA-256', 'SHA-512'] as const, i),
    requestUrl: 'https://sandbox.interswitchng.com/api/v3/purchases/otps/enrollments',
    requestHeaders: {},
    requestBody: JSON.stringify({ paymentId, mobilePhoneNumber: phone, transactionRef }),
    retryOf: i > 3 && i % 7 === 0 ? i - 3 : null,
  }
  const headers = { 'Content-Type': 'application/json', Timestamp: String(1_740_000_000 + i), Nonce: `n${i.toString(36)}x`, SignatureMethod: input.signatureMethod, AuthKeyVersion: '1' }
  if (i % 11 === 0) return { input, headers, completion: null } // never completed: stays unknown
  const errors: ApiError[] =
    i % 3 === 0
      ? [
          { code: '-2', message: 'An OTP related error has occured, please contact support.' },
          { code: pick(['E26', '10403', '=1+1'], i), message: pick(AWKWARD, i) },
        ]
      : i % 3 === 1
        ? [{ code: pick(INJECTIONS, i), message: pick(INJECTIONS, i + 2) }]
        : []
  const body = errors.length ? JSON.stringify({ errors, transactionRef, paymentId, echo: phone }) : JSON.stringify({ transactionRef, paymentId })
  const completion: AttemptCompletion = {
    finishedAt: input.startedAt + 400 + i,
    httpStatus: errors.length ? 400 : i % 10 === 5 ? 502 : 200,
    responseHeaders: { 'content-type': 'application/json', date: 'Sat, 01 Mar 2025 08:00:00 GMT' },
    responseBody: body,
    outcome: errors.length ? 'rejected' : 'enrolled',
    errors,
    failureReason: i % 10 === 5 ? pick([...INJECTIONS, ...AWKWARD], i) : null,
    tokenMs: i % 2 ? 120 + i : null,
    requestMs: 300 + i,
    durationMs: 420 + i,
    clockOffsetMs: i % 4 === 0 ? -1200 - i : i % 4 === 1 ? 800 : null,
  }
  return { input, headers, completion }
}

function fill(): AttemptRecord[] {
  // One outer transaction (the store's own nest as savepoints): one fsync instead of 700.
  db.exec('BEGIN IMMEDIATE')
  for (let i = 0; i < N; i++) {
    const { input, headers, completion } = attempt(i)
    const id = store.begin(input)
    store.markSending(id, headers)
    if (completion) store.complete(id, completion)
  }
  db.exec('COMMIT')
  return [...store.iterate({ sort: 'time-asc' })]
}

// Expected CSV cells, computed without the export's code.
const inert = (text: string): string => (/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) ? `'${text}` : text)
const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString())
const num = (n: number | null): string => (n === null ? '' : String(n))

function expectedCsvRow(r: AttemptRecord, fullPhone: boolean): Record<string, string> {
  const mask = (text: string): string => (fullPhone ? text : text.replaceAll(r.phone, maskPhone(r.phone)))
  const txt = (text: string | null): string => (text === null ? '' : inert(mask(text)))
  return {
    attempt_id: String(r.id),
    started_at: iso(r.startedAt),
    finished_at: iso(r.finishedAt),
    environment: txt(r.environment),
    base_url: txt(r.baseUrl),
    channel: txt(r.channel),
    operator: txt(r.operator),
    app_version: txt(r.appVersion),
    payment_id: txt(r.paymentId),
    phone: fullPhone ? r.phone : maskPhone(r.phone),
    transaction_ref: txt(r.transactionRef),
    signature_method: txt(r.signatureMethod),
    outcome: txt(r.outcome),
    error_codes: txt(r.errors.map((e) => e.code).join(';')),
    error_messages: txt(r.errors.map((e) => e.message).join(' | ')),
    http_status: num(r.httpStatus),
    failure_reason: txt(r.failureReason),
    token_ms: num(r.tokenMs),
    request_ms: num(r.requestMs),
    duration_ms: num(r.durationMs),
    clock_offset_ms: num(r.clockOffsetMs),
    retry_of: num(r.retryOf),
    nonce: txt(r.requestHeaders.Nonce ?? null),
    timestamp: txt(r.requestHeaders.Timestamp ?? null),
  }
}

function expectedJsonl(r: AttemptRecord, fullPhone: boolean): AttemptRecord {
  if (fullPhone) return r
  const masked = maskPhone(r.phone)
  const mask = (text: string): string => text.replaceAll(r.phone, masked)
  return { ...r, phone: masked, requestBody: mask(r.requestBody), responseBody: r.responseBody === null ? null : mask(r.responseBody) }
}

describe('export round trip through a real history database', () => {
  it('stores the awkward values as given (sanity check of the fixture)', () => {
    const stored = fill()
    expect(stored).toHaveLength(N)
    for (const r of stored) {
      const { input } = attempt(r.id - 1)
      expect(r.operator).toBe(input.operator)
      expect(r.transactionRef).toBe(input.transactionRef)
    }
  })

  for (const fullPhone of [false, true]) {
    it(`CSV parses back to the records, injection cells inert (fullPhone ${String(fullPhone)})`, async () => {
      const stored = fill()
      const outPath = join(dir, 'out.csv')
      const result = await exportHistory({ records: store.iterate({ sort: 'time-asc' }, 37), total: store.count({}), format: 'csv', outPath, fullPhone })
      expect(result.rows).toBe(N)
      const rows = parse(readFileSync(outPath), { bom: true, columns: true, relax_column_count: false }) as Record<string, string>[]
      expect(rows).toHaveLength(N)
      rows.forEach((row, i) => expect(row, `row ${i}`).toEqual(expectedCsvRow(stored[i] as AttemptRecord, fullPhone)))

      // Every injection value that went in comes out starting with a quote.
      const cells = rows.flatMap((row) => Object.values(row))
      for (const value of INJECTIONS) {
        const found = cells.filter((cell) => cell.replace(/^'/, '') === value)
        expect(found.length, value).toBeGreaterThan(0)
        for (const cell of found) expect(cell.startsWith("'"), value).toBe(true)
      }
      // No text cell can start a formula; numeric columns are exempt by design (see csvSafety.ts).
      const numeric = new Set(['attempt_id', 'http_status', 'token_ms', 'request_ms', 'duration_ms', 'clock_offset_ms', 'retry_of'])
      for (const row of rows) {
        for (const [column, cell] of Object.entries(row)) {
          if (numeric.has(column)) expect(cell, column).toMatch(/^(-?\d+)?$/)
          else expect(/^[=+\-@\t\r]/.test(cell), `${column}: ${cell}`).toBe(false)
        }
      }
      expect(rows.some((row) => row.clock_offset_ms?.startsWith('-'))).toBe(true)
      if (!fullPhone) for (const r of stored) expect(readFileSync(outPath, 'utf8')).not.toContain(r.phone)
    })

    it(`JSON Lines parse back to the records (fullPhone ${String(fullPhone)})`, async () => {
      const stored = fill()
      const outPath = join(dir, 'out.jsonl')
      const result = await exportHistory({ records: store.iterate({ sort: 'time-asc' }), format: 'jsonl', outPath, fullPhone })
      expect(result.rows).toBe(N)
      const text = readFileSync(outPath, 'utf8')
      const lines = text.split('\n')
      expect(lines.pop()).toBe('')
      expect(lines).toHaveLength(N)
      lines.forEach((line, i) => expect(JSON.parse(line), `line ${i}`).toEqual(expectedJsonl(stored[i] as AttemptRecord, fullPhone)))
      if (!fullPhone) for (const r of stored) expect(text).not.toContain(r.phone)
    })
  }

  it('exports exactly what a filter selects, newest first by default', async () => {
    const stored = fill()
    const outPath = join(dir, 'rejected.jsonl')
    await exportHistory({ records: store.iterate({ outcome: ['rejected'] }, 50), format: 'jsonl', outPath, fullPhone: true })
    const ids = readFileSync(outPath, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as AttemptRecord).id)
    expect(ids).toEqual(stored.filter((r) => r.outcome === 'rejected').map((r) => r.id).reverse())
  })
})
