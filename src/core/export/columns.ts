import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { maskPhone } from '../../shared/domain/phone.ts'
import type { TextGuard } from './recordGuard.ts'
import type { CellKind } from './csvSafety.ts'

// The CSV export's columns, in order, and how a record becomes a row. Text cells pass
// through `guard` (secret redaction and phone masking, see recordGuard.ts createTextGuard);
// numeric cells stay numbers so that csvSafety can exempt them (see the decision there).

export interface CsvColumn {
  name: string
  kind: CellKind
}

type Cell = string | number | null

const column = (name: string, kind: CellKind): CsvColumn => ({ name, kind })

export const CSV_COLUMNS: readonly CsvColumn[] = [
  column('attempt_id', 'number'),
  column('started_at', 'text'),
  column('finished_at', 'text'),
  column('environment', 'text'),
  column('base_url', 'text'),
  column('channel', 'text'),
  column('operator', 'text'),
  column('app_version', 'text'),
  column('payment_id', 'text'),
  column('phone', 'text'),
  column('transaction_ref', 'text'),
  column('signature_method', 'text'),
  column('outcome', 'text'),
  column('error_codes', 'text'),
  column('error_messages', 'text'),
  column('http_status', 'number'),
  column('failure_reason', 'text'),
  column('token_ms', 'number'),
  column('request_ms', 'number'),
  column('duration_ms', 'number'),
  column('clock_offset_ms', 'number'),
  column('retry_of', 'number'),
  column('nonce', 'text'),
  column('timestamp', 'text'),
]

export const CSV_HEADER: readonly string[] = CSV_COLUMNS.map((c) => c.name)

/** Separators inside the error columns. */
export const ERROR_CODE_SEPARATOR = ';'
export const ERROR_MESSAGE_SEPARATOR = ' | '

const DAY_MS = 86_400_000
/** Year 10000 starts here; toISOString() changes shape (±YYYYYY) beyond it. */
const MAX_FAST_MS = 253_402_300_800_000
let cachedDay = Number.NaN
let cachedDayPrefix = ''
const pad2 = (n: number): string => (n < 10 ? '0' : '') + n
const pad3 = (n: number): string => (n < 10 ? '00' : n < 100 ? '0' : '') + n

/**
 * ms since epoch → ISO 8601 UTC (`2025-11-21T05:00:00.000Z`), exactly as Date#toISOString;
 * null or invalid → null. Exports format two per row, and rows come in time order, so the
 * date part is cached per day and the time part computed (toISOString costs ~1 µs a call).
 */
export function isoUtc(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null
  if (!Number.isInteger(ms) || ms < 0 || ms >= MAX_FAST_MS) {
    const date = new Date(ms)
    return Number.isNaN(date.getTime()) ? null : date.toISOString()
  }
  const day = Math.floor(ms / DAY_MS)
  if (day !== cachedDay) {
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11)
    cachedDay = day
  }
  let rest = ms - day * DAY_MS
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = Math.floor(rest / 1000)
  return `${cachedDayPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(rest - seconds * 1000)}Z`
}

/** A header value by case-insensitive name (HTTP header names are case-insensitive). */
export function headerValue(headers: Record<string, string> | null | undefined, name: string): string | null {
  if (!headers) return null
  const exact = headers[name]
  if (typeof exact === 'string') return exact
  const lower = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower && typeof value === 'string') return value
  return null
}

const text = (value: string | null | undefined, guard: TextGuard): string | null => (value === null || value === undefined ? null : guard(String(value)))

const num = (value: number | null | undefined): number | null => (typeof value === 'number' ? value : null)

/**
 * One record as CSV cells, in CSV_COLUMNS order, before the injection guard (csvSafety.safeCell).
 * The phone column is maskPhone(phone) unless fullPhone; `guard` masks the number anywhere else.
 */
export function toCsvCells(record: AttemptRecord, guard: TextGuard, fullPhone: boolean): Cell[] {
  const errors = Array.isArray(record.errors) ? record.errors : []
  return [
    num(record.id),
    isoUtc(record.startedAt),
    isoUtc(record.finishedAt),
    text(record.environment, guard),
    text(record.baseUrl, guard),
    text(record.channel, guard),
    text(record.operator, guard),
    text(record.appVersion, guard),
    text(record.paymentId, guard),
    text(fullPhone ? record.phone : maskPhone(record.phone ?? ''), guard),
    text(record.transactionRef, guard),
    text(record.signatureMethod, guard),
    text(record.outcome, guard),
    errors.length === 0 ? '' : guard(errors.map((e) => String(e.code)).join(ERROR_CODE_SEPARATOR)),
    errors.length === 0 ? '' : guard(errors.map((e) => String(e.message)).join(ERROR_MESSAGE_SEPARATOR)),
    num(record.httpStatus),
    text(record.failureReason, guard),
    num(record.tokenMs),
    num(record.requestMs),
    num(record.durationMs),
    num(record.clockOffsetMs),
    num(record.retryOf),
    text(headerValue(record.requestHeaders, 'Nonce'), guard),
    text(headerValue(record.requestHeaders, 'Timestamp'), guard),
  ]
}
