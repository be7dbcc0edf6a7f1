import {
  BULK_COLUMN_ROLES,
  BULK_ROLE_LABELS,
  REQUIRED_BULK_ROLES,
  roleOfHeader,
  type BulkColumnMapping,
  type BulkColumnRole,
  type BulkDelimiter,
  type BulkFileHeader,
} from '../../shared/domain/bulk.ts'
import { BulkFileError } from './csvFileError.ts'

// The header line: which separator the file uses, which column holds which role.

/**
 * Comma or semicolon, whichever the header line has more of outside quotes (Excel saves
 * semicolons where the decimal separator is a comma). A header with neither is one column:
 * comma, and the missing columns are reported by name.
 */
export function detectDelimiter(headerLine: string): BulkDelimiter {
  let commas = 0
  let semicolons = 0
  let quoted = false
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted
    else if (!quoted && char === ',') commas++
    else if (!quoted && char === ';') semicolons++
  }
  return semicolons > commas ? ';' : ','
}

/** The first line up to its line break (the whole text when it has none). */
export function firstLine(text: string): string {
  const end = text.search(/\r?\n/)
  return end === -1 ? text : text.slice(0, end)
}

// A header cell that is a long run of digits (a payment id, a phone) means the file starts
// with data: its columns have no names.
const DATA_LIKE = /^[+(]?\d[\d\s().-]{5,}$/

/** The header record checked and its roles recognised; `unresolved` lists what the mapping step must name. */
export function readHeader(cells: readonly string[], delimiter: BulkDelimiter): BulkFileHeader {
  const headers = cells.map((cell) => cell.trim())
  if (headers.every((header) => header === '')) throw new BulkFileError('no-header', 'The first line of the file is empty: it must name the columns (e.g. "Payment Id,Phone").', 1)
  const dataLike = headers.filter((header) => DATA_LIKE.test(header))
  if (dataLike.length > 0) {
    throw new BulkFileError(
      'no-header',
      `The file has no header line: its first line holds data (${quoteList(dataLike)}). Add a first line naming the columns, e.g. "Payment Id,Phone,Transaction Ref".`,
      1,
    )
  }
  const mapping: BulkColumnMapping = {}
  const unresolved: BulkColumnRole[] = []
  for (const role of BULK_COLUMN_ROLES) {
    const candidates = [...new Set(headers.filter((header) => roleOfHeader(header) === role))]
    if (candidates.length === 1) mapping[role] = candidates[0] as string
    else if (candidates.length > 1 || REQUIRED_BULK_ROLES.includes(role)) unresolved.push(role)
  }
  return { delimiter, headers, mapping, unresolved }
}

/** Column index of each role, for the mapping in force; a file error when it does not fit the header. */
export interface ColumnIndexes {
  paymentId: number
  phone: number
  transactionRef: number | null
}

/**
 * The mapping to read the rows with: the one given (used as it is), or the recognised one.
 * Refused when a required role has no column, a role is ambiguous, a named header is not in
 * the file, one header is named twice or appears twice in the file.
 */
export function resolveColumns(header: BulkFileHeader, given: BulkColumnMapping | undefined): { mapping: BulkColumnMapping; columns: ColumnIndexes } {
  const found = `Columns found: ${quoteList(header.headers.filter((h) => h !== ''))}.`
  if (given === undefined && header.unresolved.length > 0) {
    const ambiguous = header.unresolved.filter((role) => header.headers.filter((h) => roleOfHeader(h) === role).length > 1)
    if (ambiguous.length > 0) {
      const role = ambiguous[0] as BulkColumnRole
      const names = header.headers.filter((h) => roleOfHeader(h) === role)
      throw new BulkFileError('ambiguous-columns', `Several columns could be the ${BULK_ROLE_LABELS[role]} (${quoteList(names)}): choose one in the column mapping.`, 1)
    }
    throw new BulkFileError('missing-columns', `No column for the ${header.unresolved.map((role) => BULK_ROLE_LABELS[role]).join(' or the ')} was recognised. ${found} Map the columns, or name them e.g. "Payment Id", "Phone".`, 1)
  }
  const mapping = given ?? header.mapping
  const index: Partial<Record<BulkColumnRole, number>> = {}
  const used = new Set<string>()
  for (const role of BULK_COLUMN_ROLES) {
    const name = mapping[role]
    if (name === undefined || name === '') continue
    if (used.has(name)) throw new BulkFileError('bad-mapping', `The column "${name}" is mapped to two roles.`, 1)
    used.add(name)
    const at = header.headers.indexOf(name)
    if (at === -1) throw new BulkFileError('bad-mapping', `The mapping names a column "${name}" the file does not have. ${found}`, 1)
    if (header.headers.indexOf(name, at + 1) !== -1) throw new BulkFileError('duplicate-headers', `The file has two columns named "${name}": rename one.`, 1)
    index[role] = at
  }
  const missing = REQUIRED_BULK_ROLES.filter((role) => index[role] === undefined)
  if (missing.length > 0) {
    throw new BulkFileError('missing-columns', `The file has no column for the ${missing.map((role) => BULK_ROLE_LABELS[role]).join(' or the ')}. ${found}`, 1)
  }
  const columns: ColumnIndexes = { paymentId: index.paymentId as number, phone: index.phone as number, transactionRef: index.transactionRef ?? null }
  return { mapping: Object.fromEntries(BULK_COLUMN_ROLES.filter((r) => index[r] !== undefined).map((r) => [r, mapping[r]])) as BulkColumnMapping, columns }
}

function quoteList(values: readonly string[]): string {
  const shown = values.slice(0, 10).map((value) => `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`)
  return values.length > 10 ? `${shown.join(', ')} and ${values.length - 10} more` : shown.join(', ') || 'none'
}
