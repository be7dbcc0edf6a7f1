import type { ApiError } from '../../shared/domain/attempt.ts'
import { BULK_CATEGORY_LABELS, type BulkRowCategory } from '../../shared/domain/bulk.ts'
import type { Outcome } from '../../shared/domain/outcome.ts'
import { maskPhone, normalisePhone } from '../../shared/domain/phone.ts'
import { createRecordGuard } from '../export/recordGuard.ts'
import { encodeCsvCell } from '../export/csvExport.ts'
import { safeCell } from '../export/csvSafety.ts'

// One row of a run export: the input cells as read, then what became of the row. Every text
// cell goes through the export text guard (secrets redacted; unless fullPhone, phone numbers
// masked, the row's own number wherever it appears) and the formula guard (csvSafety.ts);
// numbers are written as numbers.

/**
 * A row of a run as the export reads it: the run store's row joined to its attempt. `state`
 * follows the run store (bulkRun.ts BulkRowState): pending (not reached), skipped (the
 * preview left it out: `category` says why), attempted (its one attempt).
 */
export interface BulkExportRow {
  /** The row's line in the file (the header is line 1). */
  rowNumber: number
  /** The file's cells of the row, by header name. */
  columns: Readonly<Record<string, string>>
  category: BulkRowCategory | string
  state: 'pending' | 'skipped' | 'attempted'
  attempt: BulkExportAttempt | null
}

/** The parts of an attempt the export shows (never secrets). */
export interface BulkExportAttempt {
  id: number
  outcome: Outcome
  httpStatus: number | null
  errors: readonly ApiError[]
  failureReason: string | null
}

/** The columns added after the file's own. */
export const BULK_EXPORT_COLUMNS = ['line', 'outcome', 'http_status', 'error_codes', 'message', 'attempt_id'] as const

export interface BulkExportLayout {
  /** The file's header cells, in order. */
  headers: readonly string[]
  /** The header of the phone column (its cell is shown normalised/masked), or null. */
  phoneHeader: string | null
}

export interface BulkRowEncoder {
  /** The header row (CRLF-terminated). */
  readonly head: string
  /** One row (CRLF-terminated). */
  encode(row: BulkExportRow): string
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
      const raw = layout.phoneHeader === null ? '' : (row.columns[layout.phoneHeader] ?? '').trim()
      const checked = raw === '' ? null : normalisePhone(raw)
      guard.use(checked?.ok ? checked.msisdn : raw)
      const cells: string[] = []
      for (const header of layout.headers) {
        const value = row.columns[header] ?? ''
        cells.push(text(header === layout.phoneHeader ? phoneCell(value, checked, fullPhone) : value))
      }
      const attempt = row.attempt
      cells.push(
        number(row.rowNumber),
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

function messageOf(row: BulkExportRow): string {
  const attempt = row.attempt
  if (attempt) {
    if (attempt.errors.length > 0) return attempt.errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ')
    return attempt.failureReason ?? ''
  }
  if (row.state === 'pending') return 'Not sent: the run was stopped before this row.'
  const label = BULK_CATEGORY_LABELS[row.category as BulkRowCategory] as string | undefined
  return `Not sent: ${(label ?? row.category).toLowerCase()}.`
}
