import type { Outcome } from './outcome.ts'

// The words of bulk enrollment from a CSV file (issue 12), shared by core (reader, preview,
// runner, export), the CLI, IPC and the Bulk view. The file side (reader, preview, export) is
// src/core/bulk/csv*, preview*, bulkExport*; the run side is src/core/bulk/run*.

// ---------------------------------------------------------------------------------------------
// Columns

/** What a column of the file holds. Payment id and phone are required, the reference optional. */
export const BULK_COLUMN_ROLES = ['paymentId', 'phone', 'transactionRef'] as const
export type BulkColumnRole = (typeof BULK_COLUMN_ROLES)[number]
export const REQUIRED_BULK_ROLES: readonly BulkColumnRole[] = ['paymentId', 'phone']

export function isBulkColumnRole(value: unknown): value is BulkColumnRole {
  return (BULK_COLUMN_ROLES as readonly unknown[]).includes(value)
}

/** How each role is called in the UI and in errors. */
export const BULK_ROLE_LABELS: Readonly<Record<BulkColumnRole, string>> = {
  paymentId: 'payment id',
  phone: 'mobile phone',
  transactionRef: 'transaction reference',
}

/**
 * Header names recognised for each role, compared after `headerKey` (case, spaces and
 * punctuation ignored: "Payment Id", "paymentId", "PAYMENT_ID" and "payment-id" are one key).
 * Not "pan": a PAN is a card number, not the payment id the API wants.
 */
export const BULK_HEADER_ALIASES: Readonly<Record<BulkColumnRole, readonly string[]>> = {
  paymentId: ['paymentid', 'payment', 'paymentidentifier', 'payid'],
  phone: ['phone', 'phonenumber', 'mobile', 'mobilenumber', 'mobilephone', 'mobilephonenumber', 'msisdn', 'gsm', 'gsmnumber', 'cellphone'],
  transactionRef: ['transactionref', 'transactionreference', 'transref', 'txnref', 'reference', 'ref'],
}

/** A header reduced to lower-case letters and digits, the form the aliases are written in. */
export function headerKey(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
}

/** The role a header name is recognised as, if any. */
export function roleOfHeader(header: string): BulkColumnRole | undefined {
  const key = headerKey(header)
  return BULK_COLUMN_ROLES.find((role) => BULK_HEADER_ALIASES[role].includes(key))
}

/**
 * Which header of the file holds each role (role → header name as written in the file).
 * Recognised automatically from the aliases, or given by the operator in the mapping step
 * when the headers are not recognised. A role mapped to no header is absent.
 */
export type BulkColumnMapping = Partial<Record<BulkColumnRole, string>>

// ---------------------------------------------------------------------------------------------
// The file

/** The bounds of a file (README "CSV file format"). */
export const BULK_FILE_LIMITS = {
  /** Data rows per file (one run). */
  maxRows: 100_000,
  /** Bytes of one record (a line, or the lines of one quoted record). */
  maxRecordBytes: 64 * 1024,
} as const

export type BulkDelimiter = ',' | ';'

/** What the first line of a file says: read by `inspectBulkFile` before the mapping step. */
export interface BulkFileHeader {
  /** The separator detected from the header line. */
  delimiter: BulkDelimiter
  /** The header cells as written (trimmed). */
  headers: string[]
  /** The roles recognised from the header names (usable as is when `unresolved` is empty). */
  mapping: BulkColumnMapping
  /**
   * Roles the mapping step must name: a required role no header was recognised as, or a role
   * several headers were recognised as.
   */
  unresolved: BulkColumnRole[]
}

/** Why a whole file is refused. Each comes with a message in plain words. */
export const BULK_FILE_PROBLEMS = [
  'unreadable', // cannot be opened or read
  'empty', // no header line (empty, or blank lines only)
  'no-header', // the first line holds data, not column names
  'utf16', // UTF-16 (BOM FF FE / FE FF, or NUL bytes): save as "CSV UTF-8"
  'not-utf8', // bytes that are not UTF-8
  'record-too-long', // one record over BULK_FILE_LIMITS.maxRecordBytes
  'too-many-rows', // over BULK_FILE_LIMITS.maxRows
  'malformed', // a quote is not closed, or text follows a closing quote
  'duplicate-headers', // two columns with the same name
  'missing-columns', // a required role has no column (the message names the columns found)
  'ambiguous-columns', // two columns are recognised as the same role
  'bad-mapping', // the mapping names a header the file does not have
] as const
export type BulkFileProblem = (typeof BULK_FILE_PROBLEMS)[number]

export interface BulkFileFailure {
  problem: BulkFileProblem
  message: string
  /** The line of the file concerned, when there is one (1-based). */
  line?: number
}

/** One data row of the file, its cells as read and the three roles picked out (trimmed). */
export interface BulkRow {
  /** Line of the file where the record starts (1-based; the header is line 1). */
  line: number
  /** Every cell of the record, as read (a short row is not padded). */
  values: string[]
  paymentId: string
  phone: string
  /** '' when the file has no reference column or the cell is empty: one is generated. */
  transactionRef: string
}

/**
 * The reference sent for a row whose file gives none: the Enroll form's `JB-<unix seconds>-Enrol`
 * convention with the row's line added, so that the rows of one run stay distinguishable.
 */
