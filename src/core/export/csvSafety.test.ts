import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { describe, expect, it } from 'vitest'
import { createCsvEncoder, CSV_STRINGIFY_OPTIONS, encodeCsvRow } from './csvExport.ts'
import { CSV_COLUMNS, isoUtc } from './columns.ts'
import { FORMULA_TRIGGERS, guardTextCell, isFormulaLike, safeCell } from './csvSafety.ts'
import { sampleRecord } from '../../shared/domain/attempt.test-helpers.ts'

describe('guardTextCell', () => {
  it('prefixes a single quote to text starting with = + - @ tab or CR', () => {
    expect(guardTextCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0")
    expect(guardTextCell('+1')).toBe("'+1")
    expect(guardTextCell('-2')).toBe("'-2")
    expect(guardTextCell('@SUM(1)')).toBe("'@SUM(1)")
    expect(guardTextCell('\tx')).toBe("'\tx")
    expect(guardTextCell('\rx')).toBe("'\rx")
  })

  it('treats the full-width forms the same', () => {
    for (const trigger of ['\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']) expect(guardTextCell(`${trigger}1`)).toBe(`'${trigger}1`)
  })

  it('leaves other text, empty text and triggers after the first character alone', () => {
    for (const text of ['', 'abc', 'a=b', ' =1+1', "'=already", '1-2', 'E26', '2025-01-01T00:00:00.000Z']) expect(guardTextCell(text)).toBe(text)
  })

  it('knows exactly the documented triggers', () => {
    expect([...FORMULA_TRIGGERS].sort()).toEqual(['\t', '\r', '+', '-', '=', '@', '\uFF0B', '\uFF0D', '\uFF1D', '\uFF20'].sort())
    expect(isFormulaLike('=1')).toBe(true)
    expect(isFormulaLike('1=')).toBe(false)
  })
})

describe('safeCell (numeric columns exempt by type, text always guarded)', () => {
  it('writes numbers verbatim, negative ones included', () => {
    expect(safeCell(-1200)).toBe('-1200')
    expect(safeCell(0)).toBe('0')
    expect(safeCell(401)).toBe('401')
  })

  it('guards numeric-looking text', () => {
    expect(safeCell('-1200')).toBe("'-1200")
    expect(safeCell('-2')).toBe("'-2")
  })

  it('writes null and non-finite numbers as empty cells', () => {
    expect(safeCell(null)).toBe('')
    expect(safeCell(Number.NaN)).toBe('')
    expect(safeCell(Number.POSITIVE_INFINITY)).toBe('')
  })
})

describe('CSV rows', () => {
  it('exempts exactly the numeric columns from the guard in a real row', () => {
    const record = sampleRecord({ clockOffsetMs: -1200, errors: [{ code: '-2', message: '-oops' }], operator: '@admin' })
    const encoder = createCsvEncoder({ fullPhone: false })
    const [row] = parse(encoder.encode(record), { bom: true }) as string[][]
    const cell = (name: string): string => row?.[CSV_COLUMNS.findIndex((c) => c.name === name)] as string
    expect(cell('clock_offset_ms')).toBe('-1200')
    expect(cell('error_codes')).toBe("'-2")
    expect(cell('error_messages')).toBe("'-oops")
    expect(cell('operator')).toBe("'@admin")
    expect(CSV_COLUMNS.filter((c) => c.kind === 'number').map((c) => c.name)).toEqual([
      'attempt_id', 'http_status', 'token_ms', 'request_ms', 'duration_ms', 'clock_offset_ms', 'retry_of',
    ])
  })

  it('quotes exactly as csv-stringify does on whole rows (RFC 4180, CRLF)', () => {
    const cells = ['plain', 'a,b', 'say "hi"', 'line\nbreak', 'cr\rhere', '', "'=x", 'ünïcødé ✓', 'crlf\r\nx', '"']
    const row = encodeCsvRow(cells)
    expect(row).toBe(stringify([cells], CSV_STRINGIFY_OPTIONS))
    expect(row).toBe(`plain,"a,b","say ""hi""","line\nbreak","cr\rhere",,'=x,ünïcødé ✓,"crlf\r\nx",""""\r\n`)
    expect(parse(row)).toEqual([cells])
  })
})

describe('isoUtc', () => {
  it('formats like Date#toISOString for many instants, and null for none', () => {
    const samples = [0, 1, 999, 86_399_999, 86_400_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2025, 11, 31, 12, 0, 0, 5), 253_402_300_799_999, 253_402_300_800_000]
    for (let i = 0; i < 500; i++) samples.push(Math.floor(((i * 7919) % 1000) * 2.5e11 + i * 12345))
    for (const ms of samples) expect(isoUtc(ms), String(ms)).toBe(new Date(ms).toISOString())
    expect(isoUtc(null)).toBeNull()
    expect(isoUtc(Number.NaN)).toBeNull()
    expect(isoUtc(-1)).toBe(new Date(-1).toISOString())
  })
})
