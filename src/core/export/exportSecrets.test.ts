import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { sampleRecord } from '../../shared/domain/attempt.test-helpers.ts'
import type { ExportFormat } from '../../shared/domain/export.ts'
import { exportHistory } from './exportHistory.ts'
import { unzipAll } from './unzip.test-helpers.ts'

// Defence in depth: history never holds the secret, the bearer token or a Signature value,
// but if one slipped into a record (headers, bodies, messages) or into the diagnostic log,
// no export format may carry it out, whichever phone option is chosen.

const CLIENT_ID = 'IKIA9614B82064D632E9B6418DF358A6A4AEA84D7218'
const SECRET = 'TeSt-SeCrEt-9f8e7d6c5b4a/3c2d1e0f+ZZ=='
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJtZXJjaGFudF9jb2RlIjoiTVgxODcifQ.tOkEnSiGnAtUrE_42'
const SIGNATURE = 'c2lnbmF0dXJlLXZhbHVlLXRoYXQtbXVzdC1uZXZlci1sZWFr+/=='
const BASIC = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')
const FORBIDDEN = { SECRET, TOKEN, SIGNATURE, BASIC, 'url-encoded secret': encodeURIComponent(SECRET) }
const PHONE = '2348031234567'

function leakyRecord(id: number): AttemptRecord {
  const cipher = `POST&https%3A%2F%2Fsandbox.interswitchng.com%2Fapi%2Fv3%2Fpurchases%2Fotps%2Fenrollments&1735689600&nonce${id}&${CLIENT_ID}&${SECRET}`
  return sampleRecord({
    id,
    startedAt: Date.UTC(2025, 0, 1) + id,
    finishedAt: null,
    clientId: CLIENT_ID,
    phone: PHONE,
    transactionRef: `JB-1735689600-Enrol`,
    requestUrl: `https://sandbox.interswitchng.com/api/v3/purchases/otps/enrollments?access_token=${TOKEN}`,
    requestHeaders: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${TOKEN}`,
      Signature: SIGNATURE,
      SignatureMethod: 'SHA-256',
      authorization: `Basic ${BASIC}`,
      Nonce: 'abc',
      Timestamp: '1735689600',
    },
    requestBody: JSON.stringify({ paymentId: '266274', mobilePhoneNumber: PHONE, client_secret: SECRET, note: `Authorization: Bearer ${TOKEN}` }),
    httpStatus: 401,
    responseHeaders: { 'content-type': 'text/plain', 'x-debug-signature': SIGNATURE, 'www-authenticate': `Bearer ${TOKEN}` },
    responseBody: `echo:\r\nAuthorization: Bearer ${TOKEN}\r\nSignature: ${SIGNATURE}\r\ncipher: ${cipher}\r\ngrant_type=client_credentials&client_secret=${encodeURIComponent(SECRET)}`,
    outcome: 'failed',
    errors: [{ code: 'E26', message: `Signature: ${SIGNATURE} did not match` }],
    failureReason: `Token request with Basic ${BASIC} failed; cipher was ${cipher}`,
    tokenMs: 100,
    requestMs: 200,
    durationMs: 300,
    clockOffsetMs: null,
  })
}

let dir: string
let logDir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-secrets-'))
  logDir = join(dir, 'logs')
  mkdirSync(logDir)
  const t = Date.UTC(2025, 0, 1, 12)
  writeFileSync(
    join(logDir, 'diagnostic.log'),
    [
      JSON.stringify({ level: 'info', time: t, msg: `token ok: Bearer ${TOKEN}`, clientSecret: SECRET, phone: PHONE }),
      JSON.stringify({ level: 'info', time: t + 1, msg: 'sending', headers: { Authorization: `Bearer ${TOKEN}`, Signature: SIGNATURE, SignatureMethod: 'SHA-256' } }),
      JSON.stringify({ level: 'warn', time: t + 2, msg: `Signature: ${SIGNATURE}`, body: `client_secret=${encodeURIComponent(SECRET)}&grant_type=client_credentials` }),
      `Authorization: Basic ${BASIC}`,
      JSON.stringify({ level: 'error', time: t + 3, msg: 'passport', err: { message: `401 for Basic ${BASIC}`, access_token: TOKEN } }),
    ].join('\n') + '\n',
  )
  writeFileSync(join(logDir, 'cli.log'), JSON.stringify({ level: 'info', time: t + 4, msg: `cipher: POST&https%3A%2F%2Fx&1&n&${CLIENT_ID}&${SECRET}` }) + '\n')
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})


function expectClean(label: string, text: string): void {
  for (const [name, value] of Object.entries(FORBIDDEN)) expect(text.includes(value), `${label} contains the ${name}`).toBe(false)
}

describe('no export carries a secret, token or signature', () => {
  const formats: ExportFormat[] = ['csv', 'jsonl', 'bundle']
  for (const format of formats) {
    for (const fullPhone of [false, true]) {
      it(`${format}, fullPhone ${String(fullPhone)}`, async () => {
        const outPath = join(dir, `out-${format}-${String(fullPhone)}.${format === 'bundle' ? 'zip' : format}`)
        const records = [leakyRecord(1), leakyRecord(2)]
        await exportHistory({ records, format, outPath, fullPhone, bundle: { logDir, about: { note: `Bearer ${TOKEN}`, clientSecret: SECRET } } })
        const raw = readFileSync(outPath)
        expectClean(`${format} file bytes`, raw.toString('latin1'))
        expectClean(`${format} file text`, raw.toString('utf8'))
        if (format === 'bundle') {
          const files = await unzipAll(outPath)
          expect([...files.keys()].sort()).toEqual(['about.json', 'attempts.jsonl', 'diagnostic.log'])
          for (const [name, text] of files) expectClean(`bundle ${name}`, text)
          // The log lines are there (redacted), not dropped.
          expect((files.get('diagnostic.log') ?? '').split('\n').filter(Boolean)).toHaveLength(6)
          expect(files.get('diagnostic.log')).toContain('[redacted]')
          expect(files.get('diagnostic.log')?.includes(PHONE)).toBe(fullPhone)
        } else {
          expect(raw.toString('utf8')).toContain('[redacted]')
          expect(raw.toString('utf8').includes(PHONE)).toBe(fullPhone)
        }
      })
    }
  }

  it('keeps the SignatureMethod header readable', async () => {
    const outPath = join(dir, 'method.jsonl')
    await exportHistory({ records: [leakyRecord(1)], format: 'jsonl', outPath, fullPhone: false })
    const line = JSON.parse(readFileSync(outPath, 'utf8')) as AttemptRecord
    expect(line.requestHeaders).toEqual({
      'Content-Type': 'application/json',
      Authorization: '[redacted]',
      Signature: '[redacted]',
      SignatureMethod: 'SHA-256',
      authorization: '[redacted]',
      Nonce: 'abc',
      Timestamp: '1735689600',
    })
    expect(line.signatureMethod).toBe('SHA-256')
  })
})
