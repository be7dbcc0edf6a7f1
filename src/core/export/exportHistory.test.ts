import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { sampleRecord } from '../../shared/domain/attempt.test-helpers.ts'
import type { ExportProgress } from '../../shared/domain/export.ts'
import { CSV_HEADER } from './columns.ts'
import { exportHistory } from './exportHistory.ts'
import { unzipAll } from './unzip.test-helpers.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const BASE = Date.UTC(2025, 0, 1)

/** Record `id` of a generated history: its own phone, payment id, reference and time; even ids rejected. */
function record(id: number, over: Partial<AttemptRecord> = {}): AttemptRecord {
  const phone = `234803${String(1_000_000 + id).slice(-7)}`
  const paymentId = String(266_000 + id)
  const ref = `JB-${1_735_689_600 + id}-Enrol`
  const rejected = id % 2 === 0
  const errors = rejected ? [{ code: '10403', message: 'Payments is not allowed for auto enrollment' }] : []
  return sampleRecord({
    id,
    startedAt: BASE + id * 1000,
    finishedAt: BASE + id * 1000 + 450,
    paymentId,
    phone,
    transactionRef: ref,
    requestHeaders: { 'Content-Type': 'application/json', Timestamp: String(1_735_689_600 + id), Nonce: `nonce${id}`, SignatureMethod: 'SHA-256', AuthKeyVersion: '1' },
    requestBody: JSON.stringify({ paymentId, mobilePhoneNumber: phone, transactionRef: ref }),
    httpStatus: rejected ? 400 : 200,
    responseBody: rejected ? JSON.stringify({ errors, transactionRef: ref, paymentId }) : '{}',
    outcome: rejected ? 'rejected' : 'enrolled',
    errors,
    tokenMs: id % 3 === 0 ? 120 : null,
    clockOffsetMs: -1200,
    ...over,
  })
}

const records = (n: number): AttemptRecord[] => Array.from({ length: n }, (_, i) => record(i + 1))
const partFiles = (): string[] => readdirSync(dir).filter((name) => name.endsWith('.part'))


