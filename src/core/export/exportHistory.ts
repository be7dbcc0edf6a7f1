import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Writable } from 'node:stream'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { isExportFormat, type ExportFormat, type ExportProgress } from '../../shared/domain/export.ts'
import { PRIVATE_FILE_MODE } from '../storage/privateFiles.ts'
import { createBackgroundSync } from './backgroundSync.ts'
import { type BundleOptions, writeBundle } from './bundleExport.ts'
import { createCsvEncoder } from './csvExport.ts'
import { createJsonlEncoder } from './jsonlExport.ts'
import { abortError, throwIfAborted, write } from './streamWrite.ts'

// The one entry point for exports. The file is written beside outPath under a hidden temporary
// name and renamed onto outPath only when complete, so a cancelled or failed export never
// leaves a half file at outPath (the temporary file is removed). Records are pulled from the
// iterable a batch at a time and written with backpressure (a full stream is awaited until it
// drains), so memory stays flat however many records there are.

/**
 * Where records come from: an iterable read synchronously (the local history, node:sqlite), or
 * batches read asynchronously (the team history on PostgreSQL), each batch written through.
 */
export type ExportRecords = Iterable<AttemptRecord> | AsyncIterable<readonly AttemptRecord[]>

export interface ExportHistoryOptions {
  records: ExportRecords
  /** How many records to expect, for progress; unknown → 0 (arrays report their length). */
  total?: number | undefined
  format: ExportFormat
  outPath: string
  /** Export phone numbers unmasked (the operator's explicit choice). */
  fullPhone: boolean
  signal?: AbortSignal | undefined
  /** Called at the start, then at most once per PROGRESS_MIN_ROWS rows and PROGRESS_MIN_MS, and at the end. */
  onProgress?: ((progress: ExportProgress) => void) | undefined
  /** Required for format 'bundle'. */
  bundle?: BundleOptions | undefined
  /** Clock (ms since epoch) for progress pacing and about.json's exportedAt. */
  now?: (() => number) | undefined
}

export interface ExportHistoryResult {
  rows: number
  path: string
}

/** Output is written in chunks of up to this many bytes. */
export const CHUNK_BYTES = 256 * 1024
/** Progress is reported at most once per this many rows and this many ms (plus at start and end). */
export const PROGRESS_MIN_ROWS = 1000
export const PROGRESS_MIN_MS = 100

interface RecordEncoder {
  readonly head: string
  encode(record: AttemptRecord): string
}

interface PumpContext {
  signal: AbortSignal | undefined
  total: number
  now: () => number
  onProgress: ((progress: ExportProgress) => void) | undefined
  observe?: ((record: AttemptRecord) => void) | undefined
  /** Called after each chunk is handed to the stream. */
  onChunk: () => void
}

/**
 * Streams every record through `encoder` into `out`; returns the number of rows. Each encoded
 * record is copied at once into an off-heap Buffer of CHUNK_BYTES and a full buffer is written
 * with backpressure, so nothing outlives the record it came from: the heap holds one record
 * and its text, whatever the number of records. (RSS still grows to ~200 MB on a long export
 * with default V8 flags: V8 enlarges its young generation to 2 × 64 MiB under any sustained
 * allocation; `--max-semi-space-size=16` keeps it at ~2 × 16 MiB, and the app runs with it:
 * src/main/electron/app.ts js-flags, bench/export.ts EXPORT_V8_FLAGS; the CLI's launcher fixes
 * the semi-spaces at 4 MiB.)
 */