export function bulkTransactionRef(runStartedAtMs: number, line: number): string {
  return `JB-${Math.floor(runStartedAtMs / 1000)}-${line}-Enrol`
}

// ---------------------------------------------------------------------------------------------
// The preview

/**
 * What the preview decides for a row, first matching wins:
 * invalid           – a field fails the Enroll form's rule (see `errors`); never sent;
 * duplicate-in-file – the same payment id as an earlier row that is not invalid; never sent;
 * already-enrolled  – history has an enrolled attempt for the payment (`attemptId`): skipped;
 * unknown-outcome   – history has an unknown-outcome attempt for it (`attemptId`), none
 *                     enrolled: the card may be enrolled, skipped unless the operator includes it;
 * ready             – will be sent.
 */
export const BULK_ROW_CATEGORIES = ['ready', 'invalid', 'duplicate-in-file', 'already-enrolled', 'unknown-outcome'] as const
export type BulkRowCategory = (typeof BULK_ROW_CATEGORIES)[number]

/** Each category in a few words (preview counts, skipped rows in the run export). */
export const BULK_CATEGORY_LABELS: Readonly<Record<BulkRowCategory, string>> = {
  ready: 'Ready to send',
  invalid: 'Invalid',
  'duplicate-in-file': 'Duplicate in the file',
  'already-enrolled': 'Already enrolled',
  'unknown-outcome': 'Outcome unknown in history',
}

export type BulkFieldErrors = Partial<Record<BulkColumnRole, string>>

/** A row with its category, as the preview and the runner see it. */
export interface ClassifiedBulkRow extends BulkRow {
  category: BulkRowCategory
  /** The MSISDN (`234` + 10 digits) when the phone is valid. */
  msisdn: string | null
  /** invalid: a message per field, the Enroll form's. */
  errors?: BulkFieldErrors
  /** duplicate-in-file: the line of the earlier row with the same payment id. */
  duplicateOfLine?: number
  /** already-enrolled / unknown-outcome: the newest such attempt in history. */
  attemptId?: number
}

/** A row as the preview shows it: the phone normalised and masked unless asked otherwise. */
export interface BulkPreviewRow {
  line: number
  category: BulkRowCategory
  paymentId: string
  /** Normalised (`234…`) when valid, else as typed; masked (`234803****567`) by default. */
  phone: string
  transactionRef: string
  errors?: BulkFieldErrors
  duplicateOfLine?: number
  attemptId?: number
}

export type BulkCategoryCounts = Record<BulkRowCategory, number>

export interface BulkPreviewOptions {
  /** Role → header; without it the headers must be recognised (BULK_HEADER_ALIASES). */
  mapping?: BulkColumnMapping
  /** Send the rows flagged from history (already-enrolled, unknown-outcome) too. Default false. */
  includeFlagged?: boolean
  /** Show full phone numbers in `rows`. Default false (masked). */
  fullPhone?: boolean
  /** How many rows `rows` holds (the first ones of the file). Default BULK_PREVIEW_ROWS. */
  rowLimit?: number
}

export const BULK_PREVIEW_ROWS = 200

export interface BulkPreview {
  fileName: string
  /** SHA-256 (hex) of the file's bytes: the run checks it reads the file the preview read. */
  fileSha256: string
  header: BulkFileHeader
  /** The mapping in force (complete for the required roles). */
  mapping: BulkColumnMapping
  /** Data rows read (blank lines not counted). */
  rows: number
  counts: BulkCategoryCounts
  /** The exact number of requests the run will send. */
  requestsToSend: number
  includeFlagged: boolean
  /** The first rows of the file, for display. */
  firstRows: BulkPreviewRow[]
}

/** Whether the run sends a row of this category. */
export function bulkCategorySent(category: BulkRowCategory, includeFlagged: boolean): boolean {
  return category === 'ready' || (includeFlagged && (category === 'already-enrolled' || category === 'unknown-outcome'))
}

export function emptyCategoryCounts(): BulkCategoryCounts {
  return { ready: 0, invalid: 0, 'duplicate-in-file': 0, 'already-enrolled': 0, 'unknown-outcome': 0 }
}

// ---------------------------------------------------------------------------------------------
// Runs (the run store and runner are src/core/bulk/run*; these are the shapes they answer with)

// The run itself (states, settings, progress, summary, the production confirmation) is
// defined in bulkRun.ts.

/**
 * A row of a run: `pending` (to send, no attempt yet), `skipped` (not sent: its preview
 * category says why) or the outcome of its one attempt. A row never gets a second attempt
 * in the same run; `unknown` rows are listed for the operator to check.
 */
export type BulkRowState = 'pending' | 'skipped' | Outcome
export const BULK_ROW_STATES: readonly BulkRowState[] = ['pending', 'skipped', 'enrolled', 'rejected', 'failed', 'unknown']

export type BulkRowStateCounts = Record<BulkRowState, number>

/** A row of a run joined to its attempt: what the run export and the results list read. */
export interface BulkRunRowResult {
  line: number
  /** The input cells as read from the file. */
  values: string[]
  state: BulkRowState
  category: BulkRowCategory
  attempt: BulkRowAttempt | null
}

/** The parts of a row's attempt the results show (never secrets; phone as stored). */
export interface BulkRowAttempt {
  id: number
  outcome: Outcome
  httpStatus: number | null
  errors: { code: string; message: string }[]
  failureReason: string | null
}
