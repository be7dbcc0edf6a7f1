import { basename } from 'node:path'
import { CsvError, parse, type Info, type Parser } from 'csv-parse'
import { BULK_FILE_LIMITS, type BulkColumnMapping, type BulkFileHeader, type BulkRow } from '../../shared/domain/bulk.ts'
import { fail, ok, type Result } from '../../shared/domain/result.ts'
import { readCheckedFile } from './csvDecode.ts'
import { BulkFileError } from './csvFileError.ts'
import { detectDelimiter, firstLine, readHeader, resolveColumns, type ColumnIndexes } from './csvHeader.ts'

// Reads a bulk enrollment CSV file as a stream (README "CSV file format"): csv-parse does the
// RFC 4180 work (quotes, separators inside quotes, CRLF or LF); this module bounds it (record
// size, row count), finds the header and picks the roles out of each record. Nothing is
// evaluated: a cell is text, whatever it starts with.
//
// Rows come in batches, one per 64 KiB chunk of the file (~1,500 rows): the parser is fed a
// chunk and drained synchronously, so a 100,000-row file costs ~70 awaits, not 100,000.

export type BulkFileLimits = { maxRows: number; maxRecordBytes: number }

export interface BulkCsvOptions {
  /** Role → header name, used as is; without it the header names must be recognised. */
  mapping?: BulkColumnMapping
  /** Tests shrink the limits; the defaults are BULK_FILE_LIMITS. */
  limits?: Partial<BulkFileLimits>
}

export interface BulkCsv {
  fileName: string
  header: BulkFileHeader
  /** The mapping in force (the required roles present). */
  mapping: BulkColumnMapping
  /**
   * The data rows in file order, in batches, once (blank lines skipped). Throws a
   * BulkFileError when the file goes bad further on (record too long, too many rows…).
   */
  batches: AsyncGenerator<BulkRow[], void, undefined>
  /** SHA-256 (hex) of the file's bytes; available once `batches` has ended. */
  sha256(): string
}

/** Opens the file and reads its header; throws a BulkFileError when the file or the mapping is refused. */
export async function openBulkCsv(path: string, options: BulkCsvOptions = {}): Promise<BulkCsv> {
  const limits: BulkFileLimits = { ...BULK_FILE_LIMITS, ...options.limits }
  const { header, records, sha256 } = await openRecords(path, limits)
  try {
    const { mapping, columns } = resolveColumns(header, options.mapping)
    return { fileName: basename(path), header, mapping, batches: dataRows(records, columns, limits), sha256 }
  } catch (error) {
    await records.return()
    throw error
  }
}

/** Every data row of the file, one at a time (a convenience over `batches`). */
export async function* eachRow(csv: Pick<BulkCsv, 'batches'>): AsyncGenerator<BulkRow, void, undefined> {
  for await (const batch of csv.batches) yield* batch
}

/**
 * The header alone (for the mapping step): separator, names, recognised roles, what is
 * unresolved; a `bad-file` failure when the file is refused before its first row.
 */
export async function inspectBulkFile(path: string, options: Pick<BulkCsvOptions, 'limits'> = {}): Promise<Result<BulkFileHeader>> {
  try {
    const { header, records } = await openRecords(path, { ...BULK_FILE_LIMITS, ...options.limits })
    await records.return()
    return ok(header)
  } catch (error) {
    if (error instanceof BulkFileError) return fail('bad-file', error.message)
    throw error
  }
}

interface CsvRecord {
  line: number
  cells: string[]
}

type Records = AsyncGenerator<CsvRecord[], void, undefined>

async function openRecords(path: string, limits: BulkFileLimits): Promise<{ header: BulkFileHeader; records: Records; sha256(): string }> {
  const file = readCheckedFile(path)
  // The chunks up to the end of the header line (bounded by the record limit), to choose the separator.
  const head: Buffer[] = []
  let headBytes = 0
  let ended = false
  for (;;) {
    const next = await file.chunks.next()
    if (next.done) {
      ended = true
      break
    }
    head.push(next.value)
    headBytes += next.value.length
    if (next.value.includes(0x0a) || next.value.includes(0x0d) || headBytes > limits.maxRecordBytes) break
  }
  const headText = Buffer.concat(head).toString('utf8').replace(/^\uFEFF/, '')
  const delimiter = detectDelimiter(firstLine(headText))
  const parser = parse({
    delimiter,
    bom: true,
    // Excel writes CRLF, other tools LF; a file edited by both may have both.
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: true,
    // A quote inside an unquoted cell (`5" screen`, `=HYPERLINK("x")`) is a character of it.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: limits.maxRecordBytes,
    info: true,
  })
  const records = parseRecords(parser, head, ended ? null : file.chunks, limits)
  try {
    const first = await firstRecord(records)
    if (first === undefined) throw new BulkFileError('empty', 'The file is empty: it needs a header line naming the columns (e.g. "Payment Id,Phone") and one row per card.')
    return { header: readHeader(first.cells, delimiter), records: prepend(first.rest, records), sha256: () => file.sha256() }
  } catch (error) {
    await records.return()
    throw error
  }
}