async function pump(records: ExportRecords, encoder: RecordEncoder, out: Writable, context: PumpContext): Promise<number> {
  const { signal, total, now, onProgress, observe, onChunk } = context
  let rows = 0
  let lastProgressAt = now()
  let lastProgressRows = 0
  let buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES)
  let used = 0
  const flush = async (): Promise<void> => {
    if (used > 0) {
      const full = buffer.subarray(0, used)
      // The stream keeps `full` until written, so the next records go into a fresh buffer.
      buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES)
      used = 0
      await write(out, full, signal)
      onChunk()
    } else {
      throwIfAborted(signal)
    }
    if (onProgress && rows - lastProgressRows >= PROGRESS_MIN_ROWS) {
      const at = now()
      if (at - lastProgressAt >= PROGRESS_MIN_MS) {
        lastProgressAt = at
        lastProgressRows = rows
        onProgress({ written: rows, total: Math.max(total, rows) })
      }
    }
  }
  const append = async (text: string): Promise<void> => {
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    if (used + text.length * 3 > CHUNK_BYTES) {
      await flush()
      if (text.length * 3 > CHUNK_BYTES) {
        await write(out, text, signal)
        return
      }
    }
    used += buffer.write(text, used, 'utf8')
  }
  if (encoder.head) await append(encoder.head)
  /** Encodes one record into the chunk; answers its text when it does not fit (then appended). */
  const take = (record: AttemptRecord): string | null => {
    observe?.(record)
    const text = encoder.encode(record)
    rows++
    if (used + text.length * 3 > CHUNK_BYTES) return text
    used += buffer.write(text, used, 'utf8')
    return null
  }
  // A for…of loop calls the iterator's return() when we stop early, so a database cursor is released.
  if (Symbol.asyncIterator in records) {
    for await (const batch of records) {
      for (const record of batch) {
        const spill = take(record)
        if (spill !== null) await append(spill)
      }
    }
  } else {
    for (const record of records) {
      const spill = take(record)
      if (spill !== null) await append(spill)
    }
  }
  await flush()
  return rows
}

function waitClosed(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (out.closed) return out.errored ? reject(out.errored) : resolve()
    out.once('close', () => (out.errored ? reject(out.errored) : resolve()))
  })
}

async function endAndClose(out: Writable): Promise<void> {
  const closed = waitClosed(out)
  out.end()
  await closed
}

export async function exportHistory(options: ExportHistoryOptions): Promise<ExportHistoryResult> {
  const { records, format, outPath, fullPhone, signal, onProgress } = options
  const now = options.now ?? Date.now
  if (format === 'bundle' && !options.bundle) throw new TypeError('A bundle export needs bundle options (logDir, about).')
  if (!isExportFormat(format)) throw new TypeError(`Unknown export format: ${String(format)}`)
  throwIfAborted(signal)

  const total = options.total ?? (Array.isArray(records) ? records.length : 0)
  const tempPath = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString('hex')}.part`)
  // 0600 like every file the app writes; the rename keeps it.
  const out = createWriteStream(tempPath, { flags: 'wx', mode: PRIVATE_FILE_MODE, highWaterMark: 4 * 1024 * 1024, flush: true })
  // Errors are picked up through write()/waitClosed(); this keeps an early one from crashing the process.
  out.on('error', () => {})

  onProgress?.({ written: 0, total })
  const sync = createBackgroundSync(out)
  const context: PumpContext = { signal, total, now, onProgress, onChunk: () => sync.tick() }
  try {
    let rows: number
    if (format === 'bundle') {
      const bundle = options.bundle as BundleOptions
      const result = await writeBundle(out, {
        ...bundle,
        fullPhone,
        signal,
        now,
        writeAttempts: async (entry, observe) => {
          const written = await pump(records, createJsonlEncoder({ fullPhone }), entry, { ...context, observe })
          // Before the zip ends the file.
          await sync.settle()
          return written
        },
      })
      rows = result.rows
      await waitClosed(out)
    } else {
      const encoder = format === 'csv' ? createCsvEncoder({ fullPhone }) : createJsonlEncoder({ fullPhone })
      rows = await pump(records, encoder, out, context)
      await sync.settle()
      await endAndClose(out)
    }
    throwIfAborted(signal)
    await rename(tempPath, outPath)
    onProgress?.({ written: rows, total: Math.max(total, rows) })
    return { rows, path: outPath }
  } catch (error) {
    await sync.settle()
    out.destroy()
    await waitClosed(out).catch(() => {})
    await unlink(tempPath).catch(() => {})
    if (signal?.aborted) throw (error as Error | null)?.name === 'AbortError' ? error : abortError(signal)
    throw error
  }
}
