import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BulkRunRowResult } from '../../shared/domain/bulk.ts'
import { exportBulkRun, type BulkExportSource } from './bulkExport.ts'
import { tempFiles, type TempFiles } from './csvFiles.test-helpers.ts'

let files: TempFiles
beforeEach(() => {
  files = tempFiles()
})
afterEach(() => files.cleanup())

const HEADERS = ['Payment Id', 'Phone', 'Note']

function source(rows: BulkRunRowResult[]): BulkExportSource {
  return { headers: HEADERS, phoneColumn: 1, rows }
}

const ROWS: BulkRunRowResult[] = [
  {
    line: 2,
    values: ['100', '0803 123 4567', 'branch A'],
    state: 'enrolled',
    category: 'ready',
    attempt: { id: 41, outcome: 'enrolled', httpStatus: 200, errors: [], failureReason: null },
  },
  {
    line: 3,
    values: ['200', '+234 803 123 4568', '=HYPERLINK("http://evil")'],
    state: 'rejected',
    category: 'ready',
    attempt: { id: 42, outcome: 'rejected', httpStatus: 400, errors: [{ code: '10403', message: 'Payments is not allowed for auto enrollment' }, { code: 'E26', message: '' }], failureReason: null },
  },
  {
    line: 4,
    values: ['300', '08031234569', 'call 08031234569 first'],
    state: 'unknown',
    category: 'ready',
    attempt: { id: 43, outcome: 'unknown', httpStatus: null, errors: [], failureReason: 'No answer within 30 s (Authorization: Bearer abc.def.ghi).' },
  },
  { line: 5, values: ['=1+2', 'x', '@SUM(A1)'], state: 'skipped', category: 'invalid', attempt: null },
  { line: 6, values: ['100', '08031234567', ''], state: 'skipped', category: 'duplicate-in-file', attempt: null },
  { line: 8, values: ['500', '08031234570'], state: 'pending', category: 'ready', attempt: null },
]

async function exported(rows: BulkRunRowResult[], fullPhone = false): Promise<{ text: string; table: string[][] }> {
  const outPath = join(files.dir, 'run.csv')
  const result = await exportBulkRun(source(rows), { outPath, fullPhone })
  expect(result).toEqual({ path: outPath, rows: rows.length })
  const text = readFileSync(outPath, 'utf8')
  return { text, table: parse(text, { bom: true, relax_column_count: true }) as string[][] }
}

describe('the export of a bulk run', () => {
  it('writes the input columns, then line, outcome, codes, message and attempt id, phones masked', async () => {
    const { text, table } = await exported(ROWS)
    expect(text.startsWith('\uFEFFPayment Id,Phone,Note,line,outcome,http_status,error_codes,message,attempt_id\r\n')).toBe(true)
    expect(text.endsWith('\r\n')).toBe(true)
    expect(table.slice(1)).toEqual([
      ['100', '234803****567', 'branch A', '2', 'enrolled', '200', '', '', '41'],
      ['200', '234803****568', `'=HYPERLINK("http://evil")`, '3', 'rejected', '400', '10403 E26', '10403: Payments is not allowed for auto enrollment; E26', '42'],
      ['300', '234803****569', 'call 0803****569 first', '4', 'unknown', '', '', 'No answer within 30 s (Authorization: [redacted]', '43'],
      [`'=1+2`, '*', `'@SUM(A1)`, '5', 'skipped', '', '', 'Not sent: invalid.', ''],
      ['100', '234803****567', '', '6', 'skipped', '', '', 'Not sent: duplicate in the file.', ''],
      ['500', '234803****570', '', '8', 'not sent', '', '', 'Not sent: the run was stopped before this row.', ''],
    ])
  })

  it('writes phones as they were in the file when asked for full numbers, secrets still redacted', async () => {
    const { table } = await exported(ROWS, true)
    expect(table.slice(1).map((row) => row[1])).toEqual(['0803 123 4567', `'+234 803 123 4568`, '08031234569', 'x', '08031234567', '08031234570'])
    expect(table[3]?.[2]).toBe('call 08031234569 first')
    expect(table[3]?.[7]).toBe('No answer within 30 s (Authorization: [redacted]')
  })

  it('guards formula-like header names too', async () => {
    const outPath = join(files.dir, 'run.csv')
    await exportBulkRun({ headers: ['=cmd', 'Phone'], phoneColumn: 1, rows: [] }, { outPath, fullPhone: false })
    expect(readFileSync(outPath, 'utf8')).toBe(`\uFEFF'=cmd,Phone,line,outcome,http_status,error_codes,message,attempt_id\r\n`)
  })

  it('reads the rows from an async iterator (the run store) and writes a private file', async () => {
    async function* rows() {
      for (let i = 0; i < 3000; i++) yield { ...(ROWS[0] as BulkRunRowResult), line: i + 2 }
    }
    const outPath = join(files.dir, 'big.csv')
    expect(await exportBulkRun({ headers: HEADERS, phoneColumn: 1, rows: rows() }, { outPath, fullPhone: false })).toEqual({ path: outPath, rows: 3000 })
    expect(readFileSync(outPath, 'utf8').split('\r\n')).toHaveLength(3002)
    expect(statSync(outPath).mode & 0o777).toBe(0o600)
  })

  it('leaves no file behind when the rows fail or the export is cancelled', async () => {
    async function* failing() {
      yield ROWS[0] as BulkRunRowResult
      throw new Error('database gone')
    }
    const outPath = join(files.dir, 'run.csv')
    await expect(exportBulkRun({ headers: HEADERS, phoneColumn: 1, rows: failing() }, { outPath, fullPhone: false })).rejects.toThrow('database gone')
    const controller = new AbortController()
    controller.abort()
    await expect(exportBulkRun(source(ROWS), { outPath, fullPhone: false, signal: controller.signal })).rejects.toThrow(/cancelled/)
    expect(readdirSync(files.dir)).toEqual([])
  })
})
