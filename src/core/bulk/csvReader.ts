import { basename } from 'node:path'
import { Readable, pipeline } from 'node:stream'
import { CsvError, parse, type Info } from 'csv-parse'
import { BULK_FILE_LIMITS, type BulkColumnMapping, type BulkFileHeader, type BulkRow } from '../../shared/domain/bulk.ts'
import { fail, ok, type Result } from '../../shared/domain/result.ts'
import { decodeFile } from './csvDecode.ts'
import { BulkFileError } from './csvFileError.ts'
import { detectDelimiter, firstLine, readHeader, resolveColumns, type ColumnIndexes } from './csvHeader.ts'

// Reads a bulk enrollment CSV file as a stream (README "CSV file format"): csv-parse does the
// RFC 4180 work (quotes, separators inside quotes, CRLF or LF); this module bounds it (record
// length, row count), finds the header and picks the roles out of each record. Nothing is
// evaluated: a cell is text, whatever it starts with.

export type BulkFileLimits = { maxRows: number; maxRecordChars: number }

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
  /** The data rows, once (blank lines skipped); throws a BulkFileError when the file goes bad. */
  rows: AsyncGenerator<BulkRow, void, undefined>
  /** SHA-256 (hex) of the file's bytes; available once `rows` has ended. */
  sha256(): string
}

type ParsedRecord = { record: string[]; info: Info }

/** Opens the file and reads its header; throws a BulkFileError when the file or the mapping is refused. */
export async function openBulkCsv(path: string, options: BulkCsvOptions = {}): Promise<BulkCsv> {
  const limits: BulkFileLimits = { ...BULK_FILE_LIMITS, ...options.limits }
  const { header, records, sha256 } = await openRecords(path, limits)
  try {
    const { mapping, columns } = resolveColumns(header, options.mapping)
    return { fileName: basename(path), header, mapping, rows: dataRows(records, columns, limits), sha256 }
  } catch (error) {
    await records.return()
    throw error
  }
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

async function openRecords(path: string, limits: BulkFileLimits) {
  const file = decodeFile(path)
  // Enough text to see the header line, bounded by the record limit.
  let head = ''
  let next = await file.chunks.next()
  while (!next.done) {
    head += next.value
    if (/[\r\n]/.test(head) || head.length > limits.maxRecordChars) break
    next = await file.chunks.next()
  }
  const delimiter = detectDelimiter(firstLine(head))
  const parser = parse({
    delimiter,
    // Excel writes CRLF, other tools LF; a file edited by both may have both.
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: limits.maxRecordChars,
    info: true,
  })
  const text = (async function* () {
    if (head !== '') yield head
    if (!next.done) yield* file.chunks
  })()
  pipeline(Readable.from(text, { objectMode: false }), parser, () => {
    // Errors reach the reader through the parser's iterator.
  })
  const records = readRecords(parser[Symbol.asyncIterator]() as AsyncIterator<ParsedRecord>, limits)
  const first = await records.next()
  if (first.done) throw new BulkFileError('empty', 'The file is empty: it needs a header line naming the columns (e.g. "Payment Id,Phone") and one row per card.')
  const header = readHeader(first.value.cells, delimiter)
  return { header, records, sha256: () => file.sha256() }
}

/** The parser's records with its errors turned into file errors, each with the line it starts on. */
async function* readRecords(source: AsyncIterator<ParsedRecord>, limits: BulkFileLimits): AsyncGenerator<{ line: number; cells: string[] }, void, undefined> {
  // Line of a record = lines spanned by the records before it + blank lines skipped + 1
  // (csv-parse's own `info.lines` counts a CRLF inside quotes twice).
  let linesBefore = 0
  try {
    for (;;) {
      const next = await nextRecord(source, limits)
      if (next.done) return
      const { record, info } = next.value
      const line = linesBefore + info.empty_lines + 1
      linesBefore += lineSpan(record)
      yield { line, cells: record }
    }
  } finally {
    await source.return?.()
  }
}

async function nextRecord(source: AsyncIterator<ParsedRecord>, limits: BulkFileLimits): Promise<IteratorResult<ParsedRecord>> {
  try {
    return await source.next()
  } catch (error) {
    throw toFileError(error, limits)
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
        return new BulkFileError('record-too-long', `A line of the file is longer than ${sizeText(limits.maxRecordChars)}${where}: this is not a list of cards (or a quote is not closed).`, line)
      case 'CSV_QUOTE_NOT_CLOSED':
        return new BulkFileError('malformed', `A quoted cell is never closed${where}: check the quotes (") of the file.`, line)
      default:
        return new BulkFileError('malformed', `The file is not valid CSV${where}: ${error.message}`, line)
    }
  }
  return new BulkFileError('unreadable', `The file could not be read: ${(error as Error).message}`)
}

function lineSpan(cells: readonly string[]): number {
  let lines = 1
  for (const cell of cells) {
    if (cell.length < 2 || (!cell.includes('\n') && !cell.includes('\r'))) continue
    lines += cell.replace(/\r\n/g, '\n').split(/[\r\n]/).length - 1
  }
  return lines
}

async function* dataRows(
  records: AsyncGenerator<{ line: number; cells: string[] }, void, undefined>,
  columns: ColumnIndexes,
  limits: BulkFileLimits,
): AsyncGenerator<BulkRow, void, undefined> {
  let count = 0
  try {
    for await (const { line, cells } of records) {
      // A line of blanks or bare separators (",,") is a blank line.
      if (cells.every((cell) => cell.trim() === '')) continue
      if (++count > limits.maxRows) {
        throw new BulkFileError('too-many-rows', `The file has more than ${limits.maxRows.toLocaleString('en')} rows (one run at most): split it into several files.`, line)
      }
      yield {
        line,
        values: cells,
        paymentId: (cells[columns.paymentId] ?? '').trim(),
        phone: (cells[columns.phone] ?? '').trim(),
        transactionRef: columns.transactionRef === null ? '' : (cells[columns.transactionRef] ?? '').trim(),
      }
    }
  } finally {
    await records.return()
  }
}

function sizeText(chars: number): string {
  return chars % 1024 === 0 ? `${chars / 1024} KiB` : `${chars} characters`
}
