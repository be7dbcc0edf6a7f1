import { stringify } from 'csv-stringify/sync'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { createRecordGuard } from './recordGuard.ts'
import { CSV_COLUMNS, CSV_HEADER, toCsvCells } from './columns.ts'
import { safeCell } from './csvSafety.ts'

// CSV: UTF-8 with a BOM (so Excel detects UTF-8), a header row, CRLF after every record and
// RFC 4180 quoting (fields with a comma, quote, CR or LF are quoted, quotes doubled) by
// csv-stringify. Records are encoded one at a time; exportHistory streams the chunks.

export const UTF8_BOM = '\uFEFF'

/**
 * csv-stringify options. `quote_record_delimiter` must be set: with an explicit record
 * delimiter csv-stringify otherwise leaves a lone LF or CR unquoted, which spreadsheets read
 * as a row break.
 */
export const CSV_STRINGIFY_OPTIONS = { record_delimiter: '\r\n', quote_record_delimiter: true, eof: true } as const

// Quoting: csv-stringify quotes (and doubles the quotes of) exactly the cells that contain the
// delimiter, a quote, CR or LF; every other cell it writes verbatim. Running it on every cell
// of a million rows costs ~5 s, so a cell that needs no quoting is written as is and only the
// others go through csv-stringify (a test checks the output equals csv-stringify's on whole rows).
const NEEDS_QUOTING = /[",\r\n]/
const CELL_OPTIONS = { ...CSV_STRINGIFY_OPTIONS, eof: false } as const

/** One cell, RFC 4180-quoted by csv-stringify when it has to be. */
export function encodeCsvCell(cell: string): string {
  return NEEDS_QUOTING.test(cell) ? stringify([[cell]], CELL_OPTIONS) : cell
}

/** One row of cells (already made safe), CRLF-terminated. */
export function encodeCsvRow(cells: readonly string[]): string {
  let line = ''
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += ','
    line += encodeCsvCell(cells[i] as string)
  }
  return line + '\r\n'
}

const NUMERIC: readonly boolean[] = CSV_COLUMNS.map((c) => c.kind === 'number')

export interface CsvEncoder {
  /** BOM and header row. */
  readonly head: string
  /** One record as a CRLF-terminated CSV row. */
  encode(record: AttemptRecord): string
}

export function createCsvEncoder(options: { fullPhone: boolean }): CsvEncoder {
  const { fullPhone } = options
  const guard = createRecordGuard(fullPhone)
  return {
    head: UTF8_BOM + stringify([CSV_HEADER as string[]], CSV_STRINGIFY_OPTIONS),
    encode(record) {
      guard.use(record.phone ?? '')
      const cells = toCsvCells(record, guard, fullPhone)
      let line = ''
      for (let c = 0; c < cells.length; c++) {
        if (c > 0) line += ','
        const cell = safeCell(cells[c] ?? null)
        // A number cell is digits, '-', '.', 'e', '+' only: never quoted.
        line += NUMERIC[c] ? cell : encodeCsvCell(cell)
      }
      return line + '\r\n'
    },
  }
}
