import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDiagnosticLog, isDiagnosticLogFile, rotatedLogName } from './diagnosticLog.ts'

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.c2ln'
const SECRET = 'XCTiBtLy1G9chAnyg0z3BcaFK4cVpwDg/GTw2EmjTZ8='
const SIGNATURE = 'Jh3kQm9x+Pz/Lr2w8UvB1NfY0aTgC5dE6sH7iK4oW3e='

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'diaglog-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function readAll(): string {
  return readdirSync(dir)
    .filter((name) => isDiagnosticLogFile(name, 'diagnostic.log'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('')
}

function lines(): Record<string, unknown>[] {
  return readAll()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('createDiagnosticLog', () => {
  it('writes NDJSON lines with level, epoch-ms time from the clock, message and fields', async () => {
    const log = createDiagnosticLog({ dir, now: () => 1_700_000_000_123 })
    log.info('enrollment sent', { paymentId: '266274', httpStatus: 200 })
    log.warn('slow answer', { requestMs: 5400 })
    log.error('no answer')
    await log.close()
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', time: 1_700_000_000_123, msg: 'enrollment sent', paymentId: '266274', httpStatus: 200 }),
      expect.objectContaining({ level: 'warn', msg: 'slow answer', requestMs: 5400 }),
      expect.objectContaining({ level: 'error', msg: 'no answer' }),
    ])
    expect(log.dir).toBe(dir)
  })

  it('never lets secret-like keys or bearer strings reach the file', async () => {
    const log = createDiagnosticLog({ dir })
    log.info(`token fetched: Bearer ${TOKEN}`, {
      clientSecret: SECRET,
      headers: { Authorization: `Bearer ${TOKEN}`, Signature: SIGNATURE, SignatureMethod: 'SHA-256' },
      body: `grant_type=client_credentials&client_secret=${SECRET}`,
      error: new Error(`Passport said no to Basic ${Buffer.from(`IKIA:${SECRET}`).toString('base64')}`),
    })
    await log.flush()
    const text = readAll()
    for (const secret of [TOKEN, SECRET, SIGNATURE, Buffer.from(`IKIA:${SECRET}`).toString('base64')]) expect(text).not.toContain(secret)
    const [line] = lines()
    expect(line?.clientSecret).toBe('[redacted]')
    expect(line?.headers).toEqual({ Authorization: '[redacted]', Signature: '[redacted]', SignatureMethod: 'SHA-256' })
    expect(line?.msg).toBe('token fetched: Bearer [redacted]')
    await log.close()
  })

  it('masks phone numbers in messages and fields unless fullPhone', async () => {
    const masked = createDiagnosticLog({ dir, fileName: 'diagnostic.log' })
    masked.info('enrolling 2348031234567', { phone: '2348031234567', body: '{"mobilePhoneNumber":"2348031234567"}' })
    await masked.close()
    const text = readAll()
    expect(text).not.toContain('2348031234567')
    expect(lines()[0]).toMatchObject({ msg: 'enrolling 234803****567', phone: '234803****567' })

    rmSync(join(dir, 'diagnostic.log'))
    const full = createDiagnosticLog({ dir, fullPhone: true })
    full.info('enrolling 2348031234567')
    await full.close()
    expect(lines()[0]).toMatchObject({ msg: 'enrolling 2348031234567' })
  })

  it('does not let a field shadow pino’s own time, level or msg', async () => {
    const log = createDiagnosticLog({ dir, now: () => 42 })
    log.info('hello', { time: 1, level: 'fatal', msg: 'other' })
    await log.close()
    expect(lines()[0]).toMatchObject({ time: 42, level: 'info', msg: 'hello', field_time: 1, field_level: 'fatal', field_msg: 'other' })
  })

  it('rotates by size into several files and keeps at most maxFiles rotated ones', async () => {
    const log = createDiagnosticLog({ dir, maxSize: '600B', maxFiles: 3 })
    for (let i = 0; i < 60; i++) {
      log.info(`line ${i}`, { i, padding: 'x'.repeat(100) })
      await log.flush()
    }
    await log.close()
    const files = readdirSync(dir).filter((name) => isDiagnosticLogFile(name, 'diagnostic.log'))
    const rotated = files.filter((name) => name !== 'diagnostic.log')
    expect(files).toContain('diagnostic.log')
    expect(rotated.length).toBeGreaterThanOrEqual(2)
    expect(rotated.length).toBeLessThanOrEqual(3)
    for (const name of rotated) expect(name).toMatch(/^diagnostic\.\d{8}-\d{6}\.\d+\.log$/)
    // Whole lines only, and the newest lines are kept.
    const kept = lines().map((line) => line.i as number)
    expect(kept).toContain(59)
    for (const line of lines()) expect(line.msg).toBe(`line ${String(line.i)}`)
  })

  it('ignores calls after close', async () => {
    const log = createDiagnosticLog({ dir })
    log.info('before')
    await log.close()
    expect(() => log.info('after')).not.toThrow()
    await log.flush()
    expect(lines().map((line) => line.msg)).toEqual(['before'])
  })
})

describe('log file names', () => {
  it('names rotated files by UTC time and index, and recognises them', () => {
    const name = rotatedLogName('diagnostic.log', new Date(Date.UTC(2025, 10, 21, 5, 4, 3)), 2)
    expect(name).toBe('diagnostic.20251121-050403.2.log')
    expect(isDiagnosticLogFile(name, 'diagnostic.log')).toBe(true)
    expect(isDiagnosticLogFile('diagnostic.log', 'diagnostic.log')).toBe(true)
    expect(isDiagnosticLogFile('diagnostic.log.txt', 'diagnostic.log')).toBe(false)
    expect(isDiagnosticLogFile('cli.log', 'diagnostic.log')).toBe(false)
    expect(isDiagnosticLogFile('cli.log')).toBe(true)
    expect(isDiagnosticLogFile('diagnostic.log.txt')).toBe(false)
  })
})
