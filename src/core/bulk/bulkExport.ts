import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Writable } from 'node:stream'
import { UTF8_BOM } from '../export/csvExport.ts'
import { throwIfAborted, write } from '../export/streamWrite.ts'
import { PRIVATE_FILE_MODE } from '../storage/privateFiles.ts'
import type { BulkRunRowResult } from '../../shared/domain/bulk.ts'
import { createBulkRowEncoder, type BulkExportLayout } from './bulkExportRow.ts'

// The export of a bulk run: CSV like the history export (UTF-8 with a BOM, CRLF, RFC 4180,
// formula-safe), one row per row of the file. Written under a hidden temporary name beside
// outPath (0600) and renamed onto it when complete, so a failed or cancelled export leaves no
// half file. The run store gives the rows (its rows joined to their attempts).

export interface BulkExportSource extends BulkExportLayout {
  /** The run's rows joined to their attempts, in file order (the run store's rowResults). */
  rows: Iterable<BulkRunRowResult> | AsyncIterable<BulkRunRowResult>
}

export interface BulkExportOptions {
  outPath: string
  /** Full phone numbers (the operator's explicit choice); masked otherwise. */
  fullPhone: boolean
  signal?: AbortSignal | undefined
}

/** Rows are written in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024

export async function exportBulkRun(source: BulkExportSource, options: BulkExportOptions): Promise<{ path: string; rows: number }> {
  const { outPath, fullPhone, signal } = options
  throwIfAborted(signal)
  const encoder = createBulkRowEncoder(source, { fullPhone })
  const tempPath = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString('hex')}.part`)
  const out = createWriteStream(tempPath, { flags: 'wx', mode: PRIVATE_FILE_MODE, flush: true })
  // Errors are picked up through write() and the close; this keeps an early one from crashing the process.
  out.on('error', () => {})
  try {
    let chunk = UTF8_BOM + encoder.head
    let rows = 0
    for await (const row of source.rows) {
      chunk += encoder.encode(row)
      rows++
      if (chunk.length >= CHUNK_CHARS) {
        await write(out, chunk, signal)
        chunk = ''
      }
    }
    await write(out, chunk, signal)
    await endAndClose(out)
    throwIfAborted(signal)
    await rename(tempPath, outPath)
    return { path: outPath, rows }
  } catch (error) {
    // Closed first: the stream may still be opening the file, which would then outlive the unlink.
    const closed = waitClosed(out)
    out.destroy()
    await closed.catch(() => {})
    await unlink(tempPath).catch(() => {})
    throw error
  }
}

function waitClosed(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (out.closed) return out.errored ? reject(out.errored) : resolve()
    out.once('close', () => (out.errored ? reject(out.errored) : resolve()))
  })
}

function endAndClose(out: Writable): Promise<void> {
  const closed = waitClosed(out)
  out.end()
  return closed
}