/** The first record and the rest of its batch (the iterator is left open: not a for-await). */
async function firstRecord(records: Records): Promise<{ cells: string[]; rest: CsvRecord[] } | undefined> {
  for (let next = await records.next(); !next.done; next = await records.next()) {
    const [first, ...rest] = next.value
    if (first !== undefined) return { cells: first.cells, rest }
  }
  return undefined
}

async function* prepend(batch: CsvRecord[], records: Records): Records {
  try {
    if (batch.length > 0) yield batch
    yield* records
  } finally {
    await records.return()
  }
}

/** The records of the file, a batch per chunk, each with the line it starts on. */
async function* parseRecords(parser: Parser, head: Buffer[], rest: AsyncGenerator<Buffer, void, undefined> | null, limits: BulkFileLimits): Records {
  // Errors are read from `parser.errored` right after each write (the transform is synchronous).
  parser.on('error', () => {})
  // Line of a record = lines spanned by the records before it + blank lines skipped + 1
  // (csv-parse's own `info.lines` counts a CRLF inside quotes twice).
  let linesBefore = 0
  const drain = (): CsvRecord[] => {
    if (parser.errored) throw toFileError(parser.errored, limits)
    const batch: CsvRecord[] = []
    for (let item = parser.read() as { record: string[]; info: Info } | null; item !== null; item = parser.read()) {
      batch.push({ line: linesBefore + item.info.empty_lines + 1, cells: item.record })
      linesBefore += lineSpan(item.record)
    }
    if (parser.errored) throw toFileError(parser.errored, limits)
    return batch
  }
  try {
    for (const chunk of head) {
      parser.write(chunk)
      yield drain()
    }
    if (rest !== null) {
      for await (const chunk of rest) {
        parser.write(chunk)
        yield drain()
      }
    }
    await new Promise<void>((resolve) => parser.end(() => resolve()))
    yield drain()
  } finally {
    await rest?.return()
    parser.destroy()
  }
}

function toFileError(error: unknown, limits: BulkFileLimits): Error {
  if (error instanceof BulkFileError) return error
  if (error instanceof CsvError) {
    const lines = (error as { lines?: unknown }).lines
    const line = typeof lines === 'number' ? lines : undefined
    const where = line === undefined ? '' : ` (near line ${line})`
    switch (error.code) {
      case 'CSV_MAX_RECORD_SIZE':
        return new BulkFileError('record-too-long', `A line of the file is longer than ${sizeText(limits.maxRecordBytes)}${where}: this is not a list of cards (or a quote is not closed).`, line)
      case 'CSV_QUOTE_NOT_CLOSED':
        return new BulkFileError('malformed', `A quoted cell is never closed${where}: check the quotes (") of the file.`, line)
      default:
        return new BulkFileError('malformed', `The file is not valid CSV${where}: ${error.message}`, line)
    }
  }
  return new BulkFileError('unreadable', `The file could not be read: ${(error as Error).message}`)
}

function sizeText(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`
}

function lineSpan(cells: readonly string[]): number {
  let lines = 1
  for (const cell of cells) {
    if (cell.length < 2 || (!cell.includes('\n') && !cell.includes('\r'))) continue
    lines += cell.replace(/\r\n/g, '\n').split(/[\r\n]/).length - 1
  }
  return lines
}

async function* dataRows(records: Records, columns: ColumnIndexes, limits: BulkFileLimits): AsyncGenerator<BulkRow[], void, undefined> {
  let count = 0
  try {
    for await (const batch of records) {
      const rows: BulkRow[] = []
      for (const { line, cells } of batch) {
        // A line of blanks or bare separators (",,") is a blank line.
        if (cells.every((cell) => cell.trim() === '')) continue
        if (++count > limits.maxRows) {
          throw new BulkFileError('too-many-rows', `The file has more than ${limits.maxRows.toLocaleString('en')} rows (one run at most): split it into several files.`, line)
        }
        rows.push({
          line,
          values: cells,
          paymentId: (cells[columns.paymentId] ?? '').trim(),
          phone: (cells[columns.phone] ?? '').trim(),
          transactionRef: columns.transactionRef === null ? '' : (cells[columns.transactionRef] ?? '').trim(),
        })
      }
      if (rows.length > 0) yield rows
    }
  } finally {
    await records.return()
  }
}