describe('CSV export', () => {
  it('writes a UTF-8 BOM, the header row and one CRLF-terminated row per record', async () => {
    const outPath = join(dir, 'out.csv')
    const result = await exportHistory({ records: records(3), format: 'csv', outPath, fullPhone: false })
    expect(result).toEqual({ rows: 3, path: outPath })
    const bytes = readFileSync(outPath)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.toString('utf8').slice(1)
    expect(text.split('\r\n')[0]).toBe(CSV_HEADER.join(','))
    expect(text.endsWith('\r\n')).toBe(true)
    expect(text.replace(/\r\n/g, '')).not.toContain('\n')
    const rows = parse(text, { columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(3)
    expect(rows[1]).toMatchObject({
      attempt_id: '2',
      started_at: '2025-01-01T00:00:02.000Z',
      finished_at: '2025-01-01T00:00:02.450Z',
      phone: '234803****002',
      outcome: 'rejected',
      error_codes: '10403',
      error_messages: 'Payments is not allowed for auto enrollment',
      http_status: '400',
      token_ms: '',
      clock_offset_ms: '-1200',
      nonce: 'nonce2',
      timestamp: '1735689602',
    })
  })

  it('writes full phone numbers only when asked', async () => {
    const outPath = join(dir, 'out.csv')
    await exportHistory({ records: records(2), format: 'csv', outPath, fullPhone: true })
    const rows = parse(readFileSync(outPath, 'utf8'), { columns: true, bom: true }) as Record<string, string>[]
    expect(rows.map((r) => r.phone)).toEqual(['2348031000001', '2348031000002'])
  })

  it('joins several error codes with ; and messages with |', async () => {
    const outPath = join(dir, 'out.csv')
    const errors = [{ code: 'E26', message: 'Signature failed' }, { code: 'E24', message: 'Timestamp out of range' }]
    await exportHistory({ records: [record(1, { errors })], format: 'csv', outPath, fullPhone: false })
    const [row] = parse(readFileSync(outPath, 'utf8'), { columns: true, bom: true }) as Record<string, string>[]
    expect(row?.error_codes).toBe('E26;E24')
    expect(row?.error_messages).toBe('Signature failed | Timestamp out of range')
  })

  it('writes only the header for no records', async () => {
    const outPath = join(dir, 'empty.csv')
    expect(await exportHistory({ records: [], format: 'csv', outPath, fullPhone: false })).toEqual({ rows: 0, path: outPath })
    expect(readFileSync(outPath, 'utf8')).toBe(`\uFEFF${CSV_HEADER.join(',')}\r\n`)
  })
})

describe('JSON Lines export', () => {
  it('writes one masked record per line, no BOM', async () => {
    const outPath = join(dir, 'out.jsonl')
    await exportHistory({ records: records(4), format: 'jsonl', outPath, fullPhone: false })
    const text = readFileSync(outPath, 'utf8')
    expect(text.charCodeAt(0)).toBe('{'.charCodeAt(0))
    expect(text.endsWith('\n')).toBe(true)
    const lines = text.split('\n').slice(0, -1).map((line) => JSON.parse(line) as AttemptRecord)
    expect(lines).toHaveLength(4)
    const second = lines[1] as AttemptRecord
    const source = record(2)
    expect(second).toEqual({
      ...source,
      phone: '234803****002',
      requestBody: source.requestBody.replace('2348031000002', '234803****002'),
    })
    expect(text).not.toMatch(/2348031000\d{3}/)
  })

  it('masks the phone inside response bodies too, and keeps it with fullPhone', async () => {
    const body = '{"errors":[],"mobilePhoneNumber":"2348031000001","echo":"08031000001"}'
    const masked = join(dir, 'masked.jsonl')
    await exportHistory({ records: [record(1, { responseBody: body })], format: 'jsonl', outPath: masked, fullPhone: false })
    const line = JSON.parse(readFileSync(masked, 'utf8')) as AttemptRecord
    expect(line.responseBody).toBe('{"errors":[],"mobilePhoneNumber":"234803****001","echo":"0803****001"}')

    const full = join(dir, 'full.jsonl')
    await exportHistory({ records: [record(1, { responseBody: body })], format: 'jsonl', outPath: full, fullPhone: true })
    expect((JSON.parse(readFileSync(full, 'utf8')) as AttemptRecord).responseBody).toBe(body)
  })

  it('writes only the fields of AttemptRecord and redacts secret headers should one be present', async () => {
    const outPath = join(dir, 'out.jsonl')
    const sneaky = { ...record(1), clientSecret: 'do-not-export', requestHeaders: { ...record(1).requestHeaders, Authorization: 'Bearer abc.def' } }
    await exportHistory({ records: [sneaky], format: 'jsonl', outPath, fullPhone: true })
    const text = readFileSync(outPath, 'utf8')
    expect(text).not.toContain('do-not-export')
    expect(text).not.toContain('abc.def')
    const line = JSON.parse(text) as AttemptRecord
    expect(line.requestHeaders.Authorization).toBe('[redacted]')
    expect(Object.keys(line)).toEqual(Object.keys(record(1)))
  })
})

describe('streaming, progress, cancel and failure', () => {
  it('writes to disk while the source is still being read', async () => {
    const outPath = join(dir, 'out.jsonl')
    let sizeSeenMidway = -1
    function* source(): Generator<AttemptRecord> {
      for (let i = 1; i <= 40_000; i++) {
        if (i === 30_000) {
          const [part] = partFiles()
          sizeSeenMidway = part ? statSync(join(dir, part)).size : 0
        }
        yield record(i)
      }
    }
    const result = await exportHistory({ records: source(), total: 40_000, format: 'jsonl', outPath, fullPhone: false })
    expect(result.rows).toBe(40_000)
    expect(sizeSeenMidway).toBeGreaterThan(1_000_000)
    expect(partFiles()).toEqual([])
  })

  it('reports progress at the start, at most every 1000 rows and 100 ms of the clock, and at the end', async () => {
    let clock = 0
    const now = (): number => (clock += 7)
    const seen: ExportProgress[] = []
    const outPath = join(dir, 'out.csv')
    await exportHistory({ records: records(20_000), format: 'csv', outPath, fullPhone: false, now, onProgress: (p) => seen.push({ ...p }) })
    expect(seen[0]).toEqual({ written: 0, total: 20_000 })
    expect(seen.at(-1)).toEqual({ written: 20_000, total: 20_000 })
    const middle = seen.slice(1, -1)
    expect(middle.length).toBeGreaterThan(0)
    for (let i = 1; i < seen.length; i++) {
      expect((seen[i] as ExportProgress).written).toBeGreaterThanOrEqual((seen[i - 1] as ExportProgress).written)
    }
    for (let i = 1; i < middle.length; i++) expect((middle[i] as ExportProgress).written - (middle[i - 1] as ExportProgress).written).toBeGreaterThanOrEqual(1000)
  })

  it('does not report more often than every 100 ms when the clock is slow', async () => {
    const seen: ExportProgress[] = []
    await exportHistory({ records: records(20_000), format: 'csv', outPath: join(dir, 'out.csv'), fullPhone: false, now: () => 5, onProgress: (p) => seen.push(p) })
    expect(seen).toEqual([{ written: 0, total: 20_000 }, { written: 20_000, total: 20_000 }])
  })

  it('cancels with an AbortError and leaves neither the file nor a temporary one', async () => {
    const controller = new AbortController()
    const outPath = join(dir, 'out.jsonl')
    function* source(): Generator<AttemptRecord> {
      for (let i = 1; i <= 50_000; i++) {
        if (i === 20_000) controller.abort()
        yield record(i)
      }
    }
    const error = await exportHistory({ records: source(), format: 'jsonl', outPath, fullPhone: false, signal: controller.signal }).catch((e: unknown) => e)
    expect((error as Error).name).toBe('AbortError')
    expect(existsSync(outPath)).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })

  it('keeps an existing file at outPath when an export is cancelled, and replaces it when one succeeds', async () => {
    const outPath = join(dir, 'out.csv')
    writeFileSync(outPath, 'previous export')
    const controller = new AbortController()
    controller.abort()
    await expect(exportHistory({ records: records(5), format: 'csv', outPath, fullPhone: false, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
    expect(readFileSync(outPath, 'utf8')).toBe('previous export')
    await exportHistory({ records: records(5), format: 'csv', outPath, fullPhone: false })
    expect(readFileSync(outPath, 'utf8')).toContain('attempt_id')
    expect(partFiles()).toEqual([])
  })

  it('releases the source when stopped early (its return() runs)', async () => {
    const controller = new AbortController()
    const TOTAL = 50_000
    let pulled = 0
    let finalised = false
    function* source(): Generator<AttemptRecord> {
      try {
        for (let i = 1; i <= TOTAL; i++) {
          pulled = i
          if (i === 5000) controller.abort()
          yield record(i)
        }
      } finally {
        finalised = true
      }
    }
    const outPath = join(dir, 'x.csv')
    await expect(exportHistory({ records: source(), format: 'csv', outPath, fullPhone: false, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
    // Stopped early: the source never reached its natural end, whose `finally` would run anyway…
    expect(pulled).toBeLessThan(TOTAL)
    // …and released: the export called its return(), so the `finally` ran all the same.
    expect(finalised).toBe(true)
    expect(readdirSync(dir)).toEqual([])
  })

  it('rejects with the source’s error and removes the temporary file', async () => {
    const outPath = join(dir, 'out.csv')
    function* source(): Generator<AttemptRecord> {
      for (let i = 1; i <= 10_000; i++) {
        if (i === 6000) throw new Error('database is locked')
        yield record(i)
      }
    }
    await expect(exportHistory({ records: source(), format: 'csv', outPath, fullPhone: false })).rejects.toThrow('database is locked')
    expect(readdirSync(dir)).toEqual([])
  })

  it('fails cleanly when the folder does not exist', async () => {
    await expect(exportHistory({ records: records(3), format: 'csv', outPath: join(dir, 'missing', 'out.csv'), fullPhone: false })).rejects.toMatchObject({ code: 'ENOENT' })
    expect(readdirSync(dir)).toEqual([])
  })

  it('refuses a bundle without bundle options', async () => {
    await expect(exportHistory({ records: [], format: 'bundle', outPath: join(dir, 'b.zip'), fullPhone: false })).rejects.toThrow(TypeError)
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('support bundle', () => {
  const T0 = Date.UTC(2025, 0, 1, 10)
  const line = (time: number, msg: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ level: 'info', time, pid: 1, ...extra, msg })

  function writeLogs(logDir: string): void {
    mkdirSync(logDir, { recursive: true })
    // A rotated console file, the current console file and the CLI's file (overlapping in time).
    writeFileSync(join(logDir, 'diagnostic.20250101-095959.1.log'), [line(T0 - 5000, 'too early'), line(T0 + 1000, 'console 1 2348031000001')].join('\n') + '\n')
    writeFileSync(join(logDir, 'diagnostic.log'), [line(T0 + 3000, 'console 3'), 'not json at all', line(T0 + 9000, 'too late')].join('\n') + '\n')
    writeFileSync(join(logDir, 'cli.log'), [line(T0 + 2000, 'cli 2', { phone: '2348031000002' }), line(T0 + 4000, 'cli 4')].join('\n') + '\n')
    writeFileSync(join(logDir, 'diagnostic.log.txt'), 'rotating-file-stream history, not a log\n')
  }

  it('zips attempts.jsonl, the log lines in [from, to) in time order, and about.json', async () => {
    const logDir = join(dir, 'logs')
    writeLogs(logDir)
    const outPath = join(dir, 'bundle.zip')
    const source = [record(1), record(2), record(3, { errors: [{ code: 'E26', message: 'x' }, { code: 'E26', message: 'y' }, { code: '-2', message: 'z' }], outcome: 'rejected' })]
    const result = await exportHistory({
      records: source,
      format: 'bundle',
      outPath,
      fullPhone: false,
      now: () => Date.UTC(2025, 5, 1),
      bundle: { logDir, from: T0, to: T0 + 5000, about: { appVersion: '0.1.0', operator: 'ada', clientSecret: 'nope' } },
    })
    expect(result).toEqual({ rows: 3, path: outPath })
    const files = await unzipAll(outPath)
    expect([...files.keys()]).toEqual(['attempts.jsonl', 'diagnostic.log', 'about.json'])

    const jsonlPath = join(dir, 'plain.jsonl')
    await exportHistory({ records: source, format: 'jsonl', outPath: jsonlPath, fullPhone: false })
    expect(files.get('attempts.jsonl')).toBe(readFileSync(jsonlPath, 'utf8'))

    const logLines = (files.get('diagnostic.log') ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; phone?: string })
    expect(logLines.map((l) => l.msg)).toEqual(['console 1 234803****001', 'cli 2', 'console 3', 'cli 4'])
    expect(logLines[1]?.phone).toBe('234803****002')

    const about = JSON.parse(files.get('about.json') ?? '') as Record<string, unknown>
    expect(about).toEqual({
      appVersion: '0.1.0',
      operator: 'ada',
      clientSecret: '[redacted]',
      counts: { byOutcome: { enrolled: 1, rejected: 2 }, byErrorCode: { '10403': 1, E26: 1, '-2': 1 } },
      exportedAt: '2025-06-01T00:00:00.000Z',
      rows: 3,
      fullPhone: false,
      diagnosticLog: { from: T0, to: T0 + 5000, lines: 4 },
    })
  })

  it('takes every line, non-JSON ones included, when no window is given; copes with a missing log folder', async () => {
    const logDir = join(dir, 'logs')
    writeLogs(logDir)
    const outPath = join(dir, 'bundle.zip')
    await exportHistory({ records: [], format: 'bundle', outPath, fullPhone: true, bundle: { logDir, about: {} } })
    const log = (await unzipAll(outPath)).get('diagnostic.log') ?? ''
    expect(log.split('\n').filter(Boolean)).toHaveLength(7)
    expect(log).toContain('not json at all')
    expect(log).toContain('2348031000001')

    const none = join(dir, 'none.zip')
    await exportHistory({ records: records(1), format: 'bundle', outPath: none, fullPhone: false, bundle: { logDir: join(dir, 'nowhere'), about: {} } })
    expect((await unzipAll(none)).get('diagnostic.log')).toBe('')
  })

  it('cancels a bundle with an AbortError and leaves nothing behind', async () => {
    const logDir = join(dir, 'logs')
    writeLogs(logDir)
    const controller = new AbortController()
    function* source(): Generator<AttemptRecord> {
      for (let i = 1; i <= 30_000; i++) {
        if (i === 10_000) controller.abort()
        yield record(i)
      }
    }
    const outPath = join(dir, 'bundle.zip')
    await expect(exportHistory({ records: source(), format: 'bundle', outPath, fullPhone: false, signal: controller.signal, bundle: { logDir, about: {} } })).rejects.toMatchObject({
      name: 'AbortError',
    })
    expect(readdirSync(dir)).toEqual(['logs'])
  })
})
