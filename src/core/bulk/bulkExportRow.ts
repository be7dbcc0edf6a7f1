import { BULK_CATEGORY_LABELS, type BulkRunRowResult } from '../../shared/domain/bulk.ts'
import { maskPhone, normalisePhone } from '../../shared/domain/phone.ts'
import { createRecordGuard } from '../export/recordGuard.ts'
import { encodeCsvCell } from '../export/csvExport.ts'
import { safeCell } from '../export/csvSafety.ts'

// One row of a run export: the input cells as read, then what became of the row. Every text
// cell goes through the export text guard (secrets redacted; unless fullPhone, phone numbers
// masked, the row's own number wherever it appears) and the formula guard (csvSafety.ts);
// numbers are written as numbers.

/** The columns added after the file's own. */
export const BULK_EXPORT_COLUMNS = ['line', 'outcome', 'http_status', 'error_codes', 'message', 'attempt_id'] as const

export interface BulkExportLayout {
  /** The file's header cells, in order. */
  headers: readonly string[]
  /** Index of the phone column among them (its cell is shown normalised/masked), or null. */
  phoneColumn: number | null
}

export interface BulkRowEncoder {
  /** The header row (CRLF-terminated). */
  readonly head: string
  /** One row (CRLF-terminated). */
  encode(row: BulkRunRowResult): string
}

export function createBulkRowEncoder(layout: BulkExportLayout, options: { fullPhone: boolean }): BulkRowEncoder {
  const { fullPhone } = options
  const guard = createRecordGuard(fullPhone)
  const headerGuard = createRecordGuard(fullPhone)
  const text = (value: string): string => encodeCsvCell(safeCell(guard(value)))
  const number = (value: number | null): string => safeCell(value)
  const head = [...layout.headers.map((h) => encodeCsvCell(safeCell(headerGuard(h)))), ...BULK_EXPORT_COLUMNS].join(',') + '\r\n'
  return {
    head,
    encode(row) {
      const raw = layout.phoneColumn === null ? '' : (row.values[layout.phoneColumn] ?? '').trim()
      const checked = raw === '' ? null : normalisePhone(raw)
      guard.use(checked?.ok ? checked.msisdn : raw)
      const cells: string[] = []
      for (let c = 0; c < layout.headers.length; c++) {
        const value = row.values[c] ?? ''
        cells.push(text(c === layout.phoneColumn ? phoneCell(value, checked, fullPhone) : value))
      }
      const attempt = row.attempt
      cells.push(
        number(row.line),
        text(attempt?.outcome ?? (row.state === 'pending' ? 'not sent' : 'skipped')),
        number(attempt?.httpStatus ?? null),
        text(attempt ? attempt.errors.map((e) => e.code).join(' ') : ''),
        text(messageOf(row)),
        number(attempt?.id ?? null),
      )
      return cells.join(',') + '\r\n'
    },
  }
}

/** The phone as written in full (fullPhone), else masked: the MSISDN's when it is valid. */
function phoneCell(value: string, checked: ReturnType<typeof normalisePhone> | null, fullPhone: boolean): string {
  if (fullPhone) return value
  return maskPhone(checked?.ok ? checked.msisdn : value.trim())
}

function messageOf(row: BulkRunRowResult): string {
  const attempt = row.attempt
  if (attempt) {
    if (attempt.errors.length > 0) return attempt.errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ')
    return attempt.failureReason ?? ''
  }
  if (row.state === 'pending') return 'Not sent: the run was stopped before this row.'
  return `Not sent: ${BULK_CATEGORY_LABELS[row.category].toLowerCase()}.`
}
